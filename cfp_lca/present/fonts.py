"""Finding a font that can draw Chinese (CJK) glyphs for figures with ``lang="zh"``.

Matplotlib's default font (DejaVu Sans) has no CJK glyphs, so Chinese labels need an installed
CJK font. Nothing is downloaded: on Debian or Ubuntu, ``apt-get install fonts-noto-cjk``.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from matplotlib import font_manager

__all__ = ["CJK_FONT_NAMES", "CJKFontMissing", "INSTALL_HINT", "cjk_font"]

#: Family names (case-insensitive prefixes) of common CJK-capable fonts, best first.
CJK_FONT_NAMES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Noto Sans CJK",
    "Noto Sans SC",
    "Noto Serif CJK SC",
    "Noto Serif CJK",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Source Han Sans",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "WenQuanYi",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Heiti SC",
    "AR PL UMing",
    "AR PL UKai",
    "AR PL",
    "Droid Sans Fallback",
    "SimSun",
)

# Pieces of font *file* names that mark a CJK font, used when matplotlib's cached font list
# predates the font's installation.
_CJK_FILE_HINTS = (
    "notosanscjk",
    "notoserifcjk",
    "notosanssc",
    "sourcehansans",
    "wqy",
    "msyh",
    "simhei",
    "simsun",
    "uming",
    "ukai",
    "droidsansfallback",
    "pingfang",
)

INSTALL_HINT = (
    "On Debian/Ubuntu install one with `apt-get install fonts-noto-cjk` "
    "(or the smaller `fonts-wqy-microhei`); if matplotlib still does not see it, "
    "delete its font cache (~/.cache/matplotlib)."
)


class CJKFontMissing(UserWarning):
    """A figure with Chinese labels was drawn without any CJK font installed."""


def _match(names: set[str]) -> str | None:
    lower = {n.lower(): n for n in names}
    for wanted in CJK_FONT_NAMES:
        w = wanted.lower()
        for low, name in sorted(lower.items()):
            if low.startswith(w):
                return name
    return None


_scanned = False


def _scan_system_fonts() -> None:
    """Register CJK font files that matplotlib's cached font list does not know yet (once)."""
    global _scanned
    if _scanned:
        return
    _scanned = True
    known = {Path(f.fname).resolve() for f in font_manager.fontManager.ttflist}
    for fname in font_manager.findSystemFonts():
        path = Path(fname)
        stem = path.name.lower().replace("-", "").replace("_", "").replace(" ", "")
        if path.resolve() in known or not any(h in stem for h in _CJK_FILE_HINTS):
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                font_manager.fontManager.addfont(str(path))
            except Exception:  # an unreadable font file is simply skipped
                continue


def cjk_font() -> str | None:
    """The family name of an installed CJK-capable font, or None if there is none."""
    found = _match({f.name for f in font_manager.fontManager.ttflist})
    if found is None:
        _scan_system_fonts()
        found = _match({f.name for f in font_manager.fontManager.ttflist})
    return found
