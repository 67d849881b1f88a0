"""``cfp-lca template``: the bilingual data-collection workbook (数据收集表) a company fills in:
a study sheet, one sheet per kind of datum (materials, energy, transport, end of life), the
library's processes to pick from, and dropdowns for units, data types and choices."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from .collection_layout import LIBRARY_SHEET, NOTE, SHEETS, STUDY_FIELDS, STUDY_SHEET, UNITS
from .objects import Catalog
from .table_files import save_new_workbook

ROWS = 500  # data rows offered with dropdowns on each sheet
README = (
    ("How to fill in this workbook", "填写说明"),
    ("One row per datum, per unit of the product (or per year where the basis says so).",
     "每行一个数据，按每件产品计（基准为每年时按年计）。"),
    ("Every number needs its unit and its source; say whether it is measured (primary), from "
     "a database or the literature (secondary), or an estimate.",
     "每个数值需注明单位和来源，并说明其为实测（初级数据）、来自数据库或文献（次级数据）还是估算。"),
    ("Name materials, energy, transport and treatments by a process code of the sheet "
     f"'{LIBRARY_SHEET}'; a text that is not a code is searched, and the candidates are listed.",
     f"材料、能源、运输和处置方式请填写“{LIBRARY_SHEET}”表中的过程代码；填写其他文字时将检索并列出候选过程。"),
    ("Rows starting with # are notes and are not read.", "以 # 开头的行为说明，不会被读取。"),
    ("Then: cfp-lca new NAME --from THIS.xlsx --data FOLDER writes the model; cfp-lca check "
     "--data FOLDER checks it.",
     "然后运行 cfp-lca new 名称 --from 本文件.xlsx --data 文件夹 生成模型，"
     "并用 cfp-lca check 检查。"),
)  # fmt: skip


def write_template(path: Path, catalog: Catalog) -> Path:
    """Write the workbook to the new file ``path`` (refused if it exists)."""
    import openpyxl

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise InputError(path, None, "the template is an Excel workbook: name a .xlsx file")
    if path.exists() or path.is_symlink():
        raise InputError(path, None, "exists already: the template is written as a new file")
    book = openpyxl.Workbook()
    _readme(book.active)
    _study(book.create_sheet(STUDY_SHEET), sorted(catalog.methods))
    library = _library(book.create_sheet(LIBRARY_SHEET), catalog)
    for sheet in SHEETS:
        _data_sheet(book.create_sheet(sheet.title, len(book.sheetnames) - 1), sheet, library)
    try:
        return save_new_workbook(book, path)
    except FileExistsError:
        raise InputError(path, None, "exists already: the template is written as a new "
                         "file") from None  # fmt: skip
    except OSError as exc:
        raise InputError(path, None, f"cannot write: {exc.strerror or exc}") from None


def _readme(ws) -> None:
    from openpyxl.styles import Font

    ws.title = "README 说明"
    for en, zh in README:
        ws.append([en, zh])
    ws["A1"].font = ws["B1"].font = Font(bold=True)
    ws.column_dimensions["A"].width = ws.column_dimensions["B"].width = 90


def _study(ws, methods: list[str]) -> None:
    """One field per row: name, value, note."""
    ws.append(["field / 字段", "value / 值", "note / 说明"])
    for f in STUDY_FIELDS:
        required = " (required / 必填)" if f.required else ""
        ws.append([f"{f.en} / {f.zh}", None, f"{f.note}{required}".strip()])
        if f.key == "method":
            _choices(ws, f"B{ws.max_row}", methods, strict=True)
            ws[f"B{ws.max_row}"] = "ipcc-ar5-gwp100" if "ipcc-ar5-gwp100" in methods else None
    _header(ws, 3)
    for col, width in zip("ABC", (38, 40, 80), strict=True):
        ws.column_dimensions[col].width = width


def _library(ws, catalog: Catalog) -> str:
    """Every process of the library, one per row; the range of its codes for dropdowns."""
    ws.append(["code / 代码", "name / 名称", "name (Chinese) / 中文名称", "unit / 单位",
               "database / 数据库", "location / 地区", "year / 年份", "source / 来源"])  # fmt: skip
    for database, processes in catalog.backgrounds.items():
        for p in processes.values():
            ws.append([p.code, p.name, p.meta.get("name_zh"), p.unit, database, p.location,
                       p.meta.get("year"), p.meta.get("source")])  # fmt: skip
    _header(ws, 8)
    for col, width in zip("ABCDEFGH", (40, 70, 40, 8, 24, 8, 6, 80), strict=True):
        ws.column_dimensions[col].width = width
    return f"'{LIBRARY_SHEET}'!$A$2:$A${max(ws.max_row, 2)}"


def _data_sheet(ws, sheet, library: str) -> None:
    """Header, note row, and dropdowns on ``ROWS`` rows."""
    from openpyxl.utils import get_column_letter

    ws.append([c.header for c in sheet.columns])
    notes = [c.note or None for c in sheet.columns]
    notes[0] = f"{NOTE}{sheet.row}" + (f": {notes[0]}" if notes[0] else "")
    ws.append(notes)
    for i, c in enumerate(sheet.columns, start=1):
        letter = get_column_letter(i)
        cells = f"{letter}3:{letter}{ROWS + 2}"
        if c.kind == "choice":
            _choices(ws, cells, list(c.choices), strict=True)
        elif c.kind == "unit":
            _choices(ws, cells, list(UNITS), strict=False)
        elif c.kind == "process":
            _choices(ws, cells, library, strict=False)
        ws.column_dimensions[letter].width = max(14, min(44, len(c.header) + 4))
    _header(ws, len(sheet.columns))
    ws.freeze_panes = "A3"


def _choices(ws, cells: str, choices: list[str] | str, strict: bool) -> None:
    """A dropdown on ``cells``: a list, or a range (``strict``: nothing else accepted)."""
    from openpyxl.worksheet.datavalidation import DataValidation

    formula = choices if isinstance(choices, str) else '"' + ",".join(choices) + '"'
    rule = DataValidation(type="list", formula1=formula, allow_blank=True,
                          showErrorMessage=strict)  # fmt: skip
    ws.add_data_validation(rule)
    rule.add(cells)


def _header(ws, width: int) -> None:
    from openpyxl.styles import Font, PatternFill

    for cell in ws[1][:width]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
