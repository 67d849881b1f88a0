"""Solving one small square system for many samples at once.

A system is given by its entries (row, col, value), duplicates summed as in matrix_utils. Some
entries are static (one value), the others change with the sample (one value per sample). Two
strategies, chosen from the sparsity pattern:

* ``acyclic``: the matrix is triangular up to a permutation, so each sample is solved by
  substitution in topological order: a few vectorized multiply-adds over all samples per node;
* ``dense``: batched LU (numpy.linalg.solve) on (samples, n, n), in sub-batches to bound memory,
  with a condition-number check per sample.

Samples whose matrix is singular or near-singular are flagged, never solved into nonsense and
never allowed to fail the batch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DENSE_BATCH_BYTES = 64 * 2**20
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
    ):
        self.n = int(n)
        self.rows = np.asarray(rows, dtype=np.int64)
        self.cols = np.asarray(cols, dtype=np.int64)
        self.static = np.asarray(static, dtype=np.float64)
        self.uncertain = (
            np.zeros(0, dtype=np.int64) if uncertain is None else np.asarray(uncertain, np.int64)
        )
        self.max_condition = max_condition
        self.pivot_rtol = pivot_rtol
        self.order = topological_order(self.n, self.rows, self.cols)
        self.strategy = "acyclic" if self.order is not None else "dense"
        if self.order is not None:
            self._steps = self._plan()

    def transposed(self) -> BatchedSystem:
        """The system of ``A^T``: same values, rows and columns swapped."""
        return BatchedSystem(
            self.n,
            self.cols,
            self.rows,
            self.static,
            self.uncertain,
            max_condition=self.max_condition,
            pivot_rtol=self.pivot_rtol,
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
        return self._dense(values, rhs, N)

    def _substitute(self, values, rhs, N):
        x = np.empty((self.n, N))
        bad = np.zeros(N, dtype=bool)
        static_diag = self.static_diagonal()
        for st in self._steps:
            acc = np.array(rhs[st.node], dtype=np.float64, copy=True)
            if acc.shape[0] != N:
                acc = np.broadcast_to(acc, (N,)).copy()
            if st.off_static_cols.size:
                acc -= st.off_static_vals @ x[st.off_static_cols]
            if st.off_unc_cols.size:
                acc -= np.einsum("kn,kn->n", values[st.off_unc_idx], x[st.off_unc_cols])
            if st.diag_unc.size:
                diag = st.diag_static + values[st.diag_unc].sum(axis=0)
                scale = max(abs(static_diag[st.node]), 1e-300)
                tiny = ~(np.abs(diag) > self.pivot_rtol * scale)
                if tiny.any():
                    bad |= tiny
                    diag = np.where(tiny, 1.0, diag)
                x[st.node] = acc / diag
            else:
                if not abs(st.diag_static) > 0:
                    x[st.node] = np.nan
                    bad[:] = True
                    continue
                x[st.node] = acc / st.diag_static
        bad |= ~np.isfinite(x).all(axis=0)
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
