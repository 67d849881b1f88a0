"""Draws fused with their transforms in compiled loops (numba): numpy's own numbers, one pass.

numba's ``np.random.Generator`` draws the very stream of numpy's generator methods (its
ziggurat and ``next_double`` are ports of numpy's ``distributions.c``, called through the same
bit generator), without numpy's per-value function calls: standard normals about 2.7x faster
here. Each loop then applies the IEEE operations numpy's code or ours applied in separate
passes, in the same order and without contraction into fused multiply-adds, so the values are
those of the numpy passes bit for bit (``tests/test_compiled_draws.py`` checks this against
numpy's own ``standard_normal``, ``uniform`` and ``triangular``).

Loops run without the GIL: the fast engine's threads draw their blocks at once. numba is
imported on the first draw, so commands that draw nothing do not pay for it.
"""

from __future__ import annotations

import numba
import numpy as np

from .opcodes import TABLE


@numba.njit(nogil=True, cache=True)
def standard_normal_into(rng: np.random.Generator, out: np.ndarray) -> None:
    """``rng.standard_normal(out=out)`` for a C-contiguous (n, B) ``out``."""
    n, width = out.shape
    for i in range(n):
        for j in range(width):
            out[i, j] = rng.standard_normal()


@numba.njit(nogil=True, cache=True)
def affine_into(
    rng: np.random.Generator, out: np.ndarray, scale: np.ndarray, loc: np.ndarray, normal: bool
) -> None:
    """``loc + scale z`` row by row: numpy's ``standard_normal(out=out)`` (``normal``) or
    ``random(out=out)``, then ``out *= scale[:, None]; out += loc[:, None]`` (so numpy's
    ``uniform(low, low + width)``, ``low + width U``, for the uniform draws)."""
    n, width = out.shape
    for i in range(n):
        s = scale[i]
        m = loc[i]
        for j in range(width):
            z = rng.standard_normal() if normal else rng.random()
            out[i, j] = z * s + m


@numba.njit(nogil=True, cache=True)
def triangular_into(
    rng: np.random.Generator,
    out: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
    ratio: np.ndarray,
    leftprod: np.ndarray,
    rightprod: np.ndarray,
) -> None:
    """numpy's ``random_triangular`` with its constants per row: one uniform ``U`` per value,
    ``left + sqrt(U leftprod)`` where ``U <= ratio``, else ``right - sqrt((1 - U) rightprod)``."""
    n, width = out.shape
    for i in range(n):
        a = left[i]
        b = right[i]
        c = ratio[i]
        lp = leftprod[i]
        rp = rightprod[i]
        for j in range(width):
            u = rng.random()
            below = u <= c  # selections, not branches: half of them would be mispredicted
            s = np.sqrt(u * lp if below else (1.0 - u) * rp)
            out[i, j] = a + s if below else b - s


@numba.njit(nogil=True, cache=True)
def triangular_quantiles_into(
    u: np.ndarray,
    out: np.ndarray,
    low: np.ndarray,
    mode: np.ndarray,
    high: np.ndarray,
    width: np.ndarray,
    ratio: np.ndarray,
) -> None:
    """Per row, ``where(u < ratio, low + sqrt(u width (mode - low)), high - sqrt((1 - u)
    width (high - mode)))``: the selected side of each value only, in numpy's order."""
    n, size = u.shape
    for i in range(n):
        a = low[i]
        b = high[i]
        w = width[i]
        c = ratio[i]
        left_base = mode[i] - a
        right_base = b - mode[i]
        for j in range(size):
            p = u[i, j]
            left = p < c
            s = np.sqrt(p * w * left_base if left else (1.0 - p) * w * right_base)
            out[i, j] = a + s if left else b - s


def row_kernel(ADD, SUB, MUL, DIV, COPY, NEG, SQRT, DIVCHECK, MADD, MSUB):  # noqa: N803
    """The compiled row-program kernel for one opcode table (:data:`.opcodes.TABLE`).

    The opcodes reach the kernel as its closure, not as globals of another module: numba
    reads both as compile-time constants, but its on-disk cache is invalidated by the
    source of this file only, and by the contents of a closure, which it hashes into the
    cache key. A changed table is so compiled again, never run from a stale cache.
    """

    @numba.njit(nogil=True, cache=True)
    def run_rows(R: np.ndarray, code: np.ndarray, K: np.ndarray, bad: np.ndarray) -> None:
        """Instructions ``code`` (k, 5: op, out, a, b, c) on the rows of ``R`` (rows, S), a
        tile of ``K.shape[1]`` columns at a time so that the rows a tile touches stay in
        cache. An operand below 0 is constant ``-1 - operand``, whose value fills that row of
        ``K`` (constants, tile). ``MADD``/``MSUB``: ``a + b c``/``a - b c``, the product
        rounded first (no fused multiply-add). ``DIVCHECK`` divides by ``b`` where its
        magnitude exceeds ``c`` (a tolerance), else by 1 and flags the column in ``bad``.

        The opcode dispatch stays one chain of branches, each with its own loop over the
        tile (radon counts them all): numba cannot dispatch cheaply through a table of
        functions (a first-class function call per instruction and tile, never inlined)."""
        size = R.shape[1]
        tile = K.shape[1]
        for t0 in range(0, size, tile):
            t1 = min(size, t0 + tile)
            n = t1 - t0
            for k in range(code.shape[0]):
                op = code[k, 0]
                out = R[code[k, 1], t0:t1]
                a = code[k, 2]
                b = code[k, 3]
                x = R[a, t0:t1] if a >= 0 else K[-1 - a, :n]
                y = R[b, t0:t1] if b >= 0 else K[-1 - b, :n]
                if op == ADD:
                    for j in range(n):
                        out[j] = x[j] + y[j]
                elif op == SUB:
                    for j in range(n):
                        out[j] = x[j] - y[j]
                elif op == MUL:
                    for j in range(n):
                        out[j] = x[j] * y[j]
                elif op == DIV:
                    for j in range(n):
                        out[j] = x[j] / y[j]
                elif op == COPY:
                    for j in range(n):
                        out[j] = x[j]
                elif op == NEG:
                    for j in range(n):
                        out[j] = -x[j]
                elif op == SQRT:
                    for j in range(n):
                        out[j] = np.sqrt(x[j])
                elif op == MADD:
                    c = code[k, 4]
                    z = R[c, t0:t1] if c >= 0 else K[-1 - c, :n]
                    for j in range(n):
                        out[j] = x[j] + y[j] * z[j]
                elif op == MSUB:
                    c = code[k, 4]
                    z = R[c, t0:t1] if c >= 0 else K[-1 - c, :n]
                    for j in range(n):
                        out[j] = x[j] - y[j] * z[j]
                elif op == DIVCHECK:  # every opcode named: all in the cache key
                    c = code[k, 4]
                    tol = R[c, t0:t1] if c >= 0 else K[-1 - c, :n]
                    flags = bad[t0:t1]
                    for j in range(n):
                        d = y[j]
                        if not abs(d) > tol[j]:
                            flags[j] = True
                            d = 1.0
                        out[j] = x[j] / d

    return run_rows


run_rows = row_kernel(*TABLE)
ADD, SUB, MUL, DIV, COPY, NEG, SQRT, DIVCHECK, MADD, MSUB = TABLE  # the kernel's opcodes


@numba.njit(nogil=True, cache=True)
def flag_nonfinite(R: np.ndarray, check: np.ndarray, blank: np.ndarray, bad: np.ndarray) -> None:
    """Flag in ``bad`` the columns where a ``check`` row is not finite, then set the ``blank``
    rows of every flagged column to NaN (rows outside, columns inside: along memory)."""
    for r in check:
        row = R[r]
        for j in range(row.size):
            if not np.isfinite(row[j]):
                bad[j] = True
    for r in blank:
        row = R[r]
        for j in range(row.size):
            if bad[j]:
                row[j] = np.nan


# numpy's pairwise summation, copied: numba's own ``np.sum`` adds in sequence, and handing
# the valid samples back to numpy would take a gathered copy and a pass per block. A numpy
# that changed its order would change the statistics silently, so the copy is guarded:
# tests/test_engine_pairwise.py compares it with ``np.sum`` bit for bit (lengths around
# numpy's unroll of 8 and leaf of 128, up to a block, as ``block_moments`` sums them).
@numba.njit(cache=True)
def _pairwise_leaf(a: np.ndarray, lo: int, n: int) -> float:
    """numpy's ``pairwise_sum`` of at most 128 values: in order below 8, else with eight
    accumulators."""
    if n < 8:
        res = 0.0
        for i in range(lo, lo + n):
            res += a[i]
        return res
    r0, r1, r2, r3 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3]
    r4, r5, r6, r7 = a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
    i = 8
    while i < n - (n % 8):
        r0 += a[lo + i]
        r1 += a[lo + i + 1]
        r2 += a[lo + i + 2]
        r3 += a[lo + i + 3]
        r4 += a[lo + i + 4]
        r5 += a[lo + i + 5]
        r6 += a[lo + i + 6]
        r7 += a[lo + i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[lo + i]
        i += 1
    return res


@numba.njit(cache=True)
def _pairwise(a: np.ndarray, n: int) -> float:
    """numpy's ``pairwise_sum`` of ``a[:n]``, the order in which ``np.sum`` adds a contiguous
    array: leaves of at most 128 values, halves (rounded to eights) added above them. Its
    recursion is run on an explicit stack (numba does not cache recursive functions)."""
    los = np.empty(256, dtype=np.int64)
    sizes = np.empty(256, dtype=np.int64)
    join = np.empty(256, dtype=np.bool_)
    values = np.empty(256)
    top, held = 0, 0
    los[0], sizes[0], join[0] = 0, n, False
    top = 1
    while top:
        top -= 1
        lo, m = los[top], sizes[top]
        if join[top]:  # both halves done: left + right
            held -= 1
            values[held - 1] = values[held - 1] + values[held]
        elif m <= 128:
            values[held] = _pairwise_leaf(a, lo, m)
            held += 1
        else:
            half = m // 2
            half -= half % 8
            los[top], sizes[top], join[top] = lo, m, True
            los[top + 1], sizes[top + 1], join[top + 1] = lo + half, m - half, False
            los[top + 2], sizes[top + 2], join[top + 2] = lo, half, False
            top += 3
    return values[0]


@numba.njit(nogil=True, cache=True)
def block_moments(q: np.ndarray, bad: np.ndarray, shift: float):
    """The statistics of one block's (labels, n) scores that the accumulator folds in, with
    numpy's own order of additions: (valid samples, per-label mean and sum of squared
    deviations over them, added in sample order as ``mean(axis=1)`` of a Fortran array does;
    the sums of ``t = total - shift`` and ``t**2`` over the valid samples as ``np.sum`` adds
    them (pairwise); and in sample order with 0 for singular samples,
    as ``np.cumsum`` reaches them)."""
    labels, n = q.shape
    count = 0
    sums = np.zeros(labels)
    t = np.empty(n)
    tt = np.empty(n)
    seq1 = 0.0
    seq2 = 0.0
    for j in range(n):
        if bad[j]:
            seq1 += 0.0
            seq2 += 0.0
            continue
        for i in range(labels):
            sums[i] += q[i, j]
        x = q[0, j] - shift
        t[count] = x
        tt[count] = x * x
        seq1 += x
        seq2 += x * x
        count += 1
    mean = sums / count if count else np.full(labels, np.nan)
    m2 = np.zeros(labels)
    for j in range(n):
        if not bad[j]:
            for i in range(labels):
                d = q[i, j] - mean[i]
                m2[i] += d * d
    pair1 = _pairwise(t, count)
    pair2 = _pairwise(tt, count)
    return count, mean, m2, pair1, pair2, seq1, seq2
