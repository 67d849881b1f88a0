"""`cfp-lca report`: complete files, and every number in its tables equal to the --json outputs
of lcia and mc run with the same options (the report renders those very dicts)."""

from __future__ import annotations

import json
import re

import pytest

from cfp_lca.cli import main
from conftest import TEST_PROJECT

FAST = ["-n", "3000", "--seed", "2", "--project", TEST_PROJECT]


def table(md: str, title: str) -> list[list[str]]:
    """Rows of the Markdown table under a bold title."""
    block = md.split(f"**{title}", 1)[1].split("\n\n", 2)[1]
    return [[c.strip() for c in line.strip("|").split("|")] for line in block.splitlines()[2:]]


@pytest.fixture(scope="module")
def report(built, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "zw32"
    assert main(["report", "zw32", "--out", str(out), "--sobol-n", "256", *FAST]) == 0
    return out


def test_report_files(report):
    html = (report / "report.html").read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") >= 10  # figures embedded
    for heading in ("Cut-off rule check", "Uncertainty analysis", "Sensitivity analysis",
                    "Scenarios", "Improvement options", "Audit of declared figures"):  # fmt: skip
        assert heading in html
    assert (report / "tables.xlsx").stat().st_size > 5000
    assert (report / "tables" / "stages.csv").is_file()
    from openpyxl import load_workbook

    sheets = load_workbook(report / "tables.xlsx").sheetnames
    assert {"stages", "monte_carlo", "sobol", "scenarios", "audit"} <= set(sheets)


def test_report_numbers_are_the_json_numbers(report, capsys):
    md = (report / "report.md").read_text(encoding="utf-8")
    assert main(["lcia", "zw32", "--json", "--project", TEST_PROJECT]) == 0
    lcia = json.loads(capsys.readouterr().out)
    rows = table(md, "Results by life-cycle stage")
    by_name = {r[0]: r for r in rows}
    for stage in lcia["stage_table"]:
        if stage["value"]:
            assert by_name[stage["name"]][1] == f"{stage['value']:.4f}"
            assert by_name[stage["name"]][2] == f"{stage['share']:.2f}"
    assert by_name["total"][1] == f"{lcia['total']:.4f}"
    assert main(["mc", "zw32", "--json", *FAST]) == 0
    mc = json.loads(capsys.readouterr().out)
    total = table(md, "Monte Carlo statistics")[0]
    expected = [mc["total"][k] for k in ("deterministic", "mean", "median", "std")]
    assert total[1:5] == [f"{v:.2f}" for v in expected]
    assert total[-1] == f"{mc['total']['p97_5']:.2f}"


def test_report_finds_the_small_but_high_impact_input(report):
    """The mass cut-off would drop the circuit boards (1.5 kg of the material inputs) though
    they carry 1.5 kg x 100 kgCO2e/kg = 150 kgCO2e of the footprint: the check lists them."""
    md = (report / "report.md").read_text(encoding="utf-8")
    rows = table(md, "Mass inputs under 1 %")
    pcb = next(r for r in rows if r[1] == "pcb_assembly_populated")
    assert float(pcb[4]) > 10


def test_chinese_report(built, tmp_path):
    out = tmp_path / "zh"
    args = ["report", "zw32-report", "--out", str(out), "--lang", "zh", "--sobol-n", "256", *FAST]
    assert main(args) == 0
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "产品碳足迹研究报告" in md and "原材料获取" in md and "不确定性分析" in md
    assert re.search(r"\| 原材料获取 \| 1317\.3597 \|", md)


def test_report_refuses_a_folder_in_use(built, tmp_path, capsys):
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    assert main(["report", "zw32", "--out", str(tmp_path), *FAST]) == 2
    assert "not empty" in capsys.readouterr().err
    assert (tmp_path / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_improvements_are_design_options_only(report):
    """Accounting choices (avoided burden, CFF) and settings (grid factors) are no improvement."""
    md = (report / "report.md").read_text(encoding="utf-8")
    rows = table(md, "Improvement options (design scenarios)")
    names = [r[0] for r in rows]
    assert names and "recycled-content" in names
    assert not {"avoided-burden", "cff", "zhejiang-grid", "lifecycle-grid"} & set(names)
    reductions = [float(r[2]) for r in rows]
    assert reductions == sorted(reductions, reverse=True)
