"""The bold face made for the bundled CJK font (which has one regular weight): what it holds,
how much bolder it is, and that figures and the PDF draw Chinese set bold with it."""

from __future__ import annotations

import pytest
from fontTools.pens.boundsPen import BoundsPen
from fontTools.pens.statisticsPen import StatisticsPen
from fontTools.ttLib import TTFont
from test_report_iso import kettle_study  # noqa: F401  (the module fixture)

from cfp_lca.present import fonts
from cfp_lca.present.font_files import STRENGTH_PER_EM, bold_face

SOURCE = fonts.bundled_cjk_font()
pytestmark = pytest.mark.skipif(SOURCE is None, reason="no bundled CJK font (mplfonts)")


def _glyph(font: TTFont, char: str) -> tuple[tuple, float, int]:
    """Bounding box, inked area and advance of ``char`` in ``font``."""
    name = font.getBestCmap()[ord(char)]
    glyphs = font.getGlyphSet()
    bounds, area = BoundsPen(glyphs), StatisticsPen(glyphs)
    glyphs[name].draw(bounds)
    glyphs[name].draw(area)
    return bounds.bounds, abs(area.area), font["hmtx"][name][0]


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    target = tmp_path_factory.mktemp("bold") / "bold.otf"
    with TTFont(str(bold_face(SOURCE, "一中A\U0001f600", target, family="Test CJK"))) as font:
        yield font


def test_the_bold_face_holds_the_characters_asked_for_that_the_font_has(made):
    """One glyph per character the source has (no emoji in Noto Sans CJK), named as asked,
    weight 700 and flagged bold, as a renderer looks for it."""
    assert set(made.getBestCmap()) == {ord("一"), ord("中"), ord("A")}
    assert made["name"].getDebugName(1) == "Test CJK" and made["name"].getDebugName(2) == "Bold"
    assert made["OS/2"].usWeightClass == 700 and made["OS/2"].fsSelection & 0x20
    assert made["head"].macStyle & 0x01


def test_every_stroke_is_wider_by_the_strength_and_every_advance_kept(made, request):
    """FreeType's FT_Outline_EmboldenXY makes an outline xstrength wider and ystrength taller
    (its documentation); the horizontal bar of 一, a plain rectangle-like stroke, shows it on
    its bounding box, centred on the regular one. The advances stay on the square grid, and
    the ink grows (a heavier weight)."""
    source = TTFont(str(SOURCE), lazy=True)
    request.addfinalizer(source.close)
    strength = round(STRENGTH_PER_EM * source["head"].unitsPerEm / 1000)
    (x0, y0, x1, y1), area, advance = _glyph(source, "一")
    (bx0, by0, bx1, by1), bold_area, bold_advance = _glyph(made, "一")
    assert (bx1 - bx0, by1 - by0) == pytest.approx((x1 - x0 + strength, y1 - y0 + strength), abs=2)
    assert (bx0 + bx1, by0 + by1) == pytest.approx((x0 + x1, y0 + y1), abs=2)  # same centre
    assert bold_advance == advance
    for char in "中A":
        assert _glyph(made, char)[2] == _glyph(source, char)[2]
        assert _glyph(made, char)[1] > 1.2 * _glyph(source, char)[1]
    assert bold_area > area


def test_a_figure_draws_chinese_set_bold_with_the_made_face():
    """Asked for the bold weight of the CJK family, matplotlib finds the face made for the
    characters of the figure's bold texts; the regular weight stays the bundled file."""
    from matplotlib import font_manager

    name = fonts.cjk_font()
    fonts.use_bold_face(["各阶段的碳足迹"])
    bold = font_manager.findfont(font_manager.FontProperties(family=name, weight="bold"))
    regular = font_manager.findfont(font_manager.FontProperties(family=name))
    with TTFont(bold) as made:
        assert made["OS/2"].usWeightClass == 700
        assert all(ord(c) in made.getBestCmap() for c in "各阶段的碳足迹")
    with TTFont(regular, lazy=True) as font:
        assert font["OS/2"].usWeightClass == 400
    assert fonts.is_bold("bold") and fonts.is_bold(700) and not fonts.is_bold("normal")


def test_the_chinese_pdf_sets_bold_text_in_the_bold_face(kettle_study, tmp_path):  # noqa: F811
    """Page 1 of the kettle's zh PDF draws text in the bold CJK face (the title, headings,
    the footprint) as well as the regular one."""
    from cfp_lca.present.pdf import pdf_renderer
    from cfp_lca.present.report import write_report

    if pdf_renderer()[0] is None:
        pytest.skip("no PDF renderer (WeasyPrint and Pango)")
    pdfium = pytest.importorskip("pypdfium2")
    raw = pytest.importorskip("pypdfium2.raw")
    import ctypes

    catalog, study = kettle_study
    paths = write_report(study, catalog, tmp_path, lang="zh", formats=("pdf",),
                         date="2026-01-02")  # fmt: skip
    page = pdfium.PdfDocument(paths["pdf"])[0]
    names = set()
    for item in page.get_objects():
        if item.type == 1:  # text
            buffer = ctypes.create_string_buffer(256)
            raw.FPDFFont_GetBaseFontName(raw.FPDFTextObj_GetFont(item.raw), buffer, 256)
            names.add(buffer.value.decode().split("+")[-1])
    assert {"CJK", "CJK-Bold"} <= names, names
