"""The worker threads shared by the sampler, the fast engine and the statistics.

numpy releases the GIL in its generators, ufuncs and ``np.partition``, so a few threads work
on separate blocks (or labels) at once; each piece of work owns its output, so threads change
nothing in the numbers.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

WORKERS = min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)
_POOL: ThreadPoolExecutor | None = None


def pool() -> ThreadPoolExecutor:
    """The shared pool of ``WORKERS`` threads, started on first use."""
    global _POOL
    if _POOL is None:
        _POOL = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="cfp-draw")
    return _POOL
