"""Every factor says where, when, on which GWP set and within which boundary it holds.

1. Each process of every ``databases/background/*.yaml`` file states its year, region
   (location), GWP set, system boundary, source and Chinese name, and its GWP set agrees with
   its flows (a pre-characterized CO2e carries a source's own set, a "CO2 only" factor emits
   CO2 only, gas-by-gas emissions are left to the method).
2. No source text in databases/ or scenarios/ cites the project's working notes: a factor
   cites the primary publication.
3. Flows carry their ISO 14067:2018 7.3 reporting group; land-use-change CO2 and the biogenic
   uptake exist as flows of their own, and every method characterizes every flow, with the
   biogenic convention cited to 6.4.9.2.
4. Diesel burned gas by gas: a real Brightway calculation of the IPCC 2006 mobile-combustion
   process and of the well-to-wheel lorry process gives the scores computed here by hand from
   the IPCC 2006 defaults and the GWP100 tables, different under AR5 and AR6.

The data files are read as plain YAML, so the checks do not depend on the loader.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "databases"
BACKGROUNDS = sorted((DATA / "background").glob("*.yaml"))
REQUIRED = ("year", "location", "gwp_set", "boundary", "source", "name_zh")
# Words by which a GWP set says that a source's own characterization is kept.
OWN_SET = ("pre-characterized", "own", "estimate")
CO2_FLOWS = {"co2_fossil", "co2_non_fossil", "co2_luc"}

# IPCC 2006 Guidelines, Vol. 2 Energy: ch. 3 Tables 3.2.1 / 3.2.2 (road transport, diesel) and
# ch. 1 Table 1.2 (net calorific value of gas/diesel oil).
IPCC2006_CO2_KG_PER_TJ = 74_100
IPCC2006_CH4_KG_PER_TJ = 3.9
IPCC2006_N2O_KG_PER_TJ = 3.9
IPCC2006_DIESEL_NCV_TJ_PER_GG = 43.0
# GWP100 of fossil CH4 and N2O: IPCC AR5 WG1 Table 8.A.1; IPCC AR6 WG1 Table 7.15.
GWP = {"ipcc-ar5-gwp100": (30, 265), "ipcc-ar6-gwp100": (29.8, 273)}
# JEC Well-to-Tank v4a (2014), conventional diesel COD1, g CO2e per MJ.
JEC_WTT_G_PER_MJ = 15.4


def _read(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _processes():
    """(file name, process) for every process of every background file."""
    return [(p.name, proc) for p in BACKGROUNDS for proc in _read(p)["processes"]]


def _strings(node, where=""):
    """Every string value of a parsed YAML document with the path to it."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _strings(value, f"{where}[{i}]")
    elif isinstance(node, str):
        yield where, node


@pytest.mark.parametrize("path", BACKGROUNDS, ids=lambda p: p.name)
def test_every_background_process_states_its_metadata(path):
    missing = [
        f"{proc['code']}: {field}"
        for proc in _read(path)["processes"]
        for field in REQUIRED
        if not str(proc.get(field, "")).strip()
    ]
    assert not missing, f"{path.name}: missing {missing}"


@pytest.mark.parametrize("path", BACKGROUNDS, ids=lambda p: p.name)
def test_gwp_set_agrees_with_the_flows(path):
    for proc in _read(path)["processes"]:
        flows = {e["flow"] for e in proc.get("emissions", [])}
        gwp_set = proc["gwp_set"].lower()
        where = f"{path.name} > {proc['code']} ({proc['gwp_set']})"
        if "co2e_aggregated" in flows:
            assert any(w in gwp_set for w in OWN_SET), f"{where}: CO2e without the source's set"
        if gwp_set.startswith("co2 only"):
            assert flows <= CO2_FLOWS, f"{where}: emits {flows - CO2_FLOWS}"
        if flows and "co2e_aggregated" not in flows and not proc.get("inputs"):
            assert "gas by gas" in gwp_set or gwp_set.startswith("co2 only"), where


def test_electricity_states_combustion_only_or_life_cycle():
    """ISO 14067:2018 6.4.9.4 asks for life-cycle electricity: the basis must be visible."""
    electricity = [(f, p) for f, p in _processes() if p.get("category") == "electricity"]
    assert len(electricity) >= 20
    for name, proc in electricity:
        boundary = proc["boundary"]
        assert boundary.startswith(("life cycle", "combustion only")), f"{name} > {proc['code']}"
        lifecycle = "co2e_aggregated" in {e["flow"] for e in proc.get("emissions", [])}
        assert lifecycle == boundary.startswith("life cycle"), f"{name} > {proc['code']}"
    codes = {p["code"]: p["boundary"] for _, p in electricity}
    assert codes["electricity_cn_lifecycle_2023"].startswith("life cycle")
    assert codes["electricity_cn_national_2022"].startswith("combustion only")


def test_no_source_text_cites_the_working_notes():
    files = sorted(DATA.rglob("*.yaml")) + sorted((REPO / "scenarios").rglob("*.yaml"))
    assert len(files) > 10
    cited = [
        f"{path.relative_to(REPO)}{where}"
        for path in files
        for where, text in _strings(_read(path))
        if "factors.md" in text
    ]
    assert not cited, f"cite the primary publication instead: {cited}"


def test_every_flow_has_its_reporting_group():
    flows = {f["code"]: f for f in _read(DATA / "flows.yaml")["flows"]}
    assert not [c for c, f in flows.items() if not f.get("group")]
    assert flows["co2e_aggregated"]["group"] == "precharacterized"
    assert flows["co2_fossil"]["group"] == "fossil"
    assert flows["co2_non_fossil"]["group"] == "biogenic"
    assert flows["co2_luc"]["group"] == "land_use_change"
    assert flows["co2_luc"]["categories"] == ["air"]
    uptake = flows["co2_biogenic_uptake"]
    assert uptake["group"] == "biogenic" and uptake["categories"][0] == "natural resource"
    assert uptake["name"] == "Carbon dioxide, in air"


@pytest.mark.parametrize("path", sorted((DATA / "methods").glob("*.yaml")), ids=lambda p: p.stem)
def test_methods_characterize_every_flow_and_cite_the_right_clause(path):
    flows = {f["code"] for f in _read(DATA / "flows.yaml")["flows"]}
    factors = {f["flow"]: f for f in _read(path)["factors"]}
    assert set(factors) <= flows  # a gas the method's IPCC table lacks has no factor
    assert len(factors) > 90 and "co2e_aggregated" in factors
    assert factors["co2_luc"]["value"] == 1  # CO2 is CO2, wherever its carbon came from
    for code in ("co2_non_fossil", "co2_biogenic_uptake"):
        assert factors[code]["value"] == 0
        assert "6.4.9.2" in factors[code]["source"]
    assert not any("6.4.9.4" in f["source"] for f in factors.values())


# ---------------------------------------------------------------- diesel, real Brightway


def _ipcc_combustion_by_hand(method: str) -> float:
    """kg CO2e per kg diesel burned in a road vehicle: IPCC 2006 defaults x GWP100."""
    per_kg = IPCC2006_DIESEL_NCV_TJ_PER_GG / 1e6  # TJ per kg
    gwp_ch4, gwp_n2o = GWP[method]
    return per_kg * (
        IPCC2006_CO2_KG_PER_TJ + IPCC2006_CH4_KG_PER_TJ * gwp_ch4 + IPCC2006_N2O_KG_PER_TJ * gwp_n2o
    )


def _score(built, code: str, method_id: str) -> float:
    import bw2calc as bc
    import bw2data as bd

    node = bd.get_node(database="cfp-china-background", code=code)
    lca = bc.LCA({node: 1}, method=built.methods[method_id].name)
    lca.lci()
    lca.lcia()
    return lca.score


@pytest.mark.parametrize("method", sorted(GWP))
def test_diesel_combustion_is_characterized_gas_by_gas(built, method):
    assert _score(built, "diesel_combustion_ipcc2006_mobile", method) == pytest.approx(
        _ipcc_combustion_by_hand(method), rel=1e-6
    )


def test_diesel_well_to_wheel_adds_the_upstream_and_depends_on_the_method(built):
    wtt = JEC_WTT_G_PER_MJ / 1000 * IPCC2006_DIESEL_NCV_TJ_PER_GG  # kg/kg: g/MJ x MJ/kg
    scores = {m: _score(built, "diesel_burned_lorry_wtw", m) for m in GWP}
    for method, score in scores.items():
        assert score == pytest.approx(_ipcc_combustion_by_hand(method) + wtt, rel=1e-6)
    # AR6 weighs N2O more (273 vs 265) and fossil CH4 less (29.8 vs 30): 3.9 x 43e-6 x 7.8;
    # amounts pass through float32 in the datapackages, hence the tolerances
    difference = IPCC2006_N2O_KG_PER_TJ * IPCC2006_DIESEL_NCV_TJ_PER_GG / 1e6 * 7.8
    ar6_minus_ar5 = scores["ipcc-ar6-gwp100"] - scores["ipcc-ar5-gwp100"]
    assert ar6_minus_ar5 == pytest.approx(difference, rel=1e-3)


@pytest.mark.parametrize("method", sorted(GWP))
def test_life_cycle_electricity_split_keeps_the_announced_total(built, method):
    """0.6205 kgCO2e/kWh (MEE/NBS/NEA 2025-01-17) whether or not its combustion CO2 is split."""
    for code in ("electricity_cn_lifecycle_2023", "electricity_cn_lifecycle_2023_co2_split"):
        assert _score(built, code, method) == pytest.approx(0.6205, rel=1e-6)
