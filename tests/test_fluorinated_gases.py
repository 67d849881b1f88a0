"""Fluorinated gases (HFCs, PFCs, NF3) and land-use-change methane, as bw2io's biosphere3 names
them, characterized by the three GWP100 methods.

1. Every flow of flows.yaml whose formula holds fluorine has a factor in kg CO2e / kg in each
   method, and its AR6 and AR5 values differ (they do for every F-gas).
2. Every flow (the pre-characterized CO2e aside) is a biosphere3 flow: the same name, top-level
   compartment and CAS number in the ecoinvent elementary-flow list bw2io ships, read directly.
3. A handful of values typed here from the IPCC tables equal the method files.
4. A real Brightway calculation: a model linked to a database cfp_lca did not write, whose
   biosphere uses biosphere3 names, is computed with cfp_lca's AR6 and AR5 methods.
"""

from __future__ import annotations

import functools
import importlib.util
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from test_linked_model import STEEL_BY_NAME, _flow, _model, _process

from conftest import DATA

METHODS = ("ipcc-ar6-gwp100", "ipcc-ar5-gwp100", "ipcc-ar5-gwp100-fb")
UNIT = "kg CO2e / kg"
ADDED = ("hfc23", "hfc32", "hfc125", "hfc143a", "hfc152a", "c2f6", "c5f12", "nf3", "ch4_luc")
ORIGINAL = ("co2_fossil", "co2_non_fossil", "co2_biogenic_uptake", "co2_luc", "ch4_fossil",
            "ch4_non_fossil", "n2o", "sf6", "cf4", "hfc134a")  # fmt: skip

# GWP100 typed from the tables: IPCC AR6 WG1 Table 7.SM.7 (CH4: Table 7.15) and IPCC AR5 WG1
# Table 8.A.1 (without climate-carbon feedback).
HFC32_AR6, HFC32_AR5 = 771, 677
C2F6_AR6, C2F6_AR5 = 12400, 11100
SPOT = {
    ("ipcc-ar6-gwp100", "hfc32"): HFC32_AR6,
    ("ipcc-ar6-gwp100", "hfc125"): 3740,
    ("ipcc-ar6-gwp100", "hfc143a"): 5810,
    ("ipcc-ar6-gwp100", "hfc23"): 14600,
    ("ipcc-ar6-gwp100", "nf3"): 17400,
    ("ipcc-ar6-gwp100", "c2f6"): C2F6_AR6,
    ("ipcc-ar6-gwp100", "ch4_luc"): 29.8,  # fossil methane
    ("ipcc-ar5-gwp100", "hfc32"): HFC32_AR5,
    ("ipcc-ar5-gwp100", "hfc125"): 3170,
    ("ipcc-ar5-gwp100", "hfc143a"): 4800,
    ("ipcc-ar5-gwp100", "hfc23"): 12400,
    ("ipcc-ar5-gwp100", "nf3"): 16100,
    ("ipcc-ar5-gwp100", "c2f6"): C2F6_AR5,
}


def _read(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


FLOWS = {f["code"]: f for f in _read(DATA / "flows.yaml")["flows"]}
FACTORS = {
    m: {f["flow"]: f for f in _read(DATA / "methods" / f"{m}.yaml")["factors"]} for m in METHODS
}
FLUORINATED = sorted(c for c, f in FLOWS.items() if "F" in str(f.get("formula") or ""))


@functools.cache
def _biosphere3() -> dict[tuple[str, str], set[str]]:
    """(lower-case name, top-level compartment) -> CAS numbers (leading zeros stripped) of the
    ecoinvent elementary flows bw2io builds biosphere3 from."""
    spec = importlib.util.find_spec("bw2io")
    if spec is None or spec.origin is None:
        pytest.skip("bw2io is not installed")
    path = Path(spec.origin).parent / "data" / "lci" / "ecoinvent elementary flows 3.9.xml"
    ns = {"e": "http://www.EcoInvent.org/EcoSpold02"}
    out: dict[tuple[str, str], set[str]] = {}
    for flow in ET.parse(path).getroot().iterfind("e:elementaryExchange", ns):
        key = (
            flow.findtext("e:name", "", ns).lower(),
            flow.findtext("e:compartment/e:compartment", "", ns),
        )
        cas = (flow.get("casNumber") or "").lstrip("0")
        out.setdefault(key, set()).add(cas)
    return out


def test_the_added_flows_are_fluorinated_or_land_use_methane():
    assert set(ADDED) <= set(FLOWS)
    assert set(ADDED) - {"ch4_luc"} | {"sf6", "cf4", "hfc134a"} <= set(FLUORINATED)
    assert all(FLOWS[c]["group"] == "fossil" for c in FLUORINATED)
    assert FLOWS["ch4_luc"]["group"] == "land_use_change"


# The gases the source table of each method gives a GWP100 for (databases/sources: blank where
# the table prints none, "<1", or the gas is not in it): a method characterizes exactly those.
TABLE_COLUMN = {"ipcc-ar6-gwp100": "ar6_gwp100", "ipcc-ar5-gwp100": "ar5_gwp100",
                "ipcc-ar5-gwp100-fb": "ar5_gwp100_ccf"}  # fmt: skip


@functools.cache
def _table() -> dict[str, dict]:
    import csv

    text = (DATA / "sources" / "ipcc-gwp100.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return {r["code"]: r for r in rows}


@pytest.mark.parametrize("code", FLUORINATED)
def test_every_fluorinated_gas_has_a_factor_where_its_table_gives_one(code):
    values = {}
    for method in METHODS:
        factor = FACTORS[method].get(code)
        given = _table().get(code, {}).get(TABLE_COLUMN[method], "")
        if code not in ADDED and code not in ("sf6", "cf4", "hfc134a") and not given:
            assert factor is None, f"{method}: a factor for {code}, which its table lacks"
            continue
        assert factor is not None, f"{method}: no factor for {code}"
        assert factor["unit"] == UNIT and factor["value"] >= 0, f"{method} > {code}"
        assert factor["source"].strip(), f"{method} > {code}: no source"
        values[method] = factor["value"]
    if {"ipcc-ar6-gwp100", "ipcc-ar5-gwp100"} <= set(values) and code in ADDED:
        assert values["ipcc-ar6-gwp100"] != values["ipcc-ar5-gwp100"], code


@pytest.mark.parametrize("code", ADDED)
def test_every_added_flow_has_its_unit_in_every_method(code):
    for method in METHODS:
        assert FACTORS[method][code]["unit"] == UNIT, f"{method} > {code}"


@pytest.mark.parametrize(
    "code", sorted(c for c, f in FLOWS.items() if f["group"] != "precharacterized")
)
def test_every_flow_is_named_as_biosphere3_names_it_where_it_has_it(code):
    """A flow biosphere3 has (the original ones, and every gas whose CAS number it lists)
    carries biosphere3's name and CAS number; the others, gases biosphere3 lacks, carry the
    IPCC table's name."""
    flow = FLOWS[code]
    key = (flow["name"].lower(), flow["categories"][0])
    cas = _biosphere3().get(key)
    listed = any(str(flow.get("cas")) in c for k, c in _biosphere3().items() if k[1] == "air")
    if code in ADDED or code in ORIGINAL or (flow.get("cas") and listed and cas is not None):
        assert cas is not None, f"{code}: {key} is not in biosphere3"
        assert str(flow["cas"]) in cas, f"{code}: CAS {flow['cas']}, biosphere3 has {cas}"
    else:
        assert cas is None or str(flow.get("cas")) in cas, code


@pytest.mark.parametrize(("method", "code"), sorted(SPOT))
def test_spot_values_from_the_ipcc_tables(method, code):
    assert FACTORS[method][code]["value"] == SPOT[(method, code)]


def test_land_use_methane_counts_as_fossil_methane():
    for method in METHODS:
        assert FACTORS[method]["ch4_luc"]["value"] == FACTORS[method]["ch4_fossil"]["value"]


# ---------------------------------------------------------------- real Brightway calculation

HFC32_PER_KG = 0.5  # kg HFC-32 per kg of the "steel" (the linked process)
C2F6_PER_KWH = 1e-3  # kg C2F6 per kWh of the linked power


@pytest.fixture()
def fgas_project(tmp_path):
    """Project with a biosphere3-like database ('bio3') and a database 'ext' written with
    bw2data: its "steel" emits HFC-32 to air, its power C2F6 to an air subcompartment."""
    import bw2data as bd

    previous = bd.projects.current
    name = f"fgas-{tmp_path.name}"
    bd.projects.set_current(name)
    bd.Database("bio3").write(
        {
            ("bio3", "hfc32"): _flow("Methane, difluoro-, HFC-32", "air"),
            ("bio3", "c2f6"): _flow(
                "Ethane, hexafluoro-, HFC-116", "air", "non-urban air or from high stacks"
            ),
        }
    )
    bd.Database("ext").write(
        {
            ("ext", "steel"): _process("steel production", "steel", "kilogram", "CN", [
                {"input": ("ext", "steel"), "type": "production", "amount": 1.0},
                {"input": ("bio3", "hfc32"), "type": "biosphere", "amount": HFC32_PER_KG},
            ]),
            ("ext", "power"): _process("electricity production", "electricity",
                                       "kilowatt hour", "CN", [
                {"input": ("ext", "power"), "type": "production", "amount": 1.0},
                {"input": ("bio3", "c2f6"), "type": "biosphere", "amount": C2F6_PER_KWH},
            ]),
        }
    )  # fmt: skip
    yield name
    bd.projects.set_current(previous)


@pytest.mark.parametrize(
    ("method", "hfc32", "c2f6"),
    [("ipcc-ar6-gwp100", HFC32_AR6, C2F6_AR6), ("ipcc-ar5-gwp100", HFC32_AR5, C2F6_AR5)],
)
def test_a_linked_model_emitting_f_gases_is_characterized(
    fgas_project, tmp_path, method, hfc32, c2f6
):
    from cfp_lca import api

    folder = _model(tmp_path / "bench", STEEL_BY_NAME, "{database: ext, code: power, unit: kWh}")
    result = api.load(folder, project=fgas_project).model("bench").lcia(method)
    # the bench: 10 kg "steel" and 2 kWh
    expected = 10 * HFC32_PER_KG * hfc32 + 2 * C2F6_PER_KWH * c2f6
    assert result.total == pytest.approx(expected, rel=1e-9)
