"""cfp-lca search: which factor is there for X. On the fixture models' data folder (the
shipped library under it): a process whose factor is one pre-characterized emission gives it
by hand, a process with a supply chain gives plain bw2calc's score, a flow gives the method's
factor; a database written here with bw2data is searched with --database and gives the hand
value through its own chain; strict JSON; an unknown database is one line."""

from __future__ import annotations

import json
from pathlib import Path

import bw2calc as bc
import bw2data as bd
import pytest
from fixture_models import MODELS, STEEL

from cfp_lca.cli import main

PROJECT = "cfp_search"
DATA = ["--data", str(MODELS), "--project", PROJECT]
AR5 = ["--method", "ipcc-ar5-gwp100"]


def search(capsys, *args: str) -> dict:
    capsys.readouterr()
    assert main(["search", *args, "--json", *DATA]) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def by_code(result: dict) -> dict:
    return {f["code"]: f for f in result["found"]}


def test_a_library_process_and_a_flow_with_their_factors(capsys, restore_project):
    found = by_code(search(capsys, "cold", "rolled", "steel", *AR5))
    steel = found["steel_sheet_cold_rolled_cn"]
    assert steel["factor"] == pytest.approx(STEEL, rel=1e-12)  # 2.53, one CO2e emission
    assert steel["unit"] == "kg" and steel["location"] == "CN" and steel["year"] == 2019
    methane = by_code(search(capsys, "methane", "fossil", *AR5))["ch4_fossil"]
    assert methane["kind"] == "flow" and methane["factor"] == 30  # AR5 WG1 8.A.1, with CO2


def test_a_chain_gives_plain_bw2calcs_score(capsys, restore_project):
    result = search(capsys, "copper", "wire", *AR5)
    wire = by_code(result)["copper_wire_drawn_cn"]
    bd.projects.set_current(PROJECT)
    node = bd.get_node(database="cfp-china-materials", code="copper_wire_drawn_cn")
    method = next(m for m in bd.methods if "AR5" in " ".join(m) and "fb" not in " ".join(m))
    lca = bc.LCA({node: 1}, method=method)  # bw2data's own float32 packages
    lca.lci()
    lca.lcia()
    assert wire["factor"] == pytest.approx(lca.score, rel=1e-6)
    assert result["method"] == "ipcc-ar5-gwp100" and result["unit"] == "kg CO2e"


def test_a_project_database_is_searched_by_name(capsys, restore_project):
    """'plain-other' written with bw2data: a widget emits 2 kg of fossil CO2, a gadget takes
    3 widgets: 2 and 6 kg CO2e per unit (AR5: CO2 is 1)."""
    search(capsys, "steel", *AR5)  # the project written
    bd.projects.set_current(PROJECT)
    co2 = bd.get_node(database="cfp-biosphere", code="co2_fossil")
    other = bd.Database("plain-other")
    other.write({
        ("plain-other", "widget"): {
            "name": "widget, blue", "unit": "unit", "location": "GLO", "type": "process",
            "exchanges": [{"input": ("plain-other", "widget"), "amount": 1, "type": "production"},
                          {"input": co2.key, "amount": 2.0, "type": "biosphere"}]},
        ("plain-other", "gadget"): {
            "name": "gadget with blue widgets", "unit": "unit", "location": "GLO",
            "type": "process",
            "exchanges": [{"input": ("plain-other", "gadget"), "amount": 1, "type": "production"},
                          {"input": ("plain-other", "widget"), "amount": 3.0,
                           "type": "technosphere"}]},
    })  # fmt: skip
    found = by_code(search(capsys, "blue", "widget", *AR5, "--database", "plain-other"))
    assert found["widget"]["factor"] == pytest.approx(2.0, rel=1e-12)
    assert found["gadget"]["factor"] == pytest.approx(6.0, rel=1e-12)
    assert found["gadget"]["database"] == "plain-other"


def test_text_output_and_an_unknown_database(capsys, restore_project):
    capsys.readouterr()
    assert main(["search", "cold", "rolled", *AR5, "--limit", "1", *DATA]) == 0
    out = capsys.readouterr().out
    assert "factors in kg CO2e of ipcc-ar5-gwp100" in out and "steel_sheet_cold_rolled_cn" in out
    assert main(["search", "steel", "--database", "nowhere", *DATA]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no database 'nowhere'" in err, err


def test_the_api_returns_the_same(restore_project):
    from cfp_lca import api

    result = api.load(Path(MODELS), project=PROJECT).search("cold rolled", "ipcc-ar5-gwp100")
    steel = next(f for f in result.found if f.code == "steel_sheet_cold_rolled_cn")
    assert steel.factor == pytest.approx(STEEL, rel=1e-12)
