"""Background processes bought with parameter values of the model's own: the declining grid over
a product's years of use, a transport process for its load factor. The process is resolved
again with those values and becomes an activity of the model (in the buyer's stage and part),
so every variant, scenario and option that sets other values computes with them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError, printable
from .data_files import ProcessSource, background_process
from .formula import FormulaProblem, evaluate
from .objects import Flow, Process
from .schema import ActivitySpec, QuantitySpec
from .units import UnitProblem, convert, quantity

if TYPE_CHECKING:
    import pint


def process_instance(
    path: Path,
    entry: str,
    process: Process,
    given: Mapping[str, str | QuantitySpec],
    names: Mapping[str, pint.Quantity],
    buyer: ActivitySpec,
    key: tuple[str, str],
    biosphere: str,
    flows: Mapping[str, Flow],
) -> Process:
    """``process`` resolved with the parameter values ``given`` (formulas over ``names``), as
    the activity ``key`` of the buyer's model, in the buyer's stage and part."""
    if not isinstance(process.parametric, ProcessSource):
        raise InputError(path, f"{entry} > process_parameters",
                         f"process '{process.code}' declares no parameters to set")  # fmt: skip
    source = process.parametric
    values = {
        name: _value(
            path, f"{entry} > process_parameters > {printable(name)}", source, name, value, names
        )  # fmt: skip
        for name, value in given.items()
    }
    if buyer.stage is None:
        raise InputError(
            path, entry, "an activity with background inputs or emissions needs a stage"
        )
    try:
        resolved = background_process(source, biosphere, flows, values)
    except InputError as exc:
        raise InputError(path, f"{entry} > process_parameters",
                         f"with these values, {exc.message}") from None  # fmt: skip
    shown = ", ".join(f"{k} = {_shown(v)}" for k, v in values.items())
    meta = {**resolved.meta, "instance_of": f"{process.database}:{process.code}",
            "parameters_set": {k: _shown(v) for k, v in values.items()}}  # fmt: skip
    if "name_zh" in meta:
        meta["name_zh"] = f"{meta['name_zh']}（{shown}）"
    return replace(resolved, database=key[0], code=key[1], name=f"{resolved.name} ({shown})",
                   stage=buyer.stage, part=buyer.part, meta=meta, parametric=None)  # fmt: skip


def _value(
    path: Path,
    entry: str,
    source: ProcessSource,
    name: str,
    value: str | QuantitySpec,
    names: Mapping[str, pint.Quantity],
) -> pint.Quantity:
    """One parameter value set by a model, in the unit the process declares for it."""
    import pint

    declared = source.spec.parameters.get(name)
    if declared is None:
        known = ", ".join(source.spec.parameters)
        raise InputError(path, entry, f"process '{source.spec.code}' has no parameter "
                         f"'{printable(name)}' (its parameters: {known})")  # fmt: skip
    if declared.formula is not None:
        raise InputError(path, entry, f"'{name}' of process '{source.spec.code}' is a formula "
                         f"({declared.formula}): set the parameters it uses")  # fmt: skip
    try:
        if isinstance(value, QuantitySpec):
            q = quantity(value.value, value.unit)
        else:
            result = evaluate(value, names)
            q = result if isinstance(result, pint.Quantity) else quantity(result, "dimensionless")
        return quantity(convert(q, declared.unit), declared.unit)
    except (UnitProblem, FormulaProblem) as exc:
        raise InputError(path, entry, f"{exc} (the parameter is in {declared.unit})") from None


def _shown(q: pint.Quantity) -> str:
    """A value as a name shows it: ``30 year``, ``0.025``."""
    unit = "" if q.dimensionless else f" {q.units}"
    return f"{q.magnitude:g}{unit}"
