"""Scenario difference files in the Activity Browser's flow-scenario format.

One row per exchange (from activity, to activity, flow type) of the base model's foreground
database, one column of amounts per scenario; semicolon-separated CSV as the Activity Browser
reads it. Keys are written against the base model's database, so the file applies to the
database the Activity Browser sees for the model; an activity that a scenario adds is written as
the exchanges of the activities that buy it. A file is read whole and every row checked (keys,
flow types, finite amounts, no duplicates, every node present) before any model is built.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import InputError
from .objects import Catalog, Exchange, Flow, Process, ProductModel
from .table_files import cell_number, read_rows, write_rows
from .uncertainty import rescaled

COLUMNS = (
    "from activity name",
    "from reference product",
    "from location",
    "from categories",
    "from database",
    "from key",
    "to activity name",
    "to reference product",
    "to location",
    "to categories",
    "to database",
    "to key",
    "flow type",
)
FLOW_TYPES = ("technosphere", "biosphere")


def _rows(base: ProductModel, model: ProductModel) -> dict[tuple, tuple[float, Exchange]]:
    """(from key, to key, flow type) -> (amount, exchange), foreground keys on the base db.

    An activity the base database lacks (a scenario that switches a stage on) cannot be a row's
    activity: its exchanges are folded into the activities that buy it, scaled by what they buy,
    so the totals are exact; such rows are new exchanges, 0 in a column without the activity.
    """
    added = added_activities(base, model)
    out: dict[tuple, tuple[float, Exchange]] = {}
    for activity in model.activities:
        if activity.code in added:
            continue
        for x, amount in _folded(model, added, activity.exchanges, 1.0, (activity.code,)):
            source_db = base.database if x.database == model.database else x.database
            key = ((source_db, x.code), (base.database, activity.code), x.kind)
            out[key] = (out.get(key, (0.0, x))[0] + amount, x)
    return out


def added_activities(base: ProductModel, model: ProductModel) -> dict[str, Process]:
    """The activities of ``model`` that the base model's database does not have, by code."""
    codes = {a.code for a in base.activities}
    return {a.code: a for a in model.activities if a.code not in codes}


def _folded(
    model: ProductModel,
    added: Mapping[str, Process],
    exchanges: tuple[Exchange, ...],
    factor: float,
    path: tuple[str, ...],
) -> Iterator[tuple[Exchange, float]]:
    """(exchange, amount per unit of the buyer), purchases of added activities expanded."""
    for x in exchanges:
        inner = added.get(x.code) if x.database == model.database else None
        if inner is None:
            yield x, factor * x.amount
        elif x.code in path:
            raise InputError(model.path, f"activity '{x.code}'", "added activities that buy from "
                             f"each other ({' > '.join((*path, x.code))}) cannot be written as "
                             "a scenario difference file")  # fmt: skip
        else:
            yield from _folded(model, added, inner.exchanges, factor * x.amount, (*path, x.code))


def export_sdf(
    catalog: Catalog, base: ProductModel, scenarios: Mapping[str, ProductModel], path: Path
) -> Path:
    """Write the scenario difference file of ``scenarios`` (name -> model) against ``base``."""
    per = {name: _rows(base, m) for name, m in scenarios.items()}
    keys = sorted({k for rows in per.values() for k in rows})
    names = {a.code: a for a in base.activities}
    lines = [[*COLUMNS, *scenarios]]
    for src, dst, kind in keys:
        target = names[dst[1]]
        lines.append([
            *_describe(catalog, base, src), repr(src),
            target.name, target.meta.get("reference product", target.name), target.location,
            "", dst[0], repr(dst), kind,
            *(per[s].get((src, dst, kind), (0.0,))[0] for s in scenarios),
        ])  # fmt: skip
    information = [
        ("what", "Activity Browser scenario difference file (flow scenarios), written by cfp_lca"),
        ("model", f"{base.name} ({base.title})"),
        ("database", base.database),
        ("scenarios", ", ".join(scenarios)),
        (
            "amounts",
            "per unit of the 'to' activity's output, in the units of the database; "
            "to 16 significant digits (the .csv form holds them exactly)",
        ),
    ]
    return write_rows(Path(path), lines, information)


def _describe(catalog: Catalog, base: ProductModel, key: tuple[str, str]) -> list[str]:
    """Name, reference product, location, categories and database of a row's source."""
    node = _source_node(catalog, base, key)
    if isinstance(node, Flow):
        return [node.name, "", "", "::".join(node.categories), key[0]]
    return [node.name, node.meta.get("reference product", node.name), node.location, "", key[0]]


def _source_node(catalog: Catalog, base: ProductModel, key: tuple[str, str]) -> Flow | Process:
    """The biosphere flow, background process or model activity a key names (KeyError if none)."""
    db, code = key
    if db == catalog.biosphere:
        return catalog.flows[code]
    if db == base.database:
        return {a.code: a for a in base.activities}[code]
    return catalog.backgrounds[db][code]


@dataclass(frozen=True)
class DifferenceRow:
    """One exchange of a difference file: where it is, its key and one amount per scenario."""

    line: int
    key: tuple[tuple[str, str], tuple[str, str], str]  # (from key, to key, flow type)
    amounts: tuple[float, ...]


@dataclass(frozen=True)
class DifferenceFile:
    """A whole difference file, read and checked."""

    path: Path
    names: tuple[str, ...]
    rows: tuple[DifferenceRow, ...]

    def column(self, k: int) -> dict[tuple, float]:
        """(from key, to key, flow type) -> amount of the k-th scenario."""
        return {row.key: row.amounts[k] for row in self.rows}


def load_sdf(catalog: Catalog, base: ProductModel, path: Path) -> dict[str, ProductModel]:
    """Every scenario of a difference file applied to ``base`` (name -> model).

    The whole file is read and every key checked against the model and the catalog first; the
    models are built in memory, so a bad file fails before anything is written.
    """
    table = read_table(path)
    _check_keys(catalog, base, table)
    return {
        name: apply_sdf(catalog, base, name, table.column(k)) for k, name in enumerate(table.names)
    }


def read_table(path: Path) -> DifferenceFile:
    """Read a difference file (.csv or .xlsx); any malformed header, key, amount or duplicate is
    an error. Columns whose name starts with '_' are comments (as the Activity Browser reads)."""
    where, lines = read_rows(Path(path), COLUMNS)
    header = _header(path, where, lines)
    at = {c: header.index(c) for c in COLUMNS}
    columns = tuple(i for i, c in enumerate(header) if c not in COLUMNS and not c.startswith("_"))
    rows: list[DifferenceRow] = []
    seen: dict[tuple, int] = {}
    for number, cells in lines[1:]:
        if not any(c.strip() for c in cells):
            continue
        entry = f"{where}row {number}"
        key, amounts = _row(path, entry, _fitted(cells, header), header, at, columns)
        if key in seen:
            raise InputError(path, entry, f"duplicate of row {seen[key]} (same from key, to "
                             "key and flow type)")  # fmt: skip
        seen[key] = number
        rows.append(DifferenceRow(number, key, amounts))
    return DifferenceFile(Path(path), tuple(header[i] for i in columns), tuple(rows))


def _fitted(cells: list[str], header: list[str]) -> list[str]:
    """A row without the empty cells a spreadsheet may keep past the header's last column."""
    extra = cells[len(header) :]
    return cells[: len(header)] if extra and not any(c.strip() for c in extra) else cells


def _header(path: Path, where: str, lines: list[tuple[int, list[str]]]) -> list[str]:
    """The header row, with every key column, no duplicate and at least one scenario column."""
    if not lines or not any(c.strip() for c in lines[0][1]):
        raise InputError(path, f"{where}row 1", "empty file: expected a header row with the "
                         f"columns {', '.join(COLUMNS)} and one column per scenario")  # fmt: skip
    entry = f"{where}row {lines[0][0]}"
    header = [c.strip() for c in lines[0][1]]
    while header and not header[-1]:
        header.pop()  # a workbook's empty cells past the last column
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InputError(path, entry, f"missing columns {missing}")
    twice = sorted({c for c in header if header.count(c) > 1})
    if twice:
        raise InputError(path, entry, f"duplicate columns {twice}")
    if not [c for c in header if c not in COLUMNS and not c.startswith("_")]:
        raise InputError(path, entry, "no scenario columns: add one column of amounts per "
                         "scenario after 'flow type'")  # fmt: skip
    if "" in header:
        raise InputError(path, entry, f"column {header.index('') + 1} has no name")
    return header


def _row(
    path: Path,
    entry: str,
    cells: list[str],
    header: list[str],
    at: dict[str, int],
    columns: tuple[int, ...],
) -> tuple[tuple, tuple[float, ...]]:
    """One data row's key (both keys, the flow type) and finite amount per scenario column."""
    if len(cells) != len(header):
        raise InputError(path, entry, f"{len(cells)} cells, but the header has {len(header)}")
    src = _key(path, entry, "from key", cells[at["from key"]])
    dst = _key(path, entry, "to key", cells[at["to key"]])
    database = cells[at["from database"]].strip()
    if database and database != src[0]:
        raise InputError(path, entry, f"from key {src!r} is not in the 'from database' "
                         f"'{database}' of the row")  # fmt: skip
    kind = cells[at["flow type"]].strip()
    if kind not in FLOW_TYPES:
        raise InputError(path, entry, f"flow type '{kind}': must be one of {', '.join(FLOW_TYPES)}")
    amounts = tuple(cell_number(path, entry, header[i], cells[i]) for i in columns)
    return (src, dst, kind), amounts


def _key(path: Path, entry: str, column: str, text: str) -> tuple[str, str]:
    """A key cell: a Python tuple of two non-empty strings, (database, code)."""
    try:
        value = ast.literal_eval(text.strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        value = None
    if (
        not isinstance(value, tuple | list)
        or len(value) != 2
        or not all(isinstance(v, str) and v for v in value)
    ):
        raise InputError(path, entry, f"{column} {text!r}: expected ('database', 'code')")
    return (value[0], value[1])


def _check_keys(catalog: Catalog, base: ProductModel, table: DifferenceFile) -> None:
    """Every row names an activity of the model and an existing source of the right type."""
    codes = {a.code for a in base.activities}
    for row in table.rows:
        src, dst, kind = row.key
        if dst[0] != base.database or dst[1] not in codes:
            raise InputError(table.path, f"row {row.line}", f"to key {dst!r}: no activity "
                             f"'{dst[1]}' in the model's database '{base.database}'")  # fmt: skip
        problem = _source_problem(catalog, base, src, kind)
        if problem:
            raise InputError(table.path, f"row {row.line}", f"from key {src!r}: {problem}")


def _source_problem(
    catalog: Catalog, base: ProductModel, src: tuple[str, str], kind: str
) -> str | None:
    """What is wrong with a row's source (None if it exists and suits the flow type)."""
    if src[0] not in (catalog.biosphere, base.database, *catalog.backgrounds):
        return f"unknown database '{src[0]}'"
    try:
        node = _source_node(catalog, base, src)
    except KeyError:
        return f"no activity or flow '{src[1]}' in database '{src[0]}'"
    expected = "biosphere" if isinstance(node, Flow) else "technosphere"
    if kind != expected:
        return f"flow type '{kind}', but '{src[1]}' is a {expected} node"
    return None


def apply_sdf(
    catalog: Catalog, base: ProductModel, name: str, column: Mapping[tuple, float]
) -> ProductModel:
    """The base model with every listed exchange amount set to the scenario's column; a new
    exchange is in its source's unit."""
    activities = []
    for activity in base.activities:
        sums: dict[tuple, float] = {}
        for x in activity.exchanges:
            key = ((x.database, x.code), (base.database, activity.code), x.kind)
            sums[key] = sums.get(key, 0.0) + x.amount
        exchanges = []
        for x in activity.exchanges:
            key = ((x.database, x.code), (base.database, activity.code), x.kind)
            # exchanges sharing a key (several legs to one truck type) keep their proportions
            amount = x.amount * column[key] / sums[key] if key in column and sums[key] else x.amount
            if amount:
                u = rescaled(x.uncertainty, x.amount, amount)
                exchanges.append(replace(x, amount=amount, uncertainty=u))
        for key, amount in column.items():
            (db, code), (_, to), kind = key
            if to == activity.code and (key not in sums or not sums[key]) and amount:
                unit = _source_node(catalog, base, (db, code)).unit
                exchanges.append(
                    Exchange(db, code, amount, unit, kind, {"uncertainty type": 0, "loc": amount},
                             "scenario difference file", f"{name}: imported", amount < 0)
                )  # fmt: skip
        activities.append(replace(activity, exchanges=tuple(exchanges)))
    database = f"{base.database}{{sdf:{name}}}"
    activities = [_relink(a, base.database, database) for a in activities]
    return replace(base, database=database, activities=tuple(activities))


def _relink(activity: Process, old: str, new: str) -> Process:
    exchanges = tuple(
        replace(x, database=new) if x.database == old else x for x in activity.exchanges
    )
    return replace(activity, database=new, exchanges=exchanges)
