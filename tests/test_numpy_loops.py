"""The numpy twin of the compiled loops gives their numbers bit for bit: each function on the
same inputs (draws through the ziggurat's tail, triangles with a mode at either end, every
instruction of a row program, blocks with singular samples), a whole engine's chunk with all
sources drawn, and the choice between them (numpy only for a small run without numba)."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from cfp_lca.calc.montecarlo import compiled, numpy_loops, transforms
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
from cfp_lca.calc.montecarlo.sampling import block_generator


def _both(call) -> tuple:
    """``call(loops)`` with the compiled loops and with their numpy twin."""
    return call(compiled), call(numpy_loops)


def test_draws_are_the_compiled_draws():
    rng = np.random.default_rng(5)
    n, width = 13, 1000
    scale = rng.random(n) * 10.0 ** rng.integers(-5, 5, n)
    low = rng.normal(size=n) * 10.0 ** rng.integers(-5, 5, n)
    high = low + scale
    mode = low + scale * rng.random(n)
    mode[0], mode[1] = low[0], high[1]  # a mode at either end
    base, leftbase = high - low, mode - low

    def draws(loops) -> list[np.ndarray]:
        normals = np.empty((250, 4096))  # the ziggurat's tail and wedges are reached
        loops.standard_normal_into(block_generator(7, 1, 3), normals)
        out = [normals]
        for normal in (True, False):
            out.append(np.empty((n, width)))
            loops.affine_into(block_generator(1, 2, int(normal)), out[-1], scale, low, normal)
        out.append(np.empty((n, width)))
        loops.triangular_into(block_generator(1, 2, 2), out[-1], low, high, leftbase / base,
                              leftbase * base, (high - mode) * base)  # fmt: skip
        u = block_generator(1, 2, 3).random((n, width))
        out.append(np.empty((n, width)))
        loops.triangular_quantiles_into(u, out[-1], low, mode, high, base, leftbase / base)
        return out

    for a, b in zip(*_both(draws), strict=True):
        assert np.array_equal(a, b)


def test_block_moments_and_flags_are_the_compiled_ones():
    rng = np.random.default_rng(6)
    for n in (1, 9, 127, 129, 1000, 4096):
        for share in (0.0, 0.2, 1.0):
            q = rng.lognormal(8.0, 0.5, (5, n))
            bad = rng.random(n) < share
            compiled_moments, numpy_moments = _both(
                lambda lp, q=q, bad=bad: lp.block_moments(q, bad, 3000.0)
            )
            assert compiled_moments[0] == numpy_moments[0]
            for a, b in zip(compiled_moments[1:], numpy_moments[1:], strict=True):
                assert np.array_equal(a, b, equal_nan=True), (n, share)
    R = rng.normal(size=(4, 300))
    R[1, [3, 50]] = [np.inf, np.nan]

    def flagged(loops) -> tuple[np.ndarray, np.ndarray]:
        regs, bad = R.copy(), np.zeros(300, dtype=bool)
        loops.flag_nonfinite(regs, np.array([1]), np.array([0, 2]), bad)
        return regs, bad

    (r1, b1), (r2, b2) = _both(flagged)
    assert np.array_equal(b1, b2) and b1.sum() == 2
    assert np.array_equal(r1, r2, equal_nan=True)


def test_every_instruction_is_the_compiled_one():
    rng = np.random.default_rng(4)
    samples = 2 * TILE + 37  # tiles and a remainder
    P = RowProgram()
    x, y, z, *out = P.rows(14)
    two, third = P.const(2.0), P.const(1 / 3)
    for instruction in [
        (ADD, out[0], x, y), (SUB, out[1], x, third), (MUL, out[2], two, y), (DIV, out[3], x, y),
        (COPY, out[4], third), (NEG, out[5], x), (SQRT, out[6], y), (MADD, out[7], x, y, z),
        (MSUB, out[8], x, y, third), (ADD, x, x, x), (DIVCHECK, out[9], y, z, P.const(0.5)),
        (DIVCHECK, out[10], x, two, P.const(3.0)),
    ]:  # fmt: skip
        P.op(*instruction)
    P.finish()
    R = P.registers(samples)
    R[x], R[y], R[z] = (rng.normal(size=samples) * 10.0 ** rng.integers(-3, 3, samples)
                        for _ in range(3))  # fmt: skip
    R[y] = np.abs(R[y])
    (code,) = [s for s in P.segments if isinstance(s, np.ndarray)]

    def run(loops) -> tuple[np.ndarray, np.ndarray]:
        regs, bad = R.copy(), np.zeros(samples, dtype=bool)
        loops.run_rows(regs, code, P._tiles, bad)
        return regs, bad

    (r1, b1), (r2, b2) = _both(run)
    assert np.array_equal(r1[: len(out) + 3], r2[: len(out) + 3], equal_nan=True)
    assert np.array_equal(b1, b2) and b1.any()


def test_numpy_serves_a_small_run_only_while_numba_is_not_loaded(monkeypatch):
    assert transforms.loops() is compiled  # no run under way
    with transforms.expecting(transforms.SMALL_RUN):
        assert transforms.loops() is compiled  # numba is loaded here
        monkeypatch.delitem(sys.modules, "numba")
        assert transforms.loops() is numpy_loops
    with transforms.expecting(transforms.SMALL_RUN + 1):
        assert transforms.loops() is compiled
    assert transforms.loops() is compiled


@pytest.mark.usefixtures("restore_project")
def test_an_engine_chunk_is_the_same_through_either(built, monkeypatch):
    """zw32 with every source drawn (normal, lognormal, triangular and uniform draws,
    correlated parameters, row programs with checked divisions): three blocks and a part."""
    from cfp_lca.calc.montecarlo import SOURCES, FastEngine

    model = built.models["zw32"]
    engine = FastEngine(model, built.methods[model.method], SOURCES)
    n = 3 * 4096 + 500
    first, bad_first = engine.chunk(11, 0, n)
    monkeypatch.delitem(sys.modules, "numba")
    with transforms.expecting(n):
        assert transforms.loops() is numpy_loops
        second, bad_second = engine.chunk(11, 0, n)
    assert np.array_equal(first, second, equal_nan=True)
    assert np.array_equal(bad_first, bad_second)
