"""Scenario comparison: pairing by common random numbers (closed form), agreement with
bw2calc's MultiLCA, Activity Browser round trip, and scenario-file errors."""

from __future__ import annotations

import json
import math
import shutil

import numpy as np
import pytest

from cfp_lca.cli import main
from conftest import REPO, TEST_PROJECT

SIGMA = math.log(1.5)  # GSD of the copper supplier leg in zw32.yaml
M_COPPER_T = (9 + 3 + 3 * 0.45 + 5 + 1.5) / 1000  # t, the copper masses of zw32.yaml
TRUCK_30T = 0.078  # kgCO2e/(t*km), GB/T 51366-2019


@pytest.fixture(scope="module")
def scenario_dir(tmp_path_factory):
    """The shipped scenarios plus one that changes a single input: the copper leg's distance."""
    target = tmp_path_factory.mktemp("scenarios") / "scenarios"
    shutil.copytree(REPO / "scenarios", target)
    (target / "zw32" / "copper-near.yaml").write_text(
        "scenario: copper-near\nmodel: zw32\nname: copper from 150 km\nparameters:\n"
        "  d_copper: {value: 150, unit: km, source: test}\n",
        encoding="utf-8",
    )
    return target


@pytest.fixture(scope="module")
def models(built, scenario_dir):
    from cfp_lca.brightway.writing import ensure_model
    from cfp_lca.model.scenarios import load_scenarios

    found = load_scenarios(built, scenario_dir)
    out = {}
    for name in ("baseline", "copper-near", "green-power", "aluminium-housing"):
        out[name] = found[name].built
        ensure_model(built, out[name])
    return out


def test_paired_difference_has_exactly_the_spread_of_the_one_changed_input(built, models):
    """Only the copper leg differs: paired difference = delta x 0.078 x X, X ~ LN(0, ln 1.5);
    mean delta e^(s^2/2), std delta sqrt((e^(s^2)-1) e^(s^2)). Unpaired is far wider."""
    from cfp_lca.calc.compare import compare

    pair = {k: models[k] for k in ("baseline", "copper-near")}
    n = 40_000
    c = compare(pair, built.methods["ipcc-ar5-gwp100"], n, seed=3)
    delta = M_COPPER_T * (500 - 150) * TRUCK_30T
    assert c.deterministic[0] - c.deterministic[1] == pytest.approx(delta, rel=1e-9)
    d = c.difference(0, 1)
    mean = delta * math.exp(SIGMA**2 / 2)
    std = delta * math.sqrt((math.exp(SIGMA**2) - 1) * math.exp(SIGMA**2))
    assert d.mean() == pytest.approx(mean, abs=4.5 * std / math.sqrt(n))
    assert d.std() == pytest.approx(std, rel=0.05)
    assert np.median(d) == pytest.approx(delta, rel=0.02)
    assert (d > 0).all()  # paired: the nearer supplier is lower in every iteration
    assert c.difference(0, 1, paired=False).std() > 50 * d.std()
    assert c.probability_lower()[1, 0] == 1.0


def test_fast_comparison_agrees_with_bw2calc_multilca(built, models):
    from cfp_lca.calc.compare import compare, reference_compare

    three = {k: models[k] for k in ("baseline", "green-power", "aluminium-housing")}
    method = built.methods["ipcc-ar5-gwp100"]
    fast = compare(three, method, 20_000, seed=1)
    ref = reference_compare(three, method, 400, seed=2, sources=("foreground",))
    for k in range(3):
        f, r = fast.paired[k], ref[k]
        se = math.sqrt(f.var() / f.size + r.var() / r.size)
        assert abs(f.mean() - r.mean()) < 4.5 * se, three
        assert r.std() == pytest.approx(f.std(), rel=0.25)


def test_activity_browser_round_trip(built, models, tmp_path):
    from cfp_lca.brightway.writing import ensure_model
    from cfp_lca.calc.lcia import static_lcia
    from cfp_lca.model.ab_scenarios import COLUMNS, export_sdf, load_sdf

    base = built.models["zw32"]
    path = export_sdf(built, base, models, tmp_path / "zw32_sdf.csv")
    header = path.read_text(encoding="utf-8").splitlines()[0].split(";")
    assert tuple(header[: len(COLUMNS)]) == COLUMNS and header[len(COLUMNS) :] == list(models)
    for name, imported in load_sdf(built, base, path).items():
        ensure_model(built, imported)
        expected = static_lcia(built, models[name]).total
        assert static_lcia(built, imported).total == pytest.approx(expected, rel=1e-12), name


def test_scenario_naming_a_missing_exchange_is_a_clear_error(built, scenario_dir, tmp_path):
    from cfp_lca.errors import InputError
    from cfp_lca.model.scenarios import load_scenarios

    bad = tmp_path / "s"
    shutil.copytree(scenario_dir, bad)
    (bad / "zw32" / "typo.yaml").write_text(
        "scenario: typo\nmodel: zw32\nname: t\nchanges:\n"
        "  - {activity: breaker_housing, input: steel_stainles_304, scale: 0.5, source: t}\n",
        encoding="utf-8",
    )
    with pytest.raises(
        InputError, match="typo.yaml.*changes\\[0\\].*has no input 'steel_stainles_304'"
    ):
        load_scenarios(built, bad)


def test_compare_cli_over_all_shipped_scenarios(built, capsys):
    args = ["compare", "zw32", "-n", "2000", "--seed", "1", "--json", "--project", TEST_PROJECT]
    assert main(args) == 0
    data = json.loads(capsys.readouterr().out)
    names = [r["scenario"] for r in data["scenarios"]]
    assert names[0] == "baseline" and len(names) == 12
    row = {r["scenario"]: r for r in data["scenarios"]}
    assert row["recycled-content"]["p_lower_than_baseline"] == 1.0
    assert row["use-stage"]["change"] == pytest.approx(
        (3 * 200**2 * 60e-6 + 15) * 8760 * 20 / 1000 * 0.5306, rel=1e-9
    )


def test_a_swapped_supplier_keeps_the_draws_of_the_amount(built, models):
    """green-power swaps the plant's electricity supplier: the kWh are the same uncertain
    amount a ~ LN(ln a0, s), s^2 = 0.0013 (pedigree 2,2,1,1,1 + basic); the paired difference
    is a x (0.5366 - 0.04) with spread a0 (0.5366 - 0.04) sqrt((e^(s^2)-1) e^(s^2))."""
    from cfp_lca.calc.compare import compare

    pair = {k: models[k] for k in ("baseline", "green-power")}
    c = compare(pair, built.methods["ipcc-ar5-gwp100"], 20_000, seed=5)
    a0, s2 = 10593.054 / 4302, 0.0006 + 0.0006 + 0.0001
    std = a0 * (0.5366 - 0.04) * math.sqrt((math.exp(s2) - 1) * math.exp(s2))
    assert c.difference(0, 1).std() == pytest.approx(std, rel=0.05)
