"""The row program that runs the block kernel: each instruction against numpy's own
operation on the same rows (IEEE operations: bit for bit), over widths that are not a whole
number of tiles, with constants, numpy's power, checked divisions and non-finite samples."""

from __future__ import annotations

import warnings

import numpy as np

from cfp_lca.calc.montecarlo.compiled import flag_nonfinite
from cfp_lca.calc.montecarlo.program import (
    ADD,
    COPY,
    DIV,
    DIVCHECK,
    MADD,
    MSUB,
    MUL,
    NEG,
    SQRT,
    SUB,
    TILE,
    RowProgram,
)


def test_each_instruction_is_numpys_operation_bit_for_bit():
    rng = np.random.default_rng(4)
    samples = 2 * TILE + 37  # tiles and a remainder
    P = RowProgram()
    x, y, z, *out = P.rows(15)
    two, third = P.const(2.0), P.const(1 / 3)
    P.op(ADD, out[0], x, y)
    P.op(SUB, out[1], x, third)
    P.op(MUL, out[2], two, y)
    P.op(DIV, out[3], x, y)
    P.op(COPY, out[4], third)
    P.op(NEG, out[5], x)
    P.op(SQRT, out[6], y)
    P.op(MADD, out[7], x, y, z)
    P.op(MSUB, out[8], x, y, third)
    P.power(out[9], x, 1.7)
    P.op(MUL, out[10], out[9], y)  # after numpy's step, in the next compiled segment
    P.op(ADD, x, x, x)  # in place
    P.op(DIVCHECK, out[11], y, z, P.const(0.5))
    R = P.finish().registers(samples)
    X, Y, Z = (rng.normal(size=samples) * 10.0 ** rng.integers(-3, 3, samples) for _ in range(3))
    Y = np.abs(Y)
    R[x], R[y], R[z] = X, Y, Z
    bad = np.zeros(samples, dtype=bool)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # NaN powers of negative bases: the samples', silently
        P.run(R, bad)
    with np.errstate(invalid="ignore"):
        powered = X**1.7
    expected = [X + Y, X - 1 / 3, 2.0 * Y, X / Y, np.full(samples, 1 / 3), -X, np.sqrt(Y),
                X + Y * Z, X - Y * (1 / 3), powered, powered * Y]  # fmt: skip
    for k, ref in enumerate(expected):
        assert np.array_equal(R[out[k]], ref, equal_nan=True), k
    assert np.array_equal(R[x], X + X)
    small = ~(np.abs(Z) > 0.5)
    assert np.array_equal(bad, small)
    assert np.array_equal(R[out[11]], Y / np.where(small, 1.0, Z))


def test_nonfinite_samples_are_flagged_and_blanked():
    R = np.ones((3, 10))
    R[0, 2] = np.inf
    R[1, 7] = np.nan
    bad = np.zeros(10, dtype=bool)
    bad[4] = True  # flagged before (a checked division)
    flag_nonfinite(R, np.array([0, 1]), np.array([2]), bad)
    assert np.flatnonzero(bad).tolist() == [2, 4, 7]
    assert np.isnan(R[2, [2, 4, 7]]).all() and (np.delete(R[2], [2, 4, 7]) == 1).all()


def test_substitution_with_drawn_pivots_flags_the_singular_samples():
    """An acyclic system whose pivots are drawn (one sample exactly zero, one with two drawn
    entries on a diagonal): the compiled substitution gives x1 = 0.5 / prod and x2 = 0.25 /
    (prod * (a + b + 1)) in closed form, flags the zero pivot's sample singular, and agrees
    with the numpy solver's values and flags."""
    from cfp_lca.calc.montecarlo.kernel import emit_substitution
    from cfp_lca.calc.montecarlo.solvers import BatchedSystem

    rng = np.random.default_rng(2)
    N = 2 * TILE + 5
    prod, a, b = rng.uniform(0.5, 2.0, N), rng.uniform(0.1, 0.5, N), rng.uniform(0.1, 0.5, N)
    prod[7] = 0.0
    # x0 = 1 (demand); node 1 makes 0.5 per unit of node 0 (production drawn); node 2 makes
    # 0.5 per unit of node 1, its production 1 + a + b (two drawn entries on its diagonal)
    rows, cols = np.array([0, 1, 1, 2, 2, 2, 2]), np.array([0, 0, 1, 1, 2, 2, 2])
    static = np.array([1.0, -0.5, 1.0, -0.5, 1.0, 0.3, 0.3])
    system = BatchedSystem(3, rows, cols, static, np.array([2, 5, 6]))
    P = RowProgram()
    drawn = P.rows(3)
    tmp, diag = P.rows(2)
    x = emit_substitution(P, system, drawn, [P.const(1.0), P.const(0.0), P.const(0.0)], tmp, diag)
    R = P.finish().registers(N)
    R[drawn] = np.vstack([prod, a, b])
    bad = np.zeros(N, dtype=bool)
    P.run(R, bad)
    rows = np.array(x[1:])
    flag_nonfinite(R, rows, rows, bad)
    assert P.const_values.get(x[0]) == 1.0  # x0 = the demand itself, no row
    assert np.flatnonzero(bad).tolist() == [7] and np.isnan(R[rows][:, 7]).all()
    ok = ~bad
    np.testing.assert_allclose(R[x[1], ok], 0.5 / prod[ok], rtol=1e-14)
    np.testing.assert_allclose(R[x[2], ok], 0.25 / (prod * (a + b + 1.0))[ok], rtol=1e-14)
    ref, ref_bad = system.solve(np.vstack([prod, a, b]), np.array([[1.0], [0.0], [0.0]]), N)
    assert np.array_equal(bad, ref_bad)
    np.testing.assert_allclose(R[rows], ref[1:], rtol=1e-15, equal_nan=True)


def test_the_program_and_the_compiled_loops_name_the_same_opcodes():
    """The compiled loops keep their opcodes in their own source (numba's cache is keyed on
    it); the row program writes the same numbers."""
    from cfp_lca.calc.montecarlo import compiled, program

    names = ("ADD", "SUB", "MUL", "DIV", "COPY", "NEG", "SQRT", "DIVCHECK", "MADD", "MSUB")
    assert [getattr(program, n) for n in names] == [getattr(compiled, n) for n in names]
    assert len({getattr(program, n) for n in names}) == len(names)
