"""Amounts with units: parameters as pint quantities, and exchanges resolved from what a file
gives (an amount, an annual amount or a formula) to an amount per unit of their owner."""

from __future__ import annotations

import keyword
import math
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError, printable
from .formula import FormulaProblem, evaluate
from .objects import Allocation, Exchange, Flow
from .schema import AmountFields, EmissionSpec, ParameterSpec
from .uncertainty import stats_arrays_fields
from .units import UnitMismatch, UnitProblem, convert, parse_unit, quantity

if TYPE_CHECKING:
    import pint


def parameter_values(
    path: Path,
    entry: str,
    params: Mapping[str, ParameterSpec],
    known: Mapping[str, pint.Quantity] | None = None,
    fixed: Mapping[str, pint.Quantity] | None = None,
) -> dict:
    """Parameters as pint quantities, in file order; a formula may use those before it.
    ``fixed`` replaces the values of value parameters it names (a model setting a background
    process's parameters), each converted to the parameter's unit."""
    import pint

    out = dict(known or {})
    fixed = fixed or {}
    for name, spec in params.items():
        shown = printable(name)
        where = f"{entry} > parameters > {shown}" if entry else f"parameters > {shown}"
        if not name.isidentifier() or keyword.iskeyword(name):
            raise InputError(
                path, where, f"parameter name '{shown}' cannot be used in a formula: use letters, "
                "digits and _, not starting with a digit",
            )  # fmt: skip
        try:
            if name in fixed:
                out[name] = quantity(convert(fixed[name], spec.unit), spec.unit)
            elif spec.formula is not None:
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
    import pint

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
    source = spec.source or nested_source(spec)
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


def nested_source(spec: AmountFields) -> str | None:
    """The source given inside the amount or annual amount, where the exchange has none."""
    for q in (spec.amount, spec.annual_amount):
        if q is not None and q.source:
            return q.source
    return None


def make_emission(
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
    """One emission of a known flow, with its source, per one ``owner_unit``."""
    if e.flow not in flows:
        raise InputError(path, entry, f"unknown flow '{e.flow}' (not in the flows file)")
    require_source(path, entry, e)
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


def check_unit(path: Path, entry: str, unit: str) -> None:
    """A unit of a file that pint knows, or an InputError naming the entry."""
    try:
        parse_unit(unit)
    except UnitProblem as exc:
        raise InputError(path, entry, str(exc)) from None


def require_source(path: Path, entry: str, spec: AmountFields) -> None:
    """Every amount says where it comes from, on the exchange or inside its amount."""
    if not (spec.source or nested_source(spec)):
        raise InputError(path, entry, "every factor and amount needs a source")
