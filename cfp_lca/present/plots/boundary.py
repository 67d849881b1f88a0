"""The system-boundary diagram: the life-cycle stages in order inside the boundary (each with
its EN 15804 module and its share of the footprint), the separately reported stages dashed,
module D outside the boundary where credits exist, and the exclusions below it."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path

from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

from .labels import label
from .style import C_GREY, C_NEG, C_POS, _fitted, _new_figure, _save, _style

WIDTH = 1.0  # of a stage box, in axes units; boxes stand 0.35 apart


def boundary_diagram(
    stages: Sequence[dict],
    exclusions: Sequence[str],
    out: Path | str,
    title: str,
    lang: str = "en",
    credits: str | None = None,
) -> list[Path]:
    """``stages``: {name, module (or None), share (% of the total), separate} in life-cycle
    order; ``exclusions``: what the study leaves out, in words; ``credits``: the label of the
    benefits beyond the boundary (module D), when the model has credits."""
    n = len(stages)
    step = WIDTH + 0.35
    span = n * step - 0.35
    wide = span + (step if credits else 0.0)
    with _style(lang):
        fig = _new_figure((min(2.0 + 1.7 * (n + bool(credits)), 16.0), 4.2))
        ax = fig.add_subplot()
        ax.add_patch(Rectangle((-0.2, -0.25), span + 0.4, 1.75, fill=False, linestyle="--",
                               edgecolor=C_GREY, linewidth=1.0))  # fmt: skip
        ax.text(-0.15, 1.38, label("system boundary", lang), fontsize=8, color=C_GREY,
                va="center")  # fmt: skip
        for i, stage in enumerate(stages):
            x = i * step
            _box(ax, x, stage["name"], stage.get("module"), stage["share"], stage["separate"],
                 C_POS)  # fmt: skip
            if i:  # an arrow from the stage before
                arrow = FancyArrowPatch((x - 0.33, 0.55), (x - 0.02, 0.55), arrowstyle="-|>",
                                        mutation_scale=10, color=C_GREY)  # fmt: skip
                ax.add_patch(arrow)
        if credits:
            _box(ax, span + 0.35 + 0.2, credits, "D", None, True, C_NEG)
        if exclusions:
            text = label("excluded", lang) + ("；" if lang == "zh" else "; ").join(exclusions)
            wrapped = "\n".join(textwrap.wrap(text, int(24 * (n + bool(credits))))[:4])
            ax.text(-0.2, -0.4, wrapped, fontsize=7.5, color=C_GREY, va="top", ha="left")
        ax.set_xlim(-0.3, wide + 0.3)
        ax.set_ylim(-0.9, 1.55)
        ax.axis("off")
        ax.set_title(_fitted(fig, title))
        return _save(fig, out)


def _box(ax, x: float, name: str, module: str | None, share: float | None, dashed: bool,
         colour: str) -> None:  # fmt: skip
    """One stage: a rounded box with its name, module and share."""
    ax.add_patch(FancyBboxPatch((x, 0.1), WIDTH, 0.9, boxstyle="round,pad=0.02",
                                facecolor=colour, alpha=0.15 if dashed else 0.3,
                                edgecolor=colour, linestyle="--" if dashed else "-"))  # fmt: skip
    lines = textwrap.wrap(name, 14)[:4]
    if module:
        lines.insert(0, module)
    if share is not None:
        lines.append(f"{share:.1f} %")
    ax.text(x + WIDTH / 2, 0.55, "\n".join(lines), ha="center", va="center", fontsize=7.5)
