"""The ``cfp-lca`` command: the only place (with ``present``) that talks to people."""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from .api import quiet_brightway
from .brightway.importing.products import RULES as MULTI_OUTPUT
from .brightway.importing.readers import FORMATS as IMPORT_FORMATS
from .brightway.project import DEFAULT_PROJECT, ProjectError, configure_data_dir, sqlite_errors
from .errors import InputError, printable

LANGUAGES = ["en", "zh"]
MAX_ITERATIONS = 10**12
MAX_ITERATIONS_WHY = " (about 12 days at a million iterations a second)"
INTERRUPTED = 130  # the shell's status for a command ended by SIGINT (128 + 2)


class UsageError(Exception):
    """A command line that argparse refuses, as its one-line message."""


class _Parser(argparse.ArgumentParser):
    """argparse that raises its error as one line (caught by ``main``) instead of exiting."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: error: {message} (see {self.prog} --help)")


class _Help(argparse.ArgumentDefaultsHelpFormatter):
    """Shows an option's default where it has one worth showing (not None, off or empty)."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        hidden = action.default is None or action.default is False or action.default == []
        if hidden or "(default" in (action.help or ""):
            return action.help
        return super()._get_help_string(action)


def _int_at_least(low: int, high: int | None = None, why: str = "") -> Callable[[str], int]:
    """An argparse type: an integer >= ``low`` (and <= ``high``, for ``why``)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"must be at least {low}, got {text!r}")
        if high is not None and value > high:
            raise argparse.ArgumentTypeError(f"must be at most {high:.0e}{why}, got {text!r}")
        return value

    return parse


def _power_of_two(text: str) -> int:
    """An argparse type: a power of 2 of at least 2 (what SALib's Sobol sampling needs)."""
    value = _int_at_least(2)(text)
    if value & (value - 1):
        raise argparse.ArgumentTypeError(f"must be a power of 2, got {text!r}")
    return value


def _positive_float(text: str) -> float:
    """An argparse type: a finite number > 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a finite number > 0, got {text!r}")
    return value


def _global_options(in_command: bool) -> argparse.ArgumentParser:
    """--data, --project, --bw-dir; a command's copies set only what is given after it, so
    the options work before and after the command."""
    options = argparse.ArgumentParser(add_help=False)
    kept = argparse.SUPPRESS if in_command else None
    options.add_argument(
        "--data", type=Path, action="append", default=kept, metavar="DIR",
        help="data directory, stacked on the shipped library; repeat to stack several, later "
        "ones replacing entries of the same name (default: the shipped databases/)",
    )  # fmt: skip
    options.add_argument(
        "--project",
        default=argparse.SUPPRESS if in_command else DEFAULT_PROJECT,
        help=f"Brightway project name (default: {DEFAULT_PROJECT})",
    )
    options.add_argument(
        "--bw-dir",
        type=Path,
        default=kept,
        help="Brightway data directory (default: $BRIGHTWAY2_DIR, "
        "$BRIGHTWAY_DIR, or Brightway's standard one)",
    )
    return options


def _model_options() -> argparse.ArgumentParser:
    """The model and its variant options, shared by the commands that compute one model."""
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument("model", nargs="?", default=None, help=MODEL_HELP)
    options.add_argument("--method", help="method id (default: the model's own)")
    options.add_argument(
        "--option", action="append", default=[], metavar="NAME=VALUE",
        help="a model option (see `cfp-lca list`), e.g. --option end_of_life=cff",
    )  # fmt: skip
    options.add_argument("--eol", help="same as --option end_of_life=EOL (an option name of "
                         "the shipped models)")  # fmt: skip
    options.add_argument("--use-stage", action=argparse.BooleanOptionalAction, default=None,
                         help="same as --option use_stage=true (or false with --no-use-stage; "
                         "an option name of the shipped models)")  # fmt: skip
    return options


MODEL_HELP = ("product model name (default: the data directory's only model, or the one its "
              "library.yaml or cfp_lca.toml names)")  # fmt: skip


def _threshold(text: str) -> tuple[float, bool]:
    """An argparse type: a relevance threshold (``api.parse_threshold``)."""
    from .api import parse_threshold

    try:
        return parse_threshold(text)
    except InputError as exc:
        raise argparse.ArgumentTypeError(exc.problem) from None


def _threshold_option() -> argparse.ArgumentParser:
    """--threshold, for the commands that compare scenarios."""
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument(
        "--threshold", type=_threshold, default="1%",
        help="relevance threshold t of a change against the baseline: an amount in the "
        "method's unit, or with %% a share of the baseline's deterministic total; scenarios "
        "report P(change < -t) and P(change > +t)",
    )  # fmt: skip
    return options


SCENARIO_DIR_HELP = ("scenario files (default: scenarios/ in the data directory, else beside "
                     "it)")  # fmt: skip
REPORT_FORMATS = ["html", "md", "csv", "xlsx", "pdf"]
SOURCES_HELP = ("comma-separated: foreground (activity data), background (emission factors), "
                "characterization (GWP factors), or all")  # fmt: skip


def _uncertainty_options(
    iterations: int, sobol: int | None, sources: str = "all"
) -> argparse.ArgumentParser:
    """-n, --seed, --sources (and --sobol-n), the options of every Monte Carlo command."""
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument("-n", "--iterations", default=iterations,
                         type=_int_at_least(2, MAX_ITERATIONS, MAX_ITERATIONS_WHY),
                         help="Monte Carlo iterations (at least 2)")  # fmt: skip
    options.add_argument("--seed", type=_int_at_least(0), default=0,
                         help="random seed (a non-negative integer)")  # fmt: skip
    options.add_argument("--sources", default=sources, help=SOURCES_HELP)
    if sobol is not None:
        options.add_argument("--sobol-n", type=_power_of_two, default=sobol,
                             help="Sobol base sample (a power of 2)")  # fmt: skip
    return options


def _cluster_options(parser: argparse.ArgumentParser, what: str = "the chunks") -> None:
    """--workers and --scheduler: compute ``what`` on a Dask cluster (mc, gsa, compare)."""
    parser.add_argument("--workers", type=_int_at_least(1), help=f"compute {what} on a local "
                        "Dask cluster of this many processes (same numbers as in one "
                        "process)")  # fmt: skip
    parser.add_argument("--scheduler", metavar="ADDRESS", help=f"compute {what} on the Dask "
                        "cluster at this scheduler address (workers must see the same "
                        "Brightway data directory)")  # fmt: skip


def _strict_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--strict", action="store_true", help="a greenhouse gas of the supply "
                        "chain that the method has no factor for is an error (exit 2)")  # fmt: skip


def _output_options() -> dict[str, argparse.ArgumentParser]:
    """--json and --lang, each alone."""
    json_option = argparse.ArgumentParser(add_help=False)
    json_option.add_argument("--json", action="store_true", help="print one strict JSON object")
    lang_option = argparse.ArgumentParser(add_help=False)
    lang_option.add_argument("--lang", choices=LANGUAGES, default="en", help="language")
    return {"json": json_option, "lang": lang_option}


def build_parser() -> argparse.ArgumentParser:
    """The command line: global options (before or after the command) and the commands."""
    parser = _Parser(
        prog="cfp-lca",
        description="Product carbon footprints on Brightway. Without a command: build the "
        "project, compute the shipped models and audit the declared figures.",
        parents=[_global_options(in_command=False)],
        formatter_class=_Help,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    common, model = _global_options(in_command=True), _model_options()
    out = _output_options()

    def command(name: str, about: str, *parents: argparse.ArgumentParser):
        return sub.add_parser(name, parents=[common, *parents], help=about, description=about,
                              formatter_class=_Help)  # fmt: skip

    run = command("run", "the main job (default): every model's footprint, the audit of "
                  "declared figures, and a study report (Monte Carlo over all uncertainty "
                  "sources) for each model the data name, or for MODEL")  # fmt: skip
    run.add_argument("model", nargs="?", default=None, help="write the report of this model only")
    run.add_argument("--out", type=Path, help="report folder (default: a new cfp_lca_report*)")
    b = command("build", "write flows, methods and databases")
    b.add_argument("--force", action="store_true", help="rewrite even when the files are unchanged")
    lc = command("lcia", "static GWP100 by stage, gas, part and process", model, out["json"],
                 out["lang"])  # fmt: skip
    _strict_option(lc)
    lc.add_argument(
        "--beside", "--beside-report", dest="beside", action="store_true",
        help="print the stages beside those of the model this one names under `comparison`",
    )  # fmt: skip
    au = command("audit", "recompute the figures a study declares", out["json"])
    au.add_argument("model", nargs="?", default=None, help="product model name (default: the "
                    "model with a declared-figures file, if only one has)")  # fmt: skip
    mc = command("mc", "Monte Carlo uncertainty", model, _uncertainty_options(10_000, None),
                 out["json"], out["lang"])  # fmt: skip
    _strict_option(mc)
    mc.add_argument("--engine", choices=["fast", "brightway"], default="fast",
                    help="fast engine or bw2calc's own Monte Carlo (the reference)")  # fmt: skip
    mc.add_argument("--chunk-size", type=_int_at_least(1), default=None,
                    help="iterations per chunk (default: the engine's)")  # fmt: skip
    mc.add_argument("--tolerance", type=_positive_float, help="stop when the mean's relative "
                    "95 %% half-width falls below this")  # fmt: skip
    mc.add_argument("--save-samples", type=Path, help="write the samples to this new .npy file")
    mc.add_argument(
        "--supply-chain-only",
        action="store_true",
        help="with --engine brightway: "
        "draw only the activities the model reaches (the fast engine always does)",
    )
    _cluster_options(mc)
    gs = command("gsa", "sensitivity analysis", model,
                 _uncertainty_options(20_000, 4096, "foreground"), out["json"])  # fmt: skip
    gs.add_argument("--no-groups", action="store_true", help="Sobol per input, not per part")
    gs.add_argument("--exchanges", action="store_true",
                    help="rank the exchanges' own distributions instead of the random "
                    "parameters")  # fmt: skip
    _cluster_options(gs, "the Spearman and Sobol samples")
    cp = command("compare", "scenarios under paired uncertainty, each against the baseline "
                 "of its system boundary", _uncertainty_options(10_000, None),
                 _threshold_option(), out["json"])  # fmt: skip
    cp.add_argument("model", nargs="?", default=None, help=MODEL_HELP)
    cp.add_argument("scenarios", nargs="*", help="scenario names (default: all of the model)")
    cp.add_argument("--method", help="method id (default: the model's own)")
    cp.add_argument("--scenario-dir", type=Path, help=SCENARIO_DIR_HELP)
    cp.add_argument("--plots", type=Path, help="write the figures (paired changes with +-t, "
                    "pairwise probabilities) to this folder")  # fmt: skip
    _cluster_options(cp)
    sc = command("scenarios", "list, export or import scenarios")
    sc.add_argument("action", choices=["list", "export", "import"], help="what to do")
    sc.add_argument("model", nargs="?", default=None, help=MODEL_HELP)
    sc.add_argument("file", nargs="?", type=Path, help="Activity Browser scenario difference "
                    "file (a new one to export, an existing one to import)")  # fmt: skip
    sc.add_argument("--only", nargs="*", help="scenarios to export (default: all)")
    sc.add_argument("--scenario-dir", type=Path, help=SCENARIO_DIR_HELP)
    pl = command("plot", "figures for a model", model, _uncertainty_options(20_000, 2048),
                 out["lang"])  # fmt: skip
    pl.add_argument("--out", type=Path, required=True, help="folder for the figures")
    pl.add_argument("--no-groups", action="store_true", help="Sobol per input, not per part")
    rp = command("report", "the CFP study report", model, _uncertainty_options(20_000, 2048),
                 _threshold_option(), out["lang"])  # fmt: skip
    _strict_option(rp)
    rp.add_argument("--out", type=Path, required=True, help="folder for the report (new or empty)")
    rp.add_argument("--scenario-dir", type=Path, help=SCENARIO_DIR_HELP)
    rp.add_argument("--format", dest="formats", action="append", choices=REPORT_FORMATS,
                    help="a format to write (repeat for several; default: the report's own "
                    "set)")  # fmt: skip
    command("list", "models with their options, methods and background databases")
    nw = command("new", "write a minimal valid model, a baseline scenario and a README into "
                 "the data directory (--data, default: the current folder)")  # fmt: skip
    nw.add_argument("name", help="the new model's name (letters, digits, - and _)")
    command("check", "validate every file of the data directories and print every problem")
    im = command("import", "import an LCI database (EcoSpold 2 such as ecoinvent's or an "
                 "openLCA export, EcoSpold 1, openLCA JSON-LD, a Brightway Excel workbook), "
                 "linked to the project's databases; nothing is written while an exchange "
                 "links to nothing, and every decision is listed")  # fmt: skip
    im.add_argument("path", type=Path, help="the folder, file or zip archive to import")
    im.add_argument("--format", dest="fmt", required=True, choices=IMPORT_FORMATS,
                    help="what PATH holds")  # fmt: skip
    im.add_argument("--name", help="database name (default: the file's own, or the folder's)")
    im.add_argument("--link-to", nargs="*", metavar="DB", help="databases to link to (default: "
                    "every database in the project but cfp_lca's product models)")  # fmt: skip
    im.add_argument("--multi-output", choices=MULTI_OUTPUT, default="refuse",
                    help="datasets with several products and no allocation factors in the "
                    "files: refuse (default), allocate by mass, or keep the reference product "
                    "only")  # fmt: skip
    im.add_argument("--cut-unlinked", action="store_true", help="leave out inputs that link to "
                    "nothing (listed in --log) instead of refusing the import")  # fmt: skip
    im.add_argument("--uncertainty", choices=("repair", "refuse"), default="repair",
                    help="distributions that cannot be sampled: set to none, listed (default), "
                    "or refuse the import")  # fmt: skip
    im.add_argument("--log", type=Path, help="a new CSV file listing every decision of the "
                    "import (needed with --cut-unlinked)")  # fmt: skip
    sh = command("schema", "write the format reference (Markdown) and the JSON Schemas")
    sh.add_argument("--out", type=Path, default=Path("docs"), help="folder to write into")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; bad input of any kind is one line on stderr and exit status 2, an
    interruption (Ctrl-C, SIGTERM, SIGHUP) one line and 128 + the signal's number."""
    try:
        with _signals_as_interrupts():
            return _main(argv)
    except KeyboardInterrupt as exc:
        return _interrupted(exc)


def _main(argv: Sequence[str] | None) -> int:
    """``main``'s work: every error of bad input becomes one line and exit status 2."""
    args = None
    try:
        args = build_parser().parse_args(argv)
        _normalize_names(args)
        _check_console(args)
        _check_environment(args)
        _check_outputs(args)
        configure_data_dir(args.bw_dir)
        command = COMMANDS[args.command or "run"]
        _announce_steps(args.command or "run")
        if args.command in FILE_COMMANDS:  # no Brightway project involved
            return command(args) or 0
        _announce_waits()
        quiet_brightway()
        _check_sources(args)
        with _project_access(), _removed_if_unfinished(_output_paths(args)), sqlite_errors():
            code = command(args) or 0
        sys.stdout.flush()
        return code
    except UsageError as exc:
        return _fail(str(exc))
    except (InputError, ProjectError) as exc:
        return _fail(f"cfp-lca: error: {exc}")
    except BrokenPipeError:
        return _stdout_closed()
    except OSError as exc:
        return _os_error(exc, _output_paths(args) if args is not None else [])


def entry() -> NoReturn:
    """The console script: ``main``; after an interruption, an exit that does not wait for
    worker threads (the signal may have left one waiting forever on a lock it interrupted).
    Outputs were already removed and files closed; the operating system releases the locks."""
    code = main()
    if code >= INTERRUPTED:
        with contextlib.suppress(OSError, ValueError):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


class Terminated(KeyboardInterrupt):
    """SIGTERM (or SIGHUP) received: stop as after Ctrl-C, with the signal's exit status."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


@contextlib.contextmanager
def _signals_as_interrupts():
    """SIGTERM and SIGHUP end the command as Ctrl-C does (cleanup runs, one line is printed),
    where Python would die at once; the previous handlers are restored after."""
    import signal

    if threading_main() is False:
        yield
        return
    wanted = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    previous = {}

    def stop(signum: int, frame: object) -> None:
        raise Terminated(signum)

    for signum in wanted:
        previous[signum] = signal.signal(signum, stop)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def threading_main() -> bool:
    """Whether this is the main thread (the only one that may set signal handlers)."""
    import threading

    return threading.current_thread() is threading.main_thread()


def _interrupted(exc: KeyboardInterrupt) -> int:
    """One line for an interrupted command; 128 + the signal number, as shells report it."""
    import signal

    signum = exc.signum if isinstance(exc, Terminated) else signal.SIGINT
    name = signal.Signals(signum).name
    with contextlib.suppress(OSError, ValueError):
        sys.stdout.flush()
    print(f"cfp-lca: interrupted ({name}): unfinished outputs were removed; the next command "
          "checks the project and repairs it", file=sys.stderr)  # fmt: skip
    return 128 + signum


def _os_error(exc: OSError, outputs: Sequence[Path]) -> int:
    """A failed read or write (full disk, file-size limit, stdout on /dev/full) as one line
    naming the file, else the output path the command was given, else stdout (then closed
    quietly, so that Python's own flush at exit does not fail again)."""
    if exc.filename is not None:
        return _fail(f"cfp-lca: error: {exc.filename}: {exc.strerror or exc}")
    if outputs and _stdout_writable():
        return _fail(f"cfp-lca: error: {outputs[0]}: cannot write: {exc.strerror or exc}")
    _stdout_closed()
    return _fail(f"cfp-lca: error: cannot write the output (stdout): {exc.strerror or exc}")


def _stdout_writable() -> bool:
    """Whether stdout still takes output (it is not the full disk or closed pipe)."""
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        return False
    return True


NAMED = ("model", "scenarios", "option", "method", "eol")  # names looked up in the data


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


def _announce_steps(command: str) -> None:
    """Long commands say each step and its time on stderr (the core logs them to
    ``cfp_lca.steps``); stdout stays the result's."""
    import logging

    steps = logging.getLogger("cfp_lca.steps")
    steps.handlers.clear()
    steps.propagate = False
    if command in ("run", "report"):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("cfp-lca: %(message)s"))
        steps.addHandler(handler)
        steps.setLevel(logging.INFO)


def _announce_waits() -> None:
    """Waits for other processes (cfp_lca's lock, a SQLite write transaction) on stderr."""
    from .brightway.project import project_lock

    project_lock().on_wait = lambda text: print(f"cfp-lca: {text}", file=sys.stderr)


def _project_access():
    """The command's shared hold on the Brightway directory: writers wait until it ends."""
    from .brightway.project import project_lock

    return project_lock().shared()


def _fail(message: str) -> int:
    """Print an error as one line on stderr, invisible and control characters escaped (a
    name from data never drives the terminal); the exit status of bad input."""
    print(printable(" ".join(message.splitlines())), file=sys.stderr)
    return 2


def _stdout_closed() -> int:
    """The reader of stdout went away (``| head``): stop quietly, as Python's docs advise."""
    with contextlib.suppress(AttributeError, ValueError, OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return 1


def _check_environment(args: argparse.Namespace) -> None:
    """The Brightway data directory we are asked to create, checked before any work;
    an existing $BRIGHTWAY2_DIR is checked by ``brightway.project.base_dir``."""
    if args.bw_dir is not None:
        _check_output(args.bw_dir, "folder", "--bw-dir")
        return
    if not os.environ.get("BRIGHTWAY2_DIR") and os.environ.get("BRIGHTWAY_DIR"):
        _check_output(Path(os.environ["BRIGHTWAY_DIR"]).expanduser(), "folder", "BRIGHTWAY_DIR")


OUTPUTS = {  # (command, attribute) -> (option, what it must be)
    ("run", "out"): ("--out", "empty folder"),
    ("report", "out"): ("--out", "empty folder"),
    ("plot", "out"): ("--out", "folder"),
    ("compare", "plots"): ("--plots", "folder"),
    ("mc", "save_samples"): ("--save-samples", "new file"),
    ("export", "file"): ("FILE", "new file"),
    ("import", "log"): ("--log", "new file"),
}


def _output_paths(args: argparse.Namespace) -> list[Path]:
    """The files and folders the command was asked to write."""
    command = "export" if getattr(args, "action", None) == "export" else args.command or "run"
    paths = [getattr(args, attribute, None) for (name, attribute) in OUTPUTS if name == command]
    return [Path(p) for p in paths if p is not None]


@contextlib.contextmanager
def _removed_if_unfinished(paths: Sequence[Path]):
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
    from .api import parse_sources

    try:
        args.sources = parse_sources(args.sources)
    except InputError as exc:
        raise UsageError(f"cfp-lca {args.command}: error: argument --sources: {exc.problem}; "
                         "comma-separated") from None  # fmt: skip


def _workspace(args):
    """Load and validate every data file (nothing is written); notices go to stderr."""
    from .api import load

    workspace = load(getattr(args, "data", None), args.project)
    for notice in workspace.notices:
        print(f"cfp-lca: notice: {notice}", file=sys.stderr)
    return workspace


def _options(args) -> dict:
    """Model options from --option NAME=VALUE and the aliases --eol and --use-stage."""
    from .api import parse_options

    options = parse_options(getattr(args, "option", []))
    if getattr(args, "eol", None):
        options["end_of_life"] = args.eol
    if getattr(args, "use_stage", None) is not None:
        options["use_stage"] = args.use_stage
    return options


def _model(args):
    """The workspace and the model the command names (or the default one), validated."""
    workspace = _workspace(args)
    return workspace, workspace.model(getattr(args, "model", None))


def _checked(args):
    """Workspace, model, options and method, all validated before anything is written."""
    workspace, model = _model(args)
    options = _options(args)
    variant = model.variant(options)
    workspace.method(args.method or variant.method)
    return workspace, model, options


def _print_json(data: dict) -> None:
    """Print a result as strict JSON (undefined numbers as null)."""
    from .present.tables import json_text

    print(json_text(data))


def _progress(args, label: str):
    """A progress bar for ``args.iterations`` on a terminal; (callback, close)."""
    return progress_bar(args.iterations, label)


def cmd_build(args) -> int:
    """Write flows, methods and databases (idempotent)."""
    from .brightway.project import data_dir
    from .brightway.writing import owned_names

    workspace = _workspace(args)
    wrote = workspace.write(force=args.force)
    state = "written" if wrote else "already up to date"
    print(f"Brightway project '{args.project}' in {data_dir()}: {state}")
    print(f"  databases: {', '.join(owned_names(workspace.catalog))}")
    print(f"  methods: {', '.join(workspace.methods)}")
    libraries = (f"{lib['name']} {lib['version']}" for lib in workspace.libraries)
    print(f"  libraries: {', '.join(libraries)}")
    return 0


def cmd_lcia(args) -> int:
    """Static LCIA of one model, optionally beside the model it compares with."""
    from .present.tables import beside_text

    workspace, model, options = _checked(args)
    if args.beside and model.variant(options).comparison is None:
        raise InputError(model.base.path, "comparison", "this model names no model to compare with")
    result = model.lcia(args.method, options)
    if args.strict:
        result.check_coverage()
    other = None
    if args.beside:
        other = workspace.model(result.model.comparison[0]).lcia(args.method or result.method)
    if args.json:
        out = result.to_dict()
        if other is not None:
            out["beside"] = other.to_dict()
        _print_json(out)
    else:
        print(result.text(args.lang))
        if other is not None:
            print()
            print(beside_text(result.raw, result.model, other.raw, other.model, args.lang))
    return 0


def _audited_model(workspace, name: str | None):
    """The model to audit: the one named, else the default when it declares figures, else
    the only model that does."""
    if name is not None:
        return workspace.model(name)
    declaring = [m for m, v in workspace.catalog.models.items() if v.declared is not None]
    default = workspace.catalog.settings.get("default_model")
    if default in declaring:
        return workspace.model(default)
    if len(declaring) == 1:
        return workspace.model(declaring[0])
    if not declaring:
        raise InputError(workspace.catalog.root, None, "no model here has a declared-figures "
                         "file (MODEL.declared.yaml) to audit")  # fmt: skip
    raise InputError(workspace.catalog.root, None, f"{len(declaring)} models declare figures, "
                     f"name one: {', '.join(declaring)}")  # fmt: skip


def cmd_audit(args) -> int:
    """Recompute every figure the study declares."""
    result = _audited_model(_workspace(args), args.model).audit()
    if args.json:
        _print_json(result.to_dict())
    else:
        print(result.text())
    return 0


def progress_bar(total: int, label: str):
    """A tqdm bar on a terminal, nothing otherwise; returns (callback, close)."""
    if not sys.stderr.isatty():
        return None, lambda: None
    from tqdm import tqdm

    bar = tqdm(total=total, desc=label, unit="it", unit_scale=True, file=sys.stderr)
    done = [0]

    def update(n: int) -> None:
        bar.update(n - done[0])
        done[0] = n

    return update, bar.close


def cmd_mc(args) -> int:
    """Monte Carlo of one model."""
    _, model, options = _checked(args)
    update, close = _progress(args, f"Monte Carlo {model.name}")
    try:
        result = model.monte_carlo(
            args.iterations, args.seed, args.sources, args.method, options, args.engine,
            args.chunk_size, args.tolerance, args.save_samples, update, args.workers,
            args.scheduler, args.supply_chain_only,
        )  # fmt: skip
    finally:
        close()
    if args.strict:
        result.check_coverage()
    if args.json:
        _print_json(result.to_dict())
    else:
        print(result.text(args.lang))
    return 0


def cmd_gsa(args) -> int:
    """Sensitivity analysis of one model."""
    _, model, options = _checked(args)
    result = model.sensitivity(args.iterations, args.sobol_n, args.seed, args.sources,
                               args.method, options, group=not args.no_groups,
                               exchanges=args.exchanges, workers=args.workers,
                               scheduler=args.scheduler)  # fmt: skip
    if args.json:
        _print_json(result.to_dict())
    else:
        print(result.text())
    return 0


def cmd_compare(args) -> int:
    """Scenarios under paired Monte Carlo, each against the baseline of its system boundary."""
    _, model = _model(args)
    update, close = _progress(args, "paired Monte Carlo")
    try:
        result = model.compare(args.scenarios or None, args.iterations, args.seed, args.sources,
                               args.threshold, args.method, args.scenario_dir, args.plots,
                               update, args.workers, args.scheduler)  # fmt: skip
    finally:
        close()
    if args.json:
        _print_json(result.to_dict())
    else:
        print(result.text())
    return 0


def cmd_scenarios(args) -> int:
    """List scenarios, export them as a difference file, or import and compute one."""
    workspace, model = _model(args)
    if args.action == "list":
        for name, scenario in model.scenarios(None, args.scenario_dir).items():
            print(f"{name:<20} {scenario.title}")
        return 0
    if args.file is None:
        raise InputError(None, "FILE", f"'scenarios {args.action}' needs a file name")
    if args.action == "export":
        return _export(workspace, model, args)
    return _import(workspace, model, args)


def _export(workspace, model, args) -> int:
    """Write the model's scenarios as an Activity Browser difference file (no project write)."""
    from .model.ab_scenarios import added_activities, export_sdf

    base = model.base
    models = {k: v.built for k, v in model.scenarios(args.only, args.scenario_dir).items()}
    export_sdf(workspace.catalog, base, models, args.file)
    print(f"wrote {len(models)} scenarios to {args.file}")
    for name, built in models.items():
        added = added_activities(base, built)
        if added:
            print(f"note: scenario '{name}' adds {', '.join(added)}, which the database "
                  f"'{base.database}' lacks: written as the exchanges of the activities that "
                  "buy it (totals exact)", file=sys.stderr)  # fmt: skip
    return 0


def _import(workspace, model, args) -> int:
    """Check the whole difference file, then write each scenario's database and compute it."""
    from .calc.lcia import static_lcia
    from .model.ab_scenarios import load_sdf

    base = model.base
    models = load_sdf(workspace.catalog, base, args.file)
    with workspace.reading(base, *models.values()):
        print(f"{'scenario':<20} {'total':>12}  ({base.title})")
        for name, built in models.items():
            print(f"{name:<20} {static_lcia(workspace.catalog, built).total:12.4f}")
    return 0


def cmd_plot(args) -> int:
    """Every figure of one model."""
    _, model, options = _checked(args)
    update, close = _progress(args, f"Monte Carlo {model.name}")
    try:
        paths = model.plot(args.out, args.lang, args.iterations, args.seed, args.sources,
                           args.sobol_n, not args.no_groups, args.method, options,
                           update)  # fmt: skip
    finally:
        close()
    for path in paths:
        print(path)
    return 0


def cmd_report(args) -> int:
    """The CFP study report of one model."""
    _, model, options = _checked(args)
    model.scenarios(None, args.scenario_dir)  # every scenario file checked before writing
    if args.strict:
        model.lcia(args.method, options).check_coverage()
    update, close = _progress(args, f"Monte Carlo {model.name}")
    try:
        paths = model.report(args.out, args.lang, args.iterations, args.seed, args.sources,
                             args.sobol_n, args.threshold, args.method, options,
                             args.scenario_dir, getattr(args, "formats", None),
                             update)  # fmt: skip
    finally:
        close()
    _print_paths(paths)
    return 0


def _print_paths(paths: dict) -> None:
    """The report's files, one per line; a format that could not be written on stderr."""
    for kind, path in paths.items():
        if kind == "notice":
            print(f"cfp-lca: notice: {path}", file=sys.stderr)
        else:
            print(f"{kind:<9} {path}")


def cmd_list(args) -> int:
    """Models (with their options), methods, background databases and libraries."""
    workspace = _workspace(args)
    catalog = workspace.catalog
    for m in catalog.models.values():
        print(f"model   {m.name:<16} {m.title}")
        for name, spec in m.option_specs.items():
            choices = "/".join(str(c).lower() if isinstance(c, bool) else str(c)
                               for c in spec["choices"])  # fmt: skip
            default = (
                str(spec["default"]).lower()
                if isinstance(spec["default"], bool)
                else spec["default"]
            )
            print(f"  option {name}={choices} (default {default}): {spec['description']}")
    for m in catalog.methods.values():
        print(f"method  {m.id:<16} {' / '.join(m.name[1:])}")
    for db, processes in catalog.backgrounds.items():
        print(f"background {db}: {len(processes)} processes")
    for lib in catalog.libraries:
        print(f"library {lib['name']} {lib['version']} ({lib['role']}: {lib['path']})")
    return 0


def cmd_new(args) -> int:
    """Write a minimal valid model, its baseline scenario and a README paragraph."""
    from .model.templates import write_new_model

    target = args.data[-1] if getattr(args, "data", None) else Path(".")
    for path in write_new_model(args.name, target):
        print(f"wrote {path}")
    return 0


def cmd_check(args) -> int:
    """Validate every file and print every problem, not only the first; status 2 if any."""
    from .api import resolve_links_in
    from .model.cache import checked

    resolve_links_in(args.project)  # links by name are found as lcia finds them
    problems, notices = checked(getattr(args, "data", None))
    for notice in notices:
        print(f"cfp-lca: notice: {notice}", file=sys.stderr)
    for problem in problems:
        print(f"cfp-lca: error: {' '.join(str(problem).splitlines())}", file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return 2
    print("no problems found")
    return 0


def cmd_import(args) -> int:
    """Import an LCI database into the project; print how its exchanges reconcile."""
    from .brightway.importing import ImportProblem

    workspace = _workspace(args)
    try:
        done = workspace.import_database(
            args.path, args.fmt, args.name, args.link_to, multi_output=args.multi_output,
            cut_unlinked=args.cut_unlinked, uncertainty=args.uncertainty, log=args.log,
        )  # fmt: skip
    except ImportProblem as exc:
        return _fail(f"cfp-lca: error: {exc}")
    linked = ", ".join(done["linked_to"]) or "-"
    print(f"imported '{done['database']}': {done['activities']:,} activities, "
          f"{done['technosphere']:,} technosphere inputs, {done['biosphere']:,} elementary "
          f"exchanges; linked to {linked}")  # fmt: skip
    if done["own_biosphere"]:
        print(f"  {done['own_flows']:,} elementary flows of the source kept in "
              f"'{done['own_biosphere']}'")  # fmt: skip
    for line in done["reconciliation"]:
        print(f"  {line}")
    for line in done["summary"]:
        print(f"  {line}")
    if args.log:
        print(f"  every decision: {args.log}")
    return 0


def cmd_schema(args) -> int:
    """Write docs/model-format.md and docs/schemas/*.schema.json from the schema."""
    from .model.reference import write_reference

    for path in write_reference(args.out):
        print(f"wrote {path}")
    return 0


def free_folder(base: Path) -> Path:
    """``base`` if it is absent or empty, else the first ``base-2``, ``base-3``... that is."""
    candidate, k = base, 1
    while candidate.exists() and any(candidate.iterdir()):
        k += 1
        candidate = base.with_name(f"{base.name}-{k}")
    return candidate


def cmd_run(args) -> int:
    """The main job: every model's footprint, the audit of its declared figures, and the
    study report of each model the data name for it (or of MODEL)."""
    from .present.figures import file_stem
    from .steps import step

    workspace = _workspace(args)
    named = getattr(args, "model", None)
    reported = [workspace.model(named).name] if named else workspace.report_models()
    with step("build of the Brightway project"):
        workspace.write()
    for name in workspace.models:
        model = workspace.model(name)
        with step(f"{name}: footprint and audit"):
            print(model.lcia().text())
            print()
            if model.base.declared is not None:
                print(model.audit().text())
                print()
    for name in reported:
        out = args.out if len(reported) == 1 else args.out / file_stem(name)
        print(f"Writing the study report of {name} ...")
        update, close = progress_bar(20_000, f"Monte Carlo {name}")
        try:
            paths = workspace.model(name).report(out, progress=update)  # the API's defaults
        finally:
            close()
        _print_paths(paths)
    return 0


FILE_COMMANDS = ("new", "check", "schema", "list")  # commands that read data files only
COMMANDS: dict[str, Callable] = {
    "run": cmd_run,
    "build": cmd_build,
    "lcia": cmd_lcia,
    "audit": cmd_audit,
    "list": cmd_list,
    "mc": cmd_mc,
    "gsa": cmd_gsa,
    "compare": cmd_compare,
    "scenarios": cmd_scenarios,
    "plot": cmd_plot,
    "report": cmd_report,
    "new": cmd_new,
    "check": cmd_check,
    "schema": cmd_schema,
    "import": cmd_import,
}


if __name__ == "__main__":
    sys.exit(main())
