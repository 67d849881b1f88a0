"""Uncertain parameters of a product model: random variables and the amounts they drive.

A value parameter of a model (``parameters:`` of the model file or of one of its activities)
with ``uncertainty`` or ``pedigree`` is a random variable, drawn once per Monte Carlo
iteration in its own unit and centred on its value as exchanges are (a lognormal's median is
the value, its mean with ``lognormal_centre: mean``). Formula parameters and exchange formulas
that use it, directly or through other formula parameters, are evaluated for all samples at
once over numpy arrays by the formula evaluator of :mod:`.formula`.

Units are resolved once through pint: every parameter enters as its magnitude in pint's base
units (one factor per parameter), the formula is evaluated over those magnitudes, and one
constant factor takes the result's base unit to the exchange's stored unit (its unit per unit
of the activity). Evaluated at the static values this reproduces every stored amount (checked
to 1e-12 when the model is loaded); no unit is touched per sample.

Correlations between parameters are rank (Spearman) correlations, sampled with a Gaussian
copula: the Pearson matrix of the normal scores is r = 2 sin(pi rho_s / 6), factored by
Cholesky when the model is loaded (a matrix that is not positive definite is refused).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pint
import scipy.linalg

from ..errors import InputError
from .formula import FormulaProblem, evaluate, evaluate_magnitudes, formula_names
from .objects import Exchange
from .schema import CorrelationSpec, ParameterSpec
from .uncertainty import stats_arrays_fields
from .units import UREG, UnitMismatch, UnitProblem, convert, quantity

STATIC_RTOL = 1e-12  # evaluated at the static values, a driven amount must equal the stored one


@dataclass(frozen=True)
class RandomParameter:
    """A parameter drawn once per iteration: its distribution in its own unit."""

    name: str  # a model parameter's name; an activity's as ``activity.name``
    unit: str
    value: float
    uncertainty: dict  # stats_arrays fields, in ``unit``
    base_factor: float  # magnitude in pint's base units of one ``unit``
    source: str
    description: str | None = None

    @property
    def label(self) -> str:
        """How tables and plots name the parameter: its description, else its name."""
        return self.description or self.name


@dataclass(frozen=True)
class Step:
    """One parameter of a scope, in file order: a fixed base magnitude, a draw or a formula."""

    name: str
    kind: str  # "static", "random" or "formula"
    value: float = 0.0  # base magnitude of a static parameter
    index: int = -1  # position of a random parameter in ParameterModel.random
    formula: str = ""


@dataclass(frozen=True)
class DrivenExchange:
    """An exchange whose formula depends on random parameters."""

    activity: str
    index: int  # position in the activity's exchanges
    formula: str
    scope: str | None  # the activity whose parameters the formula sees; None: the model's
    factor: float  # stored amount per base-unit magnitude of the formula's result
    amount: float  # the stored static amount
    origin: str


@dataclass(frozen=True)
class Correlation:
    """A declared rank correlation between two random parameters."""

    parameters: tuple[str, str]
    spearman: float
    source: str


@dataclass(frozen=True)
class ParameterModel:
    """A model's random parameters, how formulas see them, and the exchanges they drive."""

    random: tuple[RandomParameter, ...]
    model_static: dict[str, float] = field(repr=False)  # base magnitudes, model scope
    model_steps: tuple[Step, ...]  # random and dependent formula parameters of the model
    activity_steps: dict[str, tuple[Step, ...]] = field(repr=False)  # activity scopes
    driven: tuple[DrivenExchange, ...]
    correlations: tuple[Correlation, ...] = ()
    centre: str = "median"

    @property
    def names(self) -> tuple[str, ...]:
        """The random parameters' names, in the order of ``random`` (rows of draws)."""
        return tuple(p.name for p in self.random)

    @property
    def static_values(self) -> np.ndarray:
        """(k,) the random parameters' values in their units."""
        return np.array([p.value for p in self.random], dtype=np.float64)

    def amounts(self, draws: np.ndarray | Sequence[np.ndarray]) -> list[np.ndarray | float]:
        """Stored amounts of the driven exchanges (data sign) for parameter draws: row i of
        ``draws`` holds parameter i in its unit, any shape of samples."""
        return [v * x.factor for v, x in zip(self.magnitudes(draws), self.driven, strict=True)]

    def magnitudes(self, draws: np.ndarray | Sequence[np.ndarray]) -> list[np.ndarray | float]:
        """The driven formulas' values in base units (stored amount = value x ``factor``)."""
        model_ns = dict(self.model_static)
        _apply(self.model_steps, model_ns, self.random, draws)
        spaces: dict[str | None, dict] = {None: model_ns}
        out = []
        for x in self.driven:
            if x.scope not in spaces:
                spaces[x.scope] = dict(model_ns)
                _apply(self.activity_steps[x.scope], spaces[x.scope], self.random, draws)
            out.append(evaluate_magnitudes(x.formula, spaces[x.scope]))
        return out

    def used(self) -> list[int]:
        """Indices of the random parameters that some driven exchange depends on (directly or
        through formula parameters), in order; a model variant may leave some unused."""
        need: dict[str | None, set[str]] = {}
        for x in self.driven:
            need.setdefault(x.scope, set()).update(formula_names(x.formula))
        found: set[int] = set()
        outer = need.pop(None, set())
        for scope, names in need.items():
            outer |= _needs(self.activity_steps[scope], names, found)
        _needs(self.model_steps, outer, found)
        return sorted(found)

    def correlation_factor(self) -> tuple[np.ndarray, np.ndarray]:
        """(indices of the correlated parameters, lower Cholesky factor of their Pearson
        matrix of normal scores); empty when no correlation is declared."""
        return copula_factor(self.names, self.correlations)[:2]


def _apply(steps: Sequence[Step], ns: dict, random: Sequence[RandomParameter], draws) -> None:
    """Set a scope's parameters in ``ns`` in file order: draws in base units, then formulas."""
    for s in steps:
        if s.kind == "static":
            ns[s.name] = s.value
        elif s.kind == "random":
            factor = random[s.index].base_factor
            ns[s.name] = draws[s.index] if factor == 1.0 else draws[s.index] * factor
        else:
            ns[s.name] = evaluate_magnitudes(s.formula, ns)


def _needs(steps: Sequence[Step], names: set[str], found: set[int]) -> set[str]:
    """Walk a scope's steps backwards from the names a formula needs: random parameters
    reached go into ``found``; returns the names the scope does not define itself."""
    names = set(names)
    for step in reversed(steps):
        if step.name not in names:
            continue
        names.discard(step.name)
        if step.kind == "random":
            found.add(step.index)
        elif step.kind == "formula":
            names |= formula_names(step.formula)
    return names


def base_magnitude(q: pint.Quantity | float) -> float:
    """The magnitude of ``q`` in pint's base units (a plain number is dimensionless)."""
    if not isinstance(q, pint.Quantity):
        return float(q)
    return float(q.to_base_units().magnitude)


def pearson_of_spearman(rho: np.ndarray | float) -> np.ndarray | float:
    """Pearson correlation of normal scores giving rank correlation ``rho`` (Gaussian copula)."""
    return 2.0 * np.sin(np.pi * np.asarray(rho) / 6.0)


def copula_factor(
    names: Sequence[str], correlations: Sequence[Correlation]
) -> tuple[np.ndarray, np.ndarray, list[list[str]]]:
    """(indices of correlated parameters, lower Cholesky factor of r = 2 sin(pi rho / 6), the
    components that are not positive definite). Parameters not named stay independent."""
    position = {n: i for i, n in enumerate(names)}
    used = sorted({position[n] for c in correlations for n in c.parameters})
    local = {p: k for k, p in enumerate(used)}
    r = np.eye(len(used))
    for c in correlations:
        a, b = (local[position[n]] for n in c.parameters)
        r[a, b] = r[b, a] = pearson_of_spearman(c.spearman)
    failed = [
        [names[i] for i in group]
        for group in correlated_groups(names, correlations)
        if not _definite(r, [local[i] for i in group])
    ]
    if failed:
        return np.array(used, dtype=np.int64), np.zeros((0, 0)), failed
    factor = scipy.linalg.cholesky(r, lower=True) if used else np.zeros((0, 0))
    return np.array(used, dtype=np.int64), factor, []


def correlated_groups(names: Sequence[str], correlations: Sequence[Correlation]) -> list[list[int]]:
    """Indices (into ``names``) of parameters linked by declared correlations, one sorted list
    per linked group; uncorrelated parameters belong to none."""
    position = {n: i for i, n in enumerate(names)}
    root = list(range(len(names)))

    def find(i: int) -> int:
        while root[i] != i:
            i = root[i]
        return i

    for c in correlations:
        a, b = (find(position[n]) for n in c.parameters)
        root[max(a, b)] = min(a, b)
    groups: dict[int, list[int]] = {}
    for i in range(len(names)):
        groups.setdefault(find(i), []).append(i)
    return [g for g in groups.values() if len(g) > 1]


def _definite(r: np.ndarray, comp: list[int]) -> bool:
    """Whether the correlation matrix of one component is positive definite."""
    try:
        scipy.linalg.cholesky(r[np.ix_(comp, comp)], lower=True)
    except scipy.linalg.LinAlgError:
        return False
    return True


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

    def add_scope(
        self,
        entry: str,
        activity: str | None,
        specs: Mapping[str, ParameterSpec],
        values: Mapping[str, pint.Quantity],
    ) -> None:
        """The parameters of the model (``activity`` None, first) or of one activity."""
        dependent = set(self.dependent.get(None, set())) if activity else set()
        steps = []
        for name, spec in specs.items():
            where = f"{entry} > parameters > {name}" if entry else f"parameters > {name}"
            self.declared.add(name if activity is None else f"{activity}.{name}")
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
            factor = base_magnitude(quantity(1.0, spec.unit))
        except (ValueError, UnitProblem) as exc:
            raise InputError(self.path, where, f"uncertainty: {exc}") from None
        if fields["uncertainty type"] in (0, 1):
            return None  # exact: distribution none, or a value of 0
        qualified = name if activity is None else f"{activity}.{name}"
        return RandomParameter(
            qualified, spec.unit, spec.value, fields, factor, spec.source, spec.description
        )

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
    ) -> None:
        """A driven exchange: its formula, scope and unit factor (base unit -> stored)."""
        try:
            result = evaluate(formula, names)
            factor = unit_factor(result, exchange.unit, owner_unit)
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


def unit_factor(result: pint.Quantity | float, stored: str, owner: str) -> float:
    """The stored amount (``stored`` per ``owner``) of one base unit of a formula's result."""
    base = result.to_base_units().units if isinstance(result, pint.Quantity) else None
    one = UREG.Quantity(1.0, base) if base is not None else quantity(1.0, "dimensionless")
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
