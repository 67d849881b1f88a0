"""Every term of the Circular Footprint Formula (Recommendation (EU) 2021/2279, Annex I
section 4.4.8) for copper and stainless steel of zw32, recomputed by hand from the parameter
values and the background factors read from the YAML files with plain yaml, against bw2calc's
static LCIA of the variant end_of_life=cff, term by term where an activity holds one term group:

  material  (1-R1) Ev + R1 (A Erec + (1-A) Ev Qsin/Qp)          -> activity <material>_mix
  recycling (1-A) R2 (ErecEoL - E*v Qsout/Qp), ErecEoL = shredding and sorting + remelting
  disposal  (1 - R2 - R3) ED, R3 = 0 for metals                  -> together activity eol_<material>
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

DATA = Path(__file__).resolve().parents[1] / "databases"
REL = 1e-12  # float64 sums of a few dozen products


def _yaml(name: str) -> dict:
    """A data file read with plain yaml, not through cfp_lca."""
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def p() -> dict[str, float]:
    """zw32's value parameters (formula parameters are recomputed below, by hand)."""
    params = _yaml("foreground/zw32.yaml")["parameters"]
    return {k: v["value"] for k, v in params.items() if "value" in v}


@pytest.fixture(scope="module")
def factors() -> dict[str, float]:
    """kgCO2e per unit of the background products the terms use, by hand (AR6 GWP100)."""
    gwp = {f["flow"]: f["value"] for f in _yaml("methods/ipcc-ar6-gwp100.yaml")["factors"]}
    out = {}
    for name in ("background/china-materials.yaml", "background/china-end-of-life.yaml"):
        for proc in _yaml(name)["processes"]:
            ems = proc.get("emissions", [])
            if len(ems) == 1 and "amount" in ems[0] and not proc.get("inputs"):
                out[proc["code"]] = ems[0]["amount"]["value"] * gwp[ems[0]["flow"]]
            if proc["code"] == "eol_metal_scrap_shredding_sorting":
                q = {k: v["value"] for k, v in proc["parameters"].items()}
                out[proc["code"]] = (
                    q["electricity"] * q["grid_factor"] + q["diesel"] * q["diesel_co2"]
                )
            if proc["code"] == "landfill_inert_cn":
                q = {k: v["value"] for k, v in proc["parameters"].items()}
                mj = q["diesel"] * q["net_calorific_value"]
                out[proc["code"]] = (
                    q["diesel"] * q["co2_per_kg_diesel"]
                    + mj * q["ch4_per_mj"] * 1e-6 * gwp["ch4_fossil"]
                    + mj * q["n2o_per_mj"] * 1e-6 * gwp["n2o"]
                    + q["electricity"] * q["grid_factor"]
                )
    return out


@pytest.fixture(scope="module")
def cff(built):
    from cfp_lca.brightway.writing import ensure_model
    from cfp_lca.calc.lcia import static_lcia
    from cfp_lca.model.loading import model_variant

    model = model_variant(built, "zw32", {"end_of_life": "cff"})
    ensure_model(built, model)
    return static_lcia(built, model)


def _masses(p: dict[str, float]) -> dict[str, float]:
    """Copper bought and copper and stainless in the set, from the masses of the BOM."""
    n = p["n_phases"]
    cable = p["m_cables"] + p["m_wiring"]
    contacts_cu = (1 - p["cucr_chromium_share"]) * n * p["m_vi_contacts"]
    windings = p["m_busbar"] + n * p["m_vi_copper"] + p["m_pt_copper"] + p["m_ct_copper"]
    windings += p["m_zct_copper"]
    return {
        "copper_bought": windings + p["cable_copper_share"] * cable * 1.01 + contacts_cu * 1.05,
        "copper": windings + p["cable_copper_share"] * cable + contacts_cu,
        "stainless": p["m_housing_stainless"]
        + n * p["m_vi_stainless"]
        + p["m_mechanism_stainless"],
    }


def _material(p, f, r1: float, ev: str, erec: str) -> float:
    """Material term per kg: (1-R1) Ev + R1 (A Erec + (1-A) Ev Qs/Qp)."""
    a, q = p["A_metals"], p["Qs_Qp"]
    return (1 - r1) * f[ev] + r1 * (a * f[erec] + (1 - a) * f[ev] * q)


def _end_of_life(p, f, r2: float, mass: float, ev: str, erec: str) -> float:
    """Recycling and disposal terms: (1-A) R2 (shredding + Erec - Ev Qs/Qp) + (1-R2) ED."""
    a, q = p["A_metals"], p["Qs_Qp"]
    recycling = (1 - a) * r2 * mass * (f["eol_metal_scrap_shredding_sorting"] + f[erec] - f[ev] * q)
    return recycling + (1 - r2) * mass * f["landfill_inert_cn"]


def test_copper_material_term(cff, p, factors):
    m = _masses(p)
    per_kg = _material(
        p, factors, p["R1_copper"], "copper_cathode_primary_cn", "copper_secondary_ice_v2"
    )
    assert cff.activities["copper_mix"] == pytest.approx(m["copper_bought"] * per_kg, rel=REL)


def test_copper_recycling_and_disposal_terms(cff, p, factors):
    m = _masses(p)
    ev, erec = "copper_cathode_primary_cn", "copper_secondary_ice_v2"
    expected = _end_of_life(p, factors, p["R2_copper"], m["copper"], ev, erec)
    assert cff.activities["eol_copper"] == pytest.approx(expected, rel=REL)


def test_stainless_material_term(cff, p, factors):
    m = _masses(p)
    ev, erec = "steel_stainless_304_npi_route", "steel_stainless_high_scrap_route"
    per_kg = _material(p, factors, p["R1_stainless"], ev, erec)
    assert cff.activities["stainless_mix"] == pytest.approx(m["stainless"] * per_kg, rel=REL)


def test_stainless_recycling_and_disposal_terms(cff, p, factors):
    m = _masses(p)
    ev, erec = "steel_stainless_304_npi_route", "steel_stainless_high_scrap_route"
    expected = _end_of_life(p, factors, p["R2_stainless"], m["stainless"], ev, erec)
    assert cff.activities["eol_stainless"] == pytest.approx(expected, rel=REL)


def test_credits_are_their_own_exchanges(cff, p, factors):
    """The E*v credits of copper and stainless are negative exchanges marked credit, and the
    end-of-life stage's credits hold at least their sum."""
    m = _masses(p)
    a, q = p["A_metals"], p["Qs_Qp"]
    copper = (1 - a) * p["R2_copper"] * m["copper"] * q * factors["copper_cathode_primary_cn"]
    stainless = (
        (1 - a) * p["R2_stainless"] * m["stainless"] * q * factors["steel_stainless_304_npi_route"]
    )
    assert cff.credits["end_of_life"] < -(copper + stainless)


def _burned(code: str) -> float:
    """E_ER per kg burned: the stoichiometric fossil CO2 of the carbon fraction, by hand."""
    for name in ("background/china-materials.yaml", "background/china-end-of-life.yaml"):
        for proc in _yaml(name)["processes"]:
            if proc["code"] == code:
                return proc["parameters"]["carbon_fraction"]["value"] * 44.01 / 12.011
    raise KeyError(code)


def test_energy_recovery_and_disposal_terms_of_the_polymers(cff, p, factors):
    """(1-B) R3 (E_ER - LHV X_ER,heat E_SE,heat - LHV X_ER,elec E_SE,elec) + (1 - R3) ED for
    the epoxy resin, silicone, PC/ABS and the cables' PVC; E_SE,heat: natural-gas heat from
    IPCC 2006 defaults (CO2 56.1 g, CH4 1 mg, N2O 0.1 mg per MJ fuel) / boiler efficiency 0.9,
    E_SE,elec: the life-cycle grid factor 0.6205 per kWh = 0.6205 / 3.6 per MJ of electricity."""
    gwp = {f["flow"]: f["value"] for f in _yaml("methods/ipcc-ar6-gwp100.yaml")["factors"]}
    heat = (56.1e-3 + 1e-6 * gwp["ch4_fossil"] + 0.1e-6 * gwp["n2o"]) / 0.9
    elec = 0.6205 / 3.6  # per MJ
    cable = p["m_cables"] + p["m_wiring"]
    epoxy = p["n_phases"] * p["m_pole_epoxy"] + p["m_pt_epoxy"] + p["m_ct_epoxy"]
    epoxy += p["m_zct_epoxy"]
    polymers = (  # (mass, E_ER process, LHV)
        (p["epoxy_resin_share"] * epoxy, "eol_incineration_epoxy", p["lhv_epoxy"]),
        (p["m_silicone"], "eol_incineration_silicone", p["lhv_silicone"]),
        (p["m_ftu_plastics"], "eol_incineration_pc_abs", p["lhv_pc_abs"]),
        ((1 - p["cable_copper_share"]) * cable, "eol_incineration_pvc", p["lhv_pvc"]),
    )
    r3, b = p["R3_polymers"], p["B_energy"]
    expected = 0.0
    for mass, burned, lhv in polymers:
        recovered = lhv * (p["X_er_heat"] * heat + p["X_er_elec"] * elec)
        expected += (1 - b) * r3 * mass * (_burned(burned) - recovered)
        expected += (1 - r3) * mass * factors["landfill_inert_cn"]
    assert cff.activities["eol_polymers"] == pytest.approx(expected, rel=REL)
