"""The study report as a paginated PDF (WeasyPrint, an HTML-to-PDF renderer), when installed.

WeasyPrint needs the Pango text library of the system (``libpango-1.0-0`` on Debian/Ubuntu);
where WeasyPrint or Pango is missing, no PDF is written and a notice says why. Chinese text is
drawn with the bundled CJK font, cut down first to the characters the report uses (embedding
the whole font would take half a minute and tens of megabytes).
"""

from __future__ import annotations

import base64
import re
import tempfile
from pathlib import Path

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


def subset_font(source: Path, characters: str, target: Path) -> Path:
    """``source`` cut down to ``characters`` (layout features and names kept), at ``target``."""
    from fontTools import subset

    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters)
    subsetter.subset(font)
    subset.save_font(font, str(target), options)
    return target


def embedded_cjk_css(page_html: str) -> str:
    """An ``@font-face`` rule carrying the bundled CJK font, cut down to the page's characters,
    inline (base64), so a page with Chinese shows it on a machine without CJK fonts; empty
    when the page has no CJK character or no CJK font is bundled."""
    characters, source = cjk_characters(page_html), cjk_font_path()
    if not characters or source is None:
        return ""
    with tempfile.TemporaryDirectory() as folder:
        data = subset_font(source, characters, Path(folder) / "cjk.otf").read_bytes()
    encoded = base64.b64encode(data).decode()
    return (
        f"@font-face{{font-family:'CJK';src:url(data:font/otf;base64,{encoded})}}"
        "body{font-family:'DejaVu Sans','Noto Sans CJK SC','CJK',sans-serif}"
    )


def page_css(header: str, cjk_font: Path | None = None) -> str:
    """Print rules: A4 pages, the report title in the header, page x / y in the footer, the
    CJK font (when given) after DejaVu Sans for Chinese text."""
    face = f"@font-face{{font-family:'CJK';src:url('{cjk_font.as_uri()}')}}" if cjk_font else ""
    quoted = header.replace("\\", "\\\\").replace('"', '\\"')
    return (
        face + "@page{size:A4;margin:18mm 14mm 18mm 14mm;"
        f'@top-center{{content:"{quoted}";{_MARGIN_TEXT}}}'
        f'@bottom-center{{content:counter(page) " / " counter(pages);{_MARGIN_TEXT}}}}}'
        "body{font-family:'DejaVu Sans','CJK',sans-serif;font-size:9pt;max-width:none;margin:0}"
        "table{font-size:7pt;page-break-inside:auto;width:100%;max-width:100%}"
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

    characters, source = cjk_characters(page_html + header), cjk_font_path()
    with tempfile.TemporaryDirectory() as folder:
        font = (subset_font(source, characters, Path(folder) / "cjk.otf")
                if characters and source else None)  # fmt: skip
        fonts = FontConfiguration()  # needed for the @font-face of the CJK font
        css = CSS(string=page_css(header, font), font_config=fonts)
        html_class(string=page_html, base_url=str(path.parent)).write_pdf(
            path, stylesheets=[css], font_config=fonts
        )
    return None
