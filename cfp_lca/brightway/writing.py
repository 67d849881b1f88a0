"""Write a Catalog into the current Brightway project: flows, methods, databases.

Only databases and methods named in the data files are written, and only when they are
absent or were written by cfp_lca before; a rebuild with unchanged files writes nothing.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import uuid
import weakref
from collections.abc import Callable, Iterable
from pathlib import Path

import bw2data as bd

from ..model.objects import Catalog, Exchange, Flow, Method, Process, ProductModel
from ..model.structure import check_model
from ..model.units import brightway_unit
from .project import (
    MARKER,
    ProjectError,
    check_sqlite,
    lci_database_file,
    project_lock,
    sqlite_errors,
)
from .project_parameters import (
    brightway_names,
    clear_parameters,
    parameter_rows,
    rename_exchange_formulas,
    write_parameters,
)

logger = logging.getLogger(__name__)


def flow_dataset(flow: Flow) -> dict:
    data = {
        "name": flow.name,
        "unit": brightway_unit(flow.unit),
        "categories": flow.categories,
        # Brightway's node types: a resource taken from nature, or an emission to it
        "type": "natural resource" if flow.categories[:1] == ("natural resource",) else "emission",
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
    if x.formula:
        # bw2data keeps the amount before parameterization as ``original_amount`` (it writes
        # it itself, one exchange at a time, where it is missing)
        data["formula"], data["original_amount"] = x.formula, x.amount
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
        _check_owned(name)
    for method in catalog.methods.values():
        if method.name in bd.methods and MARKER not in bd.methods[method.name]:
            raise ProjectError(f"method {method.name} exists and was not written by cfp_lca")


def _check_owned(name: str) -> None:
    if name in bd.databases and MARKER not in bd.databases[name]:
        raise ProjectError(
            f"database '{name}' exists in project '{bd.projects.current}' and was not written "
            "by cfp_lca; use another project (--project) rather than overwrite it"
        )


def is_current(catalog: Catalog) -> bool:
    """True when every database and method was written, completely, from these very files,
    after the databases whose node ids it holds."""
    return all(
        database_is_complete(name, _database_stamp(catalog, name)) for name in owned_names(catalog)
    ) and all(method_is_complete(m.name, _method_stamp(catalog)) for m in catalog.methods.values())


def write_catalog(catalog: Catalog, force: bool = False) -> bool:
    """Write what is missing, stale or incomplete into the current project (everything with
    ``force``); returns False when all was already current. Databases go in dependency
    order, each stamped after its dependencies are written (see ``_depends``).
    """

    def current() -> bool:
        check_ownership(catalog)
        return not force and is_current(catalog) and not variant_leftovers(catalog)

    def write() -> None:
        _check_linked(catalog)  # before anything is written
        _remove_leftovers(catalog)
        rewritten = []
        for name in owned_names(catalog):
            stamp = _database_stamp(catalog, name)
            if force or not database_is_complete(name, stamp):
                _say_if_edited(catalog, name, stamp)
                data, description = _database_content(catalog, name)
                _write_database(name, data, stamp, description, catalog.libraries,
                                _model_of(catalog, name))  # fmt: skip
                rewritten.append(name)
        _reprocess_dependents(rewritten)
        stamp = _method_stamp(catalog)
        stale = [m for m in catalog.methods.values()
                 if force or not method_is_complete(m.name, stamp)]  # fmt: skip
        matches = foreign_matches(catalog) if stale else []  # once for every method
        for method in stale:
            write_method(method, catalog, stamp, matches)

    return _write_unless(current, write)


def _say_if_edited(catalog: Catalog, name: str, stamp: dict) -> None:
    """Warn when ``name``, written completely from these very files, was changed since
    (an amount or a parameter edited in Activity Browser or bw2data): it is written again from
    the files, which are the model; the warning names the file to edit instead."""
    if name not in bd.databases:
        return
    mark = bd.databases[name].get(MARKER, {})
    if mark.get("state") != "complete" or {k: mark.get(k) for k in stamp} != stamp:
        return
    if mark.get("digest format") != DIGEST_FORMAT:
        return  # written by a version that digested other rows: not an edit
    if database_state(name) == (mark.get("activities"), mark.get("exchanges"), mark.get("digest")):
        return
    model = _model_of(catalog, name)
    where = str(model.path) if model is not None else f"the data file of background '{name}'"
    logger.warning(
        "database '%s' was changed outside cfp_lca (Activity Browser or bw2data: an amount, a "
        "parameter or an activity); it is written again from the data files, which hold the "
        "model: to change it, edit %s", name, where,
    )  # fmt: skip


def _reprocess_dependents(rewritten: list[str]) -> None:
    """Databases cfp_lca did not write that take inputs from one it rewrote (an import linked
    to its biosphere, say) are processed again: a rewrite gives the nodes new ids, which
    bw2data's processed arrays of those databases would otherwise still hold."""
    if not rewritten:
        return
    for name, meta in list(bd.databases.items()):
        if MARKER not in meta and set(meta.get("depends") or ()) & set(rewritten):
            bd.Database(name).process()


def _check_linked(catalog: Catalog) -> None:
    """The activities the catalog's models link to in other databases exist, in their units."""
    from .linking import check_links

    for model in catalog.models.values():
        if model.linked:
            check_links(model)


def ensure_model(catalog: Catalog, model: ProductModel) -> None:
    """The project written and one model variant checked, before it is computed.

    Only the model with its default options is written (with the catalog). Variants from
    options, scenarios or difference files are computations, not data: they are packed
    straight from the model when computed (:mod:`.foreground`), so the project a user opens
    in Activity Browser holds no database per variant.
    """
    check_model(catalog, model)  # variants from difference files bypass the loader's check
    write_catalog(catalog)
    if model.linked:
        from .linking import check_links

        check_links(model)


def variant_leftovers(catalog: Catalog) -> list[str]:
    """Databases that earlier versions of cfp_lca wrote for variants of this catalog's models
    (named after a model's database with ``[options]`` or ``{scenario}``)."""
    prefixes = tuple(f"{m.database}{c}" for m in catalog.models.values() for c in "[{")
    return sorted(name for name, meta in bd.databases.items()
                  if MARKER in meta and name.startswith(prefixes))  # fmt: skip


def _remove_leftovers(catalog: Catalog) -> None:
    """Remove the variant databases earlier versions wrote, saying which (nothing cfp_lca did
    not write is touched)."""
    from .datapackages import forget_cached

    names = variant_leftovers(catalog)
    for name in names:
        del bd.databases[name]
        forget_cached(name)
    if names:
        logger.warning(
            "removed %d variant databases that an earlier cfp_lca wrote (variants are no longer "
            "written): %s", len(names), ", ".join(names),
        )  # fmt: skip


def _write_unless(current: Callable[[], bool], write: Callable[[], None]) -> bool:
    """Run ``write`` unless ``current()``; returns whether it wrote.

    Checked first with the project lock shared (no wait behind other readers when nothing is
    to write), then again holding it alone, so concurrent commands write once and never read
    a half-written database. Before writing, another program's transaction on the project's
    SQLite file is waited for (bounded, see ``project.lock_timeout``); SQLite failures are
    one ProjectError naming the file.
    """
    lock = project_lock()
    with lock.shared(), sqlite_errors():
        if current():
            return False
    with lock.exclusive(), sqlite_errors():
        if current():
            return False
        check_sqlite(lci_database_file(), "restore it from a backup", write=True)
        write()
    return True


_DIGESTS: dict[int, tuple[weakref.ref, str]] = {}  # id of a model -> (the model, its digest)


def content_hash(model: ProductModel) -> str:
    """A digest of a model's activities, exchanges and parameters (what its database holds);
    computed once per model object (models are frozen), as every computation asks for it."""
    found = _DIGESTS.get(id(model))
    if found is not None and found[0]() is model:
        return found[1]
    text = repr((model.activities, model.brightway_parameters))
    digest = hashlib.sha256(text.encode()).hexdigest()
    key = id(model)
    _DIGESTS[key] = (weakref.ref(model, lambda _, key=key: _DIGESTS.pop(key, None)), digest)
    return digest


def _depends(catalog: Catalog, name: str) -> list[str]:
    """Databases whose node ids ``name``'s processed data holds: the biosphere and the
    backgrounds written before it; for a model (or any variant), all of them.

    Rewriting a database gives its nodes new ids, so what was processed against the old ones
    (bw2data's datapackages, a method's factors) must be rewritten too, even after a crash
    between the two writes: each stamp records the write token of its dependencies.
    """
    base = [catalog.biosphere, *catalog.backgrounds]
    return base[: base.index(name)] if name in base else base


def _token(name: str) -> str | None:
    """The token of the last complete write of ``name`` (None when absent or incomplete)."""
    if name not in bd.databases:
        return None
    return bd.databases[name].get(MARKER, {}).get("token")


def _stamp(catalog: Catalog, depends: Iterable[str]) -> dict:
    """What a written database or method must match to be current: the files' content (not
    their path: the same data elsewhere is the same project) and its dependencies' writes."""
    return {"fingerprint": catalog.fingerprint, "depends": {d: _token(d) for d in depends}}


def _database_stamp(catalog: Catalog, name: str) -> dict:
    model = _model_of(catalog, name)
    if model is not None:
        return _model_stamp(catalog, model)
    return _stamp(catalog, _depends(catalog, name))


def _model_stamp(catalog: Catalog, model: ProductModel) -> dict:
    return {**_stamp(catalog, _depends(catalog, model.database)), "content": content_hash(model)}


def _method_stamp(catalog: Catalog) -> dict:
    """A method's stamp also holds the versions of the databases cfp_lca did not write: their
    elementary flows are characterized too (:func:`foreign_factors`), so an import or an edit
    of one rewrites the methods."""
    return {**_stamp(catalog, [catalog.biosphere]), "foreign": foreign_versions()}


def foreign_versions() -> dict[str, str | None]:
    """Modification stamps of the project's databases that cfp_lca did not write."""
    return {
        name: meta.get("modified")
        for name, meta in sorted(bd.databases.items())
        if MARKER not in meta
    }


def _database_content(catalog: Catalog, name: str) -> tuple[dict, str]:
    """Datasets and description of one database the catalog writes."""
    if name == catalog.biosphere:
        data = {(name, f.code): flow_dataset(f) for f in catalog.flows.values()}
        return data, "Elementary flows (greenhouse gases) of cfp_lca"
    if name in catalog.backgrounds:
        return _datasets(catalog.backgrounds[name].values(), catalog), "cfp_lca background"
    model = _model_of(catalog, name)
    return _datasets(model.activities, catalog), model.title


def _model_of(catalog: Catalog, database: str) -> ProductModel | None:
    return next((m for m in catalog.models.values() if m.database == database), None)


def database_is_complete(name: str, stamp: dict) -> bool:
    """True when ``name`` was written from ``stamp`` and holds exactly the rows that the write
    verified: a killed or concurrent write leaves it incomplete, and an edit behind
    cfp_lca's back (plain bw2data, Activity Browser) changes its content digest."""
    if name not in bd.databases:
        return False
    mark = bd.databases[name].get(MARKER, {})
    if mark.get("state") != "complete" or {k: mark.get(k) for k in stamp} != stamp:
        return False
    found = database_state(name)
    return found == (mark.get("activities"), mark.get("exchanges"), mark.get("digest")) and (
        bd.Database(name).filepath_processed().is_file()
    )


def method_is_complete(name: tuple, stamp: dict) -> bool:
    """True when method ``name`` was written from ``stamp`` with all its factors processed,
    and its factor files are the bytes that write left (an edit changes their digest)."""
    if name not in bd.methods:
        return False
    meta = bd.methods[name]
    mark = meta.get(MARKER, {})
    return (
        mark.get("state") == "complete"
        and {k: mark.get(k) for k in stamp} == stamp
        and meta.get("num_cfs") == mark.get("factors")
        and bd.Method(name).filepath_processed().is_file()
        and method_digest(name) == mark.get("digest")
    )


DIGEST_FORMAT = 2  # 2: the Brightway parameters' rows are digested too
ACTIVITY_ROWS = (
    "SELECT id, code, name, location, product, type, data FROM activitydataset "
    "WHERE database = ? ORDER BY code"
)
EXCHANGE_ROWS = (
    "SELECT id, output_code, input_database, input_code, type, data FROM exchangedataset "
    "WHERE output_database = ? ORDER BY id"
)


def database_state(name: str) -> tuple[int, int, str]:
    """(activities, exchanges, content digest) of a database, read straight from the
    project's SQLite file: every column of its rows (pickled ``data`` as stored) in a fixed
    order, so any change of an amount, a key or a node id changes the digest; its Brightway
    parameters' rows too (an edit in Activity Browser)."""
    from bw2data.backends import ActivityDataset

    sql = ActivityDataset._meta.database
    digest = hashlib.blake2b(digest_size=20)
    counts = [_feed(digest, sql.execute_sql(query, (name,))) for query in (ACTIVITY_ROWS,
              EXCHANGE_ROWS)]  # fmt: skip
    digest.update(pickle.dumps(parameter_rows(name), protocol=4))
    return counts[0], counts[1], digest.hexdigest()


def _feed(digest, cursor, batch: int = 10_000) -> int:
    """Add a query's rows to ``digest``, pickled a batch at a time (pickle writes every str,
    int and bytes value length-prefixed, so no two row sets hash alike); returns the
    number of rows."""
    n = 0
    while rows := cursor.fetchmany(batch):
        digest.update(pickle.dumps(rows, protocol=4))
        n += len(rows)
    digest.update(b"\x00end")
    return n


def method_digest(name: tuple) -> str | None:
    """Digest of a method's factor files, the intermediate one (what cfp_lca loads) and the
    processed one (what bw2calc loads); None when one is missing."""
    method = bd.Method(name)
    files = [
        Path(bd.projects.dir) / method._intermediate_dir / f"{method.filename}.pickle",
        method.filepath_processed(),
    ]
    digest = hashlib.blake2b(digest_size=20)
    for path in files:
        try:
            digest.update(path.read_bytes())
        except OSError:
            return None
        digest.update(b"\x00end")
    return digest.hexdigest()


def _datasets(processes: Iterable[Process], catalog: Catalog) -> dict:
    return {p.key: process_dataset(p, catalog) for p in processes}


LIBRARIES = "cfp_lca libraries"  # metadata key: the data libraries a database was written from


def _write_database(
    name: str,
    data: dict,
    stamp: dict,
    description: str,
    libraries: Iterable[dict] = (),
    model: ProductModel | None = None,
) -> None:
    """Write ``name`` marked incomplete, verify what landed, then mark it complete; the
    metadata name the data libraries it came from (name, version), for reports and review.
    A model's database gets its parameters and formulas (:mod:`.project_parameters`)."""
    db = bd.Database(name)
    writing = {**stamp, "state": "writing"}
    if name in bd.databases:
        bd.databases[name] = {**bd.databases[name], MARKER: writing, "description": description}
        bd.databases.flush()
    else:
        db.register(write_empty=False, description=description, **{MARKER: writing})
    clear_parameters(name)
    names = brightway_names(model) if model is not None else {}
    rename_exchange_formulas(data, names)
    db.write(data)
    if model is not None:
        write_parameters(name, model, names)
    expected = (len(data), sum(len(ds.get("exchanges", ())) for ds in data.values()))
    found = database_state(name)
    if found[:2] != expected:
        raise ProjectError(
            f"database '{name}' holds {found[0]} activities and {found[1]} exchanges after "
            f"writing {expected[0]} and {expected[1]}; it stays marked incomplete"
        )
    done = {
        **stamp,
        "state": "complete",
        "activities": found[0],
        "exchanges": found[1],
        "digest": found[2],
        "digest format": DIGEST_FORMAT,
        "token": uuid.uuid4().hex,
    }
    kept = {k: v for k, v in bd.databases[name].items() if k != "dirty"}  # write processed it
    bd.databases[name] = {
        **kept, MARKER: done, "description": description,
        LIBRARIES: _library_versions(libraries),
    }  # fmt: skip
    bd.databases.flush()


def foreign_matches(catalog: Catalog) -> list[tuple]:
    """(key, GasMatch) of every elementary flow of the databases cfp_lca did not write
    (bw2io's biosphere3, an import's own flows) that is a gas of the catalog's flows, by the
    rules of :mod:`.flowmatch`: read and matched once, for all the methods written."""
    from .flowmatch import matcher_of

    matcher = matcher_of(catalog)
    out = []
    for key, name, categories, cas, kind in elementary_flows(foreign_versions()):
        found = matcher.match(name, categories, cas, kind)
        if found is not None and found.flow:
            out.append((key, found))
    return out


def foreign_factors(method: Method, catalog: Catalog, matches: list[tuple]) -> list[tuple]:
    """Factors of ``method`` for the flows of ``matches`` (:func:`foreign_matches`): the
    method in the project then characterizes them, and plain bw2calc or Activity Browser on
    the project give cfp_lca's number. Each factor names the rule."""
    by_flow = {f.flow: f for f in method.factors}
    out = []
    for key, found in matches:
        factor = by_flow.get(found.flow)
        if factor is not None:
            data = {"amount": factor.value, **factor.uncertainty, "source": factor.source,
                    "matched": f"{catalog.biosphere}:{found.flow} by {found.rule}"}  # fmt: skip
            out.append((key, data))
    return out


def elementary_flows(databases) -> list[tuple]:
    """(key, name, categories, CAS number, type) of every elementary flow of ``databases``,
    read in one query."""
    from bw2data.backends import ActivityDataset as AD

    names = list(databases)
    if not names:
        return []
    kinds = set(bd.labels.lci_node_types)
    query = AD.select(AD.database, AD.code, AD.name, AD.type, AD.data).where(AD.database.in_(names))
    out = []
    for db, code, name, kind, blob in query.tuples():
        if kind in kinds or kind is None:
            continue
        data = blob if isinstance(blob, dict) else pickle.loads(blob)
        out.append(((db, code), name, tuple(data.get("categories") or ()),
                    data.get("CAS number"), kind))  # fmt: skip
    return out


def _library_versions(libraries: Iterable[dict]) -> list[dict]:
    """Name and version of each library, bottom first (paths stay out: they are local)."""
    return [{"name": lib["name"], "version": lib["version"]} for lib in libraries]


def write_method(method: Method, catalog: Catalog, stamp: dict, matches: list[tuple]) -> None:
    """Write a method marked incomplete, then mark it complete with its number of factors."""
    m = bd.Method(method.name)
    meta = {
        "unit": method.unit,
        "description": method.description,
        "source": method.source,
        "year": method.year,
    }
    writing = {**stamp, "id": method.id, "state": "writing"}
    m.register(**meta, **{MARKER: writing})  # only when new: it sets bw2data's abbreviation
    bd.methods[method.name] = {**bd.methods[method.name], **meta, MARKER: writing}
    bd.methods.flush()
    own = [
        ((catalog.biosphere, f.flow), {"amount": f.value, **f.uncertainty, "source": f.source})
        for f in method.factors
    ]
    factors = own + foreign_factors(method, catalog, matches)
    m.write(factors)
    done = {**stamp, "id": method.id, "state": "complete", "factors": len(factors),
            "digest": method_digest(method.name)}  # fmt: skip
    versions = {LIBRARIES: _library_versions(catalog.libraries)}
    bd.methods[method.name] = {**bd.methods[method.name], **meta, MARKER: done, **versions}
    bd.methods.flush()
