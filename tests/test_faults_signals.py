"""Interrupted commands: Ctrl-C (SIGINT), SIGTERM or SIGHUP during build, mc --save-samples,
report and plot end with one line and exit status 128 + the signal's number, no traceback,
no unfinished output that looks complete, and the next command computes the hand value.

Each case is a real ``python -m cfp_lca`` process on a Brightway directory of its own; the
signal is sent once the command is seen working (its output file or project folder exists).
"""

from __future__ import annotations

import json
import math
import signal
import subprocess
import time
from pathlib import Path

import pytest
from faultkit import TOTAL, command, env_for, files_under, run, tote_folder


def start(bw_dir: Path, data: Path, *args: str) -> subprocess.Popen:
    """A command started in the background on ``bw_dir`` and the tote folder ``data``."""
    return subprocess.Popen(  # faulthandler: stacks on SIGABRT (see interrupted)
        command(*args, "--data", str(data)), env=env_for(bw_dir, PYTHONFAULTHANDLER="1"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def wait_for(proc: subprocess.Popen, ready, timeout: float = 120) -> None:
    """Poll until ``ready()`` holds (the command is working) or the process ended."""
    end = time.monotonic() + timeout
    while not ready() and proc.poll() is None:
        assert time.monotonic() < end, "the command never started working"
        time.sleep(0.02)


def interrupted(proc: subprocess.Popen, signum: int) -> tuple[int, str, str]:
    """Send ``signum``; (exit status, stdout, stderr) once it ended. A command still running
    120 s after the signal fails the test with the stack of every thread (faulthandler,
    dumped on SIGABRT), so an intermittent hang says where it waits."""
    if proc.poll() is None:
        proc.send_signal(signum)
    try:
        out, err = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGABRT)
        _, err = proc.communicate(timeout=60)
        stacks = err[-8000:]
        raise AssertionError(f"not ended 120 s after signal {signum}:\n{stacks}") from None
    return proc.returncode, out, err


def assert_one_line(rc: int, err: str, signum: int) -> None:
    """Ended by the signal: 128 + its number and one line saying so (step announcements of
    report aside); or it had finished just before the signal came (status 0)."""
    assert "Traceback" not in err, err
    if rc == 0:
        return
    name = signal.Signals(signum).name
    lines = [line for line in err.splitlines() if not line.rstrip().endswith((" ...", " s"))]
    assert rc == 128 + signum, err
    assert lines == [lines[0]] and lines[0].startswith(f"cfp-lca: interrupted ({name}): "), err


def total(bw_dir: Path, data: Path) -> float:
    """The tote's total computed by the next command (which repairs what was left)."""
    done = run("lcia", "tote", "--json", "--data", str(data), env=env_for(bw_dir))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["total"]


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    return tote_folder(tmp_path_factory.mktemp("signals") / "tote")


@pytest.fixture(scope="module")
def built(tmp_path_factory, data) -> Path:
    """A Brightway directory with the tote built."""
    bw_dir = tmp_path_factory.mktemp("signals_bw")
    assert math.isclose(total(bw_dir, data), TOTAL, rel_tol=1e-12)
    return bw_dir


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_build_interrupted_is_repaired_by_the_next_command(signum, tmp_path, data):
    bw_dir = tmp_path / "bw"
    bw_dir.mkdir()
    proc = start(bw_dir, data, "build")
    wait_for(proc, lambda: any(p.is_dir() for p in bw_dir.glob("default.*/lci")))
    rc, _, err = interrupted(proc, signum)
    assert_one_line(rc, err, signum)
    assert math.isclose(total(bw_dir, data), TOTAL, rel_tol=1e-12)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_mc_save_samples_interrupted_leaves_no_samples_file(signum, tmp_path, built, data):
    samples = tmp_path / "samples.npy"
    proc = start(built, data, "mc", "tote", "-n", "20000000", "--save-samples", str(samples))
    wait_for(proc, lambda: samples.with_name("samples.npy.partial").exists())
    rc, out, err = interrupted(proc, signum)
    assert rc == 128 + signum, err
    assert_one_line(rc, err, signum)
    assert out == ""
    assert files_under(tmp_path) == set()  # neither the file nor its unfinished copy


@pytest.mark.parametrize("what", ["report", "plot"])
def test_report_interrupted_leaves_no_folder(what, tmp_path, built, data):
    out = tmp_path / "new" / "report"
    proc = start(built, data, what, "tote", "--out", str(out), "-n", "20000")
    wait_for(proc, lambda: out.exists())
    rc, _, err = interrupted(proc, signal.SIGINT)
    assert_one_line(rc, err, signal.SIGINT)
    if rc:
        assert files_under(tmp_path) == set()
    assert math.isclose(total(built, data), TOTAL, rel_tol=1e-12)


def test_an_interrupted_command_in_process_returns_130(monkeypatch, built, data, capsys):
    """KeyboardInterrupt raised inside a command (as Ctrl-C raises it) becomes exit 130."""
    import cfp_lca.cli as cli

    def boom(args):
        raise KeyboardInterrupt

    monkeypatch.setitem(cli.COMMANDS, "lcia", boom)
    assert cli.main(["lcia", "tote", "--data", str(data)]) == 130
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("cfp-lca: interrupted (SIGINT): ")


def test_an_interruption_inside_an_import_returns_130(monkeypatch, built, data, capsys):
    """A signal that arrives while a C extension initializes surfaces as its ImportError
    caused by the KeyboardInterrupt (seen once in CI: matplotlib's Agg renderer): still one
    line and exit 130, no traceback."""
    import cfp_lca.cli as cli

    def boom(args):
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as exc:
            raise ImportError("initialization failed") from exc

    monkeypatch.setitem(cli.COMMANDS, "lcia", boom)
    assert cli.main(["lcia", "tote", "--data", str(data)]) == 130
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("cfp-lca: interrupted (SIGINT): ")
    monkeypatch.setitem(cli.COMMANDS, "lcia", lambda args: 1 / 0)
    with pytest.raises(ZeroDivisionError):  # an error with no interruption behind stays one
        cli.main(["lcia", "tote", "--data", str(data)])


def test_a_signal_during_a_finalizer_is_delivered_after_it(capfd):
    """Python prints and loses an exception raised in ``__del__`` (a temporary file closed by
    the garbage collector, say): the interruption comes once the finalizer returned."""
    import os

    from cfp_lca.cli.failures import signals_as_interrupts

    class Closer:
        def __del__(self):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.01)  # the signal arrives here, inside the finalizer

    reached = []
    with pytest.raises(KeyboardInterrupt), signals_as_interrupts():
        closer = Closer()
        del closer
        reached.append("after the finalizer")
        time.sleep(5)
        reached.append("never")
    assert reached == ["after the finalizer"]
    assert "Exception ignored" not in capfd.readouterr().err
