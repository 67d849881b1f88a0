"""Every command on a second product, structurally unlike the shipped one: its own stage names,
no parts, direct emissions of several gases, no declared figures, in a folder holding only its
model file. Nothing it prints or writes may carry the shipped model's wording."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cfp_lca.cli import main

# the commands here switch Brightway's current project: switched back after the module
pytestmark = pytest.mark.usefixtures("restore_project")


PROJECT = "cfp_second"
FORBIDDEN = re.compile(r"zw32|breaker|switchgear|断路器|\bFTU\b|seed report", re.I)

# A cotton tote bag: field emissions of the fibre are direct emissions of its own activity.
TOTE = """\
model: tote
database: cfp-tote
name: "Cotton tote bag, 40 x 38 cm"
functional_unit: {amount: 1, unit: unit, description: "1 tote bag carrying 10 kg, 300 uses"}
reference_activity: tote
method: ipcc-ar5-gwp100
backgrounds: [cfp-china-background, cfp-china-materials]
parameters:
  fibre:
    value: 0.25
    unit: kg
    source: "bag weighed, 250 g (test data)"
    uncertainty: {distribution: normal, cv: 0.05}
stages:
  - {code: growing, name: Cotton growing}
  - {code: sewing, name: Cutting and sewing}
activities:
  - code: tote
    name: tote bag, sewn and shipped
    stage: sewing
    inputs:
      - input: cotton
        formula: fibre
        unit: kg
        uncertainty: {distribution: none}
        source: "bag mass"
      - input: electricity_cn_lifecycle_2023
        amount: {value: 0.8, unit: kWh}
        uncertainty: {distribution: normal, cv: 0.1}
        source: "sewing line meter (test data)"
      - input: freight_lorry_diesel_30t_cn
        amount: {value: 0.3, unit: t*km}
        uncertainty: {distribution: none}
        source: "0.3 kg x 1000 km (test data)"
  - code: cotton
    name: cotton fibre, at the field
    unit: kg
    stage: growing
    emissions:
      - flow: n2o
        amount: {value: 0.004, unit: kg}
        uncertainty: {distribution: lognormal, gsd: 1.5}
        source: "field N2O from fertiliser (test data)"
      - flow: ch4_fossil
        amount: {value: 0.01, unit: kg}
        uncertainty: {distribution: lognormal, gsd: 1.3}
        source: "irrigation pumps' methane slip (test data)"
"""
# AR5 GWP100 (IPCC AR5 WG1 Table 8.A.1): N2O 265, fossil CH4 30. Library factors: grid
# electricity, life cycle 2023, 0.6205 kg CO2e/kWh; 30 t truck 0.078 kg CO2e/(t*km).
GROWING = 0.25 * (0.004 * 265 + 0.01 * 30)  # 0.34
SEWING = 0.8 * 0.6205 + 0.3 * 0.078  # 0.4964 + 0.0234
SCENARIOS = {
    "baseline.yaml": "scenario: baseline\nmodel: tote\nname: as modelled\n",
    "light.yaml": "scenario: light\nmodel: tote\nname: lighter fabric\nparameters:\n"
    "  fibre: {value: 0.2, unit: kg, source: 'lighter fabric (test data)'}\n",
}


@pytest.fixture(scope="module")
def tote(tmp_path_factory) -> dict[str, Path]:
    """The model folder (only its model file) and a scenario folder elsewhere."""
    root = tmp_path_factory.mktemp("second")
    (root / "tote" / "foreground").mkdir(parents=True)
    (root / "tote" / "foreground" / "tote.yaml").write_text(TOTE, encoding="utf-8")
    scenarios = root / "scenarios" / "tote"
    scenarios.mkdir(parents=True)
    for name, text in SCENARIOS.items():
        (scenarios / name).write_text(text, encoding="utf-8")
    return {"data": root / "tote", "scenarios": root / "scenarios", "root": root}


def run(capsys, *args: str, status: int = 0) -> tuple[str, str]:
    """One command in-process on the tote folder; (stdout, stderr), both free of zw32 words."""
    capsys.readouterr()
    assert main([*args, "--project", PROJECT]) == status
    out, err = capsys.readouterr()
    assert not FORBIDDEN.search(out), FORBIDDEN.search(out)
    assert not FORBIDDEN.search(err), FORBIDDEN.search(err)
    return out, err


def test_lcia_is_the_hand_calculation(tote, capsys):
    """Total and stages as derived by hand; the direct emissions are in the table by gas."""
    out, _ = run(capsys, "lcia", "--data", str(tote["data"]), "--json")
    data = json.loads(out)
    assert data["model"] == "tote"
    assert data["total"] == pytest.approx(GROWING + SEWING, rel=1e-9)
    stages = {"Cotton growing": GROWING, "Cutting and sewing": SEWING}
    assert data["stages"] == pytest.approx(stages)
    gases = {row["code"]: row["value"] for row in data["by_flow"]}
    assert gases["n2o"] == pytest.approx(0.25 * 0.004 * 265)
    assert gases["ch4_fossil"] == pytest.approx(0.25 * 0.01 * 30)
    text, _ = run(capsys, "lcia", "--data", str(tote["data"]))
    assert "Cotton growing" in text and "Cutting and sewing" in text


def test_monte_carlo_sensitivity_and_lists(tote, capsys):
    """mc and gsa run (JSON strict), list and scenarios list name only the tote."""
    data = str(tote["data"])
    out, _ = run(capsys, "mc", "--data", data, "-n", "400", "--seed", "1", "--json")
    stats = json.loads(out)["total"]
    assert stats["deterministic"] == pytest.approx(GROWING + SEWING, rel=1e-9)
    out, _ = run(capsys, "gsa", "--data", data, "-n", "300", "--sobol-n", "64", "--json")
    assert "fibre" in out
    out, _ = run(capsys, "list", "--data", data)
    assert "model   tote" in out and "library cfp_lca-china" in out
    out, _ = run(capsys, "scenarios", "list", "--data", data,
                 "--scenario-dir", str(tote["scenarios"]))  # fmt: skip
    assert "baseline" in out and "light" in out
    out, _ = run(capsys, "check", "--data", data)
    assert "no problems" in out


def test_audit_without_declared_figures_says_so(tote, capsys):
    """No declared figures: audit refuses with a clear message and no shipped model's name."""
    _, err = run(capsys, "audit", "--data", str(tote["data"]), status=2)
    assert "declared-figures file" in err


def test_compare_plot_and_report(tote, capsys):
    """compare (the lighter bag changes the growing stage by -20 %: 0.2 / 0.25 kg), the
    figures and the report, every text file of it free of the shipped model's wording."""
    data, root = str(tote["data"]), tote["root"]
    out, _ = run(capsys, "compare", "--data", data, "--scenario-dir", str(tote["scenarios"]),
                 "-n", "400", "--json")  # fmt: skip
    rows = {r["scenario"]: r for r in json.loads(out)["groups"][0]["scenarios"]}
    assert set(rows) == {"baseline", "light"}
    assert rows["light"]["change"] == pytest.approx(-0.2 * GROWING, rel=1e-9)
    out, _ = run(capsys, "plot", "--data", data, "--out", str(root / "figures"), "-n", "300",
                 "--sobol-n", "64")  # fmt: skip
    assert any(p.suffix == ".png" for p in (root / "figures").iterdir())
    out, _ = run(capsys, "report", "--data", data, "--out", str(root / "report"), "-n", "300",
                 "--sobol-n", "64", "--scenario-dir", str(tote["scenarios"]))  # fmt: skip
    texts = [p for p in (root / "report").rglob("*") if p.suffix in (".md", ".html", ".csv")]
    assert texts
    # the direct emissions are in the report with their factors: N2O (265) and CH4 (30)
    report = (root / "report" / "report.md").read_text(encoding="utf-8")
    assert "Dinitrogen monoxide" in report and "Methane, fossil" in report
    assert "| 265 |" in report.replace(" 265.0 ", " 265 ") and "| 30 |" in report
    for path in texts:
        found = FORBIDDEN.search(path.read_text(encoding="utf-8"))
        assert not found, f"{path.name}: {found.group(0)!r}"


def test_main_job_reports_the_folder_s_model(tote, capsys):
    """`run` on the folder: the footprint and the report of its only model (no audit: it
    declares nothing), no shipped model computed or named."""
    out, _ = run(capsys, "run", "--data", str(tote["data"]), "--out",
                 str(tote["root"] / "main"), "-n", "3000", "--seed", "7")  # fmt: skip
    assert "Writing the study report of tote" in out and "Audit" not in out
    report = (tote["root"] / "main" / "report.md").read_text(encoding="utf-8")
    assert re.search(r"this one run \(3,?000 iterations, seed 7\)", report)  # -n, --seed
