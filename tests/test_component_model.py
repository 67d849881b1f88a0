"""The component model zw32: partitions add up, end-of-life approaches and the use stage
match hand calculations from the factors' published values and the model's stated parameters.

Published factor values used below (kgCO2e/kg): primary copper cathode, China, 3.09 (Liu et al.
2022); secondary copper 0.84, primary steel 2.89, secondary steel 0.47, stainless 304 6.15
(ICE v2, 2011); life-cycle grid factor 0.6205 kgCO2e/kWh (MEE/NBS/NEA 2025); national grid 2023
0.5306 kgCO2/kWh (MEE/NBS). Parameters as stated in databases/foreground/zw32.yaml.
"""

from __future__ import annotations

import pytest

CU_V, CU_R = 3.09, 0.84
ST_V, ST_R = 2.89, 0.47
R1_CU, R1_ST, R2_CU, R2_ST, A = 0.25, 0.2, 0.9, 0.9, 0.2
CU_INPUT = 9 + 3 * 0.45 + 5 + 1.5  # copper through the copper mix: busbar, VIs, PT, CTs
CU_EOL = CU_INPUT + 3  # plus the wiring harness, recovered at end of life
STEEL = 25 + 10 + 18 + 14 + 10 + 3  # frame, mechanism, FTU cabinet, PT core, CT cores


@pytest.fixture(scope="module")
def results(built):
    from cfp_lca.brightway.writing import ensure_model
    from cfp_lca.calc.lcia import static_lcia
    from cfp_lca.model.loading import model_variant

    out = {}
    for eol in ("cut_off", "avoided_burden", "cff"):
        for use in (False, True):
            model = model_variant(built, "zw32", {"end_of_life": eol, "use_stage": use})
            ensure_model(built, model)
            out[eol, use] = static_lcia(built, model)
    return out


def test_every_partition_adds_up_to_the_total(results):
    for result in results.values():
        for partition in (result.stages, result.parts, result.activities, result.background):
            assert sum(partition.values()) == pytest.approx(result.total, rel=1e-9)


def test_housing_by_hand(results):
    """30 kg stainless x 6.15 + 30 kg x 0.5 kWh/kg x 0.6205 kgCO2e/kWh."""
    expected = 30 * 6.15 + 30 * 0.5 * 0.6205
    assert results["cut_off", False].parts["housing"] == pytest.approx(expected, rel=1e-12)


def test_avoided_burden_against_cut_off_by_hand(results):
    """Inputs at virgin burden instead of the R1 mix; credits R2 m (Erec - Ev) at end of life."""
    expected = (
        CU_INPUT * R1_CU * (CU_V - CU_R)
        + R2_CU * CU_EOL * (CU_R - CU_V)
        + STEEL * R1_ST * (ST_V - ST_R)
        + R2_ST * STEEL * (ST_R - ST_V)
    )
    diff = results["avoided_burden", False].total - results["cut_off", False].total
    assert diff == pytest.approx(expected, rel=1e-9)
    assert diff < 0


def test_cff_against_cut_off_by_hand(results):
    """CFF: inputs add R1 (1-A) (Ev - Erec) Qs/Qp; output term (1-A) R2 m (Erec - Ev Qs/Qp)."""
    expected = (
        CU_INPUT * R1_CU * (1 - A) * (CU_V - CU_R)
        + (1 - A) * R2_CU * CU_EOL * (CU_R - CU_V)
        + STEEL * R1_ST * (1 - A) * (ST_V - ST_R)
        + (1 - A) * R2_ST * STEEL * (ST_R - ST_V)
    )
    diff = results["cff", False].total - results["cut_off", False].total
    assert diff == pytest.approx(expected, rel=1e-9)


def test_three_approaches_are_ordered(results):
    """With R2 > R1 the credits outweigh the input-side premium: AB < CFF < cut-off."""
    totals = [results[e, False].total for e in ("avoided_burden", "cff", "cut_off")]
    assert totals == sorted(totals)


def test_credits_are_negative_exchanges_through_brightway(built, results):
    """The avoided-burden end-of-life stage holds negative technosphere amounts; plain bw2calc
    on that variant's database gives the same total as cfp_lca (to bw2data's float32)."""
    import bw2calc as bc
    import bw2data as bd

    db = "cfp-zw32[end_of_life=avoided_burden]"
    eol = bd.get_node(database=db, code="end_of_life")
    credits = [e for e in eol.technosphere() if e["amount"] < 0]
    assert {e.input["code"] for e in credits} == {
        "copper_cathode_primary_cn",
        "steel_primary_ice_v2",
    }
    # no distribution of their own: their spread comes from the uncertain parameters R2 and
    # the masses, drawn once for the credit and the recovery it is paired with
    assert all(e["uncertainty type"] in (0, 1) for e in credits)
    copper = next(e for e in credits if e.input["code"] == "copper_cathode_primary_cn")
    assert copper["amount"] == pytest.approx(-R2_CU * CU_EOL, rel=1e-12)
    method = next(m for m in bd.methods if m[1] == "IPCC AR5" and m[-1] == "GWP100")
    lca = bc.LCA({bd.get_node(database=db, code="zw32_set"): 1}, method=method)
    lca.lci()
    lca.lcia()
    assert lca.score == pytest.approx(results["avoided_burden", False].total, rel=1e-6)


def test_use_stage_from_physics(results):
    """(3 x (200 A)^2 x 60 uOhm + 15 W) x 8760 h/yr x 20 yr = 3889.44 kWh at 0.5306 kgCO2/kWh."""
    kwh = (3 * 200**2 * 60e-6 + 15) * 8760 * 20 / 1000
    on, off = results["cut_off", True], results["cut_off", False]
    assert on.stages["use"] == pytest.approx(kwh * 0.5306, rel=1e-12)
    assert off.stages["use"] == 0
    assert on.total - off.total == pytest.approx(kwh * 0.5306, rel=1e-9)
    assert on.comparable_total == pytest.approx(off.total, rel=1e-12)


def test_every_background_factor_has_a_source(catalog):
    for db, processes in catalog.backgrounds.items():
        for process in processes.values():
            assert process.meta.get("source"), f"{db}:{process.code} has no source"
            for x in process.exchanges:
                assert x.source and x.source.strip(), f"{db}:{process.code} -> {x.code}"


def test_a_factor_without_source_is_refused(data_copy):
    from cfp_lca.errors import InputError
    from cfp_lca.model.loading import load_catalog

    path = data_copy / "background" / "china-materials.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("        source:", text.index("code: steel_stainless_304"))
    end = text.index("\n", start) + 1
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(InputError, match="steel_stainless_304.*needs a source"):
        load_catalog(data_copy)


def test_foreground_data_without_uncertainty_are_refused(data_copy):
    """A foreground exchange to the background that no uncertain parameter drives (here the
    plant's metered electricity, primary data) needs a distribution or pedigree scores."""
    from cfp_lca.errors import InputError
    from cfp_lca.model.loading import load_catalog

    path = data_copy / "foreground" / "zw32.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("      - input: electricity_cn_national_2022")
    line_start = text.index("        pedigree:", start)
    line_end = text.index("\n", line_start) + 1
    path.write_text(text[:line_start] + text[line_end:], encoding="utf-8")
    with pytest.raises(InputError, match="production.*electricity_cn_national_2022.*needs an"):
        load_catalog(data_copy)
