"""The supply tree as a figure: an icicle chart, the functional unit at the left, each branch a
box as tall as its share of the footprint and set against the activity that buys it, so the
paths that carry the footprint read from left to right. Credits (negative branches) are green;
what a parent holds below the cut-off, or emits itself, is the space its children leave."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path

from matplotlib.patches import Rectangle

from .labels import label
from .style import C_NEG, C_POS, _fitted, _fmt, _footnote, _new_figure, _save, _style

MIN_LABEL = 0.03  # a box of at least this share of the total is named


def supply_tree(
    rows: Sequence[dict],
    unit: str,
    out: Path | str,
    title: str,
    lang: str = "en",
) -> list[Path]:
    """``rows``: the branches as ``tree --json`` gives them (id, parent, depth, name, score,
    share), the functional unit first; every box is laid out inside its parent's."""
    boxes = tree_boxes(rows)
    depth = max(r["depth"] for r in rows)
    with _style(lang):
        fig = _new_figure((min(3.0 + 2.4 * (depth + 1), 16.0), 6.0))
        ax = fig.add_subplot()
        for row, bottom, height in boxes:
            colour = C_NEG if row["score"] < 0 else C_POS
            shade = 0.25 + 0.6 * min(height, 1.0)  # the larger, the deeper
            ax.add_patch(Rectangle((row["depth"], bottom), 0.96, height, facecolor=colour,
                                   alpha=shade, edgecolor="white"))  # fmt: skip
            if height >= MIN_LABEL:
                name = "\n".join(textwrap.wrap(row["name"], 24)[: 3 if height > 0.1 else 1])
                ax.text(row["depth"] + 0.04, bottom + height / 2,
                        f"{name}\n{_fmt(row['score'])} ({row['share']:.1f} %)",
                        va="center", ha="left", fontsize=7, clip_on=True)  # fmt: skip
        ax.set_xlim(0, depth + 1)
        ax.set_ylim(0, 1)
        ax.set_yticks([])
        ax.set_xticks([d + 0.48 for d in range(depth + 1)])
        ax.set_xticklabels([label("tree level", lang).format(n=d) for d in range(depth + 1)])
        ax.spines[["left", "bottom"]].set_visible(False)
        ax.tick_params(axis="x", length=0)
        ax.set_title(_fitted(fig, title))
        _footnote(fig, label("tree note", lang).format(unit=unit, cut=MIN_LABEL * 100))
        return _save(fig, out)


def tree_boxes(rows: Sequence[dict]) -> list[tuple[dict, float, float]]:
    """(row, bottom, height) of every branch, in shares of the total: the functional unit
    spans 0 to 1, each child is as tall as its absolute share and stacked from its parent's
    top, largest first, never beyond its parent's box."""
    kids: dict = {}
    for r in rows:
        kids.setdefault(r["parent"], []).append(r)
    root = next(r for r in rows if r["parent"] is None)
    total = abs(root["score"]) or 1.0
    boxes: list[tuple[dict, float, float]] = []

    def place(row: dict, bottom: float, height: float) -> None:
        boxes.append((row, bottom, height))
        top = bottom + height
        for child in sorted(kids.get(row["id"], []), key=lambda r: -abs(r["score"])):
            size = min(abs(child["score"]) / total, top - bottom)
            place(child, top - size, size)
            top -= size

    place(root, 0.0, 1.0)
    return boxes
