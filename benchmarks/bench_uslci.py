"""A real database: USLCI imported with ``cfp-lca import``, a model linked to five of its
activities, static LCIA and Monte Carlo with the database's own uncertainty, cfp_lca against
bw2calc's Monte Carlo on the same project (bw2calc with pypardiso where installed, as its
users have it).

Run: ``python benchmarks/bench_uslci.py [PATH] [--format ecospold2|jsonld|ecospold1]
[--bw-n 300] [--fast-n 100000]``

PATH: a USLCI release (the EcoSpold 2 folder of ``uslci_fy18_q1_01_olca1_5_ecospold2.zip`` from
github.com/FLCAC-admin/uslci-content, unzipped, or its openLCA JSON-LD export); by default the
excerpt the tests use (tests/fixtures/uslci/es2.zip). The import keeps the reference product of
multi-output datasets and cuts unlinked inputs (both listed), as a practitioner would to get
a usable database from these exports. Prints the import's reconciliation, the static LCIA
(cfp_lca and bw2calc), the Monte Carlo speeds with every source (cfp_lca's fast engine, end to
end, and bw2calc's ``LCA`` iterated with ``use_distributions``), their ratio, and the two
means with their standard errors (they agree within Monte Carlo error: the difference is
printed in standard errors).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import warnings
import zipfile
from pathlib import Path

os.environ["BRIGHTWAY2_DIR"] = tempfile.mkdtemp(prefix="cfp_bench_uslci_")
os.environ.setdefault("BRIGHTWAY_NO_STRUCTLOG", "1")
os.environ.setdefault("TQDM_DISABLE", "1")
warnings.filterwarnings("ignore")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import bw2calc as bc  # noqa: E402
import bw2data as bd  # noqa: E402
import numpy as np  # noqa: E402

from cfp_lca import api  # noqa: E402

PROJECT = "bench-uslci"
ROOTS = {  # USLCI activities the model buys, kg each
    "Aluminum, secondary, shape casted": 2.0,
    "Polyethylene, low density, resin, at plant": 1.0,
    "Corn, whole plant, at field": 3.0,
    "Wood Combusted, at boiler, at hardboard mill": 1.5,
    "Ethanol, denatured, corn stover, biochemical": 0.5,
}


def model_dir(root: Path) -> Path:
    """A data folder with the model buying ROOTS."""
    folder = root / "gadget"
    folder.mkdir()
    inputs = "\n".join(
        f'      - {{input: {{database: uslci, name: "{n}", unit: kg}}, amount: {{value: {kg}, '
        f"unit: kg}}, source: bench, uncertainty: {{distribution: none}}}}"
        for n, kg in ROOTS.items()
    )
    (folder / "gadget.yaml").write_text(
        "model: gadget\ndatabase: cfp-gadget\nname: gadget on USLCI\n"
        'functional_unit: {amount: 1, unit: unit, description: "1 gadget"}\n'
        "reference_activity: gadget\nmethod: ipcc-ar6-gwp100\nbackgrounds: [uslci]\n"
        "stages:\n  - {code: making, name: making}\nactivities:\n  - code: gadget\n"
        f"    name: gadget\n    stage: making\n    inputs:\n{inputs}\n",
        encoding="utf-8",
    )
    return folder


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", type=Path)
    parser.add_argument("--format", default="ecospold2")
    parser.add_argument("--bw-n", type=int, default=300)
    parser.add_argument("--fast-n", type=int, default=100_000)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="cfp_bench_uslci_data_"))
    path = args.path
    if path is None:
        with zipfile.ZipFile(REPO / "tests" / "fixtures" / "uslci" / "es2.zip") as archive:
            archive.extractall(root)
        path = root / "es2"
    done, t_import = timed(lambda: api.load(None, PROJECT).import_database(
        path, args.format, "uslci", multi_output="reference", cut_unlinked=True,
        log=root / "import-log.csv"))  # fmt: skip
    print(f"import of {path.name} ({args.format}): {t_import:.1f} s, {done['activities']:,} "
          f"activities, {done['technosphere']:,} technosphere inputs")  # fmt: skip
    for line in done["reconciliation"] + done["summary"]:
        print(f"  {line}")
    workspace = api.load(model_dir(root), PROJECT)
    model = workspace.model("gadget")
    model.lcia()  # writes the model, warms the caches
    static, t_static = timed(model.lcia)
    print(f"static LCIA, cfp_lca: {static.total:.6g} kg CO2e in {t_static * 1000:.0f} ms")
    print(f"  {static.raw.coverage.line()}")
    bd.projects.set_current(PROJECT)
    demand = {bd.get_node(database="cfp-gadget", code="gadget").id: 1.0}
    method = workspace.method("ipcc-ar6-gwp100").name

    def bw_static():
        lca = bc.LCA(demand, method=method)
        lca.lci()
        lca.lcia()
        return lca

    bw_static()
    lca, t_bw = timed(bw_static)
    solver = "pypardiso" if bc.PYPARDISO else "SuperLU"
    print(f"static LCIA, bw2calc ({solver}): {lca.score:.6g} in {t_bw * 1000:.0f} ms")

    model.monte_carlo(n=4096, seed=1)  # the compiled loops, loaded once per process
    fast, t_fast = timed(lambda: model.monte_carlo(n=args.fast_n, seed=1))
    fast_rate = args.fast_n / t_fast
    mc = bc.LCA(demand, method=method, use_distributions=True, seed_override=2)
    mc.lci()
    mc.lcia()

    def bw_mc():
        out = []
        for _ in range(args.bw_n):
            next(mc)
            out.append(mc.score)
        return out

    scores, t_mc = timed(bw_mc)
    bw_rate = args.bw_n / t_mc
    scores = np.array(scores)
    stats = fast.raw.stats["total"]
    se_fast = stats.std / np.sqrt(fast.raw.valid)
    se_bw = scores.std(ddof=1) / np.sqrt(scores.size)
    z = (stats.mean - scores.mean()) / np.hypot(se_fast, se_bw)
    print(f"Monte Carlo, every source: cfp_lca {fast_rate:,.0f} it/s (end to end, {args.fast_n:,}"
          f" iterations), bw2calc Monte Carlo ({solver}) {bw_rate:,.1f} it/s ({args.bw_n} "
          f"iterations): {fast_rate / bw_rate:,.0f}x")  # fmt: skip
    print(f"  means: cfp_lca {stats.mean:.6g} +- {se_fast:.2g}, bw2calc {scores.mean():.6g} +- "
          f"{se_bw:.2g} (difference {z:+.2f} standard errors)")  # fmt: skip


if __name__ == "__main__":
    main()
