"""The summary that opens the report, on the kettle (a model written here, with a credit): its
numbers are the sections' numbers as printed, and its recommendations follow from hand-derived
figures (``MAKING``, ``TOTAL`` of test_report_iso)."""

from __future__ import annotations

import re

import pytest
from test_report_iso import MAKING, TOTAL, kettle_report, kettle_study  # noqa: F401

from cfp_lca.present.numbers import fixed


def _summary(md: str) -> str:
    """The text between the title and the report data."""
    return md.split("## Summary", 1)[1].split("## Report data", 1)[0]


def _stage_rows(md: str) -> dict[str, str]:
    """{stage: printed value} of the stage table."""
    block = re.split(r"\*\*Table \d+-\d+ Results by life-cycle stage\*\*", md)[1]
    block = block.split("\n\n", 2)[1]
    rows = [[c.strip() for c in line.strip("|").split("|")] for line in block.splitlines()[2:]]
    return {r[0]: r[1] for r in rows}


def test_the_summary_comes_first(kettle_report):  # noqa: F811
    _, md = kettle_report
    headings = re.findall(r"^## (.+)$", md, flags=re.M)
    assert headings[:3] == ["Summary", "Report data", "Contents"]
    assert "1. [Goal of the study](#s1)" in md  # the sections keep their numbers


def test_summary_prints_each_figure_as_the_stage_table(kettle_report):  # noqa: F811
    _, md = kettle_report
    summary, stages = _summary(md), _stage_rows(md)
    headline = re.search(r"is \*\*(\S+) kg CO2e\*\*", summary).group(1)
    assert headline == stages["total"]
    assert float(headline) == pytest.approx(TOTAL, rel=0.05)  # rounded, not another number
    line = next(x for x in summary.splitlines() if x.startswith("By life-cycle stage"))
    for stage in ("making", "disposal"):
        assert f"{stage} {stages[stage]} kg CO2e" in line
    # the results section's headline is the same printed number
    assert f"**{headline} kg CO2e** per functional unit" in md


def test_recommendations_follow_from_the_numbers(kettle_report):  # noqa: F811
    _, md = kettle_report
    summary = _summary(md)
    assert "**Recommendations drawn from the results**" in summary
    share = fixed(100 * MAKING / TOTAL, 1)  # making is larger than the total: the credit
    assert f"- Reduce the making stage first: it carries {share} % of the total." in summary
    assert "Of the product's parts, body contributes most" in summary


def test_issuer_report_number_and_signature_block(kettle_report):  # noqa: F811
    """The data's issuer and report number on page 1; the study's people in the signature
    block, with blank columns to sign and date."""
    _, md = kettle_report
    data = md.split("## Report data", 1)[1].split("## Contents", 1)[0]
    assert "- **Issued by**: Kettle Works Ltd" in data
    assert "- **Report number**: KW-2026-001" in data
    block = re.split(r"\*\*Table \d+-\d+ Signatures\*\*", md)[1].split("\n\n", 2)[1]
    rows = [[c.strip() for c in line.strip("|").split("|")] for line in block.splitlines()[2:]]
    assert rows[0] == ["prepared by", "A. Author", "", ""]
    assert [r[0] for r in rows] == ["prepared by", "reviewed / verified by",
                                    "accepted for the commissioner by"]  # fmt: skip
