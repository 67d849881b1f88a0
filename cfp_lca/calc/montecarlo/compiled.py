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


@numba.njit(nogil=True, cache=True)
def standard_normal_into(rng: np.random.Generator, out: np.ndarray) -> None:
    """``rng.standard_normal(out=out)`` for a C-contiguous (n, B) ``out``."""
    n, width = out.shape
    for i in range(n):
        for j in range(width):
            out[i, j] = rng.standard_normal()


@numba.njit(nogil=True, cache=True)
def normal_affine_into(
    rng: np.random.Generator, out: np.ndarray, scale: np.ndarray, loc: np.ndarray
) -> None:
    """``rng.standard_normal(out=out); out *= scale[:, None]; out += loc[:, None]``."""
    n, width = out.shape
    for i in range(n):
        s = scale[i]
        m = loc[i]
        for j in range(width):
            z = rng.standard_normal() * s
            out[i, j] = z + m


@numba.njit(nogil=True, cache=True)
def uniform_into(
    rng: np.random.Generator, out: np.ndarray, low: np.ndarray, width: np.ndarray
) -> None:
    """``rng.random(out=out); out *= width[:, None]; out += low[:, None]``: numpy's
    ``uniform(low, low + width)`` (``low + width U``)."""
    n, size = out.shape
    for i in range(n):
        w = width[i]
        a = low[i]
        for j in range(size):
            u = rng.random() * w
            out[i, j] = u + a


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
