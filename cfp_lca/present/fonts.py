"""Finding a font that can draw Chinese (CJK) glyphs for figures with ``lang="zh"``.

Matplotlib's default font (DejaVu Sans) has no CJK glyphs. The ``mplfonts`` package (a
dependency) ships Noto Sans CJK SC (SIL Open Font License); its file is registered with
matplotlib at first use, so a fresh install draws Chinese with no system font. Without it, an
installed system CJK font is used (on Debian or Ubuntu, ``apt-get install fonts-noto-cjk``).
Nothing is downloaded. Where the font has no bold weight (the bundled one has none), Chinese set
bold is drawn in a bold face made for the characters of each figure (:mod:`.font_files`).
"""

from __future__ import annotations

import atexit
import importlib.util
import shutil
import tempfile
import threading
import warnings
from collections.abc import Iterable
from pathlib import Path

from matplotlib import font_manager

__all__ = [
    "CJK_FONT_NAMES",
    "CJKFontMissing",
    "INSTALL_HINT",
    "bundled_cjk_font",
    "cjk_font",
    "cjk_font_path",
    "is_bold",
    "use_bold_face",
    "warn_missing",
]

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

#: font files shipped by pip packages, best first: (package, file inside the package)
BUNDLED_FONTS: tuple[tuple[str, str], ...] = (
    ("mplfonts", "fonts/NotoSansCJKsc-Regular.otf"),
    ("mplfonts", "fonts/SourceHanSerifSC-Regular.otf"),
)

INSTALL_HINT = (
    "Install the `mplfonts` package (it ships Noto Sans CJK SC), or on Debian/Ubuntu "
    "install one with `apt-get install fonts-noto-cjk` "
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


_warned: list[bool] = []


def warn_missing(stacklevel: int = 3) -> None:
    """Warn once per process that Chinese labels are drawn without a CJK font (later figures
    stay silent: one clear line instead of one per figure)."""
    if _warned:
        return
    _warned.append(True)
    warnings.warn(
        "No CJK font is installed, so the Chinese labels of the figures will be drawn as empty "
        "boxes (missing glyphs). " + INSTALL_HINT,
        CJKFontMissing,
        stacklevel=stacklevel,
    )


def bundled_cjk_font() -> Path | None:
    """The file of a CJK font shipped by an installed pip package (found without importing
    the package), or None."""
    for package, name in BUNDLED_FONTS:
        spec = importlib.util.find_spec(package)
        for folder in (spec.submodule_search_locations or []) if spec else []:
            path = Path(folder) / name
            if path.is_file():
                return path
    return None


_registered: dict[str, Path] = {}


def _register_bundled() -> None:
    """Add the bundled CJK font file to matplotlib's font list (once)."""
    if _registered:
        return
    path = bundled_cjk_font()
    if path is None:
        _registered["none"] = Path()
        return
    known = {Path(f.fname).resolve() for f in font_manager.fontManager.ttflist}
    if path.resolve() not in known:
        font_manager.fontManager.addfont(str(path))
    _registered[font_manager.FontProperties(fname=str(path)).get_name()] = path


def cjk_font() -> str | None:
    """The family name of a CJK-capable font (the bundled one first), or None if none."""
    _register_bundled()
    found = _match({f.name for f in font_manager.fontManager.ttflist})
    if found is None:
        _scan_system_fonts()
        found = _match({f.name for f in font_manager.fontManager.ttflist})
    return found


def cjk_font_path() -> Path | None:
    """The file of the CJK font :func:`cjk_font` picks (for embedding in a PDF), or None."""
    name = cjk_font()
    if name is None:
        return None
    return next((Path(f.fname) for f in font_manager.fontManager.ttflist if f.name == name),
                None)  # fmt: skip


def is_bold(weight: str | float) -> bool:
    """Whether a matplotlib font weight (a name or 100 to 900) is bold or heavier."""
    if isinstance(weight, int | float):
        return weight >= 600
    return weight.lower() in {"semibold", "demibold", "demi", "bold", "heavy", "extra bold",
                              "black"}  # fmt: skip


#: the bold face made for figures: its characters, file and folder (kept for the process)
_bold: dict[str, object] = {}
_bold_lock = threading.Lock()


def _has_bold(name: str) -> bool:
    """Whether matplotlib knows a bold weight of the family ``name`` not made here."""
    made = str(_bold.get("path", ""))
    return any(f.name == name and is_bold(f.weight) and f.fname != made
               for f in font_manager.fontManager.ttflist)  # fmt: skip


def _bold_folder() -> Path:
    """The process's folder of made faces, removed when the process exits."""
    if "folder" not in _bold:
        _bold["folder"] = Path(tempfile.mkdtemp(prefix="cfp_lca_fonts_"))
        atexit.register(shutil.rmtree, _bold["folder"], True)
    return _bold["folder"]  # type: ignore[return-value]


def use_bold_face(texts: Iterable[str]) -> None:
    """Let matplotlib draw the Chinese of ``texts``, which are set bold, in a bold face of the
    CJK font holding their characters, made unless the font has a bold weight of its own."""
    from .font_files import bold_face

    wanted = frozenset(c for text in texts for c in text if ord(c) >= 0x2E80)
    if not wanted:
        return
    with _bold_lock:
        made: frozenset[str] = _bold.get("characters", frozenset())  # type: ignore[assignment]
        name, source = cjk_font(), cjk_font_path()
        if wanted <= made or name is None or source is None or _has_bold(name):
            return
        characters = made | wanted
        target = _bold_folder() / f"bold-{len(characters)}-{hash(characters)}.otf"
        bold_face(source, "".join(characters), target, family=name)
        old = str(_bold.get("path", ""))
        manager = font_manager.fontManager
        manager.ttflist = [f for f in manager.ttflist if f.fname != old]
        manager.addfont(str(target))  # also empties matplotlib's cache of found fonts
        _bold.update(characters=characters, path=target)
