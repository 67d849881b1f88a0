"""The commands of ``cfp-lca``: each reads its parsed arguments, calls the API and prints."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

from ..errors import InputError
from .failures import fail
from .logs import notice


def _workspace(args):
    """Load and validate every data file (nothing is written); notices go to stderr."""
    from ..api import load

    workspace = load(getattr(args, "data", None), args.project)
    for text in workspace.notices:
        notice(f"notice: {text}")
    return workspace


def _options(args) -> dict:
    """Model options from --option NAME=VALUE and the aliases --eol and --use-stage."""
    from ..api import parse_options

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
    from ..present.tables import json_text

    print(json_text(data))


def _progress(args, label: str):
    """A progress bar for ``args.iterations`` on a terminal; (callback, close)."""
    return progress_bar(args.iterations, label)


def cmd_build(args) -> int:
    """Write flows, methods and databases (idempotent)."""
    from ..brightway.project import data_dir
    from ..brightway.writing import owned_names

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
    from ..present.tables import beside_text

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
    from ..model.ab_scenarios import added_activities, export_sdf

    if args.parameters:
        return _export_parameters(model, args)
    base = model.base
    models = {k: v.built for k, v in model.scenarios(args.only, args.scenario_dir).items()}
    export_sdf(workspace.catalog, base, models, args.file)
    print(f"wrote {len(models)} scenarios to {args.file}")
    for name, built in models.items():
        added = added_activities(base, built)
        if added:
            notice(f"note: scenario '{name}' adds {', '.join(added)}, which the database "
                   f"'{base.database}' lacks: written as the exchanges of the activities that "
                   "buy it (totals exact)")  # fmt: skip
    return 0


def _export_parameters(model, args) -> int:
    """Write the scenarios that change parameters only as a parameter scenario file."""
    from ..brightway.project_parameters import brightway_names
    from ..model.ab_parameters import export_parameter_scenarios, parameters_only

    base = model.base
    found = model.scenarios(args.only, args.scenario_dir)
    kept = {k: v.built for k, v in found.items() if parameters_only(v.spec)}
    left = [k for k in found if k not in kept]
    if not kept:
        raise InputError(args.file, None, "no scenario of the model changes parameters only: "
                         "export them as a flow scenario file (without --parameters)")  # fmt: skip
    export_parameter_scenarios(base, kept, args.file, brightway_names(base))
    print(f"wrote {len(kept)} parameter scenarios to {args.file}")
    if left:
        notice(f"note: {', '.join(left)} change more than parameters (options, swaps or "
               "inputs): left out; a flow scenario file (without --parameters) holds "
               "them")  # fmt: skip
    return 0


def _import(workspace, model, args) -> int:
    """Check the whole scenario file (flows or parameters), then compute each scenario."""
    from ..calc.lcia import static_lcia
    from ..model.ab_parameters import is_parameter_table

    base = model.base
    if is_parameter_table(args.file):
        models = _parameter_models(workspace, base, args.file)
    else:
        from ..model.ab_scenarios import load_sdf

        models = load_sdf(workspace.catalog, base, args.file)
    with workspace.reading(base, *models.values()):
        print(f"{'scenario':<20} {'total':>12}  ({base.title})")
        for name, built in models.items():
            print(f"{name:<20} {static_lcia(workspace.catalog, built).total:12.4f}")
    return 0


def _parameter_models(workspace, base, path: Path) -> dict:
    """Every column of a parameter scenario file applied to ``base`` (name -> model)."""
    from ..brightway.project_parameters import brightway_names
    from ..model.ab_parameters import load_parameter_scenarios

    return load_parameter_scenarios(workspace.catalog, base, path, brightway_names(base))


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
            notice(f"notice: {path}")
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
    """Write a minimal valid model (or one read from a data-collection workbook), its
    baseline scenario and a README paragraph."""
    from ..model.templates import write_new_model

    target = args.data[-1] if getattr(args, "data", None) else Path(".")
    text = None
    if args.source is not None:
        from ..model.collection_reading import model_from_workbook
        from ..model.loading import load_catalog

        below = [d for d in (getattr(args, "data", None) or []) if d.exists()]
        catalog = load_catalog(below or None)
        text, notices = model_from_workbook(args.source, catalog, args.name, target)
        for line in notices:
            notice(f"notice: {line}")
    for path in write_new_model(args.name, target, text):
        print(f"wrote {path}")
    return 0


def cmd_template(args) -> int:
    """Write the bilingual data-collection workbook, with the library's processes."""
    from ..model.collection_template import write_template

    print(f"wrote {write_template(args.out, _workspace(args).catalog)}")
    return 0


def cmd_check(args) -> int:
    """Validate every file and print every problem, not only the first; status 2 if any."""
    from ..api import resolve_links_in
    from ..model.cache import checked

    resolve_links_in(args.project)  # links by name are found as lcia finds them
    problems, notices = checked(getattr(args, "data", None))
    for text in notices:
        notice(f"notice: {text}")
    for problem in problems:
        print(f"cfp-lca: error: {' '.join(str(problem).splitlines())}", file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return 2
    print("no problems found")
    return 0


def cmd_import(args) -> int:
    """Import an LCI database into the project; print how its exchanges reconcile."""
    from ..brightway.importing import ImportProblem

    workspace = _workspace(args)
    try:
        done = workspace.import_database(
            args.path, args.fmt, args.name, args.link_to, multi_output=args.multi_output,
            cut_unlinked=args.cut_unlinked, uncertainty=args.uncertainty, log=args.log,
        )  # fmt: skip
    except ImportProblem as exc:
        return fail(f"cfp-lca: error: {exc}")
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
    from ..model.reference import write_reference

    for path in write_reference(args.out):
        print(f"wrote {path}")
    return 0


def cmd_run(args) -> int:
    """The main job: every model's footprint, the audit of its declared figures, and the
    study report of each model the data name for it (or of MODEL)."""
    from ..present.figures import file_stem
    from ..steps import step

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
    # `cfp-lca` alone has no Monte Carlo options: the API's defaults (those of `run`)
    n, seed = getattr(args, "iterations", 20_000), getattr(args, "seed", 0)
    sources, sobol_n = getattr(args, "sources", "data"), getattr(args, "sobol_n", 2048)
    for name in reported:
        out = args.out if len(reported) == 1 else args.out / file_stem(name)
        print(f"Writing the study report of {name} ...")
        update, close = progress_bar(n, f"Monte Carlo {name}")
        try:
            paths = workspace.model(name).report(out, n=n, seed=seed, sources=sources,
                                                 sobol_n=sobol_n, progress=update)  # fmt: skip
        finally:
            close()
        _print_paths(paths)
    return 0


def cmd_tree(args) -> int:
    """The supply paths that carry one model's footprint."""
    _, model, options = _checked(args)
    result = model.tree(args.cutoff, args.method, options)
    if args.json:
        _print_json(result.to_dict())
    else:
        print(result.text())
    return 0


def cmd_search(args) -> int:
    """The processes and flows matching a text, with their factors."""
    result = _workspace(args).search(" ".join(args.text), args.method, args.databases)
    if args.json:
        _print_json(result.to_dict())
        return 0
    from ..present.tables import search_text

    print(search_text(result, args.limit))
    return 0


def cmd_export(args) -> int:
    """The footprint in a format it travels in (PACT v3 ProductFootprint JSON)."""
    _, model, options = _checked(args)
    document = model.pact(args.method, options)
    with open(args.out, "x", encoding="utf-8") as handle:  # made whole before it is opened
        json.dump(document, handle, ensure_ascii=False, indent=2, allow_nan=False)
        handle.write("\n")
    pcf = document["pcf"]
    unit = f"{pcf['declaredUnitAmount']} {pcf['declaredUnitOfMeasurement']}"
    print(f"wrote {args.out}: PACT {document['specVersion']} ProductFootprint of "
          f"{document['productNameCompany']}, {pcf['pcfExcludingBiogenicUptake']} kgCO2e per "
          f"{unit} (cradle to gate)")  # fmt: skip
    return 0


FILE_COMMANDS = ("new", "check", "schema", "list", "template")  # commands that read data files only
# commands that may answer from results kept on disk: Brightway is imported only if they compute
LAZY_COMMANDS = ("lcia", "mc")
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
    "export": cmd_export,
    "search": cmd_search,
    "tree": cmd_tree,
    "plot": cmd_plot,
    "report": cmd_report,
    "new": cmd_new,
    "template": cmd_template,
    "check": cmd_check,
    "schema": cmd_schema,
    "import": cmd_import,
}
