"""Monte Carlo uncertainty of a product model: bw2calc's own iteration, and a fast engine.

``engine="brightway"`` iterates bw2calc's stochastic LCA: slow, and the reference.
``engine="fast"`` reads the same matrix entries and distributions from a bw2calc LCA and:

1. pre-solves the background once: the characterized score per unit of every background
   product bought by the foreground (``h``); per sample only when background values vary;
2. draws all samples of the uncertain values at once, chunk by chunk
   (:mod:`cfp_lca.calc.sampling`), sign flips and duplicate sums as matrix_utils applies them;
3. solves the foreground supply for all samples at once (:mod:`cfp_lca.calc.solvers`);
4. attributes each foreground activity its own characterized emissions plus
   amount x ``h`` of each background product it buys (as ``lcia.foreground_contributions``),
   sums them into stages and the total, and streams the statistics.

The score algebra: with the foreground (F) and the background reachable from it (R),
``A_FF s = f``, ``h_R = A_RR^-T (C B_R)^T 1``, ``u_F = (C B_F)^T 1 - A_RF^T h_R`` and the
contribution of foreground activity j is ``s_j u_j``; their sum is bw2calc's score.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import bw2calc as bc
import bw2data as bd
import bw_processing as bwp
import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import splu

from ..brightway.datapackages import (
    dependency_order,
    inventory_datapackage,
    method_datapackage,
    node_keys,
)
from ..model.objects import Catalog, Method, ProductModel
from . import sampling
from .lcia import foreground_contributions, model_lca
from .sampling import BLOCK_SIZE, Sampler
from .solvers import BatchedSystem

SOURCES = ("foreground", "background", "characterization")
PERCENTILES = (2.5, 5.0, 25.0, 50.0, 75.0, 95.0, 97.5)
DEFAULT_CHUNK = 16 * BLOCK_SIZE
GROUP_BLOCKS = 4  # blocks evaluated together by the fast engine (fewer, longer numpy calls)
FLOAT64_STORE_BYTES = 256 * 2**20
MAX_REPORTED_SINGULAR = 1000
Z95 = 1.959963984540054


class MonteCarloError(ValueError):
    """A model or option the Monte Carlo engines cannot handle."""


# --------------------------------------------------------------------------------------------
# Structure: the matrix entries that matter, classified, with their distributions
# --------------------------------------------------------------------------------------------


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

    @property
    def size(self) -> int:
        return int(self.amount.size)


def _group_entries(mm) -> tuple[np.ndarray, ...]:
    """(row, col, signed amount, sign, distributions) of a MappedMatrix's entries."""
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

    @property
    def labels(self) -> tuple[str, ...]:
        return ("total", *self.stages)

    @property
    def n_foreground(self) -> int:
        return len(self.activity_ids)

    def uncertain_entries(self, name: str) -> np.ndarray:
        kinds = self.sets[name].distributions["uncertainty_type"]
        return np.flatnonzero(~np.isin(kinds, (0, 1)))


def build_structure(model: ProductModel, lca: bc.LCA) -> ModelStructure:
    """Classify the entries of ``lca`` (lci and lcia done) for the fast engine."""
    nodes = sorted(bd.Database(model.database), key=lambda n: n.id)
    ids = [n.id for n in nodes]
    codes = [n["code"] for n in nodes]
    stage_of = {a.code: a.stage for a in model.activities}
    stages = tuple(s.code for s in model.stages)
    d_act, d_prod = lca.dicts.activity, lca.dicts.product
    col_F = {d_act[i]: k for k, i in enumerate(ids)}
    row_F = {d_prod[i]: k for k, i in enumerate(ids)}
    rev_prod = {row: pid for pid, row in d_prod.items()}
    demand = np.asarray(lca.demand_array, dtype=np.float64)[[d_prod[i] for i in ids]]
    if not np.isclose(np.abs(demand).sum(), np.abs(lca.demand_array).sum()):
        raise MonteCarloError("the demand must lie in the foreground database")

    t_row, t_col, t_amt, t_sign, t_dist = _group_entries(lca.technosphere_mm)
    b_row, b_col, b_amt, b_sign, b_dist = _group_entries(lca.biosphere_mm)
    c_row, _c_col, c_amt, c_sign, c_dist = _group_entries(lca.characterization_mm)

    def producer(row: int) -> int:
        pid = rev_prod[row]
        if pid not in d_act:
            raise MonteCarloError(f"product {pid} has no activity of the same id")
        return d_act[pid]

    inputs_of: dict[int, list[int]] = {}
    for r, c in zip(t_row.tolist(), t_col.tolist(), strict=True):
        inputs_of.setdefault(c, []).append(r)
    # background reachable from the foreground, in discovery order
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
    rev_act = {col: aid for aid, col in d_act.items()}
    row_R = {d_prod[rev_act[c]]: k for c, k in R.items()}
    interface = np.array([row_R[r] for r in interface_rows], dtype=np.int64)
    iface_pos = {r: k for k, r in enumerate(interface_rows)}

    def pick(mask, target, other, rows, cols, amt, sign, dist, name, source):
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

    tr, tc = t_row.tolist(), t_col.tolist()
    m_ff = np.array([c in col_F and r in row_F for r, c in zip(tr, tc, strict=True)], bool)
    m_if = np.array([c in col_F and r not in row_F for r, c in zip(tr, tc, strict=True)], bool)
    m_rr = np.array([c in R for c in tc], bool)
    t_args = (t_row, t_col, t_amt, t_sign, t_dist)
    bc_ = b_col.tolist()
    m_bf = np.array([c in col_F for c in bc_], bool)
    m_br = np.array([c in R for c in bc_], bool)
    flows = sorted(set(b_row[m_bf | m_br].tolist()))
    flow_pos = {f: k for k, f in enumerate(flows)}
    m_cf = np.array([r in flow_pos for r in c_row.tolist()], bool)
    b_args = (b_row, b_col, b_amt, b_sign, b_dist)

    sets = {
        "fg_tech": pick(
            m_ff,
            [row_F[r] for r in t_row[m_ff].tolist()],
            [col_F[c] for c in t_col[m_ff].tolist()],
            *t_args,
            "fg_tech",
            "foreground",
        ),
        "interface": pick(
            m_if,
            [col_F[c] for c in t_col[m_if].tolist()],
            [iface_pos[r] for r in t_row[m_if].tolist()],
            *t_args,
            "interface",
            "foreground",
        ),
        "fg_bio": pick(
            m_bf,
            [col_F[c] for c in b_col[m_bf].tolist()],
            [flow_pos[r] for r in b_row[m_bf].tolist()],
            *b_args,
            "fg_bio",
            "foreground",
        ),
        "bg_tech": pick(
            m_rr,
            [row_R[r] for r in t_row[m_rr].tolist()],
            [R[c] for c in t_col[m_rr].tolist()],
            *t_args,
            "bg_tech",
            "background",
        ),
        "bg_bio": pick(
            m_br,
            [R[c] for c in b_col[m_br].tolist()],
            [flow_pos[r] for r in b_row[m_br].tolist()],
            *b_args,
            "bg_bio",
            "background",
        ),
        "cf": pick(
            m_cf,
            [flow_pos[r] for r in c_row[m_cf].tolist()],
            np.zeros(int(m_cf.sum()), dtype=np.int64),
            c_row,
            c_row,
            c_amt,
            c_sign,
            c_dist,
            "cf",
            "characterization",
        ),
    }
    # canonical order (by node keys, not by ids that depend on writing order), so that the
    # same seed gives the same draws to the same exchange in any project
    rev_bio = {row: fid for fid, row in lca.dicts.biosphere.items()}
    row_id = {"technosphere": rev_prod, "biosphere": rev_bio}
    col_id = {"technosphere": rev_act, "biosphere": rev_act}
    matrix_of = {"fg_tech": "technosphere", "interface": "technosphere", "bg_tech": "technosphere"}
    wanted = set(ids)
    for name, es in sets.items():
        kind = matrix_of.get(name, "biosphere")
        wanted.update(row_id[kind][r] for r in es.matrix_row.tolist())
        if name != "cf":
            wanted.update(col_id[kind][c] for c in es.matrix_col.tolist())
    keys = _node_keys(wanted)
    # an exchange marked ``pair_as`` (a swapped supplier) shares draws with the one it replaced
    pair_as = {
        ((x.database, x.code), (model.database, a.code)): x.pair_as
        for a in model.activities for x in a.exchanges if x.pair_as
    }  # fmt: skip

    def paired_row(row: tuple[str, str], col: tuple[str, str]) -> tuple[str, str]:
        if col[0] != model.database:
            return row
        return ("<input>", pair_as.get((row, col), row[1]))

    for name, es in list(sets.items()):
        kind = matrix_of.get(name, "biosphere")
        rk = [keys[row_id[kind][r]] for r in es.matrix_row.tolist()]
        ck = rk if name == "cf" else [keys[col_id[kind][c]] for c in es.matrix_col.tolist()]
        order = sorted(range(es.size), key=lambda k, rk=rk, ck=ck: (ck[k], rk[k], k))
        o = np.array(order, dtype=np.int64)
        identity = np.array(
            [entry_identity(kind if name != "cf" else "cf", paired_row(rk[k], ck[k]), ck[k],
                            model.database)
             for k in order], dtype=np.uint64,
        )  # fmt: skip
        sets[name] = EntrySet(
            name=es.name,
            source=es.source,
            **{f: getattr(es, f)[o] for f in _ARRAY_FIELDS},
            identity=identity,
        )
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
        n_flows=len(flows),
        sets=sets,
    )


_ARRAY_FIELDS = ("target", "other", "matrix_row", "matrix_col", "amount", "sign", "distributions")


def entry_identity(kind: str, row: tuple[str, str], col: tuple[str, str], foreground: str) -> int:
    """A 64-bit key of a matrix entry that does not depend on the foreground database's name,
    so a scenario's copy of an exchange has the same key as the baseline's."""

    def norm(key: tuple[str, str]) -> str:
        return f"<foreground>|{key[1]}" if key[0] == foreground else f"{key[0]}|{key[1]}"

    text = f"{kind}|{norm(row)}|{norm(col)}".encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "little")


def _node_keys(ids: set[int]) -> dict[int, tuple[str, str]]:
    """(database, code) of bw2data nodes by id; a missing node is a MonteCarloError."""
    try:
        return node_keys(ids)
    except KeyError as exc:
        raise MonteCarloError(exc.args[0]) from None


# --------------------------------------------------------------------------------------------
# Evaluator: scores of all samples from entry values
# --------------------------------------------------------------------------------------------


def _sum_matrix(targets: np.ndarray, n_targets: int, weights: np.ndarray | None = None):
    """Sparse (n_targets, len(targets)) matrix summing entries into their targets."""
    w = np.ones(targets.size) if weights is None else weights
    return sp.csr_matrix((w, (targets, np.arange(targets.size))), shape=(n_targets, targets.size))


class Evaluator:
    """Total and stage scores for many samples; ``uncertain[name]`` lists the entries of each
    set whose values are given per sample, the other entries keep their static amount."""

    def __init__(self, structure: ModelStructure, uncertain: dict[str, np.ndarray]):
        self.s = structure
        S = structure.sets
        self.unc = {k: np.asarray(uncertain.get(k, np.zeros(0)), dtype=np.int64) for k in S}
        self.static_mask = {}
        for k, es in S.items():
            m = np.ones(es.size, dtype=bool)
            m[self.unc[k]] = False
            self.static_mask[k] = m
        nF, nR, nfl = structure.n_foreground, structure.n_background, structure.n_flows
        p = structure.interface.size
        # characterization factors per flow
        cf = S["cf"]
        sm = self.static_mask["cf"]
        self.cf_static = np.bincount(cf.target[sm], cf.amount[sm], minlength=nfl)[:, None]
        self.cf_sum = _sum_matrix(cf.target[self.unc["cf"]], nfl)
        # direct characterized emissions: static biosphere entries x c, uncertain ones
        self.bio = {}
        for name, n_act in (("fg_bio", nF), ("bg_bio", nR)):
            es, sm, un = S[name], self.static_mask[name], self.unc[name]
            static_map = sp.csr_matrix(
                (es.amount[sm], (es.target[sm], es.other[sm])), shape=(n_act, nfl)
            )
            self.bio[name] = (static_map, _sum_matrix(es.target[un], n_act), es.other[un])
        # with static characterization factors: the static part of each set's direct emissions
        # as one column, and the uncertain entries summed with their factor as weight
        self.bio_static_c = {}
        if self.unc["cf"].size == 0:
            c = self.cf_static[:, 0]
            for name, n_act in (("fg_bio", nF), ("bg_bio", nR)):
                static_map, _, flows = self.bio[name]
                un = self.unc[name]
                self.bio_static_c[name] = (
                    np.asarray(static_map @ self.cf_static),
                    _sum_matrix(S[name].target[un], n_act, c[flows]) if flows.size else None,
                )
        # interface purchases: u_F -= A_RF^T h
        es, sm, un = S["interface"], self.static_mask["interface"], self.unc["interface"]
        self.if_static = sp.csr_matrix(
            (es.amount[sm], (es.target[sm], es.other[sm])), shape=(nF, p)
        )
        self.if_sum = _sum_matrix(es.target[un], nF)
        self.if_other = es.other[un]
        # foreground and background systems
        fg = S["fg_tech"]
        self.fg_system = BatchedSystem(nF, fg.target, fg.other, fg.amount, self.unc["fg_tech"])
        bg = S["bg_tech"]
        self.bg_system = BatchedSystem(nR, bg.target, bg.other, bg.amount, self.unc["bg_tech"])
        self.bg_transposed = self.bg_system.transposed()
        self.bg_static_inverse = None
        if self.unc["bg_tech"].size == 0 and nR:
            A = sp.csc_matrix((bg.amount, (bg.target, bg.other)), shape=(nR, nR))
            rhs = np.zeros((nR, p))
            rhs[structure.interface, np.arange(p)] = 1.0
            # h_int = (A^-1 E)^T d_R
            self.bg_static_inverse = np.atleast_2d(splu(A).solve(rhs)).reshape(nR, p).T.copy()

    def characterization(self, values: np.ndarray | None) -> np.ndarray:
        if self.unc["cf"].size == 0:
            return self.cf_static
        return self.cf_static + self.cf_sum @ values

    def _direct(self, name: str, c: np.ndarray, values: np.ndarray | None) -> np.ndarray:
        if name in self.bio_static_c:
            static, weighted = self.bio_static_c[name]
            if weighted is None:
                return static
            d = weighted @ values
            d += static
            return d
        static_map, unc_sum, flows = self.bio[name]
        d = static_map @ c
        if flows.size:
            d = d + unc_sum @ (values * c[flows])
        return np.asarray(d)

    def scores(
        self, values: dict[str, np.ndarray], n_samples: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """(1 + n_stages, N) scores and the (N,) singular mask. ``values[name]`` is
        (len(uncertain[name]), N) in matrix sign."""
        s = self.s
        N = n_samples
        c = self.characterization(values.get("cf"))
        bad = np.zeros(N, dtype=bool)
        p = s.interface.size
        if p:
            d_R = self._direct("bg_bio", c, values.get("bg_bio"))
            if self.bg_static_inverse is not None:
                h = self.bg_static_inverse @ d_R
            else:
                rhs = d_R if d_R.shape[1] in (1, N) else np.broadcast_to(d_R, (d_R.shape[0], N))
                h_R, bad_R = self.bg_transposed.solve(values.get("bg_tech"), rhs, N)
                h = h_R[s.interface]
                bad |= bad_R
        else:
            h = np.zeros((0, 1))
        u = self._direct("fg_bio", c, values.get("fg_bio"))
        if p:
            u = u - np.asarray(self.if_static @ h)
            if self.if_other.size:
                u = u - self.if_sum @ (values["interface"] * h[self.if_other])
        supply, bad_F = self.fg_system.solve(values.get("fg_tech"), s.demand[:, None], N)
        bad |= bad_F
        contrib = supply * u
        out = np.empty((1 + len(s.stages), N))
        out[0] = contrib.sum(axis=0)
        out[1:] = s.stage_matrix @ contrib
        bad |= ~np.isfinite(out).all(axis=0)
        out[:, bad] = np.nan
        return out, bad


def _csr_rows(m: sp.csr_matrix) -> list[list[tuple[int, float]]]:
    """Per row, the (column, value) pairs of a CSR matrix in its storage order: the order in
    which scipy's sparse-times-dense product adds them up."""
    m = sp.csr_matrix(m)
    m.sort_indices()
    ind, val = m.indices.tolist(), m.data.tolist()
    return [
        list(zip(ind[a:z], val[a:z], strict=True))
        for a, z in zip(m.indptr[:-1].tolist(), m.indptr[1:].tolist(), strict=True)
    ]


class _Workspace:
    """Preallocated arrays for one block of samples (one per thread): no large allocation, and
    so no page faults, per block."""

    def __init__(self, kernel: _BlockKernel, sizes: Sequence[int], blocks: int):
        S = (blocks, BLOCK_SIZE)  # a row: one value per sample of each block
        nF, nR, p = kernel.nF, kernel.nR, kernel.p
        self.blocks = blocks
        self.draws = [np.empty((blocks, u, BLOCK_SIZE)) for u in sizes]
        self.d = np.empty((nR, *S))
        self.x_R = np.empty((nR, *S))
        self.h = np.empty((p, *S))
        self.u = np.empty((nF, *S))
        self.x_F = np.empty((nF, *S))
        self.contrib = np.empty((nF, *S))
        self.out = np.empty((kernel.q, *S))
        self.bad = np.zeros(S, dtype=bool)
        self.bad_part = np.zeros(S, dtype=bool)
        self.tmp = np.empty(S)
        self.tmp2 = np.empty(S)
        self.fin_R = np.empty((nR, *S), dtype=bool)
        self.fin_F = np.empty((nF, *S), dtype=bool)
        self.fin_q = np.empty((kernel.q, *S), dtype=bool)


class _BlockKernel:
    """:meth:`Evaluator.scores` of a few whole blocks of ``BLOCK_SIZE`` samples, written into
    a :class:`_Workspace`: the same arithmetic operations in the same order, so the same
    numbers bit for bit, row by row with ``out=`` instead of sparse products that allocate.
    A row holds (blocks, BLOCK_SIZE) values: element-wise work, so a block's numbers do not
    depend on the blocks evaluated with it.

    Built only where it applies (static characterization, acyclic foreground, background
    acyclic or static); elsewhere the engine calls the Evaluator.
    """

    @classmethod
    def build(cls, ev: Evaluator) -> _BlockKernel | None:
        s = ev.s
        if ev.unc["cf"].size or not ev.bio_static_c or ev.fg_system.order is None:
            return None
        if s.interface.size and ev.bg_static_inverse is None and ev.bg_transposed.order is None:
            return None
        return cls(ev)

    def __init__(self, ev: Evaluator):
        s = ev.s
        self.ev = ev
        self.nF, self.nR, self.p = s.n_foreground, s.n_background, int(s.interface.size)
        self.q = 1 + len(s.stages)
        # direct emissions: static column and weighted sums of the uncertain entries
        self.direct = {}
        for name in ("fg_bio", "bg_bio"):
            static, weighted = ev.bio_static_c[name]
            rows = _csr_rows(weighted) if weighted is not None else None
            self.direct[name] = (static[:, 0].tolist(), rows)
        self.h_static = None
        if self.p and ev.bg_static_inverse is not None and self.direct["bg_bio"][1] is None:
            self.h_static = ev.bg_static_inverse @ ev.bio_static_c["bg_bio"][0]
        self.if_static_rows = _csr_rows(ev.if_static)
        self.if_unc_rows = _csr_rows(ev.if_sum)
        self.if_other = ev.if_other.tolist()
        self.interface = s.interface.tolist()
        self.demand = s.demand[:, None]
        self.stage_rows = [np.flatnonzero(r).tolist() for r in s.stage_matrix]
        if not np.isin(s.stage_matrix, (0.0, 1.0)).all() or (s.stage_matrix.sum(0) > 1).any():
            raise ValueError("stage matrix must be 0/1 with one stage per activity at most")

    def _weighted(self, name: str, values: np.ndarray, out: np.ndarray, tmp: np.ndarray) -> None:
        """``out`` (n, B) = weighted sums of ``values`` rows + static (as ``_direct``)."""
        static, rows = self.direct[name]
        for t, entries in enumerate(rows):
            row = out[t]
            if not entries:
                row.fill(0.0 + static[t])
                continue
            (k, w), rest = entries[0], entries[1:]
            np.multiply(values[k], w, out=row)
            for k, w in rest:
                np.multiply(values[k], w, out=tmp)
                np.add(row, tmp, out=row)
            np.add(row, static[t], out=row)

    def run(self, values: dict[str, np.ndarray], ws: _Workspace) -> None:
        """Scores into ``ws.out`` (q, blocks, B) and the singular mask into ``ws.bad``."""
        ev = self.ev
        tmp, tmp2, bad = ws.tmp, ws.tmp2, ws.bad
        bad[...] = False
        h = None
        if self.p:
            if self.direct["bg_bio"][1] is not None:
                self._weighted("bg_bio", values["bg_bio"], ws.d, tmp)
                d = ws.d
            else:
                d = ev.bio_static_c["bg_bio"][0]
            if ev.bg_static_inverse is not None:
                if self.h_static is not None:
                    h = self.h_static
                else:
                    h = ws.h
                    for g in range(ws.blocks):  # block by block, as for one block
                        h[:, g] = ev.bg_static_inverse @ d[:, g]
                h_rows = h
            else:
                ev.bg_transposed.solve_into(
                    values.get("bg_tech"), d, ws.x_R, ws.bad_part, tmp, ws.fin_R
                )
                bad |= ws.bad_part
                h_rows = ws.x_R
                h = None
        iface = self.interface if h is None else range(self.p)
        # u = direct emissions - A_RF^T h
        u = ws.u
        if self.direct["fg_bio"][1] is not None:
            self._weighted("fg_bio", values["fg_bio"], u, tmp)
            u_static = None
        else:
            u_static = self.direct["fg_bio"][0]
        V = values.get("interface")
        for t in range(self.nF):
            row = u[t]
            if u_static is not None:
                row.fill(u_static[t])
            if self.p:
                entries = self.if_static_rows[t]
                if entries:
                    (o, a), rest = entries[0], entries[1:]
                    np.multiply(h_rows[iface[o]], a, out=tmp)
                    for o, a in rest:
                        np.multiply(h_rows[iface[o]], a, out=tmp2)
                        np.add(tmp, tmp2, out=tmp)
                    np.subtract(row, tmp, out=row)
                entries = self.if_unc_rows[t]
                if entries:
                    (k, _), rest = entries[0], entries[1:]
                    np.multiply(V[k], h_rows[iface[self.if_other[k]]], out=tmp)
                    for k, _ in rest:
                        np.multiply(V[k], h_rows[iface[self.if_other[k]]], out=tmp2)
                        np.add(tmp, tmp2, out=tmp)
                    np.subtract(row, tmp, out=row)
        ev.fg_system.solve_into(
            values.get("fg_tech"), self.demand, ws.x_F, ws.bad_part, tmp, ws.fin_F
        )
        bad |= ws.bad_part
        contrib = np.multiply(ws.x_F, u, out=ws.contrib)
        out = ws.out
        np.sum(contrib, axis=0, out=out[0])
        for i, rows in enumerate(self.stage_rows, start=1):
            row = out[i]
            if not rows:
                row.fill(0.0)
                continue
            row[...] = contrib[rows[0]]
            for r in rows[1:]:
                np.add(row, contrib[r], out=row)
        bad |= ~np.isfinite(out, out=ws.fin_q).all(axis=0)
        if bad.any():
            out[:, bad] = np.nan


def fast_scores_from_matrices(
    structure: ModelStructure,
    technosphere: Sequence[sp.spmatrix],
    biosphere: Sequence[sp.spmatrix],
    characterization: Sequence[sp.spmatrix],
) -> np.ndarray:
    """(1 + n_stages, N) fast-engine scores of N given matrix triples (e.g. bw2calc's draws).

    Each entry takes the matrix value at its position (the first of duplicate entries takes
    the summed value, the others zero), then the fast solver runs on all N at once.
    """
    matrices = {
        "fg_tech": technosphere,
        "interface": technosphere,
        "bg_tech": technosphere,
        "fg_bio": biosphere,
        "bg_bio": biosphere,
        "cf": characterization,
    }
    values, uncertain = {}, {}
    for name, es in structure.sets.items():
        pos = es.matrix_row * (1 << 32) + es.matrix_col
        _, first = np.unique(pos, return_index=True)
        is_first = np.zeros(es.size, dtype=bool)
        is_first[first] = True
        cols = []
        for m in matrices[name]:
            m = sp.csr_matrix(m)
            v = np.asarray(m[es.matrix_row, es.matrix_col]).ravel() if es.size else np.zeros(0)
            cols.append(np.where(is_first, v, 0.0))
        values[name] = np.array(cols).T.reshape(es.size, len(cols))
        uncertain[name] = np.arange(es.size)
    scores, _ = Evaluator(structure, uncertain).scores(values, len(technosphere))
    return scores


# --------------------------------------------------------------------------------------------
# Statistics
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuantityStats:
    deterministic: float
    mean: float
    median: float
    std: float
    cv: float
    p2_5: float
    p5: float
    p25: float
    p75: float
    p95: float
    p97_5: float


@dataclass(frozen=True)
class Convergence:
    """Running mean of the total and its 95 % confidence half-width against valid iterations."""

    iterations: np.ndarray
    mean: np.ndarray
    half_width: np.ndarray

    @property
    def relative_half_width(self) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return self.half_width / np.abs(self.mean)


@dataclass(frozen=True)
class MonteCarloResult:
    model: str
    method: str
    unit: str
    engine: str
    n: int  # iterations requested
    iterations: int  # iterations run (fewer when a tolerance stopped the run)
    valid: int  # iterations in the statistics (singular ones excluded)
    seed: int
    sources: tuple[str, ...]
    chunk_size: int
    labels: tuple[str, ...]  # "total" then the stage codes
    deterministic: dict[str, float]
    stats: dict[str, QuantityStats]
    convergence: Convergence
    singular_count: int
    singular_iterations: np.ndarray  # the first MAX_REPORTED_SINGULAR of them
    elapsed: float
    tolerance: float | None = None
    converged: bool | None = None
    samples: np.ndarray | None = field(default=None, repr=False)  # (labels, iterations)
    samples_path: Path | None = None


class _Accumulator:
    """Streaming mean/variance (Chan et al.) and a bounded store for percentiles."""

    def __init__(self, q: int, n: int, shift: float, save_path: Path | None):
        self.count = 0
        self.mean = np.zeros(q)
        self.m2 = np.zeros(q)
        dtype = np.float64 if n * q * 8 <= FLOAT64_STORE_BYTES else np.float32
        self.store = np.empty((q, n), dtype=dtype)
        self.valid = np.ones(n, dtype=bool)
        self.filled = 0
        self.shift = shift
        self.total_sum = 0.0  # of (total - shift), valid only
        self.total_sq = 0.0
        self.conv: list[tuple[int, float, float]] = []
        self.singular: list[int] = []
        self.singular_count = 0
        self.file = None
        if save_path is not None:
            self.file = np.lib.format.open_memmap(
                save_path, mode="w+", dtype=np.float64, shape=(n, q)
            )

    def checkpoints(self, start: int, stop: int) -> np.ndarray:
        """Iteration counts (1-based, absolute) inside (start, stop] where convergence is noted."""
        pts = [2**k for k in range(4, 13) if start < 2**k <= stop]
        first = (start // BLOCK_SIZE + 1) * BLOCK_SIZE
        pts += list(range(first, stop + 1, BLOCK_SIZE))
        pts.append(stop)
        return np.unique(np.array(pts, dtype=np.int64))

    def running(self, total: np.ndarray, bad: np.ndarray, start: int):
        """Running (count, mean, half-width) at each checkpoint of this chunk."""
        x = np.where(bad, 0.0, total - self.shift)
        k = np.cumsum(~bad) + self.count
        s1 = np.cumsum(x) + self.total_sum
        s2 = np.cumsum(x * x) + self.total_sq
        pts = self.checkpoints(start, start + total.size) - start - 1
        kk, a, b = k[pts].astype(float), s1[pts], s2[pts]
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = a / kk
            var = np.maximum(b - a * a / kk, 0.0) / (kk - 1)
            hw = Z95 * np.sqrt(var / kk)
        return pts + start + 1, kk, mean + self.shift, hw

    def add(self, q: np.ndarray, bad: np.ndarray, start: int, conv) -> None:
        n = q.shape[1]
        good = ~bad
        if bad.any():
            idx = np.flatnonzero(bad) + start
            self.singular_count += idx.size
            room = MAX_REPORTED_SINGULAR - len(self.singular)
            self.singular.extend(idx[:room].tolist())
        # the (q, n) copy in Fortran order, as ``q[:, good]`` gives it: the same sums
        x = q[:, good] if not bool(good.all()) else np.asfortranarray(q)
        nb = x.shape[1]
        if nb:
            mb = x.mean(axis=1)
            dev = np.subtract(x, mb[:, None])
            m2b = np.multiply(dev, dev, out=dev).sum(axis=1)
            tot = self.count + nb
            delta = mb - self.mean
            self.mean = self.mean + delta * nb / tot
            self.m2 = self.m2 + m2b + delta**2 * self.count * nb / tot
            self.count = tot
            t = x[0] - self.shift
            self.total_sum += float(t.sum())
            self.total_sq += float((t * t).sum())
        self.store[:, start : start + n] = q
        self.valid[start : start + n] = good
        if self.file is not None:
            self.file[start : start + n] = q.T
        self.filled = start + n
        for it, _k, m, hw in zip(*conv, strict=True):
            self.conv.append((int(it), float(m), float(hw)))

    def stats(self, labels, deterministic) -> dict[str, QuantityStats]:
        out = {}
        var = self.m2 / (self.count - 1) if self.count > 1 else np.full_like(self.m2, np.nan)
        valid = self.valid[: self.filled]
        all_valid = bool(valid.all())

        def percentiles(i: int) -> np.ndarray:
            row = self.store[i, : self.filled]
            row = row if all_valid else row[valid]
            if row.size:
                return np.percentile(row, PERCENTILES).astype(np.float64)
            return np.full(len(PERCENTILES), np.nan)

        # np.partition releases the GIL: one label per thread
        if len(labels) > 1 and self.filled >= 4 * BLOCK_SIZE and sampling._WORKERS > 1:
            pcts = list(sampling._pool().map(percentiles, range(len(labels))))
        else:
            pcts = [percentiles(i) for i in range(len(labels))]
        for i, label in enumerate(labels):
            pct = pcts[i]
            mean, std = float(self.mean[i]), float(math.sqrt(var[i]))
            out[label] = QuantityStats(
                deterministic=deterministic[label],
                mean=mean,
                median=float(pct[3]),
                std=std,
                cv=std / abs(mean) if mean else float("nan"),
                p2_5=float(pct[0]),
                p5=float(pct[1]),
                p25=float(pct[2]),
                p75=float(pct[4]),
                p95=float(pct[5]),
                p97_5=float(pct[6]),
            )
        return out


# --------------------------------------------------------------------------------------------
# Engines
# --------------------------------------------------------------------------------------------


class FastEngine:
    """Vectorized sampling and solving of one model for the selected sources."""

    STREAMS = {"foreground": 0, "background": 1, "characterization": 2}

    def __init__(
        self,
        model: ProductModel,
        method: Method,
        sources: Sequence[str] = SOURCES,
        paired: bool = False,
    ):
        """``paired``: one random stream per exchange, keyed by its identity, so engines of
        different scenarios draw the same numbers for the exchanges they share."""
        self.sources = _check_sources(sources)
        lca = model_lca(model, method)
        lca.lci()
        lca.lcia()
        self.static_score = float(lca.score)
        self.structure = build_structure(model, lca)
        st = self.structure
        self.samplers: list[tuple[Sampler, list[tuple[str, int, int]]]] = []
        uncertain: dict[str, np.ndarray] = {}
        for source in SOURCES:
            if source not in self.sources:
                continue
            names = [k for k, es in st.sets.items() if es.source == source]
            dists, amounts, keys, layout, offset = [], [], [], [], 0
            for name in names:
                es, idx = st.sets[name], st.uncertain_entries(name)
                uncertain[name] = idx
                # draws are made on the stored (unflipped) amount, then flipped
                dists.append(es.distributions[idx])
                amounts.append(es.amount[idx] * es.sign[idx])
                keys.append(es.identity[idx])
                layout.append((name, offset, offset + idx.size))
                offset += idx.size
            if offset:
                sampler = Sampler.from_arrays(
                    np.concatenate(dists),
                    np.concatenate(amounts),
                    stream=self.STREAMS[source],
                    keys=np.concatenate(keys) if paired else None,
                )
                self.samplers.append((sampler, layout))
        self.evaluator = Evaluator(st, uncertain)
        static = Evaluator(st, {})
        det, _ = static.scores({}, 1)
        self.deterministic = dict(zip(st.labels, det[:, 0].tolist(), strict=True))
        # per sampler: the matrix sign of each drawn row, and its sets as row ranges
        self._signs: list[np.ndarray | None] = []
        for _, layout in self.samplers:
            sign = np.concatenate(
                [st.sets[name].sign[self.evaluator.unc[name]] for name, _, _ in layout]
            )
            self._signs.append(None if (sign == 1.0).all() else sign)
        self._kernel = _BlockKernel.build(self.evaluator)
        self._local = threading.local()

    def draw_values(self, seed: int, start: int, stop: int) -> dict[str, np.ndarray]:
        values: dict[str, np.ndarray] = {}
        for sampler, layout in self.samplers:
            draws = sampler.draw(seed, start, stop)
            for name, lo, hi in layout:
                sign = self.structure.sets[name].sign[self.evaluator.unc[name]]
                values[name] = draws[lo:hi] * sign[:, None]
        return values

    def chunk(self, seed: int, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        """(q, stop - start) scores and the singular mask of iterations ``start`` to ``stop``.

        Block by block: each block of ``BLOCK_SIZE`` iterations is drawn and evaluated whole
        in cache-sized preallocated arrays, blocks shared among threads (numpy releases the
        GIL in its loops); a sample's numbers depend only on its block, never on the chunk.
        """
        if self._kernel is None or stop <= start:
            return self.evaluator.scores(self.draw_values(seed, start, stop), stop - start)
        N = stop - start
        out = np.empty((self._kernel.q, N))
        bad = np.empty(N, dtype=bool)
        blocks = list(range(start // BLOCK_SIZE, (stop - 1) // BLOCK_SIZE + 1))
        groups = [blocks[i : i + GROUP_BLOCKS] for i in range(0, len(blocks), GROUP_BLOCKS)]

        def work(part: list[list[int]]) -> None:
            for group in part:
                ws = self._workspace(len(group))
                self._group(seed, group, ws)
                for g, b in enumerate(group):
                    lo, hi = max(start, b * BLOCK_SIZE), min(stop, (b + 1) * BLOCK_SIZE)
                    a, z = lo - b * BLOCK_SIZE, hi - b * BLOCK_SIZE
                    out[:, lo - start : hi - start] = ws.out[:, g, a:z]
                    bad[lo - start : hi - start] = ws.bad[g, a:z]

        workers = min(sampling._WORKERS, len(groups))
        if workers > 1:
            list(sampling._pool().map(work, [groups[w::workers] for w in range(workers)]))
        else:
            work(groups)
        return out, bad

    def _workspace(self, blocks: int) -> _Workspace:
        spaces = getattr(self._local, "spaces", None)
        if spaces is None:
            spaces = self._local.spaces = {}
        if blocks not in spaces:
            sizes = [s.n_uncertain for s, _ in self.samplers]
            spaces[blocks] = _Workspace(self._kernel, sizes, blocks)
        return spaces[blocks]

    def _group(self, seed: int, blocks: list[int], ws: _Workspace) -> None:
        """Draws (in matrix sign) and scores of whole blocks into ``ws``."""
        values: dict[str, np.ndarray] = {}
        for (sampler, layout), sign, buf in zip(self.samplers, self._signs, ws.draws, strict=True):
            for g, b in enumerate(blocks):
                sampler.draw_block_into(seed, b, buf[g], factor=sign)
            rows = buf.transpose(1, 0, 2)  # (u, blocks, B)
            for name, lo, hi in layout:
                values[name] = rows[lo:hi]
        self._kernel.run(values, ws)


def _check_sources(sources: Sequence[str]) -> tuple[str, ...]:
    if isinstance(sources, str):
        sources = (sources,)
    unknown = set(sources) - set(SOURCES)
    if unknown:
        raise MonteCarloError(f"unknown uncertainty source(s) {sorted(unknown)}; use {SOURCES}")
    return tuple(s for s in SOURCES if s in sources)


def reference_packages(
    model: ProductModel | Sequence[ProductModel],
    method: Method,
    seed: int,
    sources: Sequence[str] = SOURCES,
) -> list[bwp.Datapackage]:
    """The model's datapackages for bw2calc's Monte Carlo, one per matrix with its own seed.

    ``seed_override`` would give every resource group the same seed, and so the same normal
    draws to the technosphere and biosphere groups (correlated parameters); separate packages
    seeded from ``SeedSequence(seed)`` keep them independent. Distributions of sources not
    selected are set to undefined (type 0: the static amount).
    """
    sources = _check_sources(sources)
    models = [model] if isinstance(model, ProductModel) else list(model)
    fg = {n.id for m in models for n in bd.Database(m.database)}
    seeds = np.random.SeedSequence(seed).generate_state(3).tolist()
    databases = list(dict.fromkeys(d for m in models for d in dependency_order(m.database)))
    inventory = inventory_datapackage(databases)
    cf = method_datapackage(method.name)
    out = []
    for k, (dp, label) in enumerate(
        ((inventory, "technosphere"), (inventory, "biosphere"), (cf, "characterization"))
    ):
        indices = dp.get_resource(f"{label}.indices")[0]
        try:
            dist = dp.get_resource(f"{label}.distributions")[0].copy()
        except KeyError:  # bw_processing leaves out an all-undefined array
            dist = np.zeros(indices.size, dtype=bwp.UNCERTAINTY_DTYPE)
            dist["loc"] = dp.get_resource(f"{label}.data")[0]
        if label == "characterization":
            keep = np.full(dist.size, "characterization" in sources)
        else:
            in_fg = np.isin(indices["col"], list(fg))
            keep = np.where(in_fg, "foreground" in sources, "background" in sources)
        data = dp.get_resource(f"{label}.data")[0]
        # an undefined distribution draws its ``loc``: the static amount, not ln(amount)
        dist["uncertainty_type"][~keep] = 0
        dist["loc"][~keep] = data[~keep]
        try:
            flip = dp.get_resource(f"{label}.flip")[0]
        except KeyError:
            flip = np.zeros(indices.size, dtype=bool)
        # canonical entry order, so bw2calc's draws do not depend on the ids given at writing
        keys = _node_keys(set(indices["row"].tolist()) | set(indices["col"].tolist()))
        order = np.array(
            sorted(
                range(indices.size),
                key=lambda k: (keys[indices["col"][k]], keys[indices["row"][k]], k),
            ),
            dtype=np.int64,
        )
        indices, data, flip, dist = indices[order], data[order], flip[order], dist[order]
        new = bwp.create_datapackage(
            sum_intra_duplicates=True, sum_inter_duplicates=False, seed=int(seeds[k])
        )
        new.add_persistent_vector(
            matrix=f"{label}_matrix",
            name=label,
            indices_array=indices,
            data_array=data,
            flip_array=flip,
            distributions_array=dist,
            **({"identifier": list(method.name)} if label == "characterization" else {}),
        )
        out.append(new)
    return out


def reference_lca(
    model: ProductModel, method: Method, seed: int, sources: Sequence[str] = SOURCES
) -> bc.LCA:
    """bw2calc's stochastic LCA of the model (lci and lcia done: already the first draw)."""
    reference = bd.get_node(database=model.database, code=model.reference)
    lca = bc.LCA(
        {reference.id: model.functional_amount},
        data_objs=reference_packages(model, method, seed, sources),
        use_distributions=True,
    )
    lca.lci()
    lca.lcia()
    return lca


class BrightwayEngine:
    """bw2calc's own Monte Carlo: one LCA iterated with ``next``; stages as in static LCIA."""

    def __init__(
        self, model: ProductModel, method: Method, seed: int, sources: Sequence[str] = SOURCES
    ):
        self.sources = _check_sources(sources)
        self.model = model
        fast = FastEngine(model, method, ())
        self.structure = fast.structure
        self.deterministic = fast.deterministic
        self.lca = reference_lca(model, method, seed, self.sources)
        self.nodes = {n.id: n["code"] for n in bd.Database(model.database)}
        self.stage_of = {a.code: a.stage for a in model.activities}
        self.first = True

    def chunk(self, seed: int, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        del seed
        labels = self.structure.labels
        out = np.full((len(labels), stop - start), np.nan)
        bad = np.zeros(stop - start, dtype=bool)
        for k in range(stop - start):
            try:
                if not self.first:
                    next(self.lca)
                self.first = False
                by_activity, _ = foreground_contributions(self.lca, self.nodes)
                stages = np.zeros(len(labels) - 1)
                for code, value in by_activity.items():
                    stage = self.stage_of.get(code)
                    if stage is not None:
                        stages[labels.index(stage) - 1] += value
                out[0, k] = self.lca.score
                out[1:, k] = stages
            except Exception:  # noqa: BLE001 - a failed iteration is reported, not fatal
                bad[k] = True
            if not np.isfinite(out[:, k]).all():
                bad[k] = True
        out[:, bad] = np.nan
        return out, bad


class _ChunkSource:
    """Chunks of a fast engine computed one ahead in a background thread, so that the
    statistics of a chunk are taken while the next one is drawn (the engine is pure: a chunk
    depends only on its bounds). Other engines are called in turn."""

    _EXECUTOR: ThreadPoolExecutor | None = None

    def __init__(self, eng, seed: int, n: int, chunk: int):
        self.eng, self.seed, self.n, self.chunk = eng, seed, n, chunk
        self.ahead = isinstance(eng, FastEngine) and n > chunk
        self.pending: tuple[int, int, Future] | None = None

    @classmethod
    def _executor(cls) -> ThreadPoolExecutor:
        if cls._EXECUTOR is None:
            cls._EXECUTOR = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cfp-chunk")
        return cls._EXECUTOR

    def get(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        if self.pending is not None and self.pending[:2] == (start, stop):
            result = self.pending[2].result()
        else:
            self.close()
            result = self.eng.chunk(self.seed, start, stop)
        self.pending = None
        if self.ahead and stop < self.n:
            nxt = min(self.n, stop + self.chunk)
            fut = self._executor().submit(self.eng.chunk, self.seed, stop, nxt)
            self.pending = (stop, nxt, fut)
        return result

    def close(self) -> None:
        if self.pending is not None:
            if not self.pending[2].cancel():
                self.pending[2].result()
            self.pending = None


def run_monte_carlo(
    catalog: Catalog,
    model: ProductModel | str,
    method: Method | str | None = None,
    n: int = 10_000,
    seed: int = 0,
    sources: Sequence[str] = SOURCES,
    chunk_size: int = DEFAULT_CHUNK,
    engine: str = "fast",
    save_samples: str | Path | None = None,
    keep_samples: bool = False,
    tolerance: float | None = None,
    progress: Callable[[int], None] | None = None,
) -> MonteCarloResult:
    """Monte Carlo of one functional unit of ``model`` in the current project.

    ``chunk_size`` is rounded up to whole blocks of ``sampling.BLOCK_SIZE``; results do not
    depend on it. ``tolerance``: stop at the first block boundary where the total's 95 %
    half-width relative to its running mean falls below it. ``save_samples``: a ``.npy`` file
    written as (iterations, labels) float64. ``progress`` is called with iterations done.
    """
    t0 = time.perf_counter()
    if isinstance(model, str):
        model = catalog.models[model]
    if method is None:
        method = catalog.methods[model.method]
    elif isinstance(method, str):
        method = catalog.methods[method]
    if n < 1:
        raise MonteCarloError("n must be at least 1")
    sources = _check_sources(sources)
    chunk = max(1, math.ceil(chunk_size / BLOCK_SIZE)) * BLOCK_SIZE
    if engine == "fast":
        eng: FastEngine | BrightwayEngine = FastEngine(model, method, sources)
    elif engine == "brightway":
        eng = BrightwayEngine(model, method, seed, sources)
        chunk = min(chunk, BLOCK_SIZE)
    else:
        raise MonteCarloError(f"unknown engine {engine!r}: 'fast' or 'brightway'")
    labels = eng.structure.labels
    save_path = Path(save_samples) if save_samples is not None else None
    acc = _Accumulator(len(labels), n, eng.deterministic["total"], save_path)
    converged = None if tolerance is None else False
    done = 0
    source = _ChunkSource(eng, seed, n, chunk)
    while done < n and not converged:
        stop = min(n, done + chunk)
        q_chunk, bad_chunk = source.get(done, stop)
        # statistics are combined block by block, so they do not depend on the chunk size
        for lo in range(done, stop, BLOCK_SIZE):
            hi = min(stop, lo + BLOCK_SIZE)
            q, bad = q_chunk[:, lo - done : hi - done], bad_chunk[lo - done : hi - done]
            conv = acc.running(q[0], bad, lo)
            if tolerance is not None:
                its, kk, mean, hw = conv
                with np.errstate(divide="ignore", invalid="ignore"):
                    ok = (hw / np.abs(mean) < tolerance) & (kk > 1)
                ok &= (its % BLOCK_SIZE == 0) | (its == n)
                if ok.any():
                    first = int(np.argmax(ok))
                    hi = int(its[first])
                    q, bad = q[:, : hi - lo], bad[: hi - lo]
                    conv = tuple(a[: first + 1] for a in conv)
                    converged = True
            acc.add(q, bad, lo, conv)
            if converged:
                stop = hi
                break
        done = stop
        if progress is not None:
            progress(done)
    source.close()
    stats = acc.stats(labels, eng.deterministic)
    conv_arr = np.array(acc.conv, dtype=np.float64).reshape(-1, 3)
    samples = acc.store[:, :done] if keep_samples else None
    if acc.file is not None:
        acc.file.flush()
        if done < n:  # a tolerance stop: rewrite the file with the iterations run
            data = np.array(acc.file[:done])
            del acc.file
            np.save(save_path, data)
        else:
            del acc.file
    return MonteCarloResult(
        model=model.name,
        method=method.id,
        unit=method.unit,
        engine=engine,
        n=n,
        iterations=done,
        valid=acc.count,
        seed=seed,
        sources=sources,
        chunk_size=chunk,
        labels=labels,
        deterministic=dict(eng.deterministic),
        stats=stats,
        convergence=Convergence(
            iterations=conv_arr[:, 0].astype(np.int64),
            mean=conv_arr[:, 1],
            half_width=conv_arr[:, 2],
        ),
        singular_count=acc.singular_count,
        singular_iterations=np.array(acc.singular, dtype=np.int64),
        elapsed=time.perf_counter() - t0,
        tolerance=tolerance,
        converged=converged,
        samples=samples,
        samples_path=save_path,
    )
