"""The report's tables as one Excel workbook (formats, widths, frozen headers, a metadata
sheet) and as CSV files (UTF-8 with BOM, display columns beside full-precision ones)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from .numbers import clean
from .report_tables import Table

#: Excel number formats of the report's display formats
_EXCEL = {"d": "0", ".0f": "0", ".1f": "0.0", ".2f": "0.00", ".3f": "0.000", ".4f": "0.0000",
          "+.2f": "+0.00;-0.00;0.00", "+.3g": "+0.00;-0.00;0.00", ".3g": "0.00"}  # fmt: skip


def excel_format(fmt: object) -> str:
    """The Excel number format closest to a display format (General for significant digits)."""
    if isinstance(fmt, str) and fmt in _EXCEL:
        return _EXCEL[fmt]
    return "General"


def _value(value: object) -> object:
    """A cell value for the exports: numbers without float noise, text without the report's
    code marks (backticks), blank for None."""
    if isinstance(value, float):
        return clean(value)
    if isinstance(value, str):
        return _plain(value)
    return "" if value is None else value


def _plain(text: str) -> str:
    """``text`` without Markdown code marks (the report quotes data texts in backticks)."""
    return text.replace("`", "")


def _is_number_column(tb: Table, j: int) -> bool:
    """True when column ``j`` holds numbers (it has a display format and a number)."""
    return tb.formats[j] is not None and any(
        isinstance(r[j], int | float) and not isinstance(r[j], bool) for r in tb.rows
    )


def write_csv(tb: Table, path: Path, display_suffix: str) -> None:
    """One table as CSV with a UTF-8 BOM; each number column followed by its display text."""
    numeric = [_is_number_column(tb, j) for j in range(len(tb.headers))]
    headers: list[str] = []
    for h, num in zip(tb.headers, numeric, strict=True):
        headers += [_plain(h), _plain(f"{h} {display_suffix}")] if num else [_plain(h)]
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        for i, row in enumerate(tb.rows):
            cells: list = []
            for j, num in enumerate(numeric):
                cells.append(_value(row[j]))
                if num:
                    cells.append(_plain(tb.cell(i, j)))
            writer.writerow(cells)


def _sheet_name(key: str, used: set[str]) -> str:
    """An Excel sheet name (31 characters, no []:*?/\\), unique in the workbook."""
    name = re.sub(r"[\[\]:*?/\\]", "_", key)[:31]
    k = 2
    while name in used:
        name = f"{name[:28]}_{k}"
        k += 1
    used.add(name)
    return name


def _width(values: list) -> float:
    """A column width that shows its longest text (CJK characters count double), capped."""
    longest = 0
    for v in values:
        text = str(v)
        longest = max(longest, sum(2 if ord(c) > 0x2E80 else 1 for c in text))
    return min(max(longest + 2, 8), 60)


def write_workbook(
    tables: list[Table], meta: list[tuple[str, str]], path: Path, meta_title: str
) -> None:
    """All tables as sheets after a metadata sheet: title row, bold frozen header, number
    formats from the display formats, widths from the contents."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    info = book.active
    info.title = "metadata"
    info.append([_plain(meta_title)])
    info["A1"].font = Font(bold=True, size=12)
    for k, v in meta:
        info.append([_plain(k), _plain(v)])
    info.column_dimensions["A"].width = _width([k for k, _ in meta])
    info.column_dimensions["B"].width = 80
    used = {"metadata"}
    for tb in tables:
        sheet = book.create_sheet(_sheet_name(tb.key, used))
        sheet.append([_plain(tb.title)])
        sheet["A1"].font = Font(bold=True)
        sheet.append([_plain(h) for h in tb.headers])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in tb.rows:
            sheet.append([_value(v) for v in row])
        sheet.freeze_panes = "B3"
        for j, h in enumerate(tb.headers):
            column = sheet.cell(row=2, column=j + 1).column_letter
            texts = [h] + [tb.cell(i, j) for i in range(len(tb.rows))]
            sheet.column_dimensions[column].width = _width(texts)
            number_format = excel_format(tb.formats[j])
            for r in range(3, len(tb.rows) + 3):
                cell = sheet.cell(row=r, column=j + 1)
                if isinstance(cell.value, int | float):
                    cell.number_format = number_format
    book.save(path)
