"""docs/tutorial.md works as written: its files are written and its commands and Python run,
in order, in a folder holding nothing else (a fresh Brightway directory of its own)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import REPO

TUTORIAL = REPO / "docs" / "tutorial.md"
BLOCK = re.compile(r"^```(\w+)(?: file=(\S+))?\n(.*?)^```", re.S | re.M)


def blocks(text: str) -> list[tuple[str, str | None, str]]:
    """(language, file name or None, body) of every fenced block, in order."""
    return [(m.group(1), m.group(2), m.group(3)) for m in BLOCK.finditer(text)]


def environment(tmp_path: Path) -> dict[str, str]:
    """The environment of the tutorial's commands: this Python's scripts first on PATH."""
    env = {**os.environ, "BRIGHTWAY2_DIR": str(tmp_path / "bw"), "MPLBACKEND": "Agg"}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    (tmp_path / "bw").mkdir()
    return env


def run_block(language: str, body: str, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    """Run one bash or Python block as the reader would."""
    command = ["bash", "-e", "-c", body] if language == "bash" else [sys.executable, "-c", body]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_blocks_are_found():
    """The tutorial has files, commands and Python, and every block is one of these."""
    found = blocks(TUTORIAL.read_text(encoding="utf-8"))
    kinds = {(lang, name is not None) for lang, name, _ in found}
    assert kinds == {("bash", False), ("yaml", True), ("python", False)}


def test_tutorial_runs_as_written(tmp_path):
    """Every block in order; the model folder holds only the tutorial's own files, and the
    footprint is the hand calculation of the tutorial's text."""
    env = environment(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    for language, name, body in blocks(TUTORIAL.read_text(encoding="utf-8")):
        if name is not None:
            path = work / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(body, encoding="utf-8")
            continue
        done = run_block(language, body, work, env)
        assert done.returncode == 0, f"{body}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        assert "Traceback" not in done.stderr
    files = sorted(p.relative_to(work / "bench").as_posix() for p in (work / "bench").rglob("*")
                   if p.is_file())  # fmt: skip
    assert files == [
        "bench.yaml",
        "scenarios/bench/bare-steel.yaml",
        "scenarios/bench/baseline.yaml",
        "scenarios/bench/nearby-sales.yaml",
    ]
    data = json.loads((work / "bench-lcia.json").read_text(encoding="utf-8"))
    # 12 kg x 6.15 + 3.5 kWh x 0.6205 + 0.4 kg x 47.3 MJ/kg x 0.0631 kg/MJ + 3.75 t*km x 0.078
    assert abs(data["total"] - (73.8 + 2.17175 + 1.193852 + 0.2925)) < 1e-6
    assert any((work / "bench-report").iterdir())
    assert any(p.suffix == ".png" for p in (work / "bench-figures").iterdir())
