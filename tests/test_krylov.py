"""The ``krylov`` strategy for large cyclic systems (imported background databases): each
sample against a direct sparse solve, singular samples flagged, chunks independent."""

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import spsolve

from cfp_lca.calc.montecarlo.solvers import GROUP, KRYLOV_MIN_N, BatchedSystem


def _system(n: int, rng: np.random.Generator):
    """A cyclic LCA-like matrix: unit diagonal, ~6 negative inputs per column whose column
    sums stay below 0.6, so A is an M-matrix with ||A^-1||_1 <= 1 / 0.4."""
    rows, cols, vals = list(range(n)), list(range(n)), [1.0] * n
    for j in range(n):
        inputs = rng.choice(np.delete(np.arange(n), j), size=6, replace=False)
        share = rng.dirichlet(np.ones(6)) * 0.6
        rows += inputs.tolist()
        cols += [j] * 6
        vals += (-share).tolist()
    return np.array(rows), np.array(cols), np.array(vals)


def test_krylov_matches_direct_solves_and_flags_singular_samples():
    rng = np.random.default_rng(7)
    n = KRYLOV_MIN_N + 50
    rows, cols, static = _system(n, rng)
    off = np.flatnonzero(rows != cols)
    uncertain = np.concatenate([off[::3], [0]])  # a third of the inputs, and one diagonal
    N = GROUP + 6  # a whole group and part of the next
    values = static[uncertain][:, None] * rng.lognormal(0.0, 0.1, (uncertain.size, N))
    rhs = rng.random((n, 1))
    system = BatchedSystem(n, rows, cols, static, uncertain)
    assert system.strategy == "krylov"
    x, bad = system.solve(values, rhs, N)
    for k in range(N):
        data = static.copy()
        data[uncertain] = values[:, k]
        A = sp.csc_matrix((data, (rows, cols)), shape=(n, n))
        expected = spsolve(A, rhs[:, 0])
        # ||x - x*|| / ||x*|| <= cond(A) * rtol; cond_1(A) <= ||A||_1 ||A^-1||_1 <= 1.7 / 0.35
        # (lognormal draws of sd 0.1 move the input sums by a few percent)
        assert np.linalg.norm(x[:, k] - expected) <= 1e-9 * np.linalg.norm(expected)
        assert not bad[k]
    # chunk independence: groups of GROUP samples start at fixed positions (chunks are whole
    # blocks, a multiple of GROUP), so chunks split at a group boundary give the same groups,
    # the same operations and the same bits; a split inside a group would change which columns
    # share a triangular solve, where BLAS kernels may round differently
    x_a, _ = system.solve(values[:, :GROUP], rhs, GROUP)
    x_b, _ = system.solve(values[:, GROUP:], rhs, N - GROUP)
    np.testing.assert_array_equal(np.hstack([x_a, x_b]), x)


def test_krylov_flags_an_exactly_singular_sample():
    rng = np.random.default_rng(3)
    n = KRYLOV_MIN_N
    rows, cols, static = _system(n, rng)
    # an isolated node: its own column and row hold only the diagonal, drawn as 0 in sample 1
    keep = (rows != n - 1) & (cols != n - 1) | ((rows == n - 1) & (cols == n - 1))
    rows, cols, static = rows[keep], cols[keep], static[keep]
    diag = np.flatnonzero((rows == n - 1) & (cols == n - 1))
    system = BatchedSystem(n, rows, cols, static, diag)
    x, bad = system.solve(np.array([[1.0, 0.0, 2.0]]), np.ones((n, 1)), 3)
    assert bad.tolist() == [False, True, False]
    assert np.isnan(x[:, 1]).all()
    # solved to the sweeps' relative residual (1e-12), the bound the other tests use
    assert abs(x[n - 1, 0] - 1.0) <= 1e-9 * np.linalg.norm(x[:, 0])
    assert abs(x[n - 1, 2] - 0.5) <= 1e-9 * np.linalg.norm(x[:, 2])
    assert system._krylov.fallbacks == 1  # the singular sample: BiCGSTAB fails, LU refuses it


def test_krylov_with_a_right_hand_side_per_sample():
    """Characterization or direct emissions drawn too: each sample has its own right-hand
    side (the sweeps start from the solution of their mean), each solved to the same bound."""
    rng = np.random.default_rng(11)
    n = KRYLOV_MIN_N + 20
    rows, cols, static = _system(n, rng)
    off = np.flatnonzero(rows != cols)
    N = GROUP + 3
    values = static[off][:, None] * rng.lognormal(0.0, 0.1, (off.size, N))
    rhs = rng.lognormal(0.0, 0.3, (n, N))
    x, bad = BatchedSystem(n, rows, cols, static, off).solve(values, rhs, N)
    assert not bad.any()
    for k in range(N):
        data = static.copy()
        data[off] = values[:, k]
        expected = spsolve(sp.csc_matrix((data, (rows, cols)), shape=(n, n)), rhs[:, k])
        assert np.linalg.norm(x[:, k] - expected) <= 1e-9 * np.linalg.norm(expected)
