"""Scenario overlays on a model spec: swaps, changes and additions, and the parameters a scenario
may state (the model's, or new ones that a formula it brings uses by name)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cfp_lca.errors import InputError
from cfp_lca.model.loading import load_catalog
from cfp_lca.model.reading import read_yaml
from cfp_lca.model.scenario_schema import ScenarioFile
from cfp_lca.model.scenarios import load_scenarios, overlay
from cfp_lca.model.schema import ModelFile
from cfp_lca.model.validation import validate

# A cotton tote bag whose one parameter's name has an "m" in it.
TOTE = """\
model: tote
database: cfp-tote
name: "Cotton tote bag"
functional_unit: {amount: 1, unit: unit, description: "1 tote bag"}
reference_activity: tote
method: ipcc-ar5-gwp100
backgrounds: [cfp-china-background, cfp-china-materials]
parameters:
  mass: {value: 0.25, unit: kg, source: "bag weighed (test data)"}
stages:
  - {code: growing, name: Cotton growing}
  - {code: sewing, name: Cutting and sewing}
activities:
  - code: tote
    name: tote bag
    stage: sewing
    inputs:
      - input: cotton
        formula: mass
        unit: kg
        uncertainty: {distribution: none}
        source: "bag mass"
      - input: electricity_cn_lifecycle_2023
        amount: {value: 0.8, unit: kWh}
        uncertainty: {distribution: normal, cv: 0.1}
        source: "sewing line meter (test data)"
  - code: cotton
    name: cotton fibre
    unit: kg
    stage: growing
    emissions:
      - flow: n2o
        amount: {value: 0.004, unit: kg}
        uncertainty: {distribution: lognormal, gsd: 1.5}
        source: "field N2O (test data)"
"""
HEAD = "scenario: s\nmodel: tote\nname: a scenario\n"
# an added input whose formula contains the letter m (in 'mass'), though not the name m
ADD_IRONING = """\
additions:
  - activity: tote
    add:
      input: electricity_cn_lifecycle_2023
      formula: "mass * {factor}"
      unit: kWh
      uncertainty: {{distribution: none}}
      source: "ironing (test data)"
"""


def spec(tmp_path: Path, name: str, text: str, schema: type):
    """A file written and validated as the loader reads it."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return validate(path, read_yaml(path), schema)


def apply(tmp_path: Path, scenario: str) -> ModelFile:
    """The tote model with ``scenario`` (a scenario file's text) applied."""
    model = spec(tmp_path, "tote.yaml", TOTE, ModelFile)
    scn = spec(tmp_path, "s.yaml", scenario, ScenarioFile)
    return overlay(model, scn, tmp_path / "s.yaml")


def test_a_new_parameter_no_formula_uses_is_refused_though_a_formula_has_its_letter(tmp_path):
    """``m`` is used by no formula: the added formula 'mass * 0.5' contains an m, not the name."""
    text = HEAD + "parameters:\n  m: {value: 2, unit: dimensionless, source: t}\n"
    text += ADD_IRONING.format(factor="0.5")
    with pytest.raises(InputError, match="unknown parameter 'm' of model 'tote'") as caught:
        apply(tmp_path, text)
    assert caught.value.entry == "parameters > m"
    assert caught.value.file == str(tmp_path / "s.yaml")


def test_a_new_parameter_an_added_formula_uses_is_added(tmp_path):
    text = HEAD + "parameters:\n  m: {value: 2, unit: kWh/kg, source: t}\n"
    text += ADD_IRONING.format(factor="m")
    model = apply(tmp_path, text)
    assert model.parameters["m"].value == 2
    assert model.database == "cfp-tote{s}" and model.name == "Cotton tote bag: a scenario"
    tote = next(a for a in model.activities if a.code == "tote")
    assert [x.formula for x in tote.inputs] == ["mass", None, "mass * m"]


def test_a_new_parameter_used_by_a_new_formula_parameter_is_added(tmp_path):
    text = HEAD + (
        "parameters:\n"
        "  k: {value: 2, unit: kWh/kg, source: t}\n"
        "  m: {formula: k * 2, unit: kWh/kg, source: t}\n"
    )
    model = apply(tmp_path, text + ADD_IRONING.format(factor="m"))
    assert set(model.parameters) == {"mass", "k", "m"}


def test_a_changed_parameter_of_the_model_needs_no_formula(tmp_path):
    text = HEAD + "parameters:\n  mass: {value: 0.2, unit: kg, source: t}\n"
    assert apply(tmp_path, text).parameters["mass"].value == 0.2


def test_swaps_changes_and_additions_apply_in_turn(tmp_path):
    """The swap renames the input the change then scales; the addition comes last."""
    text = HEAD + (
        "swaps:\n"
        "  - {old: electricity_cn_lifecycle_2023, new: green_power, source: 'PPA'}\n"
        "changes:\n"
        "  - {activity: tote, input: green_power, scale: 0.5, source: 'half the time'}\n"
        "  - {activity: cotton, input: none, remove: true, source: t}\n"
    )
    with pytest.raises(InputError, match="activity 'cotton' has no input 'none'") as caught:
        apply(tmp_path, text)
    assert caught.value.entry == "changes[1] 'cotton' > 'none'"
    model = apply(tmp_path, text.rsplit("  - {activity: cotton", 1)[0])
    tote = next(a for a in model.activities if a.code == "tote")
    power = tote.inputs[1]
    assert power.input == "green_power" and power.pair_as == "electricity_cn_lifecycle_2023"
    assert power.amount.value == pytest.approx(0.4)
    scaled = "sewing line meter (test data); scenario: PPA; scaled x0.5: half the time"
    assert power.source == scaled


@pytest.mark.parametrize(
    ("text", "entry", "message"),
    [
        ("swaps:\n  - {old: nothing, new: x, source: t}\n", "swaps[0] 'nothing'",
         "no activity of 'tote' buys 'nothing'"),
        ("swaps:\n  - {old: cotton, new: x, activities: [bag], source: t}\n",
         "swaps[0] 'cotton'", "unknown activity 'bag' in model 'tote'"),
        ("changes:\n  - {activity: bag, input: cotton, scale: 2, source: t}\n",
         "changes[0] 'bag' > 'cotton'", "unknown activity 'bag' in model 'tote'"),
        ("additions:\n  - activity: bag\n    add: {input: cotton, amount: {value: 1, unit: kg},"
         " source: t}\n", "additions[0] 'bag'", "unknown activity 'bag' in model 'tote'"),
    ],
)  # fmt: skip
def test_every_reference_of_a_scenario_is_checked(tmp_path, text, entry, message):
    with pytest.raises(InputError, match=message) as caught:
        apply(tmp_path, HEAD + text)
    assert caught.value.entry == entry


def test_loading_scenarios_reports_the_unused_new_parameter(tmp_path):
    """Through the loader: the scenario using its new parameter builds, the other is refused."""
    data = tmp_path / "tote"
    (data / "foreground").mkdir(parents=True)
    (data / "foreground" / "tote.yaml").write_text(TOTE, encoding="utf-8")
    catalog = load_catalog(data)
    folder = tmp_path / "scenarios"
    folder.mkdir()
    used = "parameters:\n  m: {value: 2, unit: kWh/kg, source: t}\n"
    (folder / "s.yaml").write_text(HEAD + used + ADD_IRONING.format(factor="m"), "utf-8")
    built = load_scenarios(catalog, folder)["s"].built
    tote = built.activity("tote")
    assert [x.amount for x in tote.exchanges][-1] == pytest.approx(0.25 * 2)
    unused = "parameters:\n  m: {value: 2, unit: dimensionless, source: t}\n"
    (folder / "s.yaml").write_text(HEAD + unused + ADD_IRONING.format(factor="0.5"), "utf-8")
    with pytest.raises(InputError, match="unknown parameter 'm' of model 'tote'"):
        load_scenarios(catalog, folder)
