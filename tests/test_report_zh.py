"""The Chinese report is Chinese: no Latin-alphabet word outside the allowlist below, and its
figures draw Chinese glyphs with a CJK font (the one the ``mplfonts`` dependency ships)."""

from __future__ import annotations

import re
import warnings

import pytest
from browser import assert_reads_well, colours, look, title_of
from printed import assert_printed_once
from test_report_iso import kettle_study  # noqa: F401  (the module fixture)

#: Latin words a Chinese report may hold: units, gases and formulas, proper names of
#: standards, methods and bodies, statistics symbols. Codes and verbatim data texts are in
#: backticks (removed before the check), as are figure file names in image links.
ALLOWED = {
    # units and quantities
    "kg", "kWh", "MJ", "km", "tkm", "CO2e", "CO2", "CH4", "N2O", "SF6", "CF4", "GWP", "GWP100",
    "kgCO2e", "unit",
    # standards, bodies, methods, proper names
    "ISO", "GB", "T", "IPCC", "AR5", "AR6", "WG1", "PEF", "CFF", "JCGM", "dLUC", "Sobol",
    "Spearman",
    # region codes (ISO 3166 and ecoinvent geographies) in the emission-factor table
    "CN", "GLO", "RoW", "RER",
    "Weidema", "Monte", "Carlo", "cfp_lca", "PDF", "CSV", "Excel", "WeasyPrint", "pip",
    "install", "weasyprint", "study.review", "study.statistic_reason",
    # statistics and formulas
    "P", "t", "S1", "ST", "exp", "sigma", "seed", "rho",
    # EN 15804+A2 / EN 50693 and its module designations (A to C, D), as declarations print them
    "EN", "A", "C", "D", "A1", "A2", "A3", "A4", "A5", "B1", "B2", "B3", "B4", "B5", "B6", "B7",
    "C1", "C2", "C3", "C4",
}  # fmt: skip


#: Latin the zw32 data's own Chinese texts hold beyond the report's words: units, designations
#: of materials and parts, proper names of programmes and data sources cited in the text
#: (their titles stay in the source column), citation marks, formula symbols and statistics
ZW32_ZH_ALLOWED = {
    # units
    "kV", "kA", "W", "mm", "m", "g", "kgCO2",
    # materials, parts and product designations (IEC / GB names and trade abbreviations)
    "PVC", "PE", "LDPE", "ABS", "PC", "APG", "VRLA", "RTV", "Z275", "BOM", "FTU", "PT", "ZW32",
    # programmes, standards and data sources named in the text
    "PEP", "ecopassport", "PSR", "PCR", "ed4", "EU", "ICE", "v2", "v2.0", "JEC", "v4a", "AR4",
    "PowerPact", "Liu", "Kunz", "et", "al",
    # formula symbols (Joule loss I²R, the circular footprint formula) and statistics
    "I", "R", "B", "Qs", "Qp", "GSD",
}  # fmt: skip


def without_references(md: str) -> str:
    """The Markdown with the cells of every table's source column blanked: bibliographic
    references keep the language of the work they cite (GB/T 7714-2015)."""
    out, sources = [], None
    for line in md.splitlines():
        if not line.startswith("|"):
            sources = None
        else:
            cells = line.strip().strip("|").split("|")
            if sources is None:
                sources = {i for i, c in enumerate(cells) if c.strip() == "来源"}
            else:
                cells = ["" if i in sources else c for i, c in enumerate(cells)]
            line = "|" + "|".join(cells) + "|"
        out.append(line)
    return "\n".join(out)


def english_in_code(md: str) -> set[str]:
    """Code spans that hold English prose (three or more lowercase words of three letters or
    more): data texts the zh report quotes as they are for want of a translation. Codes,
    formulas, designations and the references of source columns (blanked) are not."""
    spans = re.findall(r"`([^`]*)`", without_references(md))
    return {s for s in spans if len(re.findall(r"(?<![\w.,-])[a-z]{3,}(?![\w.,-])", s)) >= 3}


def latin_words(md: str) -> set[str]:
    """Latin-alphabet words of a Markdown text outside code spans, links, HTML tags and the
    cells of source columns (:func:`without_references`)."""
    text = re.sub(r"`[^`]*`", " ", without_references(md))
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", text)
    text = re.sub(r"\]\(#[^)]*\)", "]", text)
    text = re.sub(r"<[^>]+>", " ", text)
    return set(re.findall(r"[A-Za-z][A-Za-z0-9_.]*[A-Za-z0-9]|[A-Za-z]", text))


@pytest.fixture(scope="module")
def zh_report(kettle_study, tmp_path_factory):  # noqa: F811
    from cfp_lca.present.report import write_report

    catalog, study = kettle_study
    out = tmp_path_factory.mktemp("kettle_zh")
    write_report(study, catalog, out, lang="zh", formats=("md",), date="2026-01-02")
    return (out / "report.md").read_text(encoding="utf-8")


def test_no_latin_word_outside_the_allowlist(zh_report):
    words = latin_words(zh_report) - ALLOWED
    assert not words, sorted(words)
    assert english_in_code(zh_report) == set()


def test_the_second_model_prints_each_quantity_one_way_in_chinese(kettle_study, zh_report):  # noqa: F811
    """The kettle's zh report: the total and each stage, from its result at full precision,
    each printed one way (the English report: test_report_iso)."""
    _, study = kettle_study
    assert_printed_once(zh_report, {"total": study.static.total, **study.static.stages})


def test_english_quoted_in_code_is_found():
    """An untranslated sentence quoted in code marks is found; a code, a formula, a reference
    in a source column and a short designation are not."""
    md = (
        "用 `one controller replaced within the service life` 与 `landfill_inert_cn`、"
        "`(1 - B) R3 (E_ER - LHV X_ER,heat E_SE,heat - LHV X_ER,elec)`、`IPCC AR6`\n\n"
        "| 输入 | 来源 |\n| --- | --- |\n"
        "| 铜 | `Hammond and Jones, the inventory of carbon` |\n"
    )
    assert english_in_code(md) == {"one controller replaced within the service life"}


def test_latin_words_are_found():
    """The check finds a word outside the allowlist and ignores codes in backticks and the
    references of a source column, not its other columns."""
    assert latin_words("总量 `make <- x` kg 与 total") - ALLOWED == {"total"}
    table = "| 输入 | 来源 |\n| --- | --- |\n| copper | Hammond & Jones, ICE |\n\nend"
    assert latin_words(table) == {"copper", "end"}


def test_a_chinese_figure_is_drawn_with_a_cjk_font(tmp_path):
    """A zh stage chart: no missing-glyph or missing-font warning, and the font matplotlib
    falls back to for its labels is a CJK font holding every Chinese character drawn."""
    from matplotlib.ft2font import FT2Font

    from cfp_lca.present import fonts, plots

    labels = ["原材料获取", "生命末期"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        paths = plots.stage_bars([(labels[0], 10.0), (labels[1], -2.0)], "kgCO2e",
                                 out=tmp_path / "zh", title="各阶段", lang="zh")  # fmt: skip
    assert paths and all(p.stat().st_size > 0 for p in paths)
    texts = [str(w.message) for w in caught]
    assert not [m for m in texts if "Glyph" in m or "CJK" in m or "font" in m.lower()], texts
    name, path = fonts.cjk_font(), fonts.cjk_font_path()
    assert name is not None and any(k in name for k in ("CJK", "Han", "Hei", "WenQuanYi"))
    face = FT2Font(str(path))
    assert all(face.get_char_index(ord(c)) for c in "".join(labels) + "各阶段")


@pytest.fixture(scope="module")
def kettle_zh_html(kettle_study, tmp_path_factory):  # noqa: F811
    from cfp_lca.present.report import write_report

    catalog, study = kettle_study
    out = tmp_path_factory.mktemp("kettle_zh_html")
    write_report(study, catalog, out, lang="zh", formats=("html",), date="2026-01-02")
    return out / "report.html"


def test_zh_html_carries_its_chinese_glyphs(kettle_zh_html):
    """The zh HTML embeds the bundled CJK font cut down to its characters, in a regular and
    a bold face: every Chinese character of the page has a glyph in both (no boxes, and
    bold Chinese is bold, on a machine without CJK fonts)."""
    import base64
    import io

    from fontTools.ttLib import TTFont

    page = kettle_zh_html.read_text(encoding="utf-8")
    faces = dict(re.findall(r"@font-face\{font-family:'CJK';font-weight:(\w+);"
                            r"unicode-range:[^;]*;src:url\('data:font/otf;base64,([^']*)'\)",
                            page))  # fmt: skip
    assert set(faces) == {"normal", "bold"}
    fonts = {w: TTFont(io.BytesIO(base64.b64decode(data))) for w, data in faces.items()}
    assert fonts["bold"]["OS/2"].usWeightClass == 700 > fonts["normal"]["OS/2"].usWeightClass
    text = re.sub(r"data:[^'\")]*", "", page)
    chinese = {c for c in text if "\u4e00" <= c <= "\u9fff"}
    assert "电热水壶" in text and chinese
    for font in fonts.values():
        assert all(ord(c) in font.getBestCmap() for c in chinese)


def test_the_second_models_zh_report_in_a_browser(kettle_zh_html, browser, tmp_path):  # noqa: F811
    """The kettle's zh report, opened in Chromium: loads clean, every figure drawn, no
    column squeezed, within the window, its title's Chinese in the embedded bold face."""
    seen = look(browser, kettle_zh_html, tmp_path / "kettle-zh.png")
    assert_reads_well(seen, title_of(kettle_zh_html), figures=5)
    assert colours(tmp_path / "kettle-zh.png") > 50
