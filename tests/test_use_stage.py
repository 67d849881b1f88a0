"""The use stage of zw32 (PSR-0005 / EN 50693 form): kWh and kgCO2e recomputed by hand from the
parameter values read from the YAML files with plain yaml, against bw2calc through cfp_lca."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

DATA = Path(__file__).resolve().parents[1] / "databases"
SI = {"A": 1.0, "microohm": 1e-6, "W": 1.0, "h/year": 1.0, "year": 1.0, "dimensionless": 1.0}


def _yaml(name: str) -> dict:
    """A data file read with plain yaml, not through cfp_lca."""
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


def _value(params: dict, name: str) -> float:
    """A value parameter in SI units (W, A, ohm; hours and years as counts)."""
    p = params[name]
    return p["value"] * SI[p["unit"]]


def _factor(file: str, code: str) -> float:
    """The single emission amount of a background process (kgCO2e per unit)."""
    (process,) = [p for p in _yaml(file)["processes"] if p["code"] == code]
    (emission,) = process["emissions"]
    return emission["amount"]["value"]


@pytest.fixture(scope="module")
def hand() -> dict[str, float]:
    """kWh, replacement batteries and kgCO2e of the use stage, by hand."""
    params = _yaml("foreground/zw32.yaml")["parameters"]
    v = {n: _value(params, n) for n in ("n_phases", "load_rate", "rated_current")}
    v |= {n: _value(params, n) for n in ("main_circuit_resistance", "standby_power")}
    v |= {n: _value(params, n) for n in ("pt_no_load_loss", "operating_hours", "service_life")}
    current = v["load_rate"] * v["rated_current"]
    watts = v["n_phases"] * current**2 * v["main_circuit_resistance"]
    watts += v["standby_power"] + v["pt_no_load_loss"]
    kwh = watts * v["operating_hours"] * v["service_life"] / 1000
    replacements = v["service_life"] / params["battery_life"]["value"] - 1
    battery = params["m_ftu_battery"]["value"] * replacements
    return {
        "kwh": kwh,
        "battery_kg": battery,
        "lead_kg": battery * params["lead_share_battery"]["value"],
    }


@pytest.fixture(scope="module")
def results(built):
    from cfp_lca.brightway.writing import ensure_model
    from cfp_lca.calc.lcia import static_lcia
    from cfp_lca.model.loading import model_variant

    out = {}
    for use in (True, False):
        model = model_variant(built, "zw32", {"use_stage": use})
        ensure_model(built, model)
        out[use] = static_lcia(built, model)
    return out


def test_hand_values_are_the_stated_physics(hand):
    """3 x (0.3 x 630 A)^2 x 60 uOhm = 6.43 W; + 15 W + 10 W; x 8760 h x 20 years."""
    assert hand["kwh"] == pytest.approx((3 * 189.0**2 * 60e-6 + 25) * 8760 * 20 / 1000)
    assert hand["battery_kg"] == pytest.approx(11 * (20 / 4 - 1))


def test_use_stage_kwh_in_the_written_database(built, results, hand):
    """The use-stage electricity exchange holds the hand-computed kWh (bw2data float32)."""
    import bw2data as bd

    node = bd.get_node(database="cfp-zw32", code="use_stage")
    (edge,) = [e for e in node.technosphere() if e.input["unit"] == "kilowatt hour"]
    assert edge["amount"] == pytest.approx(hand["kwh"], rel=1e-6)


def test_use_stage_kgco2e_by_hand(results, hand):
    """kWh x life-cycle grid factor + replacement batteries + end of life of their lead."""
    grid = _factor("background/china.yaml", "electricity_cn_lifecycle_2023")
    battery = _factor("background/china-materials.yaml", "battery_lead_acid")
    lead = results[True].activities["eol_lead_replaced"]
    expected = hand["kwh"] * grid + hand["battery_kg"] * battery
    assert results[True].stages["use"] - lead == pytest.approx(expected, rel=1e-12)
    assert results[True].activities["use_stage"] == pytest.approx(expected, rel=1e-12)


def test_headline_includes_use_and_the_figure_without_it_is_beside(results):
    on, off = results[True], results[False]
    assert off.stages["use"] == 0
    assert on.total - on.stages["use"] == pytest.approx(on.comparable_total, rel=1e-12)
    assert on.comparable_total == pytest.approx(off.total, rel=1e-12)
    assert on.stages["use"] > 0.5 * on.total  # the use stage dominates, as the issue says


def test_grid_decarbonising_changes_only_the_use_stage_electricity(built, results, hand):
    """Mean of 0.6205 x 0.975^k over the 20 years of use k = 2..21 (the model's service
    life): 0.6205 x 0.975^2 x (1 - 0.975^20) / (20 x 0.025); production and fabrication stay
    on 0.6205."""
    from cfp_lca.brightway.writing import ensure_model
    from cfp_lca.calc.lcia import static_lcia
    from cfp_lca.model.scenarios import load_scenarios

    model = load_scenarios(built)["grid-decarbonising"].built
    ensure_model(built, model)
    result = static_lcia(built, model)
    mean_factor = 0.6205 * 0.975**2 * (1 - 0.975**20) / (20 * 0.025)
    # the declining grid, bought with the model's service life, is an activity of its own
    grid = result.activities["electricity_cn_lifecycle_declining_from_2025@use_stage"]
    change = result.activities["use_stage"] + grid - results[True].activities["use_stage"]
    assert change == pytest.approx(hand["kwh"] * (mean_factor - 0.6205), rel=1e-9)
    for stage in ("raw_materials", "production", "end_of_life"):
        assert result.stages[stage] == pytest.approx(results[True].stages[stage], rel=1e-12)
