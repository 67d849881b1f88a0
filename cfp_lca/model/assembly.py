"""A product model file resolved into a ProductModel: its options chosen, its parameters and
amounts through pint, its inputs found in the model and its backgrounds, its structure checked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError, Problems, printable
from .allocation import allocated, allocation_share
from .amounts import check_unit, make_emission, make_exchange, parameter_values
from .inputs import find_input, input_label, linked_databases
from .objects import Allocation, Exchange, Flow, Method, Process, ProductModel, Stage
from .options import check_when, choose_options, holds, variant_database
from .parameter_builder import ParameterBuilder
from .process_instances import process_instance
from .reading import read_yaml
from .schema import ActivitySpec, AmountFields, EmissionSpec, InputSpec, ModelFile
from .structure import check_foreground
from .validation import check_unique, validate

if TYPE_CHECKING:
    import pint


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


@dataclass(frozen=True)
class Resolving:
    """What resolving the activities of one model variant needs, gathered once."""

    path: Path
    spec: ModelFile
    biosphere: str
    flows: Mapping[str, Flow]
    backgrounds: Mapping[str, Mapping[str, Process]]
    chosen: Mapping[str, Any]
    allocation: Allocation | None
    local_units: Mapping[str, str]  # unit of every kept activity, by code
    database: str  # the variant's foreground database
    model_names: Mapping[str, pint.Quantity]  # the model's parameters
    params: ParameterBuilder
    # background processes bought with the model's parameter values, as activities
    instances: list[Process] = field(default_factory=list)
    # problems of single activities and exchanges, so that check lists every one of them
    problems: Problems = field(default_factory=Problems)


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
    linked = _check_databases(path, spec, methods, backgrounds)
    check_when(path, spec)
    chosen = choose_options(path, spec, options or {})
    kept = _kept_activities(path, spec, chosen)
    allocation = _allocation(path, spec)
    local_units = {a.code: a.unit for _, a in kept}
    if spec.reference_activity not in local_units:
        raise InputError(
            path, "reference_activity", f"unknown activity '{printable(spec.reference_activity)}'"
        )
    _check_functional_parameters(path, spec)
    model_names = parameter_values(path, "", spec.parameters)
    params = ParameterBuilder(path, spec.lognormal_centre)
    params.add_scope("", None, spec.parameters, model_names)
    database = variant_database(spec.database, chosen, spec)
    ctx = Resolving(
        path, spec, biosphere, flows, backgrounds, chosen, allocation, local_units, database,
        model_names, params,
    )  # fmt: skip
    resolved = []
    for i, a in kept:
        with ctx.problems.each():
            resolved.append(_activity(ctx, i, a))
    ctx.problems.raise_any()
    activities = (*resolved, *ctx.instances)  # instances: filled while resolving the inputs
    _check_modules(path, spec, activities)
    model = _product_model(ctx, activities, linked)
    check_foreground(model, backgrounds)
    return model


def _check_modules(path: Path, spec: ModelFile, activities: tuple[Process, ...]) -> None:
    """Each module names a stage of the model, and every stage an activity has is in one
    module, when the model declares modules (EN 15804+A2)."""
    stages = {s.code for s in spec.stages}
    for code in spec.modules:
        if code not in stages:
            known = ", ".join(sorted(stages))
            raise InputError(path, f"modules > {printable(code)}",
                             f"unknown stage '{printable(code)}' (stages: {known})")  # fmt: skip
    if not spec.modules:
        return
    for code in sorted({a.stage for a in activities if a.stage is not None} - spec.modules.keys()):
        raise InputError(path, "modules", f"stage '{code}' has no module: map every stage "
                         "whose activities carry the footprint (EN 15804+A2)")  # fmt: skip


def _check_functional_parameters(path: Path, spec: ModelFile) -> None:
    """The parameters that define the functional unit are known, fixed values: drawing one
    would compare products that deliver different functions (ISO 14067:2018 6.3.3)."""
    for name in spec.functional_unit.parameters:
        entry = f"functional_unit > parameters '{printable(name)}'"
        found = spec.parameters.get(name)
        if found is None:
            raise InputError(path, entry, "not a parameter of the model")
        if found.formula is not None:
            raise InputError(path, entry, "a formula: name the value parameters it is made of")
        drawn = found.uncertainty is not None and found.uncertainty.distribution != "none"
        if drawn or found.pedigree is not None:
            raise InputError(path, entry, "defines the functional unit, so it cannot be "
                             "uncertain: another value is another functional unit (a "
                             "scenario); remove its uncertainty (ISO 14067:2018 "
                             "6.3.3)")  # fmt: skip


def _check_databases(
    path: Path,
    spec: ModelFile,
    methods: Mapping[str, Method],
    backgrounds: Mapping[str, Mapping[str, Process]],
) -> set[str]:
    """Unique stages, a known method and known backgrounds; the linked databases' names."""
    check_unique(path, "stage", (s.code for s in spec.stages))
    if spec.method not in methods:
        raise InputError(path, "method", f"unknown method '{printable(spec.method)}'")
    linked = linked_databases(path, spec, backgrounds)
    for db in spec.backgrounds:
        if db not in backgrounds and db not in linked:
            raise InputError(path, "backgrounds", f"unknown background database '{printable(db)}'")
    return linked


def _kept_activities(
    path: Path, spec: ModelFile, chosen: Mapping[str, Any]
) -> list[tuple[int, ActivitySpec]]:
    """The activities whose ``when`` holds, with their place in the file; codes unique."""
    kept = [
        (i, a)
        for i, a in enumerate(spec.activities)
        if holds(path, f"activities[{i}] '{a.code}'", a.when, chosen)
    ]
    check_unique(path, "activity", (a.code for _, a in kept))
    return kept


def _activity(ctx: Resolving, i: int, a: ActivitySpec) -> Process:
    """One foreground activity with its emissions, then its inputs, whose ``when`` holds."""
    path, stages = ctx.path, {s.code for s in ctx.spec.stages}
    entry = f"activities[{i}] '{a.code}'"
    check_unit(path, entry, a.unit)
    if a.stage is not None and a.stage not in stages:
        raise InputError(path, entry, f"unknown stage '{printable(a.stage)}'")
    names = parameter_values(path, entry, a.parameters, ctx.model_names)
    if a.parameters:
        ctx.params.add_scope(entry, a.code, a.parameters, names)
    share, shared = allocation_share(path, entry, a, ctx.chosen)
    exchanges: list[Exchange] = []
    for j, e in enumerate(a.emissions):
        with ctx.problems.each():
            _add_emission(ctx, a, names, f"{entry} > emissions[{j}] '{e.flow}'", e, exchanges,
                          share)  # fmt: skip
    for j, inp in enumerate(a.inputs):
        sub = f"{entry} > inputs[{j}] '{input_label(inp.input)}'"
        with ctx.problems.each():
            _add_input(ctx, a, names, sub, inp, exchanges, share)
    if a.stage is None and any(x.database != ctx.database for x in exchanges):
        raise InputError(
            path, entry, "an activity with background inputs or emissions needs a stage"
        )
    meta = {"comment": a.comment} if a.comment else {}
    if a.name_zh:
        meta["name_zh"] = a.name_zh
    if shared is not None:
        meta["allocation"] = shared
    return Process(
        ctx.database, a.code, a.name, a.unit, tuple(exchanges), "CN", a.stage, a.part, meta
    )


def _add_emission(
    ctx: Resolving,
    a: ActivitySpec,
    names: Mapping[str, pint.Quantity],
    sub: str,
    e: EmissionSpec,
    exchanges: list[Exchange],
    share: float = 1.0,
) -> None:
    """Append an emission of activity ``a`` when its ``when`` holds (its own product's
    ``share`` of it, for a multi-output activity)."""
    path, spec = ctx.path, ctx.spec
    if not holds(path, sub, e.when, ctx.chosen):
        return
    _require_uncertainty(path, sub, e, ctx.params.drives(a.code, e.formula))
    exchanges.append(allocated(
        make_emission(path, sub, e, ctx.biosphere, ctx.flows, a.unit, names, ctx.allocation,
                      spec.lognormal_centre), share)
    )  # fmt: skip
    _note_driven(ctx.params, a, names, sub, e, exchanges, share)


def _add_input(
    ctx: Resolving,
    a: ActivitySpec,
    names: Mapping[str, pint.Quantity],
    sub: str,
    inp: InputSpec,
    exchanges: list[Exchange],
    share: float = 1.0,
) -> None:
    """Append an input of activity ``a`` when its ``when`` holds (one of the model's own
    activities goes to the variant's database)."""
    path, spec = ctx.path, ctx.spec
    if not holds(path, sub, inp.when, ctx.chosen):
        return
    target, unit = find_input(path, sub, inp.input, spec, ctx.local_units, ctx.backgrounds)
    if target[0] != spec.database:
        _require_uncertainty(path, sub, inp, ctx.params.drives(a.code, inp.formula))
    target = (ctx.database, target[1]) if target[0] == spec.database else target
    if inp.process_parameters:
        target = _instance(ctx, a, names, sub, inp, target)
    exchanges.append(allocated(
        make_exchange(path, sub, inp, target, "technosphere", unit, a.unit, names,
                      ctx.allocation, spec.lognormal_centre), share)
    )  # fmt: skip
    _note_driven(ctx.params, a, names, sub, inp, exchanges, share)


def _instance(
    ctx: Resolving,
    a: ActivitySpec,
    names: Mapping[str, pint.Quantity],
    sub: str,
    inp: InputSpec,
    target: tuple[str, str],
) -> tuple[str, str]:
    """The model's own copy of a background process bought with parameter values: added to
    ``ctx.instances``, its key returned (one per purchase: ``process@activity``)."""
    if target[0] not in ctx.backgrounds:
        raise InputError(ctx.path, f"{sub} > process_parameters", "only a process of a "
                         "cfp_lca background database has parameters to set")  # fmt: skip
    taken = {p.code for p in ctx.instances}
    code = f"{target[1]}@{a.code}"
    code = next(c for n in range(1, len(taken) + 2)
                if (c := code if n == 1 else f"{code}#{n}") not in taken)  # fmt: skip
    key = (ctx.database, code)
    ctx.instances.append(process_instance(
        ctx.path, sub, ctx.backgrounds[target[0]][target[1]], inp.process_parameters, names, a,
        key, ctx.biosphere, ctx.flows,
    ))  # fmt: skip
    return key


def _product_model(
    ctx: Resolving, activities: tuple[Process, ...], linked: set[str]
) -> ProductModel:
    """The resolved model: the spec's statements around the activities and parameters."""
    spec = ctx.spec
    return ProductModel(
        name=spec.model,
        database=ctx.database,
        title=spec.name,
        description=spec.description,
        functional_unit=spec.functional_unit.description,
        functional_amount=spec.functional_unit.amount,
        reference=spec.reference_activity,
        method=spec.method,
        backgrounds=tuple(spec.backgrounds),
        stages=tuple(Stage(s.code, s.name, s.name_zh, s.separate) for s in spec.stages),
        activities=activities,
        allocation=ctx.allocation,
        path=ctx.path,
        options=ctx.chosen,
        option_specs={k: v.model_dump() for k, v in spec.options.items()},
        comparison=(spec.comparison.model, dict(spec.comparison.notes))
        if spec.comparison
        else None,
        parameters=ctx.params.build(spec.correlations),
        title_zh=spec.name_zh,
        functional_unit_zh=spec.functional_unit.description_zh,
        study=spec.study.model_dump() if spec.study else {},
        functional_unit_info=spec.functional_unit.model_dump(
            exclude={"amount", "unit", "description", "description_zh"}
        ),
        translations={k: dict(v) for k, v in spec.translations.items()},
        linked=tuple(sorted(linked)),
        brightway_parameters=tuple(ctx.params.brightway),
        modules=dict(spec.modules),
    )


def _note_driven(
    params: ParameterBuilder,
    activity: ActivitySpec,
    names: Mapping[str, pint.Quantity],
    entry: str,
    spec: AmountFields,
    exchanges: list[Exchange],
    share: float = 1.0,
) -> None:
    """Give the exchange just made its Brightway formula, where the file gives one, and
    record it as driven when its formula uses random parameters (``share``: the allocated
    share it was scaled by)."""
    if spec.formula is not None:
        exchanges[-1] = replace(exchanges[-1], formula=params.exchange_formula(
            entry, activity.code, spec.formula, exchanges[-1], activity.unit, names,
            share))  # fmt: skip
    if params.drives(activity.code, spec.formula):
        params.add_exchange(
            entry, activity.code, len(exchanges) - 1, spec.formula, exchanges[-1],
            activity.unit, names, share,
        )  # fmt: skip


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
    """The model's annual output, which annual amounts are divided by (None: no allocation)."""
    if spec.allocation is None:
        return None
    out = spec.allocation.annual_output
    if out.value <= 0:
        raise InputError(
            path, "allocation > annual_output", f"annual output must be positive, got {out.value:g}"
        )
    check_unit(path, "allocation > annual_output", out.unit)
    return Allocation(
        spec.allocation.basis, out.value, out.unit, out.source, spec.allocation.period
    )
