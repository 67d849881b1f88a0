"""A whole CFP study of one model: every computation a report needs, run once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..model.objects import Catalog, Method, ProductModel
from ..steps import step
from .assumptions import AssumptionRanges, assumption_ranges, has_assumptions
from .audit import AuditResult, audit
from .compare import DEFAULT_THRESHOLD, Comparison, Plan, Threshold, compare
from .lcia import computed_lca, static_lcia
from .montecarlo import MonteCarloResult, run_monte_carlo
from .sensitivity import SensitivityResult, analyse
from .static import StaticResult
from .tree import Branch, branch_keys, supply_tree

TREE_CUTOFF = 0.01  # the report's supply tree: branches of at least 1 % of the footprint


@dataclass(frozen=True)
class SourceVariance:
    """Variance of the total with each uncertainty source alone (same seed and iterations as
    the study's run) and with all of them together (the study's run itself)."""

    alone: dict[str, float]
    combined: float

    @property
    def shares(self) -> dict[str, float]:
        """Each source's variance over the sum of the sources' variances (first order)."""
        total = sum(self.alone.values())
        return {k: v / total if total else float("nan") for k, v in self.alone.items()}

    @property
    def interactions(self) -> float:
        """What the first-order sum leaves out: combined variance minus the sum."""
        return self.combined - sum(self.alone.values())


def variance(mc: MonteCarloResult) -> float:
    """Variance of the total of a run, from its statistics."""
    return mc.stats["total"].std ** 2


def source_variance(
    catalog: Catalog, model: ProductModel, method: Method, mc: MonteCarloResult
) -> SourceVariance:
    """Run the engine of ``mc`` once per source of ``mc`` alone (same seed, same iterations);
    a run of one source is its own breakdown."""
    alone = {
        source: variance(mc) if mc.sources == (source,) else variance(
            run_monte_carlo(catalog, model, method, n=mc.iterations, seed=mc.seed,
                            sources=(source,), engine=mc.engine)
        )
        for source in mc.sources
    }  # fmt: skip
    return SourceVariance(alone, variance(mc))


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
    sources_variance: SourceVariance | None = None
    assumptions: AssumptionRanges | None = None  # each assumption's range, data held
    # the supply tree above TREE_CUTOFF and its branches' nodes (database, code)
    tree: tuple[list[Branch], dict] | None = None


def run_study(
    catalog: Catalog,
    model: ProductModel,
    method: Method,
    n: int,
    seed: int,
    sources: Sequence[str],
    scenarios: Plan | None,
    related: ProductModel | None = None,
    sobol_n: int = 2048,
    progress: Callable[[int], None] | None = None,
    group: bool = True,
    threshold: Threshold = DEFAULT_THRESHOLD,
) -> Study:
    """Run everything for ``model``; ``related`` is the model it compares with (the report's),
    whose declared figures are audited when ``model`` has none of its own; ``scenarios`` are
    compared when they hold at least two."""
    with step(f"{model.name}: footprint"):
        lca = computed_lca(model, method)  # one inventory for the result and its tree
        static = static_lcia(catalog, model, method, lca)
        branches = supply_tree(lca, TREE_CUTOFF)
        tree = (branches, branch_keys(branches))
    with step(f"{model.name}: Monte Carlo, {n:,} iterations"):
        mc = run_monte_carlo(catalog, model, method, n=n, seed=seed, sources=sources,
                             keep_samples=True, progress=progress)  # fmt: skip
    with step(f"{model.name}: sensitivity"):
        gsa = analyse(model, method, sources, min(n, 20_000), sobol_n, seed, group)
    comparison = None
    if scenarios is not None and len(scenarios.models) > 1:
        with step(f"{model.name}: {len(scenarios.models)} scenarios"):
            comparison = compare(scenarios.models, method, min(n, 20_000), seed, sources,
                                 groups=scenarios.groups, threshold=threshold)  # fmt: skip
    target = model if model.declared is not None else related
    audited = None
    if target is not None and target.declared is not None:
        with step(f"{target.name}: audit of the declared figures"):
            declared_method = catalog.methods[target.declared.method]
            audited = audit(catalog, target, static_lcia(catalog, target, declared_method))
    beside = (related, static_lcia(catalog, related, method)) if related is not None else None
    with step(f"{model.name}: variance by source"):
        by_source = source_variance(catalog, model, method, mc)
    ranges = None
    if has_assumptions(model) and "assumptions" not in sources:
        with step(f"{model.name}: assumption ranges"):
            ranges = assumption_ranges(model, method, min(n, 20_000), seed)
    return Study(model, method, static, mc, gsa, comparison,
                 dict(scenarios.titles) if scenarios else {},
                 dict(scenarios.kinds) if scenarios else {}, audited,
                 target if audited else None, beside, by_source, ranges, tree)  # fmt: skip
