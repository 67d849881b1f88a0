"""The report's tables as one Excel workbook (formats, widths, frozen headers, a metadata
sheet) and as CSV files (UTF-8 with BOM, display columns beside full-precision ones)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from .numbers import clean
from .report_tables import Table


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
    name = re.sub(r"[\[\]:*?/\\]", "_", key.replace(": ", " - "))[:31].strip()
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


def shown_format(text: str) -> str:
    """The Excel number format that shows a number as the report prints it (``12.75`` ->
    ``0.00``); the cell keeps the full value."""
    digits = text.lstrip("+-").replace(",", "")
    if not digits or not digits.replace(".", "", 1).isdigit():
        return "General"
    decimals = len(digits.partition(".")[2])
    return "0." + "0" * decimals if decimals else "0"


def _summary_rows(items: list) -> list[str]:
    """The summary's paragraphs and bullets as plain lines."""
    out: list[str] = []
    for item in items:
        if isinstance(item, list):
            out += [f"- {_plain(str(x)).replace('**', '')}" for x in item]
        elif isinstance(item, str):
            out.append(_plain(item).replace("**", ""))
    return out


def write_workbook(
    tables: list[Table],
    meta: list[tuple[str, str]],
    path: Path,
    meta_title: str,
    summary: tuple[str, list] | None = None,
    meta_sheet: str = "metadata",
) -> None:
    """The summary sheet first (``summary``: its name and items), then a metadata sheet and
    every table as a sheet named by its title: title row, bold frozen header, each number
    shown as the report prints it, widths from the contents."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    used: set[str] = set()
    if summary is not None:
        first = book.active
        first.title = _sheet_name(summary[0], used)
        first.append([_plain(meta_title)])
        first["A1"].font = Font(bold=True, size=12)
        for line in _summary_rows(summary[1]):
            first.append([line])
            first.cell(row=first.max_row, column=1).alignment = Alignment(wrap_text=True)
        first.column_dimensions["A"].width = 120
        info = book.create_sheet()
    else:
        info = book.active
    info.title = _sheet_name(meta_sheet, used)
    info.append([_plain(meta_title)])
    info["A1"].font = Font(bold=True, size=12)
    for k, v in meta:
        info.append([_plain(k), _plain(v)])
    info.column_dimensions["A"].width = _width([k for k, _ in meta])
    info.column_dimensions["B"].width = 80
    for tb in tables:
        sheet = book.create_sheet(_sheet_name(_plain(tb.title), used))
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
            for i in range(len(tb.rows)):
                cell = sheet.cell(row=i + 3, column=j + 1)
                if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                    cell.number_format = shown_format(tb.cell(i, j))
    book.save(path)
