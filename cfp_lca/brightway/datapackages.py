"""Double-precision datapackages of a written project, for bw2calc.

bw_processing stores the amounts of bw2data's processed datapackages as float32 (relative
precision ~6e-8). A study's annual figures printed to 3 decimals need ~1e-10, so cfp_lca reads
the same nodes and edges from bw2data and packs them with float64 amounts. Matrix indices are
bw2data's node ids, so results are interchangeable with plain ``bw2calc.LCA`` on the project.
Each database's arrays are read once per version and kept in the project folder
(``cfp_lca_float64/``), as bw2data keeps its processed arrays.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import uuid
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import bw2data as bd
import bw_processing as bwp
import numpy as np

from .project_stamp import FLOAT64_FOLDER
from .virtual_nodes import virtual_nodes


def uncertainty_row(data: dict, amount: float) -> tuple:
    """stats_arrays fields of an exchange or factor, as a bw_processing uncertainty row."""
    return (
        int(data.get("uncertainty type", 0) or 0),
        data.get("loc", amount),
        data.get("scale", np.nan),
        data.get("shape", np.nan),
        data.get("minimum", np.nan),
        data.get("maximum", np.nan),
        bool(data.get("negative", False)),
    )


def _vector(dp: bwp.Datapackage, matrix: str, arrays: dict[str, np.ndarray]) -> None:
    """Add one matrix's entries (bw_processing's four arrays, :func:`_entry_arrays`) to ``dp``."""
    dp.add_persistent_vector(
        matrix=matrix,
        name=matrix.replace("_matrix", ""),
        **{f"{a}_array": arrays[a] for a in ARRAYS},
    )


def _edge_kinds() -> dict[str, tuple[str, bool]]:
    """bw2data edge type -> (matrix, flip sign into the technosphere matrix), from its labels."""
    kinds = {t: ("technosphere_matrix", True) for t in bd.labels.technosphere_negative_edge_types}
    kinds |= {t: ("technosphere_matrix", False) for t in bd.labels.technosphere_positive_edge_types}
    kinds |= {t: ("biosphere_matrix", False) for t in bd.labels.biosphere_edge_types}
    return kinds


def table_rows(model: type, columns: str, where: str, params: Sequence) -> list[tuple]:
    """Raw rows of a bw2data table: one SQL query, no per-field ORM conversion (which costs
    more than the query itself on a large database)."""
    table = model._meta.table_name
    cursor = model._meta.database.execute_sql(
        f"SELECT {columns} FROM {table} WHERE {where}", tuple(params)
    )
    return cursor.fetchall()


def _in(column: str, values: Sequence) -> str:
    return f"{column} IN ({', '.join('?' * len(values))})"


def _node_ids(databases: list[str]) -> tuple[dict[tuple[str, str], int], list[int]]:
    """Ids of every node of ``databases`` by key, and the ids of their process nodes, in a
    fixed order (database by database, node id)."""
    from bw2data.backends import ActivityDataset as AD

    ids: dict[tuple[str, str], int] = {}
    processes: list[int] = []
    kinds = set(bd.labels.process_node_types)
    order = {name: k for k, name in enumerate(databases)}
    found = table_rows(AD, "id, database, code, type", _in("database", databases), databases)
    for i, db, code, kind in sorted(found, key=lambda r: (order[r[1]], r[0])):
        ids[(db, code)] = i
        if (kind or "process") in kinds:
            processes.append(i)
    return ids, processes


def input_ids(keys: set[tuple[str, str]], ids: dict[tuple[str, str], int]) -> None:
    """Add to ``ids`` the ids of input nodes outside the loaded databases (e.g. the biosphere)."""
    from bw2data.backends import ActivityDataset as AD

    by_db: dict[str, list[str]] = {}
    for db, code in keys - ids.keys():
        by_db.setdefault(db, []).append(code)
    for db, codes in by_db.items():
        for lo in range(0, len(codes), 500):
            part = codes[lo : lo + 500]
            where = f"database = ? AND {_in('code', part)}"
            for i, code in table_rows(AD, "id, code", where, [db, *part]):
                ids[(db, code)] = i
    unknown = keys - ids.keys()
    if unknown:
        raise KeyError(f"exchanges point to nodes not in the project: {sorted(unknown)[:5]}")


def _stamp(names: list[str]) -> tuple:
    """What identifies the content of ``names`` in the current project: bw2data stamps a
    database's ``modified`` at every write or edit of its nodes and edges."""
    return (
        str(bd.projects.dir),
        tuple(names),
        tuple(bd.databases[n].get("modified") if n in bd.databases else None for n in names),
    )


_PACKAGES: dict[tuple, tuple[dict[str, dict[str, np.ndarray]], dict]] = {}
CACHED_PACKAGES = 8
CACHE_FOLDER = FLOAT64_FOLDER  # in the project's folder, beside bw2data's ``processed``
CACHE_FORMAT = 1
ARRAYS = ("indices", "data", "flip", "distributions")
MATRICES = ("technosphere_matrix", "biosphere_matrix")


def inventory_datapackage(
    databases: Iterable[str], extra: Sequence[dict[str, dict[str, np.ndarray]]] = ()
) -> bwp.Datapackage:
    """Technosphere and biosphere of ``databases`` with float64 amounts and their distributions.

    Each database is read in bulk (one query per table, not one per node) once per version:
    its arrays are kept on disk in the project folder, under its modification stamp and those
    of the databases it takes inputs from, as bw2data keeps its float32 processed arrays, so
    a later command on a large imported database loads them in about bw2calc's time. Entries
    come in a fixed order (database, node id, edge id), whatever SQLite's query plan.
    ``extra``: entries of databases that are computed but not written (:mod:`.foreground`).
    """
    parts = [database_arrays(name) for name in databases] + list(extra)
    dp = bwp.create_datapackage(sum_intra_duplicates=True, sum_inter_duplicates=False)
    for matrix in MATRICES:
        found = [p[matrix] for p in parts if p[matrix]["data"].size]
        if found:
            _vector(dp, matrix, {a: np.concatenate([f[a] for f in found]) for a in ARRAYS})
    return dp


def database_arrays(name: str) -> dict[str, dict[str, np.ndarray]]:
    """The float64 matrix entries of one database: from memory, from the disk cache when it
    is current, or read from the project (and cached)."""
    key = _stamp([name])
    if key in _PACKAGES and _current(_PACKAGES[key][1]):
        return _PACKAGES[key][0]
    path = _cache_path(name)
    found = _load_cached(path)
    if found is None:
        arrays, inputs = _read_database(name)
        _save_cached(path, arrays, inputs)
    else:
        arrays, inputs = found
    if len(_PACKAGES) >= CACHED_PACKAGES:
        del _PACKAGES[next(iter(_PACKAGES))]
    _PACKAGES[key] = (arrays, inputs)
    return arrays


def _current(inputs: dict[str, str | None]) -> bool:
    """True while the databases an array set's ids come from are the versions it was read
    with (a rewritten biosphere gives its flows new ids)."""
    return all(_modified(db) == stamp for db, stamp in inputs.items())


def _cache_path(name: str) -> Path:
    """The cache file of ``name``'s current version (hashed: any database name is a file name)."""
    digest = hashlib.sha256(repr((CACHE_FORMAT, name, _modified(name))).encode()).hexdigest()
    return Path(bd.projects.dir) / CACHE_FOLDER / f"{_cache_tag(name)}-{digest[:24]}.npz"


def _cache_tag(name: str) -> str:
    """The first part of the cache file names of database ``name`` (any name is a file name)."""
    return hashlib.sha256(name.encode()).hexdigest()[:16]


def forget_cached(name: str) -> None:
    """Remove the cached arrays of every version of database ``name`` (a removed database)."""
    for path in (Path(bd.projects.dir) / CACHE_FOLDER).glob(f"{_cache_tag(name)}-*.npz"):
        path.unlink(missing_ok=True)


def _modified(name: str) -> str | None:
    return bd.databases[name].get("modified") if name in bd.databases else None


def _load_cached(path: Path) -> tuple[dict[str, dict[str, np.ndarray]], dict] | None:
    """The arrays in ``path`` and the stamps of their inputs, if it is complete and the
    databases its inputs come from are still the versions it was read with; None otherwise
    (it is then read again)."""
    try:
        with np.load(path, allow_pickle=False) as f:
            inputs = json.loads(str(f["inputs"]))
            if not _current(inputs):
                return None
            return {m: {a: f[f"{m}.{a}"] for a in ARRAYS} for m in MATRICES}, inputs
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, json.JSONDecodeError):
        return None  # absent, or cut short by a killed command: read the database again


def _save_cached(path: Path, arrays: dict, inputs: dict[str, str | None]) -> None:
    """Write the cache file whole or not at all (a temporary file renamed into place), and
    remove the same database's files of older versions."""
    path.parent.mkdir(exist_ok=True)
    flat = {f"{m}.{a}": arrays[m][a] for m in MATRICES for a in ARRAYS}
    tmp = path.with_name(f".tmp-{uuid.uuid4().hex}.npz")
    try:
        with open(tmp, "xb") as f:
            np.savez(f, inputs=np.array(json.dumps(inputs)), **flat)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
        return  # a read-only project: the arrays are still used from memory
    tag = path.name.split("-")[0]
    for old in path.parent.glob(f"{tag}-*.npz"):
        if old != path:
            old.unlink(missing_ok=True)


def _read_database(name: str) -> tuple[dict[str, dict[str, np.ndarray]], dict[str, str | None]]:
    """The float64 entries of database ``name`` read from the project, and the modification
    stamps of the databases its exchanges take inputs from (which its entries' ids depend on)."""
    from bw2data.backends import ExchangeDataset as ED

    ids, processes = _node_ids([name])
    columns = "output_code, input_database, input_code, type, data, id"
    rows = sorted(
        table_rows(ED, columns, "output_database = ?", [name]),
        key=lambda e: (ids[(name, e[0])], e[5]),
    )
    loads = pickle.loads  # bw2data's PickleField
    edges = [(out, in_db, code, kind, loads(blob)) for out, in_db, code, kind, blob, _ in rows]
    input_ids({(e[1], e[2]) for e in edges}, ids)
    inputs = {db: _modified(db) for db in sorted({e[1] for e in edges} | {name})}
    return matrix_entries(name, edges, ids, processes), inputs


Edge = tuple[str, str, str, str, dict]  # output code, input database, input code, type, data


def matrix_entries(name: str, edges: Sequence[Edge], ids: dict[tuple[str, str], int],
                   processes: Sequence[int]) -> dict[str, dict[str, np.ndarray]]:  # fmt: skip
    """The technosphere and biosphere entries of database ``name``'s ``edges`` (in the order
    given), as bw2data would process them: edge types by its labels, and a process node
    without a production edge producing one unit of itself."""
    kinds = _edge_kinds()
    process_set = set(processes)
    rows: dict[str, list[tuple]] = {m: [] for m in MATRICES}
    produced: set[int] = set()
    producing = set(bd.labels.technosphere_positive_edge_types) - {"substitution"}
    for out_code, in_db, in_code, kind, data in edges:
        col = ids[(name, out_code)]
        if col not in process_set:
            continue
        if kind not in kinds:
            raise ValueError(f"exchange of {(name, out_code)} has unknown type {kind!r}")
        matrix, flip = kinds[kind]
        amount = float(data["amount"])
        if kind in producing:
            produced.add(col)
        rows[matrix].append(
            (ids[(in_db, in_code)], col, amount, flip, uncertainty_row(data, amount))
        )
    for col in processes:
        if col not in produced:
            rows["technosphere_matrix"].append((col, col, 1.0, False, uncertainty_row({}, 1.0)))
    return {m: _entry_arrays(rows[m]) for m in MATRICES}


def _entry_arrays(rows: list[tuple]) -> dict[str, np.ndarray]:
    """(row, col, amount, flip, uncertainty) rows as bw_processing's four arrays."""
    return {
        "indices": np.array([(r[0], r[1]) for r in rows], dtype=bwp.INDICES_DTYPE),
        "data": np.array([r[2] for r in rows], dtype=np.float64),
        "flip": np.array([r[3] for r in rows], dtype=bool),
        "distributions": np.array([r[4] for r in rows], dtype=bwp.UNCERTAINTY_DTYPE),
    }


def method_datapackage(method: tuple[str, ...]) -> bwp.Datapackage:
    """Characterization factors of ``method`` with float64 values and their distributions.

    A method cfp_lca wrote holds factors for the flows of the project's other biosphere
    databases too (``writing.foreign_factors``): what is loaded here is what bw2calc loads.
    """
    entries = []
    keys = []
    for key, cf in bd.Method(method).load():
        data = cf if isinstance(cf, dict) else {"amount": cf}
        amount = float(data["amount"])
        keys.append(key)
        entries.append((key, key, amount, False, uncertainty_row(data, amount)))
    ids = _flow_ids([k for k in keys if not isinstance(k, int)])
    entries = [(_id(e[0], ids), _id(e[1], ids), *e[2:]) for e in entries]
    dp = bwp.create_datapackage(sum_intra_duplicates=True, sum_inter_duplicates=False)
    _vector(dp, "characterization_matrix", _entry_arrays(entries))
    return dp


def method_digest(method: tuple[str, ...]) -> str | None:
    """A digest of the factors ``method`` holds now (the file ``load`` reads): a method
    rewritten with as many factors leaves bw2data's metadata as it was, so its stamps cannot
    tell a warm engine that the factors changed. None for a method the project lacks."""
    if method not in bd.methods:
        return None
    try:
        # where bw2data's DataStore.load reads it (``_intermediate_dir`` is "intermediate")
        store = bd.Method(method)
        path = Path(bd.projects.dir) / store._intermediate_dir / f"{store.filename}.pickle"
        data = path.read_bytes()
    except OSError:
        return None
    return hashlib.sha256(data).hexdigest()


def method_flow_ids(method: tuple[str, ...]) -> set[int]:
    """Node ids of the flows ``method`` has a factor for (zero factors included)."""
    keys = [key for key, _ in bd.Method(method).load()]
    ids = _flow_ids([k for k in keys if not isinstance(k, int)])
    return {_id(k, ids) for k in keys}


def _id(key, ids: dict) -> int:
    return key if isinstance(key, int) else ids[tuple(key)]


def _flow_ids(keys: list) -> dict[tuple[str, str], int]:
    """Node ids of (database, code) keys, in batched queries."""
    ids: dict[tuple[str, str], int] = {}
    input_ids({tuple(k) for k in keys}, ids)
    return ids


def node_keys(ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """(database, code) of bw2data nodes by id, in batched queries; a computed variant's
    nodes (:mod:`.virtual_nodes`) by their ids in this process."""
    from bw2data.backends import ActivityDataset as AD

    ids = set(ids)
    virtual = virtual_nodes(str(bd.projects.dir)).keys
    out: dict[int, tuple[str, str]] = {i: virtual[i] for i in ids if i in virtual}
    todo = sorted(ids - out.keys())
    for lo in range(0, len(todo), 500):
        part = todo[lo : lo + 500]
        for i, db, code in AD.select(AD.id, AD.database, AD.code).where(AD.id.in_(part)).tuples():
            out[i] = (db, code)
    missing = ids - set(out)
    if missing:
        raise KeyError(f"nodes {sorted(missing)[:5]} are not in the project")
    return out


def foreground_nodes(database: str) -> dict[int, str]:
    """Node id -> code of every node of ``database``, ordered by code.

    Iterating ``bw2data.Database`` yields its nodes in a random order (``ORDER BY RANDOM()``
    unless ``order_by`` is set), and sums taken in that order (a stage's contributions) then
    differ in their last bits from one run to the next; this order is fixed.
    """
    from bw2data.backends import ActivityDataset as AD

    rows = table_rows(AD, "id, code", "database = ?", [database])
    return {i: code for i, code in sorted(rows, key=lambda r: r[1])}


def dependency_order(database: str) -> list[str]:
    """``database`` and every database it depends on, dependencies first."""
    seen: list[str] = []

    def visit(name: str) -> None:
        if name in seen:
            return
        for dep in bd.databases[name].get("depends", []):
            visit(dep)
        seen.append(name)

    visit(database)
    return seen
