"""The component model zw32: partitions add up, the housing and the avoided-burden credits
match hand calculations from the factors' published values and the model's stated parameters
(the full CFF is tested term by term in test_cff.py, the use stage in test_use_stage.py).

Published factor values used below (kgCO2e/kg): stainless 304 by the nickel-pig-iron route 6.8
and at 85 % scrap 1.95 (worldstainless 2023); life-cycle grid factor 0.6205 kgCO2e/kWh
(MEE/NBS/NEA 2025), split as 0.5306 combustion CO2 (MEE/NBS 2023) + the rest. Parameters as
stated in databases/foreground/zw32.yaml.
"""

from __future__ import annotations

import pytest

R2_CU = 0.9
# copper in the set: busbar, 3 interrupter rods, PT, CTs, zero-sequence CT, 60 % of 7 kg of
# PVC cable, copper half of 3 x 0.2 kg CuCr50 contacts
CU_EOL = 9 + 3 * 0.45 + 5 + 1.5 + 0.3 + 0.6 * 7 + 0.5 * 3 * 0.2


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
        outside = {f"outside {k}": v for k, v in result.outside_parts.items()}
        for partition in (
            result.stages,
            result.parts | outside,
            result.activities,
            result.background,
        ):
            assert sum(partition.values()) == pytest.approx(result.total, rel=1e-9)


def test_housing_by_hand(results):
    """30 kg stainless at the cut-off mix (R1 = 0.3) + 30 kg x 0.5 kWh/kg x 0.6205."""
    expected = 30 * (0.7 * 6.8 + 0.3 * 1.95) + 30 * 0.5 * 0.6205
    assert results["cut_off", False].parts["housing"] == pytest.approx(expected, rel=1e-12)


def test_three_approaches_are_ordered(results):
    """With R2 > R1 the credits outweigh the input-side premium: AB < CFF < cut-off."""
    totals = [results[e, False].total for e in ("avoided_burden", "cff", "cut_off")]
    assert totals == sorted(totals)


def test_credits_are_negative_exchanges_through_brightway(built, results):
    """The avoided-burden end-of-life stage holds negative technosphere amounts; plain bw2calc
    on that variant's datasets, written by bw2data, gives the same total as cfp_lca (to
    bw2data's float32)."""
    import bw2calc as bc
    import bw2data as bd
    from fixture_models import written_variant

    from cfp_lca.model.loading import model_variant

    variant = model_variant(built, "zw32", {"end_of_life": "avoided_burden"})
    with written_variant(built, variant) as db:
        eol = bd.get_node(database=db, code="eol_copper")
        credits = [e for e in eol.technosphere() if e["amount"] < 0]
        assert {e.input["code"] for e in credits} == {"copper_cathode_primary_cn"}
        metals = bd.get_node(database=db, code="eol_steel")
        assert [e.input["code"] for e in metals.technosphere() if e["amount"] < 0] == [
            "steel_sheet_cold_rolled_cn"
        ]
        # no distribution of their own: their spread comes from the uncertain parameters R2
        # and the masses, drawn once for the credit and the recovery it is paired with
        assert all(e["uncertainty type"] in (0, 1) for e in credits)
        copper = next(e for e in credits if e.input["code"] == "copper_cathode_primary_cn")
        assert copper["amount"] == pytest.approx(-R2_CU * CU_EOL, rel=1e-12)
        method = next(m for m in bd.methods if m[1] == "IPCC AR6" and m[-1] == "GWP100")
        lca = bc.LCA({bd.get_node(database=db, code="zw32_set"): 1}, method=method)
        lca.lci()
        lca.lcia()
        assert lca.score == pytest.approx(results["avoided_burden", True].total, rel=1e-6)


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
    start = text.index("      - input: electricity_cn_lifecycle_2023_co2_split")
    line_start = text.index("        pedigree:", start)
    line_end = text.index("\n", line_start) + 1
    path.write_text(text[:line_start] + text[line_end:], encoding="utf-8")
    with pytest.raises(
        InputError, match="production.*electricity_cn_lifecycle_2023_co2_split.*needs an"
    ):
        load_catalog(data_copy)


def test_aluminium_housing_moves_the_tank_mass_everywhere(built, results):
    """The variant takes the 30 kg stainless tank out of material, transport and end of life:
    the stainless leg carries 14 kg of aluminium instead of 30 kg over 400 km (30 t truck),
    the set to the recycler is 16 kg lighter over 150 km (8 t truck), per the trucks' scores."""
    from cfp_lca.brightway.writing import ensure_model
    from cfp_lca.calc.lcia import static_lcia
    from cfp_lca.model.scenarios import load_scenarios

    model = load_scenarios(built)["aluminium-housing"].built
    ensure_model(built, model)
    alu, base = static_lcia(built, model), results["cut_off", True]
    transport = alu.activities["supplier_transport"] - base.activities["supplier_transport"]
    bought = {(x.database, x.code) for a in model.activities for x in a.exchanges}
    (heavy,) = [base.unit_scores[k] for k in bought if "lorry" in k[1] and "_30t_" in k[1]]
    (medium,) = [base.unit_scores[k] for k in bought if "lorry" in k[1] and "_8t_" in k[1]]
    assert transport == pytest.approx((14 - 30) / 1000 * 400 * heavy, rel=1e-9)
    collection = alu.activities["end_of_life"] - base.activities["end_of_life"]
    assert collection == pytest.approx((14 - 30) / 1000 * 150 * medium, rel=1e-9)
    stainless_eol = alu.activities["eol_stainless"] / base.activities["eol_stainless"]
    assert stainless_eol == pytest.approx((3 * 0.25 + 2) / (30 + 3 * 0.25 + 2), rel=1e-12)
    assert alu.activities["eol_aluminium"] > 0 and base.activities["eol_aluminium"] == 0


def test_a_product_with_no_greenhouse_gas_upstream_scores_exactly_zero(results):
    """Incinerating packaging wood emits only biogenic CO2, characterized 0: its unit score is
    exactly 0, so tables print 0 (the LU solve alone left 3e-16 here, which the activity
    table printed as 0.000000000000000296059), and every product with a score is reached."""
    base = results["cut_off", True]
    assert base.unit_scores[("cfp-china-end-of-life", "eol_incineration_wood")] == 0.0
    assert base.unit_scores[("cfp-china-end-of-life", "eol_incineration_pe")] > 3.0
    assert all(v == 0.0 or abs(v) > 1e-9 for v in base.unit_scores.values())
