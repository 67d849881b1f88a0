"""The Python API: load, compute, results as dicts and pandas DataFrames, on a small model
written here (a folder holding only its model file), in real Brightway projects."""

from __future__ import annotations

import pandas as pd
import pytest

from cfp_lca import api
from cfp_lca.errors import InputError

# the commands here switch Brightway's current project: switched back after the module
pytestmark = pytest.mark.usefixtures("restore_project")


PROJECT = "cfp_api"
# One stage: 2 kWh of grid electricity (life cycle 2023, 0.6205 kg CO2e/kWh) and 1 kg of fossil
# CO2 emitted on site (GWP 1): 2.241 kg CO2e by hand.
TINY = """\
model: tiny
database: cfp-tiny
name: tiny product
functional_unit: {amount: 1, unit: unit, description: one tiny product}
reference_activity: make
method: ipcc-ar5-gwp100
backgrounds: [cfp-china-background]
options:
  site_fuel: {default: true, choices: [true, false], description: burn fuel on site}
stages: [{code: making, name: Making}]
activities:
  - code: make
    name: making the product
    stage: making
    parameters:
      power:
        {value: 2, unit: kWh, source: meter (test), uncertainty: {distribution: normal, cv: 0.1}}
    inputs:
      - {input: electricity_cn_lifecycle_2023, formula: power, unit: kWh, source: meter (test)}
    emissions:
      - flow: co2_fossil
        amount: {value: 1, unit: kg}
        uncertainty: {distribution: normal, cv: 0.05}
        when: {site_fuel: true}
        source: fuel bought (test)
"""
TOTAL = 2 * 0.6205 + 1.0


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """The tiny model's folder, loaded (nothing written yet)."""
    folder = tmp_path_factory.mktemp("api") / "tiny"
    folder.mkdir()
    (folder / "tiny.yaml").write_text(TINY, encoding="utf-8")
    scenarios = folder / "scenarios" / "tiny"
    scenarios.mkdir(parents=True)
    (scenarios / "baseline.yaml").write_text(
        "scenario: baseline\nmodel: tiny\nname: base\n", encoding="utf-8"
    )
    (scenarios / "no-fuel.yaml").write_text(
        "scenario: no-fuel\nmodel: tiny\nname: no fuel\noptions: {site_fuel: false}\n",
        encoding="utf-8",
    )
    return api.load(folder, project=PROJECT)


def test_load_lists_models_and_libraries(workspace):
    """One model, the default; the shipped library below the folder."""
    assert workspace.models == ["tiny"]
    assert workspace.model().name == "tiny"
    assert [lib["role"] for lib in workspace.libraries] == ["library", "data"]
    assert workspace.libraries[1]["name"] == "tiny"


def test_lcia_as_dict_and_frame(workspace, capsys):
    """The total by hand, the stage table as a DataFrame, the gases; nothing on stdout."""
    result = workspace.model().lcia()
    assert result.total == pytest.approx(TOTAL, rel=1e-9)
    assert result.to_dict()["total"] == pytest.approx(TOTAL, rel=1e-9)
    frame = result.to_frame()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame["name"]) == ["Making"]
    assert frame["value"].sum() == pytest.approx(TOTAL, rel=1e-9)
    gases = result.to_frame("by_flow").set_index("code")["value"]
    assert gases["co2_fossil"] == pytest.approx(1.0)
    assert "by_flow" in result.tables()
    no_fuel = workspace.model().lcia(options={"site_fuel": False})
    assert no_fuel.total == pytest.approx(2 * 0.6205, rel=1e-9)
    assert capsys.readouterr().out == ""


def test_brightway_metadata_names_the_libraries(workspace):
    """The written foreground database records the library names and versions."""
    import bw2data as bd

    workspace.model().lcia()
    recorded = bd.databases["cfp-tiny"]["cfp_lca libraries"]
    assert [lib["name"] for lib in recorded] == ["cfp_lca-china", "tiny"]
    assert recorded[0]["version"] == workspace.libraries[0]["version"]


def test_monte_carlo_sensitivity_compare(workspace, tmp_path):
    """Statistics and samples as DataFrames; Spearman names the parameter; the scenario's
    change is the on-site CO2 (-1 kg); the report is written."""
    model = workspace.model()
    mc = model.monte_carlo(n=300, seed=1)
    stats = mc.to_frame()
    assert stats.loc["total", "deterministic"] == pytest.approx(TOTAL, rel=1e-9)
    assert mc.samples().shape == (300, len(mc.raw.labels))
    gsa = model.sensitivity(n=200, sobol_n=32)
    assert "power" in str(gsa.to_dict())
    assert gsa.tables()
    cmp = model.compare(n=200)
    rows = cmp.to_frame().set_index("scenario")
    assert rows.loc["no-fuel", "change"] == pytest.approx(-1.0, rel=1e-9)
    paths = model.report(tmp_path / "report", n=200, sobol_n=32)
    assert all(p.exists() for p in paths.values())


def test_errors_are_input_errors(workspace):
    """Unknown model, option, method and source: InputError naming what is wrong."""
    with pytest.raises(InputError, match="unknown model 'nope'"):
        workspace.model("nope")
    with pytest.raises(InputError, match="unknown option 'colour'"):
        workspace.model().lcia(options={"colour": "red"})
    with pytest.raises(InputError, match="unknown method 'gwp'"):
        workspace.model().lcia(method="gwp")
    with pytest.raises(InputError, match="unknown source"):
        workspace.model().monte_carlo(n=10, sources="soil")


def test_parsers():
    """Options, sources and thresholds as the command line writes them."""
    assert api.parse_options(["a=true", "b=cff"]) == {"a": True, "b": "cff"}
    assert api.parse_threshold("2%") == (0.02, True)
    assert api.parse_threshold("5") == (5.0, False)
    assert api.parse_sources("data") == ("foreground", "background", "characterization")
    assert api.parse_sources("all") == ("foreground", "background", "characterization",
                                        "assumptions")  # fmt: skip
    assert api.parse_sources("assumptions,foreground") == ("assumptions", "foreground")
    with pytest.raises(InputError):
        api.parse_options(["novalue"])
