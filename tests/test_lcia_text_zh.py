"""`lcia --lang zh` speaks Chinese in its own words (headers, totals, headings) and keeps its
columns aligned on a terminal, where a Chinese character takes two columns."""

from __future__ import annotations

import unicodedata

import pytest


def columns(text: str) -> int:
    """Terminal columns of a line (East Asian wide and full-width characters: two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


@pytest.fixture(scope="module")
def texts(built):
    from cfp_lca.calc.lcia import static_lcia
    from cfp_lca.present.tables import lcia_text

    model = built.models["zw32"]
    result = static_lcia(built, model)
    return {lang: lcia_text(result, model, lang) for lang in ("en", "zh")}


def test_the_stage_table_is_aligned_with_chinese_names(texts):
    lines = texts["zh"].split("\n\n")[1].splitlines()  # the stage table: header, rule, rows
    assert lines[0].startswith("阶段") and "占比" in lines[0]
    assert any("产品使用（单独报告）" in line for line in lines)
    widths = {columns(line) for line in lines}
    assert len(widths) == 1, lines  # every row ends in the same terminal column


def test_chinese_words_replace_the_english_ones(texts):
    zh, en = texts["zh"], texts["en"]
    for word in ("合计", "功能单位", "评价方法", "按温室气体（基本流）", "主要贡献（按部件）",
                 "按模块（EN 15804+A2）"):  # fmt: skip
        assert word in zh, word
    for word in ("\ntotal ", "functional unit:", "by greenhouse gas", "top contributors"):
        assert word in en and word not in zh, word
    # the numbers are the same in both languages
    number = en.split("\n")[5].split(": ")[1].split()[0]  # "total: 4383.5047 kg CO2e / unit"
    assert number in zh.split("\n")[5]
