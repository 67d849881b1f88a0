"""The audit finds by itself every inconsistency of the seed report that a reader can verify.

Expected findings were established by reading the report (seed text) by hand:
- Table 5.2-1's total row prints 1317.3597, the raw-material figure, not the stage sum 1345.6139;
- the abstract gives end of life as 5.5401, Table 5.2-1 as 5.5405 (annual 23835.231 / 4302);
- Table 4.2-1 prints 0.0726 beside diesel in kg: that factor is per MJ (x 43.33 MJ/kg);
- Table 4.2-1 annual diesel figures cut digits: 15192.179 x 3.145758 = 47790.9186 -> "47790.918",
  14063.125 x 3.145758 = 44239.1880 -> "44239.187";
- section 3.2.6 dates the IPCC Fifth Assessment Report 2021; AR5 is of 2013.
"""

from __future__ import annotations

import pytest
import yaml

EXPECTED = {
    "t521_total": "differs",
    "abstract_end_of_life": "differs",
    "t421_raw_material_transport_factor": "differs",
    "t421_product_transport_factor": "differs",
    "t421_raw_material_transport_ghg": "truncated",
    "t421_product_transport_ghg": "truncated",
    "s326_method_year": "differs",
}


@pytest.fixture(scope="module")
def audited(built):
    from cfp_lca.calc.audit import audit
    from cfp_lca.calc.lcia import static_lcia

    model = built.models["zw32-report"]
    return audit(built, model, static_lcia(built, model))


def test_findings_are_exactly_the_known_inconsistencies(audited):
    assert {c.figure.id: c.status for c in audited.findings} == EXPECTED


def test_diesel_factor_explained_by_the_net_calorific_value(audited):
    """0.0726 kg CO2e printed beside diesel in kg is per MJ: the recomputed 3.1458 per kg
    over 0.0726 is 43.33, the net calorific value of diesel in MJ/kg; worded in both
    languages, the parameter as its code, the input by its name."""
    from cfp_lca.present.claim_text import note_text
    from cfp_lca.present.tables import audit_dict

    note = next(c.note for c in audited.findings if c.figure.id == "t421_product_transport_factor")
    assert note.key == "ratio_parameter" and note.values["parameter"] == "net_calorific_value"
    assert note.values["ratio"] == pytest.approx(3.145758 / 0.0726, rel=1e-3)
    assert note.values["value"] == 43.33 and (note.values["per"], note.values["of"]) == ("MJ", "kg")
    (finding,) = [f for f in audit_dict(audited)["findings"]
                  if f["id"] == "t421_product_transport_factor"]  # fmt: skip
    assert finding["note"].startswith("the ratio 43.33 equals parameter `net_calorific_value`")
    assert finding["note"].endswith("the printed factor is per MJ, not per kg")
    zh = note_text(finding, "zh")  # the input by its Chinese name in the data
    name = finding["note_values"]["input"]["name_zh"]
    assert name and "柴油" in name
    assert zh == (
        f"比值43.33等于“{name}”的参数`net_calorific_value` = 43.33 MJ / kg："
        "原报告的因子是每MJ，而不是每kg"
    )


def test_total_row_recomputed(audited):
    check = next(c for c in audited.checks if c.figure.id == "t521_total")
    assert check.computed == pytest.approx(1345.6139, abs=0.5e-4)
    assert check.difference == pytest.approx(1317.3597 - 1345.6139, abs=1e-4)


def test_conflicts_between_places(audited):
    conflicts = {k.quantity: sorted(v for v, _ in k.groups) for k in audited.conflicts}
    assert conflicts == {"total": [1317.3597, 1345.6139], "stage end_of_life": [5.5401, 5.5405]}
    from cfp_lca.present.claim_text import quantity_text

    what = {k.quantity: k.what for k in audited.conflicts}["stage end_of_life"]
    names = {"stage/end_of_life": "生命末期"}
    assert quantity_text(what, "zh", names) == "生命末期阶段"
    assert (
        quantity_text(what, "en", {"stage/end_of_life": "end of life"}) == "the end of life stage"
    )


def test_every_other_figure_agrees(audited):
    ok = [c for c in audited.checks if c.status == "ok"]
    assert len(ok) == len(audited.checks) - len(EXPECTED)


def test_audit_is_driven_by_the_data_not_the_code(built, data_copy):
    """Correct the declared figures and the findings disappear; break one and it is found."""
    from cfp_lca.calc.audit import audit
    from cfp_lca.calc.lcia import static_lcia
    from cfp_lca.model.loading import load_catalog

    path = data_copy / "foreground" / "zw32-report.declared.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    fixes = {
        "t521_total": "1345.6139",
        "abstract_end_of_life": "5.5405",
        "t421_raw_material_transport_ghg": "47790.919",
        "t421_product_transport_ghg": "44239.188",
        "s326_method_year": "2013",
        "t521_production": "1.3231",
    }
    doc["figures"] = [
        {**f, "printed": fixes.get(f["id"], f["printed"])}
        for f in doc["figures"]
        if not f["id"].endswith("_factor") or "transport" not in f["id"]
    ]
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    catalog = load_catalog(data_copy)
    model = catalog.models["zw32-report"]
    result = audit(catalog, model, static_lcia(built, model))
    assert [c.figure.id for c in result.findings] == ["t521_production"]
    assert [k.quantity for k in result.conflicts] == ["stage production"]


def test_rounding_classification():
    from cfp_lca.calc.audit import classify, printed_value

    assert printed_value("97.90%") == (97.9, 2)
    assert classify(1.3213, 4, 1.32130004) == "ok"
    assert classify(47790.918, 3, 47790.918627) == "truncated"
    assert classify(5.5401, 4, 5.5405) == "differs"
