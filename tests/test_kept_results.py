"""Results kept on disk (``api.Workspace.kept``): a second `lcia` or `mc` in a new process
answers without importing Brightway, with the very numbers it computed; any write to the
project (a method written outside cfp_lca, as Activity Browser would) is noticed, and the
next answer is the new project's: the model's factors times k give every total times k."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from cfp_lca.brightway.project_stamp import FLOAT64_FOLDER, folder_stamp

PROJECT = "kept"
EXTERNAL = ("external", "scaled GWP100")
TIMINGS = ("elapsed_s", "iterations_per_s")


@pytest.fixture()
def env(tmp_path) -> dict:
    """A private Brightway folder and cache folder for the commands of one test."""
    (tmp_path / "bw").mkdir()
    out = {k: v for k, v in os.environ.items() if k != "BRIGHTWAY_DIR"}
    out.update(BRIGHTWAY2_DIR=str(tmp_path / "bw"), CFP_LCA_CACHE_DIR=str(tmp_path / "cache"),
               TQDM_DISABLE="1", BRIGHTWAY_NO_STRUCTLOG="1")  # fmt: skip
    return out


def _run(env: dict, *args: str) -> tuple[dict, str]:
    """A command's JSON (timings left out) and the modules its process imported."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "cfp_lca", *args,
                           "--project", PROJECT, "--json"], env=env, capture_output=True,
                          text=True, timeout=300)  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    data = json.loads(proc.stdout)
    for key in TIMINGS:
        data.pop(key, None)
    imported = {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines()
                if line.startswith("import time:")}  # fmt: skip
    return data, " ".join(sorted(imported))


def _write_scaled_method(env: dict, factor: int) -> None:
    """A method of the project's own, not cfp_lca's: every factor of the model's AR6 method
    times ``factor``, written (again) with bw2data alone under one name."""
    script = textwrap.dedent(f"""
        import bw2data as bd
        bd.projects.set_current({PROJECT!r})
        (name,) = [m for m in bd.methods if "AR6" in str(m) and "GWP100" in str(m)]
        def scaled(cf):
            if not isinstance(cf, dict):
                return {factor} * cf
            loc = {{"loc": {factor} * cf["loc"]}} if cf.get("loc") == cf["amount"] else {{}}
            return {{**cf, "amount": {factor} * cf["amount"], **loc}}
        method = bd.Method({EXTERNAL!r})
        if {EXTERNAL!r} not in bd.methods:
            method.register(unit="kg CO2-Eq")
        method.write([(k, scaled(cf)) for k, cf in bd.Method(name).load()])
    """)
    proc = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                          text=True, timeout=300)  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_a_second_lcia_and_mc_answer_without_brightway_until_the_project_changes(env):
    lcia = ("lcia", "zw32-report")
    mc = ("mc", "zw32-report", "-n", "4096", "--seed", "3", "--sources", "foreground")
    first, imported = _run(env, *lcia)
    assert "bw2data" in imported.split()  # computed
    again, imported = _run(env, *lcia)
    assert again == first
    assert not {"bw2data", "bw2calc", "pandas"} & set(imported.split())
    mc_first, _ = _run(env, *mc)
    mc_again, imported = _run(env, *mc)
    assert mc_again == mc_first  # compiled loops then, numpy's passes now: the same numbers
    assert not {"bw2data", "bw2calc", "pandas", "numba"} & set(imported.split())
    # a method of the project, twice the model's, then rewritten at three times
    external = ("--method", "|".join(EXTERNAL))
    _write_scaled_method(env, 2)
    twice, _ = _run(env, *lcia, *external)
    assert twice["total"] == pytest.approx(2 * first["total"], rel=1e-12)
    mc_twice, _ = _run(env, *mc, *external)
    assert _run(env, *lcia, *external)[0] == twice  # kept
    _write_scaled_method(env, 3)  # as many factors: only the project's files tell
    thrice, imported = _run(env, *lcia, *external)
    assert "bw2data" in imported.split()  # the project changed: computed again
    assert thrice["total"] == pytest.approx(3 * first["total"], rel=1e-12)
    mc_thrice, _ = _run(env, *mc, *external)
    for stat in ("mean", "std", "p2_5", "p97_5"):
        assert mc_thrice["total"][stat] == pytest.approx(
            1.5 * mc_twice["total"][stat], rel=1e-12)  # fmt: skip


def test_the_stamp_names_every_written_file_but_derived_copies(tmp_path):
    folder = tmp_path / "project"
    (folder / "lci").mkdir(parents=True)
    (folder / "lci" / "databases.db").write_bytes(b"one")
    first = folder_stamp(folder)
    (folder / "lci" / "databases.db-shm").write_bytes(b"readers")  # a reader's index
    (folder / FLOAT64_FOLDER).mkdir()
    (folder / FLOAT64_FOLDER / "copy.npz").write_bytes(b"derived")
    assert folder_stamp(folder) == first
    (folder / "methods.json").write_text("{}")
    second = folder_stamp(folder)
    assert second != first
    (folder / "methods.json").write_text("{} ")  # one byte more
    assert folder_stamp(folder) != second
    assert folder_stamp(tmp_path / "missing") is None
