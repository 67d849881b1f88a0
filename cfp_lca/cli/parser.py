"""The ``cfp-lca`` command line: its global options, its commands and their options."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from ..brightway.importing.products import RULES as MULTI_OUTPUT
from ..brightway.importing.readers import FORMATS as IMPORT_FORMATS
from ..brightway.project import DEFAULT_PROJECT
from ..errors import InputError

LANGUAGES = ["en", "zh"]
MAX_ITERATIONS = 10**12
MAX_ITERATIONS_WHY = " (about 12 days at a million iterations a second)"


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
    talk = options.add_mutually_exclusive_group()
    unset = argparse.SUPPRESS if in_command else None
    talk.add_argument("-v", "--verbose", action="count", default=unset if in_command else 0,
                      help="say every step on stderr (-vv: with debugging detail)")  # fmt: skip
    talk.add_argument("-q", "--quiet", action="store_true", default=unset if in_command
                      else False, help="errors only on stderr (no notices, no steps)")  # fmt: skip
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


def _share(text: str) -> float:
    """An argparse type: a share strictly between 0 and 1."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"expected a share between 0 and 1, got {text!r}")
    return value


def _threshold(text: str) -> tuple[float, bool]:
    """An argparse type: a relevance threshold (``api.parse_threshold``)."""
    from ..api import parse_threshold

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
                "characterization (GWP factors), assumptions (parameters of kind assumption); "
                "data (the first three: the default) or all")  # fmt: skip


def _uncertainty_options(
    iterations: int, sobol: int | None, sources: str = "data"
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


Command = Callable[..., argparse.ArgumentParser]  # adds one command: name, about, parents


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

    _add_project_commands(command)
    _add_result_commands(command, model, out)
    _add_study_commands(command, model, out)
    _add_data_commands(command)
    return parser


def _add_project_commands(command: Command) -> None:
    """run (the main job) and build."""
    run = command("run", "the main job (default): every model's footprint, the audit of "
                  "declared figures, and a study report (Monte Carlo over all uncertainty "
                  "sources) for each model the data name, or for MODEL",
                  _uncertainty_options(20_000, 2048))  # fmt: skip
    run.add_argument("model", nargs="?", default=None, help="write the report of this model only")
    run.add_argument("--out", type=Path, help="report folder (default: a new cfp_lca_report*)")
    b = command("build", "write flows, methods and databases")
    b.add_argument("--force", action="store_true", help="rewrite even when the files are unchanged")


def _add_result_commands(
    command: Command, model: argparse.ArgumentParser, out: dict[str, argparse.ArgumentParser]
) -> None:
    """lcia, audit, mc, gsa and compare: the commands that print one result."""
    lc = command("lcia", "static GWP100 by stage, gas, part and process", model, out["json"],
                 out["lang"])  # fmt: skip
    _strict_option(lc)
    lc.add_argument(
        "--beside", "--beside-report", dest="beside", action="store_true",
        help="print the stages beside those of the model this one names under `comparison`",
    )  # fmt: skip
    tr = command("tree", "the supply paths that carry the footprint", model, out["json"])
    tr.add_argument("--cutoff", type=_share, default=0.01, help="smallest share of the total "
                    "a branch is shown for (default 0.01: 1 %%)")  # fmt: skip
    se = command("search", "the processes and flows matching a text, with their factors",
                 out["json"])  # fmt: skip
    se.add_argument("text", nargs="+", help="words that must all appear (name, code, product, "
                    "location, CAS number)")  # fmt: skip
    se.add_argument("--method", help="method id of the factors (default: the default model's)")
    se.add_argument("--database", dest="databases", action="append", default=[],
                    help="also search this project database (an import); repeat")  # fmt: skip
    se.add_argument("--limit", type=_int_at_least(1), default=40, help="rows shown per kind")
    au = command("audit", "recompute the figures a study declares", out["json"])
    au.add_argument("model", nargs="?", default=None, help="product model name (default: the "
                    "model with a declared-figures file, if only one has)")  # fmt: skip
    _add_mc_command(command, model, out)
    gs = command("gsa", "sensitivity analysis", model,
                 _uncertainty_options(20_000, 4096), out["json"])  # fmt: skip
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


def _add_mc_command(
    command: Command, model: argparse.ArgumentParser, out: dict[str, argparse.ArgumentParser]
) -> None:
    """mc: Monte Carlo of one model, with its engine, chunking and stopping options."""
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


def _add_study_commands(
    command: Command, model: argparse.ArgumentParser, out: dict[str, argparse.ArgumentParser]
) -> None:
    """scenarios, export, plot and report: the commands that write files of a model."""
    sc = command("scenarios", "list, export or import scenarios")
    sc.add_argument("action", choices=["list", "export", "import"], help="what to do")
    sc.add_argument("model", nargs="?", default=None, help=MODEL_HELP)
    sc.add_argument("file", nargs="?", type=Path, help="Activity Browser scenario difference "
                    "file, .xlsx or ';'-separated .csv (a new one to export, an existing one "
                    "to import); 'scenarios export FILE' exports the data's default "
                    "model")  # fmt: skip
    sc.add_argument("--only", nargs="*", help="scenarios to export (default: all)")
    sc.add_argument("--parameters", action="store_true", help="export the scenarios that "
                    "change parameters only, as an Activity Browser parameter scenario file "
                    "(Name, Group, default, one column per scenario); import reads either "
                    "form")  # fmt: skip
    sc.add_argument("--scenario-dir", type=Path, help=SCENARIO_DIR_HELP)
    what = argparse.ArgumentParser(add_help=False)  # before the model: `export pact zw32`
    what.add_argument("format", choices=["pact"], help="pact: a PACT Technical Specifications "
                      "v3 ProductFootprint (JSON), cradle to gate")  # fmt: skip
    ex = command("export", "the footprint in a format it travels in", what, model)
    ex.add_argument("--out", type=Path, required=True, help="the file to write (a new one)")
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


def _add_data_commands(command: Command) -> None:
    """list, new, template, check, import and schema: the commands about the data themselves."""
    command("list", "models with their options, methods and background databases")
    nw = command("new", "write a minimal valid model, a baseline scenario and a README into "
                 "the data directory (--data, default: the current folder)")  # fmt: skip
    nw.add_argument("name", help="the new model's name (letters, digits, - and _)")
    nw.add_argument("--from", dest="source", type=Path, metavar="FILE.xlsx",
                    help="a filled data-collection workbook (cfp-lca template) to read the "
                    "model from")  # fmt: skip
    tp = command("template", "write the bilingual (en/zh) data-collection workbook: study, "
                 "materials, energy, transport and end-of-life sheets, the library's "
                 "processes")  # fmt: skip
    tp.add_argument("--out", type=Path, required=True, help="the workbook to write (a new .xlsx)")
    command("check", "validate every file of the data directories and print every problem")
    _add_import_command(command)
    sh = command("schema", "write the format reference (Markdown) and the JSON Schemas")
    sh.add_argument("--out", type=Path, default=Path("docs"), help="folder to write into")


def _add_import_command(command: Command) -> None:
    """import: an LCI database into the project, with the rules of what it may repair."""
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
