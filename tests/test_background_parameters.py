"""Background processes bought with the model's parameter values: a street lamp used for 30
years buys the shipped declining-grid electricity with its own years of use.

By hand: 50 W for 4000 h a year over the service life, 6000 kWh over 30 years. The grid's
life-cycle factor, 0.6205 kg CO2e/kWh in 2023, falls by d = 2.5 % a year; its mean over the n
years of use from 2025 is 0.6205 (1-d)^2 (1 - (1-d)^n) / (n d) (a geometric series). The
process's own default is n = 20 years (an option keeps it); a scenario sets 25 years for the
grid only, another a 40-year life for both the energy and the grid. Plain bw2calc on the
written project agrees; bad settings are refused in one line naming the entry.
"""

from __future__ import annotations

import shutil

import bw2calc as bc
import bw2data as bd
import pytest
from fixture_models import current_project
from test_parameters import write_data

from cfp_lca import api
from cfp_lca.cli import main
from conftest import DATA

PROJECT = "cfp_bg_parameters"
PROCESS = "electricity_cn_lifecycle_declining_from_2025"
POWER_KW, HOURS, LIFE = 0.05, 4000, 30
MODEL = f"""\
model: lamp
database: cfp-lamp
name: street lamp
functional_unit: {{amount: 1, unit: unit, description: "1 lamp lit for its service life"}}
reference_activity: lamp
method: ipcc-ar5-gwp100
backgrounds: [cfp-china-background, cfp-china-end-of-life]
options:
  grid: {{default: own_life, choices: [own_life, process_default], description: years of the grid}}
parameters:
  service_life: {{value: {LIFE}, unit: year, source: design life (test)}}
  power: {{value: 50, unit: W, source: rating plate (test)}}
  hours: {{value: {HOURS}, unit: h/year, source: dusk to dawn (test)}}
stages: [{{code: use, name: use}}]
activities:
  - code: lamp
    name: lamp
    inputs:
      - {{input: lighting, amount: {{value: 1, unit: unit}}, source: one lamp (test)}}
  - code: lighting
    name: lighting
    stage: use
    inputs:
      - {{input: {PROCESS}, formula: power * hours * service_life, unit: kWh, source: meter (test), uncertainty: {{distribution: none}}, when: {{grid: own_life}}, process_parameters: {{years_of_use: service_life}}}}
      - {{input: {PROCESS}, formula: power * hours * service_life, unit: kWh, source: meter (test), uncertainty: {{distribution: none}}, when: {{grid: process_default}}}}
"""  # noqa: E501
SCENARIOS = {
    "baseline": "scenario: baseline\nmodel: lamp\nname: 30 years\n",
    "grid25": (
        "scenario: grid25\nmodel: lamp\nname: grid over 25 years\nkind: context\n"
        f"changes:\n  - {{activity: lighting, input: {PROCESS}, process_parameters: "
        "{years_of_use: {value: 25, unit: year}}, source: test}\n"
    ),
    "life40": (
        "scenario: life40\nmodel: lamp\nname: 40-year life\nkind: context\n"
        "parameters:\n  service_life: {value: 40, unit: year, source: test}\n"
    ),
}


def grid(n: float, factor: float = 0.6205, d: float = 0.025) -> float:
    """The mean declining factor over n years of use from 2025, kg CO2e/kWh (closed form)."""
    return factor * (1 - d) ** 2 * (1 - (1 - d) ** n) / (n * d)


def total(years: float, grid_years: float) -> float:
    return POWER_KW * HOURS * years * grid(grid_years)


def lamp_data(root, model: str = MODEL):
    data = write_data(root, model)
    shutil.copy(DATA / "background" / "china-end-of-life.yaml", data / "background")
    return data


@pytest.fixture(scope="module")
def data(tmp_path_factory, restore_project):
    data = lamp_data(tmp_path_factory.mktemp("lamp"))
    (data.parent / "scenarios").mkdir()
    for name, text in SCENARIOS.items():
        (data.parent / "scenarios" / f"{name}.yaml").write_text(text, encoding="utf-8")
    return data


@pytest.fixture(scope="module")
def ws(data):
    workspace = api.load(data, project=PROJECT)
    workspace.write()
    return workspace


def test_the_model_sets_the_years_of_use(ws):
    model = ws.model("lamp")
    assert model.lcia().total == pytest.approx(total(30, 30), rel=1e-12)
    kept = model.lcia(options={"grid": "process_default"}).total
    assert kept == pytest.approx(total(30, 20), rel=1e-12)
    assert abs(total(30, 30) - total(30, 20)) > 0.05 * total(30, 20)  # the setting matters


def test_plain_bw2calc_agrees_with_the_written_instance(ws):
    """The process with 30 years is an activity of the model's database, in the buyer's
    stage, named with its setting; bw2calc on the written databases gives the hand value."""
    base = ws.catalog.models["lamp"]
    method = ws.catalog.methods["ipcc-ar5-gwp100"].name
    with current_project(PROJECT):
        node = bd.get_node(database=base.database, code=f"{PROCESS}@lighting")
        assert node["name"].endswith("(years_of_use = 30 year)")
        lca = bc.LCA({bd.get_node(database=base.database, code="lamp"): 1}, method=method)
        lca.lci()
        lca.lcia()
        assert lca.score == pytest.approx(total(30, 30), rel=1e-6)  # float32 storage
    instance = base.activity(f"{PROCESS}@lighting")
    assert instance.stage == "use" and instance.meta["instance_of"].endswith(PROCESS)


def test_scenarios_set_the_parameter_directly_or_through_the_model(ws, data):
    result = ws.model("lamp").compare(scenario_dir=data.parent / "scenarios", n=100, seed=1)
    found = {s["scenario"]: s["deterministic"] for s in result.to_dict()["groups"][0]["scenarios"]}
    assert found["baseline"] == pytest.approx(total(30, 30), rel=1e-12)
    assert found["grid25"] == pytest.approx(total(30, 25), rel=1e-12)
    assert found["life40"] == pytest.approx(total(40, 40), rel=1e-12)


def test_the_monte_carlo_draws_the_instance_factor(ws):
    """The process's lognormal (gsd 1.15) around its value at 30 years: the median."""
    summary = ws.model("lamp").monte_carlo(n=4000, seed=3).to_dict()["total"]
    assert summary["median"] == pytest.approx(total(30, 30), rel=0.02)


@pytest.mark.parametrize(
    "setting, message",
    [
        ("{years: service_life}", "has no parameter 'years' (its parameters: factor_2023"),
        ("{n_years: {value: 30, unit: dimensionless}}", "'n_years' of process"),
        ("{years_of_use: 30}", "expected a text or a mapping"),  # a number needs its unit
        ("{years_of_use: power}", "(the parameter is in year)"),
        ("{years_of_use: {value: 30, unit: kWh}}", "(the parameter is in year)"),
        ("{years_of_use: {value: 0, unit: year}}", "with these values"),
    ],
)
def test_bad_settings_are_refused_in_one_line(tmp_path, capsys, setting, message):
    model = MODEL.replace("process_parameters: {years_of_use: service_life}",
                          f"process_parameters: {setting}")  # fmt: skip
    data = lamp_data(tmp_path, model)
    capsys.readouterr()
    code = main(["lcia", "lamp", "--data", str(data), "--project", PROJECT])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1, err
    assert message in err and "lighting" in err and "para.yaml" in err


def test_a_process_without_parameters_is_refused(tmp_path, capsys):
    model = MODEL.replace(f"input: {PROCESS}, formula", "input: electricity_cn_national_2022, "
                          "formula", 1)  # fmt: skip
    data = lamp_data(tmp_path, model)
    capsys.readouterr()
    code = main(["lcia", "lamp", "--data", str(data), "--project", PROJECT])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "declares no parameters to set" in err and "lighting" in err
