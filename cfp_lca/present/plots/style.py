"""The shared look of the figures: sizes, colours, rcParams, number formats, the language and
font set-up, and the saving of one figure as PNG and SVG."""

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
from matplotlib.text import Text

from .. import fonts
from ..i18n import LANGS

GROUP_COLORS = {
    "fossil": "#3b6ea8",
    "biogenic": "#4f9d69",
    "land_use_change": "#8c6d31",
    "aircraft": "#8e6bb0",
    "precharacterized": "#e08e45",
    "other": "#7f7f7f",
}


FIGSIZE = (7.0, 4.5)
DPI = 150
C_POS = "#3b6ea8"  # burdens
C_NEG = "#4f9d69"  # credits
C_ACC = "#d1495b"  # accents: deterministic value, 80 % line
C_GREY = "#6c757d"
# the tornado's low and high settings: Okabe-Ito blue and orange, told apart by readers with
# any of the common colour-vision deficiencies (red and green are not)
C_LOW = "#0072B2"
C_HIGH = "#E69F00"
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
    bold = (t.get_text() for t in fig.findobj(Text) if fonts.is_bold(t.get_fontweight()))
    fonts.use_bold_face(bold)  # Chinese set bold drawn bold, though the CJK font has no bold
    fig.savefig(png, dpi=DPI, metadata={"Software": None})
    fig.savefig(svg, metadata={"Date": None})
    return [png, svg]


def _wrapped(fig: Figure, text: str, size: float, share: float) -> list[str]:
    """``text`` in lines that fill ``share`` of the figure's width at font ``size`` (CJK
    glyphs count double)."""
    wide = sum(1 for ch in text if ord(ch) >= 0x2E80)
    per_char = size * (0.56 + 0.44 * wide / max(len(text), 1))  # points per character
    return textwrap.wrap(text, max(int(share * fig.get_figwidth() * 72 / per_char), 20))


def _fitted(fig: Figure, text: str, size: float = 11.0) -> str:
    """``text`` wrapped to the figure's width at font ``size``, so a long title (a scenario
    named in full) is never cut at the edge."""
    return "\n".join(_wrapped(fig, text, size, 0.95))


def _footnote(fig: Figure, text: str) -> None:
    """A small note under the axes, wrapped to the figure's width; the constrained layout
    leaves room for its lines."""
    lines = _wrapped(fig, text, 7.5, 0.9)
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
