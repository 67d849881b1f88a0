"""The report's Excel workbook and CSV files: a metadata sheet, number formats, frozen headers,
numbers stored as numbers without float noise, CSVs with a UTF-8 BOM and display columns."""

from __future__ import annotations

import re

import pytest
from test_report_iso import GRID, SF6, kettle_report, kettle_study  # noqa: F401


def test_workbook_metadata_formats_and_frozen_headers(kettle_report):  # noqa: F811
    from openpyxl import load_workbook

    paths, _ = kettle_report
    book = load_workbook(paths["excel"])
    assert book.sheetnames[:2] == ["Summary", "Report data"]
    summary = [r[0] for r in book["Summary"].iter_rows(min_row=2, values_only=True)]
    assert summary[0].startswith("The carbon footprint of the functional unit")
    meta = {r[0]: r[1] for r in book["Report data"].iter_rows(min_row=2, values_only=True)}
    assert meta["Title"] == "electric kettle" and meta["Date"] == "2026-01-02"
    assert meta["Unit of results"] == "kg CO2e per functional unit"
    assert "cfp_lca version" in meta and "Data libraries" in meta
    assert "IPCC AR5" in meta["Impact assessment method"]
    sheet = by_title(book, "Activity data")
    assert sheet.freeze_panes == "B3"
    headers = [c.value for c in sheet[2]]
    assert "kgCO2e per functional unit" in headers  # units in headers
    factor = headers.index("factor (kgCO2e per unit of input)") + 1
    values = {sheet.cell(row=r, column=3).value: sheet.cell(row=r, column=factor)
              for r in range(3, sheet.max_row + 1)}  # fmt: skip
    assert values["Sulfur hexafluoride"].value == SF6  # a number, not text
    assert values["electricity, grid average, China national, 2022"].value == GRID
    shares = book["Results by life-cycle stage"]
    assert shares.cell(row=3, column=3).number_format == "0.0"
    # each number shown with the decimals the report prints it with, the full value kept
    md = kettle_report[1]
    printed = {r[0]: r[1] for r in _md_rows(md, "Results by life-cycle stage")}
    for row in range(3, shares.max_row + 1):
        name, value = shares.cell(row, 1).value, shares.cell(row, 2)
        decimals = len(printed[name].partition(".")[2])
        assert value.number_format == ("0." + "0" * decimals if decimals else "0")
        assert abs(value.value - float(printed[name])) < max(10.0**-decimals, 0.05 * value.value)
    assert shares.column_dimensions["A"].width >= len("stage")


def by_title(book, start: str):
    """The sheet whose title row starts with ``start``."""
    return next(ws for ws in book.worksheets if str(ws["A1"].value or "").startswith(start))


def _md_rows(md: str, title: str) -> list[list[str]]:
    """Rows of the Markdown table under a bold title."""
    block = re.split(r"\*\*(?:Table [\d.]+-\d+ )?" + re.escape(title), md, maxsplit=1)[1]
    block = block.split("\n\n", 2)[1]
    return [[c.strip() for c in line.strip("|").split("|")] for line in block.splitlines()[2:]]


def test_csv_bom_and_display_columns(kettle_report):  # noqa: F811
    paths, _ = kettle_report
    raw = (paths["tables"] / "by_gas.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel on Windows reads Chinese
    header, sf6 = raw.decode("utf-8-sig").splitlines()[:2]
    assert "kgCO2e per functional unit (as shown in the report)" in header
    cells = sf6.split(",")
    assert float(cells[3]) == pytest.approx(0.001 * SF6, rel=1e-12)  # full precision


def test_float_noise_is_removed():
    """12 significant digits: the noise of binary floats goes, every input digit stays."""
    from cfp_lca.present.numbers import clean

    assert clean(4.2124999999999995) == 4.2125
    assert clean(0.1 + 0.2) == 0.3
    assert clean(1345.6139) == 1345.6139
