"""A model linked to a database cfp_lca did not write: exported with bw2io, imported with
`import_database`, linked by name and by code, computed with cfp_lca's AR6 method; the total
equals the hand calculation and plain bw2calc. Ambiguous names and wrong units are clear
errors naming the file and the entry."""

import math
from pathlib import Path

import bw2calc as bc
import bw2data as bd
import pytest

pytest.importorskip("bw2io")

from cfp_lca import api  # noqa: E402
from cfp_lca.brightway.importing import import_database  # noqa: E402
from cfp_lca.errors import InputError  # noqa: E402

# AR6 GWP100 (IPCC AR6 WG1 Table 7.15): CO2 1, fossil CH4 29.8, N2O 273
CO2, CH4, N2O = 1.0, 29.8, 273.0
# steel: 1.8 kg CO2 + 0.002 kg CH4 + 0.5 kWh; power (CN): 0.6 kg CO2 + 1e-5 kg N2O per kWh
POWER = 0.6 * CO2 + 1e-5 * N2O
STEEL = 1.8 * CO2 + 0.002 * CH4 + 0.5 * POWER
TOTAL = 10 * STEEL + 2 * POWER  # 10 kg steel and 2 kWh per bench
SIGMA = 0.1  # the steel's CO2: lognormal around 1.8 (its median), the only uncertain amount


def _flow(name: str, *categories: str) -> dict:
    return {"name": name, "unit": "kilogram", "categories": categories, "type": "emission"}


def _process(name: str, product: str, unit: str, location: str, exchanges: list) -> dict:
    return {"name": name, "reference product": product, "unit": unit, "location": location,
            "type": "process", "exchanges": exchanges}  # fmt: skip


@pytest.fixture()
def project(tmp_path):
    """Project with a biosphere 'bio3' and 'ext', imported with bw2io from its Excel export."""
    from bw2io.export.excel import write_lci_excel

    previous = bd.projects.current
    name = f"linked-{tmp_path.name}"
    bd.projects.set_current(name)
    bd.Database("bio3").write(
        {
            ("bio3", "co2"): _flow("Carbon dioxide, fossil", "air", "urban air close to ground"),
            ("bio3", "ch4"): _flow("Methane, fossil", "air"),
            ("bio3", "n2o"): _flow("Dinitrogen monoxide", "air"),
        }
    )
    bd.Database("src").write(
        {
            ("src", "steel"): _process("steel production", "steel", "kilogram", "CN", [
                {"input": ("src", "steel"), "type": "production", "amount": 1.0},
                {"input": ("src", "power-cn"), "type": "technosphere", "amount": 0.5},
                {"input": ("bio3", "co2"), "type": "biosphere", "amount": 1.8,
                 "uncertainty type": 2, "loc": math.log(1.8), "scale": SIGMA},
                {"input": ("bio3", "ch4"), "type": "biosphere", "amount": 0.002},
            ]),
            ("src", "power-cn"): _process("electricity production", "electricity",
                                          "kilowatt hour", "CN", [
                {"input": ("src", "power-cn"), "type": "production", "amount": 1.0},
                {"input": ("bio3", "co2"), "type": "biosphere", "amount": 0.6},
                {"input": ("bio3", "n2o"), "type": "biosphere", "amount": 1e-5},
            ]),
            ("src", "power-de"): _process("electricity production", "electricity",
                                          "kilowatt hour", "DE", [
                {"input": ("src", "power-de"), "type": "production", "amount": 1.0},
                {"input": ("bio3", "co2"), "type": "biosphere", "amount": 0.4},
            ]),
        }
    )  # fmt: skip
    import_database(write_lci_excel("src"), "excel", name="ext", link_to=["bio3"])
    power = bd.get_node(database="ext", name="electricity production", location="CN")["code"]
    yield name, power
    bd.projects.set_current(previous)


def _model(folder: Path, steel: str, power: str) -> Path:
    """A data folder holding only a foreground file: a bench of 10 kg steel and 2 kWh."""
    folder.mkdir()
    (folder / "bench.yaml").write_text(
        f"""\
model: bench
database: cfp-bench
name: garden bench (linked)
functional_unit: {{amount: 1, unit: unit, description: "1 bench"}}
reference_activity: bench
method: ipcc-ar6-gwp100
backgrounds: [ext]
stages:
  - {{code: making, name: making}}
activities:
  - code: bench
    name: bench
    inputs:
      - {{input: frame, amount: {{value: 1, unit: unit}}, source: structure}}
  - code: frame
    name: frame, welded
    stage: making
    inputs:
      - input: {steel}
        amount: {{value: 10, unit: kg}}
        source: "drawing"
        uncertainty: {{distribution: none}}
      - input: {power}
        amount: {{value: 2, unit: kWh}}
        source: "meter"
        uncertainty: {{distribution: none}}
""",
        encoding="utf-8",
    )
    return folder


STEEL_BY_NAME = '{database: ext, name: "steel production", location: CN, unit: kg}'


def test_linked_model_computes_with_cfp_methods_as_plain_bw2calc(project, tmp_path):
    name, power = project
    folder = _model(
        tmp_path / "bench", STEEL_BY_NAME, f"{{database: ext, code: {power}, unit: kWh}}"
    )
    model = api.load(folder, project=name).model("bench")
    result = model.lcia()
    # float64 amounts: the hand value to float64 rounding, not float32
    assert result.total == pytest.approx(TOTAL, rel=1e-12)
    by_flow = {row["code"]: row["value"] for row in result.to_dict()["by_flow"]}
    assert sum(by_flow.values()) == pytest.approx(TOTAL, rel=1e-12)
    # the linked database's own lognormals drive a background Monte Carlo
    mc = model.monte_carlo(n=2000, seed=1, sources="background").to_dict()
    # total = rest + 18 X, X ~ LN(0, SIGMA): sd 18 sqrt((e^s2 - 1) e^s2), median TOTAL
    sd = 18 * math.sqrt((math.exp(SIGMA**2) - 1) * math.exp(SIGMA**2))
    assert mc["valid"] == 2000
    assert mc["total"]["std"] == pytest.approx(sd, rel=0.1)
    assert mc["total"]["median"] == pytest.approx(TOTAL, abs=4 * sd / math.sqrt(2000) * 1.25)
    # plain bw2calc on the written database, with AR6 factors on bio3 written here
    bd.projects.set_current(name)
    bd.Method(("test", "ar6")).write(
        [(("bio3", "co2"), CO2), (("bio3", "ch4"), CH4), (("bio3", "n2o"), N2O)]
    )
    lca = bc.LCA({bd.get_node(database="cfp-bench", code="bench"): 1}, method=("test", "ar6"))
    lca.lci()
    lca.lcia()
    assert lca.score == pytest.approx(result.total, rel=1e-6)  # bw2data stores float32


def test_an_ambiguous_name_lists_the_candidates(project, tmp_path):
    name, _ = project
    link = '{database: ext, name: "electricity production", unit: kWh}'
    folder = _model(tmp_path / "bench", STEEL_BY_NAME, link)
    with pytest.raises(InputError, match="2 activities of 'ext' match") as err:
        api.load(folder, project=name)
    assert "bench.yaml" in str(err.value) and "CN" in str(err.value) and "DE" in str(err.value)


def test_a_wrong_unit_is_refused_before_writing(project, tmp_path):
    name, power = project
    folder = _model(
        tmp_path / "bench", STEEL_BY_NAME, f"{{database: ext, code: {power}, unit: MJ}}"
    )
    workspace = api.load(folder, project=name)
    with pytest.raises(InputError, match="per kilowatt hour .*not per MJ"):
        workspace.model("bench").lcia()
    bd.projects.set_current(name)
    assert "cfp-bench" not in bd.databases
