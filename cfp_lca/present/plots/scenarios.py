"""Figures of the scenario comparison: each scenario's total with its interval, boxes of each
scenario's change, and pairwise probabilities."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path

import matplotlib as mpl
import numpy as np

from .labels import label
from .style import (
    C_ACC,
    C_GREY,
    PALETTE,
    _fitted,
    _fmt,
    _footnote,
    _new_figure,
    _row_height,
    _save,
    _style,
    _ticks,
)


def scenario_totals(
    labels: Sequence[str],
    samples: Sequence[np.ndarray],
    deterministic: Sequence[float],
    kinds: Sequence[str],
    unit: str,
    out: Path | str,
    title: str,
    lang: str = "en",
) -> list[Path]:
    """Each scenario's total at best estimates (bar) with the median (dot) and the 95 %
    interval (whisker) of its Monte Carlo totals; bars coloured by the scenario's kind
    (design, method, context), so a method choice is never read as a design option."""
    if not (len(labels) == len(samples) == len(deterministic) == len(kinds)):
        raise ValueError("labels, samples, deterministic and kinds must have the same length")
    data = [np.asarray(s, dtype=float).ravel() for s in samples]
    det = np.array(deterministic, dtype=float)
    lo = np.array([np.percentile(d, 2.5) for d in data])
    hi = np.array([np.percentile(d, 97.5) for d in data])
    med = np.array([np.median(d) for d in data])
    order = list(dict.fromkeys(kinds))
    colors = {k: PALETTE[j % len(PALETTE)] for j, k in enumerate(order)}
    ticks, lines = _ticks(labels)
    with _style(lang):
        fig = _new_figure(_row_height(len(labels), lines=lines))
        ax = fig.add_subplot()
        y = np.arange(len(labels))
        for k in order:
            rows = [i for i, kind in enumerate(kinds) if kind == k]
            ax.barh(y[rows], det[rows], color=colors[k], height=0.6,
                    label=label(f"kind {k}", lang))  # fmt: skip
        ax.errorbar(
            med,
            y,
            xerr=[med - lo, hi - med],
            fmt="o",
            color="black",
            ms=3,
            elinewidth=0.8,
            capsize=3,
            label=label("median and 95 % interval", lang),
        )
        ax.set_yticks(y, ticks)
        ax.invert_yaxis()
        left = min(0.0, float(lo.min()), float(det.min()))
        right = max(0.0, float(hi.max()), float(det.max()))
        ax.set_xlim(left * 1.15, right * 1.15 or 1.0)
        ax.set_xlabel(unit)
        ax.set_title(_fitted(fig, title))
        ax.grid(axis="x", color="#eeeeee", lw=0.6)
        ax.set_axisbelow(True)
        ax.legend(
            loc="upper center", bbox_to_anchor=(0.5, -0.08 - 0.25 / fig.get_figheight()), ncol=3
        )  # fmt: skip (values are read in the tables: one printed value each)
        return _save(fig, out)


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
        ax.set_title(_fitted(fig, title))
        ax.grid(axis="y", color="#eeeeee", lw=0.6)
        ax.set_axisbelow(True)
        ax.legend(loc="best")
        _footnote(fig, label("box note", lang))
        return _save(fig, out)


def _short(text: str) -> str:
    """A scenario's name in at most two lines for a heat map's axis (CJK glyphs are wider)."""
    wide = any(ord(c) >= 0x2E80 for c in text)
    return textwrap.fill(text, 14 if wide else 26, max_lines=2, placeholder=" ...")


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
    labels = [_short(x) for x in labels]  # scenarios by title: two lines at most
    longest = max((len(line) for x in labels for line in x.split("\n")), default=0)
    side = min(max(4.5, 2.2 + 0.6 * n) + 0.07 * longest, 16.0)
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
        ax.set_title(_fitted(fig, title))
        return _save(fig, out)
