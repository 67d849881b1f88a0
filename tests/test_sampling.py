"""Vectorized stats_arrays draws: moments against closed forms, reproducibility, errors."""

import bw_processing as bwp
import numpy as np
import pytest

from cfp_lca.calc.montecarlo.sampling import (
    BLOCK_SIZE,
    Sampler,
    UnsupportedDistribution,
    draw_samples,
)

N = 200_000
Z = 4.5  # bound in standard errors: tests are deterministic, the bound only guards the seed


def dists(*rows):
    return np.array(list(rows), dtype=bwp.UNCERTAINTY_DTYPE)


def row(kind, loc=np.nan, scale=np.nan, minimum=np.nan, maximum=np.nan, negative=False):
    return (kind, loc, scale, np.nan, minimum, maximum, negative)


def test_static_entries_keep_their_float64_amount():
    amounts = np.array([0.1234567890123, -7.0])
    out = draw_samples(dists(row(0, 0.1234567890123), row(1, -7.0)), amounts, 10, seed=1)
    assert (out == amounts[:, None]).all()


def test_lognormal_median_sigma_and_negative():
    sigma = 0.3
    amounts = np.array([2.5, -4.0])
    d = dists(row(2, np.log(2.5), sigma), row(2, np.log(4.0), sigma, negative=True))
    out = draw_samples(d, amounts, N, seed=2)
    assert (out[0] > 0).all() and (out[1] < 0).all()
    for k in range(2):
        logs = np.log(np.abs(out[k]))
        # float32 loc is replaced by ln|amount| in float64: the median is the amount
        assert abs(logs.mean() - np.log(abs(amounts[k]))) < Z * sigma / np.sqrt(N)
        assert abs(logs.std(ddof=1) - sigma) < Z * sigma / np.sqrt(2 * N)
        # fraction below the amount: binomial bound around 1/2
        assert abs((np.abs(out[k]) < abs(amounts[k])).mean() - 0.5) < Z * 0.5 / np.sqrt(N)


def test_normal_uniform_triangular_moments():
    d = dists(
        row(3, 10.0, 2.0), row(4, minimum=1.0, maximum=3.0), row(5, 2.0, minimum=1.0, maximum=5.0)
    )
    out = draw_samples(d, np.array([10.0, 2.0, 2.0]), N, seed=3)
    assert abs(out[0].mean() - 10.0) < Z * 2.0 / np.sqrt(N)
    assert abs(out[0].std(ddof=1) - 2.0) < Z * 2.0 / np.sqrt(2 * N)
    assert out[1].min() >= 1.0 and out[1].max() <= 3.0
    assert abs(out[1].mean() - 2.0) < Z * (2 / np.sqrt(12)) / np.sqrt(N)
    a, c, b = 1.0, 2.0, 5.0
    mean = (a + b + c) / 3
    sd = np.sqrt((a * a + b * b + c * c - a * b - a * c - b * c) / 18)
    assert out[2].min() >= a and out[2].max() <= b
    assert abs(out[2].mean() - mean) < Z * sd / np.sqrt(N)


def test_bounded_normal_is_redrawn_inside_bounds():
    out = draw_samples(dists(row(3, 0.0, 1.0, minimum=-0.5, maximum=2.0)), np.zeros(1), 20_000, 4)
    assert out.min() >= -0.5 and out.max() <= 2.0


def test_same_draws_whatever_the_split():
    d = dists(row(2, 0.0, 0.5), row(3, 1.0, 0.1), row(0, 3.0))
    s = Sampler.from_arrays(d, np.array([1.0, 1.0, 3.0]))
    whole = s.draw(7, 0, 3 * BLOCK_SIZE + 17)
    parts = np.hstack(
        [
            s.draw(7, 0, 1000),
            s.draw(7, 1000, 2 * BLOCK_SIZE + 5),
            s.draw(7, 2 * BLOCK_SIZE + 5, 3 * BLOCK_SIZE + 17),
        ]
    )
    assert np.array_equal(whole, parts)
    assert np.array_equal(whole, s.draw(7, 0, 3 * BLOCK_SIZE + 17))
    assert not np.array_equal(whole, s.draw(8, 0, 3 * BLOCK_SIZE + 17))


def test_unsupported_type_raises_clear_error():
    """An id stats_arrays does not know (Bernoulli, 6, is drawn through stats_arrays)."""
    with pytest.raises(UnsupportedDistribution, match="not supported"):
        Sampler.from_arrays(dists(row(99, 1.0, 1.0)), np.ones(1))


def test_draw_block_into_is_draw_block_times_the_factor():
    """The in-place draw of the fast engine: the same numbers, bit for bit, signs applied."""
    factor = np.array([-1.0, 1.0, -1.0, 1.0])
    for d in (
        dists(
            row(2, 0.0, 0.5), row(2, 1.0, 0.1, negative=True), row(2, 0.3, 0.2), row(2, -1.0, 0.4)
        ),  # fmt: skip
        dists(
            row(2, 0.0, 0.5),
            row(3, 1.0, 0.1, minimum=0.9),
            row(4, minimum=1.0, maximum=2.0),
            row(5, 2.0, minimum=1.0, maximum=5.0),
        ),  # fmt: skip
    ):
        s = Sampler.from_arrays(d, np.ones(4))
        out = np.empty((4, BLOCK_SIZE))
        for block in (0, 3):
            ref = s.draw_block(5, block)
            assert np.array_equal(s.draw_block_into(5, block, out), ref)
            assert np.array_equal(s.draw_block_into(5, block, out, factor), ref * factor[:, None])


def test_normal_scores_map_to_each_distribution():
    """from_normal_scores: loc + scale z for (log)normals, the quantile at Phi(z) for the
    others (how the copula maps correlated scores), checked against scipy.stats."""
    from scipy import stats

    d = dists(row(2, np.log(3.0), 0.4), row(3, 1.0, 0.2), row(5, 2.0, minimum=1.0, maximum=5.0),
              row(4, minimum=-1.0, maximum=1.0))  # fmt: skip
    s = Sampler.from_arrays(d, np.array([3.0, 1.0, 2.0, 0.0]))
    z = np.array([[-1.5, 0.0, 0.7]] * 4)
    out = s.from_normal_scores(z)
    u = stats.norm.cdf(z[0])
    sigma, sd = s.scale[0], s.scale[1]  # 0.4 and 0.2 as float32 stores them
    np.testing.assert_allclose(out[0], stats.lognorm(sigma, scale=3.0).ppf(u), rtol=1e-12)
    np.testing.assert_allclose(out[1], stats.norm(1.0, sd).ppf(u), rtol=1e-12)
    np.testing.assert_allclose(out[2], stats.triang(0.25, loc=1.0, scale=4.0).ppf(u), rtol=1e-12)
    np.testing.assert_allclose(out[3], stats.uniform(-1.0, 2.0).ppf(u), rtol=1e-12, atol=1e-15)


def test_mean_centred_lognormal_loc_is_taken_in_float64():
    """A float32 loc near ln|a| - scale^2 / 2 (lognormal_centre: mean) is read as that value."""
    a, sigma = 2.5, 0.3
    d = dists(row(2, np.log(a) - sigma**2 / 2, sigma))
    s = Sampler.from_arrays(d, np.array([a]))
    scale = float(np.float32(sigma))
    assert s.loc[0] == np.log(a) - scale**2 / 2


def _reference_block(s: Sampler, seed: int, block: int) -> np.ndarray:
    """A block drawn as numpy's own distributions draw it: normals of the (log)normal rows,
    then ``rng.random`` for uniform rows and ``rng.triangular`` for triangular ones."""
    from cfp_lca.calc.montecarlo.sampling import block_generator

    rng = block_generator(seed, s.stream, block)
    out = np.empty((s.n_uncertain, BLOCK_SIZE))
    g = np.flatnonzero(np.isin(s.kind, (2, 3)))
    values = s.loc[g, None] + s.scale[g, None] * rng.standard_normal((g.size, BLOCK_SIZE))
    logn = s.kind[g] == 2
    values[logn] = np.exp(values[logn]) * np.where(s.negative[g][logn], -1.0, 1.0)[:, None]
    out[g] = values
    u = np.flatnonzero(s.kind == 4)
    low, high = s.minimum[u, None], s.maximum[u, None]
    out[u] = low + (high - low) * rng.random((u.size, BLOCK_SIZE))
    t = np.flatnonzero(s.kind == 5)
    low, mode, high = s.minimum[t, None], s.loc[t, None], s.maximum[t, None]
    same = high == low
    shape = (t.size, BLOCK_SIZE)
    draws = rng.triangular(
        np.broadcast_to(low, shape),
        np.broadcast_to(np.where(same, low, mode), shape),
        np.broadcast_to(np.where(same, low + 1.0, high), shape),
    )
    out[t] = np.where(same, low, draws)
    return out


def test_mixed_rows_are_numpys_own_draws_bit_for_bit():
    """Lognormal (some negative), normal, uniform and triangular rows in one sampler (mode at
    either end, a degenerate triangle, magnitudes far apart): the in-place transforms give
    numpy's own numbers, whatever the buffers reused between blocks and samplers."""
    rng = np.random.default_rng(11)
    rows, amounts = [], []
    for k in range(40):
        kind = (2, 3, 4, 5)[k % 4]
        a = float(rng.normal() * 10.0 ** rng.integers(-4, 5))
        w = abs(a) * (0.05 + float(rng.random()))  # distinct bounds in float32
        if kind == 2:
            rows.append(row(2, np.log(abs(a)), 0.3, negative=a < 0))
        elif kind == 3:
            rows.append(row(3, a, w))
        elif kind == 4:
            rows.append(row(4, minimum=a, maximum=a + w))
        else:
            mode = a if k == 7 else (a, a + w, a + w * float(rng.random()), a)[k // 4 % 4]
            rows.append(row(5, mode, minimum=a, maximum=a if k == 7 else a + w))
        amounts.append(a)
    d = dists(*rows)  # float32 fields: amounts where the float32 loc is their rounding
    amounts = np.where(d["uncertainty_type"] == 2, amounts, d["loc"].astype(np.float64))
    s = Sampler.from_arrays(d, amounts, stream=3)
    small = Sampler.from_arrays(d[5:9], amounts[5:9], stream=4)
    factor = np.where(np.arange(40) % 3 == 0, -1.0, 1.0)
    for block in (0, 5):
        ref = _reference_block(s, 2, block)
        out = np.empty((40, BLOCK_SIZE))
        assert np.array_equal(s.draw_block_into(2, block, out), ref)
        assert np.array_equal(small.draw_block(2, block), _reference_block(small, 2, block))
        assert np.array_equal(s.draw_block_into(2, block, out, factor), ref * factor[:, None])
    assert s.draw_counts() == (20, 20)


def test_triangular_rows_are_numpys_triangular_bit_for_bit():
    from cfp_lca.calc.montecarlo.sampling import block_generator

    rng = np.random.default_rng(3)
    for trial in range(20):
        n = 9
        low = rng.normal(size=n) * 10.0 ** rng.integers(-6, 6, n)
        high = low + np.abs(low) * (0.05 + rng.random(n))  # distinct bounds in float32
        mode = low + (high - low) * rng.random(n)
        mode[0], mode[1] = low[0], high[1]
        d = dists(
            *(row(5, m, minimum=a, maximum=b) for a, m, b in zip(low, mode, high, strict=True))
        )
        s = Sampler.from_arrays(d, d["loc"].astype(np.float64), stream=trial)
        shape = (n, BLOCK_SIZE)
        ref = block_generator(1, trial, 4).triangular(
            np.broadcast_to(s.minimum[:, None], shape),
            np.broadcast_to(s.loc[:, None], shape),
            np.broadcast_to(s.maximum[:, None], shape),
        )
        assert np.array_equal(s.draw_block(1, 4), ref)
