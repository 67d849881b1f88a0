"""PACT v3 ProductFootprints out and in: the published examples validate against the
committed schema (and a broken one does not), a model written here with every kind of flow
gives the hand-derived PACT figures of its cradle-to-gate stage, what PACT forbids or lacks is
refused in one line, zw32's export validates and agrees with its static stages, the stage
split by flow adds up to the static result on the fixture lamp, and a supplier's footprint
read as a background process gives the hand value with the documented pedigree."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from fixture_models import current_project

from cfp_lca.cli import main
from cfp_lca.model.pact_files import problems

EXAMPLES = sorted((Path(__file__).parent / "fixtures" / "pact").glob("example-*.json"))
PROJECT = "cfp_pact"

# a background of one board with every kind of greenhouse-gas flow, per kg
BACKGROUND = """\
database: cfp-pact-test
processes:
  - code: board
    name: wooden board
    unit: kg
    source: test data
    emissions:
      - {flow: co2_biogenic_uptake, amount: {value: 1.5, unit: kg/kg}, source: t}
      - {flow: co2_fossil, amount: {value: 0.3, unit: kg/kg}, source: t}
      - {flow: ch4_non_fossil, amount: {value: 0.01, unit: kg/kg}, source: t}
      - {flow: co2_luc, amount: {value: 0.2, unit: kg/kg}, source: t}
      - {flow: co2e_aggregated, amount: {value: 0.1, unit: kg/kg}, source: t}
"""
# a box: 'make' buys 2 kg of board and emits 1 g of fossil methane (inside the gate);
# 'dispose' burns the box (3 kg of biogenic CO2, outside the gate)
MODEL = """\
model: box
database: cfp-pact-box
name: wooden box
functional_unit: {{amount: 1, unit: unit, description: one box}}
reference_activity: box
method: ipcc-ar5-gwp100
backgrounds: [cfp-pact-test]
study:
  pact:
    company_name: Box Maker
    company_ids: ["urn:pact:company:customcode:supplier-id:box-maker"]
    product_ids: ["urn:pact:company:customcode:supplier-id:box-maker:box-1"]
    declared_unit: piece
    product_mass_kg: 2
    reference_period: ["2025-01-01", "2025-12-31"]
    stages: [make]
    primary_data_share: 40
    exempted_emissions_percent: 0
    fossil_carbon_content_kg: 0
{extra}
stages: [{{code: make, name: making}}, {{code: dispose, name: disposal}}]
activities:
  - code: box
    name: box
    inputs:
      - {{input: make, amount: {{value: 1, unit: unit}}, source: structure}}
      - {{input: dispose, amount: {{value: 1, unit: unit}}, source: structure}}
  - code: make
    name: making
    stage: make
    inputs:
      - {{input: board, amount: {{value: 2, unit: kg}}, source: t, uncertainty: {{distribution: none}}}}{credit}
    emissions:
      - {{flow: ch4_fossil, amount: {{value: 0.001, unit: kg}}, source: t, uncertainty: {{distribution: none}}}}
  - code: dispose
    name: disposal
    stage: dispose
    emissions:
      - {{flow: co2_non_fossil, amount: {{value: 3, unit: kg}}, source: t, uncertainty: {{distribution: none}}}}
"""  # noqa: E501
# AR5 GWP100 (databases/methods/ipcc-ar5-gwp100.yaml): CH4 fossil 30, CH4 non-fossil 28
FOSSIL = 2 * 0.3 + 0.001 * 30 + 2 * 0.1  # CO2, CH4 and the pre-characterized 0.2: 0.83
BIOGENIC_CH4 = 2 * 0.01 * 28  # 0.56
LUC = 2 * 0.2  # 0.4
UPTAKE = -2 * 1.5  # -3.0 kg CO2 taken up into the board
# a recycling credit inside the gate: 0.5 kg of board avoided
CREDIT = (
    "\n      - {input: board, amount: {value: -0.5, unit: kg}, source: t, "
    "uncertainty: {distribution: none}, credit: true}"
)


def write_box(folder: Path, extra: str = "", credit: str = "") -> Path:
    (folder / "background").mkdir(parents=True, exist_ok=True)
    (folder / "background" / "board.yaml").write_text(BACKGROUND, encoding="utf-8")
    (folder / "box.yaml").write_text(MODEL.format(extra=extra, credit=credit), encoding="utf-8")
    return folder


def export(capsys, folder: Path, out: Path, *more: str) -> dict:
    capsys.readouterr()
    assert main(["export", "pact", *more, "--out", str(out), "--data", str(folder),
                 "--project", PROJECT]) == 0, capsys.readouterr().err  # fmt: skip
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_the_specifications_examples_are_valid(path):
    assert problems(json.loads(path.read_text(encoding="utf-8"))) == []


def test_a_broken_document_is_refused_by_the_schema():
    document = json.loads(EXAMPLES[0].read_text(encoding="utf-8"))
    broken = copy.deepcopy(document)
    broken["pcf"]["pcfExcludingBiogenicUptake"] = "1.5e3"  # PACT decimals have no exponent
    del broken["companyIds"]
    found = problems(broken)
    assert any("companyIds" in p for p in found)
    assert any(p.startswith("pcf/pcfExcludingBiogenicUptake") for p in found)


def test_the_box_gives_the_hand_figures_of_its_gate(tmp_path, capsys, restore_project):
    document = export(capsys, write_box(tmp_path / "data"), tmp_path / "box.json", "box")
    assert problems(document) == []
    pcf = document["pcf"]
    excluding = FOSSIL + BIOGENIC_CH4 + LUC  # the burning (dispose) is outside the gate
    figures = {
        "pcfExcludingBiogenicUptake": excluding,
        "pcfIncludingBiogenicUptake": excluding + UPTAKE,
        "fossilGhgEmissions": FOSSIL,
        "biogenicNonCO2Emissions": BIOGENIC_CH4,
        "landUseChangeGhgEmissions": LUC,
        "biogenicCO2Uptake": UPTAKE,
        "aircraftGhgEmissions": 0.0,
        "primaryDataShare": 40.0,
        "productMassPerDeclaredUnit": 2.0,
    }
    for name, value in figures.items():
        assert float(pcf[name]) == pytest.approx(value, rel=1e-12, abs=1e-15), name
    assert pcf["ipccCharacterizationFactors"] == ["AR5"]
    assert pcf["declaredUnitOfMeasurement"] == "piece" and pcf["declaredUnitAmount"] == "1"
    assert pcf["packagingEmissionsIncluded"] is False and "packagingGhgEmissions" not in pcf
    assert "0.2 kgCO2e of pre-characterized" in document["comment"]
    again = export(capsys, tmp_path / "data", tmp_path / "again.json", "box")
    assert again["id"] == document["id"]  # the same footprint, the same id


@pytest.mark.parametrize(
    ("extra", "credit", "fragments"),
    [
        ("    packaging_activities: [dispose]", "", ["packaging_activities", "'dispose'"]),
        ("", CREDIT, ["study.pact.stages", "credit", "cut-off"]),
        ("    geography_country: China", "", ["geography_country", "China"]),
    ],
    ids=["packaging outside the gate", "a credit inside the gate", "a country not ISO"],
)
def test_what_pact_forbids_is_refused_in_one_line(tmp_path, capsys, extra, credit, fragments,
                                                  restore_project):  # fmt: skip
    folder = write_box(tmp_path / "data", extra, credit)
    out = tmp_path / "box.json"
    capsys.readouterr()
    code = main(["export", "pact", "box", "--out", str(out), "--data", str(folder),
                 "--project", PROJECT])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    assert str(folder / "box.yaml") in err
    for fragment in fragments:
        assert fragment in err, err
    assert not out.exists()


def test_a_model_without_a_pact_block_is_told_what_to_write(tmp_path, capsys, restore_project):
    out = tmp_path / "lamp.json"
    models = Path(__file__).parent / "fixtures" / "models"
    capsys.readouterr()
    assert main(["export", "pact", "lamp", "--out", str(out), "--data", str(models),
                 "--project", PROJECT]) == 2  # fmt: skip
    err = capsys.readouterr().err
    assert "study.pact" in err and "company_name" in err and not out.exists()


def test_zw32_validates_and_agrees_with_its_static_stages(tmp_path, capsys, restore_project):
    """The gate of zw32 is its first three stages; the primary data are the plant's metered
    electricity, the only primary input of the 'production' activity."""
    out = tmp_path / "zw32.json"
    capsys.readouterr()
    assert main(["export", "pact", "zw32", "--out", str(out), "--project", PROJECT]) == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    assert problems(document) == []
    capsys.readouterr()
    assert main(["lcia", "zw32", "--json", "--project", PROJECT]) == 0
    lcia = json.loads(capsys.readouterr().out)
    gate = sum(lcia["stages"][s] for s in ("raw material acquisition", "raw material transport",
                                           "production"))  # fmt: skip
    pcf = document["pcf"]
    assert float(pcf["pcfExcludingBiogenicUptake"]) == pytest.approx(gate, rel=1e-9)
    share = 100 * lcia["activities"]["production"]["value"] / gate
    assert float(pcf["primaryDataShare"]) == pytest.approx(share, rel=1e-9)
    assert float(pcf["packagingGhgEmissions"]) == pytest.approx(
        lcia["activities"]["packaging"]["value"], rel=1e-12
    )
    assert float(pcf["biogenicCO2Uptake"]) < 0  # the crate's wood


def test_the_stages_split_by_flow_add_up_to_the_static_result(on_fixture):
    from cfp_lca.calc.boundary import flows_by_stage
    from cfp_lca.calc.lcia import computed_lca, static_lcia

    with current_project():
        model = on_fixture.models["lamp"]
        method = on_fixture.methods[model.method]
        lca = computed_lca(model, method)
        result = static_lcia(on_fixture, model, method, lca)
        stages, amounts = flows_by_stage(lca, model)
    for stage, flows in stages.items():
        assert sum(flows.values()) == pytest.approx(result.stages[stage], rel=1e-12, abs=1e-12)
    for code, total in result.flows.items():
        assert sum(f.get(code, 0.0) for f in stages.values()) == pytest.approx(total, rel=1e-12)
    for code, total in result.inventory.items():
        assert sum(a.get(code, 0.0) for a in amounts.values()) == pytest.approx(total, rel=1e-12)


# a shelf maker buys 3 boxes from the box maker, whose footprint file it received
SHELF = """\
model: shelf
database: cfp-pact-shelf
name: shelf
functional_unit: {amount: 1, unit: unit, description: one shelf}
reference_activity: shelf
method: ipcc-ar5-gwp100
backgrounds: [cfp-pact-suppliers]
stages: [{code: make, name: making}]
activities:
  - code: shelf
    name: shelf
    stage: make
    inputs:
      - {input: box, amount: {value: 3, unit: unit}, source: t, uncertainty: {distribution: none}}
"""
SUPPLIERS = """\
database: cfp-pact-suppliers
processes:
  - code: box
    name: wooden box from the box maker
    unit: unit
    source: the box maker's PACT footprint
    pact: {file}
"""
# Weidema et al. 2013 (ecoinvent v3 quality guidelines, table 10.4): variance of ln per score
PEDIGREE = {"reliability": (0, 0.0006, 0.002, 0.008, 0.04),
            "completeness": (0, 0.0001, 0.0006, 0.002, 0.008),
            "temporal": (0, 0.0002, 0.002, 0.008, 0.04),
            "geographical": (0, 0.000025, 0.0001, 0.0006, 0.002),
            "technological": (0, 0.0006, 0.008, 0.04, 0.12)}  # fmt: skip


@pytest.fixture()
def supplied(tmp_path, capsys, restore_project):
    """The box's footprint exported, then given to the shelf maker's data folder."""
    document = export(capsys, write_box(tmp_path / "data"), tmp_path / "box.json", "box")
    folder = tmp_path / "shelf"
    (folder / "background" / "pact").mkdir(parents=True)
    (folder / "background" / "pact" / "box.json").write_text(json.dumps(document),
                                                             encoding="utf-8")  # fmt: skip
    (folder / "background" / "suppliers.yaml").write_text(SUPPLIERS.format(file="pact/box.json"),
                                                          encoding="utf-8")  # fmt: skip
    (folder / "shelf.yaml").write_text(SHELF, encoding="utf-8")
    return folder, document


def lcia_total(capsys, folder: Path) -> float:
    capsys.readouterr()
    assert main(["lcia", "shelf", "--json", "--data", str(folder), "--project", PROJECT]) == 0, (
        capsys.readouterr().err)  # fmt: skip
    return json.loads(capsys.readouterr().out)["total"]


def test_a_suppliers_footprint_is_a_background_process(supplied, capsys):
    """3 boxes x pcfExcludingBiogenicUptake; the uptake is documented apart (AR5 factor 0);
    no dqi and nothing exempted, unverified: scores 3, 2, 3, 3, 3 and basic variance 0.0006."""
    from cfp_lca.model.loading import load_catalog

    folder, _ = supplied
    assert lcia_total(capsys, folder) == pytest.approx(3 * (FOSSIL + BIOGENIC_CH4 + LUC),
                                                       rel=1e-12)  # fmt: skip
    box = load_catalog(folder).backgrounds["cfp-pact-suppliers"]["box"]
    by_flow = {x.code: x for x in box.exchanges}
    assert by_flow["co2_biogenic_uptake"].amount == pytest.approx(-UPTAKE, rel=1e-12)
    scores = {"reliability": 3, "completeness": 2, "temporal": 3, "geographical": 3,
              "technological": 3}  # fmt: skip
    variance = 0.0006 + sum(PEDIGREE[k][v - 1] for k, v in scores.items())  # 0.0128
    uncertainty = by_flow["co2e_aggregated"].uncertainty
    assert uncertainty["scale"] == pytest.approx(variance**0.5, rel=1e-12)
    assert box.meta["gwp_set"] == "IPCC AR5 GWP100 (PACT)" and box.meta["year"] == 2025


def test_an_edited_footprint_file_is_read_again(supplied, capsys):
    """The catalog cache keys on the JSON files too: a new footprint, a new total."""
    folder, document = supplied
    before = lcia_total(capsys, folder)
    document["pcf"]["pcfExcludingBiogenicUptake"] = "2"
    (folder / "background" / "pact" / "box.json").write_text(json.dumps(document),
                                                             encoding="utf-8")  # fmt: skip
    assert lcia_total(capsys, folder) == pytest.approx(6.0, rel=1e-12) != before


@pytest.mark.parametrize(
    ("change", "fragments"),
    [
        (lambda d: d.update(status="Deprecated"), ["'Deprecated'", "SHOULD NOT be used"]),
        (
            lambda d: d["pcf"].pop("fossilGhgEmissions"),
            ["not a PACT v3 ProductFootprint", "fossilGhgEmissions"],
        ),
        (
            lambda d: d["pcf"].update(declaredUnitOfMeasurement="megabit second"),
            ["megabit second", "no unit"],
        ),
    ],
    ids=["deprecated", "invalid", "unit"],
)
def test_a_footprint_cfp_lca_cannot_use_is_refused(supplied, capsys, change, fragments):
    folder, document = supplied
    change(document)
    path = folder / "background" / "pact" / "box.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    capsys.readouterr()
    assert main(["lcia", "shelf", "--data", str(folder), "--project", PROJECT]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(path) in err, err
    for fragment in fragments:
        assert fragment in err, err


def test_a_footprint_outside_the_data_folder_is_refused(supplied, capsys):
    folder, _ = supplied
    (folder / "background" / "suppliers.yaml").write_text(
        SUPPLIERS.format(file="../../box.json"), encoding="utf-8")  # fmt: skip
    capsys.readouterr()
    assert main(["lcia", "shelf", "--data", str(folder), "--project", PROJECT]) == 2
    err = capsys.readouterr().err
    assert "suppliers.yaml" in err and "beside or below" in err, err


def test_lcia_documents_biogenic_co2_in_kg(tmp_path, capsys, restore_project):
    """The box takes up 3 kg of CO2 in its board and releases 3 kg when burnt: both in kg of
    CO2 from the inventory, though the method characterizes both at 0 (ISO 14067 7.3)."""
    folder = write_box(tmp_path / "data")
    capsys.readouterr()
    assert main(["lcia", "box", "--json", "--data", str(folder), "--project", PROJECT]) == 0
    found = json.loads(capsys.readouterr().out)["biogenic_co2_kg"]
    assert found == {"emitted": pytest.approx(3.0, rel=1e-12),
                     "taken_up": pytest.approx(UPTAKE, rel=1e-12)}  # fmt: skip
