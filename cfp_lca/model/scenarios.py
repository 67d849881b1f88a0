"""Scenario files: overlays on a product model, applied to its spec before resolution.

A scenario changes options, parameters (a changed mass propagates through every formula that
uses it), swaps background processes, or scales, replaces, removes or adds inputs. The result is
a product model of its own (a variant of the model, computed from memory and never written to
the Brightway project: see :mod:`cfp_lca.brightway.foreground`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..errors import InputError
from .assembly import build_model
from .formula import FormulaProblem, formula_names
from .objects import Catalog, ProductModel
from .reading import read_yaml, yaml_files
from .scenario_schema import ScenarioFile, SwapSpec
from .schema import ActivitySpec, InputSpec, ModelFile
from .validation import validate


@dataclass(frozen=True)
class Scenario:
    """A validated scenario file and the model it overlays."""

    name: str
    model: str
    title: str
    description: str | None
    spec: ScenarioFile
    path: Path
    built: ProductModel  # the model with the scenario applied, resolved when loaded


def default_scenario_dir(catalog: Catalog) -> Path:
    """scenarios/ beside the data directory (repository or packaged copy)."""
    return catalog.root.parent / "scenarios"


def load_scenarios(catalog: Catalog, root: Path | None = None) -> dict[str, Scenario]:
    """Every scenario file under ``root``; each is applied once, so a bad one fails here."""
    root = Path(root) if root is not None else default_scenario_dir(catalog)
    out: dict[str, Scenario] = {}
    for path in yaml_files(root, recursive=True):
        spec = validate(path, read_yaml(path), ScenarioFile)
        if spec.scenario in out:
            raise InputError(path, "scenario", f"duplicate scenario name '{spec.scenario}'")
        if spec.model not in catalog.models:
            raise InputError(path, "model", f"unknown model '{spec.model}'")
        built = apply_scenario(catalog, spec, path)
        out[spec.scenario] = Scenario(
            spec.scenario, spec.model, spec.name, spec.description, spec, path, built
        )
    return out


def apply_scenario(catalog: Catalog, scn: ScenarioFile, path: Path) -> ProductModel:
    """Overlay the scenario on its model's file and resolve the result; bad references fail."""
    base = catalog.models[scn.model]
    return rebuilt(catalog, base, lambda spec: overlay(spec, scn, path), scn.options, path)


def rebuilt(catalog: Catalog, base: ProductModel, edit: Callable[[ModelFile], ModelFile],
            options: Mapping[str, Any], path: Path) -> ProductModel:  # fmt: skip
    """``base``'s file read again, ``edit``-ed and resolved with ``options`` (errors name
    ``path``); the base's declared figures kept."""
    spec = edit(validate(base.path, read_yaml(base.path), ModelFile))
    model = build_model(path, spec, catalog.biosphere, catalog.flows, catalog.methods,
                        catalog.backgrounds, options)  # fmt: skip
    return replace(model, declared=base.declared, declared_path=base.declared_path)


def overlay(model: ModelFile, scn: ScenarioFile, path: Path) -> ModelFile:
    """Apply a scenario to a model spec; every reference is checked and named on error."""
    # every activity's inputs, by code in file order, as the scenario edits them
    edited: dict[str, list[InputSpec]] = {a.code: list(a.inputs) for a in model.activities}
    _swap(model, scn, path, edited)
    _change(model, scn, path, edited)
    _add(model, scn, path, edited)
    _check_parameters(model, scn, path)
    new_activities: list[ActivitySpec] = [
        a.model_copy(update={"inputs": edited[a.code]}) for a in model.activities
    ]
    # a parameter the scenario states exactly no longer takes part in a rank correlation
    exact = {k for k, v in scn.parameters.items() if v.uncertainty is None and v.pedigree is None}
    return model.model_copy(
        update={
            "database": f"{model.database}{{{scn.scenario}}}",
            "name": f"{model.name}: {scn.name}",
            "parameters": {**model.parameters, **scn.parameters},
            "correlations": [c for c in model.correlations if not exact & set(c.parameters)],
            "activities": new_activities,
        }
    )


def _swap(
    model: ModelFile,
    scn: ScenarioFile,
    path: Path,
    edited: dict[str, list[InputSpec]],
) -> None:
    """The swaps, in ``edited``: each buys its new process wherever its old one was bought."""
    for i, swap in enumerate(scn.swaps):
        entry = f"swaps[{i}] '{swap.old}'"
        hits = 0
        for code in swap.activities or list(edited):
            if code not in edited:
                raise InputError(path, entry, f"unknown activity '{code}' in model '{model.model}'")
            hits += sum(x.input == swap.old for x in edited[code])
            edited[code] = [_swapped(x, swap) if x.input == swap.old else x for x in edited[code]]
        if not hits:
            raise InputError(path, entry, f"no activity of '{model.model}' buys '{swap.old}'")


def _swapped(x: InputSpec, swap: SwapSpec) -> InputSpec:
    """An input moved to the swap's new process, paired in comparisons with the old one."""
    return x.model_copy(
        update={
            "input": swap.new,
            "pair_as": x.pair_as or swap.old,
            "source": f"{x.source}; scenario: {swap.source}",
            "process_parameters": swap.process_parameters,
        }
    )


def _change(
    model: ModelFile,
    scn: ScenarioFile,
    path: Path,
    edited: dict[str, list[InputSpec]],
) -> None:
    """The changes, in ``edited``: every input they name scaled, replaced or removed."""
    for i, change in enumerate(scn.changes):
        entry = f"changes[{i}] '{change.activity}' > '{change.input}'"
        if change.activity not in edited:
            raise InputError(
                path, entry, f"unknown activity '{change.activity}' in model '{model.model}'"
            )
        inputs = edited[change.activity]
        hits = [j for j, x in enumerate(inputs) if x.input == change.input]
        if not hits:
            raise InputError(
                path, entry, f"activity '{change.activity}' has no input '{change.input}'"
            )
        for j in reversed(hits):
            if change.remove:
                del inputs[j]
            elif change.replace is not None:
                inputs[j] = change.replace.model_copy(update={"when": inputs[j].when})
            elif change.process_parameters:
                inputs[j] = _with_parameters(inputs[j], change.process_parameters, change.source)
            else:
                inputs[j] = _scaled(inputs[j], change.scale, change.source)


def _add(
    model: ModelFile,
    scn: ScenarioFile,
    path: Path,
    edited: dict[str, list[InputSpec]],
) -> None:
    """The additions, in ``edited``: each a new input at the end of its activity's."""
    for i, addition in enumerate(scn.additions):
        entry = f"additions[{i}] '{addition.activity}'"
        if addition.activity not in edited:
            raise InputError(
                path, entry, f"unknown activity '{addition.activity}' in model '{model.model}'"
            )
        edited[addition.activity].append(addition.add)


def _check_parameters(model: ModelFile, scn: ScenarioFile, path: Path) -> None:
    """A scenario parameter is one of the model's, or a new one that a formula the scenario
    brings uses (by name: an unused one is a typo of an existing name)."""
    used = _new_formula_names(scn)
    for name in scn.parameters:
        if name not in model.parameters and name not in used:
            raise InputError(
                path, f"parameters > {name}", f"unknown parameter '{name}' of model '{model.model}'"
            )


def _new_formula_names(scn: ScenarioFile) -> set[str]:
    """The names used by the formulas a scenario brings: of the inputs it replaces or adds, and
    of its parameters (a formula that is not arithmetic names nothing here: resolving the
    model reports it)."""
    specs = [*(c.replace for c in scn.changes if c.replace), *(a.add for a in scn.additions)]
    formulas = [x.formula for x in [*specs, *scn.parameters.values()] if x.formula is not None]
    for given in [*(s.process_parameters for s in scn.swaps), *(x.process_parameters for x in
                  [*scn.changes, *specs])]:  # fmt: skip
        formulas += [v for v in given.values() if isinstance(v, str)]
    used: set[str] = set()
    for text in formulas:
        try:
            used |= formula_names(text)
        except FormulaProblem:
            continue
    return used


def _with_parameters(x: InputSpec, values: dict, why: str) -> InputSpec:
    """An input whose background process is bought with other parameter values."""
    source = f"{x.source}; parameters {', '.join(values)} set: {why}"
    merged = {**x.process_parameters, **values}
    return x.model_copy(update={"process_parameters": merged, "source": source})


def _scaled(x: InputSpec, factor: float, why: str) -> InputSpec:
    source = f"{x.source}; scaled x{factor:g}: {why}"
    if x.formula is not None:
        return x.model_copy(update={"formula": f"({x.formula}) * {factor!r}", "source": source})
    field = "amount" if x.amount is not None else "annual_amount"
    q = getattr(x, field)
    return x.model_copy(
        update={field: q.model_copy(update={"value": q.value * factor}), "source": source}
    )
