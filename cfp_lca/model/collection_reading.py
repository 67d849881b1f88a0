"""``cfp-lca new NAME --from FILE.xlsx``: a filled data-collection workbook turned into a model
file. Every cell is read and checked (number, unit, choice, process, unit of the process); every
cell that cannot be read is reported with its sheet, row and column, all at once, and nothing is
written then. A process is named by its code; a text that is not a code is searched in the
library and its candidates listed, for the user to confirm by writing the code.

The model: one activity per part (raw materials), and one each for production energy,
transport, use and end of life, bought once by the product; each row one input with its unit,
source, data type and uncertainty (a CV as a normal distribution; none given: exact, counted in
the notices). Annual plant data are divided by the annual output of the study sheet.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, Problems, printable
from .collection_layout import NOTE, SHEETS, STUDY_FIELDS, STUDY_SHEET, Column, Sheet
from .library_text import library_matches
from .objects import Catalog, Process
from .units import UnitProblem, convert, parse_unit, quantity

STAGES = {  # stage code -> (name, name in Chinese)
    "raw_materials": ("raw material acquisition", "原材料获取"),
    "production": ("production", "生产制造"),
    "transport": ("transport", "运输"),
    "use": ("use", "使用"),
    "end_of_life": ("end of life", "废弃处置"),
}
CANDIDATES = 5  # processes listed for a text that is not a code


@dataclass
class Reading:
    """What reading one workbook gathers: its problems, its notices, the processes used."""

    path: Path
    catalog: Catalog
    problems: Problems = field(default_factory=Problems)
    notices: list[str] = field(default_factory=list)
    used: set[str] = field(default_factory=set)  # background databases of the processes
    exact: int = 0  # rows without an uncertainty, written as exact amounts
    study_rows: dict[str, int] = field(default_factory=dict)  # study field -> its sheet row


def model_from_workbook(path: Path, catalog: Catalog, name: str,
                        folder: Path) -> tuple[str, list[str]]:  # fmt: skip
    """(model file text, notices) for model ``name`` in ``folder`` from the workbook; the
    model is resolved against the catalog first, so what is written is a valid model."""
    import yaml

    from .assembly import build_model
    from .schema import ModelFile
    from .templates import check_name
    from .validation import validate

    check_name(name)
    model, notices = read_collection(path, catalog, name)
    text = (f"# {name}: written by `cfp-lca new {name} --from {Path(path).name}`.\n# The "
            "workbook is not read again: edit this file. Every key is described in "
            "docs/model-format.md.\n")  # fmt: skip
    text += yaml.safe_dump(
        model, allow_unicode=True, sort_keys=False, width=100, default_flow_style=None
    )
    target = Path(folder) / f"{name}.yaml"
    spec = validate(target, yaml.safe_load(text), ModelFile)
    build_model(target, spec, catalog.biosphere, catalog.flows, catalog.methods,
                catalog.backgrounds)  # fmt: skip
    return text, notices


def read_collection(path: Path, catalog: Catalog, name: str) -> tuple[dict, list[str]]:
    """(model file as data, notices) from the workbook at ``path``, for model ``name``."""
    book = _open(path)
    reading = Reading(Path(path), catalog)
    try:
        study = _study(reading, _sheet(reading, book, STUDY_SHEET))
        rows = {s.key: _rows(reading, _sheet(reading, book, s.title), s) for s in SHEETS}
    finally:
        book.close()
    reading.problems.raise_any()
    model = _model(reading, name, study, rows)
    reading.problems.raise_any()
    if reading.exact:
        reading.notices.append(f"{reading.exact} row(s) give no uncertainty: written as exact "
                               "amounts (distribution: none); a CV % draws them")  # fmt: skip
    return model, reading.notices


def _open(path: Path):
    from zipfile import BadZipFile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except OSError as exc:
        raise InputError(path, None, f"cannot read: {exc.strerror or exc}") from None
    except (BadZipFile, InvalidFileException, KeyError, ValueError) as exc:
        raise InputError(path, None, f"not an Excel workbook (.xlsx): {exc}") from None


def _sheet(reading: Reading, book, title: str) -> list[tuple[Any, ...]]:
    """The rows of a sheet, found by its title or its English word."""
    word = title.split()[0].casefold()
    for ws in book.worksheets:
        if ws.title == title or ws.title.split()[0].casefold() == word:
            return [tuple(r) for r in ws.iter_rows(values_only=True)]
    raise InputError(reading.path, f"sheet '{title}'", "missing: write the workbook with "
                     "cfp-lca template")  # fmt: skip


def _where(title: str, row: int, col: int, label: str) -> str:
    from openpyxl.utils import get_column_letter

    return f"sheet '{title}' row {row} column {get_column_letter(col)} ({label})"


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# ---------------------------------------------------------------- study sheet


def _study(reading: Reading, rows: list[tuple]) -> dict:
    """The study fields by key; required ones present, numbers numbers, the method known."""
    given = {_english(r[0]): r[1] if len(r) > 1 else None for r in rows[1:] if r and r[0]}
    out: dict[str, Any] = {}
    for i, f in enumerate(STUDY_FIELDS):
        reading.study_rows[f.key] = _study_row(rows, f.en, i)
        entry = _where(STUDY_SHEET, reading.study_rows[f.key], 2, f.en)
        value = given.get(f.en)
        with reading.problems.each():
            if _blank(value):
                if f.required:
                    raise InputError(reading.path, entry, "empty: this field is required")
                continue
            if f.kind == "number":
                value = _number(reading.path, entry, value)
            elif f.key == "method" and str(value) not in reading.catalog.methods:
                known = ", ".join(sorted(reading.catalog.methods))
                raise InputError(reading.path, entry, f"unknown method '{printable(str(value))}' "
                                 f"(methods: {known})")  # fmt: skip
            out[f.key] = value if f.kind == "number" else str(value).strip()
    return out


def _study_row(rows: list[tuple], en: str, index: int) -> int:
    """The row of a study field (its place in the template where the sheet lacks it)."""
    for n, r in enumerate(rows, start=1):
        if r and r[0] and _english(r[0]) == en:
            return n
    return index + 2


def _english(header: Any) -> str:
    """The English part of a bilingual header ("amount / 数量" -> "amount")."""
    return str(header).split(" / ")[0].strip()


# ---------------------------------------------------------------- data sheets


def _rows(reading: Reading, rows: list[tuple], sheet: Sheet) -> list[dict]:
    """The sheet's data rows as {key: value}, each cell checked (problems kept, row left out)."""
    header = rows[0] if rows else ()
    for i, c in enumerate(sheet.columns, start=1):
        found = header[i - 1] if i - 1 < len(header) else None
        if found is None or _english(found) != c.en:
            raise InputError(reading.path, _where(sheet.title, 1, i, c.en), f"header "
                             f"{printable(str(found))!r} where {c.header!r} belongs: write the "
                             "workbook with cfp-lca template")  # fmt: skip
    out = []
    for n, row in enumerate(rows[1:], start=2):
        cells = list(row[: len(sheet.columns)]) + [None] * (len(sheet.columns) - len(row))
        if all(_blank(v) for v in cells) or str(cells[0] or "").startswith(NOTE.strip()):
            continue
        before = len(reading.problems.errors)
        values = {}
        for i, c in enumerate(sheet.columns, start=1):
            with reading.problems.each():
                values[c.key] = _cell(reading, _where(sheet.title, n, i, c.en), c, cells[i - 1])
        if len(reading.problems.errors) == before:
            with reading.problems.each():
                _check_units(reading, _where(sheet.title, n, 1, "row"), sheet.key, values)
                out.append({**values, "row": n})
    return out


def _cell(reading: Reading, entry: str, c: Column, value: Any) -> Any:
    """One cell's value, checked for its column (None where empty and not required)."""
    if _blank(value):
        if c.required:
            raise InputError(reading.path, entry, "empty: this column is required")
        return None
    if c.kind == "number":
        return _number(reading.path, entry, value)
    text = str(value).strip()
    if c.kind == "choice":
        if text not in c.choices:
            raise InputError(reading.path, entry, f"{printable(text)!r} is not one of "
                             f"{', '.join(c.choices)}")  # fmt: skip
    elif c.kind == "unit":
        try:
            parse_unit(text)
        except UnitProblem as exc:
            raise InputError(reading.path, entry, str(exc)) from None
    elif c.kind == "process":
        return _process(reading, entry, text)
    return text


def _number(path: Path, entry: str, value: Any) -> float:
    """A finite number, from a number cell or a text that reads as one."""
    if isinstance(value, bool):
        raise InputError(path, entry, f"{value!r} is not a number")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(path, entry, f"{printable(str(value))!r} is not a number") from None
    if not math.isfinite(number) or number < 0:
        raise InputError(path, entry, f"{value!r} is not a finite number of 0 or more")
    return number


def _process(reading: Reading, entry: str, text: str) -> Process:
    """The library process a cell names by code (``database:code`` where two databases share
    it); for any other text, the candidates a search finds, listed in the error."""
    backgrounds = reading.catalog.backgrounds
    db, _, code = text.rpartition(":")
    hits = [ps[code] for name, ps in backgrounds.items() if code in ps and db in ("", name)]
    if len(hits) == 1:
        return hits[0]
    if len(hits) > 1:
        names = ", ".join(f"{p.database}:{p.code}" for p in hits)
        raise InputError(reading.path, entry, f"'{text}' is in several databases: write one of "
                         f"{names}")  # fmt: skip
    found = library_matches(backgrounds, text)
    if not found:
        raise InputError(reading.path, entry, "no process of the library is "
                         f"'{printable(text)}' or matches it: see the sheet 'library 数据库' or "
                         "cfp-lca search")  # fmt: skip
    listed = "; ".join(f"{p.code} ({p.name}, per {p.unit})" for p in found[:CANDIDATES])
    extra = len(found) - CANDIDATES
    more = f"; and {extra} more (cfp-lca search)" if extra > 0 else ""
    raise InputError(reading.path, entry, f"'{printable(text)}' is not a process code: write "
                     f"the code of the one meant: {listed}{more}")  # fmt: skip


def _check_units(reading: Reading, entry: str, sheet: str, values: dict) -> None:
    """The row's amount can be expressed in its process's unit (mass x distance for freight)."""
    p: Process = values["process"]
    if sheet == "transport":
        unit = f"({values['mass_unit']}) * ({values['distance_unit']})"
    else:
        unit = values["unit"]  # per product, or per year (divided by the output in units)
    try:
        convert(quantity(1.0, unit), p.unit)
    except UnitProblem as exc:
        raise InputError(
            reading.path, entry, f"{exc}: process '{p.code}' is per {p.unit}"
        ) from None


# ---------------------------------------------------------------- the model


def _model(reading: Reading, name: str, study: dict, rows: Mapping[str, list[dict]]) -> dict:
    """The model file's data: stages, activities and inputs from the rows."""
    activities, translations = _parts(reading, study, rows["materials"])
    energy = {s: [r for r in rows["energy"] if r["stage"] == s] for s in ("production", "use")}
    for code, group in (("production", energy["production"]), ("transport", rows["transport"]),
                        ("use", energy["use"]), ("end_of_life", rows["waste"])):  # fmt: skip
        if group:
            activities.append(_activity(reading, code, STAGES[code][0], code, group,
                                        name_zh=STAGES[code][1]))  # fmt: skip
    if not activities:
        raise InputError(reading.path, None, "no data rows in any sheet: nothing to model")
    used = {a["stage"] for a in activities}
    stages = [{"code": c, "name": n, "name_zh": z} for c, (n, z) in STAGES.items() if c in used]
    product = {"code": "product", "name": study["name"], "inputs": [
        {"input": a["code"], "amount": {"value": 1, "unit": "unit"},
         "uncertainty": {"distribution": "none"},
         "source": "model structure: one of each per product"} for a in activities]}  # fmt: skip
    if study.get("name_zh"):
        product["name_zh"] = study["name_zh"]
    return _model_file(reading, name, study, stages, [product, *activities], translations)


def _parts(reading: Reading, study: dict, rows: list[dict]) -> tuple[list[dict], dict]:
    """One raw-material activity per part (rows without a part: the product's materials),
    and the parts' Chinese names."""
    groups: dict[str, list[dict]] = {}
    for r in rows:
        groups.setdefault(r["part"] or "", []).append(r)
    activities: list[dict] = []
    translations: dict[str, str] = {}
    for part, group in groups.items():
        code = _code(part, {a["code"] for a in activities}) if part else "materials"
        zh = next((r["part_zh"] for r in group if r["part_zh"]), None)
        if part and zh:
            translations[part] = zh
        label = part or f"materials of {study['name']}"
        activities.append(_activity(reading, code, label, "raw_materials", group,
                                    part=part or None, name_zh=zh))  # fmt: skip
    return activities, translations


def _model_file(reading: Reading, name: str, study: dict, stages: list, activities: list,
                translations: dict) -> dict:  # fmt: skip
    fu = {"amount": 1, "unit": "unit", "description": study["functional_unit"]}
    if study.get("functional_unit_zh"):
        fu["description_zh"] = study["functional_unit_zh"]
    if study.get("service_life") is not None:
        fu["reference_service_life"] = {"value": study["service_life"], "unit": "year",
                                        "source": f"{reading.path.name}, study sheet"}  # fmt: skip
    model: dict[str, Any] = {
        "model": name, "database": f"cfp-{name}", "name": study["name"],
        "description": f"Read from the data-collection workbook {reading.path.name}.",
        "functional_unit": fu, "reference_activity": "product", "method": study["method"],
        "backgrounds": [db for db in reading.catalog.backgrounds if db in reading.used],
    }  # fmt: skip
    if study.get("name_zh"):
        model["name_zh"] = study["name_zh"]
    if translations:
        model["translations"] = {"zh": translations}
    if any("annual_amount" in x for a in activities for x in a.get("inputs", [])):
        model["allocation"] = _allocation(reading, study)
    return {**model, "stages": stages, "activities": activities}


def _allocation(reading: Reading, study: dict) -> dict:
    """Annual plant data per product: divided by the annual output the study sheet gives."""
    if not study.get("annual_output"):
        entry = _where(STUDY_SHEET, reading.study_rows["annual_output"], 2, "annual output")
        raise InputError(reading.path, entry, "empty, but rows of the energy sheet are per "
                         "year: give the units made in that year")  # fmt: skip
    out = {"basis": "units produced",
           "annual_output": {"value": study["annual_output"], "unit": "unit",
                             "source": study.get("annual_output_source")
                             or f"{reading.path.name}, study sheet"}}  # fmt: skip
    if study.get("period"):
        out["period"] = study["period"]
    return out


def _activity(reading: Reading, code: str, name: str, stage: str, rows: list[dict],
              part: str | None = None, name_zh: str | None = None) -> dict:  # fmt: skip
    """A stage's (or part's) activity: one input per row."""
    out: dict[str, Any] = {"code": code, "name": name, "stage": stage}
    if name_zh:
        out["name_zh"] = name_zh
    if part:
        out["part"] = part
    out["inputs"] = [_input(reading, r) for r in rows]
    return out


def _input(reading: Reading, r: dict) -> dict:
    """One row as an input of its activity."""
    p: Process = r["process"]
    reading.used.add(p.database)
    shared = sum(p.code in ps for ps in reading.catalog.backgrounds.values()) > 1
    out: dict[str, Any] = {"input": f"{p.database}:{p.code}" if shared else p.code}
    where = f"{reading.path.name}, row {r['row']}"
    if "mass" in r:  # freight: mass x distance
        value, unit = r["mass"] * r["distance"], f"{r['mass_unit']}*{r['distance_unit']}"
        carried = (f"{r['item']}: {r['mass']:g} {r['mass_unit']} over {r['distance']:g} "
                   f"{r['distance_unit']}")  # fmt: skip
        out["amount"] = {"value": value, "unit": unit}
        out["source"] = f"{r['source']} ({carried}; {where})"
    else:
        credit = r.get("credit") == "yes"
        value = -r["amount"] if credit else r["amount"]
        key = "annual_amount" if r.get("basis") == "per year" else "amount"
        out[key] = {"value": value, "unit": r["unit"]}
        out["source"] = f"{r['source']} ({where})"
        if credit:
            out["credit"] = True
    if r["cv"]:
        out["uncertainty"] = {"distribution": "normal", "cv": r["cv"] / 100}
    else:
        out["uncertainty"] = {"distribution": "none"}
        reading.exact += 1
    out["data_type"] = r["data_type"]
    if r["comment"] or r.get("item"):
        out["comment"] = r["comment"] or r["item"]
    return out


def _code(text: str, taken: set[str]) -> str:
    """An activity code from a part's name (letters, digits, _), unique among ``taken``."""
    base = re.sub(r"[^0-9A-Za-z]+", "_", text).strip("_").lower() or "part"
    if base[0].isdigit():
        base = f"part_{base}"
    code, n = base, 2
    while code in taken or code in STAGES or code == "product":
        code, n = f"{base}_{n}", n + 1
    return code
