"""The data-collection workbook (数据收集表): its sheets, columns and choices, in one place for
the template that ``cfp-lca template`` writes and the reader behind ``cfp-lca new --from``.

Each data sheet has a header row ("amount / 数量"), a note row starting with '#', then one row
per datum. The study sheet holds one field per row: its name, its value, its unit or note.
"""

from __future__ import annotations

from dataclasses import dataclass

# the units offered in the dropdowns (any unit pint reads is accepted when typed)
UNITS = ("kg", "g", "t", "kWh", "MWh", "MJ", "GJ", "m3", "L", "Nm3", "km", "m", "m2", "t*km",
         "unit", "h", "year")  # fmt: skip
DATA_TYPES = ("primary", "secondary", "estimate")
BASES = ("per product", "per year")  # energy: per unit of product, or annual plant data
ENERGY_STAGES = ("production", "use")
YES_NO = ("no", "yes")
NOTE = "# "  # the first cell of a note row (read as a comment)
LIBRARY_SHEET = "library 数据库"
LISTS_SHEET = "lists 列表"


@dataclass(frozen=True)
class Column:
    """One column of a data sheet: its key, its header in English and Chinese, whether a row
    needs it, what it holds (text, number, unit, process, or one of ``choices``), a note."""

    key: str
    en: str
    zh: str
    required: bool
    kind: str = "text"  # text, number, unit, process, choice
    choices: tuple[str, ...] = ()
    note: str = ""

    @property
    def header(self) -> str:
        return f"{self.en} / {self.zh}"


@dataclass(frozen=True)
class Sheet:
    """A data sheet: its name (English and Chinese), what a row is, its columns."""

    key: str
    title: str
    row: str
    columns: tuple[Column, ...]


def _common(amount_note: str) -> tuple[Column, ...]:
    """The columns every datum ends with: how good it is and where it comes from."""
    return (
        Column("data_type", "data type", "数据类型", True, "choice", DATA_TYPES,
               "primary = measured at the plant (初级数据); secondary = database or literature "
               "(次级数据); estimate = expert estimate (估算)"),
        Column("cv", "uncertainty CV %", "不确定性 变异系数 %", False, "number",
               note=f"relative standard deviation of the {amount_note} in %, a normal "
               "distribution; empty: taken as exact (stated when read)"),
        Column("source", "source", "数据来源", True,
               note="document, meter, drawing or publication the number comes from"),
        Column("comment", "comment", "备注", False),
    )  # fmt: skip


PROCESS_NOTE = ("a process code of the library (sheet 'library 数据库'); a text that is not a "
                "code is searched and the candidates are listed")  # fmt: skip
SHEETS = (
    Sheet("materials", "materials 原材料", "one part or material of one unit of the product", (
        Column("part", "part", "零部件", False, note="the part it belongs to (empty: the product)"),
        Column("part_zh", "part (Chinese)", "零部件（中文）", False),
        Column("process", "material (library process)", "材料（数据库过程）", True, "process",
               note=PROCESS_NOTE),
        Column("amount", "amount per product", "每件产品用量", True, "number"),
        Column("unit", "unit", "单位", True, "unit", UNITS),
        *_common("amount"),
    )),
    Sheet("energy", "energy 能源", "one energy carrier of one stage", (
        Column("stage", "stage", "阶段", True, "choice", ENERGY_STAGES,
               note="production (生产) or use (使用)"),
        Column("process", "energy (library process)", "能源（数据库过程）", True, "process",
               note=PROCESS_NOTE),
        Column("amount", "amount", "用量", True, "number"),
        Column("unit", "unit", "单位", True, "unit", UNITS),
        Column("basis", "basis", "基准", True, "choice", BASES,
               note="per product (每件产品), or per year (每年): divided by the annual output of "
               "the study sheet"),
        *_common("amount"),
    )),
    Sheet("transport", "transport 运输", "one leg of transport of parts or of the product", (
        Column("item", "what is carried", "运输对象", True),
        Column("process", "mode (library process, per t*km)", "运输方式（数据库过程，吨公里）",
               True, "process", note=PROCESS_NOTE),
        Column("mass", "mass per product", "每件产品质量", True, "number"),
        Column("mass_unit", "mass unit", "质量单位", True, "unit", UNITS),
        Column("distance", "distance", "距离", True, "number"),
        Column("distance_unit", "distance unit", "距离单位", True, "unit", UNITS),
        *_common("mass x distance"),
    )),
    Sheet("waste", "end of life 废弃处置", "one treatment of one waste or end-of-life flow", (
        Column("item", "waste or material", "废弃物或材料", True),
        Column("process", "treatment (library process)", "处置方式（数据库过程）", True, "process",
               note=PROCESS_NOTE),
        Column("amount", "amount per product", "每件产品数量", True, "number"),
        Column("unit", "unit", "单位", True, "unit", UNITS),
        Column("credit", "recycling credit", "回收抵扣", True, "choice", YES_NO,
               note="yes: an avoided burden (substitution), entered as a positive amount"),
        *_common("amount"),
    )),
)  # fmt: skip
STUDY_SHEET = "study 研究"


@dataclass(frozen=True)
class Field:
    """One field of the study sheet."""

    key: str
    en: str
    zh: str
    required: bool
    kind: str = "text"  # text, number, unit, choice
    note: str = ""


STUDY_FIELDS = (
    Field("name", "product name", "产品名称", True),
    Field("name_zh", "product name (Chinese)", "产品名称（中文）", False),
    Field("functional_unit", "functional unit", "功能单位", True,
          note="what one unit of the product delivers, in words"),
    Field("functional_unit_zh", "functional unit (Chinese)", "功能单位（中文）", False),
    Field("method", "method", "评价方法", True, "choice", note="a method id of the library"),
    Field("annual_output", "annual output", "年产量", False, "number",
          note="units of the product made in the year of the plant data (needed for data per "
          "year)"),
    Field("annual_output_source", "annual output source", "年产量来源", False),
    Field("period", "data period", "数据时间范围", False, note="e.g. 2024-01 to 2024-12"),
    Field("service_life", "reference service life (years)", "参考使用寿命（年）", False, "number"),
)  # fmt: skip
