"""Tables as the Activity Browser reads them: semicolon CSV, or an Excel workbook (.xlsx).

A workbook written here holds an 'information' sheet first (what the file is, for whom) and
the table second, as the Activity Browser's own scenario files do (it imports the second sheet
by default). A workbook read here gives the first sheet whose header row holds the columns
asked for, so a file from the Activity Browser, from this module or typed by hand all read.
Rows whose first cell starts with '#' are comments (the Activity Browser skips them too).

A CSV file holds each number exactly (Python's shortest round-trip form). A workbook holds it
to 16 significant digits, as openpyxl writes numbers (Excel shows 15): within one unit in the
last place of float64, a relative 2e-16 at most; the information sheet says so.
"""

from __future__ import annotations

import contextlib
import csv
import io
import math
import os
import uuid
from collections.abc import Sequence
from pathlib import Path

from ..errors import InputError
from .reading import decode_text

WORKBOOK = ".xlsx"
CSV_SUFFIXES = (".csv", ".txt", "")
TABLE_SHEET = "scenarios"
INFO_SHEET = "information"
# what a table file's name may end in, read or refused (a name ending so is taken for a file)
TABLE_SUFFIXES = (".csv", ".txt", ".xlsx", ".xls", ".xlsm", ".ods", ".tsv")


def check_suffix(path: Path) -> None:
    """A table file is .csv (semicolon-separated) or .xlsx; another spreadsheet suffix
    (.xls, .xlsm, .ods) would be a file its program cannot open."""
    suffix = path.suffix.lower()
    if suffix != WORKBOOK and suffix not in CSV_SUFFIXES:
        raise InputError(path, None, f"'{path.suffix}' files are not read or written: name "
                         "a .xlsx workbook or a .csv file (';'-separated)")  # fmt: skip


def read_rows(path: Path, columns: Sequence[str]) -> tuple[str, list[tuple[int, list[str]]]]:
    """(where, rows): each row's number in its file and its cells as text, comment rows left
    out; ``where`` names the sheet of a workbook ('' for CSV), for messages."""
    check_suffix(path)
    if path.suffix.lower() == WORKBOOK:
        return _workbook_rows(path, columns)
    return "", _uncommented(enumerate(_csv_lines(path), start=1))


def _csv_lines(path: Path) -> list[list[str]]:
    """The file's rows of cells: UTF-8 text (a byte-order mark allowed), ';'-separated."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(path, None, f"cannot read: {exc.strerror or exc}") from None
    text = decode_text(path, data, "';'-separated")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", strict=True)
    try:
        return list(reader)
    except csv.Error as exc:
        raise InputError(path, f"row {reader.line_num}", f"malformed CSV: {exc}") from None


def _workbook_rows(path: Path, columns: Sequence[str]) -> tuple[str, list[tuple[int, list[str]]]]:
    """The rows of the first sheet whose header (first row not a comment) has ``columns``."""
    from zipfile import BadZipFile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except OSError as exc:
        raise InputError(path, None, f"cannot read: {exc.strerror or exc}") from None
    except (BadZipFile, InvalidFileException, KeyError, ValueError) as exc:
        raise InputError(path, None, f"not an Excel workbook (.xlsx): {exc}") from None
    try:
        for sheet in book.worksheets:
            rows = _uncommented(enumerate(
                ([_text(v) for v in row] for row in sheet.iter_rows(values_only=True)), start=1
            ))  # fmt: skip
            header = {c.strip() for c in rows[0][1]} if rows else set()
            if set(columns) <= header:
                return f"sheet '{sheet.title}' ", rows
    finally:
        book.close()
    raise InputError(path, None, f"no sheet has the columns {', '.join(columns)} in its "
                     "first row")  # fmt: skip


def _text(value) -> str:
    """A cell as the text a CSV file would hold: numbers in Python's shortest exact form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return repr(float(value)) if math.isfinite(value) else str(value)
    return str(value)


def _uncommented(rows) -> list[tuple[int, list[str]]]:
    """Rows without comment rows ('#' first), trailing empty cells of a workbook kept."""
    return [(n, cells) for n, cells in rows if not (cells and cells[0].lstrip().startswith("#"))]


def write_rows(path: Path, rows: list[list], information: list[tuple[str, str]],
               table_first: bool = False) -> Path:  # fmt: skip
    """Write ``rows`` (the header first) as a new file, never over an existing one: CSV with
    ';', or a workbook with ``information`` (label, text) on its first sheet (its second with
    ``table_first``: the Activity Browser reads a parameter scenario file's first sheet)."""
    check_suffix(path)
    if path.suffix.lower() != WORKBOOK:
        with open(path, "x", newline="", encoding="utf-8") as handle:  # every row made first
            csv.writer(handle, delimiter=";").writerows(rows)
        return path
    import openpyxl

    book = openpyxl.Workbook()
    info = book.active
    info.title = INFO_SHEET
    for label, text in information:
        info.append([label, text])
    table = book.create_sheet(TABLE_SHEET, 0 if table_first else None)
    for row in rows:
        table.append(row)
    return save_new_workbook(book, path)


def save_new_workbook(book, path: Path) -> Path:
    """Save an openpyxl workbook as a new file: whole or not at all, never over a file (one
    made meanwhile included)."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        book.save(tmp)
        os.link(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    return path


def cell_number(path: Path, entry: str, column: str, text: str, what: str = "amount") -> float:
    """A cell of scenario ``column`` as a finite number; else one error naming the cell."""
    try:
        value = float(text)
    except ValueError:
        raise InputError(path, entry, f"scenario '{column}': {text!r} is not a number") from None
    if not math.isfinite(value):
        raise InputError(path, entry, f"scenario '{column}': {what} {text!r} is not finite")
    return value
