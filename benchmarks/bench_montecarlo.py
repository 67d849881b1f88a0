"""Monte Carlo speed: the fast engine against bw2calc's LCA and PartitionedMonteCarloLCA.

Run: ``python benchmarks/bench_montecarlo.py [--fast-n 1000000] [--bw-n 300] [--big-n 10000000]
[--sources all|foreground,...]``

For each product model available (zw32-report, and zw32 once its file exists) it prints the
iterations per second of the three engines, measured in this one run, with the ratios; beside
the fast engine, the numpy RNG bound (drawing only the random numbers the engine draws: as
many standard normal and uniform values per iteration, matrix entries and random parameters
alike, with the same generators on the same threads, by numpy's generator methods) and the
share of it reached end to end and by the engine's chunks alone; the compiled RNG bound (the
same numbers drawn by the compiled loops the engine uses, about 2.7x faster for normals) and
the engine's share of that; then the peak memory of a ``--big-n`` fast run (tracemalloc peak
of Python/numpy allocations, and the process's maximum resident set size). The fast engine's
rate is taken after a run of one block, which loads numba's compiled loops (once per process,
as an import is).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
import tracemalloc
import warnings
from pathlib import Path

os.environ["BRIGHTWAY2_DIR"] = tempfile.mkdtemp(prefix="cfp_bench_mc_")
os.environ.setdefault("BRIGHTWAY_NO_STRUCTLOG", "1")
os.environ.setdefault("TQDM_DISABLE", "1")
warnings.filterwarnings("ignore")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import bw2calc as bc  # noqa: E402
import bw2data as bd  # noqa: E402
import numpy as np  # noqa: E402

from cfp_lca.brightway.datapackages import dependency_order  # noqa: E402
from cfp_lca.brightway.project import open_project  # noqa: E402
from cfp_lca.brightway.writing import write_catalog  # noqa: E402
from cfp_lca.calc.lcia import model_lca  # noqa: E402
from cfp_lca.calc.montecarlo import (  # noqa: E402
    BLOCK_SIZE,
    DEFAULT_CHUNK,
    SOURCES,
    FastEngine,
    run_monte_carlo,
    threads,
    transforms,
)
from cfp_lca.calc.montecarlo.sampling import block_generator  # noqa: E402
from cfp_lca.model.loading import load_catalog  # noqa: E402

MODELS = ("zw32-report", "zw32")


def rng_bound_rate(engine: FastEngine, n: int, seed: int = 1, compiled: bool = False) -> float:
    """Iterations per second of drawing only the engine's random numbers: per block, from each
    of the engine's block generators (matrix entries and random parameters) as many standard
    normal and uniform values as it draws, on the same threads, in buffers allocated once;
    by numpy's generator methods, or (``compiled``) by the compiled loops the engine draws
    with (the very same numbers)."""
    draws = [(s, z, u) for s, z, u in engine.random_draws() if z or u]
    blocks = range(-(-n // BLOCK_SIZE))

    def work(part: range) -> None:
        buffers = [
            (stream, np.empty((z, BLOCK_SIZE)), np.empty((u, BLOCK_SIZE))) for stream, z, u in draws
        ]
        low, width = np.zeros(max(u for _, _, u in draws)), np.ones(max(u for _, _, u in draws))
        for block in part:
            for stream, normals, uniforms in buffers:
                rng = block_generator(seed, stream, block)
                if compiled:
                    transforms.loops().standard_normal_into(rng, normals)
                    k = uniforms.shape[0]
                    transforms.loops().affine_into(rng, uniforms, width[:k], low[:k], False)
                else:
                    rng.standard_normal(out=normals)
                    rng.random(out=uniforms)

    work(range(1))  # the compiled loops loaded
    workers = threads.WORKERS
    t = time.perf_counter()
    if workers > 1:
        list(threads.pool().map(work, [blocks[w::workers] for w in range(workers)]))
    else:
        work(blocks)
    return n / (time.perf_counter() - t)


def chunk_rate(engine: FastEngine, n: int, seed: int = 1) -> float:
    """Iterations per second of the engine's chunks alone: no setup, no statistics."""
    t = time.perf_counter()
    for lo in range(0, n, DEFAULT_CHUNK):
        engine.chunk(seed, lo, min(n, lo + DEFAULT_CHUNK))
    return n / (time.perf_counter() - t)


def bw2calc_rate(model, method, n: int) -> float:
    lca = model_lca(model, method, use_distributions=True, seed_override=1)
    lca.lci()
    lca.lcia()
    t = time.perf_counter()
    for _ in range(n):
        next(lca)
        _ = lca.score
    return n / (time.perf_counter() - t)


def partitioned_rate(model, method, n: int) -> float | str:
    try:
        from bw2calc.partitioned_lca import PartitionedMonteCarloLCA
    except ImportError as exc:  # pragma: no cover - depends on the installation
        return f"unavailable ({exc})"
    try:
        dbs = dependency_order(model.database)
        packages = [bd.Database(db).datapackage() for db in dbs]
        packages.append(bd.Method(method.name).datapackage())
        reference = bd.get_node(database=model.database, code=model.reference)
        static = [db for db in dbs if db != model.database]
        mc = PartitionedMonteCarloLCA(
            {reference.id: model.functional_amount}, static, packages, seed_override=1
        )
        mc.lci()
        mc.lcia()
        t = time.perf_counter()
        for _ in range(n):
            next(mc)
            _ = mc.score
        return n / (time.perf_counter() - t)
    except Exception as exc:  # noqa: BLE001 - reported, not fatal
        return f"failed ({type(exc).__name__}: {exc})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fast-n", type=int, default=1_000_000)
    parser.add_argument("--bw-n", type=int, default=300)
    parser.add_argument("--big-n", type=int, default=10_000_000)
    parser.add_argument(
        "--sources",
        default="all",
        help="the fast engine's sources: all, or a comma-separated subset (bw2calc's rates "
        "always draw every distribution)",
    )
    args = parser.parse_args()
    sources = SOURCES if args.sources == "all" else tuple(args.sources.split(","))

    catalog = load_catalog(Path(__file__).resolve().parents[1] / "databases")
    open_project("cfp_bench_mc")
    write_catalog(catalog)
    print(
        f"bw2calc {bc.__version__}, cores available: {len(os.sched_getaffinity(0))}, "
        f"fast-engine threads: {threads.WORKERS}, uncertainty sources: {', '.join(sources)}"
    )
    last = None
    for name in MODELS:
        if name not in catalog.models:
            print(f"\n{name}: not in the catalog, skipped")
            continue
        model = catalog.models[name]
        method = catalog.methods[model.method]
        last = (model, method)
        # one block first: numba's compiled draws load once per process, as imports do
        run_monte_carlo(catalog, model, method, n=BLOCK_SIZE, seed=2, sources=sources)
        res = run_monte_carlo(catalog, model, method, n=args.fast_n, seed=1, sources=sources)
        fast = res.iterations / res.elapsed
        t = time.perf_counter()
        engine = FastEngine(model, method, sources)
        setup = time.perf_counter() - t
        chunks = chunk_rate(engine, args.fast_n)
        bound = rng_bound_rate(engine, args.fast_n)
        compiled_bound = rng_bound_rate(engine, args.fast_n, compiled=True)
        bw = bw2calc_rate(model, method, args.bw_n)
        part = partitioned_rate(model, method, args.bw_n)
        normals = sum(z for _, z, _ in engine.random_draws())
        uniforms = sum(u for _, _, u in engine.random_draws())
        print(f"\n{name}: {len(model.activities)} foreground activities")
        print(
            f"  fast engine      {fast:14,.0f} it/s  "
            f"({res.iterations:,} it in {res.elapsed:.2f} s, setup included)  "
            f"{fast / bound:.0%} of the RNG bound"
        )
        print(
            f"    its chunks     {chunks:14,.0f} it/s  (no setup, no statistics)  "
            f"{chunks / bound:.0%} of the RNG bound; setup {setup:.3f} s"
        )
        print(
            f"    RNG bound      {bound:14,.0f} it/s  "
            f"({normals} normal and {uniforms} uniform draws per iteration, PCG64 per block, "
            f"{threads.WORKERS} threads, numpy's generator methods)"
        )
        print(
            f"    compiled RNG bound {compiled_bound:10,.0f} it/s  (the same numbers by the "
            f"compiled loops the engine draws with): the engine reaches "
            f"{fast / compiled_bound:.0%}, its chunks {chunks / compiled_bound:.0%}"
        )
        print(f"  bw2calc LCA MC   {bw:14,.1f} it/s  -> fast is {fast / bw:,.0f}x")
        if isinstance(part, float):
            print(f"  bw2calc Partitioned MC {part:8,.1f} it/s  -> fast is {fast / part:,.0f}x")
        else:
            print(f"  bw2calc Partitioned MC {part}")
    if last is None or args.big_n <= 0:
        return
    model, method = last
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    res = run_monte_carlo(catalog, model, method, n=args.big_n, seed=1, sources=sources)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"\n{model.name}, {res.iterations:,} iterations: {res.elapsed:.1f} s, "
        f"{res.iterations / res.elapsed:,.0f} it/s"
    )
    print(
        f"  peak traced memory {peak / 2**20:,.0f} MiB; process max RSS {rss / 1024:,.0f} MiB "
        f"(before the run: {rss0 / 1024:,.0f} MiB)"
    )


if __name__ == "__main__":
    main()
