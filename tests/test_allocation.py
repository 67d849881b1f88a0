"""Multi-output activities: a smelter delivers metal (its product) and slag, and shares its
electricity and emissions between them by mass or by price (an option), ISO 14067:2018 6.4.6.2.

By hand, per kg of metal: 0.5 kg of slag; 4 kWh of national grid power (0.5366 kg CO2e/kWh,
the shipped factor) and 2 kg of fossil CO2, so 4.1464 kg CO2e before allocation. By mass the
metal carries 1 / (1 + 0.5) = 2/3 of it; by price (metal 190 CNY/kg, slag 10 CNY/kg) 190 / 195.
The product buys 3 kg of metal. Plain bw2calc on the written (and a variant's) datasets agrees;
bw2data's parameter recalculation gives the allocated amounts; a comparison shows the rule's
sensitivity; bad allocation data are refused in one line.
"""

from __future__ import annotations

import bw2calc as bc
import bw2data as bd
import pytest
from fixture_models import current_project, written_variant
from test_parameters import write_data

from cfp_lca import api
from cfp_lca.cli import main

PROJECT = "cfp_allocation"
GRID = 0.5366
UNALLOCATED = 4 * GRID + 2.0  # kg CO2e per kg of metal, before allocation
MASS, PRICE = 1 / 1.5, 190 / 195
MODEL = """\
model: smelter
database: cfp-smelter
name: metal part
functional_unit: {amount: 1, unit: unit, description: "1 part"}
reference_activity: part
method: ipcc-ar5-gwp100
backgrounds: [cfp-china-background]
options:
  allocation: {default: mass, choices: [mass, economic], description: allocation of the smelter}
parameters:
  e_smelt: {value: 4000, unit: Wh/kg, source: meter (test)}
stages: [{code: metal, name: metal}]
activities:
  - code: part
    name: part
    inputs:
      - {input: smelt, amount: {value: 3, unit: kg}, source: drawing (test)}
  - code: smelt
    name: smelting
    unit: kg
    stage: metal
    properties:
      price: {value: 190, unit: CNY/kg, source: price list (test), year: 2024}
    co_products:
      - name: slag
        amount: {value: 0.5, unit: kg}
        source: plant balance (test)
        properties:
          price: {value: 10, unit: CNY/kg, source: price list (test), year: 2024}
    allocation:
      - {by: mass, reason: "no subdivision: one furnace (test)", when: {allocation: mass}}
      - {by: price, reason: "value drives production (test)", when: {allocation: economic}}
    inputs:
      - {input: electricity_cn_national_2022, formula: e_smelt, unit: kWh/kg, source: meter (test), uncertainty: {distribution: lognormal, gsd: 1.1}}
    emissions:
      - {flow: co2_fossil, amount: {value: 2, unit: kg}, source: fuel (test), uncertainty: {distribution: normal, cv: 0.05}}
"""  # noqa: E501


@pytest.fixture(scope="module")
def data(tmp_path_factory, restore_project):
    root = write_data(tmp_path_factory.mktemp("alloc"), MODEL).parent
    (root / "scenarios").mkdir()
    (root / "scenarios" / "baseline.yaml").write_text(
        "scenario: baseline\nmodel: smelter\nname: by mass\n", encoding="utf-8"
    )
    (root / "scenarios" / "economic.yaml").write_text(
        "scenario: economic\nmodel: smelter\nname: economic allocation\nkind: method\n"
        "options: {allocation: economic}\n",
        encoding="utf-8",
    )
    return root / "databases"


@pytest.fixture(scope="module")
def ws(data):
    workspace = api.load(data, project=PROJECT)
    workspace.write()
    return workspace


def test_both_rules_give_the_hand_totals(ws):
    model = ws.model("smelter")
    assert model.lcia().total == pytest.approx(3 * UNALLOCATED * MASS, rel=1e-12)
    economic = model.lcia(options={"allocation": "economic"}).total
    assert economic == pytest.approx(3 * UNALLOCATED * PRICE, rel=1e-12)


def test_plain_bw2calc_agrees_on_both_rules(ws):
    """The written model (by mass) and the economic variant's datasets written by bw2data."""
    method = ws.catalog.methods["ipcc-ar5-gwp100"].name
    base = ws.catalog.models["smelter"]
    with current_project(PROJECT):
        lca = bc.LCA({bd.get_node(database=base.database, code="part"): 1}, method=method)
        lca.lci()
        lca.lcia()
        assert lca.score == pytest.approx(3 * UNALLOCATED * MASS, rel=1e-6)  # float32
        smelt = bd.get_node(database=base.database, code="smelt")
        assert smelt["allocation"]["by"] == "mass"
        assert smelt["allocation"]["co_products"] == ["slag"]
        variant = ws.model("smelter").variant({"allocation": "economic"})
        with written_variant(ws.catalog, variant) as name:
            lca = bc.LCA({bd.get_node(database=name, code="part"): 1}, method=method)
            lca.lci()
            lca.lcia()
            assert lca.score == pytest.approx(3 * UNALLOCATED * PRICE, rel=1e-6)


def test_bw2data_recalculates_the_allocated_formula(ws):
    """The electricity, given by a formula, is written with the share in its formula: bw2data's
    recalculation gives 4 kWh x 2/3."""
    from bw2data.parameters import Group

    base = ws.catalog.models["smelter"]
    with current_project(PROJECT):
        power = next(x for x in bd.get_node(database=base.database, code="smelt").technosphere())
        power["amount"] = 0.0
        power.save()
        Group.update(fresh=False).execute()
        bd.parameters.recalculate()
        power = next(x for x in bd.get_node(database=base.database, code="smelt").technosphere())
        assert power["amount"] == pytest.approx(4 * MASS, rel=1e-12)


def test_compare_shows_the_allocation_sensitivity(ws, data):
    """The economic scenario against the baseline (mass): the difference by hand."""
    result = ws.model("smelter").compare(scenario_dir=data.parent / "scenarios", n=200, seed=1)
    group = result.to_dict()["groups"][0]
    found = {s["scenario"]: s["deterministic"] for s in group["scenarios"]}
    assert group["baseline"] == "baseline"
    kinds = {s["scenario"]: s.get("kind") for s in group["scenarios"]}
    assert kinds["economic"] == "method"  # a choice of method, never called a reduction
    assert found["economic"] - found["baseline"] == pytest.approx(
        3 * UNALLOCATED * (PRICE - MASS), rel=1e-9
    )


@pytest.mark.parametrize(
    "old, new, message",
    [
        (
            "when: {allocation: economic}}",
            "when: {allocation: [mass, economic]}}",
            "2 allocation rules hold for the options (allocation=mass)",
        ),
        ("{by: price,", "{by: energy,", None),
        (
            "unit: CNY/kg, source: price list (test), year: 2024}\n    co_products",
            "unit: USD/kg, source: price list (test), year: 2024}\n    co_products",
            None,
        ),
        (
            "    co_products:\n      - name: slag\n        amount: {value: 0.5, unit: kg}\n"
            "        source: plant balance (test)\n        properties:\n          price: {value: "
            "10, unit: CNY/kg, source: price list (test), year: 2024}\n",
            "",
            "an allocation rule without co_products",
        ),
        (
            "when: {allocation: mass}",
            "when: {allocation: by_mass}",
            "'by_mass' is not a choice of option 'allocation'",
        ),
    ],
)
def test_bad_allocation_data_are_refused_in_one_line(tmp_path, capsys, old, new, message):
    assert old in MODEL
    data = write_data(tmp_path, MODEL.replace(old, new))
    options = ["--option", "allocation=economic"] if message is None else []
    capsys.readouterr()
    code = main(["lcia", "smelter", "--data", str(data), "--project", PROJECT, *options])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1, err
    expected = message or ("no property 'energy' to allocate by" if "energy" in new
                           else "cannot be added")  # fmt: skip
    assert expected in err and "smelt" in err


def test_the_report_states_the_rule_share_and_reason(ws, tmp_path):
    """Section 6 (ISO 14067 6.4.6): the co-product, the basis, 2/3 by hand, the reason."""
    paths = ws.model("smelter").report(tmp_path / "out", n=200, formats=["md"])
    text = paths["markdown"].read_text(encoding="utf-8")
    assert ("smelting delivers slag beside its product: its inputs and emissions are shared by "
            "mass, and its product carries 66.7 % of them (no subdivision: one furnace "
            "(test))") in text  # fmt: skip
