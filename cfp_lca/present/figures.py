"""The figure sets of a model and of a scenario comparison, each file named for what it shows."""

from __future__ import annotations

from pathlib import Path

from ..calc.compare import Comparison
from ..calc.lcia import StaticResult
from ..calc.montecarlo import MonteCarloResult
from ..calc.sensitivity import SensitivityResult
from ..model.objects import ProductModel
from . import plots


def _stage_items(model: ProductModel, static: StaticResult, lang: str) -> list[tuple[str, float]]:
    items = []
    for s in model.stages:
        if s.separate and not any(a.stage == s.code for a in model.activities):
            continue
        items.append((s.name_zh if lang == "zh" and s.name_zh else s.name, static.stages[s.code]))
    return items


def model_figures(
    model: ProductModel,
    static: StaticResult,
    mc: MonteCarloResult,
    gsa: SensitivityResult,
    out: Path,
    lang: str = "en",
) -> list[Path]:
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
    files: list[Path] = []
    files += plots.stage_bars(stages, unit, Path(f"{stem}_stage_contributions"),
                              f"{model.name}: GWP100 by life-cycle stage", lang)  # fmt: skip
    files += plots.stage_donut(stages, unit, Path(f"{stem}_stage_shares_donut"),
                               f"{model.name}: shares of the life-cycle stages", lang)  # fmt: skip
    files += plots.pareto_bars(list(static.parts.items()), unit, Path(f"{stem}_parts_pareto"),
                               f"{model.name}: contributions by part", lang)  # fmt: skip
    files += plots.mc_histogram(mc.samples[total_index], static.total, unit,
                                Path(f"{stem}_monte_carlo_total"),
                                f"{model.name}: Monte Carlo of the total ({mc.iterations:,} runs)",
                                lang)  # fmt: skip
    files += plots.convergence(conv.iterations, conv.mean, conv.half_width, unit,
                               Path(f"{stem}_monte_carlo_convergence"),
                               f"{model.name}: convergence of the mean", lang)  # fmt: skip
    files += plots.tornado(gsa.tornado_base, tornado_rows, unit, Path(f"{stem}_tornado"),
                           f"{model.name}: inputs at their 5th and 95th percentiles",
                           lang)  # fmt: skip
    files += plots.sensitivity_bars([gsa.labels[i] for i in order],
                                    [float(gsa.ranks.spearman[i]) for i in order],
                                    Path(f"{stem}_spearman"),
                                    f"{model.name}: Spearman rank correlation with the total",
                                    "Spearman rho", lang)  # fmt: skip
    files += plots.sensitivity_bars([gsa.labels[i] for i in order],
                                    [100 * float(gsa.ranks.variance_share[i]) for i in order],
                                    Path(f"{stem}_contribution_to_variance"),
                                    f"{model.name}: contribution to variance (squared ranks)",
                                    "contribution to variance (%)", lang)  # fmt: skip
    s = gsa.sobol
    files += plots.sobol_bars(list(s.names), s.s1, s.s1_conf, s.st, s.st_conf,
                              Path(f"{stem}_sobol_indices"),
                              f"{model.name}: Sobol indices ({s.evaluations:,} model runs)",
                              lang)  # fmt: skip
    return files


def comparison_figures(c: Comparison, unit: str, out: Path, lang: str = "en") -> list[Path]:
    """Box plot of the scenarios and the heat map of pairwise probabilities."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    files = plots.scenario_boxes(list(c.names), list(c.paired), list(c.deterministic),
                                 f"{unit} / unit", out / "scenarios_boxes",
                                 f"Scenarios, paired Monte Carlo ({c.n:,} runs)",
                                 lang)  # fmt: skip
    files += plots.probability_heatmap(list(c.names), c.probability_lower(),
                                       out / "scenarios_probability_lower",
                                       "Probability that the row scenario is lower than the column",
                                       lang)  # fmt: skip
    return files
