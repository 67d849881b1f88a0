"""The ``cfp-lca`` command: the only place (with ``present``) that talks to people."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import logging
import os
import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

from .brightway.project import DEFAULT_PROJECT, ProjectError, configure_data_dir
from .errors import InputError

DEFAULT_MODEL = "zw32"


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data", type=Path, help="data directory (default: the shipped databases/)"
    )
    common.add_argument("--project", default=DEFAULT_PROJECT, help="Brightway project name")
    common.add_argument(
        "--bw-dir",
        type=Path,
        help="Brightway data directory (default: $BRIGHTWAY2_DIR, "
        "$BRIGHTWAY_DIR, or Brightway's standard one)",
    )
    parser = argparse.ArgumentParser(
        prog="cfp-lca",
        description="Product carbon footprints on Brightway. Without a command: build the "
        "project, compute the shipped models and audit the declared figures.",
        parents=[common],
    )
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser("run", parents=[common], help="the main job (default)")
    run.add_argument("--out", type=Path, help="report folder (default: a new cfp_lca_report*)")
    b = sub.add_parser("build", parents=[common], help="write flows, methods and databases")
    b.add_argument("--force", action="store_true", help="rewrite even when the files are unchanged")
    model_options = argparse.ArgumentParser(add_help=False)
    model_options.add_argument("model", nargs="?", default=DEFAULT_MODEL)
    model_options.add_argument("--method", help="method id (default: the model's own)")
    model_options.add_argument(
        "--eol", choices=["cut_off", "avoided_burden", "cff"], help="end-of-life approach"
    )
    model_options.add_argument(
        "--use-stage", action="store_true", help="include the use stage (reported separately)"
    )
    model_options.add_argument(
        "--option", action="append", default=[], metavar="NAME=VALUE", help="any model option"
    )
    lc = sub.add_parser(
        "lcia", parents=[common, model_options], help="static GWP100 by stage, part and process"
    )
    lc.add_argument("--json", action="store_true", help="print a JSON object")
    lc.add_argument("--lang", choices=["en", "zh"], default="en")
    lc.add_argument(
        "--beside-report",
        action="store_true",
        help="print the stages beside those of the model this one compares with (the report)",
    )
    au = sub.add_parser("audit", parents=[common], help="recompute the study's declared figures")
    au.add_argument("model", nargs="?", default="zw32-report")
    au.add_argument("--json", action="store_true")
    mc = sub.add_parser("mc", parents=[common, model_options], help="Monte Carlo uncertainty")
    mc.add_argument("-n", "--iterations", type=int, default=10_000)
    mc.add_argument("--seed", type=int, default=0)
    mc.add_argument("--engine", choices=["fast", "brightway"], default="fast")
    mc.add_argument(
        "--sources",
        default="foreground",
        help="comma-separated: foreground (activity data), background (emission factors), "
        "characterization (GWP factors), or all (default: foreground)",
    )
    mc.add_argument("--chunk-size", type=int, default=None, help="iterations per chunk")
    mc.add_argument("--tolerance", type=float, help="stop when the mean's relative 95 %% "
                    "half-width falls below this")  # fmt: skip
    mc.add_argument("--save-samples", type=Path, help="write the samples to this .npy file")
    mc.add_argument("--json", action="store_true")
    mc.add_argument("--lang", choices=["en", "zh"], default="en")
    gs = sub.add_parser("gsa", parents=[common, model_options], help="sensitivity analysis")
    gs.add_argument("-n", "--iterations", type=int, default=20_000, help="Monte Carlo draws")
    gs.add_argument("--sobol-n", type=int, default=4096, help="Sobol base sample (power of 2)")
    gs.add_argument("--seed", type=int, default=0)
    gs.add_argument("--sources", default="foreground")
    gs.add_argument("--no-groups", action="store_true", help="Sobol per input, not per part")
    gs.add_argument("--json", action="store_true")
    cp = sub.add_parser("compare", parents=[common], help="scenarios under paired uncertainty")
    cp.add_argument("model", nargs="?", default=DEFAULT_MODEL)
    cp.add_argument("scenarios", nargs="*", help="scenario names (default: all of the model)")
    cp.add_argument("-n", "--iterations", type=int, default=10_000)
    cp.add_argument("--seed", type=int, default=0)
    cp.add_argument("--sources", default="foreground")
    cp.add_argument("--method", help="method id (default: the model's own)")
    cp.add_argument("--scenario-dir", type=Path, help="scenario files (default: scenarios/)")
    cp.add_argument("--plots", type=Path, help="write box and heat-map figures to this folder")
    cp.add_argument("--json", action="store_true")
    sc = sub.add_parser("scenarios", parents=[common], help="list, export or import scenarios")
    sc.add_argument("action", choices=["list", "export", "import"])
    sc.add_argument("model", nargs="?", default=DEFAULT_MODEL)
    sc.add_argument("file", nargs="?", type=Path, help="Activity Browser scenario difference file")
    sc.add_argument("--only", nargs="*", help="scenarios to export (default: all)")
    sc.add_argument("--scenario-dir", type=Path)
    pl = sub.add_parser("plot", parents=[common, model_options], help="figures for a model")
    pl.add_argument("--out", type=Path, required=True, help="folder for the figures")
    pl.add_argument("-n", "--iterations", type=int, default=20_000)
    pl.add_argument("--sobol-n", type=int, default=2048)
    pl.add_argument("--seed", type=int, default=0)
    pl.add_argument("--sources", default="foreground")
    pl.add_argument("--no-groups", action="store_true")
    pl.add_argument("--lang", choices=["en", "zh"], default="en")
    rp = sub.add_parser("report", parents=[common, model_options], help="the CFP study report")
    rp.add_argument("--out", type=Path, required=True, help="folder for the report (new or empty)")
    rp.add_argument("--lang", choices=["en", "zh"], default="en")
    rp.add_argument("-n", "--iterations", type=int, default=20_000)
    rp.add_argument("--seed", type=int, default=0)
    rp.add_argument("--sources", default="foreground")
    rp.add_argument("--sobol-n", type=int, default=2048)
    rp.add_argument("--scenario-dir", type=Path)
    sub.add_parser("list", parents=[common], help="models, methods and background databases")
    return parser


def quiet_brightway() -> None:
    """Keep Brightway's chatter off stdout (so --json stays parseable); bars only on a terminal."""
    os.environ.setdefault("BRIGHTWAY_NO_STRUCTLOG", "1")
    if not sys.stderr.isatty():
        os.environ.setdefault("TQDM_DISABLE", "1")
    warnings.filterwarnings("ignore", message="(?s).*pypardiso")
    with contextlib.redirect_stdout(io.StringIO()):
        import bw2data  # noqa: F401  (creates the feedback logger quieted below)

    feedback = logging.getLogger("brightway-stdout-feedback")
    for handler in list(feedback.handlers):
        feedback.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("brightway: %(message)s"))
    feedback.addHandler(handler)
    feedback.setLevel(logging.ERROR)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command: Callable = COMMANDS[args.command or "run"]
    try:
        configure_data_dir(args.bw_dir)
        quiet_brightway()
        return command(args) or 0
    except (InputError, ProjectError) as exc:
        print(f"cfp-lca: error: {exc}", file=sys.stderr)
        return 2


def _catalog(args):
    from .model.loading import load_catalog

    return load_catalog(args.data)


def _prepared(args):
    """Load and validate every file, then bring the Brightway project up to date."""
    catalog = _catalog(args)
    from .brightway.project import open_project
    from .brightway.writing import write_catalog

    open_project(args.project)
    write_catalog(catalog)
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


def _model(catalog, name: str, options: dict | None = None):
    """The model (with options applied), its foreground database written and current."""
    from .brightway.writing import ensure_model
    from .model.loading import model_variant

    if name not in catalog.models:
        known = ", ".join(sorted(catalog.models))
        raise InputError(
            catalog.root / "foreground", None, f"unknown model '{name}' (known: {known})"
        )
    model = model_variant(catalog, name, options or {})
    ensure_model(catalog, model)
    return model


def _method(catalog, model, method_id: str | None):
    method_id = method_id or model.method
    if method_id not in catalog.methods:
        known = ", ".join(sorted(catalog.methods))
        raise InputError(
            catalog.root / "methods", None, f"unknown method '{method_id}' (known: {known})"
        )
    return catalog.methods[method_id]


def cmd_build(args) -> int:
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
    from .calc.lcia import static_lcia
    from .present.tables import beside_text, lcia_dict, lcia_text

    catalog = _prepared(args)
    model = _model(catalog, args.model, _options(args))
    method = _method(catalog, model, args.method)
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
        print(json.dumps(out, indent=2, ensure_ascii=False))
    else:
        print(lcia_text(result, model, args.lang))
        if other is not None:
            print()
            print(beside_text(result, model, other[1], other[0], args.lang))
    return 0


def cmd_audit(args) -> int:
    from .calc.audit import audit
    from .calc.lcia import static_lcia
    from .present.tables import audit_dict, audit_text

    catalog = _prepared(args)
    model = _model(catalog, args.model)
    if model.declared is None:
        raise InputError(model.path, None, "this model has no declared-figures file to audit")
    method = _method(catalog, model, model.declared.method)
    result = audit(catalog, model, static_lcia(catalog, model, method))
    print(
        json.dumps(audit_dict(result), indent=2, ensure_ascii=False)
        if args.json
        else audit_text(result)
    )
    return 0


def _sources(text: str) -> tuple[str, ...]:
    from .calc.montecarlo import SOURCES

    parts = SOURCES if text == "all" else tuple(p.strip() for p in text.split(",") if p.strip())
    unknown = [p for p in parts if p not in SOURCES]
    if unknown or not parts:
        raise InputError(None, "--sources", f"unknown source {unknown}; choose from {SOURCES}")
    return parts


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
    from .calc.montecarlo import DEFAULT_CHUNK, run_monte_carlo
    from .present.tables import mc_dict, mc_text

    catalog = _prepared(args)
    model = _model(catalog, args.model, _options(args))
    method = _method(catalog, model, args.method)
    if args.iterations < 2:
        raise InputError(None, "-n", "need at least 2 iterations")
    if args.save_samples is not None and args.save_samples.exists():
        raise InputError(args.save_samples, None, "exists already: choose a new file name")
    update, close = progress_bar(args.iterations, f"Monte Carlo {model.name}")
    try:
        result = run_monte_carlo(
            catalog, model, method, n=args.iterations, seed=args.seed,
            sources=_sources(args.sources), chunk_size=args.chunk_size or DEFAULT_CHUNK,
            engine=args.engine, save_samples=args.save_samples, tolerance=args.tolerance,
            progress=update,
        )  # fmt: skip
    finally:
        close()
    if args.json:
        print(json.dumps(mc_dict(result, model), indent=2, ensure_ascii=False))
    else:
        print(mc_text(result, model, args.lang))
    return 0


def _check_sobol_n(n: int) -> None:
    """SALib's Sobol sampling needs a power of two."""
    if n < 2 or n & (n - 1):
        raise InputError(None, "--sobol-n", f"must be a power of 2, got {n}")


def sensitivity(model, method, args):
    """The sensitivity analysis the command-line options ask for."""
    from .calc.sensitivity import analyse

    _check_sobol_n(args.sobol_n)
    try:
        return analyse(model, method, _sources(args.sources), args.iterations, args.sobol_n,
                       args.seed, group=not args.no_groups)  # fmt: skip
    except ValueError as exc:
        raise InputError(model.path, None, str(exc)) from None


def cmd_gsa(args) -> int:
    from .present.tables import gsa_dict, gsa_text

    catalog = _prepared(args)
    model = _model(catalog, args.model, _options(args))
    data = gsa_dict(sensitivity(model, _method(catalog, model, args.method), args), model)
    print(json.dumps(data, indent=2, ensure_ascii=False) if args.json else gsa_text(data))
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


def _scenario_models(catalog, scenarios: dict) -> dict:
    from .brightway.writing import ensure_model

    models = {}
    for name, scenario in scenarios.items():
        models[name] = scenario.built
        ensure_model(catalog, models[name])
    return models


def cmd_compare(args) -> int:
    from .calc.compare import compare
    from .present.tables import compare_dict, compare_text

    catalog = _prepared(args)
    base = _model(catalog, args.model)
    scenarios = _scenarios(catalog, args, args.model)
    if len(scenarios) < 2:
        raise InputError(None, "scenarios", "name at least two scenarios to compare")
    models = _scenario_models(catalog, scenarios)
    method = _method(catalog, base, args.method)
    update, close = progress_bar(args.iterations, "paired Monte Carlo")
    try:
        result = compare(models, method, args.iterations, args.seed, _sources(args.sources),
                         update)  # fmt: skip
    finally:
        close()
    data = compare_dict(result, {k: v.title for k, v in scenarios.items()}, method.unit,
                        kinds={k: v.spec.kind for k, v in scenarios.items()})  # fmt: skip
    if args.plots:
        from .present.figures import comparison_figures

        figures = comparison_figures(result, method.unit, args.plots)
        data["figures"] = [str(p) for paths in figures.values() for p in paths]
    print(json.dumps(data, indent=2, ensure_ascii=False) if args.json else compare_text(data))
    return 0


def cmd_scenarios(args) -> int:
    from .calc.lcia import static_lcia
    from .model.ab_scenarios import apply_sdf, export_sdf, read_sdf

    catalog = _prepared(args)
    base = _model(catalog, args.model)
    if args.action == "list":
        for name, scenario in _scenarios(catalog, args, args.model).items():
            print(f"{name:<20} {scenario.title}")
        return 0
    if args.file is None:
        raise InputError(None, "file", f"'scenarios {args.action}' needs a file name")
    if args.action == "export":
        if args.file.exists():
            raise InputError(args.file, None, "exists already: choose a new file name")
        models = _scenario_models(catalog, _scenarios(catalog, args, args.model))
        export_sdf(catalog, base, models, args.file)
        print(f"wrote {len(models)} scenarios to {args.file}")
        return 0
    names, rows = read_sdf(args.file)
    from .brightway.writing import ensure_model

    print(f"{'scenario':<20} {'total':>12}  ({base.title})")
    for k, name in enumerate(names):
        model = apply_sdf(base, name, {key: v[k] for key, v in rows.items()})
        ensure_model(catalog, model)
        print(f"{name:<20} {static_lcia(catalog, model).total:12.4f}")
    return 0


def cmd_plot(args) -> int:
    from .calc.study import run_study
    from .present.figures import model_figures

    catalog = _prepared(args)
    model = _model(catalog, args.model, _options(args))
    method = _method(catalog, model, args.method)
    _check_sobol_n(args.sobol_n)
    update, close = progress_bar(args.iterations, f"Monte Carlo {model.name}")
    try:
        study = run_study(catalog, model, method, args.iterations, args.seed,
                          _sources(args.sources), {}, {}, None, args.sobol_n, update,
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
    from .calc.study import run_study
    from .present.report import write_report

    if args.out.exists() and any(args.out.iterdir()):
        raise InputError(args.out, None, "is not empty: name a new or empty folder")
    _check_sobol_n(args.sobol_n)
    catalog = _prepared(args)
    model = _model(catalog, args.model, _options(args))
    method = _method(catalog, model, args.method)
    args.scenarios = None
    scenarios = _scenarios(catalog, args, args.model)
    models = _scenario_models(catalog, scenarios) if len(scenarios) > 1 else {}
    related = _model(catalog, model.comparison[0]) if model.comparison else None
    update, close = progress_bar(args.iterations, f"Monte Carlo {model.name}")
    try:
        study = run_study(
            catalog,
            model,
            method,
            args.iterations,
            args.seed,
            _sources(args.sources),
            models,
            {k: v.title for k, v in scenarios.items()},
            related,
            args.sobol_n,
            update,
            scenario_kinds={k: v.spec.kind for k, v in scenarios.items()},
        )
    except ValueError as exc:
        raise InputError(model.path, None, str(exc)) from None
    finally:
        close()
    paths = write_report(study, catalog, args.out, args.lang)
    for kind, path in paths.items():
        print(f"{kind:<9} {path}")
    return 0


def cmd_list(args) -> int:
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
            **vars(args), out=getattr(args, "out", None) or free_folder(Path("cfp_lca_report")),
            model=DEFAULT_MODEL, lang="en", iterations=20_000, seed=0, sources="foreground",
            sobol_n=2048, scenario_dir=None, method=None, option=[], eol=None, use_stage=False,
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
