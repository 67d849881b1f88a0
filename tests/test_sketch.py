"""Percentiles of runs too large for memory: a logarithmic-bucket sketch whose percentiles
lie within its stated relative error of numpy's exact ones, and a Monte Carlo run that keeps
no samples gives the exact run's statistics to that bound."""

import numpy as np
import pytest

from cfp_lca.calc.montecarlo import statistics
from cfp_lca.calc.montecarlo.sketch import ALPHA, QuantileSketch
from cfp_lca.calc.montecarlo.statistics import PERCENTILES


@pytest.mark.parametrize(
    "values",
    [
        np.random.default_rng(1).lognormal(2.0, 1.5, 100_000),
        np.random.default_rng(2).normal(0.0, 3.0, 100_000),  # both signs
        np.concatenate([np.zeros(500), np.random.default_rng(3).uniform(-1, 5, 9_500)]),
        np.array([7.25]),
    ],
    ids=["lognormal", "normal", "zeros and uniform", "one value"],
)
def test_sketch_percentiles_are_within_the_stated_relative_error(values):
    sketch = QuantileSketch()
    for block in np.array_split(values, max(1, values.size // 4096)):  # as blocks arrive
        sketch.add(block)
    assert sketch.count == values.size
    exact = np.percentile(values, PERCENTILES)
    found = sketch.percentiles(PERCENTILES)
    # each order statistic within ALPHA of itself; their interpolation within ALPHA of the
    # larger magnitude of the two
    bound = ALPHA * np.maximum(
        np.abs(exact), np.abs(np.percentile(values, PERCENTILES, method="higher"))
    )
    assert np.all(np.abs(found - exact) <= bound * (1 + 1e-12) + 1e-300)


def test_a_run_too_large_for_memory_keeps_no_samples_and_the_same_statistics(
    on_fixture, monkeypatch
):
    """The same run exact and streamed (the memory limit lowered): means, sd and the share
    below the deterministic total are the same numbers; percentiles within the bound. On the
    engine tests' fixture model 'lamp' (tests/fixtures/models, README there): its end of life
    is a credit, so a stage's samples are negative."""
    from cfp_lca.calc.montecarlo import run_monte_carlo

    model = on_fixture.models["lamp"]
    kw = {"n": 50_000, "seed": 7, "keep_samples": True}
    exact = run_monte_carlo(on_fixture, model, **kw)
    monkeypatch.setattr(statistics, "FLOAT64_STORE_BYTES", 1024)
    streamed = run_monte_carlo(on_fixture, model, **kw)
    assert exact.percentile_method == "exact" and streamed.percentile_method.startswith("sketch")
    assert streamed.samples is None
    assert streamed.deterministic_percentile == exact.deterministic_percentile
    for label in exact.labels:
        a, b = exact.stats[label], streamed.stats[label]
        assert (b.mean, b.std) == (a.mean, a.std)
        for f in ("p2_5", "p5", "p25", "median", "p75", "p95", "p97_5"):
            assert getattr(b, f) == pytest.approx(getattr(a, f), rel=ALPHA), (label, f)
    # the Monte Carlo error of the percentiles, from the sketch, to the same bound
    for pct, ends in exact.percentile_intervals.items():
        assert streamed.percentile_intervals[pct] == pytest.approx(ends, rel=ALPHA), pct


def test_the_percentiles_error_is_the_order_statistics_by_hand(tmp_path, capsys):
    """mc --json's percentile_intervals are the order statistics at the 0-based ranks
    floor(np - z sqrt(np(1-p))) and ceil(np + z sqrt(np(1-p))), z = 1.959963984540054 (the
    normal quantile of 97.5 %), read here from the saved samples (fixture shelf)."""
    import json
    import math

    from fixture_models import MODELS, PROJECT

    from cfp_lca.cli import main

    path = tmp_path / "shelf.npy"
    assert main(["mc", "shelf", "-n", "5000", "--seed", "2", "--save-samples", str(path),
                 "--json", "--data", str(MODELS), "--project", PROJECT]) == 0  # fmt: skip
    data = json.loads(capsys.readouterr().out)
    totals = np.sort(np.load(path)[:, 0])
    n, z = data["valid"], 1.959963984540054
    for p, key in ((0.025, "p2_5"), (0.975, "p97_5")):
        half = z * math.sqrt(n * p * (1 - p))
        low, high = math.floor(n * p - half), math.ceil(n * p + half)
        assert data["percentile_intervals"][key] == pytest.approx(
            [totals[low], totals[high]], rel=1e-12)  # fmt: skip
        assert totals[low] <= data["total"][key] <= totals[high]
