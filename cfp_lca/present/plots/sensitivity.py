"""Figures of the sensitivity analysis: tornado, ranked measures and Sobol indices."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .labels import label
from .style import (
    C_HIGH,
    C_LOW,
    C_NEG,
    C_POS,
    _fmt,
    _new_figure,
    _pad_xlim,
    _row_height,
    _save,
    _style,
    _ticks,
)


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
            y, lows - base, left=base, color=C_LOW, height=0.6, label=label("low setting", lang)
        )
        ax.barh(
            y, highs - base, left=base, color=C_HIGH, height=0.6, label=label("high setting", lang)
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
        ax.legend(  # below the axes: never over a bar
            loc="upper center",
            bbox_to_anchor=(0.5, -0.06 - 0.25 / fig.get_figheight()),
            ncol=2,
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
    share of the squared rank correlations in %), largest magnitude on top, negative values
    in green."""
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
