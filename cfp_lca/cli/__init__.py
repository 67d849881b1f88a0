"""The ``cfp-lca`` command: the only place (with ``present``) that talks to people.

Its parser is :mod:`.parser`, its commands :mod:`.commands`; here, ``main`` checks what a
command line asks for before any work (names, console, paths) and turns every failure into
one line (:mod:`.failures`), removing the outputs of a command that did not finish
(:mod:`.outputs`).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from ..api import quiet_brightway
from ..brightway.project import ProjectError, configure_data_dir, lock_timeout, sqlite_errors
from ..errors import InputError
from .commands import COMMANDS, FILE_COMMANDS, LAZY_COMMANDS, progress_bar
from .failures import (
    INTERRUPTED,
    fail,
    interrupted,
    interruption_behind,
    os_error,
    signals_as_interrupts,
    stdout_closed,
)
from .logs import configure as configure_logs
from .logs import notice
from .outputs import OUTPUTS, free_folder, output_paths, removed_if_unfinished
from .parser import UsageError, build_parser

__all__ = [
    "COMMANDS",
    "FILE_COMMANDS",
    "UsageError",
    "build_parser",
    "entry",
    "free_folder",
    "main",
    "progress_bar",
]


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; bad input of any kind is one line on stderr and exit status 2, an
    interruption (Ctrl-C, SIGTERM, SIGHUP) one line and 128 + the signal's number."""
    try:
        with signals_as_interrupts():
            return _main(argv)
    except KeyboardInterrupt as exc:
        return interrupted(exc)
    except Exception as exc:
        behind = interruption_behind(exc)
        if behind is None:
            raise
        return interrupted(behind)


def _main(argv: Sequence[str] | None) -> int:
    """``main``'s work: every error of bad input becomes one line and exit status 2."""
    args = None
    try:
        args = build_parser().parse_args(argv)
        _scenario_file_alone(args)
        _normalize_names(args)
        _check_console(args)
        _check_environment(args)
        _check_outputs(args)
        configure_data_dir(args.bw_dir)
        command = COMMANDS[args.command or "run"]
        configure_logs(args.command or "run", args.verbose, args.quiet)
        if args.command in FILE_COMMANDS:  # no Brightway project involved
            return command(args) or 0
        _announce_waits()
        lock_timeout()  # a bad setting is refused even where kept results spare the project
        if args.command not in LAZY_COMMANDS:
            quiet_brightway()
        _check_sources(args)
        with _project_access(), removed_if_unfinished(output_paths(args)), sqlite_errors():
            code = command(args) or 0
        sys.stdout.flush()
        return code
    except UsageError as exc:
        return fail(str(exc))
    except (InputError, ProjectError) as exc:
        return fail(f"cfp-lca: error: {exc}")
    except BrokenPipeError:
        return stdout_closed()
    except OSError as exc:
        return os_error(exc, output_paths(args) if args is not None else [])


def entry() -> NoReturn:
    """The console script: ``main``; after an interruption, an exit that does not wait for
    worker threads (the signal may have left one waiting forever on a lock it interrupted).
    Outputs were already removed and files closed; the operating system releases the locks."""
    code = main()
    if code > INTERRUPTED:  # SIGHUP 129, SIGINT 130, SIGTERM 143
        with contextlib.suppress(OSError, ValueError):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


NAMED = ("model", "scenarios", "option", "method", "eol")  # names looked up in the data


def _scenario_file_alone(args: argparse.Namespace) -> None:
    """``scenarios export FILE``: the one name given is the file when it ends like a table
    file (the data's default model is then the model), not a model named like a file."""
    from ..model.table_files import TABLE_SUFFIXES

    model = getattr(args, "model", None)
    if args.command != "scenarios" or args.action == "list" or args.file is not None:
        return
    if model is not None and Path(model).suffix.lower() in TABLE_SUFFIXES:
        args.file, args.model = Path(model), None


def _normalize_names(args: argparse.Namespace) -> None:
    """Names typed on the command line in Unicode NFC, as the data's codes are read (a name
    typed in NFD, as some keyboards and file systems give it, is found); paths are left."""
    import unicodedata

    for attribute in NAMED:
        value = getattr(args, attribute, None)
        if isinstance(value, str):
            setattr(args, attribute, unicodedata.normalize("NFC", value))
        elif isinstance(value, list):
            setattr(args, attribute, [unicodedata.normalize("NFC", v) if isinstance(v, str)
                                      else v for v in value])  # fmt: skip


def _check_console(args: argparse.Namespace) -> None:
    """Characters the console cannot show are escaped (\\u4e2d: still strict JSON), and a
    Chinese table or report text to a console without Chinese is refused before any work."""
    for stream in (sys.stdout, sys.stderr):
        if not _encodes(stream, "中"):
            with contextlib.suppress(AttributeError, ValueError):
                stream.reconfigure(errors="backslashreplace")
    text_out = not getattr(args, "json", False) and args.command not in ("report", "plot", "run")
    if getattr(args, "lang", None) == "zh" and text_out and not _encodes(sys.stdout, "中"):
        encoding = getattr(sys.stdout, "encoding", None)
        raise UsageError(
            f"cfp-lca: error: --lang zh: this console's encoding ({encoding}) cannot show "
            "Chinese: set PYTHONIOENCODING=utf-8 (or a UTF-8 locale), or use --json"
        )


def _encodes(stream: object, text: str) -> bool:
    """Whether ``stream`` can encode ``text`` (a stream without an encoding can)."""
    encoding = getattr(stream, "encoding", None)
    if not encoding:
        return True
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def _announce_waits() -> None:
    """Waits for other processes (cfp_lca's lock, a SQLite write transaction) on stderr."""
    from ..brightway.project import project_lock

    project_lock().on_wait = notice


def _project_access():
    """The command's shared hold on the Brightway directory: writers wait until it ends."""
    from ..brightway.project import project_lock

    return project_lock().shared()


def _check_environment(args: argparse.Namespace) -> None:
    """The Brightway data directory we are asked to create, checked before any work;
    an existing $BRIGHTWAY2_DIR is checked by ``brightway.project.base_dir``."""
    if args.bw_dir is not None:
        _check_output(args.bw_dir, "folder", "--bw-dir")
        return
    if not os.environ.get("BRIGHTWAY2_DIR") and os.environ.get("BRIGHTWAY_DIR"):
        _check_output(Path(os.environ["BRIGHTWAY_DIR"]).expanduser(), "folder", "BRIGHTWAY_DIR")


def _check_outputs(args: argparse.Namespace) -> None:
    """Every path the command will write, checked before any work."""
    if args.command in (None, "run") and getattr(args, "out", None) is None:
        args.out = free_folder(Path("cfp_lca_report"))
    command = "export" if getattr(args, "action", None) == "export" else args.command or "run"
    for (name, attribute), (option, kind) in OUTPUTS.items():
        path = getattr(args, attribute, None) if name == command else None
        if path is not None:
            _check_output(path, kind, option)


def _check_output(path: Path, kind: str, option: str) -> None:
    """Refuse a path that cannot be written as ``kind`` (new file, folder, empty folder)."""
    try:
        exists = path.exists() or path.is_symlink()
        if exists and kind == "new file":
            raise InputError(path, option, "exists already: choose a new file name")
        if exists and not path.is_dir():
            raise InputError(path, option, "is a file, not a folder")
        if exists and kind == "empty folder" and any(path.iterdir()):
            raise InputError(path, option, "is not empty: name a new or empty folder")
        folder = path if exists else _nearest_existing(path)
    except OSError as exc:
        raise InputError(path, option, f"cannot use this path: {exc.strerror or exc}") from None
    if kind == "new file" and folder != path.absolute().parent:
        raise InputError(path, option, f"folder {path.absolute().parent} does not exist")
    if not folder.is_dir():
        raise InputError(path, option, f"{folder} is a file, not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(path, option, f"cannot write in {folder}: permission denied")


def _nearest_existing(path: Path) -> Path:
    """The closest ancestor of ``path`` that exists (a folder, or a file in the way)."""
    return next(p for p in path.absolute().parents if p.exists() or p.is_symlink())


def _check_sources(args: argparse.Namespace) -> None:
    """--sources as a tuple of uncertainty sources; an unknown one is a usage error."""
    if not hasattr(args, "sources") or isinstance(args.sources, tuple):
        return
    from ..api import parse_sources

    try:
        args.sources = parse_sources(args.sources)
    except InputError as exc:
        raise UsageError(f"cfp-lca {args.command}: error: argument --sources: {exc.problem}; "
                         "comma-separated") from None  # fmt: skip
