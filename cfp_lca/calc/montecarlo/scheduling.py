"""Running a Monte Carlo: chunks scheduled one ahead, statistics streamed, the result.

:func:`run_monte_carlo` asks the engine for chunks of whole blocks (the next one computed in a
background thread while the statistics of the current one are taken), folds them into the
statistics block by block, so that nothing depends on the chunk size, and stops at ``n`` or
at the first block boundary where the requested tolerance is met.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np

from ...model.objects import Catalog, Method, ProductModel
from .cluster import DaskChunks, EngineSpec, cluster_client
from .engines import BrightwayEngine, FastEngine
from .parameters import achieved_correlations
from .sampling import BLOCK_SIZE
from .statistics import Accumulator, Convergence, MonteCarloResult, percentile_method
from .structure import DATA_SOURCES, MonteCarloError, check_sources
from .transforms import expecting

DEFAULT_CHUNK = 16 * BLOCK_SIZE


class ChunkSource:
    """Chunks of a fast engine computed one ahead in a background thread, so that the
    statistics of a chunk are taken while the next one is drawn (the engine is pure: a chunk
    depends only on its bounds). Other engines are called in turn.

    ``store``: a float64 (labels, n) array where a fast engine writes each chunk's scores in
    place (the statistics' store), so that its worker threads, not the statistics, fill it.
    """

    _EXECUTOR: ThreadPoolExecutor | None = None

    def __init__(
        self,
        eng: FastEngine | BrightwayEngine,
        seed: int,
        n: int,
        chunk: int,
        store: np.ndarray | None = None,
    ):
        self.eng, self.seed, self.n, self.chunk = eng, seed, n, chunk
        self.ahead = isinstance(eng, FastEngine) and n > chunk
        fast_store = isinstance(eng, FastEngine) and store is not None
        self.store = store if fast_store and store.dtype == np.float64 else None
        self.pending: tuple[int, int, Future] | None = None

    @classmethod
    def _executor(cls) -> ThreadPoolExecutor:
        """The one thread that computes chunks ahead, started on first use."""
        if cls._EXECUTOR is None:
            cls._EXECUTOR = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cfp-chunk")
        return cls._EXECUTOR

    def get(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        """Scores and singular mask of iterations ``start`` to ``stop``; the next chunk starts."""
        if self.pending is not None and self.pending[:2] == (start, stop):
            result = self.pending[2].result()
        else:
            self.close()
            result = self._compute(start, stop)
        self.pending = None
        if self.ahead and stop < self.n:
            nxt = min(self.n, stop + self.chunk)
            fut = self._executor().submit(self._compute, stop, nxt)
            self.pending = (stop, nxt, fut)
        return result

    def _compute(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        """The engine's chunk, written into the store where there is one."""
        if self.store is None:
            return self.eng.chunk(self.seed, start, stop)
        return self.eng.chunk(self.seed, start, stop, out=self.store[:, start:stop])

    def close(self) -> None:
        """Wait for (or cancel) the chunk computed ahead."""
        if self.pending is not None:
            if not self.pending[2].cancel():
                self.pending[2].result()
            self.pending = None


def _fold(
    source: ChunkSource | DaskChunks,
    acc: Accumulator,
    n: int,
    chunk: int,
    tolerance: float | None,
    progress: Callable[[int], None] | None,
) -> tuple[int, bool | None]:
    """Chunks of ``source`` folded into ``acc`` block by block, so that the statistics do not
    depend on the chunk size, up to ``n`` or the first block boundary where ``tolerance`` is
    met; (iterations done, converged: None without a tolerance)."""
    converged = None if tolerance is None else False
    done = 0
    while done < n and not converged:
        stop = min(n, done + chunk)
        q_chunk, bad_chunk = source.get(done, stop)
        for lo in range(done, stop, BLOCK_SIZE):
            hi = min(stop, lo + BLOCK_SIZE)
            q, bad = q_chunk[:, lo - done : hi - done], bad_chunk[lo - done : hi - done]
            moments = acc.moments(q, bad)
            conv = acc.running(q[0], bad, lo, moments)
            if tolerance is not None:
                its, kk, mean, hw = conv
                with np.errstate(divide="ignore", invalid="ignore"):
                    ok = (hw / np.abs(mean) < tolerance) & (kk > 1)
                ok &= (its % BLOCK_SIZE == 0) | (its == n)
                if ok.any():
                    first = int(np.argmax(ok))
                    hi = int(its[first])
                    if hi - lo < q.shape[1]:
                        q, bad, moments = q[:, : hi - lo], bad[: hi - lo], None
                    conv = tuple(a[: first + 1] for a in conv)
                    converged = True
            acc.add(q, bad, lo, conv, moments)
            if converged:
                stop = hi
                break
        done = stop
        if progress is not None:
            progress(done)
    return done, converged


def run_monte_carlo(
    catalog: Catalog,
    model: ProductModel | str,
    method: Method | str | None = None,
    n: int = 10_000,
    seed: int = 0,
    sources: Sequence[str] = DATA_SOURCES,
    chunk_size: int = DEFAULT_CHUNK,
    engine: str = "fast",
    save_samples: str | Path | None = None,
    keep_samples: bool = False,
    tolerance: float | None = None,
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    supply_chain_only: bool = False,
    fast_engine: FastEngine | None = None,
) -> MonteCarloResult:
    """Monte Carlo of one functional unit of ``model`` in the current project.

    The fast engine draws the model's supply chain only; ``engine="brightway"`` draws every
    entry of the databases, or with ``supply_chain_only`` the supply chain only.

    ``chunk_size`` is rounded up to whole blocks of ``BLOCK_SIZE``; results do not
    depend on it. ``tolerance``: stop at the first block boundary where the total's 95 %
    half-width relative to its running mean falls below it. ``save_samples``: a ``.npy`` file
    written as (iterations, labels) float64. ``progress`` is called with iterations done.
    ``workers`` (processes of a local Dask cluster) or ``scheduler`` (the address of one):
    chunks of the fast engine are computed there, with the same numbers as here.
    ``fast_engine``: one built before for this model, method and sources (a warm workspace
    keeps them: an engine is pure, a chunk depends on its bounds and the seed only).
    """
    t0 = time.perf_counter()
    if isinstance(model, str):
        model = catalog.models[model]
    if method is None:
        method = catalog.methods[model.method]
    elif isinstance(method, str):
        method = catalog.methods[method]
    if n < 1:
        raise MonteCarloError("n must be at least 1")
    sources = check_sources(sources)
    chunk = max(1, math.ceil(chunk_size / BLOCK_SIZE)) * BLOCK_SIZE
    if engine == "fast":
        eng: FastEngine | BrightwayEngine = fast_engine or finite_engine(model, method, sources)
    elif engine == "brightway":
        with np.errstate(over="ignore", invalid="ignore"):  # a non-finite result is refused
            eng = BrightwayEngine(model, method, seed, sources, iterations=n,
                                  supply_chain_only=supply_chain_only)  # fmt: skip
        check_finite_engine(eng, model, method)
        chunk = min(chunk, BLOCK_SIZE)
    else:
        raise MonteCarloError(f"unknown engine {engine!r}: 'fast' or 'brightway'")
    labels = eng.structure.labels
    save_path = Path(save_samples) if save_samples is not None else None
    if (workers is not None or scheduler is not None) and engine != "fast":
        raise MonteCarloError("a Dask cluster runs the fast engine only")
    acc = Accumulator(len(labels), n, eng.deterministic["total"], save_path)
    with expecting(n):  # a small run draws with numpy's passes while numba is not loaded
        try:
            done, converged = _run(acc, eng, model, method, sources, seed, n, chunk, tolerance,
                                   progress, workers, scheduler)  # fmt: skip
            if acc.file is not None:
                acc.file.finish(done)
            stats = acc.stats(labels, eng.deterministic)
        except BaseException:  # interrupted or failed: no unfinished samples file is left
            if acc.file is not None:
                acc.file.discard()
            raise
        conv_arr = np.array(acc.conv, dtype=np.float64).reshape(-1, 3)
        samples = acc.store[:, :done] if keep_samples and acc.store is not None else None
        layer = eng.parameters
        return MonteCarloResult(
            model=model.name,
            method=method.id,
            unit=method.unit,
            engine=engine,
            n=n,
            iterations=done,
            valid=acc.count,
            seed=seed,
            sources=sources,
            chunk_size=chunk,
            labels=labels,
            deterministic=dict(eng.deterministic),
            stats=stats,
            convergence=Convergence(
                iterations=conv_arr[:, 0].astype(np.int64),
                mean=conv_arr[:, 1],
                half_width=conv_arr[:, 2],
            ),
            singular_count=acc.singular_count,
            singular_iterations=np.array(acc.singular, dtype=np.int64),
            elapsed=time.perf_counter() - t0,
            tolerance=tolerance,
            converged=converged,
            samples=samples,
            percentile_method=percentile_method(acc),
            deterministic_percentile=100 * acc.below / acc.count if acc.count else None,
            samples_path=save_path,
            parameters=layer.names if layer is not None else (),
            parameter_correlation=achieved_correlations(layer.sampler, seed, done) if layer else (),
            percentile_intervals=acc.intervals(0),
        )


def _run(acc: Accumulator, eng: FastEngine | BrightwayEngine, model: ProductModel,
         method: Method, sources: Sequence[str], seed: int, n: int, chunk: int,
         tolerance: float | None, progress: Callable[[int], None] | None,
         workers: int | None, scheduler: str | None) -> tuple[int, bool | None]:  # fmt: skip
    """The iterations folded into ``acc``, here or on a Dask cluster; (done, converged)."""
    with cluster_client(workers, scheduler) as client:
        if client is None:
            source: ChunkSource | DaskChunks = ChunkSource(eng, seed, n, chunk, acc.store)
        else:
            spec = EngineSpec.here(model, method, sources)
            source = DaskChunks(client, spec, seed, n, chunk)
        try:
            done, converged = _fold(source, acc, n, chunk, tolerance, progress)
        finally:
            source.close()
    _check_valid(acc, done)
    return done, converged


def _check_valid(acc: Accumulator, done: int) -> None:
    """Refuse statistics of nothing: every iteration singular or overflowing."""
    if not acc.count:
        raise MonteCarloError(
            f"none of the {done} iterations gave a finite result (every sampled matrix was "
            "singular or overflowed): check the distributions of the model's amounts"
        )


def finite_engine(model: ProductModel, method: Method, sources: tuple[str, ...],
                  paired: bool = False) -> FastEngine:  # fmt: skip
    """The fast engine of ``model`` (``sources`` checked by the entry point), refused (naming
    where) when its deterministic result is not a finite number: nothing is sampled around
    an overflow."""
    with np.errstate(over="ignore", invalid="ignore"):
        engine = FastEngine(model, method, sources, paired=paired)
    check_finite_engine(engine, model, method)
    return engine


def check_finite_engine(eng: FastEngine | BrightwayEngine, model: ProductModel,
                        method: Method) -> None:  # fmt: skip
    """Refuse an engine whose deterministic result is not a finite number, naming where it
    breaks (bw2calc's static result says which activities overflow)."""
    if all(math.isfinite(v) for v in eng.deterministic.values()):
        return
    from ..lcia import computed_lca

    computed_lca(model, method)  # raises the InputError that names the activities
    raise MonteCarloError("the deterministic result is not a finite number")
