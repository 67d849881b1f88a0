"""Links from cfp_lca models to databases it did not write (ecoinvent imported with bw2io, any
Brightway database): find an activity by its code or by name, reference product, location and
unit, with the candidates named when there are none or several; Brightway's unit names read as
pint units (``model.units.BRIGHTWAY_UNITS``). (The biosphere flows of such databases that
cfp_lca's GWP flows stand for are characterized by the methods: ``writing.foreign_factors``.)
"""

from __future__ import annotations

from collections.abc import Mapping

import bw2data as bd

from ..model.objects import Catalog, Process
from ..model.units import UnitProblem, parse_unit, pint_text

FIELDS = ("name", "reference product", "location", "unit")
SHOWN = 10


class LinkProblem(LookupError):
    """A reference to an outside database that finds no activity, or several."""


def pint_unit(bw_unit: str) -> str:
    """The pint unit of a Brightway unit name ("kilowatt hour" -> "kWh"); pint's own names
    pass through; anything else is a LinkProblem, never a guessed factor."""
    text = pint_text(bw_unit)
    try:
        parse_unit(text)
    except UnitProblem as exc:
        raise LinkProblem(f"unit '{bw_unit}' has no pint equivalent: {exc}") from None
    return text


def _describe(node: Mapping) -> str:
    return " | ".join(str(node.get(f) or "-") for f in FIELDS) + f" | code {node['code']}"


def find_activity(database: str, code: str | None = None, **fields: str) -> bd.Node:
    """The activity of ``database`` with ``code``, or the one whose ``fields`` (name,
    reference_product, location, unit) all match exactly; none or several is a LinkProblem
    listing the candidates."""
    if database not in bd.databases:
        raise LinkProblem(f"database '{database}' is not in project '{bd.projects.current}'")
    wanted = {k.replace("_", " "): v for k, v in fields.items() if v is not None}
    if code is not None:
        return _by_code(database, code, wanted)
    if not wanted:
        raise LinkProblem(f"a link to '{database}' needs a code or a name")
    return _by_fields(database, wanted)


def _by_code(database: str, code: str, wanted: dict) -> bd.Node:
    """The activity ``code`` of ``database``, whose other given fields must agree."""
    try:
        node = bd.get_node(database=database, code=code)
    except bd.errors.UnknownObject:
        raise LinkProblem(f"no activity with code '{code}' in '{database}'") from None
    wrong = {k: v for k, v in wanted.items() if node.get(k) != v}
    if wrong:
        raise LinkProblem(f"activity '{code}' of '{database}' is {_describe(node)}, not {wrong}")
    return node


def _by_fields(database: str, wanted: dict) -> bd.Node:
    """The one activity of ``database`` matching every field; else the candidates listed."""
    db = bd.Database(database)
    hits = [n for n in db if all(n.get(k) == v for k, v in wanted.items())]
    if len(hits) == 1:
        return hits[0]
    if hits:
        listed = "; ".join(sorted(_describe(n) for n in hits)[:SHOWN])
        raise LinkProblem(
            f"{len(hits)} activities of '{database}' match {wanted}: {listed}; add location, "
            "reference product or unit, or give the code"
        )
    near = [n for n in db if n.get("name") == wanted.get("name")] or [
        n for n in db if str(wanted.get("name", "")).lower() in str(n.get("name", "")).lower()
    ]
    listed = "; ".join(sorted(_describe(n) for n in near)[:SHOWN]) or "none with that name"
    raise LinkProblem(f"no activity of '{database}' matches {wanted}; candidates: {listed}")


def resolve_link(link) -> str:
    """The code of the activity a model's link (schema.LinkSpec) names, its unit checked:
    the link's unit and the database's must be the same unit (a mismatch is an error, never
    a conversion factor)."""
    fields = {
        "name": link.name,
        "reference_product": link.reference_product,
        "location": link.location,
    }
    node = find_activity(link.database, link.code, **fields)
    check_unit(node, link.unit)
    return node["code"]


def check_unit(node: Mapping, unit: str) -> None:
    """``unit`` (pint) is the unit of ``node`` (a Brightway activity), or a LinkProblem."""
    theirs = pint_unit(str(node.get("unit", "")))
    if parse_unit(theirs) != parse_unit(unit):
        raise LinkProblem(
            f"activity {_describe(node)} of '{node['database']}' is per {node.get('unit')} "
            f"({theirs}), not per {unit}: state the amount per {theirs}"
        )


def node_label(name: str, product: str | None, location: str | None) -> str:
    """An activity as a reader knows it: "name | reference product [location]", the product
    left out where it is the name."""
    label = str(name or "").strip()
    if product and str(product).strip() != label:
        label += f" | {str(product).strip()}"
    return f"{label} [{location}]" if location else label


def node_labels(keys) -> dict[tuple[str, str], str]:
    """Labels (:func:`node_label`) of activities by (database, code), in batched queries."""
    from bw2data.backends import ActivityDataset as AD

    out: dict[tuple[str, str], str] = {}
    by_db: dict[str, list[str]] = {}
    for db, code in keys:
        by_db.setdefault(db, []).append(code)
    for db, codes in by_db.items():
        for lo in range(0, len(codes), 500):
            part = codes[lo : lo + 500]
            query = AD.select(AD.code, AD.name, AD.product, AD.location).where(
                (AD.database == db) & AD.code.in_(part)
            )
            for code, name, product, location in query.tuples():
                out[(db, code)] = node_label(name, product, location)
    return out


def catalog_process(catalog: Catalog, database: str, code: str) -> Process:
    """A process a model buys: the catalog's, or the activity of a database a model links to
    (read from the current Brightway project)."""
    if catalog.holds(database):
        return catalog.process(database, code)
    return linked_process(database, code)


def linked_process(database: str, code: str) -> Process:
    """A linked activity as a cfp_lca Process (name, unit, location, no exchanges), for the
    tables that describe the processes a model buys."""
    node = bd.get_node(database=database, code=code)
    meta = {
        "source": f"Brightway database '{database}' (linked, read only)",
        "reference product": node.get("reference product") or node.get("name"),
    }
    return Process(
        database, code, str(node.get("name")), pint_unit(str(node.get("unit", "unit"))), (),
        str(node.get("location") or "GLO"), meta=meta,
    )  # fmt: skip


def check_links(model) -> None:
    """Every exchange of ``model`` to a database cfp_lca did not write names an activity that
    exists there, in the unit the model states (a ProductModel; its ``linked`` databases)."""
    from ..errors import InputError

    for activity in model.activities:
        for x in activity.exchanges:
            if x.kind == "technosphere" and x.database in model.linked:
                try:
                    check_unit(find_activity(x.database, x.code), x.unit)
                except LinkProblem as exc:
                    raise InputError(model.path, x.origin.split(": ", 1)[-1], str(exc)) from None
