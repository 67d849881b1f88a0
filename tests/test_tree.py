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


def test_the_tree_figure_lays_each_branch_inside_its_parent():
    """A total of 10 with a branch of 6 (holding one of 3) and a credit of -2: heights are the
    absolute shares, stacked from the parent's top, largest first."""
    from cfp_lca.present.plots.tree import tree_boxes

    rows = [
        {"id": -1, "parent": None, "depth": 0, "score": 10.0},
        {"id": 1, "parent": -1, "depth": 1, "score": -2.0},
        {"id": 2, "parent": -1, "depth": 1, "score": 6.0},
        {"id": 3, "parent": 2, "depth": 2, "score": 3.0},
    ]
    boxes = {row["id"]: (bottom, height) for row, bottom, height in tree_boxes(rows)}
    assert boxes[-1] == pytest.approx((0.0, 1.0))
    assert boxes[2] == pytest.approx((0.4, 0.6))
    assert boxes[1] == pytest.approx((0.2, 0.2))
    assert boxes[3] == pytest.approx((0.7, 0.3))


def test_the_tree_names_branches_in_chinese_from_the_data(built):
    """zw32's activities and library processes by their name_zh, where the data give one."""
    from cfp_lca.calc.lcia import computed_lca
    from cfp_lca.calc.tree import branch_names, supply_tree

    model = built.models["zw32"]
    branches = supply_tree(computed_lca(model, built.methods[model.method]), 0.01)
    zh = {name for name, _ in branch_names(built, model, branches, "zh").values()}
    en = {name for name, _ in branch_names(built, model, branches, "en").values()}
    assert model.title_zh in zh and model.title in en
    assert model.activity("use_stage").meta["name_zh"] in zh
    assert model.activity("use_stage").name in en and model.activity("use_stage").name not in zh
