"""Draws transformed in per-thread buffers reused from block to block: the numbers of numpy's
own distributions, drawn and transformed in one compiled pass (:mod:`.compiled`, reached
through :func:`loops`) where numpy would make several, exponentials by numpy itself."""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator

import numpy as np

_SCRATCH = threading.local()  # per thread: buffers of whole blocks, reused from block to block


def scratch(name: str, rows: int, width: int, dtype: type = np.float64) -> np.ndarray:
    """A C-contiguous (rows, width) buffer of this thread, reused by name."""
    buf = getattr(_SCRATCH, name, None)
    if buf is None or buf.size < rows * width:
        buf = np.empty(rows * width, dtype=dtype)
        setattr(_SCRATCH, name, buf)
    return buf[: rows * width].reshape(rows, width)


SMALL_RUN = 50_000  # iterations up to which a run in a process without numba uses numpy
_RUN: dict[str, int | None] = {"iterations": None}  # the run under way (``expecting``)


@contextlib.contextmanager
def expecting(iterations: int) -> Iterator[None]:
    """While a run of ``iterations`` draws: up to ``SMALL_RUN``, and while numba is not
    loaded, :func:`loops` gives numpy's passes. Only the time changes, never a number."""
    _RUN["iterations"] = iterations
    try:
        yield
    finally:
        _RUN["iterations"] = None


def loops():
    """The compiled loops (:mod:`.compiled`, numba imported with them on first use), or,
    for a small run while numba is not loaded, their numpy twin (:mod:`.numpy_loops`): the
    same numbers bit for bit, without a second of loading numba's cache."""
    n = _RUN["iterations"]
    if "numba" not in sys.modules and n is not None and n <= SMALL_RUN:
        from . import numpy_loops

        return numpy_loops
    from . import compiled

    return compiled


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
    loops().affine_into(rng, out, scale, loc, True)
    if all_logn:
        np.exp(out, out=out)
    elif any_logn:
        out[logn] = np.exp(out[logn])
