"""Assumptions apart from data uncertainty, on a model written here: a widget emitting 2 kg
fossil CO2 per kg of input, m kg of it (m: data, lognormal, median 3, GSD 1.25) times a
factor f (f: an assumption, uniform 0.5 to 1.5, value 1).

By hand: total = 2 m f. With the data sources (the default) f stays 1, so the total is
lognormal with median 6 and sigma ln 1.25: its 95 % interval is 6 exp(-/+ 1.96 ln 1.25). Each
end of f's range (2.5 %, 97.5 % of the uniform: 0.525, 1.475) gives 6 f exactly."""

from __future__ import annotations

import json
import math
import re

import pytest
from test_libraries import BACKGROUND  # widget_input: {factor} kg fossil CO2 per kg

from cfp_lca.cli import main

pytestmark = pytest.mark.usefixtures("restore_project")

MODEL = """\
model: widget
database: cfp-widget
name: widget
functional_unit: {amount: 1, unit: unit, description: one widget}
reference_activity: make
method: ipcc-ar5-gwp100
backgrounds: [cfp-extra]
stages: [{code: make, name: make}]
parameters:
  m: {value: 3, unit: kg, source: weighed, description: widget mass,
      uncertainty: {distribution: lognormal, gsd: 1.25, source: scale spread}}
  f: {kind: assumption, value: 1, unit: dimensionless, source: "assumed use factor",
      description: use factor,
      uncertainty: {distribution: uniform, minimum: 0.5, maximum: 1.5, source: guess}}
activities:
  - code: make
    name: make
    stage: make
    inputs:
      - {input: widget_input, formula: m * f, unit: kg, source: weighed}
"""
Z975 = 1.959963984540054


@pytest.fixture()
def data(tmp_path):
    folder = tmp_path / "data"
    (folder / "background").mkdir(parents=True)
    (folder / "background" / "extra.yaml").write_text(BACKGROUND.format(factor=2),
                                                      encoding="utf-8")  # fmt: skip
    (folder / "widget.yaml").write_text(MODEL, encoding="utf-8")
    return ["--data", str(folder), "--project", "cfp_assumptions"]


def run_json(capsys, *args: str) -> dict:
    assert main([*args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_the_data_interval_holds_the_assumption_at_its_value(data, capsys):
    mc = run_json(capsys, "mc", "widget", "-n", "40000", "--seed", "4", *data)
    assert mc["sources"] == ["foreground", "background", "characterization"]
    total = mc["total"]
    lo, hi = 6 * math.exp(-Z975 * math.log(1.25)), 6 * math.exp(Z975 * math.log(1.25))
    assert total["p2_5"] == pytest.approx(lo, rel=0.01)
    assert total["p97_5"] == pytest.approx(hi, rel=0.01)
    assert total["median"] == pytest.approx(6, rel=0.005)
    everything = run_json(capsys, "mc", "widget", "-n", "40000", "--seed", "4", "--sources",
                          "all", *data)  # fmt: skip
    assert everything["sources"][-1] == "assumptions"
    # var(ln 2mf) grows by var(ln f) of the uniform: a wider interval than the data's alone
    assert everything["total"]["p97_5"] - everything["total"]["p2_5"] > 1.5 * (hi - lo)


def test_gsa_ranks_the_data_and_the_assumptions_apart(data, capsys):
    gsa = run_json(capsys, "gsa", "widget", "-n", "2000", "--sobol-n", "64", *data)
    assert [r["input"] for r in gsa["spearman"]] == ["widget mass"]
    apart = run_json(capsys, "gsa", "widget", "-n", "2000", "--sobol-n", "64", "--sources",
                     "assumptions", *data)  # fmt: skip
    assert [r["input"] for r in apart["spearman"]] == ["use factor"]


def test_the_report_gives_each_assumption_its_range(data, tmp_path):
    from cfp_lca.calc.assumptions import assumption_ranges
    from cfp_lca.model.loading import load_catalog

    out = tmp_path / "report"
    assert main(["report", "widget", "--format", "md", "--out", str(out), "-n", "2000",
                 "--seed", "1", "--sobol-n", "64", *data]) == 0  # fmt: skip
    md = (out / "report.md").read_text(encoding="utf-8")
    assert (
        "This interval holds the model's assumptions (1) at their values; each alone at "
        "the ends of its range moves the total from 3.2 to 8.9 kg CO2e" in md
    )
    assert "Assumptions, each alone at the ends of its range" in md
    catalog = load_catalog(tmp_path / "data")
    model = catalog.models["widget"]
    ranges = assumption_ranges(model, catalog.methods["ipcc-ar5-gwp100"], 2000, 1)
    (row,) = ranges.rows
    assert row.label == "use factor"
    assert (row.low_setting, row.high_setting) == pytest.approx((0.525, 1.475), rel=1e-12)
    assert (row.low, row.high) == pytest.approx((6 * 0.525, 6 * 1.475), rel=1e-9)
    assert ranges.base == pytest.approx(6, rel=1e-12)
    assert row.variance_share == pytest.approx(1.0)


def test_the_footprint_is_the_statistic_the_study_declares(data, tmp_path):
    """Declared as the median: the headline is the data run's median (6, the median of
    2 m, by hand), and the study's reason is printed with it; the value at best estimates
    follows apart."""
    folder = tmp_path / "data"
    text = (folder / "widget.yaml").read_text(encoding="utf-8")
    text += 'study: {statistic: median, statistic_reason: "buyers ask for the centre."}\n'
    (folder / "widget.yaml").write_text(text, encoding="utf-8")
    out = tmp_path / "median"
    assert main(["report", "widget", "--format", "md", "--out", str(out), "-n", "20000",
                 "--seed", "1", "--sobol-n", "64", *data]) == 0  # fmt: skip
    md = (out / "report.md").read_text(encoding="utf-8")
    found = re.search(r"is \*\*(\S+) kg CO2e\*\*, declared as the median of the Monte Carlo "
                      r"distribution of the data: buyers ask for the centre\.", md)  # fmt: skip
    assert found and float(found.group(1)) == pytest.approx(6, rel=0.02)
    assert "The value at the best estimates of the data is " in md
