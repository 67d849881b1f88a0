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

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

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
    # "data": its spread is the uncertainty of data; "assumption": a value chosen for want of
    # data, drawn only with the "assumptions" source, its range reported as a sensitivity
    kind: str = "data"

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

    def held(self, sources: Sequence[str]) -> tuple[int, ...]:
        """Indices of the random parameters ``sources`` leave at their values: assumptions
        unless "assumptions" is among them, data unless "foreground" is."""
        drawn = {"data": "foreground" in sources, "assumption": "assumptions" in sources}
        return tuple(i for i, p in enumerate(self.random) if not drawn.get(p.kind, True))

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
        from .formula import evaluate_magnitudes

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
        from .formula import formula_names

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
    from .formula import evaluate_magnitudes

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
    from .formula import formula_names

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


def pearson_of_spearman(rho: np.ndarray | float) -> np.ndarray | float:
    """Pearson correlation of normal scores giving rank correlation ``rho`` (Gaussian copula)."""
    return 2.0 * np.sin(np.pi * np.asarray(rho) / 6.0)


def copula_factor(
    names: Sequence[str], correlations: Sequence[Correlation]
) -> tuple[np.ndarray, np.ndarray, list[list[str]]]:
    """(indices of correlated parameters, lower Cholesky factor of r = 2 sin(pi rho / 6), the
    components that are not positive definite). Parameters not named stay independent."""
    import scipy.linalg

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
    import scipy.linalg

    try:
        scipy.linalg.cholesky(r[np.ix_(comp, comp)], lower=True)
    except scipy.linalg.LinAlgError:
        return False
    return True
