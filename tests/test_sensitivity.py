"""Sensitivity: closed forms (weighted sums of independent inputs) and hand-checked elasticities."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.special import ndtri

from cfp_lca.calc.sensitivity import (
    elasticities,
    input_space,
    model_sobol,
    sobol_indices,
    spearman_ranking,
    tornado,
)

# The report model per unit (Table 4.2-1 / 4302), factors 0.5366 kgCO2/kWh and 0.0726 x 43.33.
STAGE = {"raw_materials": 1317.3597, "raw_material_transport": 11.1090, "production": 1.3213,
         "product_transport": 10.2834, "end_of_life": 5.5405}  # fmt: skip
TOTAL = 1345.6139
# sigma of ln from the pedigree scores in zw32-report.yaml and Weidema et al. (2013) Table 10.2
SIGMA2 = {
    "raw_materials": 0.0006 + 0.0006 + 0.0006 + 0.12,  # basic, (2,3,1,1,5)
    "raw_material_transport": 0.0006 + 0.0006 + 0.0001 + 0.0006,  # (2,2,1,1,2)
    "production": 0.0006 + 0.0006 + 0.0001,  # (2,2,1,1,1)
    "product_transport": 0.0006 + 0.0006 + 0.0001 + 0.0006,
    "end_of_life": 0.0006 + 0.002 + 0.0006 + 0.008,  # (3,3,1,1,3)
}


@pytest.fixture(scope="module")
def report_space(built):
    model = built.models["zw32-report"]
    return input_space(model, built.methods[model.method], ["foreground"])


@pytest.fixture(scope="module")
def label(built):
    """An exchange as the tables name it: "<activity name> <- <the grid's process, product
    and location>" (never codes)."""
    from cfp_lca.brightway.linking import node_label

    model = built.models["zw32-report"]
    grid = next(p for procs in built.backgrounds.values() for c, p in procs.items()
                if c == "electricity_cn_national_2022")  # fmt: skip
    grid_name = node_label(grid.name, grid.meta.get("reference product"), grid.location)
    return lambda code: f"{model.activity(code).name} <- {grid_name}"


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


def test_sobol_on_the_report_model_closed_form(report_space, built):
    """The report model's total is a weighted sum of independent lognormal activity data:
    Var_i = stage_i^2 (exp(s^2) - 1) exp(s^2) with the stage's median = its static value."""
    var = {k: STAGE[k] ** 2 * (math.exp(v) - 1) * math.exp(v) for k, v in SIGMA2.items()}
    total_var = sum(var.values())
    res = model_sobol(report_space, n=4096, seed=5)
    code = {a.name: a.code for a in built.models["zw32-report"].activities}
    for name, st in zip(res.names, res.st, strict=True):
        assert st == pytest.approx(var[code[name]] / total_var, abs=0.01), name


def test_elasticity_equals_the_stage_share_by_hand(report_space, label):
    """Total is linear in each amount: elasticity = that amount's share of the total."""
    e = dict(zip(report_space.labels, elasticities(report_space), strict=True))
    assert e[label("raw_materials")] == pytest.approx(STAGE["raw_materials"] / TOTAL, abs=1e-6)
    assert e[label("end_of_life")] == pytest.approx(STAGE["end_of_life"] / TOTAL, abs=1e-6)


def test_tornado_plus_minus_ten_percent(report_space, label):
    base, rows = tornado(report_space, percent=10)
    assert base == pytest.approx(TOTAL, abs=0.5e-4)
    top = rows[0]
    assert top.label == label("raw_materials")
    assert top.low == pytest.approx(TOTAL - 0.1 * STAGE["raw_materials"], abs=1e-3)
    assert top.high == pytest.approx(TOTAL + 0.1 * STAGE["raw_materials"], abs=1e-3)
    assert top.high_setting == pytest.approx(1.1 * 10561464.084 / 4302, rel=1e-9)


def test_spearman_ranks_the_dominant_input_first(report_space, label):
    r = spearman_ranking(report_space, n=20000, seed=2)
    order = np.argsort(-r.variance_share)
    assert r.labels[order[0]] == label("raw_materials")
    assert r.spearman[order[0]] > 0.99
    assert r.variance_share.sum() == pytest.approx(1.0)


def test_gsa_cli_ranks_parameters_and_methods_agree_on_the_top_one(built, capsys):
    """zw32's masses are random parameters: gsa ranks them (labels are the parameters'), and
    Spearman's top input is in one of Sobol's two top groups (correlated ones go together)."""
    import json

    from cfp_lca.cli import main
    from conftest import TEST_PROJECT

    args = ["gsa", "zw32", "-n", "5000", "--sobol-n", "1024", "--json", "--project", TEST_PROJECT]
    assert main(args) == 0
    data = json.loads(capsys.readouterr().out)
    labels = {p.label for p in built.models["zw32"].parameters.random}
    top_input = data["spearman"][0]["input"]
    assert top_input in labels
    assert top_input in {g for d in data["sobol"][:2] for g in d["group"].split(" + ")}
    assert sum(d["variance_share"] for d in data["spearman"]) == pytest.approx(1.0)
    assert {r["input"] for r in data["tornado"]["rows"]} == {d["input"] for d in data["elasticity"]}


def test_exchanges_remain_available_as_inputs(built):
    """With ``exchanges``, the inputs are the matrix entries with distributions of their own
    (labelled owner <- input), the parameters held at their values."""
    model = built.models["zw32"]
    space = input_space(model, built.methods[model.method], ["foreground"], exchanges=True)
    assert space.inputs and all(" <- " in x or " -> " in x for x in space.labels)
    base, _ = tornado(space)
    assert base == pytest.approx(space.engine.deterministic["total"], rel=1e-12)
