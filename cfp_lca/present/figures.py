"""The figure sets of a model and of a scenario comparison, each file named for what it shows."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..calc.compare import Comparison
from ..calc.montecarlo import MonteCarloResult
from ..calc.sensitivity import SensitivityResult
from ..calc.static import StaticResult, reporting_group
from ..model.objects import ProductModel
from . import plots
from .i18n import data_text, input_label
from .numbers import with_relative, with_uncertainty
from .tables import reported_stages, stage_label


def _stage_items(model: ProductModel, static: StaticResult, lang: str) -> list[tuple[str, float]]:
    """(label, value) of each stage the model has activities in."""
    return [(stage_label(s, lang), static.stages[s.code]) for s in reported_stages(model)]


def _burden_credit_items(
    model: ProductModel, static: StaticResult, lang: str
) -> list[tuple[str, float, float]]:
    """(label, burdens, credits) of each stage the model has activities in."""
    return [
        (stage_label(s, lang), static.burdens.get(s.code, static.stages[s.code]),
         static.credits.get(s.code, 0.0))
        for s in reported_stages(model)
    ]  # fmt: skip


def _donut_items(model: ProductModel, static: StaticResult, lang: str) -> list[tuple[str, float]]:
    """Burdens of each stage (the ring), then each stage's credits (negative: listed in the
    footnote under "credits")."""
    items = _burden_credit_items(model, static, lang)
    return [(n, b) for n, b, _ in items] + [(n, c) for n, _, c in items if c]


MAX_STEM = 100  # characters of a file name taken from data (file systems allow 255 bytes)


def file_stem(name: str) -> str:
    """A name from data as one file-name component: letters, digits, '-', '_' and inner dots
    kept, anything else (a '/', '..', a control character) as '_', so a model's name never
    puts a file outside the folder the user named."""
    kept = "".join(c if c.isalnum() or c in "-_." else "_" for c in name.replace("=", "-"))
    kept = kept.strip(".")[:MAX_STEM].rstrip("_") or "model"
    return kept


def flow_label(model: ProductModel, name: str, lang: str) -> str:
    """A flow's name in ``lang``: the model's translation, else the standard gases' table."""
    translated = model.translate(name, lang)
    return translated if translated != name else plots.label(name, lang)


def _flow_items(model: ProductModel, static: StaticResult, lang: str) -> list[tuple]:
    """(label, reporting group, kgCO2e) of each elementary flow in the inventory."""
    items = []
    for code, value in static.flows.items():
        flow = static.flow_info.get(code)
        name = flow.name if flow else code
        items.append((flow_label(model, name, lang), reporting_group(flow), value))
    return items


def stage_figure(
    model: ProductModel,
    static: StaticResult,
    out: Path,
    lang: str = "en",
    mc: MonteCarloResult | None = None,
) -> list[Path]:
    """Stage contributions: burdens and credits apart (with the net) where any stage has a
    credit, plain bars of the net otherwise, each with its 95 % interval where ``mc`` has
    the stage's statistics."""
    unit = f"{static.unit} / unit"
    if static.has_credits:
        items = _burden_credit_items(model, static, lang)
        title = plots.label("burdens and credits by life-cycle stage", lang)
        return plots.stage_burden_credit_bars(items, unit, out, title, lang)
    title = plots.label("GWP100 by life-cycle stage", lang)
    stages = reported_stages(model)
    intervals, shown = None, None
    if mc is not None and all(s.code in mc.stats for s in stages):
        intervals = [(mc.stats[s.code].p2_5, mc.stats[s.code].p97_5) for s in stages]
        total = mc.stats["total"]

        def shown(value: float) -> str:  # as the report's stage table prints it
            if value == static.total:
                return with_uncertainty(value, total.std)
            return with_relative(value, total.cv)

    return plots.stage_bars(_stage_items(model, static, lang), unit, out, title, lang,
                            intervals=intervals, shown=shown)  # fmt: skip


def boundary_figure(
    model: ProductModel, static: StaticResult, out: Path, lang: str = "en"
) -> list[Path]:
    """The system boundary: the model's stages in order with their modules and shares, the
    separately reported ones dashed, module D outside where credits exist, the exclusions."""
    stages = [{"name": stage_label(s, lang), "module": model.modules.get(s.code),
               "share": static.share(static.stages[s.code]), "separate": s.separate}
              for s in reported_stages(model)]  # fmt: skip
    excluded = [data_text(e.get("item"), lang) for e in model.study.get("exclusions") or []]
    credits = plots.label("benefits beyond the system boundary", lang)
    return plots.boundary_diagram(stages, [x.replace("`", "") for x in excluded if x], out,
                                  plots.label("system boundary title", lang), lang,
                                  credits if static.has_credits else None)  # fmt: skip


def gas_figure(
    model: ProductModel, static: StaticResult, out: Path, lang: str = "en"
) -> list[Path]:
    """The result by greenhouse gas, coloured by ISO 14067 7.3 reporting group."""
    unit = f"{static.unit} / unit"
    title = plots.label("GWP100 by greenhouse gas", lang)
    return plots.flow_bars(_flow_items(model, static, lang), unit, out, title, lang)


def model_figures(
    model: ProductModel,
    static: StaticResult,
    mc: MonteCarloResult,
    gsa: SensitivityResult,
    out: Path,
    lang: str = "en",
    names: dict[str, str] | None = None,
    tree: dict | None = None,
) -> dict[str, list[Path]]:
    """Stage bars (burdens and credits apart) and donut, the result by greenhouse gas, Pareto
    of parts, Monte Carlo histogram and convergence, tornado, Spearman, contribution to
    variance and Sobol bars, and the supply tree where ``tree`` (``tree_dict``) is given, for
    one model; returns the files by figure key. ``names`` (code or label -> name in ``lang``,
    as the report's tables use) names the inputs; without it, the model's activities are
    named by their own names."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    unit = f"{static.unit} / unit"
    name = model.name if not model.options else model.database.replace("cfp-", "")
    base = out / file_stem(name)
    stem = str(base)
    total_index = mc.labels.index("total")
    conv = mc.convergence
    order = sorted(range(len(gsa.labels)), key=lambda i: -gsa.ranks.variance_share[i])
    if names is None:  # the report's table of names holds the activities already
        names = {a.code: (a.meta.get("name_zh") if lang == "zh" else None) or a.name
                 for a in model.activities}  # fmt: skip

    def shown(text: str) -> str:
        """A sensitivity input or part in words of ``lang``, never an internal code, and
        without the report's code marks (a figure has no code font)."""
        return input_label(text, names, lang, model.translations).replace("`", "")

    tornado_rows = [(shown(r.label), r.low, r.high) for r in gsa.tornado]
    s = gsa.sobol
    ranked = [shown(gsa.labels[i]) for i in order]
    spearman = [float(gsa.ranks.spearman[i]) for i in order]
    variance = [100 * float(gsa.ranks.variance_share[i]) for i in order]

    def t(key: str) -> str:
        return plots.label(key, lang)

    # key: (plot function, data arguments, title, extra keyword arguments); titles name what
    # is shown, never the model's code
    specs = {
        "stage_shares_donut": (
            plots.stage_donut,
            (_donut_items(model, static, lang), unit),
            t("shares of the stages"),
            {},
        ),
        "parts_pareto": (
            plots.pareto_bars,
            ([(shown(p), v) for p, v in static.parts.items()], unit),
            t("contributions by part"),
            {},
        ),
        "monte_carlo_total": (
            plots.mc_histogram,
            (mc.samples[total_index], static.total, unit),
            f"{t('Monte Carlo of the total')} ({mc.iterations:,} {t('runs')})",
            {},
        ),
        "monte_carlo_convergence": (
            plots.convergence,
            (conv.iterations, conv.mean, conv.half_width, unit),
            t("convergence of the mean"),
            {},
        ),
        "tornado": (
            plots.tornado,
            (gsa.tornado_base, tornado_rows, unit),
            t("tornado title"),
            {},
        ),
        "spearman": (
            plots.sensitivity_bars,
            (ranked, spearman),
            t("spearman title"),
            {"xlabel": t("Spearman rho")},
        ),
        "contribution_to_variance": (
            plots.sensitivity_bars,
            (ranked, variance),
            t("variance title"),
            {"xlabel": t("contribution to variance (%)")},
        ),
        "sobol_indices": (
            plots.sobol_bars,
            ([shown(n) for n in s.names], s.s1, s.s1_conf, s.st, s.st_conf),
            f"{t('Sobol indices')} ({s.evaluations:,} {t('model runs')})",
            {},
        ),
    }
    files: dict[str, list[Path]] = {
        "system_boundary": boundary_figure(model, static, Path(f"{stem}_system_boundary"), lang),
        "stage_contributions": stage_figure(
            model, static, Path(f"{stem}_stage_contributions"), lang, mc
        ),
        "greenhouse_gases": gas_figure(model, static, Path(f"{stem}_greenhouse_gases"), lang),
    }
    if tree is not None:
        specs["supply_tree"] = (plots.supply_tree, (tree["branches"], unit),
                                t("supply tree title"), {})  # fmt: skip
    for key, (draw, data, title, extra) in specs.items():
        files[key] = draw(*data, out=Path(f"{stem}_{key}"), title=title, lang=lang, **extra)
    return files


def _group_suffix(c: Comparison, k: int) -> str:
    """File-name suffix of boundary group ``k``: none for the first, its options for others."""
    if k == 0:
        return ""
    return "_" + file_stem(c.groups[k].label.replace(", ", "_"))


def comparison_figures(
    c: Comparison,
    unit: str,
    out: Path,
    lang: str = "en",
    name: Callable[[str], str] | None = None,
    titles: dict[str, str] | None = None,
    kinds: dict[str, str] | None = None,
) -> dict[str, list[Path]]:
    """Per boundary group with scenarios to compare: box plot of each scenario's paired change
    against the group's baseline (with the threshold +-t), and the heat map of pairwise
    probabilities P(row < column - t). Scenarios are shown by ``titles`` (code -> title) put
    in words of ``lang`` by ``name``; by their codes without them."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    word = name or (lambda text: text)

    def shown(code: str) -> str:
        return word((titles or {}).get(code) or code)

    files = {}
    for k, g in enumerate(c.groups):
        if len(g.names) < 2:
            continue
        t, base, others = c.threshold_of(g), c.index(g.baseline), g.names[1:]
        where = f" ({word(g.label)})" if g.label else ""
        key = f"scenarios_totals{_group_suffix(c, k)}"
        files[key] = plots.scenario_totals(
            [shown(n) for n in g.names],
            [c.paired[c.index(n)] for n in g.names],
            [c.deterministic[c.index(n)] for n in g.names],
            [(kinds or {}).get(n, "scenario") if n != g.baseline else "baseline" for n in g.names],
            f"{unit} / unit",
            out / key,
            f"{plots.label('scenario totals', lang)}{where}, {c.n:,} {plots.label('runs', lang)}",
            lang,
        )
        key = f"scenarios_changes{_group_suffix(c, k)}"
        files[key] = plots.scenario_boxes(
            [shown(n) for n in others],
            [c.difference(c.index(n), base) for n in others],
            [c.deterministic[c.index(n)] - c.deterministic[base] for n in others],
            f"{unit} / unit",
            out / key,
            f"{plots.label('change against', lang)} {shown(g.baseline)}{where}, {c.n:,} "
            f"{plots.label('paired runs', lang)}",
            lang,
            threshold=t,
        )
        key = f"scenarios_probability_reduction{_group_suffix(c, k)}"
        files[key] = plots.probability_heatmap(
            [shown(n) for n in g.names],
            c.reduction_matrix(g),
            out / key,
            f"{plots.label('probability reduction', lang)}, t = {t:.3g} {unit}{where}",
            lang,
        )
    return files
