"""Figures of how the footprint divides: by life-cycle stage, by greenhouse gas, by part."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MultipleLocator

from .labels import label
from .style import (
    C_ACC,
    C_GREY,
    C_NEG,
    C_POS,
    GROUP_COLORS,
    PALETTE,
    _fmt,
    _footnote,
    _new_figure,
    _pad_xlim,
    _pct,
    _row_height,
    _save,
    _style,
)

# --------------------------------------------------------------------------------------------
# stages


def stage_bars(
    stages: Sequence[tuple[str, float]],
    unit: str,
    out: Path | str,
    title: str,
    lang: str = "en",
    intervals: Sequence[tuple[float, float]] | None = None,
    shown: Callable[[float], str] | None = None,
) -> list[Path]:
    """Horizontal bars of life-cycle stage contributions, labelled with value and share, with
    each stage's 95 % Monte Carlo interval as a whisker where ``intervals`` are given.
    ``shown`` prints a value as the report's tables do (shares then with one decimal), so a
    figure and a table never print one quantity two ways; about three digits without it.

    Stages keep the given (life-cycle) order, top to bottom. Negative stages (credits) are
    drawn in green to the left of zero; shares are of the net total, so they add up to 100 %.
    """
    names = [s for s, _ in stages]
    vals = np.array([float(v) for _, v in stages])
    total = float(vals.sum())
    ends = np.array(intervals, dtype=float).reshape(-1, 2) if intervals else None
    with _style(lang):
        fig = _new_figure(_row_height(len(vals)))
        ax = fig.add_subplot()
        y = np.arange(len(vals))
        colors = [C_NEG if v < 0 else C_POS for v in vals]
        ax.barh(y, vals, color=colors, height=0.62)
        if ends is not None:
            below = np.clip(vals - ends[:, 0], 0, None)
            above = np.clip(ends[:, 1] - vals, 0, None)
            ax.errorbar(vals, y, xerr=[below, above], fmt="none", ecolor="black", elinewidth=0.8,
                        capsize=3)  # fmt: skip
        ax.set_yticks(y, names)
        ax.invert_yaxis()
        ax.axvline(0, color="black", lw=0.8)
        for k, (yi, v) in enumerate(zip(y, vals, strict=True)):
            pct = (f"{100 * v / total:.1f} %" if shown else _pct(v / total)) if total else ""
            share = f" ({pct})" if total else ""
            # credits are labelled right of zero, clear of the stage names and the whisker
            ax.annotate(
                f"{(shown or _fmt)(v)}{share}",
                (max(v, 0.0, ends[k, 1] if ends is not None else 0.0), yi),
                xytext=(4, 0),
                textcoords="offset points",
                ha="left",
                va="center",
                fontsize=8,
            )
        reach = np.concatenate([vals, ends.ravel()]) if ends is not None else vals
        lo, hi = min(0.0, reach.min(initial=0.0)), max(0.0, reach.max(initial=0.0))
        _pad_xlim(ax, lo, hi, 0.05)
        ax.set_xlim(ax.get_xlim()[0], hi + 0.3 * ((hi - lo) or 1.0))
        ax.set_xlabel(f"{label('contribution', lang)} ({unit})")
        ax.set_title(title)
        ax.grid(axis="x", color="#dddddd", lw=0.6)
        ax.set_axisbelow(True)
        handles = [Patch(color=C_POS, label=label("contribution", lang))]
        if (vals < 0).any():
            handles.append(Patch(color=C_NEG, label=label("credits", lang)))
        if ends is not None:
            handles.append(Line2D([], [], color="black", lw=0.8, marker="|",
                                  label=label("95 % interval", lang)))  # fmt: skip
        net = (shown or _fmt)(total)
        handles.append(Patch(color="none", label=f"{label('net total', lang)}: {net} {unit}"))
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
