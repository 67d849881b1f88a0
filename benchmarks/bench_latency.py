"""What a user waits for: each command in a new process (wall and CPU time, the project built
and the caches warm, as on the second run of a day), and the Python API on a warm workspace.

Run: ``python benchmarks/bench_latency.py [--repeat 3] [--skip-report]``

Prints one table of commands (``--help``, ``list``, ``check``, ``lcia zw32``, ``mc zw32 -n
10000``, ``compare zw32 -n 2000``, ``report zw32``), the median of ``--repeat`` runs; the floor
every computing command pays (importing bw2calc), ``lcia`` and ``mc`` just after the project
changed (nothing kept: they compute), ``mc`` with an empty numba cache (a fresh machine) and
with an empty cfp_lca cache; then the API: ``lcia()`` on a warm workspace and
``monte_carlo(n)`` for n = 10^3 .. 10^6 beside ``run_monte_carlo`` (a new engine each call)
and the engine's chunks alone (the compiled core). The machine's cores are printed with the
figures.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BW = tempfile.mkdtemp(prefix="cfp_bench_latency_")
os.environ["BRIGHTWAY2_DIR"] = BW
os.environ["CFP_LCA_CACHE_DIR"] = str(Path(BW) / "cache")
os.environ.setdefault("BRIGHTWAY_NO_STRUCTLOG", "1")
os.environ.setdefault("TQDM_DISABLE", "1")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
CLI = [sys.executable, "-m", "cfp_lca.cli"]


def run(args: list[str], command: list[str] | None = None, **env: str) -> tuple[float, float]:
    """(wall, CPU) seconds of one command (cfp-lca's by default) in a new process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run((command or CLI) + args, check=True, capture_output=True, cwd=BW,
                   env={**os.environ, **env})  # fmt: skip
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def commands(repeat: int, skip_report: bool) -> None:
    """The table of commands: median wall and CPU time of ``repeat`` runs each."""
    run(["build"])
    cases = [["--help"], ["list"], ["check"], ["lcia", "zw32"], ["mc", "zw32", "-n", "10000"],
             ["compare", "zw32", "-n", "2000"]]  # fmt: skip
    if not skip_report:
        cases.append(["report", "zw32", "--format", "md", "--out"])
    for args in cases:
        run(args + ([str(Path(BW) / "warm")] if args[-1] == "--out" else []))  # caches
        times = []
        for k in range(repeat):
            out = [str(Path(BW) / f"report-{k}")] if args[-1] == "--out" else []
            times.append(run(args + out))
        wall = statistics.median(t[0] for t in times)
        cpu = statistics.median(t[1] for t in times)
        shown = " ".join(a for a in args if a != "--out")
        print(f"  cfp-lca {shown:<28} {wall:7.2f} s wall {cpu:7.2f} s CPU")


def floors() -> None:
    """What no computing command can go below, and the first runs on a fresh machine."""
    calc = [sys.executable, "-c", "from cfp_lca.brightway.project import import_brightway; "
            "import_brightway(); import bw2calc"]  # fmt: skip
    run([], calc)
    wall, cpu = run([], calc)
    print(f"  importing bw2calc as cfp_lca does (bw2calc imports bw2data) {wall:5.2f} s wall "
          f"{cpu:5.2f} s CPU")  # fmt: skip
    for args in (["lcia", "zw32"], ["mc", "zw32", "-n", "10000"]):
        times = []
        for _ in range(3):
            touch_project()
            times.append(run(args))
        wall = statistics.median(t[0] for t in times)
        cpu = statistics.median(t[1] for t in times)
        shown = " ".join(args) + ", the project just changed"
        print(f"  {shown:<50} {wall:5.2f} s wall {cpu:5.2f} s CPU")
    for label, env in (("empty numba cache", "NUMBA_CACHE_DIR"),
                       ("empty cfp_lca cache (catalog, pint)", "CFP_LCA_CACHE_DIR")):  # fmt: skip
        fresh = tempfile.mkdtemp(prefix="cfp_bench_fresh_", dir=BW)
        wall, cpu = run(["mc", "zw32", "-n", "10000"], **{env: fresh})
        print(f"  mc zw32 -n 10000, {label:<36} {wall:5.2f} s wall {cpu:5.2f} s CPU")


def touch_project() -> None:
    """A new modification time on the project's list of databases, as any write gives it: no
    result kept for the old project is reused (``brightway.project_stamp``)."""
    (listing,) = Path(BW).glob("cfp_lca.*/databases.json")
    os.utime(listing, ns=(time.time_ns(), time.time_ns()))


def api_rates() -> None:
    """lcia() and monte_carlo(n) on a warm workspace, beside a new engine and the core."""
    from cfp_lca import api
    from cfp_lca.calc.montecarlo import FastEngine, run_monte_carlo

    workspace = api.load()
    model = workspace.model("zw32")
    model.lcia()
    model.monte_carlo(n=4096)  # the compiled loops loaded, the engine warm
    start = time.perf_counter()
    for _ in range(10):
        model.lcia()
    print(f"  API lcia() on a warm workspace: {(time.perf_counter() - start) * 100:.1f} ms")
    base = model.base
    method = workspace.method(base.method)
    engine = FastEngine(base, method)
    engine.chunk(1, 0, 4096)  # the compiled loops loaded (small API runs need not load them)
    for n in (1_000, 10_000, 100_000, 1_000_000):
        calls = []
        for _ in range(3 if n < 1_000_000 else 1):  # the median of three calls in a row
            start = time.perf_counter()
            model.monte_carlo(n=n, seed=1)
            calls.append(time.perf_counter() - start)
        warm = n / statistics.median(calls)
        with workspace.reading(base):
            start = time.perf_counter()
            run_monte_carlo(workspace.catalog, base, method, n=n, seed=1)
            fresh = n / (time.perf_counter() - start)
        start = time.perf_counter()
        engine.chunk(1, 0, n)
        core = n / (time.perf_counter() - start)
        print(f"  n = {n:>9,}: API monte_carlo {warm:>11,.0f} it/s, run_monte_carlo "
              f"{fresh:>11,.0f} it/s, compiled core {core:>11,.0f} it/s")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-report", action="store_true")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores; commands in a new process, project built, caches warm:")
    commands(args.repeat, args.skip_report)
    print("Floors and first runs:")
    floors()
    print("Python API, warm workspace (zw32, every source):")
    api_rates()


if __name__ == "__main__":
    main()
