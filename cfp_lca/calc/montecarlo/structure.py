"""The structure of a model for the fast engine: its matrix entries, classified.

A bw2calc LCA of one product model is split into the foreground (the model's own activities)
and the background reachable from it; every technosphere, biosphere and characterization entry
that matters is put in an :class:`EntrySet` with its local indices, signed static amount and
distribution, in a canonical order keyed by node keys (so the same seed draws the same numbers
for the same exchange in any project).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ...model.objects import ProductModel

if TYPE_CHECKING:  # Brightway is imported where a structure is built, not where one is read
    import bw2calc as bc

# the matrices' sources of uncertainty, and the model's assumptions (parameters of kind
# "assumption"); the data sources are the default: assumptions are studied apart
MATRIX_SOURCES = ("foreground", "background", "characterization")
SOURCES = (*MATRIX_SOURCES, "assumptions")
DATA_SOURCES = MATRIX_SOURCES


class MonteCarloError(ValueError):
    """A model or option the Monte Carlo engines cannot handle."""


def check_sources(sources: Sequence[str]) -> tuple[str, ...]:
    """The selected uncertainty sources in canonical order; an unknown one is an error."""
    if isinstance(sources, str):
        sources = (sources,)
    unknown = set(sources) - set(SOURCES)
    if unknown:
        raise MonteCarloError(f"unknown uncertainty source(s) {sorted(unknown)}; use {SOURCES}")
    return tuple(s for s in SOURCES if s in sources)


@dataclass(frozen=True)
class EntrySet:
    """Matrix entries of one kind. ``target``/``other`` are local indices (see ModelStructure);
    ``amount`` is the signed static value as it enters the matrix, ``sign`` the flip."""

    name: str
    source: str
    target: np.ndarray
    other: np.ndarray
    matrix_row: np.ndarray
    matrix_col: np.ndarray
    amount: np.ndarray
    sign: np.ndarray
    distributions: np.ndarray
    identity: np.ndarray | None = None  # stable per-entry keys (see entry_identity)
    # (row node key, column node key) of each entry, to find a model's exchanges among them
    edges: tuple[tuple[tuple[str, str], tuple[str, str]], ...] = field(default=(), repr=False)
    nodes: np.ndarray | None = None  # (size, 2) bw2data ids of each entry's row and column

    @property
    def size(self) -> int:
        """Number of entries."""
        return int(self.amount.size)


def _group_entries(mm) -> tuple[np.ndarray, ...]:
    """(row, col, signed amount, sign, distributions) of a MappedMatrix's entries."""
    import bw_processing as bwp

    parts: list[tuple[np.ndarray, ...]] = []
    for g in mm.groups:
        if g.empty:
            continue
        if not g.vector:
            raise MonteCarloError(f"resource group {g.label}: only vector data is supported")
        if g.has_rescale:
            raise MonteCarloError(f"resource group {g.label}: rescale arrays are not supported")
        if g.transpose:
            raise MonteCarloError(f"resource group {g.label}: transposed groups not supported")
        row = np.asarray(g.row_masked, dtype=np.int64)
        col = np.asarray(g.col_masked, dtype=np.int64)
        data = np.asarray(g.apply_masks(g.get_resource_by_suffix("data")), dtype=np.float64)
        sign = np.ones(row.size)
        if g.has_flip:
            sign[np.asarray(g.flip, dtype=bool)] = -1.0
        if g.has_distributions:
            dist = np.asarray(g.apply_masks(g.get_resource_by_suffix("distributions")))
        else:
            dist = np.zeros(row.size, dtype=bwp.UNCERTAINTY_DTYPE)
        if not g.package.metadata.get("sum_inter_duplicates", False) and parts:
            mine = set(zip(row.tolist(), col.tolist(), strict=True))
            kept = []
            for p in parts:
                keep = np.array(
                    [(r, c) not in mine for r, c in zip(p[0].tolist(), p[1].tolist(), strict=True)],
                    dtype=bool,
                )
                kept.append(tuple(a[keep] for a in p))
            parts = kept
        parts.append((row, col, data * sign, sign, dist))
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0), np.zeros(0), np.zeros(0, dtype=bwp.UNCERTAINTY_DTYPE)
    return tuple(np.concatenate([p[k] for p in parts]) for k in range(5))


@dataclass(frozen=True)
class ModelStructure:
    """Foreground/background split of a bw2calc LCA of one product model.

    Local indices: foreground activities ``0..nF-1`` (order of ``activity_ids``), reachable
    background activities ``0..nR-1``, interface products (background products bought by the
    foreground) ``0..p-1`` as positions in R, flows ``0..nflows-1``.
    """

    activity_ids: tuple[int, ...]
    activity_codes: tuple[str, ...]
    stages: tuple[str, ...]
    stage_matrix: np.ndarray  # (n_stages, nF) 0/1
    demand: np.ndarray  # (nF,)
    n_background: int
    interface: np.ndarray  # (p,) positions in R
    n_flows: int
    sets: dict[str, EntrySet] = field(repr=False)
    # node ids of the activities of the supply chain: foreground and reachable background
    supply_chain: frozenset[int] = field(default=frozenset(), repr=False)

    @property
    def labels(self) -> tuple[str, ...]:
        """``total`` then the stage codes: the rows of every score array."""
        return ("total", *self.stages)

    @property
    def n_foreground(self) -> int:
        """Number of foreground activities."""
        return len(self.activity_ids)

    def uncertain_entries(self, name: str) -> np.ndarray:
        """Indices of the entries of set ``name`` that have a distribution to draw."""
        kinds = self.sets[name].distributions["uncertainty_type"]
        return np.flatnonzero(~np.isin(kinds, (0, 1)))


def build_structure(model: ProductModel, lca: bc.LCA, identities: bool = True) -> ModelStructure:
    """Classify the entries of ``lca`` (lci and lcia done) for the fast engine."""
    from ...brightway.foreground import model_nodes

    nodes = sorted(model_nodes(model).items())
    ids = [i for i, _ in nodes]
    codes = [code for _, code in nodes]
    stage_of = {a.code: a.stage for a in model.activities}
    stages = tuple(s.code for s in model.stages)
    d_act, d_prod = lca.dicts.activity, lca.dicts.product
    col_F = {d_act[i]: k for k, i in enumerate(ids)}
    row_F = {d_prod[i]: k for k, i in enumerate(ids)}
    rev_prod = {row: pid for pid, row in d_prod.items()}
    demand = np.asarray(lca.demand_array, dtype=np.float64)[[d_prod[i] for i in ids]]
    if not np.isclose(np.abs(demand).sum(), np.abs(lca.demand_array).sum()):
        raise MonteCarloError("the demand must lie in the foreground database")

    tech = _group_entries(lca.technosphere_mm)
    bio = _group_entries(lca.biosphere_mm)
    char = _group_entries(lca.characterization_mm)
    R, interface_rows = _reachable_background(tech[0], tech[1], col_F, row_F, rev_prod, d_act)
    rev_act = {col: aid for aid, col in d_act.items()}
    row_R = {d_prod[rev_act[c]]: k for c, k in R.items()}
    interface = np.array([row_R[r] for r in interface_rows], dtype=np.int64)
    iface_pos = {r: k for k, r in enumerate(interface_rows)}
    sets, n_flows = _classify(tech, bio, char, col_F, row_F, R, row_R, iface_pos)
    # canonical order (by node keys, not by ids that depend on writing order), so that the
    # same seed gives the same draws to the same exchange in any project
    rev_bio = {row: fid for fid, row in lca.dicts.biosphere.items()}
    row_id = {"technosphere": rev_prod, "biosphere": rev_bio}
    col_id = {"technosphere": rev_act, "biosphere": rev_act}
    sets = _in_canonical_order(sets, model, ids, row_id, col_id, identities)
    stage_matrix = np.zeros((len(stages), len(ids)))
    for k, code in enumerate(codes):
        if stage_of.get(code) is not None:
            stage_matrix[stages.index(stage_of[code]), k] = 1.0
    return ModelStructure(
        activity_ids=tuple(ids),
        activity_codes=tuple(codes),
        stages=stages,
        stage_matrix=stage_matrix,
        demand=demand,
        n_background=len(R),
        interface=interface,
        n_flows=n_flows,
        sets=sets,
        supply_chain=frozenset(ids) | frozenset(rev_act[c] for c in R),
    )


def _reachable_background(
    t_row: np.ndarray,
    t_col: np.ndarray,
    col_F: dict[int, int],
    row_F: dict[int, int],
    rev_prod: dict[int, int],
    d_act: dict[int, int],
) -> tuple[dict[int, int], list[int]]:
    """Background columns reachable from the foreground (column -> position, in discovery
    order) and the interface rows (background products the foreground buys), in order."""

    def producer(row: int) -> int:
        pid = rev_prod[row]
        if pid not in d_act:
            raise MonteCarloError(f"product {pid} has no activity of the same id")
        return d_act[pid]

    inputs_of: dict[int, list[int]] = {}
    for r, c in zip(t_row.tolist(), t_col.tolist(), strict=True):
        inputs_of.setdefault(c, []).append(r)
    R: dict[int, int] = {}
    interface_rows: list[int] = []
    stack: list[int] = []
    for c in col_F:
        for r in inputs_of.get(c, []):
            if r in row_F:
                continue
            if r not in interface_rows:
                interface_rows.append(r)
            pc = producer(r)
            if pc not in R:
                R[pc] = len(R)
                stack.append(pc)
    while stack:
        c = stack.pop()
        for r in inputs_of.get(c, []):
            if r in row_F:
                raise MonteCarloError(
                    "a background activity consumes a foreground product; "
                    "the fast engine needs the background independent of the foreground"
                )
            pc = producer(r)
            if pc not in R:
                R[pc] = len(R)
                stack.append(pc)
    return R, interface_rows


def _pick(mask, target, other, rows, cols, amt, sign, dist, name, source) -> EntrySet:
    """The entries under ``mask`` as an EntrySet with the given local indices."""
    return EntrySet(
        name=name,
        source=source,
        target=np.asarray(target, dtype=np.int64),
        other=np.asarray(other, dtype=np.int64),
        matrix_row=rows[mask],
        matrix_col=cols[mask],
        amount=amt[mask],
        sign=sign[mask],
        distributions=dist[mask],
    )


def _classify(
    tech: tuple[np.ndarray, ...],
    bio: tuple[np.ndarray, ...],
    char: tuple[np.ndarray, ...],
    col_F: dict[int, int],
    row_F: dict[int, int],
    R: dict[int, int],
    row_R: dict[int, int],
    iface_pos: dict[int, int],
) -> tuple[dict[str, EntrySet], int]:
    """The six entry sets (in matrix order) and the number of flows they emit."""
    fg_tech, interface, bg_tech = _technosphere_sets(tech, col_F, row_F, R, row_R, iface_pos)
    fg_bio, bg_bio, flow_pos = _biosphere_sets(bio, col_F, R)
    sets = {"fg_tech": fg_tech, "interface": interface, "fg_bio": fg_bio, "bg_tech": bg_tech,
            "bg_bio": bg_bio, "cf": _factor_set(char, flow_pos)}  # fmt: skip
    return sets, len(flow_pos)


def _technosphere_sets(
    tech: tuple[np.ndarray, ...],
    col_F: dict[int, int],
    row_F: dict[int, int],
    R: dict[int, int],
    row_R: dict[int, int],
    iface_pos: dict[int, int],
) -> tuple[EntrySet, EntrySet, EntrySet]:
    """The technosphere entries: within the foreground, from the background into the
    foreground (the interface), within the reachable background."""
    t_row, t_col = tech[0], tech[1]
    tr, tc = t_row.tolist(), t_col.tolist()
    m_ff = np.array([c in col_F and r in row_F for r, c in zip(tr, tc, strict=True)], bool)
    m_if = np.array([c in col_F and r not in row_F for r, c in zip(tr, tc, strict=True)], bool)
    m_rr = np.array([c in R for c in tc], bool)
    fg_tech = _pick(
        m_ff,
        [row_F[r] for r in t_row[m_ff].tolist()],
        [col_F[c] for c in t_col[m_ff].tolist()],
        *tech,
        "fg_tech",
        "foreground",
    )
    interface = _pick(
        m_if,
        [col_F[c] for c in t_col[m_if].tolist()],
        [iface_pos[r] for r in t_row[m_if].tolist()],
        *tech,
        "interface",
        "foreground",
    )
    bg_tech = _pick(
        m_rr,
        [row_R[r] for r in t_row[m_rr].tolist()],
        [R[c] for c in t_col[m_rr].tolist()],
        *tech,
        "bg_tech",
        "background",
    )
    return fg_tech, interface, bg_tech


def _biosphere_sets(
    bio: tuple[np.ndarray, ...], col_F: dict[int, int], R: dict[int, int]
) -> tuple[EntrySet, EntrySet, dict[int, int]]:
    """The biosphere entries of the foreground and of the reachable background, and the
    local index of each flow they emit."""
    b_row, b_col = bio[0], bio[1]
    bc_ = b_col.tolist()
    m_bf = np.array([c in col_F for c in bc_], bool)
    m_br = np.array([c in R for c in bc_], bool)
    flows = sorted(set(b_row[m_bf | m_br].tolist()))
    flow_pos = {f: k for k, f in enumerate(flows)}
    fg_bio = _pick(
        m_bf,
        [col_F[c] for c in b_col[m_bf].tolist()],
        [flow_pos[r] for r in b_row[m_bf].tolist()],
        *bio,
        "fg_bio",
        "foreground",
    )
    bg_bio = _pick(
        m_br,
        [R[c] for c in b_col[m_br].tolist()],
        [flow_pos[r] for r in b_row[m_br].tolist()],
        *bio,
        "bg_bio",
        "background",
    )
    return fg_bio, bg_bio, flow_pos


def _factor_set(char: tuple[np.ndarray, ...], flow_pos: dict[int, int]) -> EntrySet:
    """The characterization factors of the flows emitted (row and column: the flow)."""
    c_row, _c_col, c_amt, c_sign, c_dist = char
    m_cf = np.array([r in flow_pos for r in c_row.tolist()], bool)
    return _pick(m_cf, [flow_pos[r] for r in c_row[m_cf].tolist()],
                 np.zeros(int(m_cf.sum()), dtype=np.int64), c_row, c_row, c_amt, c_sign, c_dist,
                 "cf", "characterization")  # fmt: skip


_MATRIX_OF = {"fg_tech": "technosphere", "interface": "technosphere", "bg_tech": "technosphere"}
_ARRAY_FIELDS = ("target", "other", "matrix_row", "matrix_col", "amount", "sign", "distributions")


def _in_canonical_order(
    sets: dict[str, EntrySet],
    model: ProductModel,
    ids: list[int],
    row_id: dict[str, dict[int, int]],
    col_id: dict[str, dict[int, int]],
    identities: bool = True,
) -> dict[str, EntrySet]:
    """Each set sorted by (column key, row key) of its nodes, with its entries' identities
    (only where asked: paired runs key their draws by them; hashing every exchange of a large
    imported background takes seconds)."""
    wanted = set(ids)
    for name, es in sets.items():
        kind = _MATRIX_OF.get(name, "biosphere")
        wanted.update(row_id[kind][r] for r in es.matrix_row.tolist())
        if name != "cf":
            wanted.update(col_id[kind][c] for c in es.matrix_col.tolist())
    keys = node_keys_or_error(wanted)
    # an exchange marked ``pair_as`` (a swapped supplier) shares draws with the one it replaced
    pair_as = {
        ((x.database, x.code), (model.database, a.code)): x.pair_as
        for a in model.activities for x in a.exchanges if x.pair_as
    }  # fmt: skip

    def paired_row(row: tuple[str, str], col: tuple[str, str]) -> tuple[str, str]:
        if col[0] != model.database:
            return row
        return ("<input>", pair_as.get((row, col), row[1]))

    sets = dict(sets)
    for name, es in list(sets.items()):
        kind = _MATRIX_OF.get(name, "biosphere")
        rk = [keys[row_id[kind][r]] for r in es.matrix_row.tolist()]
        ck = rk if name == "cf" else [keys[col_id[kind][c]] for c in es.matrix_col.tolist()]
        order = sorted(range(es.size), key=lambda k, rk=rk, ck=ck: (ck[k], rk[k], k))
        o = np.array(order, dtype=np.int64)
        identity = None if not identities else np.array(
            [entry_identity(kind if name != "cf" else "cf", paired_row(rk[k], ck[k]), ck[k],
                            model.database)
             for k in order], dtype=np.uint64,
        )  # fmt: skip
        sets[name] = EntrySet(
            name=es.name,
            source=es.source,
            **{f: getattr(es, f)[o] for f in _ARRAY_FIELDS},
            identity=identity,
            edges=tuple((rk[k], ck[k]) for k in order),
            nodes=np.array(
                [(row_id[kind][r], row_id[kind][r] if name == "cf" else col_id[kind][c])
                 for r, c in zip(es.matrix_row[o].tolist(), es.matrix_col[o].tolist(),
                                 strict=True)],
                dtype=np.int64,
            ).reshape(-1, 2),
        )  # fmt: skip
    return sets


def entry_identity(kind: str, row: tuple[str, str], col: tuple[str, str], foreground: str) -> int:
    """A 64-bit key of a matrix entry that does not depend on the foreground database's name,
    so a scenario's copy of an exchange has the same key as the baseline's."""

    def norm(key: tuple[str, str]) -> str:
        return f"<foreground>|{key[1]}" if key[0] == foreground else f"{key[0]}|{key[1]}"

    text = f"{kind}|{norm(row)}|{norm(col)}".encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "little")


def entry_nodes(lca: bc.LCA, matrix: str, row: int, col: int) -> tuple[int, int]:
    """Node ids of a matrix entry: (input or flow, consuming activity); for a
    characterization factor, (flow, flow)."""
    reverse = {
        "technosphere": {v: k for k, v in lca.dicts.product.items()},
        "biosphere": {v: k for k, v in lca.dicts.biosphere.items()},
    }
    activity = {v: k for k, v in lca.dicts.activity.items()}
    if matrix == "characterization":
        flow = reverse["biosphere"][row]
        return flow, flow
    return reverse[matrix][row], activity[col]


SET_MATRIX = {"fg_tech": "technosphere", "interface": "technosphere", "bg_tech": "technosphere",
              "fg_bio": "biosphere", "bg_bio": "biosphere", "cf": "characterization"}  # fmt: skip


def invalid_distributions(lca: bc.LCA, st: ModelStructure, where: list[tuple[str, int]],
                          entries: list[tuple[int, str]]) -> MonteCarloError:  # fmt: skip
    """One error naming each exchange (database, activity, input) whose distribution cannot
    be drawn, all of them in the model's supply chain (the fast engine samples only that)."""
    from ...brightway.linking import node_labels

    pairs = []
    for (name, k), (_, why) in zip(where, entries, strict=True):
        es = st.sets[name]
        pairs.append((entry_nodes(lca, SET_MATRIX[name], int(es.matrix_row[k]),
                                  int(es.matrix_col[k])), why))  # fmt: skip
    keys = node_keys_or_error({i for (a, b), _ in pairs for i in (a, b)})
    labels = node_labels(keys.values())
    shown = "; ".join(
        f"database '{keys[col][0]}', activity {labels.get(keys[col], keys[col][1])!r}, "
        f"exchange {labels.get(keys[row], keys[row][1])!r}: {why}"
        for (row, col), why in pairs[:5]
    )
    more = f" (and {len(pairs) - 5} more)" if len(pairs) > 5 else ""
    return MonteCarloError(
        f"{len(pairs)} distributions in the model's supply chain cannot be drawn: {shown}{more}"
        "; repair them in their database (an import by cfp-lca import repairs and lists them)"
    )


def node_keys_or_error(ids: set[int]) -> dict[int, tuple[str, str]]:
    """(database, code) of bw2data nodes by id; a missing node is a MonteCarloError."""
    from ...brightway.datapackages import node_keys

    try:
        return node_keys(ids)
    except KeyError as exc:
        raise MonteCarloError(exc.args[0]) from None
