"""Figures of the Monte Carlo total: its histogram and the convergence of its mean."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .labels import label
from .style import C_ACC, C_GREY, C_POS, _fmt, _new_figure, _save, _style


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
