"""Load a data directory: YAML files -> pydantic specs -> a cross-checked Catalog.

Every problem raises InputError naming the file, the entry and what is wrong; nothing is
written anywhere, so bad input can never damage a Brightway project.
"""

from __future__ import annotations

import hashlib
import keyword
import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import pint
from pydantic import BaseModel

from ..errors import InputError, printable
from .flownames import normalized_name
from .formula import FormulaProblem, evaluate
from .libraries import (
    LIBRARY_FILE,
    Layer,
    add_files,
    data_layers,
    settings_of,
    shipped_library,
)
from .links import link_code
from .objects import (
    Allocation,
    Catalog,
    Exchange,
    Factor,
    Flow,
    Method,
    Process,
    ProductModel,
    Stage,
    Synonym,
)
from .parameter_builder import ParameterBuilder
from .reading import has_file, read_yaml, yaml_files
from .schema import (
    ActivitySpec,
    AmountFields,
    BackgroundFile,
    DeclaredFile,
    EmissionSpec,
    FlowsFile,
    LinkSpec,
    MethodFile,
    ModelFile,
    ParameterSpec,
    ProcessSpec,
    SynonymsFile,
)
from .structure import check_foreground, check_technosphere
from .uncertainty import stats_arrays_fields
from .units import UnitMismatch, UnitProblem, convert, parse_unit, quantity
from .validation import check_unique, describe, validate

T = TypeVar("T", bound=BaseModel)


def default_data_dir() -> Path:
    """The shipped library's directory (see ``libraries.shipped_library``)."""
    return shipped_library()


# ---------------------------------------------------------------- amounts with units


def parameter_values(
    path: Path,
    entry: str,
    params: Mapping[str, ParameterSpec],
    known: Mapping[str, pint.Quantity] | None = None,
) -> dict:
    """Parameters as pint quantities, in file order; a formula may use those before it."""
    out = dict(known or {})
    for name, spec in params.items():
        shown = printable(name)
        where = f"{entry} > parameters > {shown}" if entry else f"parameters > {shown}"
        if not name.isidentifier() or keyword.iskeyword(name):
            raise InputError(
                path, where, f"parameter name '{shown}' cannot be used in a formula: use letters, "
                "digits and _, not starting with a digit",
            )  # fmt: skip
        try:
            if spec.formula is not None:
                result = evaluate(spec.formula, out)
                if not isinstance(result, pint.Quantity):
                    result = quantity(float(result), "dimensionless")
                out[name] = quantity(convert(result, spec.unit), spec.unit)
            else:
                out[name] = quantity(spec.value, spec.unit)
        except (UnitProblem, FormulaProblem) as exc:
            raise InputError(path, where, str(exc)) from None
    return out


def resolve_amount(
    path: Path,
    entry: str,
    spec: AmountFields,
    input_unit: str,
    owner_unit: str,
    names: Mapping[str, pint.Quantity],
    allocation: Allocation | None,
) -> tuple[float, float, float | None]:
    """The amount per one ``owner_unit``, in ``input_unit``; with the scale and annual figure.

    Returns (amount, scale, annual) where scale converts numbers in the file's unit to the
    stored amount (for distributions) and annual is the unallocated annual amount, if given.
    """
    annual = None
    try:
        if spec.formula is not None:
            result = evaluate(spec.formula, names)
            if not isinstance(result, pint.Quantity):
                result = quantity(float(result), "dimensionless")
            given = convert(result, spec.unit)
            q = quantity(given, spec.unit)
        elif spec.annual_amount is not None:
            if allocation is None:
                raise InputError(
                    path, entry, "annual_amount needs an allocation (annual_output) in the model"
                )
            given = spec.annual_amount.value
            annual_q = quantity(given, spec.annual_amount.unit)
            annual = convert(annual_q, input_unit)
            q = annual_q / quantity(allocation.annual_output, allocation.unit)
        else:
            given = spec.amount.value
            q = quantity(given, spec.amount.unit)
        target = f"({input_unit}) / ({owner_unit})"
        try:
            amount = convert(q, target)
        except UnitMismatch:
            amount = convert(q / quantity(1.0, owner_unit), target)
    except (UnitProblem, FormulaProblem) as exc:
        raise InputError(path, entry, f"{exc} (needed: {input_unit} per {owner_unit})") from None
    if not math.isfinite(amount):
        raise InputError(
            path, entry, f"the amount is not a finite number ({amount}) per {owner_unit}"
        )
    if spec.credit and amount > 0:
        raise InputError(path, entry, f"a credit must be a negative amount, got {amount:g}")
    if amount < 0 and not spec.credit:
        raise InputError(
            path,
            entry,
            f"negative amount {amount:g} {input_unit}: only an exchange marked 'credit: true' "
            "(an avoided burden) may be negative",
        )
    scale = amount / given if given else 1.0
    return amount, scale, annual


def make_exchange(
    path: Path,
    entry: str,
    spec: AmountFields,
    target: tuple[str, str],
    kind: str,
    input_unit: str,
    owner_unit: str,
    names: Mapping[str, pint.Quantity],
    allocation: Allocation | None = None,
    centre: str = "median",
) -> Exchange:
    """One validated exchange with its stats_arrays uncertainty (lognormals around the amount
    as their median, or their mean with ``centre="mean"``)."""
    amount, scale, annual = resolve_amount(
        path, entry, spec, input_unit, owner_unit, names, allocation
    )
    try:
        fields = stats_arrays_fields(amount, scale, spec.uncertainty, spec.pedigree, centre)
    except ValueError as exc:
        raise InputError(path, entry, f"uncertainty: {exc}") from None
    source = spec.source or _nested_source(spec)
    return Exchange(
        database=target[0],
        code=target[1],
        amount=amount,
        unit=input_unit,
        kind=kind,
        uncertainty=fields,
        source=source,
        origin=f"{path.name}: {entry}",
        credit=spec.credit,
        comment=spec.comment,
        annual_amount=annual,
        pair_as=getattr(spec, "pair_as", None),
        data_type=spec.data_type,
        pedigree=None
        if spec.pedigree is None
        else (
            spec.pedigree.reliability,
            spec.pedigree.completeness,
            spec.pedigree.temporal,
            spec.pedigree.geographical,
            spec.pedigree.technological,
        ),
    )


def _nested_source(spec: AmountFields) -> str | None:
    for q in (spec.amount, spec.annual_amount):
        if q is not None and q.source:
            return q.source
    return None


# ---------------------------------------------------------------- the files


def load_flows(path: Path) -> tuple[str, dict[str, Flow]]:
    spec = validate(path, read_yaml(path), FlowsFile)
    check_unique(path, "flow", (f.code for f in spec.flows))
    flows = {}
    for i, f in enumerate(spec.flows):
        try:
            parse_unit(f.unit)
        except UnitProblem as exc:
            raise InputError(path, f"flows[{i}] '{f.code}'", str(exc)) from None
        flows[f.code] = Flow(
            f.code, f.name, f.unit, tuple(f.categories), f.cas, f.formula, f.comment, f.group
        )
    return spec.database, flows


def load_method(path: Path, flows: Mapping[str, Flow]) -> Method:
    spec = validate(path, read_yaml(path), MethodFile)
    check_unique(path, "factor flow", (f.flow for f in spec.factors))
    factors = []
    for i, f in enumerate(spec.factors):
        entry = f"factors[{i}] '{f.flow}'"
        if f.flow not in flows:
            raise InputError(path, entry, f"unknown flow '{f.flow}' (not in the flows file)")
        try:
            value = convert(quantity(f.value, f.unit), f"({spec.unit}) / ({flows[f.flow].unit})")
            unc = stats_arrays_fields(
                value, value / f.value if f.value else 1.0, f.uncertainty, None
            )
        except UnitProblem as exc:
            raise InputError(path, entry, str(exc)) from None
        except ValueError as exc:
            raise InputError(path, entry, f"uncertainty: {exc}") from None
        factors.append(Factor(f.flow, value, f.source, unc))
    return Method(
        spec.id,
        tuple(spec.name),
        spec.unit,
        spec.year,
        spec.description,
        spec.source,
        tuple(factors),
    )


def load_background(
    path: Path, biosphere: str, flows: Mapping[str, Flow]
) -> tuple[BackgroundFile, dict[str, Process]]:
    """A background database; inputs between its processes are resolved after all are read."""
    spec = validate(path, read_yaml(path), BackgroundFile)
    check_unique(path, "process", (p.code for p in spec.processes))
    units = {p.code: p.unit for p in spec.processes}
    processes = {}
    for i, p in enumerate(spec.processes):
        entry = f"processes[{i}] '{p.code}'"
        _check_unit(path, entry, p.unit)
        names = parameter_values(path, entry, p.parameters)
        meta = _process_meta(p, names)
        exchanges = [
            _emission(
                path, f"{entry} > emissions[{j}] '{e.flow}'", e, biosphere, flows, p.unit, names
            )
            for j, e in enumerate(p.emissions)
        ]
        for j, inp in enumerate(p.inputs):
            sub = f"{entry} > inputs[{j}] '{input_label(inp.input)}'"
            if isinstance(inp.input, LinkSpec):
                raise InputError(
                    path, sub, "links to other Brightway databases belong in model files"
                )
            if inp.input not in units:
                raise InputError(
                    path, sub, f"unknown process '{printable(inp.input)}' in {spec.database}"
                )
            _require_source(path, sub, inp)
            exchanges.append(
                make_exchange(
                    path,
                    sub,
                    inp,
                    (spec.database, inp.input),
                    "technosphere",
                    units[inp.input],
                    p.unit,
                    names,
                )
            )
        processes[p.code] = Process(
            spec.database,
            p.code,
            p.name,
            p.unit,
            tuple(exchanges),
            p.location,
            meta=meta,
        )
    return spec, processes


def _process_meta(p: ProcessSpec, values: Mapping[str, pint.Quantity]) -> dict:
    meta = {"source": p.source, "year": p.year, "reference product": p.reference_product or p.name}
    for key in ("category", "gwp_set", "boundary", "name_zh"):
        if getattr(p, key):
            meta[key] = getattr(p, key)
    if p.comment:
        meta["comment"] = p.comment
    if p.parameters:
        meta["parameters"] = {
            k: {**v.model_dump(exclude_none=True), "value": float(values[k].magnitude)}
            for k, v in p.parameters.items()
        }
    return meta


def _check_unit(path: Path, entry: str, unit: str) -> None:
    try:
        parse_unit(unit)
    except UnitProblem as exc:
        raise InputError(path, entry, str(exc)) from None


def _require_source(path: Path, entry: str, spec: AmountFields) -> None:
    if not (spec.source or _nested_source(spec)):
        raise InputError(path, entry, "every factor and amount needs a source")


def _emission(
    path: Path,
    entry: str,
    e: EmissionSpec,
    biosphere: str,
    flows: Mapping[str, Flow],
    owner_unit: str,
    names: Mapping[str, pint.Quantity],
    allocation: Allocation | None = None,
    centre: str = "median",
) -> Exchange:
    if e.flow not in flows:
        raise InputError(path, entry, f"unknown flow '{e.flow}' (not in the flows file)")
    _require_source(path, entry, e)
    return make_exchange(
        path,
        entry,
        e,
        (biosphere, e.flow),
        "biosphere",
        flows[e.flow].unit,
        owner_unit,
        names,
        allocation,
        centre,
    )


def load_model(
    path: Path,
    biosphere: str,
    flows: Mapping[str, Flow],
    methods: Mapping[str, Method],
    backgrounds: Mapping[str, Mapping[str, Process]],
    options: Mapping[str, Any] | None = None,
) -> ProductModel:
    """A product model file, linked to the flows and the background databases it names.

    ``options`` choose among the model's switches (e.g. the end-of-life approach); activities
    and exchanges with a ``when`` that does not hold are left out. A choice other than the
    defaults gets its own foreground database, so every variant is a real Brightway database.
    """
    spec = validate(path, read_yaml(path), ModelFile)
    return build_model(path, spec, biosphere, flows, methods, backgrounds, options)


def build_model(
    path: Path,
    spec: ModelFile,
    biosphere: str,
    flows: Mapping[str, Flow],
    methods: Mapping[str, Method],
    backgrounds: Mapping[str, Mapping[str, Process]],
    options: Mapping[str, Any] | None = None,
) -> ProductModel:
    """A validated model spec, resolved against flows and background databases."""
    check_unique(path, "stage", (s.code for s in spec.stages))
    if spec.method not in methods:
        raise InputError(path, "method", f"unknown method '{printable(spec.method)}'")
    linked = _linked_databases(path, spec, backgrounds)
    for db in spec.backgrounds:
        if db not in backgrounds and db not in linked:
            raise InputError(path, "backgrounds", f"unknown background database '{printable(db)}'")
    check_when(path, spec)
    chosen = choose_options(path, spec, options or {})
    kept = [
        (i, a)
        for i, a in enumerate(spec.activities)
        if holds(path, f"activities[{i}] '{a.code}'", a.when, chosen)
    ]
    check_unique(path, "activity", (a.code for _, a in kept))
    allocation = _allocation(path, spec)
    stages = {s.code for s in spec.stages}
    local_units = {a.code: a.unit for _, a in kept}
    if spec.reference_activity not in local_units:
        raise InputError(
            path, "reference_activity", f"unknown activity '{printable(spec.reference_activity)}'"
        )
    model_names = parameter_values(path, "", spec.parameters)
    params = ParameterBuilder(path, spec.lognormal_centre)
    params.add_scope("", None, spec.parameters, model_names)
    database = variant_database(spec.database, chosen, spec)
    activities = []
    for i, a in kept:
        entry = f"activities[{i}] '{a.code}'"
        _check_unit(path, entry, a.unit)
        if a.stage is not None and a.stage not in stages:
            raise InputError(path, entry, f"unknown stage '{printable(a.stage)}'")
        names = parameter_values(path, entry, a.parameters, model_names)
        if a.parameters:
            params.add_scope(entry, a.code, a.parameters, names)
        exchanges = []
        for j, e in enumerate(a.emissions):
            sub = f"{entry} > emissions[{j}] '{e.flow}'"
            if holds(path, sub, e.when, chosen):
                _require_uncertainty(path, sub, e, params.drives(a.code, e.formula))
                exchanges.append(
                    _emission(path, sub, e, biosphere, flows, a.unit, names, allocation,
                              spec.lognormal_centre)
                )  # fmt: skip
                _note_driven(params, a, names, sub, e, exchanges)
        for j, inp in enumerate(a.inputs):
            sub = f"{entry} > inputs[{j}] '{input_label(inp.input)}'"
            if not holds(path, sub, inp.when, chosen):
                continue
            target, unit = _find_input(path, sub, inp.input, spec, local_units, backgrounds)
            if target[0] != spec.database:
                _require_uncertainty(path, sub, inp, params.drives(a.code, inp.formula))
            target = (database, target[1]) if target[0] == spec.database else target
            exchanges.append(
                make_exchange(path, sub, inp, target, "technosphere", unit, a.unit, names,
                              allocation, spec.lognormal_centre)
            )  # fmt: skip
            _note_driven(params, a, names, sub, inp, exchanges)
        if a.stage is None and any(x.database != database for x in exchanges):
            raise InputError(
                path, entry, "an activity with background inputs or emissions needs a stage"
            )
        meta = {"comment": a.comment} if a.comment else {}
        if a.name_zh:
            meta["name_zh"] = a.name_zh
        activities.append(
            Process(database, a.code, a.name, a.unit, tuple(exchanges), "CN", a.stage, a.part, meta)
        )
    model = ProductModel(
        name=spec.model,
        database=database,
        title=spec.name,
        description=spec.description,
        functional_unit=spec.functional_unit.description,
        functional_amount=spec.functional_unit.amount,
        reference=spec.reference_activity,
        method=spec.method,
        backgrounds=tuple(spec.backgrounds),
        stages=tuple(Stage(s.code, s.name, s.name_zh, s.separate) for s in spec.stages),
        activities=tuple(activities),
        allocation=allocation,
        path=path,
        options=chosen,
        option_specs={k: v.model_dump() for k, v in spec.options.items()},
        comparison=(spec.comparison.model, dict(spec.comparison.notes))
        if spec.comparison
        else None,
        parameters=params.build(spec.correlations),
        title_zh=spec.name_zh,
        functional_unit_zh=spec.functional_unit.description_zh,
        study=spec.study.model_dump() if spec.study else {},
        functional_unit_info=spec.functional_unit.model_dump(
            exclude={"amount", "unit", "description", "description_zh"}
        ),
        translations={k: dict(v) for k, v in spec.translations.items()},
        linked=tuple(sorted(linked)),
    )
    check_foreground(model, backgrounds)
    return model


def _note_driven(
    params: ParameterBuilder,
    activity: ActivitySpec,
    names: Mapping[str, pint.Quantity],
    entry: str,
    spec: AmountFields,
    exchanges: list[Exchange],
) -> None:
    """Record the exchange just made as driven when its formula uses random parameters."""
    if params.drives(activity.code, spec.formula):
        params.add_exchange(
            entry, activity.code, len(exchanges) - 1, spec.formula, exchanges[-1],
            activity.unit, names,
        )  # fmt: skip


def choose_options(path: Path, spec: ModelFile, given: Mapping[str, Any]) -> dict:
    """The model's option values: defaults overridden by ``given``, each checked."""
    chosen = {name: o.default for name, o in spec.options.items()}
    for name, value in given.items():
        if name not in spec.options:
            known = ", ".join(spec.options) or "none"
            raise InputError(
                path, "options", f"unknown option '{printable(name)}' (options: {known})"
            )
        choices = spec.options[name].choices
        match = [c for c in choices if c == value or str(c).lower() == str(value).lower()]
        if not match:
            raise InputError(
                path, f"options > {name}", f"'{printable(str(value))}' is not one of {choices}"
            )
        chosen[name] = match[0]
    return chosen


def check_when(path: Path, spec: ModelFile) -> None:
    """Every ``when`` names an option and its choices: a typo would drop an entry silently."""
    for i, a in enumerate(spec.activities):
        entry = f"activities[{i}] '{a.code}'"
        _check_condition(path, entry, a.when, spec)
        for kind, items in (("inputs", a.inputs), ("emissions", a.emissions)):
            for j, x in enumerate(items):
                name = x.input if kind == "inputs" else x.flow
                _check_condition(path, f"{entry} > {kind}[{j}] '{name}'", x.when, spec)


def _check_condition(path: Path, entry: str, when: Mapping | None, spec: ModelFile) -> None:
    """One ``when``: known options, values among their choices."""
    for name, wanted in (when or {}).items():
        if name not in spec.options:
            known = ", ".join(spec.options) or "none"
            raise InputError(
                path, entry, f"'when' names unknown option '{printable(name)}' (options: {known})"
            )
        choices = spec.options[name].choices
        for value in wanted if isinstance(wanted, list) else [wanted]:
            if value not in choices:
                shown = ", ".join(_choice(c) for c in choices)
                raise InputError(
                    path,
                    entry,
                    f"'when': {_choice(value)} is not a choice of option '{name}' ({shown})",
                )


def _choice(value: Any) -> str:
    """An option value as the file writes it: true/false bare, texts quoted."""
    return describe(value) if isinstance(value, bool) else f"'{printable(str(value))}'"


def holds(path: Path, entry: str, when: Mapping | None, chosen: Mapping[str, Any]) -> bool:
    """Whether a ``when`` condition holds for the chosen options."""
    for name, wanted in (when or {}).items():
        if name not in chosen:
            raise InputError(path, entry, f"'when' names unknown option '{printable(name)}'")
        allowed = wanted if isinstance(wanted, list) else [wanted]
        if chosen[name] not in allowed:
            return False
    return True


def variant_database(database: str, chosen: Mapping[str, Any], spec: ModelFile) -> str:
    """The default variant keeps the model's database name; others get the choices appended."""
    changed = [f"{k}={v}" for k, v in chosen.items() if v != spec.options[k].default]
    return f"{database}[{','.join(changed)}]" if changed else database


def _require_uncertainty(path: Path, entry: str, spec: AmountFields, driven: bool) -> None:
    """Foreground data carry a distribution or pedigree scores, or a formula of uncertain
    parameters (``driven``), so Monte Carlo has real input."""
    if spec.uncertainty is None and spec.pedigree is None and not driven:
        raise InputError(
            path,
            entry,
            "foreground exchange needs an uncertainty or pedigree scores, or a formula of "
            "uncertain parameters (use `uncertainty: {distribution: none}` for an exact amount)",
        )


def _allocation(path: Path, spec: ModelFile) -> Allocation | None:
    if spec.allocation is None:
        return None
    out = spec.allocation.annual_output
    if out.value <= 0:
        raise InputError(
            path, "allocation > annual_output", f"annual output must be positive, got {out.value:g}"
        )
    _check_unit(path, "allocation > annual_output", out.unit)
    return Allocation(
        spec.allocation.basis, out.value, out.unit, out.source, spec.allocation.period
    )


def input_label(ref: str | LinkSpec) -> str:
    """An input as messages show it: its code, or ``database:code`` / ``database:name``."""
    if isinstance(ref, LinkSpec):
        return printable(f"{ref.database}:{ref.code if ref.code is not None else ref.name}")
    return printable(ref)


def _linked_databases(
    path: Path, spec: ModelFile, backgrounds: Mapping[str, Mapping[str, Process]]
) -> set[str]:
    """Databases the model links to by ``input: {database: ...}``: named in ``backgrounds``,
    and not one of cfp_lca's own (whose processes are named by their codes)."""
    linked = set()
    for i, a in enumerate(spec.activities):
        for j, inp in enumerate(a.inputs):
            if not isinstance(inp.input, LinkSpec):
                continue
            entry = f"activities[{i}] '{a.code}' > inputs[{j}] '{input_label(inp.input)}'"
            db = inp.input.database
            if db not in spec.backgrounds:
                raise InputError(
                    path, entry, f"database '{printable(db)}' is not in the model's backgrounds"
                )
            if db in backgrounds:
                raise InputError(
                    path, entry, f"'{db}' is a cfp_lca database: name its process by its code"
                )
            linked.add(db)
    return linked


def _find_input(
    path: Path,
    entry: str,
    ref: str | LinkSpec,
    spec: ModelFile,
    local_units: Mapping[str, str],
    backgrounds: Mapping[str, Mapping[str, Process]],
) -> tuple[tuple[str, str], str]:
    """Resolve an input: a link to another database, 'db:code', a foreground activity, or a
    process of a background."""
    if isinstance(ref, LinkSpec):
        _check_unit(path, entry, ref.unit)
        return (ref.database, link_code(path, entry, ref)), ref.unit
    if ":" in ref:
        db, code = ref.split(":", 1)
        if db == spec.database and code in local_units:
            return (db, code), local_units[code]
        if db in spec.backgrounds and code in backgrounds.get(db, {}):
            return (db, code), backgrounds[db][code].unit
        raise InputError(path, entry, f"unknown process reference '{printable(ref)}'")
    hits = []
    if ref in local_units:
        hits.append(((spec.database, ref), local_units[ref]))
    hits += [
        ((db, ref), backgrounds[db][ref].unit)
        for db in spec.backgrounds
        if ref in backgrounds.get(db, {})  # a linked database is reached by links only
    ]
    if not hits:
        raise InputError(
            path,
            entry,
            f"unknown process reference '{printable(ref)}' (not in this model nor in "
            f"{', '.join(spec.backgrounds)})",
        )
    if len(hits) > 1:
        where = ", ".join(f"{db}:{code}" for (db, code), _ in hits)
        raise InputError(path, entry, f"ambiguous reference '{printable(ref)}': found in {where}")
    return hits[0]


def load_declared(path: Path, model: ProductModel, methods: Mapping[str, Method]) -> DeclaredFile:
    spec = validate(path, read_yaml(path), DeclaredFile)
    check_unique(path, "figure", (f.id for f in spec.figures))
    if spec.model != model.name:
        raise InputError(
            path, "model", f"declares figures for '{printable(spec.model)}', not '{model.name}'"
        )
    if spec.method not in methods:
        raise InputError(path, "method", f"unknown method '{printable(spec.method)}'")
    stages = {s.code for s in model.stages}
    codes = {a.code for a in model.activities}
    for i, f in enumerate(spec.figures):
        entry = f"figures[{i}] '{printable(f.id)}'"
        if f.stage is not None and f.stage not in stages:
            raise InputError(path, entry, f"unknown stage '{printable(f.stage)}'")
        if f.activity is not None and f.activity not in codes:
            raise InputError(path, entry, f"unknown activity '{printable(f.activity)}'")
        _check_unit(path, entry, f.unit)
    return spec


# ---------------------------------------------------------------- the directory


def model_variant(catalog: Catalog, name: str, options: Mapping[str, Any]) -> ProductModel:
    """The model ``name`` with some options changed, checked like the default (matrix too)."""
    base = catalog.models[name]
    if not options or all(base.options.get(k) == v for k, v in options.items()):
        return base
    model = load_model(
        base.path, catalog.biosphere, catalog.flows, catalog.methods, catalog.backgrounds, options
    )
    return replace(model, declared=base.declared, declared_path=base.declared_path)


def load_catalog(root: Path | Sequence[Path] | None = None) -> Catalog:
    """Read and cross-check every file of one data directory or a stack of them.

    ``root`` is a directory or a list, bottom first; each stacks on the shipped library (see
    ``libraries.data_layers``). Flows, methods, background databases and models of a later
    directory replace those of the same code, id or name below; each replacement is a notice
    in ``Catalog.notices`` (the core never prints).
    """
    layers = data_layers(root)
    notices: list[str] = []
    biosphere, flows = _stacked_flows(layers, notices)
    methods: dict[str, Method] = {}
    backgrounds: dict[str, dict[str, Process]] = {}
    for item in layers:
        own: dict[str, Method] = {}
        for path in yaml_files(item.root / "methods"):
            method = load_method(path, flows)
            if method.id in own:
                raise InputError(path, "id", f"duplicate method id '{method.id}'")
            own[method.id] = method
        _stack(methods, own, "method", item, notices)
        own_bg: dict[str, dict[str, Process]] = {}
        for path in yaml_files(item.root / "background"):
            spec, processes = load_background(path, biosphere, flows)
            if spec.database in own_bg:
                raise InputError(path, "database", f"duplicate database name '{spec.database}'")
            check_technosphere(processes.values(), path, "processes")
            own_bg[spec.database] = processes
        _stack(backgrounds, own_bg, "background database", item, notices)
    models: dict[str, ProductModel] = {}
    for item in (i for i in layers if i.models):
        own_models = _layer_models(item.root, biosphere, flows, methods, backgrounds)
        _stack(models, own_models, "model", item, notices)
    for model in models.values():
        if model.database in backgrounds or model.database == biosphere:
            raise InputError(model.path, "database", f"database name '{model.database}' is taken")
    check_unique(layers[-1].root, "database", [m.database for m in models.values()])
    return Catalog(
        layers[-1].root, biosphere, flows, methods, backgrounds, models, _fingerprint(layers),
        libraries=tuple(i.describe() for i in layers), notices=tuple(notices),
        settings=settings_of(layers), synonyms=load_synonyms(layers, flows),
    )  # fmt: skip


def load_synonyms(layers: Sequence[Layer], flows: Mapping[str, Flow]) -> tuple[Synonym, ...]:
    """Every layer's ``synonyms.yaml``, bottom first; an unknown flow or a name given for two
    flows (names compared as ``flownames.normalized_name`` compares them) is refused."""
    found: dict[str, Synonym] = {}
    for item in layers:
        path = item.root / "synonyms.yaml"
        if not has_file(path):
            continue
        spec = validate(path, read_yaml(path), SynonymsFile)
        for i, s in enumerate(spec.synonyms):
            entry = f"synonyms[{i}] '{printable(s.name)}'"
            key = normalized_name(s.name)
            if s.flow is not None and s.flow not in flows:
                raise InputError(path, entry, f"unknown flow '{s.flow}' (not in flows.yaml)")
            if not key:
                raise InputError(path, entry, "the name has no letter or digit")
            if key in found and found[key].flow != s.flow:
                raise InputError(path, entry, f"also given for flow '{found[key].flow}'")
            found[key] = Synonym(s.name, s.flow, s.source, s.comment)
    return tuple(found.values())


DATA_FILES = ("flows.yaml", "synonyms.yaml", LIBRARY_FILE)  # top-level files that are not models


def model_files(root: Path) -> list[Path]:
    """A directory's product model files: ``foreground/*.yaml`` and top-level ``*.yaml`` other
    than the flows and library files (declared-figure files go with their model)."""
    found = yaml_files(root / "foreground")
    found += [p for p in yaml_files(root) if p.name not in DATA_FILES]
    return [p for p in found if not p.name.endswith(".declared.yaml")]


def _layer_models(
    root: Path,
    biosphere: str,
    flows: Mapping[str, Flow],
    methods: Mapping[str, Method],
    backgrounds: Mapping[str, Mapping[str, Process]],
) -> dict[str, ProductModel]:
    """The product models of one directory, each with its declared figures where given."""
    models: dict[str, ProductModel] = {}
    for path in model_files(root):
        model = load_model(path, biosphere, flows, methods, backgrounds)
        if model.name in models:
            raise InputError(path, "model", f"duplicate model name '{model.name}'")
        declared_path = path.with_name(path.stem + ".declared.yaml")
        if has_file(declared_path):
            declared = load_declared(declared_path, model, methods)
            model = replace(model, declared=declared, declared_path=declared_path)
        models[model.name] = model
    return models


def _stacked_flows(layers: Sequence[Layer], notices: list[str]) -> tuple[str, dict[str, Flow]]:
    """The biosphere database and its flows: each layer's flows file adds flows or replaces
    those of the same code; every layer's file must name the same biosphere database."""
    biosphere: str | None = None
    flows: dict[str, Flow] = {}
    for item in layers:
        path = item.root / "flows.yaml"
        if not has_file(path):
            continue
        name, own = load_flows(path)
        if biosphere is not None and name != biosphere:
            raise InputError(
                path, "database", f"biosphere database '{name}' differs from '{biosphere}' of "
                "the library below: stacked flows files name the same database",
            )  # fmt: skip
        biosphere = name
        _stack(flows, own, "flow", item, notices)
    if biosphere is None:
        path = layers[-1].root / "flows.yaml"
        raise InputError(path, None, "the flows file is missing (and no library below has one)")
    return biosphere, flows


def _stack(below: dict, own: Mapping, kind: str, item: Layer, notices: list[str]) -> None:
    """Add one layer's entries; an entry replacing one of the same name below is a notice."""
    for name, value in own.items():
        if name in below and below[name] != value:
            notices.append(f"{item.root}: {kind} '{name}' replaces the one of a library below")
        below[name] = value


def _fingerprint(layers: Sequence[Layer]) -> str:
    """A digest of every YAML file of every layer (one layer: as for a single directory)."""
    digest = hashlib.sha256()
    for i, item in enumerate(layers):
        add_files(digest, item.root, f"{i}/" if len(layers) > 1 else "")
    return digest.hexdigest()
