"""The report's sections as Markdown and as one HTML page, through Jinja2 templates
(``report_templates/``): this module turns sections into plain blocks (a table's cells
formatted, captions numbered "section-n" as the seed numbers them, "表 5-1", "图 5-2"); the
templates lay them out. HTML is autoescaped; Markdown's inline marks (bold, code) become HTML
through the ``inline`` filter."""

from __future__ import annotations

import base64
import html
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .i18n import t
from .report_sections import Section
from .report_tables import Table

_CODE = re.compile(r"`([^`]*)`")
_BOLD = re.compile(r"\*\*([^*]*)\*\*")


@dataclass(frozen=True)
class Cell:
    """One table cell as printed: its text in HTML, in Markdown, and whether it is a number."""

    text: str
    md: str
    number: bool


@dataclass(frozen=True)
class Block:
    """One item of a section, ready for a template: kind "table", "list", "figure" or "text"."""

    kind: str
    caption: str = ""
    headers: tuple[str, ...] = ()
    rows: tuple[tuple[Cell, ...], ...] = ()
    items: tuple[str, ...] = ()
    key: str = ""  # a figure's key and file name, its PNG in base64
    file: str = ""
    data: str = field(default="", repr=False)
    text: str = ""


@dataclass(frozen=True)
class Part:
    """A section as the templates see it: its heading, anchor, clause and blocks."""

    heading: str
    name: str
    number: str
    anchor: str
    clause: str
    blocks: tuple[Block, ...]


def inline(text: str):
    """Markdown inline marks (bold, code) of a text as HTML, the rest escaped."""
    from markupsafe import Markup

    escaped = html.escape(str(text))
    return Markup(_BOLD.sub(r"<b>\1</b>", _CODE.sub(r"<code>\1</code>", escaped)))


@lru_cache(maxsize=2)
def environment(autoescape: bool):
    """The Jinja2 environment of the report's templates (HTML autoescaped, Markdown not)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).with_name("report_templates")),
        autoescape=autoescape, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True, undefined=jinja2.StrictUndefined,
    )  # fmt: skip
    env.filters["inline"] = inline
    return env


def figure_caption(key: str, lang: str) -> str:
    """The caption of figure ``key`` (a scenario figure by its kind, whatever its group)."""
    for kind in ("scenarios_totals", "scenarios_changes", "scenarios_probability_reduction"):
        if key.startswith(kind):
            return t(f"fig_{kind}", lang)
    return t(f"fig_{key}", lang)


def _table(tb: Table, caption: str) -> Block:
    """A table's cells as printed (a "|" in Markdown written "/")."""
    rows = tuple(
        tuple(Cell(tb.cell(i, j), tb.cell(i, j).replace("|", "/"),
                   isinstance(tb.rows[i][j], int | float)) for j in range(len(tb.headers)))
        for i in range(len(tb.rows))
    )  # fmt: skip
    return Block("table", caption, tuple(tb.headers), rows)


def blocks(items: list, figures: dict[str, Path], lang: str,
           numbering: tuple[str, Iterator[int]] | None) -> tuple[Block, ...]:  # fmt: skip
    """A section's items as blocks; tables and figures numbered in one sequence where
    ``numbering`` (section number, counter) is given; a figure not drawn is left out."""

    def caption(kind: str, text: str) -> str:
        if numbering is None:
            return text
        section, counter = numbering
        return f"{t(kind, lang, n=f'{section}-{next(counter)}')} {text}"

    out = []
    for item in items:
        if isinstance(item, Table):
            out.append(_table(item, caption("table_n", item.title)))
        elif isinstance(item, list):
            out.append(Block("list", items=tuple(str(x) for x in item)))
        elif isinstance(item, str) and item.startswith("fig:"):
            path = figures.get(item[4:])
            if path is not None:
                text = caption("figure_n", figure_caption(item[4:], lang))
                data = base64.b64encode(path.read_bytes()).decode()
                out.append(Block("figure", text, key=item[4:], file=path.name, data=data))
        else:
            out.append(Block("text", text=str(item)))
    return tuple(out)


def parts(sections: list[Section], figures: dict[str, Path], lang: str) -> list[Part]:
    """Every section as a part: numbered from 1, the summary before them unnumbered."""
    out, k = [], 0
    for i, s in enumerate(sections):
        k += s.numbered
        name = t(s.key, lang)
        number = str(k) if s.numbered else ""
        numbering = (number, itertools.count(1)) if s.numbered else None
        out.append(Part(f"{number} {name}" if s.numbered else name, name, number, f"s{i}",
                        t("clause", lang, clause=s.clause),
                        blocks(s.items, figures, lang, numbering)))  # fmt: skip
    return out


def render(sections: list[Section], figures: dict[str, Path], title: str,
           meta: list[tuple[str, str]], lang: str) -> tuple[str, str]:  # fmt: skip
    """The Markdown and the HTML page of the report: the summary first, the report data, a
    table of contents, then the sections."""
    every = parts(sections, figures, lang)
    context = {
        "title": title, "lang": lang, "meta": meta, "sep": "：" if lang == "zh" else ": ",
        "about": t("about", lang), "contents": t("contents", lang),
        "summary": [p for p, s in zip(every, sections, strict=True) if not s.numbered],
        "numbered": [p for p, s in zip(every, sections, strict=True) if s.numbered],
    }  # fmt: skip
    md = environment(False).get_template("report.md.j2").render(context)
    page = environment(True).get_template("report.html.j2").render(context)
    return md.rstrip("\n") + "\n", page
