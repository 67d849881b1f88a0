"""Readers of LCI data files into one plain form: a list of datasets as bw2io's extractors
give them (dicts with ``name``, ``location``, ``exchanges``...), each exchange with ``type``
production, technosphere or biosphere, ``flow`` (the source's flow id, or None), ``provider``
(the source's id of the dataset that supplies an input, or None), ``categories`` (the
compartment of an elementary flow, () where the file gives none) and ``reference`` (True on
the product the dataset is for).

bw2io's extractors read the files; its importers' strategy lists are not run, because they
delete what they cannot link and link openLCA exports wrongly (see the package docstring).
A file that cannot be read is an ImportProblem naming the file (and the dataset).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

from .log import ImportLog, ImportProblem
from .products import scaled

FORMATS = ("ecospold2", "ecospold1", "jsonld", "excel")
XML_LIMIT = 512 * 1024 * 1024  # bytes of one XML or JSON file


def quiet() -> contextlib.AbstractContextManager:
    """bw2io's extractors print progress; none of it reaches the user."""
    return contextlib.redirect_stdout(io.StringIO())


def read_source(path: Path, fmt: str, log: ImportLog) -> list[dict]:
    """The datasets of ``path`` in format ``fmt`` (one of FORMATS), in the plain form; repairs
    of the files' text (metadata a parser cannot read) are logged."""
    readers = {
        "ecospold2": read_ecospold2,
        "ecospold1": read_ecospold1,
        "jsonld": read_jsonld,
        "excel": read_excel,
    }
    if fmt not in readers:
        raise ImportProblem(f"unknown import format '{fmt}' (one of {', '.join(FORMATS)})")
    if not path.exists():
        raise ImportProblem(f"{path}: no such file or folder")
    with quiet():
        datasets = readers[fmt](path, log) if fmt == "ecospold1" else readers[fmt](path)
    if not datasets:
        raise ImportProblem(f"{path}: no dataset found for format {fmt}")
    return datasets


def _files(path: Path, suffixes: tuple[str, ...]) -> list[Path]:
    """Regular files under ``path`` (or ``path`` itself) with one of ``suffixes``, sorted."""
    if path.is_file():
        if path.suffix.lower() not in suffixes:
            raise ImportProblem(f"{path}: not a {' or '.join(suffixes)} file; this format reads "
                                "one, or a folder of them")  # fmt: skip
        return [path]
    if not path.is_dir():
        raise ImportProblem(f"{path}: not a regular file or folder")
    found, seen = [], set()
    for folder, subfolders, names in os.walk(path, onerror=_unreadable, followlinks=True):
        seen.add(os.path.realpath(folder))
        # a link back up the tree is read once, not followed for ever
        subfolders[:] = [d for d in subfolders if os.path.realpath(Path(folder, d)) not in seen]
        found.extend(Path(folder, n) for n in names if Path(n).suffix.lower() in suffixes)
    odd = [p for p in sorted(found) if not p.is_file()]
    if odd:
        raise ImportProblem(f"{odd[0]}: not a regular file (a link to nothing, a device, a "
                            "pipe): remove it or replace it with the file")  # fmt: skip
    return sorted(found)


def _unreadable(exc: OSError) -> None:
    """A subfolder that cannot be listed is an error, never a folder of datasets left out
    (``Path.rglob`` passes over it without a word)."""
    raise ImportProblem(f"{exc.filename}: cannot read the folder: {exc.strerror or exc}")


def _read_bytes(path: Path) -> bytes:
    """A regular file's bytes, within the size limit."""
    try:
        if not path.is_file():
            raise ImportProblem(f"{path}: not a regular file")
        if path.stat().st_size > XML_LIMIT:
            raise ImportProblem(f"{path}: larger than {XML_LIMIT // 2**20} MiB")
        return path.read_bytes()
    except OSError as exc:
        raise ImportProblem(f"{path}: cannot be read: {exc.strerror or exc}") from None


# ---------------------------------------------------------------- EcoSpold 2


def _es2_extractor():
    """bw2io's EcoSpold 2 extractor, keeping what openLCA exports rely on: the output group
    (reference product 0, by-product 2) and an elementary flow's compartment."""
    from bw2io.extractors import Ecospold2DataExtractor

    class Extractor(Ecospold2DataExtractor):
        @classmethod
        def abort_exchange(cls, exc, comment=None):
            """bw2io sets a distribution it cannot draw to none: kept as a listed repair."""
            keys = ("uncertainty type", "loc", "scale", "minimum", "maximum")
            original = {k: exc[k] for k in keys if k in exc}
            super().abort_exchange(exc, comment)
            why = (comment or "invalid parameters").splitlines()[0].rstrip(".")
            exc["invalid uncertainty"] = original | {"problem": why}

        @classmethod
        def extract_exchange(cls, exc):
            data = super().extract_exchange(exc)
            group = getattr(exc, "outputGroup", None)
            data["reference"] = group is not None and group.text == "0"
            data["output group"] = None if group is None else group.text
            data["input"] = getattr(exc, "inputGroup", None) is not None
            compartment = getattr(exc, "compartment", None)
            if compartment is not None:
                parts = [
                    getattr(compartment, tag, None) for tag in ("compartment", "subcompartment")
                ]
                data["categories"] = tuple(p.text for p in parts if p is not None and p.text)
            return data

    return Extractor


def read_ecospold2(path: Path) -> list[dict]:
    """A folder of .spold files (ecoinvent's, or an openLCA export)."""
    extractor = _es2_extractor()
    folder = path if path.is_dir() else path.parent
    datasets = []
    for file in _files(path, (".spold",)):
        try:
            ds = extractor.extract_activity(str(folder), str(file.relative_to(folder)), "import")
        except ImportProblem:
            raise
        except Exception as exc:  # lxml, bw2io: one line naming the file
            raise ImportProblem(
                f"{file}: not a readable EcoSpold 2 dataset: {_first(exc)}"
            ) from None
        for k, x in enumerate(ds["exchanges"]):
            x["provider"] = x.pop("activity", None)
            x.setdefault("categories", ())
            x.setdefault("reference", False)
            if x["type"] == "technosphere" and x.pop("output group", None) is not None:
                # an output to treatment (waste): in Brightway, a negative input
                ds["exchanges"][k] = {**scaled(x, -1.0), "output to treatment": True}
        ds["code"] = ds.pop("activity")
        ds["source file"] = file.name
        datasets.append(ds)
    if not datasets:
        raise ImportProblem(f"{path}: an ecospold2 import reads a folder of .spold files")
    return datasets


def _first(exc: BaseException) -> str:
    """The first line of an exception's text, with its type when the text is empty."""
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


# ---------------------------------------------------------------- EcoSpold 1

# metadata real EcoSpold 1 exports write so that bw2io's parser (pyecospold) fails on it
_PERIOD = re.compile(rb"(<(?:\w+:)?timePeriod\b[^>]*>)(.*?)(</(?:\w+:)?timePeriod>)", re.S)
_START = re.compile(rb"<((?:\w+:)?)start(Date|Year|YearMonth)>([^<]*)</")


def _period_end(match: re.Match) -> bytes:
    """A time period with a start and no end (pyecospold needs an end): ends at its start."""
    head, body, tail = match.groups()
    start = _START.search(body)
    if start is None or re.search(rb"<(?:\w+:)?end(Date|Year|YearMonth)\b", body):
        return match.group(0)
    prefix, kind, value = start.groups()
    return head + body + b"<%send%s>%s</%send%s>" % (prefix, kind, value, prefix, kind) + tail


REPAIRS = (
    (re.compile(rb'\sCASNumber="(?!\d{2,7}-\d{2}-\d")[^"]*"'), b"", "CAS number not of the "
     "form NNNNNNN-NN-N: ignored"),
    (_PERIOD, _period_end, "time period with a start and no end: read as ending at its start"),
)  # fmt: skip


def _repaired(file: Path, log: ImportLog) -> bytes:
    """The file's bytes with the REPAIRS applied (metadata only), each kind logged."""
    text = _read_bytes(file)
    for pattern, replacement, what in REPAIRS:
        new, n = pattern.subn(replacement, text)
        if new != text:
            changed = n if isinstance(replacement, bytes) else _changed(pattern, text, new)
            log.add("file repaired", file.name, "", f"{changed:,} x {what}")
        text = new
    return text


def _changed(pattern: re.Pattern, old: bytes, new: bytes) -> int:
    """How many matches of ``pattern`` differ between ``old`` and ``new``."""
    return sum(a != b for a, b in zip(pattern.findall(old), pattern.findall(new), strict=False))


def read_ecospold1(path: Path, log: ImportLog) -> list[dict]:
    """EcoSpold 1 XML files (one dataset or many per file), parsed without the XSD check
    that real exports fail (repeated exchange numbers; metadata repaired as REPAIRS says,
    logged): each dataset is then read by bw2io's extractor."""
    from bw2io.extractors import Ecospold1DataExtractor
    from lxml import etree, objectify
    from pyecospold.core import EcospoldLookupV1

    parser = objectify.makeparser(resolve_entities=False, no_network=True)
    parser.set_element_class_lookup(EcospoldLookupV1())
    datasets = []
    for file in _files(path, (".xml",)):
        try:
            root = objectify.fromstring(_repaired(file, log), parser)
        except etree.XMLSyntaxError as exc:
            raise ImportProblem(f"{file}: not well-formed XML: {_first(exc)}") from None
        elements = [d for d in getattr(root, "datasets", None) or [] if d.tag != "comment"]
        for k, element in enumerate(elements):
            try:
                ds = Ecospold1DataExtractor.process_dataset(element, str(file), "import")
            except Exception as exc:
                raise ImportProblem(
                    f"{file}: dataset {k + 1} ({_es1_name(element)!r}): not a readable "
                    f"EcoSpold 1 dataset: {_first(exc)}"
                ) from None
            datasets.append(_es1_plain(ds, file))
    return datasets


def _es1_name(element) -> str:
    """The name of an EcoSpold 1 dataset's reference function, for messages."""
    try:
        return str(element.metaInformation.processInformation.referenceFunction.get("name"))
    except Exception:
        return "?"


def _es1_plain(ds: dict, file: Path) -> dict:
    """An extracted EcoSpold 1 dataset in the plain form: its number as code, the products
    it names as its reference function first."""
    code = str(ds.get("code"))
    products = [x for x in ds["exchanges"] if x["type"] == "production"]
    for x in ds["exchanges"]:
        if x["type"] != "biosphere":  # a product's category, e.g. USLCI's "CUTOFF Flows"
            x["flow category"] = "/".join(str(c) for c in x.get("categories") or ())
        x["categories"] = tuple(x.get("categories") or ()) if x["type"] == "biosphere" else ()
        x["flow"] = None
        x["provider"] = None
        x["reference"] = False
    reference = next((x for x in products if x["name"] == ds["name"]), products[0] if products
                     else None)  # fmt: skip
    if reference is not None:
        reference["reference"] = True
    return {
        "code": code,
        "name": ds["name"],
        "location": ds.get("location") or "GLO",
        "unit": ds.get("unit"),
        "exchanges": ds["exchanges"],
        "comment": ds.get("comment"),
        "source file": f"{file.name} #{code}",
    }


# ---------------------------------------------------------------- openLCA JSON-LD

DISTRIBUTIONS = {
    "LOG_NORMAL_DISTRIBUTION": 2,
    "NORMAL_DISTRIBUTION": 3,
    "UNIFORM_DISTRIBUTION": 4,
    "TRIANGLE_DISTRIBUTION": 5,
}


def _json_files(path: Path) -> Iterator[tuple[str, bytes]]:
    """(relative name, bytes) of each .json file of a JSON-LD folder or zip archive."""
    if path.is_file() and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if info.filename.endswith(".json") and info.file_size <= XML_LIMIT:
                    yield info.filename, archive.read(info)
        return
    for file in _files(path, (".json",)):
        yield str(file.relative_to(path)), _read_bytes(file)


def read_jsonld(path: Path) -> list[dict]:
    """An openLCA JSON-LD export (folder or zip; openLCA 1.x and 2.x): processes with their
    exchanges, default providers, flow compartments and allocation factors.

    bw2io's JSONLDImporter reads openLCA 2 exports only (it expects a category path where
    openLCA 1 writes a reference to a category object), so the objects are read here.
    """
    objects: dict[str, dict[str, dict]] = {}
    for name, blob in _json_files(path):
        kind = name.replace("\\", "/").split("/")[-2] if "/" in name else ""
        try:
            obj = json.loads(blob)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ImportProblem(f"{path}: {name}: not JSON: {_first(exc)}") from None
        if isinstance(obj, dict) and "@id" in obj:
            objects.setdefault(kind, {})[obj["@id"]] = obj
    if "processes" not in objects:
        raise ImportProblem(f"{path}: no processes/ folder of an openLCA JSON-LD export")
    categories = objects.get("categories", {})
    flows = objects.get("flows", {})
    units = _unit_names(objects.get("unit_groups", {}))
    return [
        _jsonld_process(p, flows, categories, units, path)
        for _, p in sorted(objects["processes"].items())
    ]


def _unit_names(groups: dict[str, dict]) -> dict[str, str]:
    """Unit id -> unit name, from the unit groups."""
    return {u["@id"]: u["name"] for g in groups.values() for u in g.get("units", []) if "@id" in u}


def _category_path(ref, categories: dict[str, dict]) -> tuple[str, ...]:
    """A category as its path: openLCA 2 writes 'a/b/c', openLCA 1 a reference to a
    category object whose parents are followed."""
    if isinstance(ref, str):
        return tuple(p for p in ref.split("/") if p)
    path: list[str] = []
    seen = set()
    while isinstance(ref, dict) and ref.get("@id") not in seen:
        seen.add(ref.get("@id"))
        full = categories.get(ref.get("@id"), ref)
        path.append(full.get("name", ""))
        ref = full.get("category")
    return tuple(reversed([p for p in path if p]))


def _jsonld_process(p: dict, flows: dict, categories: dict, units: dict, path: Path) -> dict:
    """One openLCA process in the plain form, with its allocation factors by product flow."""
    where = f"{path}: process {p.get('name')!r} ({p.get('@id')})"
    exchanges = [_jsonld_exchange(x, flows, categories, units, where)
                 for x in p.get("exchanges", [])]  # fmt: skip
    return {
        "code": p["@id"],
        "name": p.get("name", ""),
        "location": (p.get("location") or {}).get("code")
        or (p.get("location") or {}).get("name")
        or "GLO",
        "exchanges": exchanges,
        "comment": (p.get("processDocumentation") or {}).get("technologyDescription")
        or p.get("description"),
        "allocation": _allocation_factors(p),
        "source file": f"processes/{p['@id']}.json",
    }


def _jsonld_exchange(x: dict, flows: dict, categories: dict, units: dict, where: str) -> dict:
    """One exchange of an openLCA process in the plain form, with its distribution."""
    ref = x.get("flow") or {}
    flow = flows.get(ref.get("@id"), ref)
    elementary = flow.get("flowType") == "ELEMENTARY_FLOW"
    output = not x.get("input", False)
    kind = "biosphere" if elementary else ("production" if output else "technosphere")
    unit = (x.get("unit") or {}).get("name") or units.get((x.get("unit") or {}).get("@id"))
    try:
        amount = float(x.get("amount", 0.0))
    except (TypeError, ValueError):
        raise ImportProblem(f"{where}: exchange {flow.get('name')!r}: amount "
                            f"{x.get('amount')!r} is not a number") from None  # fmt: skip
    data = {
        "type": kind,
        "name": flow.get("name", ""),
        "amount": amount,
        "unit": unit or "",
        "flow": flow.get("@id"),
        "provider": (x.get("defaultProvider") or {}).get("@id"),
        "categories": _category_path(flow.get("category") or flow.get("categoryPath"), categories)
        if elementary
        else (),
        "reference": bool(x.get("quantitativeReference")),
        "input": not output,
        "internal id": x.get("internalId"),
        "uncertainty type": 0,
        "loc": amount,
    }
    if flow.get("cas"):
        data["CAS number"] = str(flow["cas"]).strip().lstrip("0")
    if x.get("description"):
        data["comment"] = x["description"]
    data.update(_jsonld_uncertainty(x.get("uncertainty"), amount))
    return data


def _jsonld_uncertainty(u: dict | None, amount: float) -> dict:
    """stats_arrays fields of an openLCA uncertainty (geometric sd as ln: the lognormal's
    sigma; its geometric mean as the median)."""
    import math

    if not u or u.get("distributionType") not in DISTRIBUTIONS:
        return {}
    kind = DISTRIBUTIONS[u["distributionType"]]

    def num(key: str) -> float:
        value = u.get(key)
        return float(value) if isinstance(value, int | float) else math.nan

    if kind == 2:
        gmean, gsd = num("geomMean"), num("geomSd")
        loc = math.log(abs(gmean)) if gmean and math.isfinite(gmean) else math.nan
        scale = math.log(gsd) if gsd > 0 else math.nan
        return {"uncertainty type": 2, "loc": loc, "scale": scale, "negative": amount < 0}
    if kind == 3:
        return {"uncertainty type": 3, "loc": num("mean"), "scale": num("sd")}
    if kind == 4:
        return {"uncertainty type": 4, "loc": amount, "minimum": num("minimum"),
                "maximum": num("maximum")}  # fmt: skip
    return {"uncertainty type": 5, "loc": num("mode"), "minimum": num("minimum"),
            "maximum": num("maximum")}  # fmt: skip


def _allocation_factors(p: dict) -> dict:
    """The process's allocation factors of its default method: {product flow id: factor},
    and causal factors per (product flow id, exchange internal id) where it uses them."""
    method = p.get("defaultAllocationMethod")
    factors: dict = {"method": method, "products": {}, "exchanges": {}}
    for f in p.get("allocationFactors", []) or []:
        kind = f.get("allocationType")
        product = (f.get("product") or {}).get("@id")
        if kind != method or product is None:
            continue
        exchange = f.get("exchange") or {}
        if kind == "CAUSAL_ALLOCATION" and exchange:
            factors["exchanges"][(product, exchange.get("internalId"))] = float(f["value"])
        else:
            factors["products"][product] = float(f["value"])
    return factors


# ---------------------------------------------------------------- Brightway Excel


def read_excel(path: Path) -> list[dict]:
    """A Brightway Excel workbook (bw2io's ExcelImporter and its strategies: a workbook is
    Brightway's own form, so links by name, unit and location are its meaning)."""
    import bw2io

    if not path.is_file():
        raise ImportProblem(f"{path}: no such Excel file")
    try:
        imp = bw2io.ExcelImporter(str(path))
        imp.apply_strategies()
    except Exception as exc:
        raise ImportProblem(
            f"{path}: not a readable Brightway Excel workbook: {_first(exc)}"
        ) from None
    datasets = []
    for ds in imp.data:
        if ds.get("type") not in (None, "process", "processwithreferenceproduct"):
            continue
        code = ds.get("code") or ds["name"]
        for x in ds.get("exchanges", []):
            x.setdefault("flow", None)
            x["provider"] = None
            x["categories"] = (
                tuple(x.get("categories") or ()) if x.get("type") == "biosphere" else ()
            )
            x["reference"] = x.get("type") == "production"
            x.pop("input", None)
        datasets.append({**ds, "code": code, "source file": path.name,
                         "workbook database": imp.db_name})  # fmt: skip
    return datasets
