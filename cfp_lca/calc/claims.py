"""Check the claims a study makes in words against its model: the gases it says it covers, its
system boundary, what a stage holds, the kind of its factors, and its exclusions against its
own cut-off rule (ISO 14067:2018 6.3.4, 6.3.4.3, 6.4.9.4, 7.3).

A claim is "ok" when the model bears it out, "contradicted" when the model shows otherwise
(the finding says how, with numbers), and "unchecked" when the model does not hold what it
would take (no EN 15804 modules, pre-characterized factors that may hold any gas).
Nothing about any particular report is written here: the claims come from the declared file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..brightway.linking import catalog_process
from ..errors import InputError
from ..model.amounts import parameter_values
from ..model.formula import FormulaProblem, evaluate
from ..model.objects import Catalog, Exchange, ProductModel
from ..model.reading import read_yaml
from ..model.schema import ClaimSpec, ModelFile
from ..model.units import UnitProblem, convert, quantity
from ..model.validation import validate
from .static import StaticResult

# what a boundary claims, as EN 15804+A2 module groups the model's stages must reach
BOUNDARY_GROUPS = {
    "cradle_to_gate": {"A1-A3": ("A1", "A2", "A3")},
    "cradle_to_grave": {
        "A1-A3": ("A1", "A2", "A3"),
        "B1-B7": ("B1", "B2", "B3", "B4", "B5", "B6", "B7"),
        "C1-C4": ("C1", "C2", "C3", "C4"),
    },
}
# words of a factor's stated boundary that say it is not a life-cycle factor
NOT_LIFE_CYCLE = ("combustion", "scope 2", "tank to wheel", "emissions only")


@dataclass(frozen=True)
class ClaimCheck:
    """One claim of the document and what the model says of it: the finding as a key of the
    report's catalog (``cf_<finding>``, worded in each language there) and its values."""

    claim: ClaimSpec
    status: str  # "ok", "contradicted" or "unchecked"
    finding: str
    values: Mapping[str, Any] = field(default_factory=dict)


def check_claims(catalog: Catalog, model: ProductModel, result: StaticResult) -> tuple:
    """Every claim of the model's declared file, checked."""
    if model.declared is None:
        return ()
    checks = {"gases": _gases, "boundary": _boundary, "stage_content": _stage_content,
              "factor_boundary": _factor_boundary, "exclusion": _exclusion}  # fmt: skip
    return tuple(checks[c.kind](c, catalog, model, result) for c in model.declared.claims)


def _gases(claim: ClaimSpec, catalog: Catalog, model: ProductModel, result: StaticResult):
    """The gases the inventory holds (a non-zero contribution) against those claimed."""
    present, precharacterized = set(), 0.0
    for code, value in result.flows.items():
        flow = result.flow_info.get(code) or catalog.flows.get(code)
        if not value or flow is None:
            continue
        if flow.group == "precharacterized":
            precharacterized += value
        elif flow.formula:
            present.add(flow.formula.upper())
    missing = [g for g in claim.gases if g.upper() not in present]
    values = {"held": sorted(present), "missing": missing}
    if not missing:
        return ClaimCheck(claim, "ok", "gases_ok", values)
    if precharacterized:
        share = result.share(precharacterized)
        return ClaimCheck(claim, "unchecked", "gases_unchecked", {**values, "share": share})
    return ClaimCheck(claim, "contradicted", "gases_contradicted", values)


def _boundary(claim: ClaimSpec, catalog: Catalog, model: ProductModel, result: StaticResult):
    """Each module group the boundary needs has a stage of the model."""
    if not model.modules:
        return ClaimCheck(claim, "unchecked", "boundary_unchecked")
    reached = set(model.modules.values())
    lacking = [group for group, modules in BOUNDARY_GROUPS[claim.boundary].items()
               if not reached & set(modules)]  # fmt: skip
    values = {"boundary": claim.boundary, "lacking": lacking, "reached": sorted(reached)}
    return ClaimCheck(claim, "contradicted" if lacking else "ok",
                      "boundary_contradicted" if lacking else "boundary_ok", values)  # fmt: skip


def _stage_content(claim: ClaimSpec, catalog: Catalog, model: ProductModel,
                   result: StaticResult):  # fmt: skip
    """The activity's inputs are of the categories the claim describes."""
    activity = model.activity(claim.activity)
    wrong = []
    for x in activity.exchanges:
        if x.kind != "technosphere" or x.database == model.database:
            continue
        category = catalog_process(catalog, x.database, x.code).meta.get("category") or "none"
        if not any(category == c or category.startswith(f"{c}/") for c in claim.categories):
            wrong.append(_bought(catalog, x, category))
    named = {"code": activity.code, "name": activity.name,
             "name_zh": activity.meta.get("name_zh")}  # fmt: skip
    values = {"activity": named, "bought": wrong, "categories": list(claim.categories)}
    if wrong:
        return ClaimCheck(claim, "contradicted", "stage_contradicted", values)
    return ClaimCheck(claim, "ok", "stage_ok", values)


def named_input(catalog: Catalog, x: Exchange) -> dict[str, Any]:
    """The process an exchange takes from, by code with its names, for the report to name."""
    process = catalog_process(catalog, x.database, x.code)
    return {"code": x.code, "name": process.name, "name_zh": process.meta.get("name_zh")}


def _bought(catalog: Catalog, x: Exchange, category: str) -> dict[str, Any]:
    """One input outside the claimed categories: amount, unit, process, category."""
    return {"amount": x.amount, "unit": x.unit, **named_input(catalog, x), "category": category}


def _factor_boundary(claim: ClaimSpec, catalog: Catalog, model: ProductModel,
                     result: StaticResult):  # fmt: skip
    """Every factor the model buys directly covers its life cycle, as the claim implies."""
    short: dict[tuple[str, str], str] = {}
    for a in model.activities:
        for x in a.exchanges:
            if x.kind == "technosphere" and x.database != model.database:
                stated = catalog_process(catalog, x.database, x.code).meta.get("boundary") or ""
                if any(w in stated.lower() for w in NOT_LIFE_CYCLE):
                    short[(x.database, x.code)] = stated
    if not short:
        return ClaimCheck(claim, "ok", "factors_ok")
    carried = sum(result.background.get(k, 0.0) for k in short)
    factors = [{"code": code, "name": catalog_process(catalog, db, code).name, "stated": stated}
               for (db, code), stated in short.items()]  # fmt: skip
    return ClaimCheck(claim, "contradicted", "factors_contradicted",
                      {"factors": factors, "share": result.share(carried)})  # fmt: skip


def _exclusion(claim: ClaimSpec, catalog: Catalog, model: ProductModel, result: StaticResult):
    """The excluded item's share (estimated from another model) against the document's own
    cut-off rule."""
    estimate, rule = claim.estimate, claim.rule
    other = catalog.models.get(estimate.model)
    if other is None:
        raise InputError(model.declared_path, f"claims '{claim.id}' > estimate",
                         f"unknown model '{estimate.model}'")  # fmt: skip
    names = _parameters(other)
    try:
        item, whole = (evaluate(estimate.item, names), evaluate(estimate.whole, names))
        share = 100 * convert(quantity(1.0, "dimensionless") * item / whole, "dimensionless")
    except (FormulaProblem, UnitProblem) as exc:
        raise InputError(model.declared_path, f"claims '{claim.id}' > estimate",
                         str(exc)) from None  # fmt: skip
    named = {"code": other.name, "name": other.title, "name_zh": other.title_zh}
    values = {"item": claim.item, "share": share, "basis": rule.basis, "size": _shown(item),
              "whole": _shown(whole), "model": named, "below": rule.below_percent,
              "where": rule.where}  # fmt: skip
    if share >= rule.below_percent:
        return ClaimCheck(claim, "contradicted", "exclusion_contradicted", values)
    return ClaimCheck(claim, "ok", "exclusion_ok", values)


def _parameters(model: ProductModel) -> Mapping:
    """A model's parameters as pint quantities, at their values in its file."""
    spec = validate(model.path, read_yaml(model.path), ModelFile)
    return parameter_values(model.path, "", spec.parameters)


def _shown(q) -> str:
    return f"{q.magnitude:.4g} {q.units:~}" if hasattr(q, "units") else f"{q:.4g}"
