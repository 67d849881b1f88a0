"""The compiled loops (:mod:`.compiled`) as the numpy passes they fuse: the same functions, the
same numbers bit for bit, without numba. Loading numba and its cached loops takes about a
second, far longer than a small run's draws; such a run uses these instead (see
:func:`.transforms.loops`). The compiled loops were written to give the numbers of exactly
these passes (each one's docstring names them); tests/test_numpy_loops.py runs both on the
same inputs and a whole engine with each."""

from __future__ import annotations

import numpy as np

from .opcodes import TABLE

ADD, SUB, MUL, DIV, COPY, NEG, SQRT, DIVCHECK, MADD, MSUB = TABLE


def standard_normal_into(rng: np.random.Generator, out: np.ndarray) -> None:
    """``rng.standard_normal(out=out)`` for a C-contiguous (n, B) ``out``."""
    rng.standard_normal(out=out)


def affine_into(
    rng: np.random.Generator, out: np.ndarray, scale: np.ndarray, loc: np.ndarray, normal: bool
) -> None:
    """Standard normals (``normal``) or uniforms into ``out``, times ``scale`` plus ``loc``."""
    if normal:
        rng.standard_normal(out=out)
    else:
        rng.random(out=out)
    out *= scale[:, None]
    out += loc[:, None]


def triangular_into(
    rng: np.random.Generator,
    out: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
    ratio: np.ndarray,
    leftprod: np.ndarray,
    rightprod: np.ndarray,
) -> None:
    """numpy's ``random_triangular`` with its constants per row, one uniform per value."""
    rng.random(out=out)
    u = out.copy()
    below = u <= ratio[:, None]
    s = np.sqrt(np.where(below, u * leftprod[:, None], (1.0 - u) * rightprod[:, None]))
    np.copyto(out, np.where(below, left[:, None] + s, right[:, None] - s))


def triangular_quantiles_into(
    u: np.ndarray,
    out: np.ndarray,
    low: np.ndarray,
    mode: np.ndarray,
    high: np.ndarray,
    width: np.ndarray,
    ratio: np.ndarray,
) -> None:
    """The inverse triangular CDF per row, the selected side of each value."""
    lo, hi, w = low[:, None], high[:, None], width[:, None]
    left = u < ratio[:, None]
    s = np.sqrt(np.where(left, u * w * (mode[:, None] - lo), (1.0 - u) * w * (hi - mode[:, None])))
    np.copyto(out, np.where(left, lo + s, hi - s))


def run_rows(R: np.ndarray, code: np.ndarray, K: np.ndarray, bad: np.ndarray) -> None:
    """Instructions ``code`` (k, 5: op, out, a, b, c) on the rows of ``R``, one numpy
    operation each over every column; an operand below 0 is the constant in ``K``'s row
    ``-1 - operand``. Products are rounded before a sum (as the compiled loop, no fused
    multiply-add); ``DIVCHECK`` divides by 1 where ``|b|`` is not above ``c`` and flags."""

    def operand(x: int) -> np.ndarray | float:
        return R[x] if x >= 0 else float(K[-1 - x, 0])

    for op, out, a, b, c in code.tolist():
        x, y, target = operand(a), operand(b), R[out]
        if op in _BINARY:
            _BINARY[op](x, y, out=target)
        elif op == COPY:
            target[...] = x
        elif op == NEG:
            np.negative(x, out=target)
        elif op == SQRT:
            np.sqrt(x, out=target)
        elif op in (MADD, MSUB):
            product = np.multiply(y, operand(c))
            (np.add if op == MADD else np.subtract)(x, product, out=target)
        elif op == DIVCHECK:
            d = np.broadcast_to(y, R.shape[1:]).astype(np.float64, copy=True)
            small = ~(np.abs(d) > operand(c))
            bad |= small
            d[small] = 1.0
            np.divide(x, d, out=target)


_BINARY = {ADD: np.add, SUB: np.subtract, MUL: np.multiply, DIV: np.divide}


def flag_nonfinite(R: np.ndarray, check: np.ndarray, blank: np.ndarray, bad: np.ndarray) -> None:
    """Flag the columns where a ``check`` row is not finite, then blank the ``blank`` rows
    of every flagged column with NaN."""
    for r in check:
        bad |= ~np.isfinite(R[r])
    for r in blank:
        R[r][bad] = np.nan


def block_moments(q: np.ndarray, bad: np.ndarray, shift: float):
    """One block's moments as numpy adds them: (valid samples, per-label mean and sum of
    squared deviations, the pairwise sums of ``t = total - shift`` and ``t**2`` over the
    valid samples, and their sums in sample order with 0 for singular samples)."""
    x = q[:, ~bad] if bad.any() else np.asfortranarray(q)
    count = x.shape[1]
    z = np.where(bad, 0.0, q[0] - shift)
    seq1, seq2 = float(np.cumsum(z)[-1]), float(np.cumsum(z * z)[-1])
    if not count:
        return 0, np.full(q.shape[0], np.nan), np.zeros(q.shape[0]), 0.0, 0.0, seq1, seq2
    mean = x.mean(axis=1)
    dev = x - mean[:, None]
    t = x[0] - shift
    return count, mean, (dev * dev).sum(axis=1), float(t.sum()), float((t * t).sum()), seq1, seq2
