"""A model's parameters written into the project as Brightway parameters, so that Activity
Browser and bw2data users meet the model cfp_lca computes: each model parameter a database
parameter of the model's database, each activity's own an activity parameter of its group
(``DATABASE:CODE``), with their formulas and stats_arrays uncertainty, and every exchange the
file gives by a formula carrying that formula in its group. Brightway's own recalculation
(``parameters.recalculate()``, ``ActivityParameter.recalculate_exchanges``) then gives the
amounts cfp_lca stores (see :class:`cfp_lca.model.objects.BrightwayParameter` for the units).
"""

from __future__ import annotations

import ast
from dataclasses import replace

from ..model.formula import with_names_replaced
from ..model.objects import BrightwayParameter, ProductModel

DATABASE_ROWS = (
    "SELECT name, formula, amount, data FROM databaseparameter WHERE database = ? ORDER BY name"
)
ACTIVITY_ROWS = (
    'SELECT "group", code, name, formula, amount, data FROM activityparameter '
    'WHERE database = ? ORDER BY "group", name'
)
EXCHANGE_ROWS = (
    'SELECT "group", exchange, formula FROM parameterizedexchange WHERE "group" IN '
    '(SELECT DISTINCT "group" FROM activityparameter WHERE database = ?) ORDER BY exchange'
)


def group_name(database: str, code: str) -> str:
    """The parameter group of one activity of ``database``."""
    return f"{database}:{code}"


def clear_parameters(database: str) -> None:
    """Remove every parameter, parameterized exchange and group of ``database`` (bw2data's
    own rewrite of a database keeps them, pointing at exchanges it deleted)."""
    from bw2data.parameters import (
        ActivityParameter,
        DatabaseParameter,
        Group,
        ParameterizedExchange,
        parameters,
    )

    AP = ActivityParameter
    groups = [g for (g,) in AP.select(AP.group).where(AP.database == database).distinct().tuples()]
    with parameters.db.atomic():
        ParameterizedExchange.delete().where(ParameterizedExchange.group << groups).execute()
        AP.delete().where(AP.database == database).execute()
        DatabaseParameter.delete().where(DatabaseParameter.database == database).execute()
        Group.delete().where(Group.name << [*groups, database]).execute()


def brightway_names(model: ProductModel) -> dict[str, str]:
    """Parameter names that Brightway's formula language reserves (``e``, ``pi``, ``size``,
    ``mean``: bw2parameters' built-in symbols) -> the name written instead (an underscore
    appended, more while taken); the parameter's data keeps its cfp_lca name."""
    from bw2parameters import ParameterSet

    reserved = ParameterSet({}).interpreter.BUILTIN_SYMBOLS
    taken = {p.name for p in model.brightway_parameters}
    out = {}
    for name in sorted(taken & set(reserved)):
        new = f"{name}_"
        while new in taken or new in reserved:
            new += "_"
        out[name] = new
        taken.add(new)
    return out


def renamed_formula(text: str, names: dict[str, str]) -> str:
    """``text`` with the parameter names of ``names`` replaced."""
    if not names:
        return text
    return with_names_replaced(text, lambda n: ast.Name(names.get(n.id, n.id), n.ctx))


def rename_exchange_formulas(data: dict, names: dict[str, str]) -> None:
    """The exchange formulas of datasets ``data`` with ``names`` replaced, in place."""
    for ds in data.values():
        for x in ds.get("exchanges", ()):
            if "formula" in x:
                x["formula"] = renamed_formula(x["formula"], names)


def write_parameters(database: str, model: ProductModel, names: dict[str, str]) -> None:
    """``model``'s parameters into the written ``database`` (renamed by ``names``, see
    :func:`brightway_names`), and its formula exchanges into their activities' groups."""
    from bw2data.parameters import ActivityParameter, parameters

    rows = [_renamed(p, names) for p in model.brightway_parameters]
    own = [_fields(p) for p in rows if p.scope is None]
    scopes = {p.scope for p in rows if p.scope is not None}
    scopes |= {a.code for a in model.activities if any(x.formula for x in a.exchanges)}
    with parameters.db.atomic():  # one transaction: bw2data commits each row on its own
        if own:
            _database_parameters(database, own)
        for code in sorted(scopes):
            group = group_name(database, code)
            mine = [{**_fields(p), "database": database, "code": code}
                    for p in rows if p.scope == code]  # fmt: skip
            if mine:
                parameters.new_activity_parameters(mine, group)
            else:  # a group of formula exchanges only, as add_exchanges_to_group makes one
                ActivityParameter.insert_dummy(group, (database, code))
        _parameterized_exchanges(database)


def _database_parameters(database: str, rows: list[dict]) -> None:
    """bw2data's ``new_database_parameters`` on a database cleared of them (see
    :func:`clear_parameters`), its rows inserted at once (it saves them one by one, each
    expiring the group again), then recalculated by bw2data, which checks every formula."""
    from bw2data.parameters import DatabaseParameter, Group

    fields = ("name", "amount", "formula")
    DatabaseParameter.insert_many(
        [{"database": database, "name": r["name"], "amount": r["amount"],
          "formula": r.get("formula"), "data": {k: v for k, v in r.items() if k not in fields}}
         for r in rows]
    ).execute()  # fmt: skip
    Group.get_or_create(name=database)[0].expire()
    DatabaseParameter.recalculate(database)


def _parameterized_exchanges(database: str) -> None:
    """Every exchange of ``database`` that carries a formula, in its activity's group: what
    bw2data's ``add_exchanges_to_group`` records, in one insert (it saves them one by one)."""
    import pickle

    from bw2data.backends import ExchangeDataset as ED
    from bw2data.parameters import Group, ParameterizedExchange

    found = ED.select(ED.id, ED.output_code, ED.data).where(ED.output_database == database)
    rows = []
    for exchange, code, blob in found.tuples():
        data = blob if isinstance(blob, dict) else pickle.loads(blob)
        if "formula" in data:
            rows.append({"group": group_name(database, code), "exchange": exchange,
                         "formula": data["formula"]})  # fmt: skip
    if rows:
        ParameterizedExchange.insert_many(rows).execute()
    for group in sorted({r["group"] for r in rows}):
        Group.get_or_create(name=group)[0].expire()


def _renamed(p: BrightwayParameter, names: dict[str, str]) -> BrightwayParameter:
    """``p`` under its Brightway name, its formula over Brightway names."""
    if not names:
        return p
    formula = renamed_formula(p.formula, names) if p.formula is not None else None
    data = {**p.data, "cfp_lca name": p.name} if p.name in names else p.data
    return replace(p, name=names.get(p.name, p.name), formula=formula, data=data)


def _fields(p: BrightwayParameter) -> dict:
    """bw2data's fields of one parameter: name, amount, formula, then its data."""
    out = {"name": p.name, "amount": p.amount, "unit": p.unit, **p.data}
    if p.formula is not None:
        out["formula"] = p.formula
    return out


def parameter_rows(database: str) -> list[list[tuple]]:
    """Every stored row of ``database``'s parameters (database, activity, exchanges), for the
    digest that tells an edit outside cfp_lca."""
    from bw2data.parameters import DatabaseParameter

    sql = DatabaseParameter._meta.database
    return [sql.execute_sql(q, (database,)).fetchall()
            for q in (DATABASE_ROWS, ACTIVITY_ROWS, EXCHANGE_ROWS)]  # fmt: skip
