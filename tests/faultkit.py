"""Helpers of the fault tests (test_faults_*): a small model folder written by the test,
commands run in a subprocess with their own limits, and the one-line error check.

The model is the cotton tote bag of test_second_model (its AR5 total is computed by hand
there), so every fault test has a number a person can check.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from test_second_model import GROWING, SEWING, TOTE

from conftest import REPO

TOTAL = GROWING + SEWING  # kg CO2e per bag, AR5, by hand
ERROR = re.compile(r"^cfp-lca( [a-z]+)?: error: ")
STEP = re.compile(r"^cfp-lca: [^ ].*(\.\.\.|done in [0-9.]+ s)$")  # a step of report/run


def tote_folder(root: Path, edit: Callable[[str], str] = lambda text: text) -> Path:
    """A data folder holding only the tote model, its text passed through ``edit``."""
    (root / "foreground").mkdir(parents=True, exist_ok=True)
    (root / "foreground" / "tote.yaml").write_text(edit(TOTE), encoding="utf-8")
    return root


def replaced(old: str, new: str) -> Callable[[str], str]:
    """An edit of the model text: ``old`` (which must be there, once) becomes ``new``."""

    def edit(text: str) -> str:
        assert text.count(old) == 1, f"fixture edit: {old!r} is not in the model once"
        return text.replace(old, new)

    return edit


def one_error(err: str, *fragments: str, steps: bool = False) -> str:
    """stderr holds exactly one error line (after step announcements where ``steps``), no
    traceback and no warning, naming every fragment; returns the line."""
    assert "Traceback" not in err and "Warning" not in err, err
    lines = err.splitlines()
    if steps:
        assert all(STEP.match(line) for line in lines[:-1]), err
        lines = lines[-1:]
    assert len(lines) == 1 and ERROR.match(lines[0]), err
    for fragment in fragments:
        assert fragment in lines[0], f"{fragment!r} not in {lines[0]!r}"
    return lines[0]


def env_for(bw_dir: Path | None = None, **extra: str) -> dict[str, str]:
    """The environment of a command run by a test (its Brightway directory if given)."""
    env = {k: v for k, v in os.environ.items() if k != "BRIGHTWAY_DIR"}
    env.update(TQDM_DISABLE="1", BRIGHTWAY_NO_STRUCTLOG="1", PYTHONWARNINGS="default")
    if bw_dir is not None:
        env["BRIGHTWAY2_DIR"] = str(bw_dir)
    env.update(extra)
    return env


def command(*args: str) -> list[str]:
    """``python -m cfp_lca ARGS`` as an argument list."""
    return [sys.executable, "-m", "cfp_lca", *args]


def run(*args: str, env: dict | None = None, limit: str = "", stdout: str = "",
        timeout: float = 300) -> subprocess.CompletedProcess:  # fmt: skip
    """One command in a subprocess; ``limit``: shell ``ulimit`` options set first (e.g.
    ``-f 500``), ``stdout``: a redirection of its output (e.g. ``> /dev/full``)."""
    line = shlex.join(command(*args))
    if limit:
        line = f"ulimit {limit} && {line}"
    return subprocess.run(f"{line} {stdout}", shell=True, capture_output=True, text=True,
                          env=env or env_for(), cwd=REPO, timeout=timeout)  # fmt: skip


def files_under(root: Path) -> set[Path]:
    """Every path under ``root`` (nothing if it does not exist)."""
    return set(root.rglob("*")) if root.exists() else set()
