"""In-place transforms of random numbers into draws, in per-thread buffers reused from block
to block: the same IEEE operations as numpy's own distributions, without their temporaries."""

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


def _select(mask: np.ndarray, a: np.ndarray, b: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``np.where(mask, a, b)`` into ``out`` (which may be ``a`` or ``b``), bit for bit,
    without branches: ``mask`` is int64 -1 (take a) or 0 (take b); float64 bits selected as
    ``b ^ ((a ^ b) & mask)``."""
    o, a, b = out.view(np.int64), a.view(np.int64), b.view(np.int64)
    bits = np.bitwise_xor(a, b, out=scratch("select", *mask.shape, np.int64))
    bits &= mask
    np.bitwise_xor(bits, b, out=o)
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
    ``rng.triangular(left, mode, right)`` broadcast to (n, B): one uniform ``U`` per value in
    the same order, then numpy's ``random_triangular``: ``left + sqrt(U leftbase base)`` where
    ``U <= leftbase / base``, else ``right - sqrt((1 - U) (right - mode) base)``, with ``base
    = right - left``, ``leftbase = mode - left`` (the same IEEE operations, one square root
    per value, branch-free selections)."""
    n, width = out.shape
    rng.random(out=out)
    below = np.less_equal(out, ratio, out=scratch("mask", n, width, np.int64), casting="unsafe")
    np.negative(below, out=below)  # 1 -> -1: all bits set where U <= ratio
    other = scratch("triangular", n, width)
    np.subtract(1.0, out, out=other)
    other *= rightprod
    out *= leftprod
    root = _select(below, out, other, out)
    np.sqrt(root, out=root)
    np.subtract(right, root, out=other)
    root += left
    return _select(below, root, other, out)


def gauss_into(
    rng: np.random.Generator,
    out: np.ndarray,
    scale: np.ndarray,
    loc: np.ndarray,
    all_logn: bool,
    any_logn: bool,
    logn: np.ndarray,
) -> None:
    """Standard normals into ``out``, as ``loc + scale z`` in place, exponentiated in the
    ``logn`` rows (all of them when ``all_logn``)."""
    rng.standard_normal(out=out)
    out *= scale
    out += loc
    if all_logn:
        np.exp(out, out=out)
    elif any_logn:
        out[logn] = np.exp(out[logn])
