"""The ``cfp-lca`` command: the only place (with ``present``) that talks to people."""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import math
import os
import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from .brightway.project import DEFAULT_PROJECT, ProjectError, configure_data_dir
from .errors import InputError

DEFAULT_MODEL = "zw32"
LANGUAGES = ["en", "zh"]


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


def _int_at_least(low: int) -> Callable[[str], int]:
    """An argparse type: an integer >= ``low``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"must be at least {low}, got {text!r}")
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
        "--data", type=Path, default=kept, help="data directory (default: the shipped databases/)"
    )
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
    options.add_argument("model", nargs="?", default=DEFAULT_MODEL, help="product model name")
    options.add_argument("--method", help="method id (default: the model's own)")
    options.add_argument(
        "--eol", choices=["cut_off", "avoided_burden", "cff"], help="end-of-life approach"
    )
    options.add_argument(
        "--use-stage", action="store_true", help="include the use stage (reported separately)"
    )
    options.add_argument(
        "--option", action="append", default=[], metavar="NAME=VALUE", help="any model option"
    )
    return options


def _threshold(text: str) -> tuple[float, bool]:
    """An argparse type: a relevance threshold, an amount or a percentage ('2%'), >= 0; as
    (value, relative) with a percentage as a fraction."""
    number, relative = (text.strip()[:-1], True) if text.strip().endswith("%") else (text, False)
    try:
        value = float(number)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a number or a percentage such as 2%"
        ) from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"must be a finite number >= 0, got {text!r}")
    return (value / 100, True) if relative else (value, False)


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


SOURCES_HELP = ("comma-separated: foreground (activity data), background (emission factors), "
                "characterization (GWP factors), or all")  # fmt: skip


def _uncertainty_options(
    iterations: int, sobol: int | None, sources: str = "all"
) -> argparse.ArgumentParser:
    """-n, --seed, --sources (and --sobol-n), the options of every Monte Carlo command."""
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument("-n", "--iterations", type=_int_at_least(2), default=iterations,
                         help="Monte Carlo iterations (at least 2)")  # fmt: skip
    options.add_argument("--seed", type=_int_at_least(0), default=0,
                         help="random seed (a non-negative integer)")  # fmt: skip
    options.add_argument("--sources", default=sources, help=SOURCES_HELP)
    if sobol is not None:
        options.add_argument("--sobol-n", type=_power_of_two, default=sobol,
                             help="Sobol base sample (a power of 2)")  # fmt: skip
    return options


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

    run = command("run", "the main job (default); its study report's Monte Carlo draws all "
                  "uncertainty sources")  # fmt: skip
    run.add_argument("--out", type=Path, help="report folder (default: a new cfp_lca_report*)")
    b = command("build", "write flows, methods and databases")
    b.add_argument("--force", action="store_true", help="rewrite even when the files are unchanged")
    lc = command("lcia", "static GWP100 by stage, part and process", model, out["json"],
                 out["lang"])  # fmt: skip
    lc.add_argument(
        "--beside-report",
        action="store_true",
        help="print the stages beside those of the model this one compares with (the report)",
    )
    au = command("audit", "recompute the study's declared figures", out["json"])
    au.add_argument("model", nargs="?", default="zw32-report", help="product model name")
    mc = command("mc", "Monte Carlo uncertainty", model, _uncertainty_options(10_000, None),
                 out["json"], out["lang"])  # fmt: skip
    mc.add_argument("--engine", choices=["fast", "brightway"], default="fast",
                    help="fast engine or bw2calc's own Monte Carlo (the reference)")  # fmt: skip
    mc.add_argument("--chunk-size", type=_int_at_least(1), default=None,
                    help="iterations per chunk (default: the engine's)")  # fmt: skip
    mc.add_argument("--tolerance", type=_positive_float, help="stop when the mean's relative "
                    "95 %% half-width falls below this")  # fmt: skip
    mc.add_argument("--save-samples", type=Path, help="write the samples to this new .npy file")
    gs = command("gsa", "sensitivity analysis", model,
                 _uncertainty_options(20_000, 4096, "foreground"), out["json"])  # fmt: skip
    gs.add_argument("--no-groups", action="store_true", help="Sobol per input, not per part")
    gs.add_argument("--exchanges", action="store_true",
                    help="rank the exchanges' own distributions instead of the random "
                    "parameters")  # fmt: skip
    cp = command("compare", "scenarios under paired uncertainty, each against the baseline "
                 "of its system boundary", _uncertainty_options(10_000, None),
                 _threshold_option(), out["json"])  # fmt: skip
    cp.add_argument("model", nargs="?", default=DEFAULT_MODEL, help="product model name")
    cp.add_argument("scenarios", nargs="*", help="scenario names (default: all of the model)")
    cp.add_argument("--method", help="method id (default: the model's own)")
    cp.add_argument("--scenario-dir", type=Path, help="scenario files (default: scenarios/)")
    cp.add_argument("--plots", type=Path, help="write the figures (paired changes with +-t, "
                    "pairwise probabilities) to this folder")  # fmt: skip
    sc = command("scenarios", "list, export or import scenarios")
    sc.add_argument("action", choices=["list", "export", "import"], help="what to do")
    sc.add_argument("model", nargs="?", default=DEFAULT_MODEL, help="product model name")
    sc.add_argument("file", nargs="?", type=Path, help="Activity Browser scenario difference "
                    "file (a new one to export, an existing one to import)")  # fmt: skip
    sc.add_argument("--only", nargs="*", help="scenarios to export (default: all)")
    sc.add_argument("--scenario-dir", type=Path, help="scenario files (default: scenarios/)")
    pl = command("plot", "figures for a model", model, _uncertainty_options(20_000, 2048),
                 out["lang"])  # fmt: skip
    pl.add_argument("--out", type=Path, required=True, help="folder for the figures")
    pl.add_argument("--no-groups", action="store_true", help="Sobol per input, not per part")
    rp = command("report", "the CFP study report", model, _uncertainty_options(20_000, 2048),
                 _threshold_option(), out["lang"])  # fmt: skip
    rp.add_argument("--out", type=Path, required=True, help="folder for the report (new or empty)")
    rp.add_argument("--scenario-dir", type=Path, help="scenario files (default: scenarios/)")
    command("list", "models, methods and background databases")
    return parser


def quiet_brightway() -> None:
    """Keep Brightway's chatter off stdout (so --json stays parseable); bars only on a terminal."""
    os.environ.setdefault("BRIGHTWAY_NO_STRUCTLOG", "1")
    if not sys.stderr.isatty():
        os.environ.setdefault("TQDM_DISABLE", "1")
    warnings.filterwarnings("ignore", message="(?s).*pypardiso")
    from .brightway.project import import_brightway

    with contextlib.redirect_stdout(io.StringIO()):
        import_brightway()  # creates the feedback logger quieted below

    feedback = logging.getLogger("brightway-stdout-feedback")
    for handler in list(feedback.handlers):
        feedback.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("brightway: %(message)s"))
    feedback.addHandler(handler)
    feedback.setLevel(logging.ERROR)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; bad input of any kind is one line on stderr and exit status 2."""
    try:
        args = build_parser().parse_args(argv)
        _check_environment(args)
        _check_outputs(args)
        configure_data_dir(args.bw_dir)
        quiet_brightway()
        _check_sources(args)
        with _project_access():
            code = COMMANDS[args.command or "run"](args) or 0
        sys.stdout.flush()
        return code
    except UsageError as exc:
        return _fail(str(exc))
    except (InputError, ProjectError) as exc:
        return _fail(f"cfp-lca: error: {exc}")
    except BrokenPipeError:
        return _stdout_closed()
    except OSError as exc:
        if exc.filename is None:
            raise
        return _fail(f"cfp-lca: error: {exc.filename}: {exc.strerror or exc}")


def _project_access():
    """The command's shared hold on the Brightway directory: writers wait until it ends."""
    from .brightway.project import project_lock

    lock = project_lock()
    lock.on_wait = lambda text: print(f"cfp-lca: {text}", file=sys.stderr)
    return lock.shared()


def _fail(message: str) -> int:
    """Print an error as one line on stderr; the exit status of bad input."""
    print(" ".join(message.splitlines()), file=sys.stderr)
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
}


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
    from .calc.montecarlo import SOURCES

    text = args.sources
    named = tuple(p.strip() for p in text.split(",") if p.strip())
    parts = SOURCES if named == ("all",) else named
    unknown = [p for p in parts if p not in SOURCES]
    if unknown or not parts:
        problem = f"unknown source(s) {', '.join(map(repr, unknown))}" if unknown else "none"
        raise UsageError(f"cfp-lca {args.command}: error: argument --sources: {problem} (choose "
                         f"from {', '.join(SOURCES)}, or all; comma-separated)")  # fmt: skip
    args.sources = tuple(dict.fromkeys(parts))


def _catalog(args):
    """Load and validate every data file (nothing is written)."""
    from .model.loading import load_catalog

    return load_catalog(args.data)


def _write(args, catalog) -> None:
    """Bring the Brightway project up to date with the validated catalog."""
    from .brightway.project import open_project
    from .brightway.writing import write_catalog

    open_project(args.project)
    write_catalog(catalog)


def _prepared(args):
    """Load and validate every file, then bring the Brightway project up to date."""
    catalog = _catalog(args)
    _write(args, catalog)
    return catalog


def _options(args) -> dict:
    """Model options from --eol, --use-stage and --option NAME=VALUE."""
    options = {}
    for text in getattr(args, "option", []):
        name, sep, value = text.partition("=")
        if not sep:
            raise InputError(None, "--option", f"expected NAME=VALUE, got '{text}'")
        options[name] = {"true": True, "false": False}.get(value.lower(), value)
    if getattr(args, "eol", None):
        options["end_of_life"] = args.eol
    if getattr(args, "use_stage", False):
        options["use_stage"] = True
    return options


def _variant(catalog, name: str, options: dict | None = None):
    """The model with options applied, validated (nothing is written)."""
    from .model.loading import model_variant

    if name not in catalog.models:
        known = ", ".join(sorted(catalog.models))
        raise InputError(
            catalog.root / "foreground", None, f"unknown model '{name}' (known: {known})"
        )
    return model_variant(catalog, name, options or {})


def _ensure(catalog, *models) -> None:
    """Write the foreground databases of ``models`` unless they are current."""
    from .brightway.writing import ensure_model

    for model in models:
        ensure_model(catalog, model)


def _model(catalog, name: str, options: dict | None = None):
    """The model (with options applied), its foreground database written and current."""
    model = _variant(catalog, name, options)
    _ensure(catalog, model)
    return model


def _method(catalog, model, method_id: str | None):
    """The method by id (the model's own by default); an unknown id is an input error."""
    method_id = method_id or model.method
    if method_id not in catalog.methods:
        known = ", ".join(sorted(catalog.methods))
        raise InputError(
            catalog.root / "methods", None, f"unknown method '{method_id}' (known: {known})"
        )
    return catalog.methods[method_id]


def _setup(args):
    """Catalog, model variant and method, all validated first; then the project is written."""
    catalog = _catalog(args)
    model = _variant(catalog, args.model, _options(args))
    method = _method(catalog, model, args.method)
    _write(args, catalog)
    _ensure(catalog, model)
    return catalog, model, method


def _print_json(data: dict) -> None:
    """Print a result as strict JSON (undefined numbers as null)."""
    from .present.tables import json_text

    print(json_text(data))


def cmd_build(args) -> int:
    """Write flows, methods and databases (idempotent)."""
    catalog = _catalog(args)
    from .brightway.project import data_dir, open_project
    from .brightway.writing import owned_names, write_catalog

    open_project(args.project)
    wrote = write_catalog(catalog, force=args.force)
    state = "written" if wrote else "already up to date"
    print(f"Brightway project '{args.project}' in {data_dir()}: {state}")
    print(f"  databases: {', '.join(owned_names(catalog))}")
    print(f"  methods: {', '.join(m.id for m in catalog.methods.values())}")
    return 0


def cmd_lcia(args) -> int:
    """Static LCIA of one model, optionally beside the model it compares with."""
    from .calc.lcia import static_lcia
    from .present.tables import beside_text, lcia_dict, lcia_text

    catalog, model, method = _setup(args)
    result = static_lcia(catalog, model, method)
    other = None
    if args.beside_report:
        if model.comparison is None:
            raise InputError(model.path, "comparison", "this model names no model to compare with")
        other_model = _model(catalog, model.comparison[0])
        other = (other_model, static_lcia(catalog, other_model, method))
    if args.json:
        out = lcia_dict(result, model)
        if other is not None:
            out["beside"] = lcia_dict(other[1], other[0])
        _print_json(out)
    else:
        print(lcia_text(result, model, args.lang))
        if other is not None:
            print()
            print(beside_text(result, model, other[1], other[0], args.lang))
    return 0


def cmd_audit(args) -> int:
    """Recompute every figure the study declares."""
    from .calc.audit import audit
    from .calc.lcia import static_lcia
    from .present.tables import audit_dict, audit_text

    catalog = _catalog(args)
    model = _variant(catalog, args.model)
    if model.declared is None:
        raise InputError(model.path, None, "this model has no declared-figures file to audit")
    method = _method(catalog, model, model.declared.method)
    _write(args, catalog)
    _ensure(catalog, model)
    result = audit(catalog, model, static_lcia(catalog, model, method))
    if args.json:
        _print_json(audit_dict(result))
    else:
        print(audit_text(result))
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
    from .calc.montecarlo import DEFAULT_CHUNK, run_monte_carlo
    from .present.tables import mc_dict, mc_text

    catalog, model, method = _setup(args)
    update, close = progress_bar(args.iterations, f"Monte Carlo {model.name}")
    try:
        result = run_monte_carlo(
            catalog, model, method, n=args.iterations, seed=args.seed,
            sources=args.sources, chunk_size=args.chunk_size or DEFAULT_CHUNK,
            engine=args.engine, save_samples=args.save_samples, tolerance=args.tolerance,
            keep_samples=True, progress=update,
        )  # fmt: skip
    finally:
        close()
    if args.json:
        _print_json(mc_dict(result, model))
    else:
        print(mc_text(result, model, args.lang))
    return 0


def sensitivity(model, method, args):
    """The sensitivity analysis the command-line options ask for."""
    from .calc.sensitivity import analyse

    try:
        return analyse(model, method, args.sources, args.iterations, args.sobol_n,
                       args.seed, group=not args.no_groups,
                       exchanges=getattr(args, "exchanges", False))  # fmt: skip
    except ValueError as exc:
        raise InputError(model.path, None, str(exc)) from None


def cmd_gsa(args) -> int:
    """Sensitivity analysis of one model."""
    from .present.tables import gsa_dict, gsa_text

    catalog, model, method = _setup(args)
    data = gsa_dict(sensitivity(model, method, args), model)
    if args.json:
        _print_json(data)
    else:
        print(gsa_text(data))
    return 0


def _scenarios(catalog, args, model_name: str) -> dict:
    """The model's scenario files (validated), in file order with the baseline first."""
    from .model.scenarios import load_scenarios

    found = {k: v for k, v in load_scenarios(catalog, args.scenario_dir).items()
             if v.model == model_name}  # fmt: skip
    wanted = list(getattr(args, "scenarios", None) or getattr(args, "only", None) or found)
    unknown = [w for w in wanted if w not in found]
    if unknown:
        raise InputError(args.scenario_dir or "scenarios", None,
                         f"unknown scenario(s) {unknown} for model '{model_name}' "
                         f"(known: {', '.join(found)})")  # fmt: skip
    if "baseline" in wanted:
        wanted.remove("baseline")
        wanted.insert(0, "baseline")
    return {w: found[w] for w in wanted}


def _relevance(args):
    """The --threshold of the command as a Threshold."""
    from .calc.compare import Threshold

    return Threshold(*args.threshold)


def cmd_compare(args) -> int:
    """Scenarios under paired Monte Carlo, each against the baseline of its system boundary."""
    from .calc.compare import compare, plan_comparison
    from .present.tables import compare_dict, compare_text

    catalog = _catalog(args)
    base = _variant(catalog, args.model)
    scenarios = _scenarios(catalog, args, args.model)
    if len(scenarios) < 2:
        raise InputError(None, "scenarios", "name at least two scenarios to compare")
    method = _method(catalog, base, args.method)
    plan = plan_comparison(catalog, scenarios)
    _write(args, catalog)
    _ensure(catalog, base, *plan.models.values())
    update, close = progress_bar(args.iterations, "paired Monte Carlo")
    try:
        result = compare(plan.models, method, args.iterations, args.seed, args.sources, update,
                         plan.groups, _relevance(args))  # fmt: skip
    finally:
        close()
    data = compare_dict(result, plan.titles, method.unit, kinds=plan.kinds)
    if args.plots:
        from .present.figures import comparison_figures

        figures = comparison_figures(result, method.unit, args.plots)
        data["figures"] = [str(p) for paths in figures.values() for p in paths]
    if args.json:
        _print_json(data)
    else:
        print(compare_text(data))
    return 0


def cmd_scenarios(args) -> int:
    """List scenarios, export them as a difference file, or import and compute one."""
    catalog = _catalog(args)
    base = _variant(catalog, args.model)
    if args.action == "list":
        for name, scenario in _scenarios(catalog, args, args.model).items():
            print(f"{name:<20} {scenario.title}")
        return 0
    if args.file is None:
        raise InputError(None, "FILE", f"'scenarios {args.action}' needs a file name")
    if args.action == "export":
        return _export(catalog, base, args)
    return _import(catalog, base, args)


def _export(catalog, base, args) -> int:
    """Write the model's scenarios as an Activity Browser difference file (no project write)."""
    from .model.ab_scenarios import added_activities, export_sdf

    models = {k: v.built for k, v in _scenarios(catalog, args, args.model).items()}
    export_sdf(catalog, base, models, args.file)
    print(f"wrote {len(models)} scenarios to {args.file}")
    for name, model in models.items():
        added = added_activities(base, model)
        if added:
            print(f"note: scenario '{name}' adds {', '.join(added)}, which the database "
                  f"'{base.database}' lacks: written as the exchanges of the activities that "
                  "buy it (totals exact)", file=sys.stderr)  # fmt: skip
    return 0


def _import(catalog, base, args) -> int:
    """Check the whole difference file, then write each scenario's database and compute it."""
    from .calc.lcia import static_lcia
    from .model.ab_scenarios import load_sdf

    models = load_sdf(catalog, base, args.file)
    _write(args, catalog)
    _ensure(catalog, base, *models.values())
    print(f"{'scenario':<20} {'total':>12}  ({base.title})")
    for name, model in models.items():
        print(f"{name:<20} {static_lcia(catalog, model).total:12.4f}")
    return 0


def cmd_plot(args) -> int:
    """Every figure of one model."""
    from .calc.study import run_study
    from .present.figures import model_figures

    catalog, model, method = _setup(args)
    update, close = progress_bar(args.iterations, f"Monte Carlo {model.name}")
    try:
        study = run_study(catalog, model, method, args.iterations, args.seed,
                          args.sources, None, None, args.sobol_n, update,
                          group=not args.no_groups)  # fmt: skip
    except ValueError as exc:
        raise InputError(model.path, None, str(exc)) from None
    finally:
        close()
    figures = model_figures(model, study.static, study.mc, study.gsa, args.out, args.lang)
    for path in (p for paths in figures.values() for p in paths):
        print(path)
    return 0


def cmd_report(args) -> int:
    """The CFP study report of one model."""
    from .calc.compare import plan_comparison
    from .calc.study import run_study
    from .present.report import write_report

    catalog = _catalog(args)
    model = _variant(catalog, args.model, _options(args))
    method = _method(catalog, model, args.method)
    args.scenarios = None
    scenarios = _scenarios(catalog, args, args.model)
    plan = plan_comparison(catalog, scenarios) if len(scenarios) > 1 else None
    related = _variant(catalog, model.comparison[0]) if model.comparison else None
    _write(args, catalog)
    _ensure(catalog, model, *(plan.models.values() if plan else ()), *filter(None, [related]))
    update, close = progress_bar(args.iterations, f"Monte Carlo {model.name}")
    try:
        study = run_study(catalog, model, method, args.iterations, args.seed, args.sources,
                          plan, related, args.sobol_n, update,
                          threshold=_relevance(args))  # fmt: skip
    except ValueError as exc:
        raise InputError(model.path, None, str(exc)) from None
    finally:
        close()
    paths = write_report(study, catalog, args.out, args.lang)
    for kind, path in paths.items():
        print(f"{kind:<9} {path}")
    return 0


def cmd_list(args) -> int:
    """Models, methods and background databases of the data directory."""
    catalog = _catalog(args)
    for m in catalog.models.values():
        print(f"model   {m.name:<16} {m.title}")
    for m in catalog.methods.values():
        print(f"method  {m.id:<16} {' / '.join(m.name[1:])}")
    for db, processes in catalog.backgrounds.items():
        print(f"background {db}: {len(processes)} processes")
    return 0


def free_folder(base: Path) -> Path:
    """``base`` if it is absent or empty, else the first ``base-2``, ``base-3``... that is."""
    candidate, k = base, 1
    while candidate.exists() and any(candidate.iterdir()):
        k += 1
        candidate = base.with_name(f"{base.name}-{k}")
    return candidate


def cmd_run(args) -> int:
    """The main job: every shipped model's footprint, the audit of the declared figures, and
    the study report of the component model."""
    from .calc.audit import audit
    from .calc.lcia import static_lcia
    from .calc.montecarlo import SOURCES
    from .present.tables import audit_text, lcia_text

    catalog = _prepared(args)
    for model in catalog.models.values():
        _model(catalog, model.name)
        result = static_lcia(catalog, model)
        print(lcia_text(result, model))
        print()
        if model.declared is not None:
            method = _method(catalog, model, model.declared.method)
            print(audit_text(audit(catalog, model, static_lcia(catalog, model, method))))
            print()
    if DEFAULT_MODEL in catalog.models:
        report = argparse.Namespace(
            **{**vars(args), "command": "report"}, model=DEFAULT_MODEL, lang="en",
            iterations=20_000, seed=0, sources=SOURCES, sobol_n=2048, scenario_dir=None,
            method=None, option=[], eol=None, use_stage=False, threshold=_threshold("1%"),
        )  # fmt: skip
        print(f"Writing the study report of {DEFAULT_MODEL} ...")
        cmd_report(report)
    return 0


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
}


if __name__ == "__main__":
    sys.exit(main())
