"""Large imported backgrounds: setup, static LCIA and Monte Carlo with background uncertainty.

Run: ``python benchmarks/bench_background.py [--sizes 1000,5000] [--bw-n 20] [--fast-n 200]
[--mc-n 100000] [--all-n 0] [--dask-n 0]``

For each size it writes a synthetic ecoinvent-like database (``synthetic.py``) and prints:
bw2calc's static LCIA (its own float32 processed datapackages); cfp_lca's static LCIA on its
float64 arrays (from the disk cache, and the first time after a write, read in bulk); bw2calc's
Monte Carlo with every exchange uncertain (iterations per second); cfp_lca's background solver
(``BatchedSystem``, strategy ``krylov``: Richardson sweeps with the static sparse LU, BiCGSTAB
and a direct LU for the samples they leave) on the same stats_arrays draws of the technosphere,
with its largest relative difference from a direct sparse solve of the same samples. Then a
20-activity model linked to 50 of the background's processes: its static LCIA against
bw2calc's, a foreground-only Monte Carlo (speed, the engine's setup memory and the memory the
iterations take), and with ``--all-n N`` a Monte Carlo with every exchange of both databases
uncertain, end to end (sampling included), against bw2calc's Monte Carlo of the same model;
with ``--dask-n N`` a foreground-only Monte Carlo on a local Dask cluster of 1 and of 2 workers.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
import warnings
from pathlib import Path

os.environ["BRIGHTWAY2_DIR"] = tempfile.mkdtemp(prefix="cfp_bench_bg_")
os.environ.setdefault("BRIGHTWAY_NO_STRUCTLOG", "1")
os.environ.setdefault("TQDM_DISABLE", "1")
warnings.filterwarnings("ignore")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bw2calc as bc  # noqa: E402
import bw2data as bd  # noqa: E402
import numpy as np  # noqa: E402
from scipy.sparse.linalg import splu  # noqa: E402
from stats_arrays import MCRandomNumberGenerator  # noqa: E402
from synthetic import BIOSPHERE, METHOD, foreground_yaml, write_synthetic  # noqa: E402

from cfp_lca import api  # noqa: E402
from cfp_lca.brightway import datapackages  # noqa: E402
from cfp_lca.brightway.datapackages import inventory_datapackage, method_datapackage  # noqa: E402
from cfp_lca.calc.factorization import TRANSPOSED_PERMC_SPEC  # noqa: E402
from cfp_lca.calc.montecarlo import BLOCK_SIZE, DEFAULT_CHUNK, FastEngine  # noqa: E402
from cfp_lca.calc.montecarlo.solvers import BatchedSystem  # noqa: E402

DASK_CHUNK = 4 * 4096  # chunks of the Dask runs: several per worker


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def bench(n: int, bw_n: int, fast_n: int) -> None:
    name, t_write = timed(lambda: write_synthetic(n))
    demand = {bd.get_node(database=name, code="p0").id: 1.0}

    def bw_static():
        lca = bc.LCA(demand, method=METHOD)
        lca.lci()
        lca.lcia()
        return lca

    bw_static()  # warm the processed datapackages and imports
    lca_bw, t_bw = timed(bw_static)

    def cfp_static():
        packages = [inventory_datapackage([BIOSPHERE, name]), method_datapackage(METHOD)]
        lca = bc.LCA(demand, data_objs=packages)
        lca.lci()
        lca.lcia()
        return lca

    datapackages._PACKAGES.clear()
    for cached in (Path(bd.projects.dir) / datapackages.CACHE_FOLDER).glob("*.npz"):
        cached.unlink()  # the first read of this database version
    lca_cfp, t_first = timed(cfp_static)
    datapackages._PACKAGES.clear()  # as a new process: the arrays come from the disk cache
    lca_cfp, t_cfp = timed(cfp_static)
    rel = abs(lca_cfp.score - lca_bw.score) / abs(lca_bw.score)
    print(f"\n{n} processes (written in {t_write:.1f} s)")
    print(
        f"  static LCIA   bw2calc {t_bw:6.2f} s   cfp_lca float64 {t_cfp:6.2f} s "
        f"({t_cfp / t_bw:.1f}x; {t_first:.2f} s the first time after a write, reading the "
        f"database in bulk); scores differ by {rel:.1e} (float32 storage)"
    )

    mc = bc.LCA(demand, method=METHOD, use_distributions=True, seed_override=1)
    mc.lci()
    mc.lcia()
    _, t_mc = timed(lambda: [(next(mc), mc.lcia()) for _ in range(bw_n)])
    bw_rate = bw_n / t_mc
    print(f"  MC, all exchanges uncertain   bw2calc {bw_rate:8.1f} it/s ({bw_n} iterations)")

    # the background technosphere: entries, static values and their distributions
    A = lca_cfp.technosphere_matrix.tocoo()
    rows, cols, static = A.row.astype(np.int64), A.col.astype(np.int64), A.data.copy()
    off = np.flatnonzero(rows != cols)
    params = np.zeros(
        off.size,
        dtype=[
            ("uncertainty_type", "u1"),
            ("loc", "f8"),
            ("scale", "f8"),
            ("shape", "f8"),
            ("minimum", "f8"),
            ("maximum", "f8"),
            ("negative", "?"),
        ],
    )
    params["uncertainty_type"] = 2
    params["loc"] = np.log(np.abs(static[off]))
    params["scale"] = 0.1
    params["shape"] = params["minimum"] = params["maximum"] = np.nan
    draws = MCRandomNumberGenerator(params, seed=1)
    values = -np.array([next(draws) for _ in range(fast_n)]).T
    system = BatchedSystem(
        A.shape[0], cols, rows, static, off, permc_spec=TRANSPOSED_PERMC_SPEC
    )  # A^T h = d
    d = np.asarray((lca_cfp.characterization_matrix @ lca_cfp.biosphere_matrix).sum(axis=0))
    rhs = d.reshape(-1, 1)
    _, t_setup = timed(lambda: system.solve(values[:, :1], rhs, 1))  # the static LU, once
    (x, bad), t_fast = timed(lambda: system.solve(values, rhs, fast_n))
    fast_rate = fast_n / t_fast
    check = min(fast_n, 5)
    worst = 0.0
    for k in range(check):
        data = static.copy()
        data[off] = values[:, k]
        M = type(A)((data, (cols, rows)), shape=A.shape).tocsc()
        exact = splu(M, permc_spec=TRANSPOSED_PERMC_SPEC).solve(rhs[:, 0])
        worst = max(worst, np.linalg.norm(x[:, k] - exact) / np.linalg.norm(exact))
    print(
        f"  MC background solve  cfp_lca {fast_rate:8.1f} it/s after {t_setup:.1f} s of static LU "
        f"({fast_n} samples, strategy "
        f"{system.strategy}, {bad.sum()} singular, {system._krylov.fallbacks} direct "
        f"fallbacks) = {fast_rate / bw_rate:.0f}x bw2calc; "
        f"max rel. difference from a direct solve {worst:.1e}"
    )


def linked(n: int, mc_n: int, all_n: int, bw_n: int, dask_n: int) -> None:
    """A 20-activity cfp_lca model linked to 50 processes of the background: its static LCIA
    against bw2calc's, and a foreground-only Monte Carlo with its peak memory."""
    name = write_synthetic(n)
    folder = Path(tempfile.mkdtemp(prefix="cfp_bench_fg_"))
    (folder / "bench-fg.yaml").write_text(foreground_yaml(name, n), encoding="utf-8")
    model = api.load(folder, project=bd.projects.current).model("bench-fg")
    result, t_first = timed(model.lcia)  # writes the foreground, reads the background
    result, t_static = timed(model.lcia)
    bd.projects.set_current(bd.projects.current)
    fu = {bd.get_node(database="cfp-bench-fg", code="a0").id: 1.0}
    lca = bc.LCA(fu, method=METHOD)
    lca.lci()
    lca.lcia()
    rel = abs(result.total - lca.score) / abs(lca.score)
    model.monte_carlo(n=BLOCK_SIZE, seed=2, sources="foreground")  # numba's loops loaded once
    mc, t_mc = timed(lambda: model.monte_carlo(n=mc_n, seed=1, sources="foreground"))
    # memory: the engine's setup (the static LU of the background, as bw2calc's), then what
    # the iterations take beyond it (the "sampling memory")
    product, method = model.variant(), model._method(model.variant(), None)
    tracemalloc.start()
    engine = FastEngine(product, method, ("foreground",))
    setup_peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.reset_peak()
    held = tracemalloc.get_traced_memory()[0]
    for lo in range(0, mc_n, DEFAULT_CHUNK):
        engine.chunk(1, lo, min(mc_n, lo + DEFAULT_CHUNK))
    sampling = (tracemalloc.get_traced_memory()[1] - held) / 2**20
    tracemalloc.stop()
    print(
        f"  linked model: static {t_static:.2f} s (first, writing it: {t_first:.1f} s; "
        f"bw2calc agrees to {rel:.1e}); foreground-only MC {mc_n / t_mc:,.0f} it/s end to "
        f"end; traced memory: setup peak {setup_peak:.0f} MiB, sampling {sampling:.1f} MiB"
    )
    if all_n:
        bw_mc = bc.LCA(fu, method=METHOD, use_distributions=True, seed_override=1)
        bw_mc.lci()
        bw_mc.lcia()
        _, t_bw = timed(lambda: [(next(bw_mc), bw_mc.lcia()) for _ in range(bw_n)])
        _, t_setup = timed(lambda: model.monte_carlo(n=1, seed=1))
        mc, t_all = timed(lambda: model.monte_carlo(n=all_n, seed=1))
        rate = all_n / max(t_all - t_setup, 1e-9)
        print(
            f"  linked model, every exchange of both databases uncertain: bw2calc "
            f"{bw_n / t_bw:.2f} it/s; cfp_lca {rate:.2f} it/s after {t_setup:.1f} s of setup "
            f"({all_n} iterations, {all_n / t_all:.2f} it/s with it) = "
            f"{rate / (bw_n / t_bw):.0f}x bw2calc"
        )
    if dask_n:
        times, totals = {}, {}
        for workers in (1, 2):
            mc, times[workers] = timed(
                lambda w=workers: model.monte_carlo(
                    n=dask_n, seed=1, sources="foreground", chunk_size=DASK_CHUNK, workers=w
                )
            )
            totals[workers] = mc.to_dict()["total"]
        assert totals[1] == totals[2]
        print(
            f"  Dask, foreground-only, {dask_n} iterations in chunks of {DASK_CHUNK} (cluster "
            f"start and each worker's setup included): 1 worker {times[1]:.1f} s, "
            f"2 workers {times[2]:.1f} s (speed-up {times[1] / times[2]:.2f}x), the same statistics"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,5000")
    ap.add_argument("--bw-n", type=int, default=20)
    ap.add_argument("--fast-n", type=int, default=200)
    ap.add_argument("--mc-n", type=int, default=100_000, help="foreground-only Monte Carlo")
    ap.add_argument(
        "--all-n", type=int, default=0, help="Monte Carlo of the linked model, all uncertain"
    )
    ap.add_argument("--dask-n", type=int, default=0, help="the same on 1 and 2 Dask workers")
    args = ap.parse_args()
    bd.projects.set_current("cfp_bench_background")
    for n in (int(s) for s in args.sizes.split(",")):
        bench(n, args.bw_n, args.fast_n)
        linked(n, args.mc_n, args.all_n, args.bw_n, args.dask_n)


if __name__ == "__main__":
    main()
