"""Write a Catalog into the current Brightway project: flows, methods, databases.

Only databases and methods named in the data files are written, and only when they are
absent or were written by cfp_lca before; a rebuild with unchanged files writes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import bw2data as bd

from ..model.objects import Catalog, Exchange, Flow, Method, Process, ProductModel
from ..model.units import brightway_unit
from .project import MARKER, ProjectError


def flow_dataset(flow: Flow) -> dict:
    data = {
        "name": flow.name,
        "unit": brightway_unit(flow.unit),
        "categories": flow.categories,
        "type": "emission",
    }
    for key, value in (
        ("CAS number", flow.cas),
        ("formula", flow.formula),
        ("comment", flow.comment),
    ):
        if value:
            data[key] = value
    return data


def exchange_dataset(x: Exchange, unit_name: str) -> dict:
    data = {
        "input": (x.database, x.code),
        "amount": x.amount,
        "type": x.kind,
        "unit": unit_name,
        "origin": x.origin,
        **x.uncertainty,
    }
    for key, value in (("source", x.source), ("comment", x.comment)):
        if value:
            data[key] = value
    if x.credit:
        data["credit"] = True
    if x.annual_amount is not None:
        data["annual amount"] = x.annual_amount
    if x.pair_as:
        data["pair as"] = x.pair_as
    return data


def process_dataset(p: Process, catalog: Catalog) -> dict:
    exchanges = [
        {"input": p.key, "amount": 1.0, "type": "production", "unit": brightway_unit(p.unit)}
    ]
    for x in p.exchanges:
        unit = catalog.flows[x.code].unit if x.kind == "biosphere" else x.unit
        exchanges.append(exchange_dataset(x, brightway_unit(unit)))
    data = {
        "name": p.name,
        "unit": brightway_unit(p.unit),
        "location": p.location,
        "type": "process",
        "reference product": p.meta.get("reference product", p.name),
        "exchanges": exchanges,
        **{k: v for k, v in p.meta.items() if k != "reference product"},
    }
    if p.stage:
        data["stage"] = p.stage
    return data


def owned_names(catalog: Catalog) -> list[str]:
    """Databases this catalog writes, in dependency order."""
    return [catalog.biosphere, *catalog.backgrounds, *(m.database for m in catalog.models.values())]


def check_ownership(catalog: Catalog) -> None:
    """Refuse to overwrite a database or method that cfp_lca did not write."""
    for name in owned_names(catalog):
        if name in bd.databases and MARKER not in bd.databases[name]:
            raise ProjectError(
                f"database '{name}' exists in project '{bd.projects.current}' and was not written "
                "by cfp_lca; use another project (--project) rather than overwrite it"
            )
    for method in catalog.methods.values():
        if method.name in bd.methods and MARKER not in bd.methods[method.name]:
            raise ProjectError(f"method {method.name} exists and was not written by cfp_lca")


def is_current(catalog: Catalog) -> bool:
    """True when every database and method was written from these very files."""
    names = owned_names(catalog)
    return all(
        n in bd.databases
        and bd.databases[n].get(MARKER, {}).get("fingerprint") == catalog.fingerprint
        for n in names
    ) and all(
        m.name in bd.methods
        and bd.methods[m.name].get(MARKER, {}).get("fingerprint") == catalog.fingerprint
        for m in catalog.methods.values()
    )


def write_catalog(catalog: Catalog, force: bool = False) -> bool:
    """Write everything into the current project; returns False when it was already current."""
    check_ownership(catalog)
    if not force and is_current(catalog):
        return False
    stamp = _stamp(catalog)
    _write_database(
        catalog.biosphere,
        {(catalog.biosphere, f.code): flow_dataset(f) for f in catalog.flows.values()},
        stamp,
        "Elementary flows (greenhouse gases) of cfp_lca",
    )
    for name, processes in catalog.backgrounds.items():
        _write_database(name, _datasets(processes.values(), catalog), stamp, "cfp_lca background")
    for model in catalog.models.values():
        model_stamp = {**stamp, "content": content_hash(model)}
        _write_database(
            model.database, _datasets(model.activities, catalog), model_stamp, model.title
        )
    for method in catalog.methods.values():
        write_method(method, catalog, stamp)
    return True


def ensure_model(catalog: Catalog, model: ProductModel) -> bool:
    """Write one model variant's foreground database unless it holds exactly this content.

    Variants come from options, scenarios or imported difference files, none of which the
    catalog's fingerprint covers, so the stamp is a hash of the activities themselves.
    """
    write_catalog(catalog)
    name = model.database
    stamp = {**_stamp(catalog), "content": content_hash(model)}
    if name in bd.databases:
        mark = bd.databases[name].get(MARKER)
        if mark is None:
            raise ProjectError(f"database '{name}' exists and was not written by cfp_lca")
        if mark == stamp:
            return False
    title = f"{model.title} [{', '.join(f'{k}={v}' for k, v in model.options.items())}]"
    _write_database(name, _datasets(model.activities, catalog), stamp, title)
    return True


def content_hash(model: ProductModel) -> str:
    """A digest of a model's activities and exchanges (what its database holds)."""
    return hashlib.sha256(repr(model.activities).encode()).hexdigest()


def _stamp(catalog: Catalog) -> dict:
    return {"fingerprint": catalog.fingerprint, "data": str(catalog.root)}


def _datasets(processes: Iterable[Process], catalog: Catalog) -> dict:
    return {p.key: process_dataset(p, catalog) for p in processes}


def _write_database(name: str, data: dict, stamp: dict, description: str) -> None:
    db = bd.Database(name)
    db.write(data)
    bd.databases[name] = {**bd.databases[name], MARKER: stamp, "description": description}
    bd.databases.flush()


def write_method(method: Method, catalog: Catalog, stamp: dict) -> None:
    m = bd.Method(method.name)
    meta = {
        "unit": method.unit,
        "description": method.description,
        "source": method.source,
        "year": method.year,
        MARKER: {**stamp, "id": method.id},
    }
    m.register(**meta)
    bd.methods[method.name] = {**bd.methods[method.name], **meta}
    bd.methods.flush()
    m.write(
        [
            ((catalog.biosphere, f.flow), {"amount": f.value, **f.uncertainty, "source": f.source})
            for f in method.factors
        ]
    )
