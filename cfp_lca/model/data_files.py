"""The data files beside the product models, each read and checked on its own: flows, methods,
background databases, declared figures and synonyms."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError, Problems, printable
from .amounts import check_unit, make_emission, make_exchange, parameter_values, require_source
from .flow_schema import FlowsFile, MethodFile, SynonymsFile
from .flownames import normalized_name
from .inputs import input_label
from .libraries import Layer
from .objects import Factor, Flow, Method, Process, ProcessSource, ProductModel, Synonym
from .reading import has_file, read_yaml
from .schema import BackgroundFile, DeclaredFile, EmissionSpec, LinkSpec, ProcessSpec
from .uncertainty import stats_arrays_fields
from .units import UnitProblem, convert, parse_unit, quantity
from .validation import check_unique, validate

if TYPE_CHECKING:
    import pint


def load_flows(path: Path) -> tuple[str, dict[str, Flow]]:
    """A flows file: its biosphere database's name and its flows by code."""
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
    """A method file, its factors converted to the method's unit per unit of their flow."""
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
    processes, problems = {}, Problems()
    for i, p in enumerate(spec.processes):
        source = ProcessSource(path, f"processes[{i}] '{p.code}'", spec.database, p, units)
        with problems.each():
            processes[p.code] = background_process(source, biosphere, flows)
    problems.raise_any()
    return spec, processes


def background_process(
    source: ProcessSource,
    biosphere: str,
    flows: Mapping[str, Flow],
    values: Mapping[str, pint.Quantity] | None = None,
) -> Process:
    """One background process resolved with its parameters' values (``values`` replaces
    those of value parameters it names; formula parameters follow)."""
    path, entry, p = source.path, source.entry, source.spec
    check_unit(path, entry, p.unit)
    names = parameter_values(path, entry, p.parameters, fixed=values)
    meta = _process_meta(p, names)
    emissions = p.emissions
    if p.pact is not None:
        emissions, found = _footprint(path, entry, p)
        meta |= found
    exchanges = [
        make_emission(
            path, f"{entry} > emissions[{j}] '{e.flow}'", e, biosphere, flows, p.unit, names
        )
        for j, e in enumerate(emissions)
    ]
    for j, inp in enumerate(p.inputs):
        sub = f"{entry} > inputs[{j}] '{input_label(inp.input)}'"
        if isinstance(inp.input, LinkSpec):
            raise InputError(path, sub, "links to other Brightway databases belong in model files")
        if inp.input not in source.units:
            raise InputError(
                path, sub, f"unknown process '{printable(inp.input)}' in {source.database}"
            )
        require_source(path, sub, inp)
        target = (source.database, inp.input)
        unit = source.units[inp.input]
        exchanges.append(make_exchange(path, sub, inp, target, "technosphere", unit, p.unit, names))
    parametric = source if p.parameters else None
    return Process(source.database, p.code, p.name, p.unit, tuple(exchanges), p.location,
                   meta=meta, parametric=parametric)  # fmt: skip


def _footprint(path: Path, entry: str, p: ProcessSpec) -> tuple[list[EmissionSpec], dict]:
    """The emissions and metadata of a process that names a supplier's PACT footprint."""
    from .pact_files import footprint_emissions, footprint_file, footprint_meta, read_footprint

    if p.emissions or p.inputs:
        raise InputError(path, f"{entry} > pact", "a process given by a PACT footprint lists "
                         "no emissions or inputs of its own")  # fmt: skip
    file = footprint_file(path, entry, p.pact)
    document = read_footprint(file)
    emissions = [EmissionSpec.model_validate(e)
                 for e in footprint_emissions(file, entry, document)]  # fmt: skip
    return emissions, footprint_meta(document, file)


def _process_meta(p: ProcessSpec, values: Mapping[str, pint.Quantity]) -> dict:
    """What a background process says about itself (source, year, parameters' values)."""
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


def load_declared(path: Path, model: ProductModel, methods: Mapping[str, Method]) -> DeclaredFile:
    """A model's declared figures, each naming a stage, activity and unit the model has."""
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
        check_unit(path, entry, f.unit)
    check_unique(path, "claim", (c.id for c in spec.claims))
    for i, c in enumerate(spec.claims):
        if c.activity is not None and c.activity not in codes:
            raise InputError(path, f"claims[{i}] '{printable(c.id)}'",
                             f"unknown activity '{printable(c.activity)}'")  # fmt: skip
    return spec


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
