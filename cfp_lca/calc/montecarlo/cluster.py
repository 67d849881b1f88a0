"""Monte Carlo chunks on a Dask cluster (``dask.distributed``): a local cluster of ``workers``
processes, or the scheduler at an address. The same path serves paired scenario comparisons
(one paired engine per scenario) and any other engine a spec builds (the sensitivity
analysis evaluates blocks of input values through an input space of its own spec).

Each worker process builds the engine of a spec once (the model and method travel pickled;
a worker plugin, :mod:`.workers`, opens the same Brightway project, which the caller has
written and holds under its shared lock, and keeps the engines) and then computes the chunks
it is given. A chunk depends only on its bounds and the seed, so the numbers are those of a
local run, bit for bit on the same kind of CPU; the caller folds the chunks into the
statistics in order, as for local chunks. Remote workers must see the same Brightway data
directory (a shared file system).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from ...model.objects import Method, ProductModel

WINDOW_PER_WORKER = 2  # chunks in flight per worker: enough to keep each one busy


@dataclass(frozen=True)
class EngineSpec:
    """What a worker needs to build the engine: where the project is, and what to sample
    (``paired``: common random numbers, as scenario comparisons draw them)."""

    bw_dir: str
    project: str
    model: ProductModel
    method: Method
    sources: tuple[str, ...]
    paired: bool = False

    @classmethod
    def here(cls, model: ProductModel, method: Method, sources: Sequence[str], **extra):
        """The spec for the current Brightway project of this process."""
        import bw2data as bd

        return cls(data_dir(), bd.projects.current, model, method, tuple(sources), **extra)

    @cached_property
    def content(self) -> str:
        """A digest of the model and method (hashed once per copy of the spec, not per task)."""
        return hashlib.sha256(repr((self.model, self.method)).encode()).hexdigest()

    @property
    def key(self) -> tuple:
        """Identifies the engine by content: a long-lived cluster given a changed model (or
        method) under the same names builds a new engine, never reuses a stale one."""
        return (
            self.bw_dir,
            self.project,
            self.model.database,
            self.method.id,
            self.content,
            self.sources,
            self.paired,
        )

    def build(self):
        """The fast engine (in the project, which the caller has opened)."""
        from .engines import FastEngine

        return FastEngine(self.model, self.method, self.sources, paired=self.paired)


def data_dir() -> str:
    """This process's Brightway data directory (bw2data's public API: the folder of the
    current project lies in it)."""
    import bw2data as bd

    return str(Path(bd.projects.dir).parent)


def _share(client, spec: EngineSpec) -> EngineSpec:
    """``spec`` ready to travel in every task, the workers' plugin for its Brightway
    directory registered first. Not scattered: a scattered copy dies with the worker that
    holds it, and a killed worker then fails the whole run ("lost scattered data"); in the
    task, Dask computes it again elsewhere (about 125 kB a chunk for zw32)."""
    from .workers import register

    register(client, spec)
    return spec


def map_blocks(client, spec: EngineSpec, method: str, blocks: Sequence[np.ndarray], *args):
    """``method(block, *args)`` of the engine of ``spec`` for each block on the cluster, in
    order (the blocks travel in the tasks, so Dask can compute them again on another worker
    if one dies)."""
    from .workers import remote_call

    spec = _share(client, spec)
    futures = [client.submit(remote_call, spec, method, b, *args, pure=False) for b in blocks]
    return client.gather(futures)


def connect(workers: int | None = None, scheduler: str | None = None):
    """A ``distributed.Client``: to ``scheduler``, or to a new local cluster of ``workers``
    single-threaded processes (quiet: no dashboard, warnings only) started in this process's
    Brightway data directory (their environment's BRIGHTWAY2_DIR)."""
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
        env={"BRIGHTWAY2_DIR": data_dir()},
        preload=["cfp_lca.worker_stdout"],  # workers print to stderr
    )
    return Client(cluster)


@contextlib.contextmanager
def cluster_client(workers: int | None = None, scheduler: str | None = None) -> Iterator:
    """A client as ``connect`` gives it, closed (with the local cluster it started) on exit;
    ``None`` when neither ``workers`` nor ``scheduler`` is given (compute here)."""
    if workers is None and scheduler is None:
        yield None
        return
    client = connect(workers, scheduler)
    cluster = client.cluster if scheduler is None else None  # the local one started here
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


class DaskChunks:
    """Chunks computed on the cluster, a window ahead, handed back in order (the same
    interface as the local ``ChunkSource``)."""

    def __init__(self, client, spec: EngineSpec, seed: int, n: int, chunk: int):
        self.client, self.seed, self.n, self.chunk = client, seed, n, chunk
        self.spec = _share(client, spec)
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        self.window = WINDOW_PER_WORKER * workers
        self.futures: dict[int, tuple[int, object]] = {}
        self.next_start = 0

    def _fill(self) -> None:
        from .workers import remote_chunk

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


def __getattr__(name: str):
    """``_ENGINES``: the keys of the engines the Dask workers of this process hold (read by
    ``Client.run``; the engines themselves live on each worker's plugin, not here)."""
    if name == "_ENGINES":
        from .workers import engine_keys

        return engine_keys()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
