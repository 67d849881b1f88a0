"""Scenario difference files in the Activity Browser's flow-scenario format.

One row per exchange (from activity, to activity, flow type) of the base model's foreground
database, one column of amounts per scenario; semicolon-separated CSV as the Activity Browser
reads it. Keys are written against the base model's database, so the file applies to the
database the Activity Browser sees for the model.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from ..errors import InputError
from .objects import Catalog, Exchange, Process, ProductModel

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


def _rows(base: ProductModel, model: ProductModel) -> dict[tuple, tuple[float, Exchange]]:
    """(from key, to key, flow type) -> (amount, exchange), foreground keys on the base db."""
    out = {}
    for activity in model.activities:
        for x in activity.exchanges:
            source_db = base.database if x.database == model.database else x.database
            key = ((source_db, x.code), (base.database, activity.code), x.kind)
            amount = out.get(key, (0.0, x))[0] + x.amount
            out[key] = (amount, x)
    return out


def export_sdf(
    catalog: Catalog, base: ProductModel, scenarios: Mapping[str, ProductModel], path: Path
) -> Path:
    """Write the scenario difference file of ``scenarios`` (name -> model) against ``base``."""
    base_codes = {a.code for a in base.activities}
    per = {name: _rows(base, m) for name, m in scenarios.items()}
    for name, m in scenarios.items():
        extra = {a.code for a in m.activities} - base_codes
        if extra:
            raise InputError(
                path, name, f"activities {sorted(extra)} are not in the base database "
                f"'{base.database}': export the scenarios against a base that has them"
            )  # fmt: skip
    keys = sorted({k for rows in per.values() for k in rows})
    names = {a.code: a for a in base.activities}
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow([*COLUMNS, *scenarios])
        for src, dst, kind in keys:
            source = _describe(catalog, base, src)
            target = names[dst[1]]
            writer.writerow([
                *source, repr(src),
                target.name, target.meta.get("reference product", target.name), target.location,
                "", dst[0], repr(dst), kind,
                *(repr(per[s].get((src, dst, kind), (0.0,))[0]) for s in scenarios),
            ])  # fmt: skip
    return path


def _describe(catalog: Catalog, base: ProductModel, key: tuple[str, str]) -> list[str]:
    db, code = key
    if db == catalog.biosphere:
        flow = catalog.flows[code]
        return [flow.name, "", "", "::".join(flow.categories), db]
    process = base.activity(code) if db == base.database else catalog.backgrounds[db][code]
    return [
        process.name,
        process.meta.get("reference product", process.name),
        process.location,
        "",
        db,
    ]


def read_sdf(path: Path) -> tuple[list[str], dict[tuple, list[float]]]:
    """Scenario names and (from key, to key, flow type) -> amounts, from a difference file."""
    import ast

    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle, delimiter=";")
        header = next(reader)
        missing = [c for c in COLUMNS if c not in header]
        if missing:
            raise InputError(path, "header", f"missing columns {missing}")
        at = {c: header.index(c) for c in COLUMNS}
        names = header[len(COLUMNS) :]
        rows = {}
        for number, row in enumerate(reader, start=2):
            try:
                src = tuple(ast.literal_eval(row[at["from key"]]))
                dst = tuple(ast.literal_eval(row[at["to key"]]))
                amounts = [float(v) for v in row[len(COLUMNS) :]]
            except (ValueError, SyntaxError, IndexError) as exc:
                raise InputError(path, f"line {number}", f"cannot read row: {exc}") from None
            rows[(src, dst, row[at["flow type"]])] = amounts
    return names, rows


def apply_sdf(base: ProductModel, name: str, column: Mapping[tuple, float]) -> ProductModel:
    """The base model with every listed exchange amount set to the scenario's column."""
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
                exchanges.append(replace(x, amount=amount, uncertainty=_rescaled(x, amount)))
        for key, amount in column.items():
            (db, code), (_, to), kind = key
            if to == activity.code and (key not in sums or not sums[key]) and amount:
                exchanges.append(
                    Exchange(db, code, amount, "", kind, {"uncertainty type": 0, "loc": amount},
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


def _rescaled(x: Exchange, amount: float) -> dict:
    """Keep the relative spread of the distribution when the amount changes."""
    import math

    u = dict(x.uncertainty)
    if u.get("uncertainty type", 0) in (0, 1):
        u["loc"] = amount
    elif u.get("uncertainty type") == 2 and x.amount:
        u["loc"] = math.log(abs(amount))
        u["negative"] = amount < 0
    elif "loc" in u and x.amount:
        ratio = amount / x.amount
        for field in ("loc", "scale", "minimum", "maximum"):
            if field in u and u[field] == u[field]:
                u[field] = u[field] * ratio if field != "scale" else abs(u[field] * ratio)
    return u
