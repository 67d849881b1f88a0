"""Draws transformed in per-thread buffers reused from block to block: the numbers of numpy's
own distributions, drawn and transformed in one compiled pass (:mod:`.compiled`) where numpy
would make several, exponentials by numpy itself."""

from __future__ import annotations

import threading

import numpy as np

_SCRATCH = threading.local()  # per thread: buffers of whole blocks, reused from block to block


def scratch(name: str, rows: int, width: int, dtype: type = np.float64) -> np.ndarray:
    """A C-contiguous (rows, width) buffer of this thread, reused by name."""
    buf = getattr(_SCRATCH, name, None)
    if buf is None or buf.size < rows * width:
        buf = np.empty(rows * width, dtype=dtype)
        setattr(_SCRATCH, name, buf)
    return buf[: rows * width].reshape(rows, width)


def _compiled():
    """The compiled loops, imported (and numba with them) on the first draw."""
    from . import compiled

    return compiled


def standard_normal_into(rng: np.random.Generator, out: np.ndarray) -> np.ndarray:
    """``rng.standard_normal(out=out)``, C-contiguous (n, B) ``out``."""
    _compiled().standard_normal_into(rng, out)
    return out


def gauss_into(
    rng: np.random.Generator,
    out: np.ndarray,
    scale: np.ndarray,
    loc: np.ndarray,
    all_logn: bool,
    any_logn: bool,
    logn: np.ndarray,
) -> None:
    """Standard normals ``z`` into ``out`` (n, B) as ``loc + scale z`` (``scale``, ``loc``
    (n,)), exponentiated in the ``logn`` rows (all of them when ``all_logn``)."""
    _compiled().normal_affine_into(rng, out, scale, loc)
    if all_logn:
        np.exp(out, out=out)
    elif any_logn:
        out[logn] = np.exp(out[logn])


def uniform_into(
    rng: np.random.Generator, out: np.ndarray, low: np.ndarray, width: np.ndarray
) -> np.ndarray:
    """numpy's ``uniform(low, low + width)`` into ``out`` (n, B), ``low`` and ``width`` (n,)."""
    _compiled().uniform_into(rng, out, low, width)
    return out


def triangular_into(
    rng: np.random.Generator,
    out: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
    ratio: np.ndarray,
    leftprod: np.ndarray,
    rightprod: np.ndarray,
) -> np.ndarray:
    """Triangular draws into ``out`` (n, B) C-contiguous, the very numbers of
    ``rng.triangular(left, mode, right)`` broadcast to (n, B), given numpy's constants of
    ``random_triangular`` per row (n,): ``ratio = (mode - left) / base``, ``leftprod = (mode -
    left) base``, ``rightprod = (right - mode) base`` with ``base = right - left``."""
    _compiled().triangular_into(rng, out, left, right, ratio, leftprod, rightprod)
    return out


def triangular_quantiles_into(
    u: np.ndarray,
    out: np.ndarray,
    low: np.ndarray,
    mode: np.ndarray,
    high: np.ndarray,
    width: np.ndarray,
    ratio: np.ndarray,
) -> np.ndarray:
    """The triangles' inverse CDF at ``u`` (n, N) into ``out``, per row (n,): ``low +
    sqrt(u width (mode - low))`` where ``u < ratio``, else ``high - sqrt((1 - u) width (high -
    mode))`` (``width``: high - low, 1 for a degenerate row; ``ratio``: (mode - low) / width)."""
    _compiled().triangular_quantiles_into(u, out, low, mode, high, width, ratio)
    return out
