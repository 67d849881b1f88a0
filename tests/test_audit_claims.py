"""The audit checks the claims a study makes in words, not only its numbers.

The seed report (read by hand): it calls its result a GWP over "every greenhouse gas" but
counts CO2 only (section 3.2.6); it calls its boundary cradle to grave with no use stage
(Table 3.1); it describes raw material acquisition as housing, copper and steel parts while
Table 4.2-1 gives it as 10561464.084 kWh of grid electricity a year over 4302 units (2455.01
kWh per unit); it uses the combustion-only grid and diesel factors for a life-cycle footprint;
it leaves packaging out against its own rule (inputs below 1 % of mass, section 3.2.4): the
full model zw32 states a 20.5 kg crate and film (m_crate 20 + m_film 0.5) beside a 189.27 kg
set (its study's product_mass_kg), 10.8 %.

A second model, written here, makes claims its data bear out, one that cannot be checked
(pre-characterized factors may hold any gas), and a boundary without modules.
"""

from __future__ import annotations

import json

import pytest
import yaml
from test_parameters import write_data

from cfp_lca.cli import main

pytestmark = pytest.mark.usefixtures("restore_project")


@pytest.fixture(scope="module")
def claims(built):
    from cfp_lca.calc.audit import audit
    from cfp_lca.calc.lcia import static_lcia

    model = built.models["zw32-report"]
    return {c.claim.id: c for c in audit(built, model, static_lcia(built, model)).claims}


def _words(check, lang: str = "en") -> str:
    """A checked claim's finding as the report words it."""
    from cfp_lca.present.claim_text import finding_text

    return finding_text({"finding_key": check.finding, "values": check.values}, lang, text=str)


def test_the_five_claims_of_the_seed_report_are_contradicted(claims):
    assert {k: c.status for k, c in claims.items()} == dict.fromkeys(
        ["s326_gases", "s322_boundary", "t31_raw_materials", "t421_factors", "t31_packaging"],
        "contradicted",
    )
    assert "holds CO2 only: no CH4, N2O" in _words(claims["s326_gases"])
    assert "B1-B7" in _words(claims["s322_boundary"])
    assert f"{10561464.084 / 4302:.6g} kWh" in _words(claims["t31_raw_materials"])
    assert "category electricity" in _words(claims["t31_raw_materials"])
    assert "100 % of the total" in _words(claims["t421_factors"])
    share = 100 * (20 + 0.5) / 189.27
    assert f"{share:.3g} % of the mass" in _words(claims["t31_packaging"])


def test_the_findings_read_as_chinese_in_the_chinese_report(claims):
    """Each finding has its Chinese sentence, the numbers the same as in English."""
    gases = _words(claims["s326_gases"], "zh")
    assert gases.startswith("清单仅含CO2：任何过程均无CH4、N2O")
    share = 100 * (20 + 0.5) / 189.27
    packaging = _words(claims["t31_packaging"], "zh")
    assert f"的{share:.3g} %" in packaging and "质量" in packaging
    bought = _words(claims["t31_raw_materials"], "zh")
    assert f"{10561464.084 / 4302:.6g} kWh" in bought and "类别：电力" in bought
    assert "从摇篮到坟墓" in _words(claims["s322_boundary"], "zh")


def test_the_full_model_states_the_mass_the_claim_is_checked_against(built):
    """product_mass_kg in zw32's study is m_set at its values: the same whole."""
    study = yaml.safe_load(built.models["zw32"].path.read_text(encoding="utf-8"))["study"]
    assert study["pact"]["product_mass_kg"] == pytest.approx(189.27)


KETTLE = """\
model: kettle
database: cfp-kettle
name: kettle
functional_unit: {amount: 1, unit: unit, description: "1 kettle"}
reference_activity: kettle
method: ipcc-ar5-gwp100
backgrounds: [cfp-china-background]
parameters:
  m_body: {value: 1.2, unit: kg, source: drawing (test)}
  m_label: {value: 6, unit: g, source: drawing (test)}
modules: {making: A3}
stages: [{code: making, name: making}]
activities:
  - code: kettle
    name: kettle
    stage: making
    inputs:
      - {input: electricity_cn_lifecycle_2023, amount: {value: 3, unit: kWh}, source: meter (test), uncertainty: {distribution: none}}
    emissions:
      - {flow: co2_fossil, amount: {value: 2, unit: kg}, source: gas burner (test), uncertainty: {distribution: none}}
"""  # noqa: E501
DECLARED = """\
model: kettle
method: ipcc-ar5-gwp100
document: "kettle EPD (test)"
figures:
  - {id: total, quantity: total, printed: "3.8615", unit: kg CO2e, where: "page 1"}
claims:
  - {id: co2, kind: gases, printed: "CO2 counted", where: "page 2", gases: [CO2]}
  - {id: all, kind: gases, printed: "every gas", where: "page 2", gases: [CO2, CH4]}
  - {id: gate, kind: boundary, printed: "cradle to gate", where: "page 2", boundary: cradle_to_gate}
  - {id: power, kind: stage_content, printed: "energy", where: "page 3", activity: kettle, categories: [electricity]}
  - {id: factors, kind: factor_boundary, printed: "life cycle", where: "page 3", factors: life_cycle}
  - id: label
    kind: exclusion
    printed: "the label is left out"
    where: "page 3"
    item: label
    rule: {basis: mass, below_percent: 1, printed: "below 1 % of mass", where: "page 3"}
    estimate: {model: kettle, item: m_label, whole: m_body}
"""  # noqa: E501


def kettle_data(root, declared=DECLARED, model=KETTLE):
    data = write_data(root, model)
    (data / "foreground" / "para.declared.yaml").write_text(declared, encoding="utf-8")
    return data


def test_claims_a_model_bears_out_and_one_it_cannot_check(tmp_path, capsys):
    """3 kWh at 0.6205 and 2 kg CO2: 3.8615 by hand; the label is 6 g of 1.2 kg, 0.5 %."""
    data = kettle_data(tmp_path)
    capsys.readouterr()
    assert main(["audit", "kettle", "--data", str(data), "--json", "--project", "cfp_claims"]) == 0
    out = json.loads(capsys.readouterr().out)
    found = {c["id"]: c for c in out["claims"]}
    assert out["findings"] == []  # 3.8615 agrees
    assert {k: c["status"] for k, c in found.items()} == {
        "co2": "ok", "all": "unchecked", "gate": "ok", "power": "ok", "factors": "ok",
        "label": "ok"}  # fmt: skip
    assert "may hold CH4" in found["all"]["finding"]
    assert "0.5 % of the mass" in found["label"]["finding"]


def test_a_boundary_without_modules_is_not_checkable(tmp_path, capsys):
    data = kettle_data(tmp_path, model=KETTLE.replace("modules: {making: A3}\n", ""))
    capsys.readouterr()
    assert main(["audit", "kettle", "--data", str(data), "--project", "cfp_claims"]) == 0
    text = capsys.readouterr().out
    assert '"cradle to gate" (boundary): unchecked: the model maps no stage' in text


@pytest.mark.parametrize(
    "old, new, message",
    [
        ("categories: [electricity]", "factors: life_cycle", "needs 'categories'"),
        ("activity: kettle,", "activity: kettel,", "unknown activity 'kettel'"),
        ("gases: [CO2]}", "gases: [CO2], boundary: cradle_to_gate}", "'boundary' belongs to"),
    ],
)
def test_a_malformed_claim_is_refused_in_one_line(tmp_path, capsys, old, new, message):
    assert old in DECLARED
    data = kettle_data(tmp_path, DECLARED.replace(old, new))
    capsys.readouterr()
    assert main(["check", "--data", str(data)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert any(message in line and "para.declared.yaml" in line for line in err), err
