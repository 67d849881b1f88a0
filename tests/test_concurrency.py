"""Concurrent and killed commands on one Brightway directory: never a corrupt project.

Each test runs real ``cfp-lca`` processes (``python -m cfp_lca``) on a fresh Brightway
directory of its own. The expected total 1345.6139 kgCO2e is the seed report's own figure
(Table 5.2-1 text, summary page), so a project that any interleaving damaged shows up as a
wrong or missing number.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPORT_TOTAL = 1345.6139  # the seed report's declared total, kgCO2e per unit


def _env(bw_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "BRIGHTWAY_DIR"}
    env.update(BRIGHTWAY2_DIR=str(bw_dir), TQDM_DISABLE="1", BRIGHTWAY_NO_STRUCTLOG="1")
    return env


def _start(bw_dir: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "cfp_lca", *args],
        env=_env(bw_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(proc: subprocess.Popen) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=300)
    return proc.returncode, out, err


def _assert_clean(rc: int, out: str, err: str, args: tuple) -> None:
    """Succeeded, or refused with one clear line; never a traceback."""
    assert "Traceback" not in err, f"{args}: {err}"
    if rc != 0:
        lines = [ln for ln in err.splitlines() if ln.strip()]
        assert rc == 2 and len(lines) == 1 and lines[0].startswith("cfp-lca: error:"), (args, err)


def _report_total(bw_dir: Path) -> float:
    rc, out, err = _finish(_start(bw_dir, "lcia", "zw32-report", "--json"))
    assert rc == 0, err
    return json.loads(out)["total"]


LCIA = ("lcia", "zw32-report", "--json")
MC_CFF = ("mc", "zw32", "--eol", "cff", "-n", "200", "--seed", "1", "--json")
ROUNDS = [
    [("build",), ("build",)],
    [("build", "--force"), ("build", "--force")],
    [MC_CFF, MC_CFF],
    [("build", "--force"), LCIA],
    [LCIA, LCIA],
    [("build",), ("build", "--force"), LCIA, MC_CFF],
    [("build", "--force"), MC_CFF, ("build", "--force"), LCIA],
]


@pytest.mark.parametrize("fresh", [True, False], ids=["fresh-directory", "built-project"])
def test_concurrent_commands_never_corrupt_the_project(tmp_path, fresh):
    """Two and four processes at once, several times over, on one Brightway directory."""
    bw_dir = tmp_path / "bw"
    bw_dir.mkdir()
    if not fresh:
        rc, _, err = _finish(_start(bw_dir, "build"))
        assert rc == 0, err
    mc_means = []
    for commands in ROUNDS:
        procs = [(args, _start(bw_dir, *args)) for args in commands]
        for args, proc in procs:
            rc, out, err = _finish(proc)
            _assert_clean(rc, out, err, args)
            assert rc == 0, (args, err)  # with the lock, every one of these succeeds
            if args == LCIA:
                assert json.loads(out)["total"] == pytest.approx(REPORT_TOTAL, abs=5e-5)
            if args == MC_CFF:
                mc_means.append(json.loads(out)["total"]["mean"])
    # same seed, same variant database: every Monte Carlo run saw the same complete data
    assert len(set(mc_means)) == 1
    assert _report_total(bw_dir) == pytest.approx(REPORT_TOTAL, abs=5e-5)


def test_killed_builds_are_detected_and_repaired(tmp_path):
    """SIGKILL at seeded random moments of a build; the next command repairs the project."""
    bw_dir = tmp_path / "bw"
    bw_dir.mkdir()
    rng = random.Random(20261124)
    for attempt in range(5):
        args = ("build",) if attempt == 0 else ("build", "--force")
        proc = _start(bw_dir, *args)
        time.sleep(rng.uniform(0.3, 2.5))
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        assert _report_total(bw_dir) == pytest.approx(REPORT_TOTAL, abs=5e-5)


def test_a_database_marked_incomplete_or_emptied_is_rewritten(built):
    """An interrupted write (state 'writing') and a database emptied behind cfp_lca's back
    are both detected by the next write, which repairs them."""
    import bw2data as bd

    from cfp_lca.brightway.project import MARKER
    from cfp_lca.brightway.writing import is_current, write_catalog

    name = built.biosphere
    write_catalog(built)  # current, whatever the tests before it in this process wrote
    assert is_current(built)
    bd.databases[name] = {**bd.databases[name], MARKER: {**bd.databases[name][MARKER],
                                                         "state": "writing"}}  # fmt: skip
    bd.databases.flush()
    assert not is_current(built)
    assert write_catalog(built) is True and is_current(built)

    model_db = next(iter(built.models.values())).database
    n = len(bd.Database(model_db))
    from bw2data.backends import ActivityDataset

    ActivityDataset.delete().where(ActivityDataset.database == model_db).execute()
    assert not is_current(built)
    assert write_catalog(built) is True and is_current(built)
    assert len(bd.Database(model_db)) == n


def test_rewriting_a_dependency_makes_what_holds_its_ids_stale(built):
    """A build killed after rewriting the biosphere (new node ids) but before the methods
    (whose factors hold the old ids): the next write rewrites the methods and the models, and
    the footprint is the report's again."""
    from cfp_lca.brightway import writing
    from cfp_lca.calc.lcia import static_lcia

    name = built.biosphere
    data, description = writing._database_content(built, name)
    writing._write_database(name, data, writing._database_stamp(built, name), description)
    assert not writing.is_current(built)
    stale_methods = [
        m for m in built.methods.values()
        if not writing.method_is_complete(m.name, writing._method_stamp(built))
    ]  # fmt: skip
    assert len(stale_methods) == len(built.methods)
    assert writing.write_catalog(built) is True and writing.is_current(built)
    model = built.models["zw32-report"]
    assert static_lcia(built, model).total == pytest.approx(REPORT_TOTAL, abs=5e-5)
