"""Distributions the compiled loops do not draw (beta, gamma, ...) are drawn by stats_arrays
itself, from each block's own generator: their means are stats_arrays' closed forms, the
numbers do not depend on the chunk size, paired runs give a shared exchange the same
numbers, and parameters stats_arrays refuses are named. On a model linked to a database
written with bw2data whose exchanges carry a beta and a gamma distribution."""

from __future__ import annotations

import math
from pathlib import Path

import bw2data as bd
import bw_processing as bwp
import numpy as np
import pytest
from stats_arrays import BetaUncertainty, GammaUncertainty, WeibullUncertainty

from cfp_lca import api
from cfp_lca.calc.montecarlo import BLOCK_SIZE, Sampler, UnsupportedDistribution

Z = 4.5  # bound in standard errors: the tests are deterministic, the bound guards the seed
NAN = np.nan
# stats_arrays' conventions: beta (alpha = loc, beta = shape) on [minimum, maximum], mean
# minimum + (maximum - minimum) alpha / (alpha + beta); gamma loc + Gamma(k = shape,
# theta = scale), mean loc + k theta
ALPHA, BETA, LOW, HIGH = 2.0, 3.0, 1.0, 3.0
BETA_MEAN = LOW + (HIGH - LOW) * ALPHA / (ALPHA + BETA)  # 1.8
BETA_SD = (HIGH - LOW) * math.sqrt(ALPHA * BETA / ((ALPHA + BETA) ** 2 * (ALPHA + BETA + 1)))
K, THETA = 4.0, 0.0005
GAMMA_MEAN, GAMMA_SD = K * THETA, math.sqrt(K) * THETA  # 0.002
# AR6 GWP100 (IPCC AR6 WG1 Table 7.15): CO2 1, fossil CH4 29.8; 10 kg of steel per bench
CH4 = 29.8
POWER = 0.6
STEEL = BETA_MEAN + GAMMA_MEAN * CH4 + 0.5 * POWER
TOTAL = 10 * STEEL
TOTAL_SD = 10 * math.hypot(BETA_SD, CH4 * GAMMA_SD)


def _rows(*rows: tuple) -> np.ndarray:
    return np.array(list(rows), dtype=bwp.UNCERTAINTY_DTYPE)


def _beta() -> tuple:
    return (BetaUncertainty.id, ALPHA, NAN, BETA, LOW, HIGH, False)


def _gamma() -> tuple:
    return (GammaUncertainty.id, 0.0, THETA, K, NAN, NAN, False)


def test_beta_and_gamma_draw_stats_arrays_means_whatever_the_split():
    s = Sampler.from_arrays(_rows(_beta(), _gamma(), (3, 5.0, 1.0, NAN, NAN, NAN, False)),
                            np.array([BETA_MEAN, GAMMA_MEAN, 5.0]))  # fmt: skip
    n = 20 * BLOCK_SIZE
    whole = s.draw(5, 0, n)
    assert abs(whole[0].mean() - BETA_MEAN) < Z * BETA_SD / math.sqrt(n)
    assert whole[0].min() >= LOW and whole[0].max() <= HIGH
    assert abs(whole[1].mean() - GAMMA_MEAN) < Z * GAMMA_SD / math.sqrt(n)
    assert whole[1].min() > 0
    # the normal row draws what it drew before any stats_arrays row was there
    alone = Sampler.from_arrays(_rows((3, 5.0, 1.0, NAN, NAN, NAN, False)), np.array([5.0]))
    assert np.array_equal(whole[2], alone.draw(5, 0, n)[0])
    cuts = (0, 1000, 3 * BLOCK_SIZE + 1, n)
    parts = np.hstack([s.draw(5, lo, hi) for lo, hi in zip(cuts, cuts[1:], strict=False)])
    assert np.array_equal(parts, whole)
    assert not np.array_equal(s.draw(6, 0, BLOCK_SIZE), whole[:, :BLOCK_SIZE])


def test_paired_draws_give_a_shared_entry_the_same_numbers():
    keys = np.array([11, 12], dtype=np.uint64)
    both = Sampler.from_arrays(_rows(_beta(), _gamma()), np.ones(2), keys=keys)
    gamma = Sampler.from_arrays(_rows(_gamma()), np.ones(1), keys=keys[1:])
    a, b = both.draw(3, 0, 2 * BLOCK_SIZE), gamma.draw(3, 0, 2 * BLOCK_SIZE)
    assert np.array_equal(a[1], b[0])
    assert abs(a[0].mean() - BETA_MEAN) < Z * BETA_SD / math.sqrt(a.shape[1])


def test_quantiles_are_stats_arrays_own_or_a_clear_error():
    s = Sampler.from_arrays(_rows(_beta()), np.ones(1))
    assert s.ppf(np.array([[0.5]]))[0, 0] == pytest.approx(
        BetaUncertainty.ppf(s._plan.stats_rows.params, np.array([[0.5]]))[0, 0]
    )
    weibull = _rows((WeibullUncertainty.id, 0.0, 1.0, 2.0, NAN, NAN, False))
    with pytest.raises(UnsupportedDistribution, match="no quantile function for Weibull"):
        Sampler.from_arrays(weibull, np.ones(1)).ppf(np.array([[0.5]]))


def test_what_stats_arrays_refuses_or_does_not_know_is_named():
    bad = _rows((BetaUncertainty.id, -1.0, NAN, 2.0, NAN, NAN, False),
                (42, 1.0, NAN, NAN, NAN, NAN, False))  # fmt: skip
    with pytest.raises(UnsupportedDistribution) as info:
        Sampler.from_arrays(bad, np.ones(2))
    reasons = dict(info.value.entries)
    assert "alpha" in reasons[0]
    assert "not supported" in reasons[1] and "stats_arrays" in reasons[1]


def _flow(name: str) -> dict:
    return {"name": name, "unit": "kilogram", "categories": ("air",), "type": "emission"}


def _process(name: str, product: str, unit: str, exchanges: list) -> dict:
    return {"name": name, "reference product": product, "unit": unit, "location": "CN",
            "type": "process", "exchanges": exchanges}  # fmt: skip


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    """A project whose background 'src', written with bw2data, has a beta CO2 and a gamma
    CH4 emission, and a bench model linked to it; the project switched back after."""
    previous = bd.projects.current
    name = "engine-distributions"
    bd.projects.set_current(name)
    bd.Database("bio4").write({("bio4", "co2"): _flow("Carbon dioxide, fossil"),
                               ("bio4", "ch4"): _flow("Methane, fossil")})  # fmt: skip
    co2, ch4 = _beta(), _gamma()
    bd.Database("src").write({
        ("src", "steel"): _process("steel production", "steel", "kilogram", [
            {"input": ("src", "steel"), "type": "production", "amount": 1.0},
            {"input": ("src", "power"), "type": "technosphere", "amount": 0.5},
            {"input": ("bio4", "co2"), "type": "biosphere", "amount": BETA_MEAN,
             "uncertainty type": co2[0], "loc": co2[1], "shape": co2[3], "minimum": co2[4],
             "maximum": co2[5]},
            {"input": ("bio4", "ch4"), "type": "biosphere", "amount": GAMMA_MEAN,
             "uncertainty type": ch4[0], "loc": ch4[1], "scale": ch4[2], "shape": ch4[3]},
        ]),
        ("src", "power"): _process("electricity production", "electricity", "kilowatt hour", [
            {"input": ("src", "power"), "type": "production", "amount": 1.0},
            {"input": ("bio4", "co2"), "type": "biosphere", "amount": POWER},
        ]),
    })  # fmt: skip
    folder = Path(tmp_path_factory.mktemp("bench")) / "bench"
    folder.mkdir()
    (folder / "bench.yaml").write_text(
        """\
model: bench
database: cfp-bench-dist
name: garden bench
functional_unit: {amount: 1, unit: unit, description: "1 bench"}
reference_activity: bench
method: ipcc-ar6-gwp100
backgrounds: [src]
stages:
  - {code: making, name: making}
activities:
  - code: bench
    name: bench
    stage: making
    inputs:
      - input: {database: src, code: steel, unit: kg}
        amount: {value: 10, unit: kg}
        source: "drawing"
        uncertainty: {distribution: none}
""",
        encoding="utf-8",
    )
    yield api.load(folder, project=name).model("bench")
    bd.projects.set_current(previous)


def test_a_beta_and_a_gamma_exchange_sample_their_means_for_any_chunk_size(bench):
    n = 4 * BLOCK_SIZE + 100
    runs = [bench.monte_carlo(n=n, seed=2, sources="background", chunk_size=c)
            for c in (BLOCK_SIZE, 3 * BLOCK_SIZE)]  # fmt: skip
    assert bench.lcia().total == pytest.approx(TOTAL, rel=1e-9)
    samples = [r.samples()["total"].to_numpy() for r in runs]
    assert np.array_equal(samples[0], samples[1])
    assert abs(samples[0].mean() - TOTAL) < Z * TOTAL_SD / math.sqrt(n)
    assert samples[0].std() == pytest.approx(TOTAL_SD, rel=0.05)
