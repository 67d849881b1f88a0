"""EN 15804+A2 / EN 50693 modules: stages mapped to modules in the data, results by module with
module D (the credits, benefits beyond the system boundary) apart from the A-C total.

On a copy of the fixture lamp (tests/fixtures/models/README.md, hand values in
fixture_models.py): materials A1, transport A2, production A3, end of life C1-C4. By hand:
D = the avoided steel, -0.85 x 2.0 x 2.53; C1-C4 = the shredding and sorting of 0.85 x 2.0 kg
of scrap; A-C = the total less D. zw32 declares its modules too.
"""

from __future__ import annotations

import json

import pytest
from fixture_models import LAMP_STAGES, LAMP_TOTAL, SCRAP, STEEL, copy_models

from cfp_lca.cli import main
from conftest import TEST_PROJECT

PROJECT = "cfp_modules"
D = -0.85 * 2.0 * STEEL
MODULES = "modules: {materials: A1, transport: A2, production: A3, end_of_life: C1-C4}\n"


@pytest.fixture(scope="module")
def data(tmp_path_factory, restore_project):
    root = copy_models(tmp_path_factory.mktemp("modules") / "models")
    path = root / "foreground" / "lamp.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("stages:\n", MODULES + "stages:\n", 1), encoding="utf-8")
    return ["--data", str(root), "--project", PROJECT]


def test_lcia_by_module_with_d_apart(data, capsys):
    capsys.readouterr()
    assert main(["lcia", "lamp", "--json", *data]) == 0
    modules = json.loads(capsys.readouterr().out)["modules"]
    rows = {m["module"]: m["value"] for m in modules["rows"]}
    assert list(rows) == ["A1", "A2", "A3", "C1-C4", "D"]
    assert rows["A1"] == pytest.approx(LAMP_STAGES["materials"], rel=1e-12)
    assert rows["A2"] == pytest.approx(LAMP_STAGES["transport"], rel=1e-12)
    assert rows["A3"] == pytest.approx(LAMP_STAGES["production"], rel=1e-12)
    assert rows["C1-C4"] == pytest.approx(0.85 * 2.0 * SCRAP, rel=1e-12)
    assert rows["D"] == pytest.approx(D, rel=1e-12)
    assert modules["a_to_c"] == pytest.approx(LAMP_TOTAL - D, rel=1e-12)
    assert modules["total"] == pytest.approx(LAMP_TOTAL, rel=1e-12)


def test_the_text_and_the_report_show_the_modules(data, capsys, tmp_path):
    capsys.readouterr()
    assert main(["lcia", "lamp", *data]) == 0
    out = capsys.readouterr().out
    assert "module D (beyond the system boundary, not in A-C)" in out
    assert f"{LAMP_TOTAL - D:.4f}" in out
    out_dir = tmp_path / "report"
    assert main(["report", "lamp", "-n", "200", "--format", "md", "--out", str(out_dir),
                 *data]) == 0  # fmt: skip
    text = (out_dir / "report.md").read_text(encoding="utf-8")
    assert "Results by EN 15804+A2 module (module D apart)" in text
    assert "| A1 |" in text and "| C1-C4 |" in text
    assert "| module D (beyond the system boundary, not in the total) | -4.3" in text


@pytest.mark.parametrize(
    "old, new, message",
    [
        ("end_of_life: C1-C4}", "end_of_life: C5}", "entry modules: end_of_life: the text 'C5'"),
        ("end_of_life: C1-C4}", "end_of_life: D}", "entry modules: end_of_life: the text 'D'"),
        (", end_of_life: C1-C4}", "}", "stage 'end_of_life' has no module"),
        ("end_of_life: C1-C4}", "end_of_life: C1-C4, recycling: C3}", "unknown stage 'recycling'"),
    ],
)
def test_a_bad_mapping_is_refused_in_one_line(tmp_path, capsys, old, new, message):
    root = copy_models(tmp_path / "models")
    path = root / "foreground" / "lamp.yaml"
    text = path.read_text(encoding="utf-8").replace("stages:\n", MODULES + "stages:\n", 1)
    path.write_text(text.replace(old, new), encoding="utf-8")
    capsys.readouterr()
    assert main(["check", "--data", str(root)]) == 2
    err = capsys.readouterr().err
    assert message in err and "lamp.yaml" in err


def test_zw32_declares_its_modules(built, capsys):
    """zw32: every stage in one module; module D empty under its default cut-off."""
    capsys.readouterr()
    assert main(["lcia", "zw32", "--json", "--project", TEST_PROJECT]) == 0
    result = json.loads(capsys.readouterr().out)
    rows = {m["module"]: m["value"] for m in result["modules"]["rows"]}
    assert {"A1", "A2", "A3", "A4", "B6", "C1-C4"} <= set(rows)
    assert rows.get("D", 0.0) == pytest.approx(sum(result["credits"].values()), abs=1e-9)
    assert sum(v for k, v in rows.items() if k != "D") == pytest.approx(
        result["total"] - rows.get("D", 0.0), rel=1e-12
    )
