"""The files and folders a command writes: which they are, and their removal when the command
fails or is interrupted (a half-written output never looks finished)."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Sequence
from pathlib import Path

OUTPUTS = {  # (command, attribute) -> (option, what it must be)
    ("run", "out"): ("--out", "empty folder"),
    ("report", "out"): ("--out", "empty folder"),
    ("plot", "out"): ("--out", "folder"),
    ("compare", "plots"): ("--plots", "folder"),
    ("mc", "save_samples"): ("--save-samples", "new file"),
    ("export", "file"): ("FILE", "new file"),
    ("export", "out"): ("--out", "new file"),
    ("import", "log"): ("--log", "new file"),
}


def output_paths(args: argparse.Namespace) -> list[Path]:
    """The files and folders the command was asked to write."""
    command = "export" if getattr(args, "action", None) == "export" else args.command or "run"
    paths = [getattr(args, attribute, None) for (name, attribute) in OUTPUTS if name == command]
    return [Path(p) for p in paths if p is not None]


@contextlib.contextmanager
def removed_if_unfinished(paths: Sequence[Path]):
    """What the command adds at ``paths`` is removed again when it fails or is interrupted:
    a half-written report or file never looks finished, and what existed stays."""
    before = [_existing(path) for path in paths]
    try:
        yield
    except BaseException:
        for path, (top, old) in zip(paths, before, strict=True):
            with contextlib.suppress(OSError):
                _remove_new(path, top, old)
        raise


def _existing(path: Path) -> tuple[Path | None, set[Path]]:
    """(the highest missing folder of ``path``, or None if it exists; what is inside it)."""
    top = None
    for candidate in (path, *path.parents):
        if candidate.exists() or candidate.is_symlink():
            break
        top = candidate
    inside = set(path.rglob("*")) if top is None and path.is_dir() else set()
    return top, inside


def _remove_new(path: Path, top: Path | None, old: set[Path]) -> None:
    """Remove ``top`` (created by the command) or the entries added under ``path``."""
    import shutil

    if top is not None:
        if top.is_dir() and not top.is_symlink():
            shutil.rmtree(top, ignore_errors=True)
        elif top.exists() or top.is_symlink():
            top.unlink()
        return
    if not path.is_dir():
        return
    for new in sorted(set(path.rglob("*")) - old, key=lambda p: -len(p.parts)):
        if new.is_dir() and not new.is_symlink():
            new.rmdir()
        else:
            new.unlink()


def free_folder(base: Path) -> Path:
    """``base`` if it is absent or empty, else the first ``base-2``, ``base-3``... that is."""
    candidate, k = base, 1
    while candidate.exists() and any(candidate.iterdir()):
        k += 1
        candidate = base.with_name(f"{base.name}-{k}")
    return candidate
