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

from ..fonts import CJKFontMissing
from ..i18n import LANGS as LANGS
from .boundary import boundary_diagram
from .breakdown import flow_bars, pareto_bars, stage_bars, stage_burden_credit_bars, stage_donut
from .labels import label
from .scenarios import probability_heatmap, scenario_boxes, scenario_totals
from .sensitivity import sensitivity_bars, sobol_bars, tornado
from .style import _RC as _RC  # the rcParams of every figure
from .style import _fmt as _fmt  # the numbers of every figure
from .tree import supply_tree
from .uncertainty import convergence, mc_histogram

__all__ = [
    "CJKFontMissing",
    "boundary_diagram",
    "convergence",
    "label",
    "mc_histogram",
    "pareto_bars",
    "probability_heatmap",
    "scenario_boxes",
    "scenario_totals",
    "sensitivity_bars",
    "sobol_bars",
    "stage_bars",
    "stage_burden_credit_bars",
    "stage_donut",
    "supply_tree",
    "flow_bars",
    "tornado",
]
