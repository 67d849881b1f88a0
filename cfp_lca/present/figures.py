"""The figure sets of a model and of a scenario comparison, each file named for what it shows."""

from __future__ import annotations

from pathlib import Path

from ..calc.compare import Comparison
from ..calc.lcia import StaticResult
from ..calc.montecarlo import MonteCarloResult
from ..calc.sensitivity import SensitivityResult
from ..model.objects import ProductModel
from . import plots
from .tables import reported_stages, stage_label


def _stage_items(model: ProductModel, static: StaticResult, lang: str) -> list[tuple[str, float]]:
    """(label, value) of each stage the model has activities in."""
    return [(stage_label(s, lang), static.stages[s.code]) for s in reported_stages(model)]


def model_figures(
    model: ProductModel,
    static: StaticResult,
    mc: MonteCarloResult,
    gsa: SensitivityResult,
    out: Path,
    lang: str = "en",
) -> dict[str, list[Path]]:
    """Stage bars and donut, Pareto of parts, Monte Carlo histogram and convergence, tornado,
    Spearman, contribution to variance and Sobol bars, for one model; returns the files."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    unit = f"{static.unit} / unit"
    name = model.name if not model.options else model.database.replace("cfp-", "")
    base = out / name.replace("[", "_").replace("]", "").replace("=", "-").replace(",", "_")
    stem = str(base)
    stages = _stage_items(model, static, lang)
    total_index = mc.labels.index("total")
    conv = mc.convergence
    order = sorted(range(len(gsa.labels)), key=lambda i: -gsa.ranks.variance_share[i])
    tornado_rows = [(r.label, r.low, r.high) for r in gsa.tornado]
    title = model.name
    s = gsa.sobol
    ranked = [gsa.labels[i] for i in order]
    spearman = [float(gsa.ranks.spearman[i]) for i in order]
    variance = [100 * float(gsa.ranks.variance_share[i]) for i in order]
    # key: (plot function, data arguments, title, extra keyword arguments)
    specs = {
        "stage_contributions": (plots.stage_bars, (stages, unit), "GWP100 by life-cycle stage", {}),
        "stage_shares_donut": (plots.stage_donut, (stages, unit), "shares of the stages", {}),
        "parts_pareto": (
            plots.pareto_bars,
            (list(static.parts.items()), unit),
            "contributions by part",
            {},
        ),
        "monte_carlo_total": (
            plots.mc_histogram,
            (mc.samples[total_index], static.total, unit),
            f"Monte Carlo of the total ({mc.iterations:,} runs)",
            {},
        ),
        "monte_carlo_convergence": (
            plots.convergence,
            (conv.iterations, conv.mean, conv.half_width, unit),
            "convergence of the mean",
            {},
        ),
        "tornado": (
            plots.tornado,
            (gsa.tornado_base, tornado_rows, unit),
            "inputs at their 5th and 95th percentiles",
            {},
        ),
        "spearman": (
            plots.sensitivity_bars,
            (ranked, spearman),
            "Spearman rank correlation with the total",
            {"xlabel": "Spearman rho"},
        ),
        "contribution_to_variance": (
            plots.sensitivity_bars,
            (ranked, variance),
            "contribution to variance (squared ranks)",
            {"xlabel": "contribution to variance (%)"},
        ),
        "sobol_indices": (
            plots.sobol_bars,
            (list(s.names), s.s1, s.s1_conf, s.st, s.st_conf),
            f"Sobol indices ({s.evaluations:,} model runs)",
            {},
        ),
    }
    files: dict[str, list[Path]] = {}
    for key, (draw, data, what, extra) in specs.items():
        files[key] = draw(
            *data, out=Path(f"{stem}_{key}"), title=f"{title}: {what}", lang=lang, **extra
        )
    return files


def comparison_figures(
    c: Comparison, unit: str, out: Path, lang: str = "en"
) -> dict[str, list[Path]]:
    """Box plot of the scenarios and the heat map of pairwise probabilities."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    files = {}
    files["scenarios_boxes"] = plots.scenario_boxes(
        list(c.names),
        list(c.paired),
        list(c.deterministic),
        f"{unit} / unit",
        out / "scenarios_boxes",
        f"Scenarios, paired Monte Carlo ({c.n:,} runs)",
        lang,
    )
    files["scenarios_probability_lower"] = plots.probability_heatmap(
        list(c.names),
        c.probability_lower(),
        out / "scenarios_probability_lower",
        "Probability that the row scenario is lower than the column",
        lang,
    )
    return files
