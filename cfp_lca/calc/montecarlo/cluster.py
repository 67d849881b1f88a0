"""Monte Carlo chunks on a Dask cluster (``dask.distributed``): a local cluster of ``workers``
processes, or the scheduler at an address.

Each worker process builds the fast engine once (the model and method travel pickled; the
worker opens the same Brightway project, which the caller has written and holds under its
shared lock) and then computes the chunks it is given. A chunk depends only on its bounds and
the seed, so the numbers are those of a local run, bit for bit on the same kind of CPU; the
caller folds the chunks into the statistics in order, as for local chunks. Remote workers
must see the same Brightway data directory (a shared file system).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

import numpy as np

from ...model.objects import Method, ProductModel

WINDOW_PER_WORKER = 2  # chunks in flight per worker: enough to keep each one busy
_ENGINES: dict = {}  # per worker process: engine by spec key


@dataclass(frozen=True)
class EngineSpec:
    """What a worker needs to build the engine: where the project is, and what to sample."""

    bw_dir: str
    project: str
    model: ProductModel
    method: Method
    sources: tuple[str, ...]

    @property
    def key(self) -> tuple:
        return (self.bw_dir, self.project, self.model.database, self.method.id, self.sources)


def _engine(spec: EngineSpec):
    """The worker's engine for ``spec``, built on first use."""
    if spec.key not in _ENGINES:
        os.environ.setdefault("BRIGHTWAY2_DIR", spec.bw_dir)
        import bw2data as bd

        from .engines import FastEngine

        bd.projects.set_current(spec.project)
        _ENGINES[spec.key] = FastEngine(spec.model, spec.method, spec.sources)
    return _ENGINES[spec.key]


def remote_chunk(spec: EngineSpec, seed: int, start: int, stop: int):
    """A chunk computed on a worker (the task Dask runs)."""
    return _engine(spec).chunk(seed, start, stop)


def connect(workers: int | None = None, scheduler: str | None = None):
    """A ``distributed.Client``: to ``scheduler``, or to a new local cluster of ``workers``
    single-threaded processes (quiet: no dashboard, warnings only)."""
    from distributed import Client, LocalCluster

    for name in ("distributed", "distributed.worker", "distributed.scheduler"):
        logging.getLogger(name).setLevel(logging.ERROR)
    if scheduler is not None:
        return Client(scheduler)
    cluster = LocalCluster(
        n_workers=workers or 1,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        worker_dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    return Client(cluster)


class DaskChunks:
    """Chunks computed on the cluster, a window ahead, handed back in order (the same
    interface as the local ``ChunkSource``)."""

    def __init__(self, client, spec: EngineSpec, seed: int, n: int, chunk: int):
        self.client, self.seed, self.n, self.chunk = client, seed, n, chunk
        self.spec = client.scatter(spec, broadcast=True)
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        self.window = WINDOW_PER_WORKER * workers
        self.futures: dict[int, tuple[int, object]] = {}
        self.next_start = 0

    def _fill(self) -> None:
        while len(self.futures) < self.window and self.next_start < self.n:
            start, stop = self.next_start, min(self.n, self.next_start + self.chunk)
            fut = self.client.submit(remote_chunk, self.spec, self.seed, start, stop, pure=False)
            self.futures[start] = (stop, fut)
            self.next_start = stop

    def get(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        """Scores and singular mask of iterations ``start`` to ``stop``."""
        self._fill()
        if start not in self.futures or self.futures[start][0] != stop:
            self.close()
            self.next_start = start
            self._fill()
        _, fut = self.futures.pop(start)
        result = fut.result()
        self._fill()
        return result

    def close(self) -> None:
        """Cancel the chunks still in flight (e.g. after a tolerance stop)."""
        for _, fut in self.futures.values():
            fut.cancel()
        self.futures.clear()
