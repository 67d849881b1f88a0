"""Regenerate the images under ``docs/images`` that show what cfp_lca delivers: page 1 of the
zh and en PDF study reports of the component model zw32, its main figures, and the summary
sheet of the report's workbook.

    python tools/make_images.py [--runs 20000] [--out docs/images]

The reports are computed in a temporary Brightway folder (nothing of the user's is touched);
the PDF pages are drawn with pypdfium2 (a test dependency), the workbook's summary sheet as
the cells it holds, with matplotlib. Needs WeasyPrint for the PDFs.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: figures of the report shown in the README, by the file name the report gives them
FIGURES = ("zw32_stage_contributions", "zw32_parts_pareto", "zw32_monte_carlo_total",
           "zw32_tornado", "scenarios_changes", "zw32_supply_tree",
           "zw32_system_boundary")  # fmt: skip


def report(lang: str, runs: int, bw_dir: Path, out: Path) -> Path:
    """The zw32 study report in ``lang`` (PDF, workbook, figures), in ``out``."""
    from cfp_lca.cli import main

    args = ["report", "zw32", "--lang", lang, "--out", str(out), "-n", str(runs), "--seed", "1",
            "--format", "pdf", "--format", "xlsx", "--format", "md", "--bw-dir", str(bw_dir),
            "--project", "cfp_images", "-q"]  # fmt: skip
    if main(args) != 0:
        sys.exit(f"make_images: cfp-lca {' '.join(args)} failed")
    if not (out / "report.pdf").is_file():
        sys.exit("make_images: no PDF written (install WeasyPrint and its Pango library)")
    return out


def pdf_page(pdf: Path, target: Path, page: int = 0, scale: float = 1.6) -> None:
    """Page ``page`` of ``pdf`` as a PNG."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    document[page].render(scale=scale).to_pil().save(target)
    document.close()


def fill(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` columns (a CJK character takes two), broken
    between CJK characters or at spaces, never inside a Latin word or a number."""
    lines, line, used = [], "", 0
    for token in re.findall(r"[\x21-\x7e]+|\s+|.", text):
        size = sum(2 if ord(c) > 0x2E80 else 1 for c in token)
        if used + size > width and line.strip():
            lines.append(line.rstrip())
            line, used = ("", 0) if token.isspace() else (token, size)
            continue
        line, used = line + token, used + size
    return [*lines, line.rstrip()] if line.strip() else lines


def summary_sheet(xlsx: Path, target: Path) -> None:
    """The workbook's first sheet (the summary) drawn as its cells, one row per line."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from openpyxl import load_workbook

    from cfp_lca.present import fonts

    book = load_workbook(xlsx, read_only=True)
    sheet = book.worksheets[0]
    lines = [str(r[0]) for r in sheet.iter_rows(values_only=True) if r and r[0] is not None]
    wrapped = []
    for i, line in enumerate(lines):
        parts = fill(line, 120) or [""]
        wrapped += [(i, part, k == 0) for k, part in enumerate(parts)]
    family = ["DejaVu Sans", *([fonts.cjk_font()] if fonts.cjk_font() else [])]
    height = 0.6 + 0.26 * len(wrapped)
    fig = plt.figure(figsize=(11, height), dpi=120)
    fig.text(0.01, 1 - 0.25 / height, f"{xlsx.name}: {sheet.title}", family=family,
             fontsize=9, color="#555")  # fmt: skip
    for k, (i, text, first) in enumerate(wrapped):
        y = 1 - (0.55 + 0.26 * k) / height
        if first:
            fig.text(0.005, y, f"{i + 1}", family=family, fontsize=8, color="#888")
        fig.text(0.04, y, text, family=family, fontsize=9,
                 weight="bold" if i == 0 else "normal")  # fmt: skip
        fig.add_artist(plt.Line2D([0, 1], [y - 0.09 / height] * 2, color="#ddd", lw=0.5))
    fonts.use_bold_face([lines[0]] if lines else [])  # the title row's Chinese set bold
    fig.savefig(target, metadata={"Software": None})
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    """Compute both reports and write every image."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20000, help="Monte Carlo runs (20000)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        for lang in ("zh", "en"):
            out = report(lang, args.runs, work / "bw", work / lang)
            pdf_page(out / "report.pdf", args.out / f"report_{lang}_page1.png")
            summary_sheet(out / "tables.xlsx", args.out / f"workbook_summary_{lang}.png")
            for name in FIGURES:
                shutil.copyfile(out / "figures" / f"{name}.png",
                                args.out / f"{name}_{lang}.png")  # fmt: skip
            print(f"{lang}: page 1, workbook summary, {len(FIGURES)} figures -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
