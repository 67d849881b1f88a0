"""The study report as a paginated PDF (WeasyPrint, an HTML-to-PDF renderer), when installed.

WeasyPrint needs the Pango text library of the system (``libpango-1.0-0`` on Debian/Ubuntu);
where WeasyPrint or Pango is missing, no PDF is written and a notice says why. Chinese text is
drawn with the bundled CJK font, cut down first to the characters the report uses (embedding
the whole font would take half a minute and tens of megabytes), and a bold face made from it.
"""

from __future__ import annotations

import base64
import re
import tempfile
from functools import lru_cache
from pathlib import Path

from .font_files import FAMILY, bold_face, subset_font
from .fonts import cjk_font_path

_MARGIN_TEXT = "font-family:'DejaVu Sans','CJK',sans-serif;font-size:8pt;color:#666"
_IMAGES = re.compile(r"data:image/[a-z]+;base64,[A-Za-z0-9+/=]*")


def pdf_renderer() -> tuple[object | None, str | None]:
    """WeasyPrint's HTML class, or None and the reason it cannot be used."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # the package, or a system library it loads
        return None, f"{type(exc).__name__}: {exc}"
    return HTML, None


def cjk_characters(page_html: str) -> str:
    """The CJK characters and full-width punctuation of a page (images left out), with the
    printable ASCII characters that the text engine may draw beside them from the same font;
    empty when the page has no CJK character."""
    found = {c for c in _IMAGES.sub("", page_html) if ord(c) >= 0x2E80}
    return "".join(sorted(found | {chr(i) for i in range(0x20, 0x7F)})) if found else ""


@lru_cache(maxsize=4)
def _face_bytes(source: Path, characters: str) -> tuple[bytes, bytes]:
    """The regular and bold faces of ``source`` for ``characters``, as bytes: made once for
    a report's HTML and PDF, which hold the same characters."""
    with tempfile.TemporaryDirectory() as folder:
        regular = subset_font(source, characters, Path(folder) / "cjk.otf")
        bold = bold_face(source, characters, Path(folder) / "cjk-bold.otf")
        return regular.read_bytes(), bold.read_bytes()


def cjk_face_bytes(page_html: str) -> tuple[bytes, bytes] | None:
    """The CJK font cut down to the page's characters and its bold twin, as font files'
    bytes; None when the page has no CJK character or no CJK font is found."""
    characters, source = cjk_characters(page_html), cjk_font_path()
    if not characters or source is None:
        return None
    return _face_bytes(source, characters)


#: the characters the CJK faces draw in a browser: CJK scripts and full-width forms, the
#: range :func:`cjk_characters` collects (Latin stays with DejaVu Sans)
CJK_RANGE = "U+2E80-FFFF"


def font_face_css(regular: str, bold: str, ranged: bool = False) -> str:
    """``@font-face`` rules for the family ``CJK`` in its two weights, from the two URLs;
    ``ranged``: for the CJK characters only."""
    extent = f"unicode-range:{CJK_RANGE};" if ranged else ""
    return "".join(
        f"@font-face{{font-family:'{FAMILY}';font-weight:{weight};{extent}src:url('{url}')}}"
        for weight, url in (("normal", regular), ("bold", bold))
    )


def embedded_cjk_css(page_html: str) -> str:
    """``@font-face`` rules carrying the CJK font, regular and bold, cut down to the page's
    characters, inline (base64), so a page with Chinese shows it on a machine without CJK
    fonts; empty when the page has no CJK character or no CJK font is found.

    The faces come first in the font list, for CJK characters only: Chromium, with a local
    font first and a web font after it, drew some Chinese words as empty boxes on a machine
    without CJK fonts ("摘要": the first shaping, made while the face loaded, was kept)."""
    faces = cjk_face_bytes(page_html)
    if faces is None:
        return ""
    regular, bold = (base64.b64encode(data).decode() for data in faces)
    return (
        font_face_css(f"data:font/otf;base64,{regular}", f"data:font/otf;base64,{bold}", True)
        + "body{font-family:'CJK','DejaVu Sans',sans-serif}"
    )


def page_css(header: str, cjk_faces: tuple[Path, Path] | None = None) -> str:
    """Print rules: A4 pages, the report title in the header, page x / y in the footer, the
    CJK font's two weights (when given) after DejaVu Sans for Chinese text."""
    face = font_face_css(*(f.as_uri() for f in cjk_faces)) if cjk_faces else ""
    quoted = header.replace("\\", "\\\\").replace('"', '\\"')
    return (
        face + "@page{size:A4;margin:18mm 14mm 18mm 14mm;"
        f'@top-center{{content:"{quoted}";{_MARGIN_TEXT}}}'
        f'@bottom-center{{content:counter(page) " / " counter(pages);{_MARGIN_TEXT}}}}}'
        "body{font-family:'DejaVu Sans','CJK',sans-serif;font-size:9pt;max-width:none;margin:0}"
        "table{font-size:7pt;page-break-inside:auto;width:100%;max-width:100%}"
        ".wide{overflow:visible}"  # a page scrolls a wide table; paper fits it to the page
        "tr{page-break-inside:avoid}"
        # a wide table wraps its cells within the page rather than running off its edge
        # words and numbers break only where no whole one fits (never "3603.6/8")
        "th,td{min-width:2.5em;word-break:normal;overflow-wrap:break-word}"
        "td.num{white-space:nowrap}code{font-size:6.5pt}"
        "h2{page-break-after:avoid}figure{page-break-inside:avoid;margin:0.5em 0}"
        "thead{display:table-header-group}caption{page-break-after:avoid}"
        "img{max-width:100%}nav{page-break-after:always}"
        # the contents give each section's page, as a printed report does
        "nav a::after{content:leader('.') target-counter(attr(href), page)}"
    )


def write_pdf(page_html: str, header: str, path: Path) -> str | None:
    """``page_html`` printed to ``path``; None, or the reason no PDF was written."""
    html_class, reason = pdf_renderer()
    if html_class is None:
        return reason
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    data = cjk_face_bytes(page_html + header)
    with tempfile.TemporaryDirectory() as folder:
        faces = None
        if data is not None:  # files WeasyPrint's @font-face can name
            faces = (Path(folder) / "cjk.otf", Path(folder) / "cjk-bold.otf")
            for face, content in zip(faces, data, strict=True):
                face.write_bytes(content)
        fonts = FontConfiguration()  # needed for the @font-face of the CJK font
        css = CSS(string=page_css(header, faces), font_config=fonts)
        html_class(string=page_html, base_url=str(path.parent)).write_pdf(
            path, stylesheets=[css], font_config=fonts
        )
    return None
