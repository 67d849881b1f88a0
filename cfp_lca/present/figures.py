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


def _group_suffix(c: Comparison, k: int) -> str:
    """File-name suffix of boundary group ``k``: none for the first, its options for others."""
    if k == 0:
        return ""
    label = c.groups[k].label.replace(", ", "_").replace("=", "-")
    return "_" + "".join(ch if ch.isalnum() or ch in "_-." else "_" for ch in label)


def comparison_figures(
    c: Comparison, unit: str, out: Path, lang: str = "en"
) -> dict[str, list[Path]]:
    """Per boundary group with scenarios to compare: box plot of each scenario's paired change
    against the group's baseline (with the threshold +-t), and the heat map of pairwise
    probabilities P(row < column - t)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    files = {}
    for k, g in enumerate(c.groups):
        if len(g.names) < 2:
            continue
        t, base, others = c.threshold_of(g), c.index(g.baseline), g.names[1:]
        where = f" ({g.label})" if g.label else ""
        key = f"scenarios_changes{_group_suffix(c, k)}"
        files[key] = plots.scenario_boxes(
            list(others),
            [c.difference(c.index(name), base) for name in others],
            [c.deterministic[c.index(name)] - c.deterministic[base] for name in others],
            f"{unit} / unit",
            out / key,
            f"Change against {g.baseline}{where}, {c.n:,} paired runs",
            lang,
            threshold=t,
        )
        key = f"scenarios_probability_reduction{_group_suffix(c, k)}"
        files[key] = plots.probability_heatmap(
            list(g.names),
            c.reduction_matrix(g),
            out / key,
            f"P(row < column - t), t = {t:.3g} {unit}{where}",
            lang,
        )
    return files
