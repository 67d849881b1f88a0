"""The texts of the figures in each language (axis, legend and note texts, titles, gas names),
from the report's one catalog (:mod:`cfp_lca.present.i18n`, its ``figures`` section)."""

from __future__ import annotations

from ..i18n import FIGURE_TEXT, LANGS


def label(key: str, lang: str = "en") -> str:
    """The text for ``key`` in ``lang``; unknown keys come back unchanged."""
    entry = FIGURE_TEXT.get(key)
    if entry is None or lang not in LANGS:
        return key
    return entry[LANGS.index(lang)]
