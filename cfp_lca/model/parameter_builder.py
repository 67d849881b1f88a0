"""Building a model's parameter layer from its files: each parameter resolved through pint
into its magnitude in base units, formulas checked, exchanges driven by random parameters
found, correlations factored. The objects it builds (:mod:`.parameters`) import neither pint
nor the formula parser, so a catalog read from the cache does not either.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError
from .formula import FormulaProblem, evaluate, formula_names, with_names_replaced
from .objects import BrightwayParameter, Exchange
from .parameters import (
    STATIC_RTOL,
    Correlation,
    DrivenExchange,
    ParameterModel,
    RandomParameter,
    Step,
    copula_factor,
)
from .schema import CorrelationSpec, ParameterSpec
from .uncertainty import stats_arrays_fields
from .units import UnitMismatch, UnitProblem, convert, quantity, registry

if TYPE_CHECKING:
    import pint


def base_magnitude(q: pint.Quantity | float) -> float:
    """The magnitude of ``q`` in pint's base units (a plain number is dimensionless)."""
    import pint

    if not isinstance(q, pint.Quantity):
        return float(q)
    return float(q.to_base_units().magnitude)


class ParameterBuilder:
    """Collects a model's random parameters, scopes and driven exchanges while it is loaded."""

    def __init__(self, path: Path, centre: str = "median"):
        self.path, self.centre = path, centre
        self.random: list[RandomParameter] = []
        self.declared: set[str] = set()  # every model parameter's name, for messages
        self.static: dict[str, float] = {}
        self.steps: dict[str | None, tuple[Step, ...]] = {}
        self.dependent: dict[str | None, set[str]] = {}
        self.driven: list[DrivenExchange] = []
        # every parameter as Brightway holds it, and per scope the base factor each name's
        # value is multiplied by in a Brightway formula (1 for formula parameters)
        self.brightway: list[BrightwayParameter] = []
        self.factors: dict[str | None, dict[str, float]] = {}

    def add_scope(
        self,
        entry: str,
        activity: str | None,
        specs: Mapping[str, ParameterSpec],
        values: Mapping[str, pint.Quantity],
    ) -> None:
        """The parameters of the model (``activity`` None, first) or of one activity."""
        dependent = set(self.dependent.get(None, set())) if activity else set()
        factors = dict(self.factors.get(None, {})) if activity else {}
        steps = []
        for name, spec in specs.items():
            where = f"{entry} > parameters > {name}" if entry else f"parameters > {name}"
            self.declared.add(name if activity is None else f"{activity}.{name}")
            self.brightway.append(
                self._brightway(where, activity, name, spec, values[name], factors)
            )
            factors[name] = 1.0 if spec.formula is not None else _base_factor(spec.unit)
            drawn = self._random(where, activity, name, spec)
            if drawn is not None:
                steps.append(Step(name, "random", index=len(self.random)))
                self.random.append(drawn)
                dependent.add(name)
            elif spec.formula is not None and formula_names(spec.formula) & dependent:
                steps.append(Step(name, "formula", formula=spec.formula))
                dependent.add(name)
            else:
                value = base_magnitude(values[name])
                dependent.discard(name)
                if activity is None:
                    self.static[name] = value
                else:
                    steps.append(Step(name, "static", value=value))
        self.steps[activity] = tuple(steps)
        self.dependent[activity] = dependent
        self.factors[activity] = factors

    def _brightway(self, where: str, activity: str | None, name: str, spec: ParameterSpec,
                   value: pint.Quantity | float,
                   factors: Mapping[str, float]) -> BrightwayParameter:  # fmt: skip
        """One parameter as Brightway holds it (see :class:`BrightwayParameter`)."""
        import pint

        data = {"source": spec.source, "kind": spec.kind}
        if spec.description:
            data["description"] = spec.description
        if spec.formula is not None:
            base = value.to_base_units().units if isinstance(value, pint.Quantity) else ""
            return BrightwayParameter(activity, name, base_magnitude(value),
                                      brightway_formula(spec.formula, factors),
                                      str(base) or "dimensionless", data)  # fmt: skip
        try:
            data |= stats_arrays_fields(spec.value, 1.0, spec.uncertainty, spec.pedigree,
                                        self.centre)  # fmt: skip
        except ValueError as exc:
            raise InputError(self.path, where, f"uncertainty: {exc}") from None
        return BrightwayParameter(activity, name, float(spec.value), None, spec.unit, data)

    def exchange_formula(self, entry: str, activity: str, formula: str, exchange: Exchange,
                         owner_unit: str, names: Mapping[str, pint.Quantity],
                         share: float = 1.0) -> str:  # fmt: skip
        """The Brightway formula of an exchange given by ``formula``: the stored amount (the
        exchange's unit per ``owner_unit``, times an allocated ``share``) over the parameters
        as written to the project."""
        try:
            factor = unit_factor(evaluate(formula, names), exchange.unit, owner_unit) * share
        except (UnitProblem, FormulaProblem) as exc:
            raise InputError(self.path, entry, str(exc)) from None
        scope = activity if activity in self.factors else None
        text = brightway_formula(formula, self.factors.get(scope, {}))
        return text if factor == 1.0 else f"{factor!r} * ({text})"

    def _random(
        self, where: str, activity: str | None, name: str, spec: ParameterSpec
    ) -> RandomParameter | None:
        """The random variable of a value parameter with a distribution, else None."""
        if spec.value is None or (spec.uncertainty is None and spec.pedigree is None):
            return None
        try:
            fields = stats_arrays_fields(
                spec.value, 1.0, spec.uncertainty, spec.pedigree, self.centre
            )
            factor = _base_factor(spec.unit)
        except (ValueError, UnitProblem) as exc:
            raise InputError(self.path, where, f"uncertainty: {exc}") from None
        if fields["uncertainty type"] in (0, 1):
            return None  # exact: distribution none, or a value of 0
        qualified = name if activity is None else f"{activity}.{name}"
        return RandomParameter(
            qualified, spec.unit, spec.value, fields, factor, spec.source, spec.description,
            spec.kind,
        )  # fmt: skip

    def scope_of(self, activity: str) -> str | None:
        """The scope an activity's formulas see: its own if it has parameters."""
        return activity if activity in self.steps else None

    def drives(self, activity: str, formula: str | None) -> bool:
        """Whether an exchange formula depends on random parameters (a formula that does not
        parse does not: evaluating it for the exchange says what is wrong)."""
        if formula is None:
            return False
        try:
            names = formula_names(formula)
        except FormulaProblem:
            return False
        return bool(names & self.dependent.get(self.scope_of(activity), set()))

    def add_exchange(
        self,
        entry: str,
        activity: str,
        index: int,
        formula: str,
        exchange: Exchange,
        owner_unit: str,
        names: Mapping[str, pint.Quantity],
        share: float = 1.0,
    ) -> None:
        """A driven exchange: its formula, scope and unit factor (base unit -> stored, times
        the allocated ``share`` of a multi-output activity)."""
        try:
            result = evaluate(formula, names)
            factor = unit_factor(result, exchange.unit, owner_unit) * share
        except (UnitProblem, FormulaProblem) as exc:
            raise InputError(self.path, entry, str(exc)) from None
        self.driven.append(
            DrivenExchange(
                activity, index, formula, self.scope_of(activity), factor,
                exchange.amount, entry,
            )
        )  # fmt: skip

    def build(self, correlations: Sequence[CorrelationSpec]) -> ParameterModel | None:
        """The model's parameters, correlations checked and every driven amount verified."""
        model = ParameterModel(
            random=tuple(self.random),
            model_static=dict(self.static),
            model_steps=self.steps.get(None, ()),
            activity_steps={k: v for k, v in self.steps.items() if k is not None},
            driven=tuple(self.driven),
            correlations=tuple(self._correlations(correlations)),
            centre=self.centre,
        )
        self._check_static(model)
        return model if model.random else None

    def _correlations(self, specs: Sequence[CorrelationSpec]) -> list[Correlation]:
        """Declared correlations between known random parameters; positive definite."""
        names = [p.name for p in self.random]
        out, pairs = [], set()
        for i, c in enumerate(specs):
            where = f"correlations[{i}]"
            for n in c.parameters:
                if n not in names:
                    raise InputError(self.path, where, _not_random(n, self.declared, names))
            pair = frozenset(c.parameters)
            if pair in pairs:
                raise InputError(self.path, where, f"correlation of {_pair(c)} given twice")
            pairs.add(pair)
            out.append(Correlation(tuple(c.parameters), c.spearman, c.source))
        _, _, failed = copula_factor(names, out)
        if failed:
            shown = "; ".join(", ".join(f"'{n}'" for n in comp) for comp in failed)
            raise InputError(
                self.path,
                "correlations",
                f"the rank correlations between {shown} are not consistent: their correlation "
                "matrix (Pearson of normal scores, 2 sin(pi rho / 6)) is not positive definite; "
                "weaken some of them",
            )
        return out

    def _check_static(self, model: ParameterModel) -> None:
        """Evaluated at the static values, each driven amount equals its stored amount."""
        got = model.amounts(model.static_values)
        for x, value in zip(model.driven, got, strict=True):
            value = float(value)
            if not math.isclose(value, x.amount, rel_tol=STATIC_RTOL, abs_tol=1e-300):
                raise InputError(
                    self.path,
                    x.origin,
                    f"the formula over base units gives {value!r}, not the amount {x.amount!r} "
                    "found with units: a unit conversion that is not a plain factor",
                )


def _base_factor(unit: str) -> float:
    """The magnitude in pint's base units of one ``unit``."""
    return base_magnitude(quantity(1.0, unit))


def brightway_formula(text: str, factors: Mapping[str, float]) -> str:
    """``text`` with each name whose factor is not 1 multiplied by it: the formula over the
    parameters' values as Brightway holds them, giving the magnitude in base units."""
    import ast

    def scaled(node: ast.Name) -> ast.expr:
        factor = factors.get(node.id, 1.0)
        return node if factor == 1.0 else ast.BinOp(node, ast.Mult(), ast.Constant(factor))

    return with_names_replaced(text, scaled)


def unit_factor(result: pint.Quantity | float, stored: str, owner: str) -> float:
    """The stored amount (``stored`` per ``owner``) of one base unit of a formula's result."""
    import pint

    base = result.to_base_units().units if isinstance(result, pint.Quantity) else None
    one = registry().Quantity(1.0, base) if base is not None else quantity(1.0, "dimensionless")
    target = f"({stored}) / ({owner})"
    try:
        return convert(one, target)
    except UnitMismatch:
        return convert(one / quantity(1.0, owner), target)


def _not_random(name: str, declared: set[str], names: Sequence[str]) -> str:
    """Why a correlation cannot name ``name``."""
    if name in declared:
        return f"parameter '{name}' has no uncertainty: only random parameters are correlated"
    known = ", ".join(names) or "none"
    return f"unknown parameter '{name}' (uncertain parameters: {known})"


def _pair(c: CorrelationSpec) -> str:
    return f"'{c.parameters[0]}' and '{c.parameters[1]}'"
