"""The IPCC GWP100 gas data: databases/sources/ipcc-gwp100.csv, the flows and factors
tools/gas_data.py writes from it, and databases/synonyms.yaml.

1. Values typed here by hand from the IPCC tables equal the method files.
2. Every factor names a flow, every synonym a flow (or null); CAS numbers, flow names and
   synonyms are unique once names are compared as cfp_lca compares them.
3. tools/gas_data.py, run on a copy whose generated parts are cut off, writes back the committed
   files exactly: the generator and the data agree.
4. Flow names as USLCI and biosphere3 spell them resolve to the intended flow.

Only the repository's files are read.
"""

from __future__ import annotations

import csv
import importlib.util
import re
import shutil
import unicodedata
from functools import cache
from pathlib import Path

import pytest
import yaml

from conftest import DATA, REPO

AR6, AR5, AR5_FB = "ipcc-ar6-gwp100", "ipcc-ar5-gwp100", "ipcc-ar5-gwp100-fb"
METHODS = (AR6, AR5, AR5_FB)
CSV_PATH = DATA / "sources" / "ipcc-gwp100.csv"
TOOL = REPO / "tools" / "gas_data.py"
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# (method, flow) -> GWP100 typed from the tables, row named in the comment
SPOT = {
    # IPCC AR6 WG1 Table 7.SM.7, column GWP-100
    (AR6, "cfc11"): 6230,  # row CFC-11 (as corrected by the authors; Table 7.15: 6226)
    (AR6, "cfc12"): 12500,  # row CFC-12 (as corrected by the authors)
    (AR6, "hcfc22"): 1960,  # row HCFC-22
    (AR6, "hcfc141b"): 860,  # row HCFC-141b
    (AR6, "hcfc142b"): 2300,  # row HCFC-142b
    (AR6, "hfc227ea"): 3600,  # row HFC-227ea
    (AR6, "hfc236fa"): 8690,  # row HFC-236fa
    (AR6, "hfc245fa"): 962,  # row HFC-245fa
    (AR6, "hfc365mfc"): 914,  # row HFC-365mfc
    (AR6, "hfc4310mee"): 1600,  # row HFC-43-10mee
    (AR6, "halon1301"): 7200,  # row Halon-1301
    (AR6, "halon1211"): 1930,  # row Halon-1211
    (AR6, "ccl4"): 2200,  # row Carbon tetrachloride
    (AR6, "ch3ccl3"): 161,  # row Methyl chloroform
    (AR6, "ch3cl"): 5.54,  # row Methyl chloride
    (AR6, "chcl3"): 20.6,  # row Chloroform
    (AR6, "c3f8"): 9290,  # row PFC-218
    (AR6, "c_c4f8"): 10200,  # row PFC-C-318
    (AR6, "so2f2"): 4630,  # row Sulfuryl fluoride
    (AR6, "sf5cf3"): 18500,  # row SF5CF3
    (AR6, "hfo1234yf"): 0.501,  # row HFO-1234yf
    (AR6, "n_hfe7100"): 544,  # row n-HFE-7100
    (AR6, "hg04"): 4380,  # row HG-04
    (AR6, "siloxane_d4"): 0.739,  # row Octamethylcyclotetrasiloxane
    (AR6, "ethane"): 0.437,  # row Ethane
    (AR6, "sf6"): 25200,  # row SF6 (hand-written factor, unchanged)
    # IPCC AR5 WG1 Table 8.A.1, column GWP100 (no climate-carbon feedback)
    (AR5, "cfc11"): 4660,  # row CFC-11
    (AR5, "cfc12"): 10200,  # row CFC-12
    (AR5, "hcfc22"): 1760,  # row HCFC-22
    (AR5, "hcfc141b"): 782,  # row HCFC-141b
    (AR5, "hfc227ea"): 3350,  # row HFC-227ea
    (AR5, "hfc236fa"): 8060,  # row HFC-236fa
    (AR5, "hfc245fa"): 858,  # row HFC-245fa
    (AR5, "halon1301"): 6290,  # row Halon-1301
    (AR5, "ccl4"): 1730,  # row Carbon tetrachloride
    (AR5, "ch3cl"): 12,  # row Methyl chloride
    (AR5, "c3f8"): 8900,  # row PFC-218
    (AR5, "c_c4f8"): 9540,  # row PFC-318
    (AR5, "sf5cf3"): 17400,  # row (Trifluoromethyl) sulphur pentafluoride
    (AR5, "hfe134"): 5560,  # row HFE-134 (HG-00)
    (AR5, "pfpmie"): 9710,  # row PFPMIE
    (AR5, "hg02"): 2730,  # row HG-02
    (AR5, "c_c3f6"): 9200,  # row PFC-c216 (not in AR6)
    (AR5, "nf3"): 16100,  # row Nitrogen trifluoride (hand-written factor, unchanged)
    # IPCC AR5 WG1 Table 8.SM.16, GWP100 with climate-carbon feedback
    (AR5_FB, "cfc11"): 5352,  # row CFC-11
    (AR5_FB, "hcfc22"): 2106,  # row HCFC-22
    (AR5_FB, "hfc245fa"): 1032,  # row HFC-245fa
    (AR5_FB, "halon1301"): 7154,  # row Halon-1301
    (AR5_FB, "ccl4"): 2019,  # row CCl4
    (AR5_FB, "c3f8"): 9878,  # row PFC-218
    (AR5_FB, "so2f2"): 4732,  # row SO2F2
    (AR5_FB, "hfe125"): 13951,  # row HFE-125
    (AR5_FB, "hfc23"): 13856,  # row HFC-23 (hand-written factor, unchanged)
}
# gases a table gives no number: AR5 Table 8.A.1 prints '<1' for HFO-1234yf; AR6-only gases
ABSENT = {(AR5, "hfo1234yf"), (AR5_FB, "hfo1234yf"), (AR5, "cfc112"), (AR5, "hfo1123")}

# names as USLCI (EcoSpold2, openLCA JSON-LD) and biosphere3 spell them -> flow (None: mixture)
DATABASE_NAMES = {
    "Carbon dioxide, fossil ": "co2_fossil",
    "carbon dioxide": "co2_fossil",
    "Carbon dioxide [Inorganic emissions to air]": "co2_fossil",
    "Carbon dioxide, biogenic": "co2_non_fossil",
    "Carbon dioxide, land transformation": "co2_luc",
    "Carbon dioxide, in air": "co2_biogenic_uptake",
    "Methane": "ch4_fossil",
    "Methane [Organic emissions to air]": "ch4_fossil",
    "Methane, biogenic": "ch4_non_fossil",
    "Nitrous oxide": "n2o",
    "Nitrous oxide (laughing gas) [Inorganic emissions to air]": "n2o",
    "Methane, tetrafluoro-, FC-14": "cf4",
    "Methane, tetrafluoro-, CFC-14": "cf4",
    "Methane, difluromonochloro-, HCFC-22": "hcfc22",
    "Ethane, 1,1,1-trifluoro-2,2-dichloro-, HCFC-123": "hcfc123",
    "1,1,1,3,3-Pentafluoropropane, HFC-245fa": "hfc245fa",
    "Ethane, trifluoro-, HFC-143": "hfc143",
    "Methane, monochloro-, R-40": "ch3cl",
    "Methane, dichloro-, HCC-30": "ch2cl2",
    "Methane, tetrachloro-, CFC-10": "ccl4",
    "Ethane, 1,1,1-trichloro-, HCFC-140": "ch3ccl3",
    "Chloroform": "chcl3",
    "Methane, bromo-, Halon 1001": "ch3br",
    "Methane, bromochlorodifluoro-, Halon 1211": "halon1211",
    "Methane, bromotrifluoro-, Halon 1301": "halon1301",
    "Ethane, hexafluoro-, HFC-116": "c2f6",
    "Nitrogen fluoride": "nf3",
    "Sulfur hexafluoride": "sf6",
    "CFCs, unspecified": None,
    "Perfluorocarbons, unspecified": None,
    "PFC (perfluorocarbons)": None,
    "HFCs and HCFCs, unspecified": None,
    "CFCs and HCFCs, unspecified": None,
    "Chlorinated fluorocarbons and hydrochlorinated fluorocarbons, unspecified": None,
}
ORIGIN_VARIANTS = {"124-38-9": "co2_", "74-82-8": "ch4_"}  # CO2 and CH4: one CAS, several flows


def _read(path: Path) -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=LOADER)  # noqa: S506


def norm(name: str) -> str:
    """A name as cfp_lca compares names: case, spaces, punctuation and a trailing
    bracketed category ignored."""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = re.sub(r"\s*\[[^\]]*\]\s*$", "", text)
    return re.sub(r"[^0-9a-z]+", "", text)


@cache
def flows() -> dict[str, dict]:
    return {f["code"]: f for f in _read(DATA / "flows.yaml")["flows"]}


@cache
def factors() -> dict[str, dict[str, dict]]:
    return {
        m: {f["flow"]: f for f in _read(DATA / "methods" / f"{m}.yaml")["factors"]} for m in METHODS
    }


@cache
def synonyms() -> list[dict]:
    return _read(DATA / "synonyms.yaml")["synonyms"]


@cache
def gases() -> list[dict[str, str]]:
    with CSV_PATH.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


@pytest.mark.parametrize(("method", "code"), sorted(SPOT))
def test_values_typed_from_the_ipcc_tables(method, code):
    factor = factors()[method][code]
    assert factor["value"] == SPOT[(method, code)]
    assert factor["unit"] == "kg CO2e / kg"


def test_a_table_without_a_value_gives_no_factor():
    for method, code in ABSENT:
        assert code in flows()
        assert code not in factors()[method], (method, code)


def test_the_csv_covers_both_tables_and_says_where_each_value_comes_from():
    rows = gases()
    assert len(rows) == len({r["code"] for r in rows})
    assert sum(1 for r in rows if r["ar6_gwp100"]) == 249  # rows of Table 7.SM.7
    assert sum(1 for r in rows if r["ar5_source"] != "not in AR5 Table 8.A.1") == 204
    for r in rows:
        for column, source in (
            ("ar6_gwp100", "ar6_source"),
            ("ar5_gwp100", "ar5_source"),
            ("ar5_gwp100_ccf", "ar5_ccf_source"),
        ):
            assert r[source].strip(), (r["code"], source)
            if r[column]:
                float(r[column])
                assert (
                    re.search(r"@[0-9a-f]{7} \S+ line \d+", r[source]) or r["code"] == "co2_fossil"
                )
        assert r["cas_source"].strip(), r["code"]


def test_hand_written_factors_agree_with_the_csv():
    columns = {AR6: "ar6_gwp100", AR5: "ar5_gwp100", AR5_FB: "ar5_gwp100_ccf"}
    for r in gases():
        if r["code"] in ("ch4_non_fossil", "ch4_fossil"):
            continue  # methane: Table 7.15's fossil and non-fossil values, hand-written
        for method, column in columns.items():
            factor = factors()[method].get(r["code"])
            if r[column]:
                assert factor is not None and factor["value"] == float(r[column]), (method, r)
            else:
                assert factor is None, (method, r["code"])


def test_every_factor_and_synonym_names_a_flow():
    for method in METHODS:
        assert set(factors()[method]) <= set(flows()), method
    for s in synonyms():
        assert s["flow"] is None or s["flow"] in flows(), s
        assert s["source"].strip(), s


def test_no_two_flows_share_a_cas_but_the_origin_variants():
    by_cas: dict[str, list[str]] = {}
    for code, f in flows().items():
        if f.get("cas"):
            by_cas.setdefault(str(f["cas"]), []).append(code)
    for cas, codes in by_cas.items():
        if len(codes) > 1:
            prefix = ORIGIN_VARIANTS.get(cas)
            assert prefix and all(c.startswith(prefix) for c in codes), (cas, codes)


def test_names_and_synonyms_are_unique_as_compared():
    own = [norm(f["name"]) for f in flows().values()]
    assert len(own) == len(set(own))
    seen: dict[str, str | None] = {}
    for s in synonyms():
        key = norm(s["name"])
        assert key not in seen, f"{s['name']!r} given twice"
        seen[key] = s["flow"]
        assert key not in own, f"{s['name']!r} is a flow's own name"


def _resolve(name: str) -> str | None:
    """The flow a database's name denotes: its own name, a synonym, else a designation
    that is one comma-separated part of it."""
    own = {norm(f["name"]): code for code, f in flows().items()}
    table = {norm(s["name"]): s["flow"] for s in synonyms()}
    key = norm(name)
    if key in own:
        return own[key]
    if key in table:
        return table[key]
    hits = {table[norm(p)] for p in name.split(",")[1:] if norm(p) in table}
    assert len(hits) == 1, (name, hits)
    return hits.pop()


@pytest.mark.parametrize("name", sorted(DATABASE_NAMES))
def test_database_names_resolve_to_the_intended_flow(name):
    assert _resolve(name) == DATABASE_NAMES[name]


def test_the_generator_reproduces_the_committed_files(tmp_path):
    spec = importlib.util.spec_from_file_location("gas_data", TOOL)
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    paths = [tool.CSV, tool.FLOWS, *tool.METHODS]
    for rel in paths:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO / rel, tmp_path / rel)
    for rel in [tool.FLOWS, *tool.METHODS]:  # cut the generated parts off
        text = (tmp_path / rel).read_text(encoding="utf-8")
        assert tool.MARKER in text, rel
        (tmp_path / rel).write_text(text.split(tool.MARKER)[0], encoding="utf-8")
    assert tool.main(["--root", str(tmp_path)]) == 0
    for rel in [tool.FLOWS, *tool.METHODS]:
        assert (tmp_path / rel).read_text(encoding="utf-8") == (REPO / rel).read_text(
            encoding="utf-8"
        ), rel
    assert tool.main(["--root", str(tmp_path), "--check"]) == 0
