"""Figures of results: plain data in, PNG and SVG files out. Nothing here computes results.

Every function draws one figure on its own :class:`matplotlib.figure.Figure` (no pyplot, no
global state left behind), saves it next to ``out`` as ``<out>.png`` and ``<out>.svg``, and
returns the written paths. ``out`` is a path without suffix (a ``.png``/``.svg`` suffix given by
mistake is dropped). Labels are English by default; ``lang="zh"`` gives Chinese labels, drawn
with an installed CJK font (:func:`cfp_lca.present.fonts.cjk_font`); without one the figure is
still written and a :class:`~cfp_lca.present.fonts.CJKFontMissing` warning says how to install
a font.
"""

from __future__ import annotations

import logging
import textwrap
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MultipleLocator

from . import fonts
from .fonts import CJKFontMissing

__all__ = [
    "CJKFontMissing",
    "LABELS",
    "convergence",
    "label",
    "mc_histogram",
    "pareto_bars",
    "probability_heatmap",
    "scenario_boxes",
    "sensitivity_bars",
    "sobol_bars",
    "stage_bars",
    "stage_burden_credit_bars",
    "stage_donut",
    "flow_bars",
    "tornado",
]

LANGS = ("en", "zh")

#: Axis, legend and note texts, English key -> {lang: text}.
LABELS: dict[str, dict[str, str]] = {
    "share": {"en": "share", "zh": "占比"},
    "contribution": {"en": "contribution", "zh": "贡献"},
    "cumulative share": {"en": "cumulative share", "zh": "累计占比"},
    "total": {"en": "total", "zh": "总计"},
    "net total": {"en": "net total", "zh": "净总量"},
    "gross burden": {"en": "gross burden", "zh": "总排放（不含抵扣）"},
    "credits": {"en": "credits", "zh": "抵扣"},
    "credits not shown": {
        "en": "Credits (negative, not in the ring)",
        "zh": "抵扣（负值，未计入圆环）",
    },
    "ring shares": {
        "en": "Ring shares are of the gross burden",
        "zh": "圆环占比以总排放（不含抵扣）为基数",
    },
    "other": {"en": "other", "zh": "其他"},
    "iterations": {"en": "iterations", "zh": "迭代次数"},
    "kg CO2e per unit": {"en": "kg CO2e per unit", "zh": "kg CO2e/单位"},
    "running mean": {"en": "running mean", "zh": "累计均值"},
    "95 % confidence band": {"en": "95 % confidence band", "zh": "95 % 置信带"},
    "final": {"en": "final", "zh": "最终值"},
    "95 % interval": {"en": "95 % interval", "zh": "95 % 区间"},
    "deterministic": {"en": "deterministic", "zh": "确定性值"},
    "median": {"en": "median", "zh": "中位数"},
    "frequency": {"en": "frequency", "zh": "频数"},
    "samples": {"en": "samples", "zh": "样本数"},
    "low setting": {"en": "input at low setting", "zh": "输入取低值"},
    "high setting": {"en": "input at high setting", "zh": "输入取高值"},
    "base": {"en": "base", "zh": "基准值"},
    "first order": {"en": "first order (S1)", "zh": "一阶指数 (S1)"},
    "total order": {"en": "total order (ST)", "zh": "总效应指数 (ST)"},
    "Sobol index": {"en": "Sobol index", "zh": "Sobol 指数"},
    "error bars": {"en": "error bars: 95 % confidence", "zh": "误差线：95 % 置信区间"},
    "probability reduction": {"en": "P(row < column \u2212 t)", "zh": "P(行 < 列 \u2212 t)"},
    "row": {"en": "row scenario", "zh": "行情景"},
    "threshold": {"en": "relevance threshold \u00b1t", "zh": "相关性阈值 \u00b1t"},
    "column": {"en": "column scenario", "zh": "列情景"},
    "box note": {
        "en": "box: 25-75 %, line: median, whiskers: 2.5-97.5 %",
        "zh": "箱体：25-75 %，横线：中位数，须线：2.5-97.5 %",
    },
    "burdens": {"en": "burdens", "zh": "排放负荷"},
    "net": {"en": "net", "zh": "净值"},
    # ISO 14067:2018 7.3 reporting groups of GHG emissions and removals
    "fossil": {"en": "fossil", "zh": "化石源"},
    "biogenic": {"en": "biogenic", "zh": "生物源"},
    "land_use_change": {"en": "land-use change", "zh": "土地利用变化"},
    "aircraft": {"en": "aircraft", "zh": "航空运输"},
    "precharacterized": {"en": "pre-characterized CO2e", "zh": "预表征 CO2e"},
    # figure titles
    "GWP100 by life-cycle stage": {
        "en": "GWP100 by life-cycle stage",
        "zh": "各生命周期阶段 GWP100",
    },
    "burdens and credits by life-cycle stage": {
        "en": "Burdens and credits by life-cycle stage",
        "zh": "各生命周期阶段的排放负荷与抵扣",
    },
    "GWP100 by greenhouse gas": {
        "en": "GWP100 by greenhouse gas and reporting group (ISO 14067 7.3)",
        "zh": "按温室气体与报告类别（ISO 14067 7.3）的 GWP100",
    },
    "shares of the stages": {"en": "Shares of the stages", "zh": "各阶段占比"},
    "contributions by part": {"en": "Contributions by part", "zh": "各部件贡献"},
    "Monte Carlo of the total": {"en": "Monte Carlo of the total", "zh": "总量的蒙特卡罗模拟"},
    "runs": {"en": "runs", "zh": "次运行"},
    "model runs": {"en": "model runs", "zh": "次模型运行"},
    "convergence of the mean": {"en": "Convergence of the mean", "zh": "均值的收敛"},
    "tornado title": {
        "en": "Inputs at their 5th and 95th percentiles",
        "zh": "输入取第 5 与第 95 百分位数",
    },
    "spearman title": {
        "en": "Spearman rank correlation with the total",
        "zh": "与总量的 Spearman 秩相关系数",
    },
    "variance title": {
        "en": "Contribution to variance (squared ranks)",
        "zh": "对方差的贡献（秩相关系数平方）",
    },
    "Sobol indices": {"en": "Sobol indices", "zh": "Sobol 指数"},
    "change against": {"en": "Change against", "zh": "相对于基准情景的变化："},
    "paired runs": {"en": "paired runs", "zh": "次配对运行"},
    "Spearman rho": {"en": "Spearman rho", "zh": "Spearman 秩相关系数"},
    "contribution to variance (%)": {
        "en": "contribution to variance (%)",
        "zh": "对方差的贡献 (%)",
    },
    # names of the standard elementary flows (ecoinvent / Brightway biosphere3 naming)
    "Carbon dioxide, fossil": {"en": "Carbon dioxide, fossil", "zh": "二氧化碳（化石源）"},
    "Carbon dioxide, non-fossil": {
        "en": "Carbon dioxide, non-fossil",
        "zh": "二氧化碳（非化石源）",
    },
    "Carbon dioxide, in air": {"en": "Carbon dioxide, in air", "zh": "二氧化碳（自空气吸收）"},
    "Carbon dioxide, from soil or biomass stock": {
        "en": "Carbon dioxide, from soil or biomass stock",
        "zh": "二氧化碳（土壤或生物质碳库）",
    },
    "Carbon dioxide, land transformation": {
        "en": "Carbon dioxide, land transformation",
        "zh": "二氧化碳（土地转化）",
    },
    "Methane, fossil": {"en": "Methane, fossil", "zh": "甲烷（化石源）"},
    "Methane, non-fossil": {"en": "Methane, non-fossil", "zh": "甲烷（非化石源）"},
    "Dinitrogen monoxide": {"en": "Dinitrogen monoxide", "zh": "氧化亚氮"},
    "Sulfur hexafluoride": {"en": "Sulfur hexafluoride", "zh": "六氟化硫"},
    "Methane, tetrafluoro-, R-14": {"en": "Methane, tetrafluoro-, R-14", "zh": "四氟化碳 (R-14)"},
    "Ethane, 1,1,1,2-tetrafluoro-, HFC-134a": {
        "en": "Ethane, 1,1,1,2-tetrafluoro-, HFC-134a",
        "zh": "1,1,1,2-四氟乙烷 (HFC-134a)",
    },
    "Nitrogen fluoride": {"en": "Nitrogen fluoride", "zh": "三氟化氮"},
    "Greenhouse gases, CO2-equivalent (pre-characterized)": {
        "en": "Greenhouse gases, CO2-equivalent (pre-characterized)",
        "zh": "温室气体，CO2 当量（预表征）",
    },
}

#: Colours of the ISO 14067 7.3 reporting groups in figures by gas.
GROUP_COLORS = {
    "fossil": "#3b6ea8",
    "biogenic": "#4f9d69",
    "land_use_change": "#8c6d31",
    "aircraft": "#8e6bb0",
    "precharacterized": "#e08e45",
    "other": "#7f7f7f",
}


def label(key: str, lang: str = "en") -> str:
    """The text for ``key`` in ``lang``; unknown keys come back unchanged."""
    return LABELS.get(key, {}).get(lang, key)


# --------------------------------------------------------------------------------------------
# shared look

FIGSIZE = (7.0, 4.5)
DPI = 150
C_POS = "#3b6ea8"  # burdens
C_NEG = "#4f9d69"  # credits
C_ACC = "#d1495b"  # accents: deterministic value, 80 % line
C_GREY = "#6c757d"
PALETTE = (
    "#3b6ea8",
    "#e08e45",
    "#4f9d69",
    "#d1495b",
    "#8064a2",
    "#8c6d31",
    "#c77cb5",
    "#7f7f7f",
    "#b5bd3b",
    "#2bb3c0",
)

_RC = {
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.labelsize": 9,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 8,
    "legend.frameon": False,
    "svg.hashsalt": "cfp_lca",
    "svg.fonttype": "path",
}


def _fmt(v: float) -> str:
    """A number with about three significant digits, a true minus sign, thousands separators."""
    if not np.isfinite(v):
        return str(v)
    a = abs(v)
    if a >= 100:
        s = f"{a:,.0f}"
    elif a >= 10:
        s = f"{a:.1f}"
    elif a >= 0.01:
        s = f"{a:.2f}" if a >= 1 else f"{a:.3f}"
    elif a == 0:
        s = "0"
    else:
        s = f"{a:#.3g}"
    return ("\u2212" if v < 0 and s.strip("0.,") else "") + s


def _pct(share: float) -> str:
    return f"{_fmt(100.0 * share)} %"


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")


@contextmanager
def _style(lang: str) -> Iterator[None]:
    """Temporary rcParams for one figure; for Chinese, a CJK font or a clear warning."""
    _check_lang(lang)
    rc = dict(_RC)
    missing = False
    if lang == "zh":
        font = fonts.cjk_font()
        if font is None:
            missing = True
            # one warning per process, not one per figure
            fonts.warn_missing(stacklevel=5)  # warn_missing, _style, __enter__, plot, caller
        else:
            # DejaVu Sans first for Latin letters and digits, the CJK font as fallback.
            rc["font.family"] = ["DejaVu Sans", font]
    # a CJK font without a bold face makes font_manager log once per bold text; not useful
    fm_log = logging.getLogger("matplotlib.font_manager")
    old_level = fm_log.level
    if lang == "zh":
        fm_log.setLevel(logging.ERROR)
    try:
        with _quiet_glyphs(missing), mpl.rc_context(rc):
            yield
    finally:
        fm_log.setLevel(old_level)


@contextmanager
def _quiet_glyphs(missing: bool) -> Iterator[None]:
    with warnings.catch_warnings():
        if missing:  # one clear warning above instead of one per missing glyph
            warnings.filterwarnings("ignore", message=r"(?s).*Glyph .* missing from")
            warnings.filterwarnings("ignore", message=r"(?s).*missing from current font")
        yield


def _new_figure(figsize: tuple[float, float] = FIGSIZE) -> Figure:
    return Figure(figsize=figsize, dpi=DPI, layout="constrained")


def _paths(out: Path | str) -> tuple[Path, Path]:
    out = Path(out)
    if out.suffix.lower() in (".png", ".svg"):
        out = out.with_suffix("")
    return out.with_name(out.name + ".png"), out.with_name(out.name + ".svg")


def _save(fig: Figure, out: Path | str) -> list[Path]:
    png, svg = _paths(out)
    png.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(png, dpi=DPI, metadata={"Software": None})
    fig.savefig(svg, metadata={"Date": None})
    return [png, svg]


def _footnote(fig: Figure, text: str) -> None:
    """A small note under the axes, wrapped to the figure's width (CJK glyphs count double);
    the constrained layout leaves room for its lines."""
    wide = sum(1 for ch in text if ord(ch) >= 0x2E80)
    per_char = 7.5 * (0.56 + 0.44 * wide / max(len(text), 1))  # points per character
    lines = textwrap.wrap(text, max(int(0.9 * fig.get_figwidth() * 72 / per_char), 20))
    height = (len(lines) * 7.5 * 1.25 + 6) / (fig.get_figheight() * 72)
    fig.get_layout_engine().set(rect=(0, height + 0.01, 1, 0.99 - height))
    fig.text(0.01, 0.012, "\n".join(lines), fontsize=7.5, color=C_GREY, ha="left", va="bottom")


def _row_height(
    n: int, base: float = 1.4, per: float = 0.34, lines: int = 1
) -> tuple[float, float]:
    """Figure size for ``n`` bars whose labels take up to ``lines`` lines."""
    per = per * (1 + 0.45 * (lines - 1))
    return (FIGSIZE[0], float(min(max(FIGSIZE[1], base + per * n), 14.0)))


TICK_WIDTH = 44  # characters of a bar's label per line; longer names (an exchange named by
TICK_LINES = 3  # its activity and input, with locations) wrap, and are cut after 3 lines


def _ticks(names: Sequence[str]) -> tuple[list[str], int]:
    """Bar labels wrapped at word boundaries to ``TICK_WIDTH`` characters (at most
    ``TICK_LINES`` lines, an ellipsis when cut), and the most lines one takes."""
    out = [textwrap.fill(str(n), TICK_WIDTH, max_lines=TICK_LINES, placeholder=" ...")
           for n in names]  # fmt: skip
    return out, max((t.count("\n") + 1 for t in out), default=1)


def _pad_xlim(ax, lo: float, hi: float, frac: float = 0.22) -> None:
    """Room left and right of the data for value labels."""
    span = (hi - lo) or abs(hi) or 1.0
    ax.set_xlim(lo - (frac * span if lo < 0 else 0.0), hi + (frac * span if hi > 0 else 0.0))


# --------------------------------------------------------------------------------------------
# stages


def stage_bars(
    stages: Sequence[tuple[str, float]],
    unit: str,
    out: Path | str,
    title: str,
    lang: str = "en",
) -> list[Path]:
    """Horizontal bars of life-cycle stage contributions, labelled with value and share.

    Stages keep the given (life-cycle) order, top to bottom. Negative stages (credits) are
    drawn in green to the left of zero; shares are of the net total, so they add up to 100 %.
    """
    names = [s for s, _ in stages]
    vals = np.array([float(v) for _, v in stages])
    total = float(vals.sum())
    with _style(lang):
        fig = _new_figure(_row_height(len(vals)))
        ax = fig.add_subplot()
        y = np.arange(len(vals))
        colors = [C_NEG if v < 0 else C_POS for v in vals]
        ax.barh(y, vals, color=colors, height=0.62)
        ax.set_yticks(y, names)
        ax.invert_yaxis()
        ax.axvline(0, color="black", lw=0.8)
        for yi, v in zip(y, vals, strict=True):
            share = f" ({_pct(v / total)})" if total else ""
            # credits are labelled right of zero, clear of the stage names
            ax.annotate(
                f"{_fmt(v)}{share}",
                (max(v, 0.0), yi),
                xytext=(4, 0),
                textcoords="offset points",
                ha="left",
                va="center",
                fontsize=8,
            )
        lo, hi = min(0.0, vals.min(initial=0.0)), max(0.0, vals.max(initial=0.0))
        _pad_xlim(ax, lo, hi, 0.05)
        ax.set_xlim(ax.get_xlim()[0], hi + 0.3 * ((hi - lo) or 1.0))
        ax.set_xlabel(f"{label('contribution', lang)} ({unit})")
        ax.set_title(title)
        ax.grid(axis="x", color="#dddddd", lw=0.6)
        ax.set_axisbelow(True)
        handles = [Patch(color=C_POS, label=label("contribution", lang))]
        if (vals < 0).any():
            handles.append(Patch(color=C_NEG, label=label("credits", lang)))
        handles.append(
            Patch(color="none", label=f"{label('net total', lang)}: {_fmt(total)} {unit}")
        )
        leg = ax.legend(
            handles=handles,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.13),
            ncols=len(handles),
            handlelength=1.2,
        )
        leg.get_texts()[-1].set_fontweight("bold")
        return _save(fig, out)


def stage_donut(
    stages: Sequence[tuple[str, float]],
    unit: str,
    out: Path | str,
    title: str,
    lang: str = "en",
) -> list[Path]:
    """A donut of the positive stage contributions, net total in the centre.

    A pie cannot show negative values: credits are left out of the ring and listed in a
    footnote, and the ring's shares are then of the gross (positive) burden.
    """
    pos = [(n, float(v)) for n, v in stages if float(v) > 0]
    neg = [(n, float(v)) for n, v in stages if float(v) < 0]
    total = float(sum(float(v) for _, v in stages))
    gross = float(sum(v for _, v in pos))
    with _style(lang):
        fig = _new_figure()
        ax = fig.add_subplot()
        ax.set_aspect("equal")
        ax.set_axis_off()
        ax.set_xlim(-1.1, 1.1)
        ax.set_ylim(-1.1, 1.1)
        if not pos:  # nothing positive: an empty grey ring
            ax.pie([1.0], colors=["#e6e6e6"], wedgeprops={"width": 0.38})
        else:
            colors = [PALETTE[i % len(PALETTE)] for i in range(len(pos))]
            wedges, _ = ax.pie(
                [v for _, v in pos],
                colors=colors,
                startangle=90,
                counterclock=False,
                wedgeprops={"width": 0.38, "edgecolor": "white", "linewidth": 1.2},
            )
            for w, (_, v) in zip(wedges, pos, strict=True):
                share = v / gross
                if share < 0.04:
                    continue
                ang = np.deg2rad((w.theta1 + w.theta2) / 2)
                ax.text(
                    0.81 * np.cos(ang),
                    0.81 * np.sin(ang),
                    _pct(share),
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white",
                    fontweight="bold",
                )
            fig.legend(
                wedges,
                [f"{n}: {_fmt(v)} ({_pct(v / gross)})" for n, v in pos],
                loc="outside right center",
                fontsize=8,
            )
        centre = label("net total", lang) if neg else label("total", lang)
        ax.text(0, 0.2, centre, ha="center", va="center", fontsize=9, color=C_GREY)
        ax.text(0, 0.0, _fmt(total), ha="center", va="center", fontsize=15, fontweight="bold")
        ax.text(0, -0.17, unit, ha="center", va="center", fontsize=8.5, color=C_GREY)
        ax.set_title(title)
        if neg:
            credits = "; ".join(f"{n} {_fmt(v)} {unit}" for n, v in neg)
            colon, stop = ("：", "。") if lang == "zh" else (": ", ". ")
            _footnote(
                fig,
                f"{label('credits not shown', lang)}{colon}{credits}{stop}"
                f"{label('ring shares', lang)} ({_fmt(gross)} {unit}){stop.strip()}",
            )
        return _save(fig, out)


def stage_burden_credit_bars(
    stages: Sequence[tuple[str, float, float]],
    unit: str,
    out: Path | str,
    title: str,
    lang: str = "en",
) -> list[Path]:
    """Per stage (name, burdens, credits): burdens right of zero, credits as separate negative
    bars left of it, and a marker at the net value, labelled with the net and its share.

    Credits are shown apart from burdens, never netted into one bar (ISO 14067:2018 6.4.6.3).
    """
    names = [n for n, _, _ in stages]
    burdens = np.array([float(b) for _, b, _ in stages])
    credits = np.array([float(c) for _, _, c in stages])
    net = burdens + credits
    total = float(net.sum())
    with _style(lang):
        fig = _new_figure(_row_height(len(stages)))
        ax = fig.add_subplot()
        y = np.arange(len(stages))
        ax.barh(y, burdens, color=C_POS, height=0.62)
        ax.barh(y, credits, color=C_NEG, height=0.62)
        ax.scatter(net, y, marker="D", s=22, color="black", zorder=3)
        for yi, b, c, v in zip(y, burdens, credits, net, strict=True):
            share = f" ({_pct(v / total)})" if total else ""
            ax.annotate(f"{_fmt(v)}{share}", (max(b, 0.0), yi), xytext=(4, 0),
                        textcoords="offset points", ha="left", va="center", fontsize=8)  # fmt: skip
            if c < 0:
                ax.annotate(_fmt(c), (c, yi), xytext=(-3, 0), textcoords="offset points",
                            ha="right", va="center", fontsize=7.5, color=C_NEG)  # fmt: skip
        ax.set_yticks(y, names)
        ax.invert_yaxis()
        ax.axvline(0, color="black", lw=0.8)
        lo = min(0.0, float(credits.min(initial=0.0)), float(net.min(initial=0.0)))
        hi = max(0.0, float(burdens.max(initial=0.0)))
        span = (hi - lo) or 1.0
        ax.set_xlim(lo - (0.18 * span if lo < 0 else 0.0), hi + 0.3 * span)
        ax.set_xlabel(f"{label('contribution', lang)} ({unit})")
        ax.set_title(title, wrap=True)
        ax.grid(axis="x", color="#dddddd", lw=0.6)
        ax.set_axisbelow(True)
        handles = [
            Patch(color=C_POS, label=label("burdens", lang)),
            Patch(color=C_NEG, label=label("credits", lang)),
            Line2D([], [], marker="D", ls="none", color="black", ms=4.5, label=label("net", lang)),
            Patch(color="none", label=f"{label('net total', lang)}: {_fmt(total)} {unit}"),
        ]
        leg = ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.13),
                        ncols=len(handles), handlelength=1.2)  # fmt: skip
        leg.get_texts()[-1].set_fontweight("bold")
        return _save(fig, out)


def flow_bars(
    items: Sequence[tuple[str, str, float]],
    unit: str,
    out: Path | str,
    title: str,
    lang: str = "en",
    max_items: int = 12,
    groups: Sequence[str] = ("fossil", "biogenic", "land_use_change", "precharacterized"),
) -> list[Path]:
    """Result by elementary flow (gas), one bar per (name, group, value), largest first and
    coloured by reporting group; the legend gives each group's total.

    ``groups`` are always listed in the legend, even at zero (ISO 14067:2018 7.3 asks for them
    documented separately); any other group appears when it holds a flow. Beyond
    ``max_items`` the smallest flows are summed into one grey "other" bar.
    """
    rows = sorted(((n, g, float(v)) for n, g, v in items), key=lambda r: -abs(r[2]))
    sums = dict.fromkeys(groups, 0.0)
    for _, g, v in rows:
        sums[g] = sums.get(g, 0.0) + v
    if len(rows) > max_items:
        rest = rows[max_items - 1 :]
        other = (f"{label('other', lang)} ({len(rest)})", "", sum(v for _, _, v in rest))
        rows = [*rows[: max_items - 1], other]
    vals = np.array([v for _, _, v in rows])
    total = float(sum(sums.values()))
    with _style(lang):
        fig = _new_figure(_row_height(len(rows), base=2.2))
        ax = fig.add_subplot()
        y = np.arange(len(rows))
        colors = [GROUP_COLORS.get(g, "#a0a7ae") for _, g, _ in rows]
        ax.barh(y, vals, color=colors, height=0.62)
        for yi, v in zip(y, vals, strict=True):
            share = f" ({_pct(v / total)})" if total else ""
            ax.annotate(f"{_fmt(v)}{share}", (max(v, 0.0), yi), xytext=(4, 0),
                        textcoords="offset points", ha="left", va="center", fontsize=8)  # fmt: skip
        ax.set_yticks(y, [textwrap.fill(n, 34) for n, _, _ in rows])
        ax.invert_yaxis()
        ax.axvline(0, color="black", lw=0.8)
        lo, hi = min(0.0, vals.min(initial=0.0)), max(0.0, vals.max(initial=0.0))
        _pad_xlim(ax, lo, hi, 0.05)
        ax.set_xlim(ax.get_xlim()[0], hi + 0.35 * ((hi - lo) or 1.0))
        ax.set_xlabel(f"{label('contribution', lang)} ({unit})")
        ax.set_title(title, wrap=True)
        ax.grid(axis="x", color="#dddddd", lw=0.6)
        ax.set_axisbelow(True)
        handles = [
            Patch(color=GROUP_COLORS.get(g, "#a0a7ae"), label=f"{label(g, lang)}: {_fmt(v)}")
            for g, v in sums.items()
        ]
        fig.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 3),
                   handlelength=1.2, title=f"{label('total', lang)}: {_fmt(total)} {unit}",
                   title_fontsize=8)  # fmt: skip
        return _save(fig, out)


# --------------------------------------------------------------------------------------------
# parts


def pareto_bars(
    items: Sequence[tuple[str, float]],
    unit: str,
    out: Path | str,
    title: str,
    lang: str = "en",
    max_items: int = 15,
) -> list[Path]:
    """Contributions by part, sorted descending, with the cumulative share on a twin axis.

    Beyond ``max_items`` the smallest items are summed into one "other" bar (kept last).
    Shares are of the net total of all items.
    """
    rows = sorted(((n, float(v)) for n, v in items), key=lambda r: r[1], reverse=True)
    other = len(rows) > max_items
    if other:
        rest = rows[max_items - 1 :]
        rows = [*rows[: max_items - 1], (f"{label('other', lang)} ({len(rest)})", 0.0)]
        rows[-1] = (rows[-1][0], float(sum(v for _, v in rest)))
    names = [n for n, _ in rows]
    vals = np.array([v for _, v in rows])
    total = float(vals.sum())
    cum = 100.0 * np.cumsum(vals) / total if total else np.zeros_like(vals)
    with _style(lang):
        fig = _new_figure()
        ax = fig.add_subplot()
        x = np.arange(len(vals))
        colors = [C_NEG if v < 0 else C_POS for v in vals]
        if other:
            colors[-1] = "#a0a7ae"
        ax.bar(x, vals, color=colors, width=0.7)
        ax.axhline(0, color="black", lw=0.8)
        long_names = max((len(n) for n in names), default=0) > 8 or len(names) > 8
        ax.set_xticks(
            x,
            names,
            rotation=35 if long_names else 0,
            ha="right" if long_names else "center",
            rotation_mode="anchor",
        )
        ax.set_ylabel(f"{label('contribution', lang)} ({unit})")
        ax.set_title(title)
        ax.grid(axis="y", color="#eeeeee", lw=0.6)
        ax.set_axisbelow(True)
        ax2 = ax.twinx()
        ax2.spines["right"].set_visible(True)
        ax2.spines["top"].set_visible(False)
        ax2.plot(x, cum, color=C_ACC, marker="o", ms=3.5, lw=1.4)
        ax2.axhline(80, color=C_ACC, ls="--", lw=0.9, alpha=0.7)
        ax2.set_ylim(0, max(105.0, float(cum.max(initial=0.0)) + 5))
        ax2.yaxis.set_major_locator(MultipleLocator(20))  # 80 is always a tick
        ax2.set_ylabel(f"{label('cumulative share', lang)} (%)", color=C_ACC)
        ax2.tick_params(axis="y", colors=C_ACC)
        if len(vals):
            top = vals.max()
            ax.set_ylim(min(0.0, vals.min() * 1.1), top * 1.12 if top > 0 else 1.0)
            # first bar's share, where the eye starts
            ax.annotate(
                _pct(vals[0] / total) if total else "",
                (0, vals[0]),
                xytext=(0, 3),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=7.5,
            )
        return _save(fig, out)


# --------------------------------------------------------------------------------------------
# Monte Carlo


def mc_histogram(
    samples: np.ndarray,
    deterministic: float,
    unit: str,
    out: Path | str,
    title: str,
    lang: str = "en",
    bins: int | str = "auto",
) -> list[Path]:
    """Histogram of Monte Carlo totals with the deterministic value, the median and the
    shaded 2.5-97.5 % interval; the legend carries the numbers. Non-finite samples are dropped."""
    x = np.asarray(samples, dtype=float).ravel()
    x = x[np.isfinite(x)]
    if x.size == 0:
        raise ValueError("mc_histogram needs at least one finite sample")
    lo, med, hi = (float(v) for v in np.percentile(x, [2.5, 50, 97.5]))
    if isinstance(bins, str):
        bins = int(min(max(len(np.histogram_bin_edges(x, bins=bins)) - 1, 10), 80))
    with _style(lang):
        fig = _new_figure()
        ax = fig.add_subplot()
        ax.hist(x, bins=bins, color=C_POS, alpha=0.8, edgecolor="white", linewidth=0.4, zorder=2)
        ax.axvspan(
            lo,
            hi,
            color="#f2c14e",
            alpha=0.25,
            zorder=0,
            label=f"{label('95 % interval', lang)}: {_fmt(lo)} \u2013 {_fmt(hi)}",
        )
        ax.axvline(lo, color="#b8860b", ls=":", lw=1.1)
        ax.axvline(hi, color="#b8860b", ls=":", lw=1.1)
        ax.axvline(
            med, color="black", ls="--", lw=1.2, label=f"{label('median', lang)}: {_fmt(med)}"
        )
        ax.axvline(
            float(deterministic),
            color=C_ACC,
            lw=1.8,
            label=f"{label('deterministic', lang)}: {_fmt(float(deterministic))}",
        )
        ax.set_xlabel(unit)
        ax.set_ylabel(label("frequency", lang))
        ax.set_title(title)
        ax.legend(
            loc="upper right",
            title=f"{label('samples', lang)}: {x.size:,}",
            title_fontsize=8,
        )
        ax.set_ylim(0, ax.get_ylim()[1] * 1.3)  # room for the legend
        return _save(fig, out)


def convergence(
    iterations: np.ndarray,
    running_mean: np.ndarray,
    half_width: np.ndarray,
    unit: str,
    out: Path | str,
    title: str,
    lang: str = "en",
) -> list[Path]:
    """Running mean of the total against iterations (log scale) with its 95 % confidence band
    (mean +/- ``half_width``); the final mean is marked."""
    it = np.asarray(iterations, dtype=float).ravel()
    m = np.asarray(running_mean, dtype=float).ravel()
    hw = np.asarray(half_width, dtype=float).ravel()
    if not (it.shape == m.shape == hw.shape):
        raise ValueError("iterations, running_mean and half_width must have the same length")
    with _style(lang):
        fig = _new_figure()
        ax = fig.add_subplot()
        ax.fill_between(
            it,
            m - hw,
            m + hw,
            color=C_POS,
            alpha=0.2,
            lw=0,
            label=label("95 % confidence band", lang),
        )
        ax.plot(it, m, color=C_POS, lw=1.5, label=label("running mean", lang))
        if m.size:
            final = float(m[-1])
            fh = float(hw[-1])
            ax.axhline(final, color=C_GREY, ls="--", lw=0.9)
            ax.legend(
                loc="upper right",
                title=f"{label('final', lang)}: {_fmt(final)} \u00b1 {_fmt(fh)} {unit}",
                title_fontsize=8,
            )
        if (it > 0).all() and it.size:
            ax.set_xscale("log")
        finite = np.isfinite(hw) & np.isfinite(m)
        if finite.any():
            # let the start of the run, with its wide band, not flatten the rest
            tail = finite & (it >= it[finite][0] * 3 if it[finite][0] > 0 else finite)
            sel = tail if tail.sum() > 3 else finite
            lo, hi = float((m - hw)[sel].min()), float((m + hw)[sel].max())
            pad = 0.15 * ((hi - lo) or abs(hi) or 1.0)
            ax.set_ylim(lo - pad, hi + pad * 2.5)
        ax.set_xlabel(label("iterations", lang))
        ax.set_ylabel(f"{label('running mean', lang)} ({unit})")
        ax.set_title(title)
        ax.grid(color="#eeeeee", lw=0.6)
        return _save(fig, out)


# --------------------------------------------------------------------------------------------
# sensitivity


def tornado(
    base: float,
    rows: Sequence[tuple[str, float, float]],
    unit: str,
    out: Path | str,
    title: str,
    lang: str = "en",
    max_rows: int = 15,
) -> list[Path]:
    """One-at-a-time sensitivity: for each input the total at its low and high setting, as
    bars from the base total, largest swing on top (at most ``max_rows`` rows)."""
    base = float(base)
    data = sorted(
        ((n, float(lo), float(hi)) for n, lo, hi in rows),
        key=lambda r: abs(r[2] - r[1]),
        reverse=True,
    )[:max_rows]
    ticks, lines = _ticks([r[0] for r in data])
    with _style(lang):
        fig = _new_figure(_row_height(len(data), lines=lines))
        ax = fig.add_subplot()
        y = np.arange(len(data))
        lows = np.array([r[1] for r in data])
        highs = np.array([r[2] for r in data])
        ax.barh(
            y, lows - base, left=base, color=C_NEG, height=0.6, label=label("low setting", lang)
        )
        ax.barh(
            y, highs - base, left=base, color=C_ACC, height=0.6, label=label("high setting", lang)
        )
        for yi, lo, hi in zip(y, lows, highs, strict=True):
            for v, other in ((lo, hi), (hi, lo)):
                right = v > other or (v == other and v >= base)
                ax.annotate(
                    _fmt(v),
                    (v, yi),
                    xytext=(3 if right else -3, 0),
                    textcoords="offset points",
                    ha="left" if right else "right",
                    va="center",
                    fontsize=7.5,
                )
        ax.axvline(base, color="black", lw=1.0)
        ax.set_yticks(y, ticks)
        ax.invert_yaxis()
        allv = np.concatenate([lows, highs, [base]])
        span = float(allv.max() - allv.min()) or abs(base) or 1.0
        ax.set_xlim(float(allv.min()) - 0.18 * span, float(allv.max()) + 0.18 * span)
        ax.set_xlabel(f"{label('total', lang)} ({unit})")
        ax.set_title(title)
        ax.grid(axis="x", color="#eeeeee", lw=0.6)
        ax.set_axisbelow(True)
        ax.legend(
            loc="lower right",
            title=f"{label('base', lang)}: {_fmt(base)} {unit}",
            title_fontsize=8,
        )
        return _save(fig, out)


def sensitivity_bars(
    names: Sequence[str],
    values: Sequence[float],
    out: Path | str,
    title: str,
    xlabel: str,
    lang: str = "en",
    max_items: int = 15,
) -> list[Path]:
    """Ranked horizontal bars of a sensitivity measure (e.g. signed Spearman rho, or the
    contribution to variance in %), largest magnitude on top, negative values in green."""
    if len(names) != len(values):
        raise ValueError("names and values must have the same length")
    data = sorted(
        ((n, float(v)) for n, v in zip(names, values, strict=True)),
        key=lambda r: abs(r[1]),
        reverse=True,
    )[:max_items]
    vals = np.array([v for _, v in data])
    ticks, lines = _ticks([n for n, _ in data])
    with _style(lang):
        fig = _new_figure(_row_height(len(data), lines=lines))
        ax = fig.add_subplot()
        y = np.arange(len(data))
        ax.barh(y, vals, color=[C_NEG if v < 0 else C_POS for v in vals], height=0.62)
        for yi, v in zip(y, vals, strict=True):
            ax.annotate(
                _fmt(v),
                (v, yi),
                xytext=(3 if v >= 0 else -3, 0),
                textcoords="offset points",
                ha="left" if v >= 0 else "right",
                va="center",
                fontsize=7.5,
            )
        ax.set_yticks(y, ticks)
        ax.invert_yaxis()
        ax.axvline(0, color="black", lw=0.8)
        _pad_xlim(ax, min(0.0, vals.min(initial=0.0)), max(0.0, vals.max(initial=0.0)), 0.15)
        ax.set_xlabel(xlabel)
        ax.set_title(title)
        ax.grid(axis="x", color="#eeeeee", lw=0.6)
        ax.set_axisbelow(True)
        return _save(fig, out)


def sobol_bars(
    names: Sequence[str],
    s1: Sequence[float],
    s1_conf: Sequence[float],
    st: Sequence[float],
    st_conf: Sequence[float],
    out: Path | str,
    title: str,
    lang: str = "en",
    max_items: int = 15,
) -> list[Path]:
    """Grouped horizontal bars of first-order (S1) and total-order (ST) Sobol indices with
    their confidence half-widths as error bars, ranked by ST."""
    n = len(names)
    if not (len(s1) == len(s1_conf) == len(st) == len(st_conf) == n):
        raise ValueError("names, s1, s1_conf, st and st_conf must have the same length")
    order = np.argsort(-np.asarray(st, dtype=float), kind="stable")[:max_items]
    nm = [names[i] for i in order]
    a1, c1, at, ct = (np.asarray(v, dtype=float)[order] for v in (s1, s1_conf, st, st_conf))
    ticks, lines = _ticks(nm)
    with _style(lang):
        fig = _new_figure(_row_height(len(nm), per=0.45, lines=lines))
        ax = fig.add_subplot()
        y = np.arange(len(nm))
        h = 0.38
        err = {"ecolor": "#333333", "capsize": 2.5, "elinewidth": 0.9}
        ax.barh(
            y - h / 2, at, h, xerr=ct, color=C_POS, label=label("total order", lang), error_kw=err
        )
        ax.barh(
            y + h / 2,
            a1,
            h,
            xerr=c1,
            color="#e08e45",
            label=label("first order", lang),
            error_kw=err,
        )
        ax.set_yticks(y, ticks)
        ax.invert_yaxis()
        ax.axvline(0, color="black", lw=0.8)
        hi = float(np.nanmax(np.concatenate([at + ct, a1 + c1, [0.0]])))
        lo = float(np.nanmin(np.concatenate([at - ct, a1 - c1, [0.0]])))
        ax.set_xlim(min(lo * 1.1, 0.0), max(hi * 1.08, 0.05))
        ax.set_xlabel(label("Sobol index", lang))
        ax.set_title(title)
        ax.grid(axis="x", color="#eeeeee", lw=0.6)
        ax.set_axisbelow(True)
        ax.legend(loc="lower right", title=label("error bars", lang), title_fontsize=7.5)
        return _save(fig, out)


# --------------------------------------------------------------------------------------------
# scenarios


def scenario_boxes(
    labels: Sequence[str],
    samples: Sequence[np.ndarray],
    deterministic: Sequence[float],
    unit: str,
    out: Path | str,
    title: str,
    lang: str = "en",
    threshold: float | None = None,
) -> list[Path]:
    """One box per scenario (box 25-75 %, whiskers 2.5-97.5 %, no outlier dots), with the
    deterministic result as a red diamond; for changes, dashed lines at +-``threshold``."""
    if not (len(labels) == len(samples) == len(deterministic)):
        raise ValueError("labels, samples and deterministic must have the same length")
    data = [np.asarray(s, dtype=float).ravel() for s in samples]
    data = [d[np.isfinite(d)] for d in data]
    with _style(lang):
        fig = _new_figure()
        ax = fig.add_subplot()
        x = np.arange(1, len(data) + 1)
        bp = ax.boxplot(
            data,
            positions=x,
            whis=(2.5, 97.5),
            showfliers=False,
            widths=0.5,
            patch_artist=True,
            medianprops={"color": "black", "lw": 1.3},
        )
        for i, box in enumerate(bp["boxes"]):
            box.set_facecolor(PALETTE[i % len(PALETTE)])
            box.set_alpha(0.55)
        ax.scatter(
            x,
            [float(d) for d in deterministic],
            marker="D",
            s=28,
            color=C_ACC,
            zorder=3,
            label=label("deterministic", lang),
        )
        if threshold is not None:
            ax.axhline(0.0, color=C_GREY, lw=0.8)
            for y in (-threshold, threshold):
                ax.axhline(y, color=C_GREY, lw=0.9, ls="--",
                           label=f"{label('threshold', lang)} = \u00b1{_fmt(threshold)}"
                           if y > 0 else None)  # fmt: skip
        rot = max((len(s) for s in labels), default=0) * len(labels) > 70
        ax.set_xticks(
            x,
            list(labels),
            rotation=25 if rot else 0,
            ha="right" if rot else "center",
            rotation_mode="anchor",
        )
        ax.set_ylabel(unit)
        ax.set_title(title)
        ax.grid(axis="y", color="#eeeeee", lw=0.6)
        ax.set_axisbelow(True)
        ax.legend(loc="best")
        _footnote(fig, label("box note", lang))
        return _save(fig, out)


def probability_heatmap(
    labels: Sequence[str],
    matrix: np.ndarray,
    out: Path | str,
    title: str,
    lang: str = "en",
) -> list[Path]:
    """Pairwise probabilities (P(row < column - t) for a relevance threshold t) as an annotated
    heat map; the diagonal (and any NaN) is left grey."""
    m = np.asarray(matrix, dtype=float)
    n = len(labels)
    if m.shape != (n, n):
        raise ValueError(f"matrix must be {n} x {n}, got {m.shape}")
    m = m.copy()
    np.fill_diagonal(m, np.nan)
    side = min(max(4.5, 2.2 + 0.6 * n), 12.0)
    with _style(lang):
        fig = _new_figure((side + 1.6, side))
        ax = fig.add_subplot()
        cmap = mpl.colormaps["RdBu"].with_extremes(bad="#e6e6e6")
        im = ax.imshow(np.ma.masked_invalid(m), cmap=cmap, vmin=0.0, vmax=1.0, aspect="equal")
        fs = 9 if n <= 6 else (7.5 if n <= 10 else 6)
        for i in range(n):
            for j in range(n):
                v = m[i, j]
                if np.isnan(v):
                    text, color = "\u2013", C_GREY
                else:
                    text = f"{v:.2f}"
                    color = "white" if abs(v - 0.5) > 0.3 else "black"
                ax.text(j, i, text, ha="center", va="center", fontsize=fs, color=color)
        ax.set_xticks(np.arange(n), list(labels), rotation=35, ha="left", rotation_mode="anchor")
        ax.set_yticks(np.arange(n), list(labels))
        ax.xaxis.tick_top()
        ax.xaxis.set_label_position("top")
        ax.tick_params(length=0)
        for s in ax.spines.values():
            s.set_visible(False)
        ax.set_xlabel(label("column", lang))
        ax.set_ylabel(label("row", lang))
        cb = fig.colorbar(im, ax=ax, shrink=0.8)
        cb.set_label(label("probability reduction", lang))
        ax.set_title(title)
        return _save(fig, out)
