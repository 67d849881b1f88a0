"""Results by gas, by ISO 14067 7.3 group, credits apart from burdens and every method beside.

The model below is written for these tests (its own flows, methods, background and foreground,
all named "h2..." so that it stands alone or stacked on the shipped library). Every expected
number is worked out by hand from the values in the files, in the comments next to it:

    background: steel 2 kgCO2e/kg pre-characterized; power 0.5 kg CO2 + 0.001 kg CH4 per kWh
    make (stage "making"): 10 kg steel, 20 kWh; emits 0.001 kg SF6, 0.05 kg CH4, 1 kg biogenic
        CO2, 0.5 kg CO2 from land-use change, 0.2 kg of a gas without a group
    use (stage "use", separate): 100 kWh
    eol (stage "end of life"): 2 kWh, -4 kg steel (credit), emits 3 kg CO2
    power in all: 122 kWh; steel: 10 - 4 = 6 kg
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

# the biosphere database of the shipped library: a data directory stacked on it must name the
# same one; the flow codes are the test's own
FLOWS = """\
database: cfp-biosphere
flows:
  - {code: h2_co2, name: "Carbon dioxide, fossil", unit: kg, categories: [air], group: fossil}
  - {code: h2_ch4, name: "Methane, fossil", unit: kg, categories: [air], group: fossil}
  - {code: h2_sf6, name: "Sulfur hexafluoride", unit: kg, categories: [air], group: fossil}
  - {code: h2_co2e, name: "Greenhouse gases, CO2-equivalent", unit: kg, categories: [air],
     group: precharacterized}
  - {code: h2_co2_bio, name: "Carbon dioxide, non-fossil", unit: kg, categories: [air],
     group: biogenic}
  - {code: h2_luc, name: "Carbon dioxide, from soil or biomass stock", unit: kg,
     categories: [air], group: land_use_change}
  - {code: h2_other, name: "A gas without a group", unit: kg, categories: [air]}
"""

METHOD = """\
id: {id}
name: [h2, {id}]
unit: kg CO2e
year: 2021
description: test method
source: "IPCC {id} (test values)"
factors:
  - {{flow: h2_co2, value: 1, unit: kg CO2e / kg, source: t}}
  - {{flow: h2_ch4, value: {ch4}, unit: kg CO2e / kg, source: t}}
  - {{flow: h2_sf6, value: {sf6}, unit: kg CO2e / kg, source: t}}
  - {{flow: h2_co2e, value: 1, unit: kg CO2e / kg, source: t}}
  - {{flow: h2_co2_bio, value: 0, unit: kg CO2e / kg, source: t}}
  - {{flow: h2_luc, value: 1, unit: kg CO2e / kg, source: t}}
  - {{flow: h2_other, value: {other}, unit: kg CO2e / kg, source: t}}
"""
# (CH4, SF6, the ungrouped gas) of the two methods: AR5 and AR6 GWP100 of CH4 and SF6
METHODS = {"h2-ar5": (30, 23500, 2), "h2-ar6": (29.8, 25200, 3)}

NONE = "uncertainty: {distribution: none}"
BACKGROUND = f"""\
database: h2-background
processes:
  - code: h2_steel
    name: steel
    unit: kg
    source: t
    emissions:
      - {{flow: h2_co2e, amount: {{value: 2, unit: kg/kg}}, source: t, {NONE}}}
  - code: h2_power
    name: power
    unit: kWh
    source: t
    emissions:
      - {{flow: h2_co2, amount: {{value: 0.5, unit: kg/kWh}}, source: t, {NONE}}}
      - {{flow: h2_ch4, amount: {{value: 0.001, unit: kg/kWh}}, source: t, {NONE}}}
"""

MODEL = f"""\
model: h2widget
database: h2-widget
name: a widget
functional_unit: {{amount: 1, unit: unit, description: "1 widget"}}
reference_activity: product
method: h2-ar5
backgrounds: [h2-background]
stages:
  - {{code: making, name: making, name_zh: 制造}}
  - {{code: use, name: use, name_zh: 使用, separate: true}}
  - {{code: eol, name: end of life, name_zh: 废弃}}
activities:
  - code: product
    name: product
    inputs:
      - {{input: make, amount: {{value: 1, unit: unit}}, source: structure}}
      - {{input: use, amount: {{value: 1, unit: unit}}, source: structure}}
      - {{input: eol, amount: {{value: 1, unit: unit}}, source: structure}}
  - code: make
    name: making
    stage: making
    inputs:
      - {{input: h2_steel, amount: {{value: 10, unit: kg}}, source: t, {NONE}}}
      - {{input: h2_power, amount: {{value: 20, unit: kWh}}, source: t, {NONE}}}
    emissions:
      - {{flow: h2_sf6, amount: {{value: 0.001, unit: kg}}, source: t, {NONE}}}
      - {{flow: h2_ch4, amount: {{value: 0.05, unit: kg}}, source: t, {NONE}}}
      - {{flow: h2_co2_bio, amount: {{value: 1, unit: kg}}, source: t, {NONE}}}
      - {{flow: h2_luc, amount: {{value: 0.5, unit: kg}}, source: t, {NONE}}}
      - {{flow: h2_other, amount: {{value: 0.2, unit: kg}}, source: t, {NONE}}}
  - code: use
    name: use
    stage: use
    inputs:
      - {{input: h2_power, amount: {{value: 100, unit: kWh}}, source: t, {NONE}}}
  - code: eol
    name: end of life
    stage: eol
    inputs:
      - {{input: h2_power, amount: {{value: 2, unit: kWh}}, source: t, {NONE}}}
      - {{input: h2_steel, amount: {{value: -4, unit: kg}}, credit: true, source: t, {NONE}}}
    emissions:
      - {{flow: h2_co2, amount: {{value: 3, unit: kg}}, source: t, {NONE}}}
"""

PROJECT = "cfp_test_h2_breakdown"

# by hand, method h2-ar5 (CH4 30, SF6 23500, ungrouped gas 2)
POWER = 0.5 + 0.001 * 30  # kgCO2e per kWh
MAKING = 10 * 2 + 20 * POWER + 0.001 * 23500 + 0.05 * 30 + 0 + 0.5 + 0.2 * 2  # 56.5
USE = 100 * POWER  # 53
EOL_CREDIT = -4 * 2  # -8
EOL_BURDEN = 2 * POWER + 3  # 4.06
TOTAL = MAKING + USE + EOL_BURDEN + EOL_CREDIT  # 105.56
BY_FLOW = {
    "h2_co2": 122 * 0.5 + 3,  # 64
    "h2_ch4": (122 * 0.001 + 0.05) * 30,  # 5.16
    "h2_sf6": 0.001 * 23500,  # 23.5
    "h2_co2e": (10 - 4) * 2,  # 12
    "h2_co2_bio": 0.0,  # 1 kg, factor 0
    "h2_luc": 0.5,
    "h2_other": 0.2 * 2,  # 0.4
}


def write_data(root: Path) -> Path:
    """The test's data directory: flows, two methods, a background and the widget model."""
    data = root / "databases"
    for folder in ("methods", "background", "foreground"):
        (data / folder).mkdir(parents=True)
    (data / "flows.yaml").write_text(FLOWS, encoding="utf-8")
    for mid, (ch4, sf6, other) in METHODS.items():
        text = METHOD.format(id=mid, ch4=ch4, sf6=sf6, other=other)
        (data / "methods" / f"{mid}.yaml").write_text(text, encoding="utf-8")
    (data / "background" / "h2.yaml").write_text(BACKGROUND, encoding="utf-8")
    (data / "foreground" / "h2widget.yaml").write_text(MODEL, encoding="utf-8")
    return data


@pytest.fixture(scope="module")
def widget(tmp_path_factory):
    """(catalog, model, static result) of the widget, built in its own project."""
    import bw2data as bd

    from cfp_lca.brightway.project import open_project
    from cfp_lca.brightway.writing import write_catalog
    from cfp_lca.calc.lcia import static_lcia
    from cfp_lca.model.loading import load_catalog

    catalog = load_catalog(write_data(tmp_path_factory.mktemp("h2")))
    before = bd.projects.current
    open_project(PROJECT)
    write_catalog(catalog)
    model = catalog.models["h2widget"]
    yield catalog, model, static_lcia(catalog, model)
    open_project(before)


def test_result_by_flow_is_the_characterized_inventory_of_each_gas(widget):
    _, _, r = widget
    assert r.total == pytest.approx(TOTAL, rel=1e-12)
    assert set(BY_FLOW) <= set(r.flows)
    for code, value in BY_FLOW.items():
        assert r.flows[code] == pytest.approx(value, rel=1e-12, abs=1e-12), code
    assert math.fsum(r.flows.values()) == pytest.approx(r.total, rel=1e-14)
    assert r.inventory["h2_co2_bio"] == pytest.approx(1.0)  # in the inventory, at factor 0
    assert r.inventory["h2_ch4"] == pytest.approx(122 * 0.001 + 0.05)
    assert r.factors["h2_sf6"] == 23500 and r.factors["h2_co2_bio"] == 0


def test_groups_hold_every_iso_class_and_add_up(widget):
    _, _, r = widget
    expected = {
        "fossil": BY_FLOW["h2_co2"] + BY_FLOW["h2_ch4"] + BY_FLOW["h2_sf6"],  # 92.66
        "biogenic": 0.0,
        "land_use_change": 0.5,
        "aircraft": 0.0,  # ISO 14067 7.3: present even when zero
        "precharacterized": 12.0,
        "other": 0.4,
    }
    assert set(r.groups) == set(expected)
    for group, value in expected.items():
        assert r.groups[group] == pytest.approx(value, rel=1e-12, abs=1e-12), group
    assert math.fsum(r.groups.values()) == pytest.approx(r.total, rel=1e-14)


def test_credits_are_apart_from_burdens_in_every_stage(widget):
    _, _, r = widget
    assert set(r.credits) == set(r.burdens) == set(r.stages) == {"making", "use", "eol"}
    assert r.credits == pytest.approx({"making": 0.0, "use": 0.0, "eol": EOL_CREDIT})
    assert r.burdens == pytest.approx({"making": MAKING, "use": USE, "eol": EOL_BURDEN})
    for s, net in r.stages.items():
        assert r.burdens[s] + r.credits[s] == pytest.approx(net, rel=1e-14, abs=1e-12)
    assert r.has_credits
    assert r.comparable_total == pytest.approx(TOTAL - USE)


def test_direct_emissions_of_foreground_activities_with_their_factor(widget):
    _, _, r = widget
    assert r.direct["make"] == pytest.approx(
        {"h2_sf6": 23.5, "h2_ch4": 1.5, "h2_co2_bio": 0.0, "h2_luc": 0.5, "h2_other": 0.4}
    )
    assert r.direct["eol"] == pytest.approx({"h2_co2": 3.0})
    assert r.direct_amounts["make"]["h2_sf6"] == pytest.approx(0.001)
    assert r.direct.get("use", {}) == {}
    # the purchased products and the direct emissions partition the total
    direct = sum(sum(d.values()) for d in r.direct.values())
    assert direct + sum(r.background.values()) == pytest.approx(r.total, rel=1e-12)


def test_totals_under_every_method_from_one_inventory(widget):
    from cfp_lca.calc.lcia import static_lcia, totals_by_method

    catalog, model, _ = widget
    totals = totals_by_method(catalog, model)
    ar6 = 64 + (122 * 0.001 + 0.05) * 29.8 + 0.001 * 25200 + 12 + 0.5 + 0.2 * 3  # 107.4256
    assert totals["h2-ar5"] == pytest.approx(TOTAL, rel=1e-12)
    assert totals["h2-ar6"] == pytest.approx(ar6, rel=1e-12)
    assert static_lcia(catalog, model, catalog.methods["h2-ar6"]).total == pytest.approx(ar6)


def test_json_lists_gases_groups_credits_and_methods(widget):
    import json

    from cfp_lca.calc.lcia import totals_by_method
    from cfp_lca.present.tables import json_text, lcia_dict

    catalog, model, r = widget
    data = json.loads(json_text(lcia_dict(r, model, totals_by_method(catalog, model))))
    sf6 = next(row for row in data["by_flow"] if row["code"] == "h2_sf6")
    assert sf6["factor"] == 23500 and sf6["amount"] == pytest.approx(0.001)
    assert sf6["value"] == pytest.approx(23.5) and sf6["group"] == "fossil"
    assert sf6["share"] == pytest.approx(100 * 23.5 / TOTAL)
    assert list(data["by_group"]) == [
        "fossil", "biogenic", "land_use_change", "aircraft", "precharacterized", "other"
    ]  # fmt: skip
    assert data["by_group"]["biogenic"]["value"] == 0
    assert data["precharacterized_share"] == pytest.approx(100 * 12 / TOTAL)
    assert data["method_sensitive_share"] == pytest.approx(100 * (TOTAL - 12) / TOTAL)
    assert data["credits"]["end of life"] == pytest.approx(EOL_CREDIT)
    assert data["burdens"]["end of life"] == pytest.approx(EOL_BURDEN)
    assert data["total_without_separate"] == pytest.approx(TOTAL - USE)
    assert data["separate_stage_names"] == ["use"]
    assert data["methods"]["h2-ar6"] == pytest.approx(107.4256)
    direct = {(d["activity"], d["flow"]): d for d in data["direct"]}
    assert direct["make", "h2_sf6"]["factor"] == 23500
    assert direct["make", "h2_sf6"]["value"] == pytest.approx(23.5)


def test_text_shows_credits_gases_methods_and_direct_emissions(widget):
    from cfp_lca.present.tables import lcia_text

    _, model, r = widget
    text = lcia_text(r, model, methods={"h2-ar5": TOTAL, "h2-ar6": 107.4256})
    assert "credits" in text and f"{EOL_CREDIT:.4f}" in text
    assert f"total: {TOTAL:.4f}" in text and f"without use: {TOTAL - USE:.4f}" in text
    assert "Sulfur hexafluoride" in text and "h2-ar6 107.4256" in text
    # the direct SF6 leak ranks among the top contributors, with its kgCO2e
    top = text[text.index("top contributors by process") :]
    assert "make: Sulfur hexafluoride (direct)" in top and "23.5000" in top


def test_flows_outside_the_catalog_are_named_from_the_project_and_reported_as_other(widget):
    """As for a flow of an imported biosphere database, which the data files do not list."""
    from dataclasses import replace

    from cfp_lca.calc.lcia import flow_codes, flow_details, group_contributions, model_lca

    catalog, model, r = widget
    lca = model_lca(model, catalog.methods["h2-ar5"])
    lca.lci()
    lca.lcia()
    partial = replace(catalog, flows={k: v for k, v in catalog.flows.items() if k != "h2_sf6"})
    info = flow_details(lca, partial, flow_codes(lca))
    assert info["h2_sf6"].name == "Sulfur hexafluoride" and info["h2_sf6"].group is None
    assert info["h2_co2"] is catalog.flows["h2_co2"]
    groups = group_contributions(r.flows, info)
    assert groups["other"] == pytest.approx(0.4 + 23.5)
    assert groups["fossil"] == pytest.approx(64 + 5.16)


def test_a_direct_score_that_cancels_to_rounding_error_is_zero():
    """Biogenic uptake and release of the same carbon, written by two float paths (3 x 0.1
    and 0.3), net to rounding error in plain bw2calc (float64 matrices, as cfp_lca solves);
    the unit score is exactly zero, while a real small net (a millionth of the gross) is
    kept as computed."""
    import bw2calc as bc
    import bw_processing as bwp
    import numpy as np

    from cfp_lca.calc.lcia import direct_scores

    small, ids = 0.3 * (1 - 1e-6), bwp.INDICES_DTYPE
    package = bwp.create_datapackage()
    package.add_persistent_vector(
        matrix="technosphere_matrix",
        data_array=np.array([1.0, 1.0]),
        indices_array=np.array([(1, 1), (2, 2)], dtype=ids),
    )
    package.add_persistent_vector(  # columns: activity 1 (cancels), activity 2 (a real net)
        matrix="biosphere_matrix",
        data_array=np.array([3 * 0.1, 0.3, 0.3, small]),
        indices_array=np.array([(10, 1), (11, 1), (10, 2), (11, 2)], dtype=ids),
    )
    package.add_persistent_vector(
        matrix="characterization_matrix",
        data_array=np.array([1.0, -1.0]),  # release +1, uptake -1
        indices_array=np.array([(10, 10), (11, 11)], dtype=ids),
    )
    lca = bc.LCA({1: 1.0}, data_objs=[package])
    lca.lci()
    lca.lcia()
    assert lca.score == 3 * 0.1 - 0.3 != 0.0  # plain bw2calc keeps the rounding error
    scores = direct_scores(lca)
    assert scores[lca.dicts.activity[1]] == 0.0
    assert scores[lca.dicts.activity[2]] == pytest.approx(0.3 - small, rel=1e-9)


@pytest.mark.parametrize("products", [(1, 2, 3, 4, 5), (105, 103, 101, 104, 102)])
def test_a_product_with_no_emission_upstream_scores_exactly_zero(products):
    """Activity 1 uses 0.5 of product 2, activity 2 uses 2 of product 3, which emits 1 kg;
    activity 4 uses 3 of product 5 and nothing upstream emits. By hand: 1.0, 2.0, 1.0, and
    exactly 0 for products 4 and 5 (the solve's rounding is not reported), whether products
    share their activities' ids or not (then the producer is found by matching)."""
    import bw2calc as bc
    import bw_processing as bwp
    import numpy as np

    from cfp_lca.calc.lcia import characterized_unit_scores

    p, ids = products, bwp.INDICES_DTYPE
    entries = [(p[k], k + 1, 1.0) for k in range(5)]  # production: product p[k] by activity k+1
    entries += [(p[1], 1, -0.5), (p[2], 2, -2.0), (p[4], 4, -3.0)]
    package = bwp.create_datapackage()
    package.add_persistent_vector(
        matrix="technosphere_matrix", data_array=np.array([abs(e[2]) for e in entries]),
        flip_array=np.array([e[2] < 0 for e in entries]),
        indices_array=np.array([(e[0], e[1]) for e in entries], dtype=ids))  # fmt: skip
    package.add_persistent_vector(matrix="biosphere_matrix", data_array=np.array([1.0]),
                                  indices_array=np.array([(10, 3)], dtype=ids))  # fmt: skip
    package.add_persistent_vector(matrix="characterization_matrix", data_array=np.array([1.0]),
                                  indices_array=np.array([(10, 10)], dtype=ids))  # fmt: skip
    lca = bc.LCA({p[0]: 1.0}, data_objs=[package])
    lca.lci()
    lca.lcia()
    h = characterized_unit_scores(lca)
    score = {product: h[lca.dicts.product[product]] for product in p}
    assert [score[k] for k in p[:3]] == pytest.approx([1.0, 2.0, 1.0], rel=1e-12)
    assert score[p[3]] == 0.0 and score[p[4]] == 0.0
