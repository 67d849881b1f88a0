"""A real public database: excerpts of USLCI (tests/fixtures/uslci, how they were made in
make_fixtures.py) imported as a new user would, and a model linked to five of its
activities computed, checked against numbers derived independently:

- the files themselves (exchanges counted in the XML here) for the import's reconciliation;
- IPCC AR6 GWP100 values typed below from the published tables, applied to plain bw2calc's
  inventory of the same project, for the footprint (within 0.1 %) and its origin groups;
- plain bw2calc with cfp_lca's method in the project, for what Activity Browser users see.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path

import bw2calc as bc
import bw2data as bd
import numpy as np
import pytest

pytest.importorskip("bw2io")

from cfp_lca import api  # noqa: E402
from cfp_lca.cli import main  # noqa: E402
from cfp_lca.model.flownames import compartment, normalized_name  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures" / "uslci"
PROJECT = "uslci-test"
ROOTS = {  # the model's inputs: USLCI activity name -> kg per gadget
    "Aluminum, secondary, shape casted": 2.0,
    "Polyethylene, low density, resin, at plant": 1.0,
    "Corn, whole plant, at field": 3.0,
    "Wood Combusted, at boiler, at hardboard mill": 1.5,
    "Ethanol, denatured, corn stover, biochemical": 0.5,
}
# IPCC AR6 WG1 GWP100, typed from the published tables (Table 7.15 for CO2 and methane of
# fossil and non-fossil origin; Table 7.SM.7 for the others, as openclimatedata's
# globalwarmingpotentials.csv, column AR6GWP100, reproduces it), by the gas a flow name
# denotes. Biogenic CO2 and its uptake: 0 (ISO 14067 6.4.9.2, netted; cfp_lca's convention);
# unqualified CO2 and methane: fossil.
AR6 = {
    "carbon dioxide fossil": 1.0, "carbon dioxide": 1.0,
    "carbon dioxide biogenic": 0.0, "carbon dioxide in air": 0.0,
    "carbon dioxide land transformation": 1.0,
    "methane fossil": 29.8, "methane": 29.8, "methane biogenic": 27.0,
    "dinitrogen monoxide": 273.0, "nitrous oxide": 273.0,
    "methane tetrafluoro fc 14": 7380.0, "methane tetrafluoro cfc 14": 7380.0,
    "ethane hexafluoro hfc 116": 12400.0,
    "methane difluromonochloro hcfc 22": 1960.0, "methane chlorodifluoro hcfc 22": 1960.0,
    "methane trichlorofluoro cfc 11": 6230.0, "methane chlorotrifluoro cfc 13": 16200.0,
    "methane dichlorodifluoro cfc 12": 12500.0, "methane trifluoro hfc 23": 14600.0,
    "ethane 1 2 dichloro 1 1 2 2 tetrafluoro cfc 114": 9430.0,
    "sulfur hexafluoride": 25200.0, "nitrogen fluoride": 17400.0,
    "ethane 1 1 1 2 tetrafluoro hfc 134a": 1530.0, "ethane pentafluoro hfc 125": 3740.0,
    "methane difluoro hfc 32": 771.0, "ethane trifluoro hfc 143": 364.0,
    "1 1 1 3 3 pentafluoropropane hfc 245fa": 962.0,
    "methane tetrachloro cfc 10": 2200.0, "ethane 1 1 1 trichloro hcfc 140": 161.0,
}  # fmt: skip
BIOGENIC = ("biogenic", "in air")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _unzip(name: str, target: Path) -> Path:
    with zipfile.ZipFile(FIXTURES / name) as archive:
        archive.extractall(target)
    return target / name.removesuffix(".zip")


def _model_dir(root: Path) -> Path:
    folder = root / "gadget"
    folder.mkdir()
    inputs = "\n".join(
        f'      - {{input: {{database: uslci, name: "{name}", unit: kg}}, '
        f'amount: {{value: {kg}, unit: kg}}, source: "test", uncertainty: {{distribution: none}}}}'
        for name, kg in ROOTS.items()
    )
    (folder / "gadget.yaml").write_text(
        f"""\
model: gadget
database: cfp-gadget
name: gadget on USLCI
functional_unit: {{amount: 1, unit: unit, description: "1 gadget"}}
reference_activity: gadget
method: ipcc-ar6-gwp100
backgrounds: [uslci]
stages:
  - {{code: making, name: making}}
activities:
  - code: gadget
    name: gadget
    stage: making
    inputs:
{inputs}
""",
        encoding="utf-8",
    )
    return folder


@pytest.fixture(scope="module")
def uslci(tmp_path_factory, restore_project):
    """The ES2 excerpt imported into project PROJECT (multi-output datasets by their
    reference product, unlinked inputs cut and logged), and the gadget model's workspace."""
    from cfp_lca.brightway.importing import Options, import_database
    from cfp_lca.brightway.project import open_project

    root = tmp_path_factory.mktemp("uslci")
    es2 = _unzip("es2.zip", root)
    log = root / "import-log.csv"
    open_project(PROJECT)  # the import alone first: the model's links need its activities
    imported = import_database(es2, "ecospold2", "uslci", None,
                               Options("reference", cut_unlinked=True), log)  # fmt: skip
    done = {
        "technosphere": imported.technosphere,
        "biosphere": imported.biosphere,
        "activities": imported.activities,
        "reconciliation": imported.reconciliation,
    }
    workspace = api.load(_model_dir(root), PROJECT)
    return {"root": root, "es2": es2, "log": log, "done": done, "workspace": workspace,
            "data": ["--data", str(root / "gadget"), "--project", PROJECT]}  # fmt: skip


def _es2_counts(folder: Path) -> dict[str, int]:
    """Exchanges of the EcoSpold 2 files, counted in the XML: technosphere inputs, those the
    source marks CUTOFF or Dummy, by-products, elementary exchanges."""
    from lxml import etree

    ns = "{http://www.EcoInvent.org/EcoSpold02}"
    out = dict.fromkeys(("inputs", "marked", "byproducts", "elementary", "datasets"), 0)
    for file in folder.glob("*.spold"):
        root = etree.parse(str(file)).getroot()
        out["datasets"] += 1
        for x in root.iter(f"{ns}intermediateExchange"):
            group = x.find(f"{ns}outputGroup")
            name = x.find(f"{ns}name").text
            if group is None or group.text not in ("0", "2"):  # inputs, outputs to treatment
                out["inputs"] += 1
                out["marked"] += bool(re.match(r"\s*(cutoff|dummy)", name, re.I))
            elif group.text == "2" and float(x.get("amount")) != 0:
                out["byproducts"] += 1
        out["elementary"] += len(list(root.iter(f"{ns}elementaryExchange")))
    return out


def _log(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def test_import_reconciles_every_exchange_of_the_files(uslci):
    """What the project holds equals what the files hold less what the log lists."""
    files, done = _es2_counts(uslci["es2"]), uslci["done"]
    rows = _log(uslci["log"])
    kinds = {k: sum(r["kind"] == k for r in rows) for k in {r["kind"] for r in rows}}
    assert kinds["source cut-off"] == files["marked"]
    assert kinds["by-product dropped"] == files["byproducts"]
    assert done["technosphere"] == files["inputs"] - files["marked"] - kinds["cut"]
    assert done["biosphere"] == files["elementary"]
    assert done["activities"] == files["datasets"] == len(bd.Database("uslci"))
    written = sum(len(list(a.technosphere())) for a in bd.Database("uslci"))
    assert written == done["technosphere"]
    assert f"written, counted in the project: {written:,}" in done["reconciliation"][-1]
    # the source's invalid distributions (geometric sd 0 or 1 in openLCA's export) are
    # listed, not silently dropped by the reader
    assert kinds["uncertainty repaired"] > 0


def test_the_default_refuses_multi_output_datasets_in_one_line(uslci, capsys):
    uslci["workspace"].write()
    before = sorted(bd.databases)
    args = ["import", str(uslci["es2"]), "--format", "ecospold2", "--name", "again",
            *uslci["data"]]  # fmt: skip
    assert main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "multi-output datasets have no allocation factors" in err[0]
    assert "Polyethylene, low density, resin, at plant" in err[0]
    bd.projects.set_current(PROJECT)
    assert sorted(bd.databases) == before
    assert main([*args, "--multi-output", "reference"]) == 2  # now the unlinked inputs
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "technosphere inputs link to nothing" in err[0]
    assert "2 activities produce this flow" in err[0] or "no activity produces it" in err[0]


@pytest.mark.parametrize("fmt", ["jsonld", "ecospold1"])
def test_other_forms_of_the_release_import_or_refuse_in_one_line(uslci, fmt, tmp_path, capsys):
    """The openLCA JSON-LD export (a zip) and the EcoSpold 1 release (an XML file whose
    metadata bw2io's parser rejects) import with their counts reconciled."""
    path = FIXTURES / "jsonld.zip" if fmt == "jsonld" else _unzip("es1.zip", tmp_path)
    log = tmp_path / "log.csv"
    args = ["import", str(path), "--format", fmt, "--name", f"uslci-{fmt}", *uslci["data"],
            "--multi-output", "reference", "--cut-unlinked", "--log", str(log)]  # fmt: skip
    assert main(args) == 0
    out = capsys.readouterr().out.splitlines()
    start = next(k for k, ln in enumerate(out) if "technosphere inputs in the files" in ln)
    end = next(k for k, ln in enumerate(out) if "written, counted in the project" in ln)
    number = [int(ln.rsplit(": ", 1)[1].replace(",", "")) for ln in out[start : end + 1]]
    bd.projects.set_current(PROJECT)
    written = sum(len(list(a.technosphere())) for a in bd.Database(f"uslci-{fmt}"))
    assert number[0] + sum(number[1:-1]) == number[-1] == written, out
    assert any(r["kind"] == "source cut-off" for r in _log(log))


def _inventory(lca: bc.LCA) -> list[tuple[str, tuple, str, float]]:
    """(name, categories, type, amount) of each elementary flow of an inventory."""
    amounts = np.asarray(lca.inventory.sum(axis=1)).ravel()
    out = []
    for fid, row in lca.dicts.biosphere.items():
        node = bd.get_node(id=fid)
        out.append((node["name"], tuple(node.get("categories") or ()), node.get("type"),
                    float(amounts[row])))  # fmt: skip
    return out


def _independent(inventory) -> tuple[float, float]:
    """(total, biogenic) by the AR6 table above: emissions to air or with no compartment
    (resources, the CO2 taken up by biomass among them, count 0: netted with its biogenic
    re-emission)."""
    total = biogenic = 0.0
    for name, categories, kind, amount in inventory:
        top, _ = compartment(categories)
        key = normalized_name(name)
        if kind == "emission" and top in (None, "air") and key in AR6:
            total += AR6[key] * amount
            if any(w in key for w in BIOGENIC):
                biogenic += AR6[key] * amount
    return total, biogenic


def test_the_footprint_is_the_independent_ar6_total(uslci):
    model = uslci["workspace"].model("gadget")
    result = model.lcia()
    bd.projects.set_current(PROJECT)
    # plain bw2calc's inventory of the same supply chain, characterized by the table above
    nodes = {bd.get_node(database="uslci", name=n).id: kg for n, kg in ROOTS.items()}
    lca = bc.LCA(nodes)
    lca.lci()
    expected, biogenic = _independent(_inventory(lca))
    assert result.total == pytest.approx(expected, rel=1e-3)
    groups = result.to_dict()["by_group"]
    assert groups["biogenic"]["value"] == pytest.approx(biogenic, rel=1e-3, abs=1e-6)
    assert groups["other"]["value"] == 0.0
    # USLCI states butane in kg of carbon: no GWP per kg applies, and the line says so
    coverage = result.to_dict()["coverage"]
    assert [m["name"] for m in coverage["not_characterized"]] == ["n butane, kg C"]
    assert coverage["no_compartment"] > 0
    assert "not characterized: n butane, kg C" in result.text()


def test_plain_bw2calc_on_the_project_gives_cfp_lcas_number(uslci):
    """The method cfp_lca wrote characterizes USLCI's own flows: Activity Browser's number."""
    model = uslci["workspace"].model("gadget")
    total = model.lcia().total
    bd.projects.set_current(PROJECT)
    gadget = bd.get_node(database="cfp-gadget", code="gadget")
    lca = bc.LCA({gadget.id: 1.0}, method=model.workspace.method("ipcc-ar6-gwp100").name)
    lca.lci()
    lca.lcia()
    assert lca.score == pytest.approx(total, rel=1e-6)  # float32 storage in bw2data's packages


def test_a_project_method_with_few_gases_names_what_it_misses(uslci, capsys):
    """--method takes any method of the project ('A|B|C'); the coverage line lists the gases
    it has no factor for, with their amounts; --method with an unknown name lists them."""
    bd.projects.set_current(PROJECT)
    co2 = [
        f for f in bd.Database("uslci biosphere") if f["name"].strip() == "Carbon dioxide, fossil"
    ]
    bd.Method(("test", "CO2 only")).write([(f.key, 1.0) for f in co2])
    data = uslci["data"]
    assert main(["lcia", "gadget", "--method", "test|CO2 only", "--json", *data]) == 0
    out = json.loads(capsys.readouterr().out)
    missed = {m["name"].strip() for m in out["coverage"]["not_characterized"]}
    assert {"Methane, fossil", "Dinitrogen monoxide"} <= missed
    assert not out["coverage"]["complete"]
    assert main(["lcia", "gadget", "--method", "test|nothing", *data]) == 2
    assert "no method 'test|nothing'" in capsys.readouterr().err


def test_readers_see_names_never_codes(uslci, capsys):
    data = uslci["data"]
    texts = []
    for args in (["lcia"], ["mc", "-n", "2000"], ["gsa", "-n", "1000", "--sobol-n", "64",
                                                   "--sources", "all"]):  # fmt: skip
        assert main([*args, "gadget", *data]) == 0, args
        texts.append(capsys.readouterr().out)
    for text in texts:
        assert not UUID.search(text), UUID.search(text)
    assert "Aluminum, secondary, shape casted [RNA]" in texts[0]
    assert " <- " in texts[2] and "Wood Combusted, at boiler, at hardboard mill" in texts[2]


def test_by_gas_lists_greenhouse_gases_and_counts_the_rest(uslci):
    rows = uslci["workspace"].model("gadget").lcia().to_dict()["by_flow"]
    rest = [r for r in rows if r["code"] is None]
    assert len(rest) == 1 and "not greenhouse gases" in rest[0]["name"]
    gases = [r for r in rows if r["code"] is not None]
    assert all(r["group"] != "other" for r in gases)
    assert len(gases) < 100  # of several hundred elementary flows in the inventory


def test_check_resolves_links_by_name_in_the_project(uslci, capsys):
    assert main(["check", *uslci["data"]]) == 0
    assert "no problems found" in capsys.readouterr().out


def _reached(lca: bc.LCA) -> set[int]:
    """Matrix columns of the activities the demand reaches through non-zero inputs."""
    a = lca.technosphere_matrix.tocsc()
    product_column = {lca.dicts.product[k]: lca.dicts.activity[k] for k in lca.dicts.activity}
    todo = [product_column[r] for r in np.flatnonzero(lca.demand_array)]
    seen = set(todo)
    while todo:
        col = todo.pop()
        for row in a.indices[a.indptr[col] : a.indptr[col + 1]]:
            nxt = product_column.get(row)
            if nxt is not None and nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def test_a_distribution_that_cannot_be_drawn_is_named(uslci):
    """One error naming database, activity and exchange, and whether it is in the supply
    chain; bw2calc's engine can draw the supply chain only."""
    bd.projects.set_current(PROJECT)
    model = uslci["workspace"].model("gadget")
    inside = bd.get_node(database="uslci", name="Aluminum, secondary, shape casted")
    lca = bc.LCA({bd.get_node(database="cfp-gadget", code="gadget").id: 1.0})
    lca.lci()
    outside = next(a for a in bd.Database("uslci")
                   if lca.dicts.activity[a.id] not in _reached(lca)
                   and any(True for _ in a.biosphere()))  # fmt: skip
    edited = []
    try:
        for node in (inside, outside):
            ex = next(iter(node.biosphere()))
            edited.append((ex, dict(ex._data)))
            ex.update({"uncertainty type": 5, "loc": ex["amount"], "minimum": 2 * ex["amount"],
                       "maximum": 3 * ex["amount"]})  # fmt: skip
            ex.save()
        with pytest.raises(api.InputError, match="in the model's supply chain cannot be") as e:
            model.monte_carlo(n=100)
        assert "'uslci'" in str(e.value) and "Aluminum, secondary, shape casted" in str(e.value)
        edited[0][0].update(edited[0][1])
        edited[0][0].save()
        model.monte_carlo(n=100)  # the fast engine draws the supply chain only
        with pytest.raises(api.InputError, match="outside the model's supply chain"):
            model.monte_carlo(n=3, engine="brightway")
        assert model.monte_carlo(n=3, engine="brightway", supply_chain_only=True).n == 3
    finally:
        for ex, data in edited:
            ex._data.clear()
            ex._data.update(data)
            ex.save()


def test_fast_engine_agrees_with_bw2calcs_own_monte_carlo(uslci):
    """Every source drawn by both engines (the fast one and bw2calc iterating the same
    project): the means agree within Monte Carlo error (4 standard errors of the difference)."""
    model = uslci["workspace"].model("gadget")
    fast = model.monte_carlo(n=20_000, seed=3).raw
    ref = model.monte_carlo(n=120, seed=4, engine="brightway").raw
    a, b = fast.stats["total"], ref.stats["total"]
    se = np.hypot(a.std / np.sqrt(fast.valid), b.std / np.sqrt(ref.valid))
    assert abs(a.mean - b.mean) < 4 * se
    assert a.std == pytest.approx(b.std, rel=0.35)  # 120 draws: the sd within about 3 of its SE


def test_strict_refuses_a_gas_without_a_factor(uslci, capsys):
    """--strict: the butane USLCI states in kg of carbon is a gas the method cannot
    characterize, so the footprint is refused in one line naming it; mc prints the line."""
    assert main(["lcia", "gadget", "--strict", *uslci["data"]]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--strict" in err[0] and "n butane, kg C" in err[0]
    assert main(["mc", "gadget", "-n", "500", *uslci["data"]]) == 0
    assert "not characterized: n butane, kg C" in capsys.readouterr().out
