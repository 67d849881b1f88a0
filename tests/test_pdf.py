"""The PDF report (WeasyPrint): paginated, numbered pages, figures; a notice when the
renderer is missing."""

from __future__ import annotations

import pytest
from test_report_iso import kettle_study  # noqa: F401


def test_pdf_is_paginated_with_figures(kettle_study, tmp_path):  # noqa: F811
    from cfp_lca.present.pdf import pdf_renderer
    from cfp_lca.present.report import write_report

    renderer, why = pdf_renderer()
    if renderer is None:  # WeasyPrint, or the Pango libraries it loads, not installed
        pytest.skip(f"no PDF renderer: {why}")
    pdfium = pytest.importorskip("pypdfium2")

    catalog, study = kettle_study
    paths = write_report(study, catalog, tmp_path, formats=("pdf",), date="2026-01-02")
    assert "notice" not in paths and paths["pdf"].read_bytes().startswith(b"%PDF")
    pdf = pdfium.PdfDocument(paths["pdf"])
    assert len(pdf) >= 5
    first = pdf[1].get_textpage().get_text_range()
    assert f"2 / {len(pdf)}" in first  # page numbers x / y in the footer
    assert "Product carbon footprint study report" in first  # the running header
    images = sum(1 for page in pdf for obj in page.get_objects() if obj.type == 3)
    assert images >= 5  # the figures
    # drawn as a reader sees it: page 1 and a page with a figure are not blank
    for k in (
        0,
        next(k for k, page in enumerate(pdf) if any(o.type == 3 for o in page.get_objects())),
    ):
        drawn = pdf[k].render(scale=1).to_pil().convert("L")
        dark = sum(1 for v in drawn.getdata() if v < 128)
        assert 0.005 < dark / (drawn.width * drawn.height) < 0.5, (k, dark)


def test_no_renderer_gives_one_notice(kettle_study, tmp_path, monkeypatch):  # noqa: F811
    from cfp_lca.present import pdf, report

    monkeypatch.setattr(pdf, "pdf_renderer", lambda: (None, "ImportError: no weasyprint"))
    catalog, study = kettle_study
    paths = report.write_report(study, catalog, tmp_path, formats=("md", "pdf"))
    assert "pdf" not in paths and "PDF skipped" in paths["notice"]
    assert not (tmp_path / "report.pdf").exists() and paths["markdown"].is_file()


#: a word or number as the report prints it (letters, digits, decimal marks, percent)
TOKEN = r"[A-Za-z0-9][A-Za-z0-9.,%]*"


def broken_tokens(pdf_path, words: set[str]) -> list[tuple[int, str, str]]:
    """(page, first piece, whole word) for each of ``words`` (the report's own tokens) that
    the PDF's lines split, as "3603.6" / "8" or "pur" / "cha" / "sed"."""
    import re

    pdfium = pytest.importorskip("pypdfium2")
    pdf = pdfium.PdfDocument(str(pdf_path))
    found = []
    for k in range(len(pdf)):
        lines = pdf[k].get_textpage().get_text_range().split("\r\n")
        for i, line in enumerate(lines[:-1]):
            first = re.search(f"{TOKEN}$", line)
            if first is None or first.group(0) in words:
                continue
            joined = first.group(0)
            for following in lines[i + 1 :]:  # a piece, then whole lines of pieces
                piece = re.match(r"[A-Za-z0-9.,%]+", following)
                if piece is None:
                    break
                joined += piece.group(0)
                if joined in words:
                    found.append((k + 1, first.group(0), joined))
                    break
                if piece.group(0) != following:
                    break
    return found


def test_the_broken_token_check_finds_a_number_and_a_word_split(tmp_path):
    """A cell too narrow for its content, told to break anywhere, splits "3603.68" and
    "purchased" across lines: the check finds both; the same cell at full width, neither."""
    import re

    from cfp_lca.present.pdf import pdf_renderer

    renderer, why = pdf_renderer()
    if renderer is None:
        pytest.skip(f"no PDF renderer: {why}")
    words = set(re.findall(TOKEN, "3603.68 purchased product"))
    cell = "<table><tr><td style='{}'>3603.68</td><td style='{}'>purchased</td></tr></table>"
    narrow = "width:2.2em;max-width:2.2em;word-break:break-all;font-size:12pt"
    renderer(string=cell.format(narrow, narrow)).write_pdf(tmp_path / "narrow.pdf")
    renderer(string=cell.format("", "")).write_pdf(tmp_path / "wide.pdf")
    split = {whole for _, _, whole in broken_tokens(tmp_path / "narrow.pdf", words)}
    assert split == {"3603.68", "purchased"}
    assert broken_tokens(tmp_path / "wide.pdf", words) == []
