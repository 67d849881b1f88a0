"""Solving one small square system for many samples at once.

A system is given by its entries (row, col, value), duplicates summed as in matrix_utils. Some
entries are static (one value), the others change with the sample (one value per sample). Two
strategies, chosen from the sparsity pattern:

* ``acyclic``: the matrix is triangular up to a permutation, so each sample is solved by
  substitution in topological order: a few vectorized multiply-adds over all samples per node;
* ``dense``: batched LU (numpy.linalg.solve) on (samples, n, n), in sub-batches to bound memory,
  with a condition-number check per sample, for small cyclic systems;
* ``krylov``: for large cyclic systems (an imported background database), groups of samples by
  Richardson sweeps x += LU0^-1 (b - A x) with the sparse LU of the static matrix, which a
  perturbed sample stays close to (a few sweeps reach the tolerance, all columns of a group in
  one triangular solve); a sample that does not converge goes to BiCGSTAB preconditioned by the
  same LU, then to its own LU (counted), and a singular one is flagged.

Samples whose matrix is singular or near-singular are flagged, never solved into nonsense and
never allowed to fail the batch.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import LinearOperator, bicgstab, splu

from ..factorization import PERMC_SPEC
from .sampling import BLOCK_SIZE

DENSE_BATCH_BYTES = 64 * 2**20
KRYLOV_MIN_N = 150  # cyclic systems from this size are solved sample by sample, sparse
KRYLOV_RTOL = 1e-12  # relative residual of each sample's solution
KRYLOV_MAXITER = 200
SWEEPS = 40  # Richardson sweeps before a sample goes to BiCGSTAB
MAX_CONTRACTION = 1e-3  # float32 static factors must shrink the static residual this much
GROUP = 32  # samples solved together; groups start at fixed positions, so results do not
# depend on the chunk size (chunks are whole blocks of a multiple of GROUP samples)
assert BLOCK_SIZE % GROUP == 0, "a block must hold whole groups"
MAX_CONDITION = 1e12
PIVOT_RTOL = 1e-12


def topological_order(n: int, rows: np.ndarray, cols: np.ndarray) -> np.ndarray | None:
    """Order in which ``x`` of ``A x = b`` can be substituted, or None when A has a cycle.

    Node ``i`` (row i) needs ``x[j]`` for every off-diagonal entry (i, j): j comes first.
    """
    off = rows != cols
    needs: list[set[int]] = [set() for _ in range(n)]
    needed_by: list[list[int]] = [[] for _ in range(n)]
    for i, j in zip(rows[off].tolist(), cols[off].tolist(), strict=True):
        if j not in needs[i]:
            needs[i].add(j)
            needed_by[j].append(i)
    pending = [len(s) for s in needs]
    ready = [i for i in range(n) if pending[i] == 0]
    order: list[int] = []
    while ready:
        j = ready.pop()
        order.append(j)
        for i in needed_by[j]:
            pending[i] -= 1
            if pending[i] == 0:
                ready.append(i)
    return np.array(order, dtype=np.int64) if len(order) == n else None


@dataclass(frozen=True)
class _Step:
    node: int
    diag_static: float
    diag_unc: np.ndarray  # indices into the uncertain values
    off_static_cols: np.ndarray
    off_static_vals: np.ndarray
    off_unc_cols: np.ndarray
    off_unc_idx: np.ndarray


class BatchedSystem:
    """``A x = b`` for many samples of A: ``n`` unknowns, entries (rows, cols).

    ``static`` gives each entry's value; entries listed in ``uncertain`` take their value per
    sample from the array handed to :meth:`solve` (row k = entry ``uncertain[k]``).
    """

    def __init__(
        self,
        n: int,
        rows: np.ndarray,
        cols: np.ndarray,
        static: np.ndarray,
        uncertain: np.ndarray | None = None,
        *,
        max_condition: float = MAX_CONDITION,
        pivot_rtol: float = PIVOT_RTOL,
        permc_spec: str = PERMC_SPEC,
    ):
        """``permc_spec``: SuperLU's column ordering for a large cyclic system's static LU
        (``TRANSPOSED_PERMC_SPEC`` for a transposed technosphere matrix)."""
        self.n = int(n)
        self.permc_spec = permc_spec
        self.rows = np.asarray(rows, dtype=np.int64)
        self.cols = np.asarray(cols, dtype=np.int64)
        self.static = np.asarray(static, dtype=np.float64)
        self.uncertain = (
            np.zeros(0, dtype=np.int64) if uncertain is None else np.asarray(uncertain, np.int64)
        )
        self.max_condition = max_condition
        self.pivot_rtol = pivot_rtol
        self.order = topological_order(self.n, self.rows, self.cols)
        if self.order is not None:
            self.strategy = "acyclic"
        else:
            self.strategy = "krylov" if self.n >= KRYLOV_MIN_N else "dense"
        self._krylov: _SparseSamples | None = None
        self._lock = threading.Lock()
        if self.order is not None:
            self._steps = self._plan()
            self._static_diag = self.static_diagonal()
            self._fast_steps = [
                (
                    st.node,
                    st.off_static_cols.tolist(),
                    st.off_static_vals.tolist(),
                    st.off_static_cols,
                    st.off_static_vals,
                    list(zip(st.off_unc_idx.tolist(), st.off_unc_cols.tolist(), strict=True)),
                    st.diag_static,
                    st.diag_unc.tolist(),
                    self.pivot_rtol * max(abs(float(self._static_diag[st.node])), 1e-300),
                )
                for st in self._steps
            ]

    def transposed(self, permc_spec: str = PERMC_SPEC) -> BatchedSystem:
        """The system of ``A^T``: same values, rows and columns swapped."""
        return BatchedSystem(
            self.n,
            self.cols,
            self.rows,
            self.static,
            self.uncertain,
            max_condition=self.max_condition,
            pivot_rtol=self.pivot_rtol,
            permc_spec=permc_spec,
        )

    def _plan(self) -> list[_Step]:
        is_unc = np.zeros(self.rows.size, dtype=bool)
        is_unc[self.uncertain] = True
        unc_pos = np.full(self.rows.size, -1, dtype=np.int64)
        unc_pos[self.uncertain] = np.arange(self.uncertain.size)
        steps = []
        for i in self.order.tolist():
            mine = self.rows == i
            diag = mine & (self.cols == i)
            off = mine & (self.cols != i)
            steps.append(
                _Step(
                    node=i,
                    diag_static=float(self.static[diag & ~is_unc].sum()),
                    diag_unc=unc_pos[diag & is_unc],
                    off_static_cols=self.cols[off & ~is_unc],
                    off_static_vals=self.static[off & ~is_unc],
                    off_unc_cols=self.cols[off & is_unc],
                    off_unc_idx=unc_pos[off & is_unc],
                )
            )
        return steps

    def static_diagonal(self) -> np.ndarray:
        d = np.zeros(self.n)
        on = self.rows == self.cols
        np.add.at(d, self.rows[on], self.static[on])
        return d

    def __getstate__(self) -> dict:
        """Pickled without its lock and its static LU (SuperLU objects do not pickle): both
        are made again where it is read (an engine kept on disk, ``api.Workspace.kept``)."""
        state = dict(self.__dict__)
        state["_lock"] = None
        state["_krylov"] = None
        return state

    def __setstate__(self, state: dict) -> None:
        """The state read back, with a new lock."""
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def solve(
        self, values: np.ndarray | None, rhs: np.ndarray, n_samples: int | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Solve every sample. ``values``: (u, N) uncertain entry values or None; ``rhs``:
        (n, N) or (n, 1). Returns x (n, N) and a (N,) boolean mask of singular samples (their x
        is NaN)."""
        if values is not None and values.shape[0] != self.uncertain.size:
            raise ValueError("values must have one row per uncertain entry")
        N = n_samples or max(rhs.shape[1], values.shape[1] if values is not None else 1)
        if self.order is not None:
            return self._substitute(values, rhs, N)
        if self.strategy == "krylov":
            with self._lock:  # threads solving parts at once share one static LU
                if self._krylov is None:
                    self._krylov = _SparseSamples(self)
            return self._krylov.solve(values, rhs, N)
        return self._dense(values, rhs, N)

    def _substitute(self, values, rhs, N):
        x = np.empty((self.n, N))
        bad = np.zeros(N, dtype=bool)
        tmp = np.empty(N)
        any_bad = False
        rhs_wide = rhs.ndim == x.ndim and rhs.shape[1:] == x.shape[1:]
        for node, s_cols, s_vals, s_cols_a, s_vals_a, unc, d_static, d_unc, tol in self._fast_steps:
            row = x[node]
            # rhs - (static off-diagonal products) - (uncertain ones, summed in order): the
            # operations of a plain ``rhs - a @ x``, so the numbers do not depend on batching
            row[...] = rhs[node] if rhs_wide else rhs[node, 0]
            if len(s_cols) == 1:
                np.multiply(x[s_cols[0]], s_vals[0], out=tmp)
                np.subtract(row, tmp, out=row)
            elif s_cols:
                np.dot(s_vals_a, x[s_cols_a], out=tmp)
                np.subtract(row, tmp, out=row)
            if unc:
                (k, j), rest = unc[0], unc[1:]
                np.multiply(values[k], x[j], out=tmp)
                if rest:
                    tmp2 = np.empty_like(tmp)
                    for k, j in rest:
                        np.multiply(values[k], x[j], out=tmp2)
                        np.add(tmp, tmp2, out=tmp)
                np.subtract(row, tmp, out=row)
            if d_unc:
                if len(d_unc) == 1:
                    diag = values[d_unc[0]]
                    if d_static != 0.0:
                        diag = diag + d_static
                else:
                    diag = d_static + values[d_unc].sum(axis=0)
                ok = np.abs(diag, out=tmp) > tol
                if not ok.all():
                    tiny = ~ok
                    bad |= tiny
                    any_bad = True
                    diag = np.where(tiny, 1.0, diag)
                np.divide(row, diag, out=row)
            else:
                if not abs(d_static) > 0:
                    row[...] = np.nan
                    bad[:] = True
                    any_bad = True
                    continue
                np.divide(row, d_static, out=row)
        finite = np.isfinite(x).all(axis=0)
        if any_bad or not finite.all():
            bad |= ~finite
            x[:, bad] = np.nan
        return x, bad

    def _dense(self, values, rhs, N):
        n = self.n
        base = np.zeros(n * n)
        fixed = np.ones(self.rows.size, dtype=bool)
        fixed[self.uncertain] = False
        np.add.at(base, (self.rows * n + self.cols)[fixed], self.static[fixed])
        flat_pos = (self.rows * n + self.cols)[self.uncertain]
        x = np.empty((n, N))
        bad = np.zeros(N, dtype=bool)
        batch = max(1, int(DENSE_BATCH_BYTES // (8 * n * n * 3)))
        for lo in range(0, N, batch):
            hi = min(N, lo + batch)
            m = hi - lo
            mats = np.broadcast_to(base, (m, n * n)).copy()
            if flat_pos.size:
                for k, pos in enumerate(flat_pos.tolist()):
                    mats[:, pos] += values[k, lo:hi]
            mats = mats.reshape(m, n, n)
            b = rhs[:, lo:hi] if rhs.shape[1] != 1 else np.broadcast_to(rhs, (n, m))
            finite = np.isfinite(mats).all(axis=(1, 2))
            safe = np.where(finite[:, None, None], mats, np.eye(n))
            with np.errstate(all="ignore"):
                cond = np.linalg.cond(safe)
            sing = ~finite | ~(cond < self.max_condition)
            mats = np.where(sing[:, None, None], np.eye(n), safe)
            sol = np.linalg.solve(mats, np.ascontiguousarray(b.T)[:, :, None])[:, :, 0]
            sol[sing] = np.nan
            x[:, lo:hi] = sol.T
            bad[lo:hi] = sing
        bad |= ~np.isfinite(x).all(axis=0)
        x[:, bad] = np.nan
        return x, bad


class _SparseSamples:
    """The ``krylov`` strategy: a system's CSC pattern, the position of each uncertain entry
    in it, and the sparse LU of the static matrix used as preconditioner for every sample.

    Each sample's matrix is assembled once per group (its values in the shared CSC pattern),
    for the residuals of the sweeps; the static solution is every sample's first guess.
    """

    def __init__(self, system: BatchedSystem):
        n = system.n
        pos = system.cols * n + system.rows  # column-major, so the unique order is CSC's
        unique, slot = np.unique(pos, return_inverse=True)
        self.n = n
        self.indices = (unique % n).astype(np.int32)
        self.indptr = np.searchsorted(unique // n, np.arange(n + 1)).astype(np.int32)
        fixed = np.ones(pos.size, dtype=bool)
        fixed[system.uncertain] = False
        self.base = np.bincount(slot[fixed], system.static[fixed], minlength=unique.size)
        self.nominal = np.bincount(slot, system.static, minlength=unique.size)
        self.slots = slot[system.uncertain]
        self.static_values = system.static[system.uncertain]
        self.max_condition = system.max_condition
        self.permc_spec = system.permc_spec
        self.fallbacks = 0  # samples solved by their own LU: the iterations did not converge
        self._start: tuple[np.ndarray, np.ndarray] | None = None  # (rhs, static solution)
        self.static_matrix = self._matrix(self.nominal)
        try:
            self.lu, self.lu_dtype = self._factor(self.static_matrix)
            self.preconditioner = LinearOperator((n, n), self._precondition, dtype=np.float64)
        except RuntimeError:  # a singular static matrix: samples are solved without it
            self.lu = self.preconditioner = None

    def _factor(self, matrix: sp.csc_matrix) -> tuple:
        """The static LU of the sweeps and its dtype: float32 factors, whose triangular solves
        move half the bytes, while residuals stay float64, so the sweeps still reach float64
        accuracy (mixed-precision iterative refinement); float64 factors where the float32
        ones do not contract the static system's error by ``MAX_CONTRACTION`` in one sweep (a
        matrix too ill-conditioned for float32)."""
        with np.errstate(all="ignore"):
            try:
                lu = splu(matrix.astype(np.float32), permc_spec=self.permc_spec)
            except RuntimeError:
                lu = None
            if lu is not None:
                b = matrix @ np.ones(self.n)  # x* = 1
                x0 = lu.solve(b.astype(np.float32))
                r0 = b - matrix @ x0
                r1 = b - matrix @ (x0 + lu.solve(r0.astype(np.float32)))
                if np.linalg.norm(r1) <= MAX_CONTRACTION * np.linalg.norm(r0):
                    return lu, np.float32
        return splu(matrix, permc_spec=self.permc_spec), np.float64

    def _precondition(self, r: np.ndarray) -> np.ndarray:
        """``LU0^-1 r`` in float64, whatever the factors' precision."""
        return self.lu.solve(np.asarray(r, dtype=self.lu_dtype)).astype(np.float64, copy=False)

    def _matrix(self, data: np.ndarray) -> sp.csc_matrix:
        return sp.csc_matrix((data, self.indices, self.indptr), shape=(self.n, self.n))

    def _sample_data(self, values: np.ndarray) -> np.ndarray:
        """One sample's CSC values (its uncertain entries' ``values`` in place)."""
        return self.base + np.bincount(self.slots, values, self.base.size)

    def _static_solution(self, rhs: np.ndarray) -> np.ndarray:
        """The static matrix's solution for a one-column ``rhs``: every sample's first guess,
        solved once per right-hand side."""
        cached = self._start  # read once: other threads may replace it meanwhile
        if cached is not None and np.array_equal(cached[0], rhs):
            return cached[1]
        x = self._precondition(np.ascontiguousarray(rhs))
        limit = KRYLOV_RTOL * np.linalg.norm(rhs)
        for _ in range(SWEEPS):  # refined to the sweeps' tolerance (float32 factors)
            r = rhs - self.static_matrix @ x
            if not np.linalg.norm(r) > limit:
                break
            x += self._precondition(r)
        self._start = (rhs.copy(), x)
        return x

    def solve(
        self, values: np.ndarray | None, rhs: np.ndarray, N: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Every sample, in groups of ``GROUP`` consecutive samples."""
        x = np.empty((self.n, N))
        bad = np.zeros(N, dtype=bool)
        if values is None:
            values = np.broadcast_to(self.static_values[:, None], (self.slots.size, N))
        for lo in range(0, N, GROUP):
            hi = min(N, lo + GROUP)
            b = rhs[:, lo:hi] if rhs.shape[1] != 1 else rhs
            x[:, lo:hi], bad[lo:hi] = self._group(values[:, lo:hi], np.ascontiguousarray(b))
        bad |= ~np.isfinite(x).all(axis=0)
        x[:, bad] = np.nan
        return x, bad

    def _group(self, values: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Richardson sweeps on a group's samples together; the rest one by one. ``b``: the
        group's right-hand sides, or one shared by all its samples."""
        m = values.shape[1]
        x = np.empty((self.n, m))
        bad = np.zeros(m, dtype=bool)
        finite = np.isfinite(values).all(axis=0) & np.isfinite(b).all(axis=0)
        todo = np.flatnonzero(finite)
        bad[~finite] = True
        x[:, ~finite] = np.nan
        if self.lu is not None and todo.size:
            matrices = [self._matrix(self._sample_data(values[:, k])) for k in todo]
            rhs = b if b.shape[1] == 1 else b[:, todo]
            limit = KRYLOV_RTOL * np.linalg.norm(rhs, axis=0)
            with np.errstate(all="ignore"):
                # every sample starts from the static matrix's solution for the (mean)
                # right-hand side: one solve per group at most, not one per sample
                start = b if b.shape[1] == 1 else rhs.mean(axis=1, keepdims=True)
                xs = np.repeat(self._static_solution(start), todo.size, axis=1)
                active = np.arange(todo.size)
                for _ in range(SWEEPS):
                    r = np.empty_like(xs)
                    for i, k in enumerate(active):
                        r[:, i] = matrices[k] @ xs[:, i]
                    np.subtract(rhs, r, out=r)
                    done = np.linalg.norm(r, axis=0) <= limit
                    x[:, todo[active[done]]] = xs[:, done]
                    keep = ~done
                    active, xs, r = active[keep], xs[:, keep], r[:, keep]
                    if rhs.shape[1] != 1:
                        rhs, limit = rhs[:, keep], limit[keep]
                    if not active.size:
                        break
                    xs += self._precondition(r)
            todo = todo[active]
        for k in todo:
            column = b[:, min(k, b.shape[1] - 1)]
            x[:, k], bad[k] = self._one(self._sample_data(values[:, k]), column)
        return x, bad

    def _one(self, data: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, bool]:
        """One sample: preconditioned BiCGSTAB, else its own LU; (x, singular)."""
        if not np.isfinite(data).all():
            return np.full(self.n, np.nan), True
        A = self._matrix(data)
        if self.preconditioner is not None:
            with np.errstate(all="ignore"):  # a diverging sample falls back to its own LU
                xk, info = bicgstab(
                    A, b, rtol=KRYLOV_RTOL, atol=0.0, maxiter=KRYLOV_MAXITER, M=self.preconditioner
                )
            if info == 0 and np.isfinite(xk).all():
                return xk, False
        self.fallbacks += 1
        try:
            lu = splu(A, permc_spec=self.permc_spec)
        except RuntimeError:  # exactly singular
            return np.full(self.n, np.nan), True
        diag = np.abs(lu.U.diagonal())
        if not diag.min() > diag.max() / self.max_condition:
            return np.full(self.n, np.nan), True
        return lu.solve(b), False
