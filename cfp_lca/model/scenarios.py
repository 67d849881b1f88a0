"""Scenario files: overlays on a product model, applied to its spec before resolution.

A scenario changes options, parameters (a changed mass propagates through every formula that
uses it), swaps background processes, or scales, replaces, removes or adds inputs. The result is
a product model of its own, written as its own Brightway foreground database.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import InputError
from .loading import build_model
from .objects import Catalog, ProductModel
from .reading import read_yaml, yaml_files
from .schema import ActivitySpec, InputSpec, ModelFile, ScenarioFile
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
        built = _apply(catalog, spec, path)
        out[spec.scenario] = Scenario(
            spec.scenario, spec.model, spec.name, spec.description, spec, path, built
        )
    return out


def _apply(catalog: Catalog, scn: ScenarioFile, path: Path) -> ProductModel:
    """Overlay the scenario on its model's file and resolve the result; bad references fail."""
    base = catalog.models[scn.model]
    model_spec = validate(base.path, read_yaml(base.path), ModelFile)
    spec = overlay(model_spec, scn, path)
    model = build_model(
        path, spec, catalog.biosphere, catalog.flows, catalog.methods, catalog.backgrounds,
        scn.options,
    )  # fmt: skip
    return replace(model, declared=base.declared, declared_path=base.declared_path)


def overlay(model: ModelFile, scn: ScenarioFile, path: Path) -> ModelFile:
    """Apply a scenario to a model spec; every reference is checked and named on error."""
    activities = {a.code: a for a in model.activities}
    edited: dict[str, list[InputSpec]] = {code: list(a.inputs) for code, a in activities.items()}

    for i, swap in enumerate(scn.swaps):
        entry = f"swaps[{i}] '{swap.old}'"
        targets = swap.activities or list(activities)
        hits = 0
        for code in targets:
            if code not in activities:
                raise InputError(path, entry, f"unknown activity '{code}' in model '{model.model}'")
            new_inputs = []
            for x in edited[code]:
                if x.input == swap.old:
                    hits += 1
                    x = x.model_copy(
                        update={
                            "input": swap.new,
                            "pair_as": x.pair_as or swap.old,
                            "source": f"{x.source}; scenario: {swap.source}",
                        }
                    )
                new_inputs.append(x)
            edited[code] = new_inputs
        if not hits:
            raise InputError(path, entry, f"no activity of '{model.model}' buys '{swap.old}'")

    for i, change in enumerate(scn.changes):
        entry = f"changes[{i}] '{change.activity}' > '{change.input}'"
        if change.activity not in activities:
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
            else:
                inputs[j] = _scaled(inputs[j], change.scale, change.source)

    for i, addition in enumerate(scn.additions):
        entry = f"additions[{i}] '{addition.activity}'"
        if addition.activity not in activities:
            raise InputError(
                path, entry, f"unknown activity '{addition.activity}' in model '{model.model}'"
            )
        edited[addition.activity].append(addition.add)

    new_formulas = " ".join(
        x.formula or ""
        for x in [*(c.replace for c in scn.changes if c.replace), *(a.add for a in scn.additions)]
    )
    for name in scn.parameters:
        if name not in model.parameters and name not in new_formulas:
            raise InputError(
                path, f"parameters > {name}", f"unknown parameter '{name}' of model '{model.model}'"
            )

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


def _scaled(x: InputSpec, factor: float, why: str) -> InputSpec:
    source = f"{x.source}; scaled x{factor:g}: {why}"
    if x.formula is not None:
        return x.model_copy(update={"formula": f"({x.formula}) * {factor!r}", "source": source})
    field = "amount" if x.amount is not None else "annual_amount"
    q = getattr(x, field)
    return x.model_copy(
        update={field: q.model_copy(update={"value": q.value * factor}), "source": source}
    )
