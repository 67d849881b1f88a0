"""Where the spreads of the data come from: published sources and physical bounds.

1. Each dominant aggregated emission factor summarizes several published values. Its
   distribution, as the stats_arrays fields the loader produces, must give a 2.5-97.5 % range
   (computed with scipy) that contains every one of them, and it must not be a pedigree
   lognormal (pedigree scores are meant for unit-process exchanges, Weidema et al. 2013). The
   published values are written below, each with its citation, as numbers independent of the
   data files.
2. zw32's uncertain parameters: those the issue names are uncertain, shares and rates cannot
   be drawn outside [0, 1], exchanges driven by them carry no duplicate distribution, and the
   declared correlations link uncertain parameters.

The model file is read as YAML and each distribution validated with the schema's own
UncertaintySpec, so these checks do not depend on how the loader samples parameters.
"""

from __future__ import annotations

import ast
import math
from pathlib import Path

import pytest
from scipy import stats

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "databases"
MATERIALS = DATA / "background" / "china-materials.yaml"
ZW32 = DATA / "foreground" / "zw32.yaml"

# factor code -> (deterministic value kept in the data, {citation: published value}), kgCO2e/kg
PUBLISHED = {
    "copper_cathode_primary_cn": (
        3.09,
        {
            "Liu, Xiang, Cao & Li (2022), Processes 10:2715, China 2017": 3.09,
            "Hammond & Jones, ICE v2.0, Univ. of Bath (2011), copper, virgin": 3.81,
            "Northey, Haque & Mudd (2013), J. Clean. Prod. 40:118-128, average": 2.6,
            # mining 3.4 t CO2e/t Cu, 2.3 times smelting (Gu, Yang, Wu & Zuo 2023, abstract)
            "Gu et al. (2023), 中国环境管理 15(4), Chinese sector 2020": 3.4 + 3.4 / 2.3,
        },
    ),
    "steel_secondary_eaf": (
        0.47,
        {
            "Hammond & Jones, ICE v2.0 (2011), steel, recycled": 0.47,
            "IEEFA steel fact sheet (IEA/worldsteel), scrap EAF, global": 0.30,
        },
    ),
    "steel_primary_ice_v2": (
        2.89,
        {
            "Hammond & Jones, ICE v2.0 (2011), steel general, virgin": 2.89,
            "Hammond & Jones, ICE v2.0 (2011), steel coil/sheet, virgin": 2.74,
            "Hammond & Jones, ICE v2.0 (2011), galvanised steel sheet, virgin": 3.01,
            "GB/T 51366-2019, annex, carbon steel market average (China)": 2.05,
            "GB/T 51366-2019, annex, hot-rolled carbon steel sections (China)": 2.31,
            "worldsteel, Sustainability Indicators 2022: 2021 global average, t CO2/t": 1.91,
        },
    ),
    "steel_stainless_304": (
        6.15,
        {
            "Hammond & Jones, ICE v2.0 (2011), stainless steel 304 (CO2)": 6.15,
            "worldstainless (2023), Stainless Steels and CO2, 85 % scrap": 1.95,
            "worldstainless (2023), Stainless Steels and CO2, 75 % scrap": 2.45,
            "worldstainless (2023), Stainless Steels and CO2, 30 % scrap (NPI)": 6.8,
            "Outokumpu (2023), European industry average": 2.8,
        },
    ),
    "steel_sheet_cold_rolled_cn": (
        2.53,
        {
            "GB/T 51366-2019, Annex D, cold-rolled carbon steel coil (China)": 2.53,
            "GB/T 51366-2019, Annex D, carbon steel market average (China)": 2.05,
            "GB/T 51366-2019, Annex D, hot-rolled carbon steel small sections (China)": 2.31,
            "GB/T 51366-2019, Annex D, hot-dip galvanised carbon steel coil (China)": 3.11,
            "worldsteel, Sustainability Indicators 2022: 2021 global average, t CO2/t": 1.91,
            "Hammond & Jones, ICE v2.0 (2011), steel coil/sheet, virgin": 2.74,
            "Hammond & Jones, ICE v2.0 (2011), steel general, virgin": 2.89,
        },
    ),
    "steel_stainless_304_npi_route": (
        6.8,
        {
            # the route alone: high-scrap routes are other products (recycled content apart)
            "worldstainless (2023), Stainless Steels and CO2, 30 % scrap (NPI)": 6.8,
            "worldstainless, earlier edition, 35 % scrap (NPI)": 6.82,
            "Hammond & Jones, ICE v2.0 (2011), stainless steel 304 (CO2)": 6.15,
        },
    ),
    "aluminium_primary_cn": (
        20.3,
        {
            "GB/T 51366-2019, annex, electrolytic aluminium (China)": 20.3,
            "International Aluminium Institute, primary aluminium 2022, global": 15.1,
            "Hammond & Jones, ICE v2.0 (2011), aluminium, virgin": 12.79,
        },
    ),
}

# Parameters issue 11 (item 8) names: masses, distances, recovery rates, load (since issue 12
# the load rate of the PSR, times the rated current), resistance, standby power, service life.
NAMED_SCALARS = (
    "R2_copper",
    "R2_steel",
    "load_rate",
    "main_circuit_resistance",
    "standby_power",
)
# Shares and rates: any draw outside [0, 1] would be meaningless (a recovered mass above the
# input, a recycled content above 100 %, a load above the rating).
BOUNDED = ("R1_copper", "R1_steel", "R2_copper", "R2_steel", "epoxy_resin_share", "load_rate")


def _frozen(fields: dict):
    """The scipy distribution of stats_arrays fields (the amount's own unit)."""
    kind = fields["uncertainty type"]
    if kind == 2:  # lognormal: loc = ln(median), scale = sigma
        return stats.lognorm(s=fields["scale"], scale=math.exp(fields["loc"]))
    if kind == 3:  # normal
        return stats.norm(loc=fields["loc"], scale=fields["scale"])
    if kind == 4:  # uniform
        low, high = fields["minimum"], fields["maximum"]
        return stats.uniform(loc=low, scale=high - low)
    if kind == 5:  # triangular: loc = mode
        low, high, mode = fields["minimum"], fields["maximum"], fields["loc"]
        return stats.triang((mode - low) / (high - low), loc=low, scale=high - low)
    raise AssertionError(f"no distribution (stats_arrays type {kind})")


@pytest.fixture(scope="module")
def materials():
    from cfp_lca.model.loading import load_background, load_flows

    biosphere, flows = load_flows(DATA / "flows.yaml")
    return load_background(MATERIALS, biosphere, flows)[1]


@pytest.fixture(scope="module")
def zw32():
    from cfp_lca.model.reading import read_yaml

    return read_yaml(ZW32)


def _factor(materials, code):
    """The single emission of a materials process (CO2e, or CO2 where the source gives CO2)."""
    found = [x for x in materials[code].exchanges if x.kind == "biosphere"]
    assert len(found) == 1, code
    assert found[0].code in ("co2e_aggregated", "co2_fossil"), code
    return found[0]


@pytest.mark.parametrize("code", sorted(PUBLISHED))
def test_factor_range_contains_every_published_value(materials, code):
    value, published = PUBLISHED[code]
    factor = _factor(materials, code)
    assert factor.amount == pytest.approx(value, rel=1e-12), "deterministic value changed"
    low, high = _frozen(factor.uncertainty).ppf([0.025, 0.975])
    for citation, number in published.items():
        where = f"{code}: {citation} = {number} outside [{low:.3g}, {high:.3g}]"
        assert low <= number <= high, where


@pytest.mark.parametrize("code", sorted(PUBLISHED))
def test_factor_spread_is_from_sources_not_pedigree(materials, code):
    factor = _factor(materials, code)
    assert factor.pedigree is None
    assert len(PUBLISHED[code][1]) >= 2


def _spec(name, param):
    from cfp_lca.model.schema import UncertaintySpec

    assert "uncertainty" in param, f"parameter {name} has no uncertainty"
    return UncertaintySpec.model_validate(param["uncertainty"])


def _parameter_distribution(name, param):
    from cfp_lca.model.uncertainty import stats_arrays_fields

    return _frozen(stats_arrays_fields(float(param["value"]), 1.0, _spec(name, param), None))


def test_parameters_the_issue_names_are_uncertain(zw32):
    params = zw32["parameters"]
    named = [n for n, p in params.items() if n.startswith(("m_", "d_")) and "value" in p]
    assert len(named) >= 30  # 25 part masses, 8 distances
    for name in (*named, *NAMED_SCALARS, *BOUNDED):
        assert params[name].get("uncertainty"), f"{name} is not uncertain"
        assert params[name]["uncertainty"].get("source"), f"{name}: the spread has no basis"


def test_the_functional_units_service_life_is_fixed(zw32):
    """Issue 23: the service life defines the functional unit (20 years of use), so it is
    named there and carries no distribution; the reference service life is the same 20 a."""
    assert zw32["functional_unit"]["parameters"] == ["service_life"]
    life = zw32["parameters"]["service_life"]
    assert "uncertainty" not in life and "pedigree" not in life
    assert life["value"] == zw32["functional_unit"]["reference_service_life"]["value"] == 20


@pytest.mark.parametrize("name", BOUNDED)
def test_shares_and_rates_cannot_be_drawn_outside_0_1(zw32, name):
    param = zw32["parameters"][name]
    assert param["unit"] == "dimensionless"
    low, high = _parameter_distribution(name, param).support()
    assert 0 <= low <= param["value"] <= high <= 1


def test_every_uncertain_dimensionless_parameter_is_bounded(zw32):
    """No other share or rate slipped in with an unbounded (lognormal, normal) distribution."""
    for name, param in zw32["parameters"].items():
        if "uncertainty" in param and param.get("unit", "dimensionless") == "dimensionless":
            low, high = _parameter_distribution(name, param).support()
            assert low >= 0 and high <= 1, name


def _names(formula: str) -> set[str]:
    return {n.id for n in ast.walk(ast.parse(formula, mode="eval")) if isinstance(n, ast.Name)}


def _uncertain_closure(params: dict) -> set[str]:
    """Parameters that are uncertain or computed from an uncertain one."""
    out = {n for n, p in params.items() if p.get("uncertainty")}
    for name, p in params.items():  # formulas use only earlier parameters
        if "formula" in p and _names(p["formula"]) & out:
            out.add(name)
    return out


def test_parameter_driven_exchanges_carry_no_duplicate_distribution(zw32):
    """An exchange driven by uncertain parameters keeps a distribution of its own only for what
    they do not cover, and then says so in a comment."""
    driven = _uncertain_closure(zw32["parameters"])
    checked = 0
    for activity in zw32["activities"]:
        for x in activity.get("inputs", []) + activity.get("emissions", []):
            if "formula" not in x or not _names(x["formula"]) & driven:
                continue
            checked += 1
            own = x.get("pedigree") or (
                x.get("uncertainty") and x["uncertainty"]["distribution"] != "none"
            )
            if own:
                where = f"{activity['code']} > {x.get('input', x.get('flow'))}"
                assert x.get("comment"), f"{where}: own distribution without a comment"
    assert checked >= 40


def test_correlations_link_uncertain_parameters(zw32):
    import numpy as np

    params = zw32["parameters"]
    pairs = zw32.get("correlations", [])
    assert 1 <= len(pairs) <= 6
    names = sorted({n for c in pairs for n in c["parameters"]})
    matrix = np.eye(len(names))
    for c in pairs:
        a, b = c["parameters"]
        assert a != b and params[a].get("uncertainty") and params[b].get("uncertainty")
        assert -1 < c["spearman"] < 1 and c["source"].strip()
        i, j = names.index(a), names.index(b)
        matrix[i, j] = matrix[j, i] = c["spearman"]
    assert np.linalg.eigvalsh(matrix).min() > 0
