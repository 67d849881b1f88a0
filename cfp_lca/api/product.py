"""One product model of a workspace: each of its results computed in the Brightway project."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from ..errors import InputError
from .inputs import parse_sources, parse_threshold
from .quiet import quiet_brightway
from .results import (
    AuditResult,
    ComparisonResult,
    LciaResult,
    MonteCarloResult,
    SensitivityResult,
    TreeResult,
    is_table,
)

if TYPE_CHECKING:
    from ..model.objects import Catalog, Method, ProductModel

Progress = Callable[[int], None] | None
T = TypeVar("T")


def computing(method: Callable[..., T]) -> Callable[..., T]:
    """A model method that computes in the project: Brightway is imported and quieted
    (``quiet_brightway``) before the method imports a computing module, whose import would
    otherwise import bw2data unquieted."""

    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        quiet_brightway()
        return method(*args, **kwargs)

    return wrapper


class Host(Protocol):
    """What a model uses of its workspace (:class:`cfp_lca.api.workspace.Workspace`, which
    makes its models: named here by what it does, so that neither module imports the other)."""

    catalog: Catalog

    def refresh(self) -> bool: ...

    def model(self, name: str | None = None) -> Model: ...

    def method(self, method_id: str) -> Method: ...

    def engine(self, model: ProductModel, method: Method, sources: tuple[str, ...]) -> Any: ...

    def reading(self, *models: ProductModel) -> contextlib.AbstractContextManager[None]: ...

    def kept(self, kind: str, parts: Sequence[str], compute: Callable[[], T],
             *models: ProductModel) -> T: ...  # fmt: skip


class Model:
    """One product model of a workspace; every method computes in the Brightway project."""

    def __init__(self, workspace: Host, name: str):
        self.workspace = workspace
        self.name = name

    def __repr__(self) -> str:
        return f"Model({self.name!r})"

    @property
    def catalog(self) -> Catalog:
        """The workspace's catalog."""
        return self.workspace.catalog

    @property
    def base(self) -> ProductModel:
        """The model with its default options."""
        return self.catalog.models[self.name]

    @property
    def options(self) -> dict[str, dict]:
        """The model's options: default, choices, description."""
        return dict(self.base.option_specs)

    def variant(self, options: Mapping[str, Any] | None = None) -> ProductModel:
        """The model with ``options`` applied, validated (nothing is written); the data files
        read again first if one changed."""
        from ..model.variants import model_variant

        self.workspace.refresh()
        return model_variant(self.catalog, self.name, dict(options or {}))

    def _key(self, options: Mapping[str, Any] | None, method: Method) -> tuple[str, ...]:
        """What names a variant's result beside the files and the project (``kept``): the
        model, its options and the method."""
        return (self.name, repr(sorted(dict(options or {}).items())), method.id,
                repr(method.name))  # fmt: skip

    def _method(self, model: ProductModel, method: str | None) -> Method:
        """The method by id, the model's own by default."""
        return self.workspace.method(method or model.method)

    def lcia(self, method: str | None = None, options: Mapping[str, Any] | None = None
             ) -> LciaResult:  # fmt: skip
        """Static LCIA through bw2calc.

        Example: ``ws.model("bench").lcia(options={"end_of_life": "cff"}).total``
        """
        from ..present.tables import lcia_dict

        model = self.variant(options)
        chosen = self._method(model, method)
        result, totals = self.workspace.kept("lcia", self._key(options, chosen),
                                             lambda: _lcia(self.catalog, model, chosen),
                                             model)  # fmt: skip
        return LciaResult(result, model, lcia_dict(result, model, totals), "stage_table")

    @computing
    def pact(self, method: str | None = None, options: Mapping[str, Any] | None = None,
             created: datetime | None = None) -> dict:  # fmt: skip
        """The footprint as a PACT v3 ProductFootprint (a dict, valid against the PACT schema):
        the stages the study's ``pact`` block names, split by gas (see :mod:`..present.pact`).

        Example: ``ws.model("zw32").pact(options={"end_of_life": "cut_off"})["pcf"]``
        """
        from ..calc.boundary import flows_by_stage
        from ..calc.lcia import computed_lca, static_lcia
        from ..present.pact import product_footprint

        model = self.variant(options)
        chosen = self._method(model, method)
        with self.workspace.reading(model):
            lca = computed_lca(model, chosen)
            result = static_lcia(self.catalog, model, chosen, lca)
            stages, amounts = flows_by_stage(lca, model)
        return product_footprint(self.catalog, model, chosen, result, stages, amounts, created)

    @computing
    def tree(self, cutoff: float = 0.01, method: str | None = None,
             options: Mapping[str, Any] | None = None) -> TreeResult:  # fmt: skip
        """The supply paths that carry the footprint, down to ``cutoff`` of the total.

        Example: ``model.tree(0.02).to_frame()``
        """
        from ..calc.lcia import computed_lca
        from ..calc.tree import supply_tree
        from ..present.tree_text import tree_dict

        model = self.variant(options)
        chosen = self._method(model, method)
        with self.workspace.reading(model):
            lca = computed_lca(model, chosen)
            branches = supply_tree(lca, cutoff)
            data = tree_dict(self.catalog, model, chosen, branches, cutoff)
        return TreeResult(branches, model, data, "branches")

    @computing
    def audit(self) -> AuditResult:
        """Recompute every figure the model's declared-figures file states."""
        from ..calc.audit import audit
        from ..calc.lcia import static_lcia
        from ..present.tables import audit_dict

        model = self.base
        if model.declared is None:
            raise InputError(model.path, None, "this model has no declared-figures file to audit")
        method = self.workspace.method(model.declared.method)
        with self.workspace.reading(model):
            result = audit(self.catalog, model, static_lcia(self.catalog, model, method))
        return AuditResult(result, model, audit_dict(result), "checks")

    def monte_carlo(
        self,
        n: int = 10_000,
        seed: int = 0,
        sources: str | Sequence[str] = "data",
        method: str | None = None,
        options: Mapping[str, Any] | None = None,
        engine: str = "fast",
        chunk_size: int | None = None,
        tolerance: float | None = None,
        save_samples: str | Path | None = None,
        progress: Progress = None,
        workers: int | None = None,
        scheduler: str | None = None,
        supply_chain_only: bool = False,
    ) -> MonteCarloResult:
        """Monte Carlo of one functional unit (samples kept: ``.samples()``). ``workers``: the
        processes of a local Dask cluster, or ``scheduler``: the address of one; the numbers
        are those of a local run. ``supply_chain_only``: bw2calc's engine draws only the
        activities the model reaches (the fast engine always does).

        Example: ``model.monte_carlo(n=2000, seed=1).to_frame()``
        """
        from ..calc.montecarlo import DEFAULT_CHUNK, MonteCarloError, run_monte_carlo
        from ..present.uncertainty_tables import mc_dict

        model = self.variant(options)
        chosen = self._method(model, method)
        sources = parse_sources(sources)
        # the fast engine run here needs no project once built (it may be kept on disk);
        # bw2calc's engine, a Dask cluster and a linked model's coverage read the project
        here = engine == "fast" and workers is None and scheduler is None and not model.linked
        if not here:
            quiet_brightway()
        try:
            parts = self._key(options, chosen)
            warm = (
                self.workspace.engine(model, chosen, sources, parts) if engine == "fast" else None
            )
            with contextlib.nullcontext() if here else self.workspace.reading(model):
                result = run_monte_carlo(
                    self.catalog, model, chosen, n=n, seed=seed, sources=sources,
                    chunk_size=chunk_size or DEFAULT_CHUNK, engine=engine,
                    save_samples=save_samples, tolerance=tolerance, keep_samples=True,
                    progress=progress, workers=workers, scheduler=scheduler,
                    supply_chain_only=supply_chain_only, fast_engine=warm,
                )  # fmt: skip
                data = mc_dict(result, model)
                if model.linked:  # the greenhouse gases of the linked databases the method misses
                    from ..calc.lcia import model_coverage

                    data["coverage"] = model_coverage(self.catalog, model, chosen).to_dict()
        except MonteCarloError as exc:
            raise InputError(model.path, None, str(exc)) from None
        return MonteCarloResult(result, model, data)

    @computing
    def sensitivity(
        self,
        n: int = 20_000,
        sobol_n: int = 4096,
        seed: int = 0,
        sources: str | Sequence[str] = "data",
        method: str | None = None,
        options: Mapping[str, Any] | None = None,
        group: bool = True,
        exchanges: bool = False,
        workers: int | None = None,
        scheduler: str | None = None,
    ) -> SensitivityResult:
        """Spearman, Sobol (``sobol_n`` a power of 2), elasticities and tornado. ``workers``:
        the processes of a local Dask cluster, or ``scheduler``: the address of one, where
        Spearman's and Sobol's samples are evaluated; the numbers are those of a local run.

        Example: ``model.sensitivity(n=2000, sobol_n=256).to_frame("spearman")``
        """
        from ..calc.sensitivity import analyse
        from ..present.uncertainty_tables import gsa_dict

        model = self.variant(options)
        chosen = self._method(model, method)
        with self.workspace.reading(model):
            try:
                result = analyse(model, chosen, parse_sources(sources), n, sobol_n, seed,
                                 group=group, exchanges=exchanges, workers=workers,
                                 scheduler=scheduler)  # fmt: skip
            except ValueError as exc:
                raise InputError(model.path, None, str(exc)) from None
        data = gsa_dict(result, model)
        default = next((k for k, v in data.items() if is_table(v)), "")
        return SensitivityResult(result, model, data, default)

    def scenario_dir(self, scenario_dir: str | Path | None = None) -> Path:
        """Where the model's scenarios are: given, else ``scenarios/`` in the data directory,
        else ``scenarios/`` beside it (the shipped layout)."""
        from ..model.scenarios import default_scenario_dir

        if scenario_dir is not None:
            return Path(scenario_dir)
        own = self.base.path.parent / "scenarios"
        if self.base.path.parent.name == "foreground":
            own = self.base.path.parent.parent / "scenarios"
        return own if own.is_dir() else default_scenario_dir(self.catalog)

    def scenarios(self, names: Sequence[str] | None = None,
                  scenario_dir: str | Path | None = None) -> dict:  # fmt: skip
        """The model's scenarios (validated), baseline first; ``names`` picks some."""
        from ..model.scenarios import load_scenarios

        where = self.scenario_dir(scenario_dir)
        found = {k: v for k, v in load_scenarios(self.catalog, where).items()
                 if v.model == self.name}  # fmt: skip
        wanted = list(names or found)
        unknown = [w for w in wanted if w not in found]
        if unknown:
            raise InputError(where, None, f"unknown scenario(s) {unknown} for model "
                             f"'{self.name}' (known: {', '.join(found) or 'none'})")  # fmt: skip
        if "baseline" in wanted:
            wanted.remove("baseline")
            wanted.insert(0, "baseline")
        return {w: found[w] for w in wanted}

    @computing
    def compare(
        self,
        scenarios: Sequence[str] | None = None,
        n: int = 10_000,
        seed: int = 0,
        sources: str | Sequence[str] = "data",
        threshold: str | float | tuple[float, bool] = "1%",
        method: str | None = None,
        scenario_dir: str | Path | None = None,
        plots: str | Path | None = None,
        progress: Progress = None,
        workers: int | None = None,
        scheduler: str | None = None,
    ) -> ComparisonResult:
        """Scenarios under paired Monte Carlo, each against the baseline of its boundary.
        ``workers``: the processes of a local Dask cluster, or ``scheduler``: the address of
        one, where the scenarios' chunks are computed; the numbers are those of a local run.

        Example: ``model.compare(n=2000).to_frame()``
        """
        from ..calc.compare import Threshold, compare, plan_comparison
        from ..present.compare_tables import compare_dict

        chosen = self.scenarios(scenarios, scenario_dir)
        if len(chosen) < 2:
            raise InputError(None, "scenarios", "name at least two scenarios to compare")
        method_obj = self._method(self.base, method)
        plan = plan_comparison(self.catalog, chosen)
        relevance = Threshold(*parse_threshold(threshold))
        with self.workspace.reading(self.base, *plan.models.values()):
            try:
                result = compare(plan.models, method_obj, n, seed, parse_sources(sources),
                                 progress, plan.groups, relevance, workers, scheduler)  # fmt: skip
            except ValueError as exc:  # MonteCarloError: a distribution that cannot be drawn
                raise InputError(self.base.path, None, str(exc)) from None
        data = compare_dict(result, plan.titles, method_obj.unit, kinds=plan.kinds)
        if plots is not None:
            from ..present.figures import comparison_figures

            figures = comparison_figures(result, method_obj.unit, Path(plots))
            data["figures"] = [str(p) for paths in figures.values() for p in paths]
        return ComparisonResult(result, self.base, data)

    @computing
    def study(
        self,
        n: int = 20_000,
        seed: int = 0,
        sources: str | Sequence[str] = "data",
        sobol_n: int = 2048,
        threshold: str | float | tuple[float, bool] = "1%",
        method: str | None = None,
        options: Mapping[str, Any] | None = None,
        scenario_dir: str | Path | None = None,
        scenarios: bool = True,
        group: bool = True,
        progress: Progress = None,
    ):
        """Everything a report shows: static, Monte Carlo, sensitivity, scenarios, audit."""
        from ..calc.compare import Threshold, plan_comparison
        from ..calc.study import run_study

        model = self.variant(options)
        chosen = self._method(model, method)
        found = self.scenarios(None, scenario_dir) if scenarios else {}
        plan = plan_comparison(self.catalog, found) if len(found) > 1 else None
        related = (self.workspace.model(model.comparison[0]).base
                   if model.comparison and model.comparison[0] in self.catalog.models
                   else None)  # fmt: skip
        needed = [model, *(plan.models.values() if plan else ()), *filter(None, [related])]
        with self.workspace.reading(*needed):
            try:
                return run_study(self.catalog, model, chosen, n, seed, parse_sources(sources),
                                 plan, related, sobol_n, progress, group=group,
                                 threshold=Threshold(*parse_threshold(threshold)))  # fmt: skip
            except ValueError as exc:
                raise InputError(model.path, None, str(exc)) from None

    @computing
    def plot(self, out: str | Path, lang: str = "en", n: int = 20_000, seed: int = 0,
             sources: str | Sequence[str] = "data", sobol_n: int = 2048, group: bool = True,
             method: str | None = None, options: Mapping[str, Any] | None = None,
             progress: Progress = None) -> list[Path]:  # fmt: skip
        """Every figure of the model (PNG and SVG) into ``out``; returns the paths."""
        from ..present.figures import model_figures
        from ..present.tree_text import study_tree

        study = self.study(n, seed, sources, sobol_n, method=method, options=options,
                           scenarios=False, group=group, progress=progress)  # fmt: skip
        tree = study_tree(self.catalog, study, lang)
        figures = model_figures(study.model, study.static, study.mc, study.gsa, Path(out), lang,
                                tree=tree)  # fmt: skip
        return [p for paths in figures.values() for p in paths]

    @computing
    def report(self, out: str | Path, lang: str = "en", n: int = 20_000, seed: int = 0,
               sources: str | Sequence[str] = "data", sobol_n: int = 2048,
               threshold: str | float | tuple[float, bool] = "1%", method: str | None = None,
               options: Mapping[str, Any] | None = None,
               scenario_dir: str | Path | None = None, formats: Sequence[str] | None = None,
               progress: Progress = None) -> dict[str, Path]:  # fmt: skip
        """The CFP study report into the folder ``out``; returns {kind: path}.

        Example: ``model.report("out", lang="zh", n=2000)``
        """
        from ..present.report import write_report

        study = self.study(n, seed, sources, sobol_n, threshold, method, options,
                           scenario_dir, progress=progress)  # fmt: skip
        kwargs = {"formats": tuple(formats)} if formats else {}
        return write_report(study, self.catalog, Path(out), lang, **kwargs)


def _lcia(catalog: Catalog, model: ProductModel, method: Method) -> tuple[Any, dict[str, float]]:
    """The static result of ``model`` under ``method`` and its total under every method of
    the catalog, from one inventory (in the project, written and current)."""
    quiet_brightway()
    from ..calc.lcia import computed_lca, static_lcia, totals_by_method

    lca = computed_lca(model, method)
    return static_lcia(catalog, model, method, lca), totals_by_method(catalog, model, lca)
