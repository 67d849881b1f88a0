"""The compiled draws (numba) are numpy's own numbers, bit for bit, on any thread.

The references are numpy's generator methods themselves, on generators seeded alike; a million
normals reach the ziggurat's tail and wedges, whose branches call ``log1p`` and ``exp``.
"""

from __future__ import annotations

import threading

import numpy as np

from cfp_lca.calc.montecarlo import compiled, transforms
from cfp_lca.calc.montecarlo.sampling import block_generator


def test_standard_normals_are_numpys_through_tail_and_wedges():
    out = np.empty((250, 4096))
    compiled.standard_normal_into(block_generator(7, 1, 3), out)
    ref = block_generator(7, 1, 3).standard_normal((250, 4096))
    assert np.array_equal(out, ref)
    assert (np.abs(ref) > 3.6541528853610088).sum() > 50  # the ziggurat's tail was drawn


def test_affine_normals_uniforms_and_triangles_are_numpys_own():
    rng = np.random.default_rng(5)
    n, width = 13, 1000
    scale = rng.random(n) * 10.0 ** rng.integers(-5, 5, n)
    loc = rng.normal(size=n) * 10.0 ** rng.integers(-5, 5, n)
    out = np.empty((n, width))
    transforms.gauss_into(block_generator(1, 2, 0), out, scale, loc, False, False, None)
    z = block_generator(1, 2, 0).standard_normal((n, width))
    assert np.array_equal(out, loc[:, None] + scale[:, None] * z)

    low = loc
    high = low + scale
    compiled.affine_into(block_generator(1, 2, 1), out, high - low, low, False)
    ref = block_generator(1, 2, 1).uniform(low[:, None], high[:, None], (n, width))
    assert np.array_equal(out, ref)

    mode = low + (high - low) * rng.random(n)
    mode[0], mode[1] = low[0], high[1]  # a mode at either end
    base, leftbase = high - low, mode - low  # numpy's random_triangular constants
    compiled.triangular_into(
        block_generator(1, 2, 2), out, low, high, leftbase / base, leftbase * base,
        (high - mode) * base,
    )  # fmt: skip
    ref = block_generator(1, 2, 2).triangular(
        low[:, None], mode[:, None], high[:, None], (n, width)
    )
    assert np.array_equal(out, ref)


def test_threads_draw_at_once_the_numbers_drawn_alone():
    """The loops release the GIL; each generator's numbers do not depend on other threads."""
    alone = [block_generator(3, 0, b).standard_normal((40, 4096)) for b in range(4)]
    outs = [np.empty((40, 4096)) for _ in range(4)]
    threads = [
        threading.Thread(
            target=compiled.standard_normal_into, args=(block_generator(3, 0, b), outs[b])
        )
        for b in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for a, b in zip(alone, outs, strict=True):
        assert np.array_equal(a, b)


def test_triangular_quantiles_are_the_inverse_cdf():
    """The compiled quantiles equal numpy's where-expression of the inverse CDF bit for bit,
    and scipy's ``triang.ppf`` to float64 rounding."""
    from scipy.stats import triang

    rng = np.random.default_rng(9)
    n = 7
    low = rng.normal(size=n) * 10.0 ** rng.integers(-4, 4, n)
    high = low + np.abs(low) * (0.1 + rng.random(n))
    mode = low + (high - low) * rng.random(n)
    mode[0], mode[1] = low[0], high[1]
    u = rng.random((n, 2000))
    width = high - low
    out = np.empty_like(u)
    compiled.triangular_quantiles_into(u, out, low, mode, high, width, (mode - low) / width)
    lo, mo, hi, w = (x[:, None] for x in (low, mode, high, width))
    ref = np.where(
        u < (mo - lo) / w, lo + np.sqrt(u * w * (mo - lo)), hi - np.sqrt((1 - u) * w * (hi - mo))
    )
    assert np.array_equal(out, ref)
    scipy_ref = triang.ppf(u, (mo - lo) / w, loc=lo, scale=w)
    assert np.allclose(out, scipy_ref, rtol=1e-12, atol=1e-12 * np.abs(hi).max())


def test_block_moments_add_as_numpy_does():
    """One compiled pass gives the statistics' sums with numpy's own order of additions (sample
    order for ``mean(axis=1)`` of a Fortran array and ``cumsum``, pairwise for ``np.sum``),
    with and without singular samples, for blocks of any length."""
    rng = np.random.default_rng(6)
    for n in (1, 7, 8, 9, 127, 128, 129, 300, 1000, 4096):
        for share in (0.0, 0.2):
            q = rng.lognormal(8.0, 0.5, (5, n))
            bad = rng.random(n) < share
            count, mean, m2, sum1, sum2, seq1, seq2 = compiled.block_moments(q, bad, 3000.0)
            x = q[:, ~bad] if bad.any() else np.asfortranarray(q)
            assert count == x.shape[1]
            if not count:
                continue
            assert np.array_equal(mean, x.mean(axis=1))
            dev = x - x.mean(axis=1)[:, None]
            assert np.array_equal(m2, (dev * dev).sum(axis=1))
            t = x[0] - 3000.0
            assert (sum1, sum2) == (float(t.sum()), float((t * t).sum()))
            z = np.where(bad, 0.0, q[0] - 3000.0)
            assert (seq1, seq2) == (np.cumsum(z)[-1], np.cumsum(z * z)[-1])
