"""A whole CFP study of one model: every computation a report needs, run once."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from ..model.objects import Catalog, Method, ProductModel
from .audit import AuditResult, audit
from .compare import Comparison, compare
from .lcia import StaticResult, static_lcia
from .montecarlo import MonteCarloResult, run_monte_carlo
from .sensitivity import SensitivityResult, analyse


@dataclass(frozen=True)
class Study:
    """Results of one model: static, Monte Carlo, sensitivity, scenarios, audit."""

    model: ProductModel
    method: Method
    static: StaticResult
    mc: MonteCarloResult
    gsa: SensitivityResult
    comparison: Comparison | None
    scenario_titles: dict[str, str]
    scenario_kinds: dict[str, str]
    audited: AuditResult | None
    audited_model: ProductModel | None
    beside: tuple[ProductModel, StaticResult] | None


def run_study(
    catalog: Catalog,
    model: ProductModel,
    method: Method,
    n: int,
    seed: int,
    sources: Sequence[str],
    scenarios: Mapping[str, ProductModel],
    scenario_titles: Mapping[str, str],
    related: ProductModel | None = None,
    sobol_n: int = 2048,
    progress: Callable[[int], None] | None = None,
    group: bool = True,
    scenario_kinds: Mapping[str, str] | None = None,
) -> Study:
    """Run everything for ``model``; ``related`` is the model it compares with (the report's),
    whose declared figures are audited when ``model`` has none of its own."""
    static = static_lcia(catalog, model, method)
    mc = run_monte_carlo(catalog, model, method, n=n, seed=seed, sources=sources,
                         keep_samples=True, progress=progress)  # fmt: skip
    gsa = analyse(model, method, sources, min(n, 20_000), sobol_n, seed, group)
    comparison = (
        compare(scenarios, method, min(n, 20_000), seed, sources) if len(scenarios) > 1 else None
    )
    target = model if model.declared is not None else related
    audited = None
    if target is not None and target.declared is not None:
        declared_method = catalog.methods[target.declared.method]
        audited = audit(catalog, target, static_lcia(catalog, target, declared_method))
    beside = (related, static_lcia(catalog, related, method)) if related is not None else None
    return Study(model, method, static, mc, gsa, comparison, dict(scenario_titles),
                 dict(scenario_kinds or {}), audited,
                 target if audited else None, beside)  # fmt: skip
