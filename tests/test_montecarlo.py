"""Monte Carlo engines: exactness against bw2calc's own draws, agreement of distributions,
closed forms, reproducibility, singular samples, outputs.

Runs on the engine tests' fixture models (tests/fixtures/models, README there), written into
the project 'cfp_fixture' by the session fixture ``fixture_catalog`` (tests/conftest.py): 'lamp'
(parameters with a formula and a correlated pair, lognormal, normal, triangular and uniform
amounts, a credit, direct emissions of three gases) and 'shelf' (one lognormal purchase per
stage, for closed forms). Every bound is derived from the sample sizes; seeds are fixed.
"""

from __future__ import annotations

import numpy as np
import pytest
from fixture_models import LAMP_STAGES, LAMP_TOTAL, SHELF_SIGMA, current_project

Z = 4.5  # standard errors allowed; deterministic seeds, so this only guards seed choice
MODEL = "lamp"

# every test runs with the fixture's project current (the one before current again after)
pytestmark = pytest.mark.usefixtures("on_fixture")


@pytest.fixture(scope="module")
def setup(fixture_catalog):
    model = fixture_catalog.models[MODEL]
    return fixture_catalog, model, fixture_catalog.methods[model.method]


@pytest.fixture(scope="module")
def reference(setup):
    from cfp_lca.calc.montecarlo import run_monte_carlo

    catalog, model, method = setup
    with current_project():
        return run_monte_carlo(
            catalog, model, method, n=1500, seed=11, engine="brightway", keep_samples=True
        )


@pytest.fixture(scope="module")
def fast(setup):
    from cfp_lca.calc.montecarlo import run_monte_carlo

    catalog, model, method = setup
    with current_project():
        return run_monte_carlo(catalog, model, method, n=200_000, seed=5, keep_samples=True)


def test_deterministic_values_equal_static_lcia(setup, fast):
    from cfp_lca.calc.lcia import static_lcia

    catalog, model, _ = setup
    static = static_lcia(catalog, model)
    assert static.total == pytest.approx(LAMP_TOTAL, rel=1e-12)  # by hand (README)
    assert fast.deterministic["total"] == pytest.approx(static.total, rel=1e-12)
    assert fast.deterministic["end_of_life"] == pytest.approx(LAMP_STAGES["end_of_life"])
    for code, value in static.stages.items():
        assert fast.deterministic[code] == pytest.approx(value, rel=1e-12, abs=1e-12)
        assert fast.stats[code].deterministic == fast.deterministic[code]


def test_fast_solver_reproduces_bw2calc_sampled_iterations(fixture_catalog):
    """Fed the matrices bw2calc drew, the fast solver returns bw2calc's scores (1e-12). On
    'shelf': matrices of vector data only (lamp's random parameters come as array packages,
    which build_structure does not read)."""
    import bw2data as bd

    from cfp_lca.calc.lcia import foreground_contributions
    from cfp_lca.calc.montecarlo import build_structure, fast_scores_from_matrices, reference_lca

    model = fixture_catalog.models["shelf"]
    method = fixture_catalog.methods[model.method]
    lca = reference_lca(model, method, seed=3)
    structure = build_structure(model, lca)
    nodes = {n.id: n["code"] for n in bd.Database(model.database)}
    stage_of = {a.code: a.stage for a in model.activities}
    A, B, C, expected = [], [], [], []
    for i in range(25):
        if i:
            next(lca)
        A.append(lca.technosphere_matrix.copy())
        B.append(lca.biosphere_matrix.copy())
        C.append(lca.characterization_matrix.copy())
        by_activity, _ = foreground_contributions(lca, nodes)
        stages = dict.fromkeys(structure.stages, 0.0)
        for code, value in by_activity.items():
            if stage_of[code] is not None:
                stages[stage_of[code]] += value
        expected.append([lca.score, *stages.values()])
    expected = np.array(expected).T
    assert len({round(float(e), 6) for e in expected[0]}) == 25  # really different draws
    got = fast_scores_from_matrices(structure, A, B, C)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12 * abs(expected[0]).max())


def _std_error_of_std(x: np.ndarray, n: int) -> float:
    """Standard error of a sample standard deviation of n draws, moments taken from x."""
    m = x.mean()
    var = ((x - m) ** 2).mean()
    m4 = ((x - m) ** 4).mean()
    return float(np.sqrt((m4 - var**2) / n) / (2 * np.sqrt(var)))


def test_fast_distribution_agrees_with_bw2calc_monte_carlo(fast, reference):
    assert reference.singular_count == 0 and fast.singular_count == 0
    n_r, n_f = reference.valid, fast.valid
    for i, label in enumerate(fast.labels):
        f, r = fast.stats[label], reference.stats[label]
        xf, xr = fast.samples[i].astype(float), reference.samples[i]
        se_mean = np.sqrt(f.std**2 / n_f + r.std**2 / n_r)
        assert abs(f.mean - r.mean) < Z * se_mean + 1e-12, label
        se_std = np.hypot(_std_error_of_std(xf, n_f), _std_error_of_std(xf, n_r))
        assert abs(f.std - r.std) < Z * se_std + 1e-12, label
        # percentiles: the share of bw2calc samples below the fast percentile is binomial
        for p, value in (
            (0.025, f.p2_5),
            (0.05, f.p5),
            (0.25, f.p25),
            (0.5, f.median),
            (0.75, f.p75),
            (0.95, f.p95),
            (0.975, f.p97_5),
        ):
            share = (xr < value).mean()
            bound = Z * np.sqrt(p * (1 - p) * (1 / n_r + 1 / n_f)) + 1 / n_r
            assert abs(share - p) < bound, (label, p, share)
        assert np.all(np.diff([f.p2_5, f.p5, f.p25, f.median, f.p75, f.p95, f.p97_5]) >= 0)
        assert f.cv == pytest.approx(f.std / abs(f.mean))


def test_single_lognormal_stage_closed_form(fixture_catalog):
    """Foreground only, on 'shelf': each stage is one lognormal amount times a static unit
    score, so its median is the deterministic value and its log has the datapackage's sigma,
    which is ln of the gsd written in shelf.yaml."""
    from cfp_lca.calc.montecarlo import FastEngine, run_monte_carlo

    catalog = fixture_catalog
    model = catalog.models["shelf"]
    method = catalog.methods[model.method]
    n = 100_000
    res = run_monte_carlo(
        catalog, model, method, n=n, seed=2, sources=("foreground",), keep_samples=True
    )
    st = FastEngine(model, method, ()).structure
    interface = st.sets["interface"]
    checked = set()
    for k, code in enumerate(st.activity_codes):
        stage = model.activity(code).stage
        mine = interface.target == k
        if stage is None:
            continue
        assert mine.sum() == 1, code
        sigma = float(interface.distributions["scale"][mine][0])
        assert sigma == pytest.approx(SHELF_SIGMA[stage], rel=1e-7)  # stored as float32
        checked.add(stage)
        det = res.deterministic[stage]
        x = res.samples[res.labels.index(stage)].astype(float)
        assert abs((x < det).mean() - 0.5) < Z * 0.5 / np.sqrt(n)
        assert abs(np.log(x / det).std(ddof=1) - sigma) < Z * sigma / np.sqrt(2 * n)
        mean = det * np.exp(sigma**2 / 2)
        sd = mean * np.sqrt(np.exp(sigma**2) - 1)
        assert abs(res.stats[stage].mean - mean) < Z * sd / np.sqrt(n)
    assert checked == set(SHELF_SIGMA)
    # background and characterization off: total equals the sum of stages sample by sample
    np.testing.assert_allclose(res.samples[0], res.samples[1:].sum(axis=0), rtol=1e-6)


def test_same_seed_same_numbers_whatever_the_chunk_size(setup, tmp_path):
    from cfp_lca.calc.montecarlo import run_monte_carlo
    from cfp_lca.calc.montecarlo.sampling import BLOCK_SIZE

    catalog, model, method = setup
    n = 3 * BLOCK_SIZE + 123
    done: list[int] = []
    a = run_monte_carlo(
        catalog,
        model,
        method,
        n=n,
        seed=9,
        chunk_size=1,
        keep_samples=True,
        progress=done.append,
        save_samples=tmp_path / "s.npy",
    )
    b = run_monte_carlo(catalog, model, method, n=n, seed=9, chunk_size=10**6, keep_samples=True)
    c = run_monte_carlo(
        catalog, model, method, n=n, seed=9, chunk_size=2 * BLOCK_SIZE, keep_samples=True
    )
    assert np.array_equal(a.samples, b.samples) and np.array_equal(a.samples, c.samples)
    assert a.stats == b.stats == c.stats
    d = run_monte_carlo(catalog, model, method, n=n, seed=10, keep_samples=True)
    assert not np.array_equal(a.samples, d.samples)
    assert done == sorted(done) and done[-1] == n and len(done) == 4
    saved = np.load(tmp_path / "s.npy")
    assert saved.shape == (n, len(a.labels)) and np.array_equal(saved, a.samples.T)
    conv = a.convergence
    assert conv.iterations[-1] == n and np.all(np.diff(conv.iterations) > 0)
    assert conv.mean[-1] == pytest.approx(a.stats["total"].mean, rel=1e-9)
    assert conv.half_width[-1] == pytest.approx(
        1.959964 * a.stats["total"].std / np.sqrt(n), rel=1e-5
    )


def test_tolerance_stops_at_a_block_boundary(setup):
    from cfp_lca.calc.montecarlo import run_monte_carlo
    from cfp_lca.calc.montecarlo.sampling import BLOCK_SIZE

    catalog, model, method = setup
    runs = [
        run_monte_carlo(catalog, model, method, n=10**6, seed=4, tolerance=0.002, chunk_size=c)
        for c in (BLOCK_SIZE, 8 * BLOCK_SIZE)
    ]
    r = runs[0]
    assert r.converged and r.iterations < 10**6 and r.iterations % BLOCK_SIZE == 0
    assert r.convergence.relative_half_width[-1] < 0.002
    assert r.convergence.relative_half_width[-2] >= 0.002
    assert runs[1].iterations == r.iterations and runs[1].stats == r.stats


def test_solver_flags_singular_samples_and_solves_the_rest():
    """Acyclic (substitution) and cyclic (dense) systems against numpy, with a zero pivot."""
    from cfp_lca.calc.montecarlo.solvers import BatchedSystem

    rng = np.random.default_rng(0)
    N = 50
    # acyclic: x0 = 1 (demand), node 1 supplies 0.5 per unit of node 0, production uncertain
    rows, cols = np.array([0, 1, 1]), np.array([0, 0, 1])
    prod = rng.uniform(0.5, 2.0, N)
    prod[7] = 0.0
    system = BatchedSystem(2, rows, cols, np.array([1.0, -0.5, 1.0]), np.array([2]))
    assert system.strategy == "acyclic"
    x, bad = system.solve(prod[None, :], np.array([[1.0], [0.0]]), N)
    assert bad.tolist() == [k == 7 for k in range(N)] and np.isnan(x[:, 7]).all()
    ok = ~bad
    np.testing.assert_allclose(x[1, ok], 0.5 / prod[ok], rtol=1e-14)
    # cyclic: node 0 also needs some of node 1's product
    rows, cols = np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])
    values = np.vstack([rng.uniform(0.5, 2.0, N), rng.uniform(0.5, 2.0, N)])
    values[0, 3] = -0.5  # a01 * a10 = -0.5 * -2 = 1 = a00 * a11: singular
    values[1, 3] = 1.0
    system = BatchedSystem(2, rows, cols, np.array([1.0, -0.5, -2.0, 1.0]), np.array([1, 3]))
    assert system.strategy == "dense"
    x, bad = system.solve(values, np.array([[1.0], [0.0]]), N)
    assert bad[3] and bad.sum() == 1 and np.isnan(x[:, 3]).all()
    for k in np.flatnonzero(~bad):
        A = np.array([[1.0, values[0, k]], [-2.0, values[1, k]]])
        np.testing.assert_allclose(x[:, k], np.linalg.solve(A, [1.0, 0.0]), rtol=1e-12)
    t = system.transposed()
    xt, _ = t.solve(values, np.array([[1.0], [0.0]]), N)
    A = np.array([[1.0, values[0, 0]], [-2.0, values[1, 0]]])
    np.testing.assert_allclose(xt[:, 0], np.linalg.solve(A.T, [1.0, 0.0]), rtol=1e-12)


def test_bad_options_raise_clear_errors(setup):
    from cfp_lca.calc.montecarlo import MonteCarloError, run_monte_carlo

    catalog, model, method = setup
    with pytest.raises(MonteCarloError, match="unknown uncertainty source"):
        run_monte_carlo(catalog, model, method, n=10, sources=("weather",))
    with pytest.raises(MonteCarloError, match="unknown engine"):
        run_monte_carlo(catalog, model, method, n=10, engine="magic")


def test_agreement_on_a_model_with_credits_foreground_only(setup):
    """lamp's end of life credits the avoided steel (a negative amount, the product of a
    uniform and a lognormal parameter), activity data only: background entries must stay at
    their static amounts in both engines."""
    from cfp_lca.calc.montecarlo import run_monte_carlo

    catalog, model, method = setup
    kw = {"sources": ("foreground",), "keep_samples": True}
    ref = run_monte_carlo(catalog, model, method, n=800, seed=4, engine="brightway", **kw)
    fast = run_monte_carlo(catalog, model, method, n=100_000, seed=6, **kw)
    for i, label in enumerate(fast.labels):
        f, r = fast.stats[label], ref.stats[label]
        se = np.sqrt(f.std**2 / fast.valid + r.std**2 / ref.valid)
        assert abs(f.mean - r.mean) < Z * se + 1e-9, label
        se_std = np.hypot(_std_error_of_std(fast.samples[i], fast.valid),
                          _std_error_of_std(fast.samples[i], ref.valid))  # fmt: skip
        assert abs(f.std - r.std) < Z * se_std + 1e-9, label
    assert fast.deterministic["end_of_life"] < 0  # credits outweigh processing


def _rounding_bound(structure, ref: np.ndarray) -> float:
    """Largest difference two summation orders of the same scores may show in float64.

    A score is a chain of at most ``DEPTH`` sums of products (background inverse times direct
    emissions, interface purchases, supply times unit scores, stage sums). Each sum of n terms
    computed in any order is within gamma_n * sum|terms| of the exact value (Higham 2002,
    eq. 3.5), gamma_n = n u / (1 - n u), u = 2^-53; no sum here has more terms than the
    structure has entries. Both paths carry that error, so they differ by at most twice it,
    per link of the chain; the largest magnitude of any score row bounds |terms| sums.
    """
    depth = 4
    n = sum(es.size for es in structure.sets.values()) + structure.n_background
    u = np.finfo(float).eps / 2
    gamma = n * u / (1 - n * u)
    return 2 * depth * gamma * float(np.nanmax(np.abs(ref)))


@pytest.mark.parametrize("name", ["lamp", "shelf"])
def test_block_kernel_gives_the_evaluators_numbers(fixture_catalog, name):
    """FastEngine.chunk (blocks drawn and evaluated in preallocated arrays, in threads) against
    the plain path: draw_values then Evaluator.scores, for any bounds and sources.

    Both draw the very same numbers (one generator per block, by construction), but OpenBLAS
    picks different kernels for different block widths, so the products may be summed in
    another order: equal within float64 rounding bounds, not bit for bit, on every CPU.
    """
    from cfp_lca.calc.montecarlo import SOURCES, FastEngine
    from cfp_lca.calc.montecarlo.sampling import BLOCK_SIZE

    model = fixture_catalog.models[name]
    method = fixture_catalog.methods[model.method]
    for sources in (SOURCES, ("foreground",), ("background",)):
        engine = FastEngine(model, method, sources)
        assert engine._kernel is not None
        for start, stop in (
            (0, 9 * BLOCK_SIZE + 17),
            (100, 5000),
            (5 * BLOCK_SIZE, 6 * BLOCK_SIZE),
        ):
            got, bad = engine.chunk(3, start, stop)
            ref, ref_bad = engine.evaluator.scores(engine.draw_values(3, start, stop), stop - start)
            assert np.array_equal(bad, ref_bad) and not bad.all()
            bound = _rounding_bound(engine.evaluator.s, ref)
            np.testing.assert_allclose(got, ref, rtol=0, atol=bound, equal_nan=True)
            assert bound < 1e-9 * np.nanmax(np.abs(ref))  # the bound is tight enough to mean it


def test_chunk_written_into_a_given_array_is_the_same_chunk(setup):
    """FastEngine.chunk with ``out`` (how run_monte_carlo fills the statistics' store) writes
    the very numbers it returns without it, for the block kernel and the Evaluator path."""
    from cfp_lca.calc.montecarlo import SOURCES, FastEngine

    _, model, method = setup
    for sources in (SOURCES, ("foreground",)):
        engine = FastEngine(model, method, sources)
        for kernel in (engine._kernel, None):
            engine._kernel = kernel
            ref, ref_bad = engine.chunk(5, 300, 9000)
            store = np.full((ref.shape[0], 10_000), -1.0)
            got, bad = engine.chunk(5, 300, 9000, out=store[:, 300:9000])
            assert np.shares_memory(got, store) and np.array_equal(bad, ref_bad)
            assert np.array_equal(got, ref, equal_nan=True)
            assert (store[:, :300] == -1).all() and (store[:, 9000:] == -1).all()


def test_percentiles_by_selection_equal_numpys_bit_for_bit():
    """linear_percentiles selects only the order statistics it needs; np.percentile partitions
    everything. Same numbers, bit for bit (sign of zero included), on data made to trip it:
    ties, reversed order, infinities, tiny and huge magnitudes, zeros of both signs where a
    percentile falls, float32, short arrays."""
    from cfp_lca.calc.montecarlo.statistics import PERCENTILES, linear_percentiles

    rng = np.random.default_rng(12)
    n = 70_001
    zeros = rng.normal(size=n)
    zeros[: n // 2] = 0.0
    zeros[n // 2 : n - 100] = -0.0
    infinite = rng.normal(size=n)
    infinite[rng.integers(0, n, 500)] = np.inf
    infinite[rng.integers(0, n, 500)] = -np.inf
    cases = [
        rng.lognormal(3.0, 1.0, size=200_000),
        np.round(rng.normal(size=n), 1),  # many ties
        np.sort(rng.normal(size=n))[::-1].copy(),
        rng.normal(size=n) * 1e-300,
        rng.lognormal(size=n) * 1e300,
        zeros,
        infinite,
        rng.normal(size=n).astype(np.float32),
        rng.normal(size=17),
        np.array([4.0]),
    ]
    for x in cases:
        got = linear_percentiles(x, PERCENTILES)
        want = np.percentile(x, PERCENTILES)
        assert got.dtype == want.dtype
        assert np.array_equal(got, want, equal_nan=True)
        assert np.array_equal(np.signbit(got), np.signbit(want))


def test_the_rng_bound_draws_as_many_numbers_as_the_engine(setup):
    """FastEngine.random_draws (what the benchmark's RNG bound draws): one value per random
    entry and per random parameter, from the engine's own streams; normals for (log)normals,
    uniforms for uniforms and triangulars."""
    from cfp_lca.calc.montecarlo import FastEngine
    from cfp_lca.calc.montecarlo.parameters import COPULA_STREAM

    _, model, method = setup
    engine = FastEngine(model, method)
    draws = engine.random_draws()
    layer = engine.parameters
    random = sum(s.n_uncertain for s, _ in engine.samplers) + layer.sampler.k
    assert sum(z + u for _, z, u in draws) == random
    kinds = np.concatenate(
        [s.kind for s, _ in engine.samplers] + [s.kind for _, s in layer.sampler.groups]
    )
    correlated = layer.sampler.correlated.size
    assert correlated  # lamp's masses are a correlated pair
    assert sum(z for _, z, _ in draws) == np.isin(kinds, (2, 3)).sum() + correlated
    streams = {s.stream for s, _ in engine.samplers} | {s.stream for _, s in layer.sampler.groups}
    assert {s for s, _, _ in draws} == streams | ({COPULA_STREAM} if correlated else set())
