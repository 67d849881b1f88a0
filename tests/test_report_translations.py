"""Texts of the data in Chinese come from the data: a background database's ``translations``
(keyed by the English text, as gettext keys a catalog) stack like its processes, and the zh
report shows them in its emission-factor table; the parameter table gives each uncertain
parameter's distribution and spread, and the data-quality table says which amounts are drawn
through parameters. Model and library written here."""

from __future__ import annotations

import re

import pytest

from cfp_lca.cli import main
from cfp_lca.model.loading import load_catalog

pytestmark = pytest.mark.usefixtures("restore_project")

BACKGROUND = """\
database: cfp-extra
processes:
  - code: widget_input
    name: widget input
    name_zh: 小部件原料
    unit: kg
    year: 2024
    gwp_set: "IPCC AR6 GWP100"
    source: "{source}"
    emissions:
      - {{flow: co2_fossil, amount: {{value: 2, unit: kg/kg}}, source: test data}}
translations:
  zh: {{"{source}": "{source_zh}"}}
"""
MODEL = """\
model: widget
database: cfp-widget
name: widget
name_zh: 小部件
functional_unit: {amount: 1, unit: unit, description: one widget, description_zh: 一个小部件}
reference_activity: make
method: ipcc-ar5-gwp100
backgrounds: [cfp-extra]
stages: [{code: make, name: make, name_zh: 制造}]
translations:
  zh: {"widget mass": 小部件质量, "weighed on the line": 产线称重}
parameters:
  m: {value: 3, unit: kg, source: "weighed on the line", description: "widget mass",
      uncertainty: {distribution: lognormal, gsd: 1.25, source: "scale spread"}}
activities:
  - code: make
    name: make
    name_zh: 制造
    stage: make
    inputs:
      - {input: widget_input, formula: m, unit: kg, source: "weighed on the line"}
"""


def write(folder, relative: str, text: str):
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_background_translations_stack_later_over_earlier(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    write(a, "background/extra.yaml", BACKGROUND.format(source="a source", source_zh="甲来源"))
    write(b, "background/other.yaml", BACKGROUND.format(source="a source", source_zh="乙来源")
          .replace("cfp-extra", "cfp-other"))  # fmt: skip
    assert load_catalog([a]).translations["zh"]["a source"] == "甲来源"
    assert load_catalog([a, b]).translations["zh"]["a source"] == "乙来源"


def _rows(md: str, title: str) -> list[list[str]]:
    block = re.split(r"\*\*表 [\d]+-\d+ " + re.escape(title), md, maxsplit=1)[1]
    block = block.split("\n\n", 2)[1]
    return [[c.strip() for c in line.strip("|").split("|")] for line in block.splitlines()[2:]]


def test_zh_report_reads_the_data_translations(tmp_path):
    data = tmp_path / "data"
    write(data, "background/extra.yaml",
          BACKGROUND.format(source="made-up factor list", source_zh="虚构因子表"))  # fmt: skip
    write(data, "widget.yaml", MODEL)
    out = tmp_path / "zh"
    args = ["report", "widget", "--data", str(data), "--project", "cfp_widget_zh", "--lang",
            "zh", "--format", "md", "--out", str(out), "-n", "400", "--seed", "3",
            "--sobol-n", "64"]  # fmt: skip
    assert main(args) == 0
    md = (out / "report.md").read_text(encoding="utf-8")
    factors = _rows(md, "所用排放因子及其 GWP 版本、年份与来源")
    assert len(factors) == 1
    name, region, factor, unit, _gwp, year, source, ghg = factors[0]
    assert (name, factor, unit, year, source) == ("小部件原料", "2", "kg CO2e/kg", "2024",
                                                  "虚构因子表")  # fmt: skip
    params = _rows(md, "不确定参数：分布与相关性")
    assert params == [["小部件质量", "3", "kg", "对数正态", "GSD 1.25", "-", "产线称重"]]
    quality = _rows(md, "各前景交换的数据来源与数据质量")
    assert quality[0][4] == "由参数确定" and quality[0][6] == "产线称重"
