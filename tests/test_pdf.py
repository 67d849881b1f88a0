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


def test_no_renderer_gives_one_notice(kettle_study, tmp_path, monkeypatch):  # noqa: F811
    from cfp_lca.present import pdf, report

    monkeypatch.setattr(pdf, "pdf_renderer", lambda: (None, "ImportError: no weasyprint"))
    catalog, study = kettle_study
    paths = report.write_report(study, catalog, tmp_path, formats=("md", "pdf"))
    assert "pdf" not in paths and "PDF skipped" in paths["notice"]
    assert not (tmp_path / "report.pdf").exists() and paths["markdown"].is_file()
