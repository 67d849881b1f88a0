"""Activity Browser parameter scenario files (Name, Group, default, one column per scenario):
exported from scenario files that change parameters only, read by pandas as the Activity
Browser reads them, imported back to hand totals; an activity's own parameter set by a file
typed by hand; bad rows refused in one line.

The model is test_brightway_parameters.py's parametric product (its extras on), whose total is
K m + 0.9 m + 4 + 3 + 8 kg CO2e for a mass m (2 kg), burn's emission 1 kg/kg.
"""

from __future__ import annotations

import pandas as pd
import pytest
from test_brightway_parameters import _model_text, _total
from test_parameters import write_data

from cfp_lca.cli import main

PROJECT = "cfp_param_scenarios"


@pytest.fixture(scope="module")
def data(tmp_path_factory, restore_project):
    """The model, three scenario files (two of parameters only, one with a swap)."""
    root = write_data(tmp_path_factory.mktemp("psc"), _model_text())
    scenarios = root.parent / "scenarios"
    scenarios.mkdir()
    (scenarios / "heavier.yaml").write_text(
        "scenario: heavier\nmodel: para\nname: a 3 kg part\nparameters:\n"
        "  m: {value: 3, unit: kg, source: test, uncertainty: {distribution: lognormal, "
        "gsd: 1.5}}\n",
        encoding="utf-8",
    )
    (scenarios / "thrifty.yaml").write_text(
        "scenario: thrifty\nmodel: para\nname: less power\nparameters:\n"
        "  e: {value: 1000, unit: Wh/kg, source: test}\n",
        encoding="utf-8",
    )
    (scenarios / "greener.yaml").write_text(
        "scenario: greener\nmodel: para\nname: green power\nswaps:\n"
        "  - {old: electricity_cn_national_2022, new: electricity_cn_green_ppa, source: test}\n",
        encoding="utf-8",
    )
    return ["--data", str(root), "--project", PROJECT]


def _imported(capsys, data, path) -> dict[str, float]:
    capsys.readouterr()
    assert main(["scenarios", "import", "para", str(path), *data]) == 0
    out = capsys.readouterr().out.splitlines()[1:]
    return {line.split()[0]: float(line.split()[1]) for line in out}


@pytest.mark.parametrize("name", ["para.xlsx", "para.csv"])
def test_parameter_scenarios_export_and_import_to_hand_totals(data, capsys, tmp_path, name):
    """heavier (m = 3 kg) and thrifty (e = 1000 Wh/kg, written in e's own kWh/kg: 1.0) go out;
    greener (a swap) is left out with a note; both come back to their hand totals."""
    path = tmp_path / name
    assert main(["scenarios", "export", "para", str(path), "--parameters", *data]) == 0
    assert "greener change more than parameters" in capsys.readouterr().err
    if name.endswith(".xlsx"):  # as the Activity Browser's parameter scenario import reads it
        table = pd.read_excel(path, engine="openpyxl")
    else:
        table = pd.read_csv(path, sep=";")
    assert list(table.columns) == ["Name", "Group", "default", "heavier", "thrifty"]
    rows = table.set_index("Name")
    assert rows.loc["m", "heavier"] == 3 and rows.loc["m", "default"] == 2
    assert rows.loc["e_", "thrifty"] == pytest.approx(1.0)  # e: Brightway's name e_
    assert rows.loc["rate", "Group"] == "cfp-para:burn"
    # m_total = a m (a formula parameter, in kg): follows m
    assert rows.loc["m_total", "heavier"] == pytest.approx(9.0)
    totals = _imported(capsys, data, path)
    assert totals["heavier"] == pytest.approx(_total(3.0), abs=5e-5)
    power = 1.5 * 0.5366 * 2  # e m kWh of grid power at 0.5366 kg CO2e/kWh
    assert totals["thrifty"] == pytest.approx(_total(2.0) - power / 3, abs=5e-5)


def test_an_activity_parameter_set_by_hand(data, capsys, tmp_path):
    """burn's own rate at 500 g/kg in a hand-typed CSV halves burn's 1 kg of CO2 per kg; an
    empty cell keeps the model's value."""
    path = tmp_path / "hand.csv"
    path.write_text("Name;Group;default;half;same\nrate;cfp-para:burn;1000;500;\n"
                    "m;cfp-para;2;;2\n", encoding="utf-8")  # fmt: skip
    totals = _imported(capsys, data, path)
    assert totals["half"] == pytest.approx(_total(2.0) - 0.5, abs=5e-5)
    assert totals["same"] == pytest.approx(_total(2.0), abs=5e-5)


@pytest.mark.parametrize(
    "row, message",
    [
        (
            "m_total;cfp-para;6;7",
            "'m_total' is a formula parameter (a * m): it gives 6.0 here, not 7.0",
        ),
        ("mass;cfp-para;2;3", "no parameter 'mass' in group 'cfp-para'"),
        ("m;project;2;3", "no parameter 'm' in group 'project'"),
        ("m;cfp-para;2;heavy", "scenario 'x': 'heavy' is not a number"),
    ],
)
def test_bad_rows_are_refused_in_one_line(data, capsys, tmp_path, row, message):
    path = tmp_path / "bad.csv"
    path.write_text(f"Name;Group;default;x\n{row}\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["scenarios", "import", "para", str(path), *data]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err and "row 2" in err
