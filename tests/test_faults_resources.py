"""A machine's limits: a full disk (a small tmpfs), a file-size limit (``ulimit -f``), stdout
on ``/dev/full``, a console that cannot show Chinese, and sizes that cannot fit. Each is one
line and exit status 2, no traceback, nothing unfinished left behind, and the project still
computes the hand value after.

The tmpfs cases need the privilege to mount one (root, as in CI's containers); elsewhere they
are skipped with one line saying so.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from faultkit import TOTAL, env_for, files_under, one_error, run, tote_folder


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    return tote_folder(tmp_path_factory.mktemp("resources") / "tote")


@pytest.fixture(scope="module")
def bw_dir(tmp_path_factory, data) -> Path:
    """A Brightway directory with the tote built (the hand total checked)."""
    bw = tmp_path_factory.mktemp("resources_bw")
    assert math.isclose(lcia_total(bw, data), TOTAL, rel_tol=1e-12)
    return bw


def lcia_total(bw: Path, data: Path, **env: str) -> float:
    done = run("lcia", "tote", "--json", "--data", str(data), env=env_for(bw, **env))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["total"]


def cli(bw: Path, data: Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    """One command on the tote in a subprocess (``limit``/``stdout``: see faultkit.run)."""
    env = kwargs.pop("env", None) or env_for(bw)
    return run(*args, "--data", str(data), env=env, **kwargs)


@contextlib.contextmanager
def tmpfs(path: Path, size: str):
    """A tmpfs of ``size`` mounted at ``path`` (skipped where this process cannot mount)."""
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root: full-disk cases not run")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                          capture_output=True, text=True)  # fmt: skip
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip()}): full-disk cases not run")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


# ------------------------------------------------------------------ stdout on a full device


@pytest.mark.parametrize(
    "args",
    [("lcia", "tote", "--json"), ("lcia", "tote"), ("mc", "tote", "-n", "1000", "--json")],
    ids=["lcia-json", "lcia-text", "mc-json"],
)
def test_stdout_on_dev_full_is_one_line(args, bw_dir, data):
    done = cli(bw_dir, data, *args, stdout="> /dev/full")
    assert done.returncode == 2, done.stderr
    one_error(done.stderr, "cannot write the output (stdout)", "No space left on device")


# ------------------------------------------------------------------ file-size limit


def test_report_beyond_the_file_size_limit_leaves_no_folder(bw_dir, data, tmp_path):
    """500 KiB: the project's files fit (they are only read), the report's HTML does not."""
    out = tmp_path / "report"
    done = cli(bw_dir, data, "report", "tote", "--out", str(out), "-n", "500",
               "--sobol-n", "64", limit="-f 500")  # fmt: skip
    assert done.returncode == 2, done.stderr
    one_error(done.stderr, str(out), "File too large", steps=True)
    assert files_under(tmp_path) == set()
    assert math.isclose(lcia_total(bw_dir, data), TOTAL, rel_tol=1e-12)


def test_samples_beyond_the_file_size_limit_are_refused_before_sampling(bw_dir, data, tmp_path):
    """100,000 x 3 float64 = 2.4 MB against a 100 KiB limit: refused before any draw."""
    samples = tmp_path / "s.npy"
    done = cli(bw_dir, data, "mc", "tote", "-n", "100000", "--save-samples", str(samples),
               limit="-f 100")  # fmt: skip
    assert done.returncode == 2, done.stderr
    one_error(done.stderr, str(samples), "--save-samples", "0.0024 GB needed", "File too large")
    assert files_under(tmp_path) == set()


def test_samples_file_is_complete_and_exact_when_it_fits(bw_dir, data, tmp_path):
    """The plain-write .npy reads back with NumPy: (n, labels), the total's mean as printed."""
    import numpy as np

    samples = tmp_path / "s.npy"
    done = cli(bw_dir, data, "mc", "tote", "-n", "3000", "--seed", "3", "--json",
               "--save-samples", str(samples))  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    array = np.load(samples)
    assert array.shape == (3000, 3) and array.dtype == np.float64
    assert math.isclose(array[:, 0].mean(), result["total"]["mean"], rel_tol=1e-9)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.npy"]


def test_samples_file_after_a_tolerance_stop_holds_the_iterations_run(bw_dir, data, tmp_path):
    import numpy as np

    samples = tmp_path / "s.npy"
    done = cli(bw_dir, data, "mc", "tote", "-n", "1000000", "--tolerance", "0.05", "--json",
               "--save-samples", str(samples))  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["iterations"] < 1_000_000
    assert np.load(samples).shape == (result["iterations"], 3)


# ------------------------------------------------------------------ a full disk


def test_report_onto_a_full_disk_leaves_nothing(bw_dir, data, tmp_path):
    with tmpfs(tmp_path / "small", "300k") as disk:
        out = disk / "report"
        done = cli(bw_dir, data, "report", "tote", "--out", str(out), "-n", "500",
                   "--sobol-n", "64")  # fmt: skip
        assert done.returncode == 2, done.stderr
        one_error(done.stderr, "No space left on device", steps=True)
        assert files_under(disk) == set()


def test_samples_onto_a_full_disk_are_refused_before_sampling(bw_dir, data, tmp_path):
    with tmpfs(tmp_path / "small", "1m") as disk:
        samples = disk / "s.npy"
        done = cli(bw_dir, data, "mc", "tote", "-n", "1000000", "--save-samples", str(samples))
        assert done.returncode == 2, done.stderr
        one_error(done.stderr, str(samples), "0.024 GB needed", "No space left on device")
        assert files_under(disk) == set()


def test_build_onto_a_full_disk_is_repaired_when_there_is_room(data, tmp_path):
    with tmpfs(tmp_path / "small", "256k") as disk:
        done = cli(disk, data, "build")
        assert done.returncode == 2, done.stderr
        one_error(done.stderr)
        grown = subprocess.run(["mount", "-o", "remount,size=256m", str(disk)],
                               capture_output=True, text=True)  # fmt: skip
        assert grown.returncode == 0, grown.stderr
        assert math.isclose(lcia_total(disk, data), TOTAL, rel_tol=1e-12)


# ------------------------------------------------------------------ consoles


@pytest.mark.parametrize("encoding, shown", [("ascii", "ascii"), ("latin-1", "iso8859-1")])
def test_chinese_text_to_a_console_without_chinese_is_refused(encoding, shown, bw_dir, data):
    env = env_for(bw_dir, PYTHONIOENCODING=encoding)
    done = cli(bw_dir, data, "lcia", "tote", "--lang", "zh", env=env)
    assert done.returncode == 2, done.stderr
    one_error(done.stderr, "--lang zh", f"({shown})", "PYTHONIOENCODING=utf-8")
    assert done.stdout == ""


def test_json_to_an_ascii_console_is_escaped_and_still_strict(bw_dir, data):
    env = env_for(bw_dir, PYTHONIOENCODING="ascii")
    done = cli(bw_dir, data, "lcia", "tote", "--lang", "zh", "--json", env=env)
    assert done.returncode == 0, done.stderr
    done.stdout.encode("ascii")  # every character escaped
    assert math.isclose(json.loads(done.stdout)["total"], TOTAL, rel_tol=1e-12)


def test_an_error_about_a_chinese_name_reaches_an_ascii_console(bw_dir, tmp_path):
    """The error line itself carries Chinese: escaped, never a UnicodeEncodeError."""
    data = tote_folder(tmp_path, lambda t: t.replace("value: 0.25", "value: 一"))
    done = cli(bw_dir, data, "lcia", "tote", env=env_for(bw_dir, PYTHONIOENCODING="ascii"))
    assert done.returncode == 2, done.stderr
    one_error(done.stderr, "tote.yaml", "\\u4e00")


# ------------------------------------------------------------------ sizes that cannot fit


@pytest.mark.parametrize(
    "args, fragments",
    [
        (("mc", "-n", "99999999999999999999999"), ("--iterations", "at most 1e+12")),
        (("mc", "-n", "1000000000001"), ("--iterations", "at most 1e+12")),
        (("gsa", "--sobol-n", "1099511627776"), ("--sobol-n 1099511627776", "GiB of memory")),
        (("gsa", "-n", "100000000000"), ("-n 100000000000", "GiB of memory")),
    ],
    ids=["mc-n-beyond-int64", "mc-n-above-limit", "gsa-sobol-n", "gsa-n"],
)
def test_sizes_that_cannot_fit_are_refused_before_allocating(args, fragments, bw_dir, data):
    done = cli(bw_dir, data, args[0], "tote", *args[1:], timeout=60)
    assert done.returncode == 2, done.stderr
    one_error(done.stderr, *fragments)
