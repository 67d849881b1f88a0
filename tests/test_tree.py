"""cfp-lca tree on the fixture lamp (tests/fixtures/models/README.md derives its numbers by
hand): each branch's cumulative score, its own emissions, the cut-off that leaves the small
transport out and a lower one that shows it; strict JSON and the text tree."""

from __future__ import annotations

import json

import pytest
from fixture_models import GRID, LAMP_STAGES, LAMP_TOTAL, MODELS, PC, STEEL

from cfp_lca.cli import main

DATA = ["--data", str(MODELS), "--project", "cfp_tree"]


def tree(capsys, *args: str) -> dict:
    capsys.readouterr()
    assert main(["tree", "lamp", "--json", *args, *DATA]) == 0, capsys.readouterr().err
    data = json.loads(capsys.readouterr().out)
    return data


def test_the_branches_carry_the_hand_values(capsys, restore_project):
    data = tree(capsys)
    rows = {r["name"]: r for r in data["branches"]}
    assert data["total"] == pytest.approx(LAMP_TOTAL, rel=1e-12)
    body = rows["lamp body and shade"]
    assert body["score"] == pytest.approx(LAMP_STAGES["materials"], rel=1e-12)
    below_body = {r["name"].split(",")[0]: r for r in data["branches"]
                  if r["parent"] == body["id"]}  # fmt: skip
    assert sorted(r["score"] for r in below_body.values()) == pytest.approx(
        sorted([2.0 * STEEL, 0.4 * PC]), rel=1e-12)  # fmt: skip
    assembly = rows["assembly"]
    assert assembly["score"] == pytest.approx(LAMP_STAGES["production"], rel=1e-12)
    assert assembly["direct"] == pytest.approx(0.2 + 0.01 * 30 + 0.001 * 265, rel=1e-12)
    grid = [r for r in data["branches"] if r["parent"] == assembly["id"]]
    assert [r["score"] for r in grid] == pytest.approx([3 * GRID], rel=1e-12)
    assert grid[0]["amount"] == pytest.approx(3.0) and grid[0]["unit"] == "kWh"
    # the credit is a branch of its own, negative: cut-offs compare absolute values
    disposal = rows["recycling of the steel, with the avoided primary steel"]
    assert disposal["score"] == pytest.approx(LAMP_STAGES["end_of_life"], rel=1e-12)
    # the transport (0.056, 0.9 % of the total) lies below a 1 % cut-off, above 0.5 %
    assert "supplier transport" not in rows
    lower = {r["name"]: r for r in tree(capsys, "--cutoff", "0.005")["branches"]}
    assert lower["supplier transport"]["score"] == pytest.approx(LAMP_STAGES["transport"],
                                                                 rel=1e-12)  # fmt: skip


def test_the_text_tree_and_a_bad_cutoff(capsys, restore_project):
    capsys.readouterr()
    assert main(["tree", "lamp", *DATA]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Supply tree of lamp") and "├─ lamp body and shade" in out
    assert main(["tree", "lamp", "--cutoff", "2", *DATA]) == 2
    assert "share between 0 and 1" in capsys.readouterr().err
