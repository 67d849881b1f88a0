"""Sensitivity: closed forms (weighted sums of independent inputs) and hand-checked elasticities."""

from __future__ import annotations

import math

import numpy as np
import pytest
from fixture_models import SHELF_SIGMA, SHELF_STAGES, SHELF_TOTAL, current_project
from scipy.special import ndtri

from cfp_lca.calc.sensitivity import (
    elasticities,
    input_space,
    model_sobol,
    sobol_indices,
    spearman_ranking,
    tornado,
)

# On the engine tests' fixture models (tests/fixtures/models, README there), in the project
# 'cfp_fixture': 'shelf' buys one background process per stage with a lognormal amount of its
# own (no parameters), so its total is a weighted sum of independent lognormals; 'lamp' has
# random parameters (a correlated pair among them) and exchanges with distributions of their own.
STAGE = SHELF_STAGES  # kg CO2e per stage, by hand (fixture_models.py, README)
TOTAL = SHELF_TOTAL
SIGMA2 = {k: s**2 for k, s in SHELF_SIGMA.items()}  # sigma of ln: ln of shelf.yaml's gsd
ACTIVITY = {"materials": "sheet", "transport": "haul", "production": "forming",
            "end_of_life": "scrap"}  # fmt: skip
BOUGHT = {"sheet": "steel_sheet_cold_rolled_cn", "haul": "freight_lorry_diesel_30t_cn",
          "forming": "electricity_cn_national_2022",
          "scrap": "eol_metal_scrap_shredding_sorting"}  # fmt: skip

pytestmark = pytest.mark.usefixtures("on_fixture")


@pytest.fixture(scope="module")
def report_space(fixture_catalog):
    model = fixture_catalog.models["shelf"]
    with current_project():
        return input_space(model, fixture_catalog.methods[model.method], ["foreground"])


@pytest.fixture(scope="module")
def label(fixture_catalog):
    """An exchange as the tables name it: "<activity name> <- <the process, product and
    location>" (never codes); by the stage the activity is in."""
    from cfp_lca.brightway.linking import node_label

    model = fixture_catalog.models["shelf"]
    procs = {c: p for procs in fixture_catalog.backgrounds.values() for c, p in procs.items()}

    def name(stage: str) -> str:
        code = ACTIVITY[stage]
        p = procs[BOUGHT[code]]
        grid = node_label(p.name, p.meta.get("reference product"), p.location)
        return f"{model.activity(code).name} <- {grid}"

    return name


def test_sobol_weighted_sum_closed_form():
    """Y = sum w_i X_i, X_i ~ N(0, s_i): S1_i = ST_i = w_i^2 s_i^2 / sum_j w_j^2 s_j^2."""
    w = np.array([1.0, 2.0, 0.5, 3.0])
    s = np.array([1.0, 0.5, 2.0, 0.3])
    expected = (w * s) ** 2 / np.sum((w * s) ** 2)
    res = sobol_indices(
        ["a", "b", "c", "d"], None,
        lambda u: s[:, None] * ndtri(u), lambda x: w @ x, n=4096, seed=3,
    )  # fmt: skip
    assert res.s1 == pytest.approx(expected, abs=0.03)
    assert res.st == pytest.approx(expected, abs=0.03)
    assert np.all(np.abs(res.st - expected) <= 3 * res.st_conf + 0.01)


def test_sobol_on_the_report_model_closed_form(report_space, fixture_catalog):
    """shelf's total is a weighted sum of independent lognormal activity data:
    Var_i = stage_i^2 (exp(s^2) - 1) exp(s^2) with the stage's median = its static value."""
    var = {k: STAGE[k] ** 2 * (math.exp(v) - 1) * math.exp(v) for k, v in SIGMA2.items()}
    total_var = sum(var.values())
    res = model_sobol(report_space, n=4096, seed=5)
    stage = {a.name: a.stage for a in fixture_catalog.models["shelf"].activities}
    assert {stage[name] for name in res.names} == set(STAGE)
    for name, st in zip(res.names, res.st, strict=True):
        assert st == pytest.approx(var[stage[name]] / total_var, abs=0.01), name


def test_elasticity_equals_the_stage_share_by_hand(report_space, label):
    """Total is linear in each amount: elasticity = that amount's share of the total."""
    e = dict(zip(report_space.labels, elasticities(report_space), strict=True))
    assert e[label("production")] == pytest.approx(STAGE["production"] / TOTAL, abs=1e-6)
    assert e[label("end_of_life")] == pytest.approx(STAGE["end_of_life"] / TOTAL, abs=1e-6)


def test_tornado_plus_minus_ten_percent(report_space, label):
    base, rows = tornado(report_space, percent=10)
    assert base == pytest.approx(TOTAL, rel=1e-9)
    top = rows[0]  # the largest stage: production, 6 kWh x 0.5366
    assert top.label == label("production")
    assert top.low == pytest.approx(TOTAL - 0.1 * STAGE["production"], rel=1e-9)
    assert top.high == pytest.approx(TOTAL + 0.1 * STAGE["production"], rel=1e-9)
    assert top.high_setting == pytest.approx(1.1 * 6, rel=1e-9)  # kWh


def test_spearman_ranks_the_dominant_input_first(report_space, label):
    """production has 0.84 of the variance by the closed form above: its rank correlation
    with the total is near sqrt(0.84) = 0.92 (the linear correlation of a dominant input)."""
    r = spearman_ranking(report_space, n=20000, seed=2)
    order = np.argsort(-r.variance_share)
    assert r.labels[order[0]] == label("production")
    assert r.spearman[order[0]] > 0.8
    assert r.variance_share.sum() == pytest.approx(1.0)


def test_gsa_cli_ranks_parameters_and_methods_agree_on_the_top_one(fixture_catalog, capsys):
    """lamp's masses, distance and recovery are random parameters: gsa ranks them (labels
    are the parameters' descriptions) beside the exchanges with distributions of their own,
    and Spearman's top input is in one of Sobol's two top groups (the correlated masses go
    together)."""
    import json

    from fixture_models import MODELS, PROJECT

    from cfp_lca.cli import main

    args = ["gsa", "lamp", "-n", "5000", "--sobol-n", "1024", "--json", "--data", str(MODELS),
            "--project", PROJECT]  # fmt: skip
    assert main(args) == 0
    data = json.loads(capsys.readouterr().out)
    labels = {p.label for p in fixture_catalog.models["lamp"].parameters.random}
    assert labels == {"steel mass", "shade mass", "supplier distance", "steel recovery"}
    assert labels <= {d["input"] for d in data["spearman"]}
    assert {"steel mass + shade mass"} <= {d["group"] for d in data["sobol"]}
    top_input = data["spearman"][0]["input"]
    assert top_input in {g for d in data["sobol"][:2] for g in d["group"].split(" + ")}
    assert sum(d["variance_share"] for d in data["spearman"]) == pytest.approx(1.0)
    assert {r["input"] for r in data["tornado"]["rows"]} == {d["input"] for d in data["elasticity"]}
    # gsa draws what mc draws by default (issue 23): every source, and says so
    assert main(["mc", "lamp", "-n", "200", "--json", "--data", str(MODELS),
                 "--project", PROJECT]) == 0  # fmt: skip
    mc = json.loads(capsys.readouterr().out)
    assert data["sources"] == mc["sources"] == ["foreground", "background", "characterization"]
    # the squared-rank shares are a ranking, and the text says so rather than "variance"
    assert main(["gsa", "lamp", "-n", "500", "--sobol-n", "64", *args[-4:]]) == 0
    text = capsys.readouterr().out
    assert "share of rho²" in text and "not a share of the variance" in text
    assert "share of variance" not in text


def test_exchanges_remain_available_as_inputs(fixture_catalog):
    """With ``exchanges``, the inputs are the matrix entries with distributions of their own
    (labelled owner <- input), the parameters held at their values: lamp's assembly buys
    electricity and emits three gases, each with its own distribution."""
    model = fixture_catalog.models["lamp"]
    method = fixture_catalog.methods[model.method]
    space = input_space(model, method, ["foreground"], exchanges=True)
    assert len(space.inputs) == 4
    assert space.inputs and all(" <- " in x or " -> " in x for x in space.labels)
    base, _ = tornado(space)
    assert base == pytest.approx(space.engine.deterministic["total"], rel=1e-12)


def test_nothing_to_rank_says_which_sources_have_something(capsys):
    """The shelf's characterization factors carry no distribution: gsa says so and names
    the sources whose exchanges do."""
    from fixture_models import MODELS, PROJECT

    from cfp_lca.cli import main

    capsys.readouterr()
    assert main(["gsa", "shelf", "--exchanges", "--sources", "characterization", "-n", "100",
                 "--sobol-n", "64", "--data", str(MODELS), "--project", PROJECT]) == 2  # fmt: skip
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no uncertain exchanges in the sources characterization" in err
    assert "these have some: --sources foreground,background" in err


@pytest.mark.parametrize(
    "groups", [None, ["a", "b", "a", "c", "b", "c", "c"], ["a", "a", "a", "a", "a", "a", "b"]]
)
def test_the_saltelli_matrix_is_salibs_own(groups):
    """Built with array operations, the sample is SALib's, value for value (both copy the
    same scrambled Sobol' points): the Sobol indices of every model stay what they were."""
    from SALib.sample import sobol as sample

    from cfp_lca.calc.sensitivity import saltelli_sample

    problem = {"num_vars": 7, "names": [f"x{i}" for i in range(7)], "bounds": [[0.0, 1.0]] * 7}
    if groups:
        problem["groups"] = groups
    expected = sample.sample(problem, 64, calc_second_order=False, scramble=True, seed=5)
    assert np.array_equal(saltelli_sample(problem, 64, 5), expected)
