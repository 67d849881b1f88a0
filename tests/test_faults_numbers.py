"""Wrong numbers are never accepted: a result that is not a finite number (amounts whose
product overflows float64 along a supply chain) is an error naming where it happens, in every
command that computes, never ``"total": null`` with exit status 0.

Hand values: the tote bag's AR5 total (test_second_model) with its amounts scaled; float64's
largest number is about 1.8e308, so 1e200 x 1e200 overflows and 1e150 x 1e150 does not.
"""

from __future__ import annotations

import json
import math

import pytest
from faultkit import TOTAL, env_for, files_under, one_error, replaced, run, tote_folder
from test_second_model import SEWING

from cfp_lca.cli import main

PROJECT = "cfp_faults_numbers"

# the bag takes 1e200 kg of fibre, each kg of fibre 1e200 kWh: the supply of electricity
# is 1e400 kWh, beyond float64
SUPPLY = (
    replaced("value: 0.25", "value: 1e200"),
    replaced("    unit: kg\n    stage: growing\n",
             "    unit: kg\n    stage: growing\n    inputs:\n"
             "      - input: electricity_cn_lifecycle_2023\n"
             "        amount: {value: 1e200, unit: kWh}\n"
             "        uncertainty: {distribution: none}\n"
             "        source: test\n"),
)  # fmt: skip
# 1e200 kg of fibre, each emitting 1e200 kg of N2O: the inventory overflows
EMISSIONS = (replaced("value: 0.25", "value: 1e200"), replaced("value: 0.004", "value: 1e200"))
# 0.25 kg x 1e307 kg N2O/kg = 2.5e306 kg, finite; times AR5's 265 it is not
CHARACTERIZED = (replaced("value: 0.004", "value: 1e307"),)
BROKEN = {"supply": SUPPLY, "emissions": EMISSIONS, "characterized emissions": CHARACTERIZED}


def folder(root, edits):
    """The tote folder with every edit applied."""

    def edit(text: str) -> str:
        for one in edits:
            text = one(text)
        return text

    return tote_folder(root, edit)


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    """A data folder per way of overflowing."""
    root = tmp_path_factory.mktemp("numbers")
    return {name: folder(root / name.replace(" ", "_"), edits) for name, edits in BROKEN.items()}


def lines(capsys, *args: str, status: int) -> tuple[str, str]:
    """One command in-process: its exit status checked, (stdout, stderr)."""
    capsys.readouterr()
    assert main([*args, "--project", PROJECT]) == status
    return capsys.readouterr()


@pytest.mark.parametrize("where", sorted(BROKEN))
def test_lcia_refuses_a_result_that_is_not_finite(where, broken, capsys):
    _, err = lines(capsys, "lcia", "tote", "--data", str(broken[where]), status=2)
    one_error(err, "tote.yaml", f"the {where} of", "not a finite number", "float64")


@pytest.mark.parametrize("where", sorted(BROKEN))
def test_lcia_json_refuses_rather_than_printing_null(where, broken, capsys):
    out, err = lines(capsys, "lcia", "tote", "--json", "--data", str(broken[where]), status=2)
    assert out == ""
    one_error(err, "not a finite number")


def test_the_error_names_the_activity_where_it_happens(broken, capsys):
    _, err = lines(capsys, "lcia", "tote", "--data", str(broken["emissions"]), status=2)
    one_error(err, "'cotton fibre, at the field'", "(cfp-tote: cotton)")
    _, err = lines(capsys, "lcia", "tote", "--data", str(broken["supply"]), status=2)
    one_error(err, "electricity")


@pytest.mark.parametrize(
    "args",
    [
        ("mc", "tote", "-n", "100"),
        ("mc", "tote", "-n", "100", "--engine", "brightway"),
        ("gsa", "tote", "-n", "200", "--sobol-n", "64"),
        ("audit", "tote"),
    ],
    ids=["mc", "mc-brightway", "gsa", "audit"],
)
def test_every_computing_command_refuses_it(args, broken, capsys):
    _, err = lines(capsys, *args, "--data", str(broken["emissions"]), status=2)
    if args[0] == "audit":  # the tote has no declared figures: refused before computing
        one_error(err, "no declared-figures file")
    else:
        one_error(err, "not a finite number")


def test_monte_carlo_prints_no_numpy_warning(broken, tmp_path):
    """In a real process, where numpy's overflow warnings would reach stderr."""
    done = run("mc", "tote", "-n", "100", "--data", str(broken["supply"]), "--project", PROJECT,
               env=env_for(CFP_LCA_CACHE_DIR=str(tmp_path)))  # fmt: skip
    assert done.returncode == 2, done.stderr
    one_error(done.stderr, "not a finite number")
    assert done.stdout == ""


@pytest.mark.parametrize("command", ["plot", "report"])
def test_no_figures_or_report_are_left_behind(command, broken, tmp_path, capsys):
    out = tmp_path / "new" / "out"
    _, err = lines(capsys, command, "tote", "--out", str(out), "-n", "200", "--sobol-n", "64",
                   "--data", str(broken["emissions"]), status=2)  # fmt: skip
    one_error(err, "not a finite number", steps=True)
    assert files_under(tmp_path) == set()


def test_the_api_raises_the_same_error(broken):
    from cfp_lca import api
    from cfp_lca.errors import InputError

    workspace = api.load(data=broken["characterized emissions"], project=PROJECT)
    with pytest.raises(InputError, match="characterized emissions of .* not a finite number"):
        workspace.model("tote").lcia()


@pytest.mark.parametrize("value", ["1e400", "-1e400", ".inf", "-.inf", ".nan", ".NaN"])
def test_a_non_finite_amount_in_the_data_is_refused(value, tmp_path, capsys):
    data = tote_folder(tmp_path, replaced("value: 0.004", f"value: {value}"))
    _, err = lines(capsys, "lcia", "tote", "--data", str(data), status=2)
    one_error(err, "tote.yaml", "'cotton'", "emissions[0]", "must be a finite number")


def test_large_but_finite_amounts_give_the_hand_value(tmp_path, capsys):
    """1e150 kg of fibre emitting 1e150 kg of N2O per kg: 2.65e302 kg CO2e, no refusal."""
    data = tote_folder(tmp_path, lambda t: replaced("value: 0.004", "value: 1e150")(
        replaced("value: 0.25", "value: 1e150")(t)))  # fmt: skip
    out, _ = lines(capsys, "lcia", "tote", "--json", "--data", str(data), status=0)
    fibre, n2o = 1e150, 1e150
    hand = fibre * (n2o * 265 + 0.01 * 30) + SEWING
    assert math.isclose(json.loads(out)["total"], hand, rel_tol=1e-12)


def test_the_unedited_model_still_gives_the_hand_value(tmp_path, capsys):
    out, _ = lines(capsys, "lcia", "tote", "--json", "--data", str(tote_folder(tmp_path)),
                   status=0)  # fmt: skip
    assert math.isclose(json.loads(out)["total"], TOTAL, rel_tol=1e-12)
