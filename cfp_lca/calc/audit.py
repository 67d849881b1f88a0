"""Recompute every figure a study declares and compare places that declare the same quantity;
check the claims it makes in words (:mod:`.claims`).

A printed figure agrees when it equals the recomputation rounded to its printed decimals.
Nothing about any particular report is written here: findings come from the declared-figures
file, the model and the Brightway result alone.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..brightway.linking import catalog_process
from ..model.objects import Catalog, ProductModel
from ..model.schema import DeclaredSpec
from ..model.units import convert, quantity, registry
from .claims import ClaimCheck, check_claims, named_input
from .static import StaticResult


@dataclass(frozen=True)
class Note:
    """What explains a figure, as a key of the report's catalog (``an_<key>``, worded in
    each language there) and its values."""

    key: str
    values: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Check:
    """One declared figure against its recomputation."""

    figure: DeclaredSpec
    declared: float
    decimals: int
    computed: float
    status: str  # "ok", "truncated" or "differs"
    note: Note | None = None

    @property
    def difference(self) -> float:
        return self.declared - self.computed

    @property
    def relative(self) -> float:
        return self.difference / self.computed if self.computed else math.inf


@dataclass(frozen=True)
class Conflict:
    """One quantity declared with different values in different places."""

    what: Mapping[str, str]  # quantity, and the stage, activity and input it is of
    groups: tuple[tuple[float, tuple[DeclaredSpec, ...]], ...]  # value -> where

    @property
    def quantity(self) -> str:
        """The quantity by its codes ("stage end_of_life")."""
        return " ".join(str(v) for v in self.what.values() if v)


@dataclass(frozen=True)
class AuditResult:
    model: str
    document: str
    checks: tuple[Check, ...]
    conflicts: tuple[Conflict, ...]
    claims: tuple[ClaimCheck, ...] = ()  # the document's claims in words, checked

    @property
    def findings(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.status != "ok")


def printed_value(text: str) -> tuple[float, int]:
    """The number and its count of decimals, as printed ('97.90' -> (97.9, 2))."""
    d = Decimal(text.rstrip("%"))
    return float(d), max(0, -d.as_tuple().exponent)


def classify(declared: float, decimals: int, computed: float) -> str:
    """ok: equal after rounding to the printed decimals; truncated: equal after cutting digits."""
    unit = 10.0**-decimals
    slack = 1e-9 * max(abs(computed), 1.0)
    if abs(declared - computed) <= unit / 2 + slack:
        return "ok"
    cut = math.trunc(computed / unit) * unit
    if abs(declared - cut) <= slack + 1e-12 * unit:
        return "truncated"
    return "differs"


def recompute(
    figure: DeclaredSpec, model: ProductModel, catalog: Catalog, result: StaticResult
) -> tuple[float, Note | None]:
    """The model's value of the quantity a figure declares, in the figure's unit."""
    q = figure.quantity
    annual = model.allocation.annual_output if model.allocation else None
    if q in ("stage_annual", "total_annual") and annual is None:
        raise ValueError(f"figure '{figure.id}' is annual but the model has no annual output")
    method_unit = result.unit
    if q == "total":
        return _in(result.total, method_unit, figure.unit), None
    if q == "total_annual":
        return _in(result.total * annual, method_unit, figure.unit), None
    if q == "stage":
        return _in(result.stages[figure.stage], method_unit, figure.unit), None
    if q == "stage_annual":
        return _in(result.stages[figure.stage] * annual, method_unit, figure.unit), None
    if q == "stage_share":
        return _in(
            result.share(result.stages[figure.stage]) / 100, "dimensionless", figure.unit
        ), None
    if q == "total_share":
        return _in(sum(result.stages.values()) / result.total, "dimensionless", figure.unit), None
    if q == "annual_output":
        return _in(annual, model.allocation.unit, figure.unit), None
    if q == "method_year":
        method = catalog.methods[result.method]
        return float(method.year), Note("method_year", {"method": list(method.name[1:]),
                                                        "year": method.year})  # fmt: skip
    exchange = _exchange(model, figure)
    if q == "activity_amount_annual":
        return _in(exchange.annual_amount, exchange.unit, figure.unit), None
    if q == "emission_factor":
        value = result.unit_scores[(exchange.database, exchange.code)]
        return value, Note("factor_unit", {"unit": method_unit, "per": exchange.unit,
                                           "input": named_input(catalog, exchange)})  # fmt: skip
    raise ValueError(f"unknown quantity '{q}'")


def _in(value: float, unit: str, target: str) -> float:
    return convert(quantity(value, unit), target)


def _exchange(model: ProductModel, figure: DeclaredSpec):
    activity = model.activity(figure.activity)
    for x in activity.exchanges:
        if x.code == figure.input:
            return x
    raise ValueError(
        f"figure '{figure.id}': activity '{figure.activity}' has no input '{figure.input}'"
    )


def explain_ratio(
    declared: float, computed: float, model: ProductModel, catalog: Catalog, figure: DeclaredSpec
) -> Note | None:
    """Name a parameter of the input process that equals computed/declared, if one does."""
    if figure.quantity != "emission_factor" or not declared:
        return None
    ratio = computed / declared
    x = _exchange(model, figure)
    process = catalog_process(catalog, x.database, x.code)
    of = f"{registry().Unit(x.unit):~}"
    for name, spec in process.meta.get("parameters", {}).items():
        value = spec["value"]
        if value and abs(ratio / value - 1) < 5e-4:
            unit = registry().Unit(spec.get("unit", "dimensionless"))
            per = registry().Unit(x.unit) * unit
            return Note("ratio_parameter", {"ratio": ratio, "parameter": name, "value": value,
                                            "unit": f"{unit:~}", "input": named_input(catalog, x),
                                            "per": f"{per:~}", "of": of})  # fmt: skip
    return Note("ratio", {"ratio": ratio, "of": of})


def audit(catalog: Catalog, model: ProductModel, result: StaticResult) -> AuditResult:
    """Check every declared figure of ``model`` against ``result`` and against each other."""
    if model.declared is None:
        raise ValueError(f"model '{model.name}' has no declared figures")
    checks = []
    for figure in model.declared.figures:
        declared, decimals = printed_value(figure.printed)
        computed, note = recompute(figure, model, catalog, result)
        status = classify(declared, decimals, computed)
        if status != "ok":
            note = (
                explain_ratio(declared, computed, model, catalog, figure)
                or _same_as_elsewhere(figure, model.declared.figures)
                or note
            )
        checks.append(Check(figure, declared, decimals, computed, status, note))
    return AuditResult(model.name, model.declared.document, tuple(checks), conflicts(checks),
                       check_claims(catalog, model, result))  # fmt: skip


def _same_as_elsewhere(figure: DeclaredSpec, figures: list[DeclaredSpec]) -> Note | None:
    """A wrong figure printed identically for another quantity was probably copied from there."""
    for other in figures:
        if other.printed == figure.printed and other.quantity != figure.quantity:
            what = {"quantity": other.quantity, "stage": other.stage}
            return Note("same_number", {"what": what, "where": other.where})
    return None


def conflicts(checks: list[Check]) -> tuple[Conflict, ...]:
    """Quantities declared in several places whose printed values cannot be the same number."""
    by_quantity: dict[tuple, list[Check]] = {}
    for c in checks:
        f = c.figure
        by_quantity.setdefault((f.quantity, f.stage, f.activity, f.input), []).append(c)
    out = []
    for key, group in by_quantity.items():
        clusters: list[list[Check]] = []
        for c in group:
            home = next((cl for cl in clusters if _compatible(cl[0], c)), None)
            if home is None:
                clusters.append([c])
            else:
                home.append(c)
        if len(clusters) > 1:
            what = dict(zip(("quantity", "stage", "activity", "input"), key, strict=True))
            groups = tuple((cl[0].declared, tuple(c.figure for c in cl)) for cl in clusters)
            out.append(Conflict(what, groups))
    return tuple(out)


def _compatible(a: Check, b: Check) -> bool:
    """Two printed figures can round the same number when they differ by under both half-units."""
    return abs(a.declared - b.declared) <= (10.0**-a.decimals + 10.0**-b.decimals) / 2 + 1e-12
