"""The report model through Brightway reproduces the seed report's own figures.

Expected numbers are the report's printed figures (Table 4.2-1, Table 5.2-1, summary page) or
are computed here by hand from the report's printed activity data and factors.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import REPO, TEST_PROJECT

# Table 5.2-1 (per unit, 4 decimals) and the summary page total, as printed.
TABLE_521 = {
    "raw_materials": 1317.3597,
    "raw_material_transport": 11.1090,
    "production": 1.3213,
    "product_transport": 10.2834,
    "end_of_life": 5.5405,
}
SUMMARY_TOTAL = 1345.6139
# Table 4.2-1 annual GHG (3 decimals), as printed.
TABLE_421 = {
    "raw_materials": 5667281.627,
    "raw_material_transport": 47790.918,
    "production": 5684.233,
    "product_transport": 44239.187,
    "end_of_life": 23835.231,
}
# Table 4.2-1 activity data and factors; diesel CO2 per kg = 0.0726 kgCO2/MJ x 43.33 MJ/kg.
ANNUAL_OUTPUT = 4302
DIESEL_PER_KG = 0.0726 * 43.33
HAND_ANNUAL = {
    "raw_materials": 10561464.084 * 0.5366,
    "raw_material_transport": 15192.179 * DIESEL_PER_KG,
    "production": 10593.054 * 0.5366,
    "product_transport": 14063.125 * DIESEL_PER_KG,
    "end_of_life": 44418.992 * 0.5366,
}


@pytest.fixture(scope="module")
def result(built):
    from cfp_lca.calc.lcia import static_lcia

    model = built.models["zw32-report"]
    return static_lcia(built, model)


def test_stages_reproduce_table_5_2_1(result):
    for stage, printed in TABLE_521.items():
        assert result.stages[stage] == pytest.approx(printed, abs=0.5e-4), stage
        assert f"{result.stages[stage]:.4f}" == f"{printed:.4f}"


def test_total_reproduces_summary_page(result):
    assert f"{result.total:.4f}" == f"{SUMMARY_TOTAL:.4f}"


def test_annual_figures_reproduce_table_4_2_1_to_three_decimals(result):
    for stage, printed in TABLE_421.items():
        assert result.stages[stage] * ANNUAL_OUTPUT == pytest.approx(printed, abs=1e-3), stage


def test_exact_against_hand_calculation(result):
    for stage, annual in HAND_ANNUAL.items():
        assert result.stages[stage] == pytest.approx(annual / ANNUAL_OUTPUT, rel=1e-12)
    assert result.total == pytest.approx(sum(HAND_ANNUAL.values()) / ANNUAL_OUTPUT, rel=1e-12)


def test_partitions_add_up_to_total(result):
    assert sum(result.stages.values()) == pytest.approx(result.total, rel=1e-12)
    assert sum(result.activities.values()) == pytest.approx(result.total, rel=1e-12)
    assert sum(result.background.values()) == pytest.approx(result.total, rel=1e-12)


def test_all_gwp_sets_agree_when_only_fossil_co2_is_emitted(built):
    """The report counts CO2 only, whose GWP is 1 in AR5, AR5 with feedback and AR6."""
    from cfp_lca.calc.lcia import static_lcia

    model = built.models["zw32-report"]
    totals = [static_lcia(built, model, m).total for m in built.methods.values()]
    assert len(totals) == 3
    assert totals == pytest.approx([sum(HAND_ANNUAL.values()) / ANNUAL_OUTPUT] * 3, rel=1e-12)


def test_plain_bw2calc_on_the_written_project(built):
    """Independent check: plain bw2data + bw2calc.LCA on the project, no cfp_lca code."""
    import bw2calc as bc
    import bw2data as bd

    bd.projects.set_current(TEST_PROJECT)
    node = bd.get_node(database="cfp-zw32-report", code="zw32_set")
    method = next(m for m in bd.methods if m[1] == "IPCC AR5" and m[-1] == "GWP100")
    lca = bc.LCA({node: 1}, method=method)
    lca.lci()
    lca.lcia()
    hand = sum(HAND_ANNUAL.values()) / ANNUAL_OUTPUT
    # bw2data's own datapackages hold float32 amounts (relative precision ~6e-8).
    assert lca.score == pytest.approx(hand, rel=1e-6)
    assert f"{lca.score:.3f}" == f"{SUMMARY_TOTAL:.3f}"


def run_cli(*args, env_extra=None):
    env = {k: v for k, v in os.environ.items() if k != "BRIGHTWAY2_DIR"}
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "cfp_lca", *args],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=300,
    )  # fmt: skip


def test_cli_json_respects_brightway_dir(tmp_path):
    """`cfp-lca lcia zw32-report --json` in a fresh BRIGHTWAY_DIR: a full end-to-end run."""
    proc = run_cli("lcia", "zw32-report", "--json", env_extra={"BRIGHTWAY_DIR": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["model"] == "zw32-report"
    assert out["method"] == "ipcc-ar5-gwp100"
    assert out["unit"] == "kg CO2e"
    assert f"{out['total']:.4f}" == "1345.6139"
    by_code = {row["code"]: row["value"] for row in out["stage_table"]}
    assert {k: round(v, 4) for k, v in by_code.items()} == TABLE_521
    assert list(out["stages"].values()) == pytest.approx(list(TABLE_521.values()), abs=0.5e-4)
    assert out["stages_annual"]["raw material transport"] == pytest.approx(47790.918, abs=1e-3)
    assert any(p.name.startswith("cfp_lca") for p in tmp_path.iterdir()), "project not in dir"
