"""Faults of the Brightway project itself (issue #27), each as a class: a database or method
edited behind cfp_lca's back, a damaged ``projects.db`` or ``lci/databases.db``, another
process holding a write transaction, a project name Brightway cannot store, and the
determinism of bw2calc's own Monte Carlo.

Every refusal is exit status 2 and one line ``cfp-lca: error: ...`` naming the file or the
name and the problem, no traceback, and the Brightway directory exactly as it was; an edit
made behind cfp_lca's back is repaired by the next command, which prints the hand-computed
total. Damaged ``projects.db`` cases run in a subprocess with a Brightway directory of their
own (bw2data opens it once per process, at import).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from test_malformed_cli import cli, one_error
from test_second_model import GROWING, SEWING, TOTE

from cfp_lca.cli import main
from conftest import TEST_PROJECT
from conftest import brightway_checksum as checksum

pytestmark = pytest.mark.usefixtures("restore_project")

PROJECT = "cfp_faults"
TOTAL = GROWING + SEWING  # the tote bag's AR5 total, derived by hand in test_second_model
ELECTRICITY = ("cfp-china-background", "electricity_cn_lifecycle_2023")


@pytest.fixture(scope="module")
def tote(tmp_path_factory) -> Path:
    """A data folder holding only the tote bag model."""
    root = tmp_path_factory.mktemp("faults") / "tote"
    (root / "foreground").mkdir(parents=True)
    (root / "foreground" / "tote.yaml").write_text(TOTE, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def bw_dir(tote) -> Path:
    """The session's Brightway directory with the tote bag built into project PROJECT."""
    assert main(["build", "--data", str(tote), "--project", PROJECT]) == 0
    import bw2data as bd

    return Path(bd.projects._base_data_dir)


def lcia(capsys, tote: Path, status: int = 0, *extra: str) -> tuple[str, str]:
    """``cfp-lca lcia tote --json`` in-process on PROJECT: (stdout, stderr)."""
    capsys.readouterr()
    assert main(["lcia", "tote", "--data", str(tote), "--json", "--project", PROJECT,
                 *extra]) == status  # fmt: skip
    return capsys.readouterr()


def total(capsys, tote: Path) -> float:
    out, err = lcia(capsys, tote)
    assert "Traceback" not in err
    return json.loads(out)["total"]


def refused(capsys, args: list[str], *fragments: str) -> str:
    """In-process: exit 2 and one error line naming ``fragments``."""
    capsys.readouterr()
    assert main(args) == 2
    err = capsys.readouterr().err
    one_error(err, *fragments)
    return err


# ------------------------------------------------------------------ edits behind our back


def _catalog(tote: Path):
    from cfp_lca.api import load

    return load([tote], PROJECT).catalog


def _edit_exchange(activity: tuple[str, str], kind: str, change: Callable[[dict], None]) -> None:
    """Change the first exchange of ``kind`` of ``activity`` with plain bw2data (counts kept)."""
    import bw2data as bd

    from cfp_lca.brightway.project import open_project

    open_project(PROJECT)
    exchange = next(e for e in bd.get_activity(activity).exchanges() if e["type"] == kind)
    change(exchange)
    exchange.save()


def _set_amount(value: float) -> Callable[[dict], None]:
    def change(exchange) -> None:
        exchange["amount"] = value
        exchange["loc"] = value

    return change


EDITS = {  # what a user changes with plain bw2data, the count of rows staying the same
    "foreground amount": (("cfp-tote", "tote"), "technosphere", _set_amount(2.5)),
    "background emission": (ELECTRICITY, "biosphere", _set_amount(6.205)),
    "input swapped": (
        ("cfp-tote", "tote"), "technosphere",
        lambda e: e.__setitem__("input", ("cfp-china-background",
                                          "freight_lorry_diesel_30t_cn"))),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(EDITS))
def test_database_edited_behind_our_back_is_rewritten(case, tote, bw_dir, capsys):
    """Same activity and exchange counts, other content: the next command rewrites the
    database from the files and prints the hand-computed total."""
    from cfp_lca.brightway.writing import is_current

    assert total(capsys, tote) == pytest.approx(TOTAL, rel=1e-9)
    _edit_exchange(*EDITS[case])
    assert not is_current(_catalog(tote))
    assert total(capsys, tote) == pytest.approx(TOTAL, rel=1e-9)
    assert is_current(_catalog(tote))


def test_method_edited_behind_our_back_is_rewritten(tote, bw_dir, capsys):
    """A characterization factor changed with ``Method.write`` (same number of factors)."""
    import bw2data as bd

    from cfp_lca.brightway.writing import is_current

    assert total(capsys, tote) == pytest.approx(TOTAL, rel=1e-9)
    name = _catalog(tote).methods["ipcc-ar5-gwp100"].name
    n2o = bd.get_node(database="cfp-biosphere", code="n2o").id
    factors = bd.Method(name).load()
    edited = [(k, {**cf, "amount": 530.0, "loc": 530.0}) if k == n2o else (k, cf)
              for k, cf in factors]  # fmt: skip
    bd.Method(name).write(edited)
    assert len(bd.Method(name).load()) == len(factors)
    assert not is_current(_catalog(tote))
    assert total(capsys, tote) == pytest.approx(TOTAL, rel=1e-9)


# ------------------------------------------------------------------ damaged SQLite files


def _half(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _garbage(path: Path) -> None:
    size = path.stat().st_size
    path.write_bytes(bytes((i * 7919 + 13) % 251 for i in range(size)))


def _zero(path: Path) -> None:
    path.write_bytes(b"")


def _directory(path: Path) -> None:
    path.unlink()
    path.mkdir()
    (path / "x").write_text("not a database", encoding="utf-8")


def _no_table(path: Path) -> None:
    import sqlite3

    path.unlink()
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (text)")
    conn.close()


DAMAGE = {  # name: (damage the file, what the error line says)
    "truncated to half": (_half, "is truncated"),
    "garbage bytes": (_garbage, "is not a SQLite database"),
    "zero bytes": (_zero, "is empty (0 bytes)"),
    "a directory": (_directory, "is a directory"),
    "no Brightway table": (_no_table, "without Brightway's table"),
}


@pytest.fixture(scope="module")
def template(tote, tmp_path_factory) -> Path:
    """A Brightway directory of its own with the tote bag built (by a subprocess)."""
    root = tmp_path_factory.mktemp("template") / "bw"
    root.mkdir()
    proc = cli("build", "--data", str(tote), "--project", PROJECT,
               env={"BRIGHTWAY2_DIR": str(root)})  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return root


@pytest.mark.parametrize("case", sorted(DAMAGE))
def test_damaged_projects_db_is_one_line(case, template, tote, tmp_path):
    """bw2data opens projects.db when imported: refused before, nothing written."""
    root = tmp_path / "bw"
    shutil.copytree(template, root)
    damage, problem = DAMAGE[case]
    damage(root / "projects.db")
    before = checksum(root)
    proc = cli("lcia", "tote", "--data", str(tote), "--project", PROJECT,
               env={"BRIGHTWAY2_DIR": str(root)})  # fmt: skip
    assert proc.returncode == 2
    one_error(proc.stderr, str(root / "projects.db"), problem, "restore it", "aside")
    assert checksum(root) == before


@pytest.fixture()
def lci_file(bw_dir) -> Iterator[Path]:
    """PROJECT's lci/databases.db, with PROJECT not current (bw2data's connection closed),
    put back as it was after the test."""
    import bw2data as bd

    from cfp_lca.brightway.project import open_project, project_folder

    open_project(PROJECT)
    path = project_folder(PROJECT) / "lci" / "databases.db"
    bd.projects.set_current(TEST_PROJECT if TEST_PROJECT in bd.projects else "default",
                            update=False)  # fmt: skip
    saved = path.read_bytes()
    yield path
    if path.is_dir():
        shutil.rmtree(path)
    if not path.is_file() or path.read_bytes() != saved:
        path.write_bytes(saved)


@pytest.mark.parametrize("case", sorted(DAMAGE))
def test_damaged_databases_db_is_one_line(case, lci_file, bw_dir, tote, capsys):
    """open_project checks the project's SQLite files before bw2data opens them."""
    damage, problem = DAMAGE[case]
    damage(lci_file)
    before = checksum(bw_dir)
    refused(capsys, ["lcia", "tote", "--data", str(tote), "--project", PROJECT],
            str(lci_file), problem, "restore it")  # fmt: skip
    assert checksum(bw_dir) == before


# ------------------------------------------------------------------ another process's lock


@pytest.fixture()
def hold(lci_file) -> Iterator[Callable[[str, float], None]]:
    """Start a process holding a transaction (``BEGIN EXCLUSIVE`` or ``IMMEDIATE``) on the
    project's lci/databases.db for some seconds; returns when it holds it."""
    procs: list[subprocess.Popen] = []

    def start(mode: str, seconds: float) -> None:
        code = ("import sqlite3, sys, time\n"
                "conn = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
                f"conn.execute('BEGIN {mode}')\n"
                "print('held', flush=True)\n"
                "time.sleep(float(sys.argv[2]))\n"
                "conn.rollback()\n")  # fmt: skip
        proc = subprocess.Popen([sys.executable, "-c", code, str(lci_file), str(seconds)],
                                stdout=subprocess.PIPE, text=True)  # fmt: skip
        procs.append(proc)
        assert proc.stdout.readline().strip() == "held"

    yield start
    for proc in procs:
        proc.kill()
        proc.wait()


def one_error_after_waiting(err: str, *fragments: str) -> None:
    """stderr: the notice that we wait, then one error line naming ``fragments``."""
    assert "Traceback" not in err, err
    lines = err.splitlines()
    assert len(lines) == 2 and lines[0].startswith("cfp-lca: waiting for another process"), err
    one_error(lines[1] + "\n", *fragments)


def test_lock_held_past_the_timeout_is_one_line(hold, lci_file, bw_dir, tote, capsys,
                                                monkeypatch):  # fmt: skip
    monkeypatch.setenv("CFP_LCA_LOCK_TIMEOUT_S", "2")
    hold("EXCLUSIVE", 20)
    before = checksum(bw_dir)
    started = time.monotonic()
    _, err = lcia(capsys, tote, 2)
    assert 2 <= time.monotonic() - started < 15
    one_error_after_waiting(err, str(lci_file), "locked by another process", "more than 2 s",
                            "CFP_LCA_LOCK_TIMEOUT_S")  # fmt: skip
    assert checksum(bw_dir) == before


def test_lock_released_within_the_timeout_waits_and_succeeds(hold, lci_file, bw_dir, tote,
                                                             capsys, monkeypatch):  # fmt: skip
    monkeypatch.setenv("CFP_LCA_LOCK_TIMEOUT_S", "30")
    hold("EXCLUSIVE", 2)
    out, err = lcia(capsys, tote, 0)
    assert json.loads(out)["total"] == pytest.approx(TOTAL, rel=1e-9)
    assert "error" not in err and "Traceback" not in err
    assert all(line.startswith("cfp-lca: waiting for another process") and str(lci_file) in line
               for line in err.splitlines())  # fmt: skip


def test_writer_waits_for_a_reserved_lock_then_gives_up(hold, lci_file, bw_dir, tote, capsys,
                                                        monkeypatch):  # fmt: skip
    """Another writer's transaction (readers still read): a rewrite waits, then refuses
    without having written anything."""
    monkeypatch.setenv("CFP_LCA_LOCK_TIMEOUT_S", "1")
    hold("IMMEDIATE", 20)
    before = checksum(bw_dir)
    capsys.readouterr()
    args = ["build", "--force", "--data", str(tote), "--project", PROJECT]
    assert main(args) == 2
    one_error_after_waiting(capsys.readouterr().err, str(lci_file), "locked by another process")
    assert checksum(bw_dir) == before


def test_bad_lock_timeout_is_one_line(bw_dir, tote, capsys, monkeypatch):
    monkeypatch.setenv("CFP_LCA_LOCK_TIMEOUT_S", "soon")
    before = checksum(bw_dir)
    refused(capsys, ["lcia", "tote", "--data", str(tote), "--project", PROJECT],
            "CFP_LCA_LOCK_TIMEOUT_S='soon'", "not a number of seconds")  # fmt: skip
    assert checksum(bw_dir) == before


# ------------------------------------------------------------------ project names


NAMES = {  # a new project's name: what the error line says
    "x" * 300: "is too long (300 characters",
    "": "project name is empty",
    "my study": "' '",
    "v1.2": "'.'",
    "a--b": "a repeated '-'",
}


@pytest.mark.parametrize("name", sorted(NAMES), ids=["empty", "double-hyphen", "space",
                                                     "dot", "300-chars"])  # fmt: skip
def test_bad_project_name_leaves_nothing(name, bw_dir, tote, capsys):
    import bw2data as bd

    before = checksum(bw_dir)
    refused(capsys, ["lcia", "tote", "--data", str(tote), "--project", name], NAMES[name])
    assert name not in bd.projects
    assert checksum(bw_dir) == before


def test_project_folder_blocked_leaves_no_row(bw_dir, tote, capsys):
    """A file where the new project's folder goes: refused before bw2data inserts the row."""
    import bw2data as bd
    from bw_processing import safe_filename

    blocker = bw_dir / safe_filename("cfp_blocked", full=False)
    blocker.write_text("mine", encoding="utf-8")
    try:
        before = checksum(bw_dir)
        refused(capsys, ["lcia", "tote", "--data", str(tote), "--project", "cfp_blocked"],
                "cannot create Brightway project 'cfp_blocked'", str(blocker))  # fmt: skip
        assert "cfp_blocked" not in bd.projects
        assert checksum(bw_dir) == before
    finally:
        blocker.unlink()


def test_project_creation_failing_midway_is_rolled_back(bw_dir, tote, capsys, monkeypatch):
    """bw2data inserts the row, then fails to make a folder: row and folders are gone."""
    import bw2data as bd
    import bw2data.project

    real = bw2data.project.create_dir

    def full_disk(path) -> None:
        if str(path).endswith("processed"):
            raise OSError(28, "No space left on device", str(path))
        real(path)

    monkeypatch.setattr(bw2data.project, "create_dir", full_disk)
    before = checksum(bw_dir)
    refused(capsys, ["lcia", "tote", "--data", str(tote), "--project", "cfp_midway"],
            "cannot create Brightway project 'cfp_midway'", "No space left on device")  # fmt: skip
    assert "cfp_midway" not in bd.projects
    assert checksum(bw_dir) == before
    assert not list(bw_dir.glob("cfp_midway*"))


def test_existing_project_with_any_name_still_opens(bw_dir):
    """The name rules are for new projects: one made by other tools opens as before."""
    import bw2data as bd

    from cfp_lca.brightway.project import open_project

    bd.projects.set_current("made elsewhere v1.0", update=False)
    bd.projects.set_current(TEST_PROJECT if TEST_PROJECT in bd.projects else "default",
                            update=False)  # fmt: skip
    open_project("made elsewhere v1.0", create=False)
    assert bd.projects.current == "made elsewhere v1.0"


# ------------------------------------------------------------------ reference engine


def _stats(capsys, seed: int) -> dict:
    capsys.readouterr()
    assert main(["mc", "zw32", "--engine", "brightway", "-n", "300", "--seed", str(seed),
                 "--json", "--project", TEST_PROJECT]) == 0  # fmt: skip
    out = json.loads(capsys.readouterr().out)
    for timing in ("elapsed_s", "iterations_per_s"):
        out.pop(timing, None)
    return out


def test_reference_engine_is_deterministic_for_a_seed(capsys):
    """bw2data iterates a database in random order; the stage sums must not follow it."""
    first, second = _stats(capsys, 11), _stats(capsys, 11)
    assert first["stages"]["end of life"] == second["stages"]["end of life"]
    assert first == second
