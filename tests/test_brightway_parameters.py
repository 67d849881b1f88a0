"""The model's parameters live in the project as Brightway parameters: bw2data's own
recalculation reproduces cfp_lca's amounts, and an edit made there is named, not lost quietly.

The model is test_parameters.py's parametric product with its extras on by default (formula
exchanges in g of a kg-based mass, percent, kWh/kg, a formula parameter) and one activity
parameter of its own (burn's emission rate, in g/kg).
"""

from __future__ import annotations

import math

import bw2data as bd
import pytest
from fixture_models import current_project
from test_parameters import MODEL, write_data

from cfp_lca import api

PROJECT = "cfp_bwparams"
OWN = """  - code: burn
    name: burning
    unit: kg
    stage: part
    parameters:
      rate: {value: 1000, unit: g/kg, source: t}
    emissions:
      - {flow: co2_fossil, formula: rate, unit: kg/kg, source: t, uncertainty: {distribution: none}}
"""
K = 3 + 0.5 + 1.5 * 0.5366 + 0.01 * 30  # kg CO2e per kg of m in stage part (test_parameters)


def _model_text() -> str:
    text = MODEL.replace("extras: {default: false", "extras: {default: true")
    start = text.index("  - code: burn\n")
    end = text.index("  - code: recovery\n")
    return text[:start] + OWN + text[end:]


def _total(m: float) -> float:
    """By hand: part K m; recovered r m (0.9); p (4); q x 10 kg (30 %); own 2 p."""
    return K * m + 0.9 * m + 4 + 0.3 * 10 + 2 * 4


@pytest.fixture(scope="module")
def para(tmp_path_factory):
    """The workspace of the parametric model, written into its own project."""
    data = write_data(tmp_path_factory.mktemp("bwparams"), _model_text())
    ws = api.load(data, project=PROJECT)
    ws.write()
    return ws


def _formula_exchanges(database: str) -> list:
    return [x for a in bd.Database(database) for x in a.exchanges() if "formula" in x]


def test_parameters_are_brightway_parameters_with_units_and_uncertainty(para):
    """Every model parameter is a database parameter; burn's own an activity parameter of its
    group; values in their own units, m with its lognormal (ln 2, ln 1.5); a name Brightway
    reserves is renamed, in formulas too."""
    from bw2data.parameters import ActivityParameter, DatabaseParameter

    database = para.catalog.models["para"].database
    with current_project(PROJECT):
        rows = {p.name: p for p in DatabaseParameter.select().where(
            DatabaseParameter.database == database)}  # fmt: skip
        # e is a built-in symbol of Brightway's formulas: written as e_, its name kept
        assert set(rows) == {"m", "a", "m_total", "b", "e_", "ch4_rate", "r", "p", "q", "ten_kg"}
        assert rows["e_"].data["cfp_lca name"] == "e"
        assert rows["b"].amount == 500 and rows["b"].data["unit"] == "g/kg"
        assert rows["q"].amount == 30 and rows["q"].data["unit"] == "percent"
        m = rows["m"].data
        assert m["uncertainty type"] == 2
        assert m["loc"] == pytest.approx(math.log(2)) and m["scale"] == pytest.approx(math.log(1.5))
        assert rows["m_total"].formula == "a * m"
        own = ActivityParameter.get(ActivityParameter.database == database,
                                    ActivityParameter.name == "rate")  # fmt: skip
        assert (own.group, own.code, own.amount) == (f"{database}:burn", "burn", 1000)


def test_bw2data_recalculation_reproduces_the_amounts(para):
    """Every formula exchange is zeroed, then bw2data alone recalculates the parameters and
    exchanges: each amount is cfp_lca's to float64 precision."""
    from bw2data.parameters import Group

    model = para.catalog.models["para"]
    want = {(a.code, x.database, x.code): x.amount for a in model.activities for x in a.exchanges}
    with current_project(PROJECT):
        exchanges = _formula_exchanges(model.database)
        assert len(exchanges) == 9  # b, e, m_total, ch4, rate, r m, p, q ten_kg, 2 p
        for x in exchanges:
            x["amount"] = 0.0
            x.save()
        Group.update(fresh=False).execute()
        bd.parameters.recalculate()
        for x in _formula_exchanges(model.database):
            key = (x.output["code"], *x.input.key)
            assert x["amount"] == pytest.approx(want[key], rel=1e-12, abs=0), key
        # by hand, in burn's unit (kg): 500 g/kg x 2 kg = 1 kg; the rate 1000 g/kg = 1 kg/kg
        edges = {(x.output["code"], x.input["code"]): x["amount"]
                 for x in _formula_exchanges(model.database)}  # fmt: skip
        assert edges[("part", "burn")] == pytest.approx(1.0, rel=1e-12)
        assert edges[("burn", "co2_fossil")] == pytest.approx(1.0, rel=1e-12)


def test_an_edit_in_bw2data_is_named_and_the_files_rule(para, caplog):
    """m set to 4 kg in bw2data and recalculated there: cfp_lca's next result warns that the
    database was changed outside it, names the model file, and computes the file's model."""
    from bw2data.parameters import DatabaseParameter

    model = para.catalog.models["para"]
    with current_project(PROJECT):
        row = DatabaseParameter.get(DatabaseParameter.database == model.database,
                                    DatabaseParameter.name == "m")  # fmt: skip
        row.amount = 4.0
        row.save()
        bd.parameters.recalculate()
    with caplog.at_level("WARNING", logger="cfp_lca"):
        total = para.model("para").lcia().total
    assert f"database '{model.database}' was changed outside cfp_lca" in caplog.text
    assert str(model.path) in caplog.text
    assert total == pytest.approx(_total(2.0), rel=1e-9)
    with current_project(PROJECT):
        m = DatabaseParameter.get(DatabaseParameter.database == model.database,
                                  DatabaseParameter.name == "m")  # fmt: skip
        assert m.amount == 2.0


def test_the_shipped_models_recalculate_in_bw2data_to_their_amounts(tmp_path):
    """zw32 and the report's model (formulas over masses in kg and g, powers in kW, hours, a
    service life in years): every formula exchange zeroed, then recalculated by bw2data alone,
    is cfp_lca's amount to float64 precision."""
    from bw2data.parameters import Group

    from conftest import DATA

    ws = api.load(DATA, project="cfp_bwparams_shipped")
    ws.write()
    with current_project("cfp_bwparams_shipped"):
        checked = 0
        for name in ("zw32", "zw32-report"):
            model = ws.catalog.models[name]
            # an activity may buy one input twice (two formulas): compare in exchange order
            want = [x.amount for a in model.activities for x in a.exchanges if x.formula]
            for x in _formula_exchanges(model.database):
                x["amount"] = 0.0
                x.save()
            Group.update(fresh=False).execute()
            bd.parameters.recalculate()
            found = [x["amount"] for a in model.activities for x in sorted(
                bd.get_node(database=model.database, code=a.code).exchanges(),
                key=lambda x: x._document.id) if "formula" in x]  # fmt: skip
            assert len(found) == len(want)
            assert found == pytest.approx(want, rel=1e-12, abs=0)
            checked += len(found)
        assert checked >= 50
