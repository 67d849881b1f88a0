"""Random parameters: closed forms, correlations, bounded ratios, exactness against bw2calc,
errors in the model file, reproducibility, pairing by name.

A small model of its own, written here (so the shipped data may change), in its own Brightway
project. ``part`` (stage part) emits a*m kg of fossil CO2 (a = 3, through the formula parameter
m_total), buys b*m of ``burn`` (b = 500 g/kg, so the exchange is given in g: burn emits 1 kg
CO2 per kg, stage part too), buys e*m of national 2022 grid power (e = 1.5 kWh/kg at 0.5366
kgCO2/kWh) and emits ch4_rate*m of fossil CH4 (10 g/kg, GWP 30): the stage is K m with
K = 3 + 0.5 + 1.5 x 0.5366 + 0.01 x 30 = 4.6049 kg CO2e per kg, m ~ LN(ln 2, ln 1.5).
With the option ``extras``: ``recovery`` emits r*m kg (r triangular 0.8, 0.9, 1.0), ``sp``
emits p kg (p ~ LN(ln 4, ln 1.4)), ``sq`` emits q x 10 kg (q triangular 10, 30, 60 %), p and q
with rank correlation 0.8, and ``own`` emits 2 p kg with an own lognormal of gsd 1.3.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import spearmanr

from conftest import DATA

Z = 4.5  # standard errors allowed; seeds are fixed, the bound only guards their choice
PROJECT = "cfp_param"
K = 3 + 0.5 + 1.5 * 0.5366 + 0.01 * 30  # kg CO2e per kg of m in stage part
S_M, S_P, S_OWN = math.log(1.5), math.log(1.4), math.log(1.3)
FG = ("foreground",)

MODEL = """\
model: para
database: cfp-para
name: parametric product
functional_unit: {amount: 1, unit: unit, description: "1 unit"}
reference_activity: product
method: ipcc-ar5-gwp100
backgrounds: [cfp-china-background]
options:
  extras: {default: false, choices: [false, true], description: "recovery, p and q, own spread"}
parameters:
  m: {value: 2, unit: kg, source: t, description: mass of the part, uncertainty: {distribution: lognormal, gsd: 1.5}}
  a: {value: 3, unit: dimensionless, source: t}
  m_total: {formula: a * m, unit: kg, source: t}
  b: {value: 500, unit: g/kg, source: t}
  e: {value: 1.5, unit: kWh/kg, source: t}
  ch4_rate: {value: 10, unit: g/kg, source: t}
  r: {value: 0.9, unit: dimensionless, source: t, uncertainty: {distribution: triangular, minimum: 0.8, maximum: 1.0}}
  p: {value: 4, unit: kg, source: t, uncertainty: {distribution: lognormal, gsd: 1.4}}
  q: {value: 30, unit: percent, source: t, uncertainty: {distribution: triangular, minimum: 10, maximum: 60}}
  ten_kg: {value: 10, unit: kg, source: t}
correlations:
  - {parameters: [p, q], spearman: 0.8, source: t}
stages:
  - {code: part, name: part}
  - {code: recovered, name: recovered}
  - {code: sp, name: p}
  - {code: sq, name: q}
  - {code: own, name: own spread}
activities:
  - code: product
    name: product
    inputs:
      - {input: part, amount: {value: 1, unit: unit}, source: structure}
      - {input: recovery, amount: {value: 1, unit: unit}, source: structure, when: {extras: true}}
      - {input: sp, amount: {value: 1, unit: unit}, source: structure, when: {extras: true}}
      - {input: sq, amount: {value: 1, unit: unit}, source: structure, when: {extras: true}}
      - {input: own, amount: {value: 1, unit: unit}, source: structure, when: {extras: true}}
  - code: part
    name: part
    stage: part
    inputs:
      - {input: burn, formula: b * m, unit: g, source: t}
      - {input: electricity_cn_national_2022, formula: e * m, unit: kWh, source: t}
    emissions:
      - {flow: co2_fossil, formula: m_total, unit: kg, source: t}
      - {flow: ch4_fossil, formula: ch4_rate * m, unit: kg, source: t}
  - code: burn
    name: burning
    unit: kg
    stage: part
    emissions:
      - {flow: co2_fossil, amount: {value: 1, unit: kg/kg}, source: t, uncertainty: {distribution: none}}
  - code: recovery
    name: recovered mass
    stage: recovered
    when: {extras: true}
    emissions:
      - {flow: co2_fossil, formula: r * m, unit: kg, source: t}
  - code: sp
    name: p
    stage: sp
    when: {extras: true}
    emissions:
      - {flow: co2_fossil, formula: p, unit: kg, source: t}
  - code: sq
    name: q
    stage: sq
    when: {extras: true}
    emissions:
      - {flow: co2_fossil, formula: q * ten_kg, unit: kg, source: t}
  - code: own
    name: own spread
    stage: own
    when: {extras: true}
    emissions:
      - {flow: co2_fossil, formula: 2 * p, unit: kg, source: t, uncertainty: {distribution: lognormal, gsd: 1.3}}
"""  # noqa: E501


def write_data(root: Path, model: str = MODEL) -> Path:
    """The shipped flows, methods and Chinese grid factors, and the model; the data dir."""
    data = root / "databases"
    for part in ("flows.yaml", "methods", "background/china.yaml"):
        (data / part).parent.mkdir(parents=True, exist_ok=True)
        copy = shutil.copytree if (DATA / part).is_dir() else shutil.copy
        copy(DATA / part, data / part)
    (data / "foreground").mkdir()
    (data / "foreground" / "para.yaml").write_text(model, encoding="utf-8")
    return data


@pytest.fixture(scope="module")
def para(tmp_path_factory):
    """(catalog, default model, extras model, method), written into the project 'cfp_param';
    the current project is restored afterwards."""
    import bw2data as bd

    from cfp_lca.brightway.project import open_project
    from cfp_lca.brightway.writing import ensure_model, write_catalog
    from cfp_lca.model.loading import load_catalog, model_variant

    before = bd.projects.current
    catalog = load_catalog(write_data(tmp_path_factory.mktemp("para")))
    open_project(PROJECT)
    write_catalog(catalog)
    extras = model_variant(catalog, "para", {"extras": True})
    ensure_model(catalog, extras)
    base = catalog.models["para"]
    yield catalog, base, extras, catalog.methods[base.method]
    open_project(before)


def _cv_error(x: np.ndarray) -> float:
    """Standard error of a sample's CV (delta method, covariance of mean and sd left out,
    which overstates it for a right-skewed sample)."""
    n, mean, sd = x.size, x.mean(), x.std(ddof=1)
    m4 = ((x - mean) ** 4).mean()
    se_sd = math.sqrt((m4 - sd**4) / n) / (2 * sd)
    return (sd / mean) * math.hypot(se_sd / sd, sd / math.sqrt(n) / mean)


def test_one_parameter_driving_several_exchanges_has_its_own_spread(para):
    """(a) The total is K m: its CV is m's, sqrt(e^(s^2) - 1), its median the deterministic
    value 2 K, and its log has m's sigma (the four exchanges move together, not apart)."""
    from cfp_lca.calc.montecarlo import run_monte_carlo

    catalog, model, _, method = para
    n = 200_000
    res = run_monte_carlo(catalog, model, method, n=n, seed=1, sources=FG, keep_samples=True)
    total = res.samples[0]
    assert res.deterministic["total"] == pytest.approx(2 * K, rel=1e-12)
    assert res.parameters == ("m", "r", "p", "q")
    cv = math.sqrt(math.exp(S_M**2) - 1)
    assert abs(res.stats["total"].cv - cv) < Z * _cv_error(total)
    assert abs((total < 2 * K).mean() - 0.5) < Z * 0.5 / math.sqrt(n)
    assert abs(np.log(total).std(ddof=1) - S_M) < Z * S_M / math.sqrt(2 * n)
    np.testing.assert_allclose(total, res.samples[1], rtol=1e-12)  # all in stage part


@pytest.fixture(scope="module")
def extras_run(para):
    from cfp_lca.calc.montecarlo import run_monte_carlo

    catalog, _, extras, method = para
    return run_monte_carlo(catalog, extras, method, n=50_000, seed=7, sources=FG,
                           keep_samples=True)  # fmt: skip


def stage(res, code: str) -> np.ndarray:
    return res.samples[res.labels.index(code)]


def test_declared_rank_correlation_is_achieved_and_reported(extras_run):
    """(b) p (stage sp = p) and q (stage sq = 10 kg q) with Spearman 0.8: Fisher's z of the
    sample's rank correlation has sd sqrt(1.06 / (n - 3)) (Fieller et al. 1957); the reported
    achieved value is that of the very draws, over the first iterations of the run."""
    from cfp_lca.calc.montecarlo.parameters import CORRELATION_ITERATIONS

    res = extras_run
    n = res.iterations
    rho = spearmanr(stage(res, "sp"), stage(res, "sq")).statistic
    assert abs(math.atanh(rho) - math.atanh(0.8)) < Z * math.sqrt(1.06 / (n - 3))
    (reported,) = res.parameter_correlation
    assert reported.parameters == ("p", "q") and reported.declared == 0.8
    m = min(n, CORRELATION_ITERATIONS)
    first = spearmanr(stage(res, "sp")[:m], stage(res, "sq")[:m]).statistic
    assert reported.iterations == m and reported.achieved == pytest.approx(first, abs=1e-12)
    # the marginals are kept: p lognormal around its median 4, q triangular (10, 30, 60) %
    p, q = stage(res, "sp"), stage(res, "sq") / 10
    assert abs((p < 4).mean() - 0.5) < Z * 0.5 / math.sqrt(n)
    assert abs(np.log(p).std(ddof=1) - S_P) < Z * S_P / math.sqrt(2 * n)
    mean, sd = (0.1 + 0.3 + 0.6) / 3, math.sqrt((0.01 + 0.09 + 0.36 - 0.03 - 0.06 - 0.18) / 18)
    assert q.min() >= 0.1 and q.max() <= 0.6
    assert abs(q.mean() - mean) < Z * sd / math.sqrt(n)


def test_a_bounded_ratio_never_recovers_more_than_went_in(extras_run):
    """(c) recovered = r m with r triangular in [0.8, 1]: r = recovered / m stays in its bounds
    in every draw (m = stage part / K), with the triangular's mean 0.9."""
    res = extras_run
    m = stage(res, "part") / K
    ratio = stage(res, "recovered") / m
    assert (stage(res, "recovered") <= m * (1 + 1e-12)).all()
    assert ratio.min() >= 0.8 - 1e-12 and ratio.max() <= 1.0 + 1e-12
    sd = math.sqrt((0.64 + 0.81 + 1.0 - 0.72 - 0.8 - 0.9) / 18)
    assert abs(ratio.mean() - 0.9) < Z * sd / math.sqrt(ratio.size)


def test_an_own_distribution_is_an_independent_factor_around_the_formula(extras_run):
    """own = 2 p x F, F ~ LN(0, ln 1.3) independent of p: median 1, log sd ln 1.3."""
    res = extras_run
    n = res.iterations
    factor = stage(res, "own") / (2 * stage(res, "sp"))
    assert abs((factor < 1).mean() - 0.5) < Z * 0.5 / math.sqrt(n)
    assert abs(np.log(factor).std(ddof=1) - S_OWN) < Z * S_OWN / math.sqrt(2 * n)
    assert abs(spearmanr(factor, stage(res, "sp")).statistic) < Z / math.sqrt(n - 1)


def test_fast_and_reference_engines_agree_on_the_same_parameter_draws(para):
    """(d) Foreground only, every uncertain foreground entry is driven by parameters: bw2calc,
    given the fast engine's driven values as array resources, computes the very iterations
    of the fast engine (1e-12)."""
    from cfp_lca.calc.montecarlo import run_monte_carlo

    catalog, _, extras, method = para
    kw = {"n": 120, "seed": 3, "sources": FG, "keep_samples": True}
    ref = run_monte_carlo(catalog, extras, method, engine="brightway", **kw)
    fast = run_monte_carlo(catalog, extras, method, **kw)
    assert len({round(float(x), 9) for x in ref.samples[0]}) == 120  # really drawn
    np.testing.assert_allclose(fast.samples, ref.samples, rtol=1e-12, atol=0)


def test_fast_solver_returns_bw2calc_scores_of_its_matrices_with_parameters(para):
    """All sources: bw2calc draws the background and the factors, the arrays give the driven
    entries; fed bw2calc's matrices, the fast solver returns bw2calc's scores (1e-12)."""
    from cfp_lca.calc.montecarlo import FastEngine, fast_scores_from_matrices, reference_lca

    _, _, extras, method = para
    n = 25
    lca = reference_lca(extras, method, seed=4, iterations=n)
    A, B, C, expected = [], [], [], []
    for i in range(n):
        if i:
            next(lca)
        A.append(lca.technosphere_matrix.copy())
        B.append(lca.biosphere_matrix.copy())
        C.append(lca.characterization_matrix.copy())
        expected.append(lca.score)
    structure = FastEngine(extras, method).structure
    got = fast_scores_from_matrices(structure, A, B, C)
    np.testing.assert_allclose(got[0], expected, rtol=1e-12)
    # the driven entries are the fast engine's own values: stage sp is p exactly
    fast = FastEngine(extras, method, FG)
    scores, _ = fast.chunk(4, 0, n)
    np.testing.assert_allclose(got[3], scores[3], rtol=1e-12)


def test_distributions_agree_with_bw2calc_with_all_sources(para):
    """bw2calc's Monte Carlo (its own background and factor draws) against the fast engine:
    means and standard deviations of the total within their standard errors."""
    from cfp_lca.calc.montecarlo import run_monte_carlo

    catalog, _, extras, method = para
    ref = run_monte_carlo(catalog, extras, method, n=1500, seed=5, engine="brightway",
                          keep_samples=True)  # fmt: skip
    fast = run_monte_carlo(catalog, extras, method, n=100_000, seed=6, keep_samples=True)
    for i, label in enumerate(fast.labels):
        f, r = fast.stats[label], ref.stats[label]
        se = math.sqrt(f.std**2 / fast.valid + r.std**2 / ref.valid)
        assert abs(f.mean - r.mean) < Z * se + 1e-12, label
        x = fast.samples[i]
        m4 = ((x - x.mean()) ** 4).mean()
        se_sd = math.sqrt((m4 - x.var() ** 2) / ref.valid) / (2 * x.std())
        assert abs(f.std - r.std) < Z * se_sd + 1e-12, label


def _with(model: str, old: str, new: str) -> str:
    assert old in model
    return model.replace(old, new)


@pytest.mark.parametrize(
    ("old", "new", "where", "message"),
    [
        (
            "  - {parameters: [p, q], spearman: 0.8, source: t}\n",
            "  - {parameters: [p, q], spearman: 0.9, source: t}\n"
            "  - {parameters: [q, m], spearman: 0.9, source: t}\n"
            "  - {parameters: [p, m], spearman: -0.9, source: t}\n",
            "correlations",
            "'m', 'p', 'q' are not consistent.*not positive definite",
        ),
        ("parameters: [p, q]", "parameters: [p, qq]", r"correlations\[0\]",
         "unknown parameter 'qq'"),
        ("parameters: [p, q]", "parameters: [p, a]", r"correlations\[0\]",
         "parameter 'a' has no uncertainty"),
        ("parameters: [p, q]", "parameters: [p, p]", r"correlations\[0\]",
         "not correlated with itself"),
        ("{formula: a * m, unit: kg, source: t}",
         "{formula: a * m, unit: kg, source: t, uncertainty: {distribution: lognormal, gsd: 2}}",
         "parameters.*m_total", "takes its uncertainty from the parameters it uses"),
    ],
)  # fmt: skip
def test_bad_parameter_uncertainty_is_an_input_error(tmp_path, old, new, where, message):
    """(e) Errors name the file, the entry and the problem; nothing is written."""
    from cfp_lca.errors import InputError
    from cfp_lca.model.loading import load_catalog

    data = write_data(tmp_path, _with(MODEL, old, new))
    with pytest.raises(InputError, match=f"para.yaml.*{where}.*{message}"):
        load_catalog(data)


def test_an_exchange_of_exact_parameters_still_needs_an_uncertainty(tmp_path):
    """The rule that foreground data carry a distribution holds where no random parameter
    drives the formula."""
    from cfp_lca.errors import InputError
    from cfp_lca.model.loading import load_catalog

    model = _with(MODEL, "formula: e * m, unit: kWh", "formula: e * ten_kg, unit: kWh")
    with pytest.raises(InputError, match="inputs\\[1\\].*or a formula of uncertain parameters"):
        load_catalog(write_data(tmp_path, model))


def test_same_seed_same_numbers_whatever_the_chunk_size(para):
    """(f) With parameters (correlated, triangular, lognormal) and in paired runs."""
    from cfp_lca.calc.montecarlo import BLOCK_SIZE, FastEngine, run_monte_carlo

    catalog, _, extras, method = para
    n = 2 * BLOCK_SIZE + 77
    runs = [
        run_monte_carlo(catalog, extras, method, n=n, seed=9, chunk_size=c, keep_samples=True)
        for c in (1, BLOCK_SIZE, 10**6)
    ]
    assert all(np.array_equal(runs[0].samples, r.samples) for r in runs[1:])
    assert runs[0].parameter_correlation == runs[2].parameter_correlation
    paired = FastEngine(extras, method, paired=True)
    whole, _ = paired.chunk(9, 0, n)
    parts = np.hstack([paired.chunk(9, a, b)[0] for a, b in ((0, 100), (100, n))])
    assert np.array_equal(whole, parts)
    assert not np.array_equal(whole, runs[0].samples)  # paired streams are other streams


def test_paired_engines_share_the_draws_of_a_parameter_by_its_name(para, tmp_path):
    """A scenario that sets m to 3 kg with the same spread: paired, its total is 1.5 times the
    baseline's in every iteration (same normal score for m), foreground only."""
    from cfp_lca.brightway.writing import ensure_model
    from cfp_lca.calc.montecarlo import FastEngine
    from cfp_lca.model.scenarios import load_scenarios

    catalog, model, _, method = para
    (tmp_path / "para").mkdir()
    (tmp_path / "para" / "heavier.yaml").write_text(
        "scenario: heavier\nmodel: para\nname: heavier\nparameters:\n  m: {value: 3, unit: kg,"
        " source: t, uncertainty: {distribution: lognormal, gsd: 1.5}}\n",
        encoding="utf-8",
    )
    heavier = load_scenarios(catalog, tmp_path)["heavier"].built
    ensure_model(catalog, heavier)
    base, _ = FastEngine(model, method, FG, paired=True).chunk(2, 0, 5000)
    other, _ = FastEngine(heavier, method, FG, paired=True).chunk(2, 0, 5000)
    np.testing.assert_allclose(other[0] / base[0], 1.5, rtol=1e-12)
    assert base[0].std() > 0.1 * base[0].mean()


def test_mean_centred_lognormals_keep_the_value_as_their_mean(tmp_path):
    """lognormal_centre: mean gives mu = ln a - s^2 / 2 to parameters and exchanges, so the
    parameter's draws have mean a (and median a e^(-s^2/2))."""
    from cfp_lca.calc.montecarlo.parameters import ParameterSampler
    from cfp_lca.model.loading import load_catalog, model_variant

    text = _with(MODEL, "backgrounds: [cfp-china-background]\n",
                 "backgrounds: [cfp-china-background]\nlognormal_centre: mean\n")  # fmt: skip
    catalog = load_catalog(write_data(tmp_path, text))
    model = catalog.models["para"]
    m = model.parameters.random[0]
    assert m.uncertainty["loc"] == pytest.approx(math.log(2) - S_M**2 / 2, rel=1e-15)
    (exchange,) = model_variant(catalog, "para", {"extras": True}).activity("own").exchanges
    assert exchange.uncertainty["loc"] == pytest.approx(math.log(8) - S_OWN**2 / 2, rel=1e-15)
    n = 400_000
    draws = ParameterSampler(model.parameters).draw(3, 0, n)[0]
    sd = 2 * math.sqrt(math.exp(S_M**2) - 1)
    assert abs(draws.mean() - 2) < Z * sd / math.sqrt(n)
    median = 2 * math.exp(-(S_M**2) / 2)
    assert abs((draws < median).mean() - 0.5) < Z * 0.5 / math.sqrt(n)


def test_sensitivity_ranks_parameters_with_closed_forms(para):
    """The total of the extras variant (foreground) is K m + r m + p + 10 kg q + 2 p F: each
    parameter's elasticity is its terms' share of the static total; m alone (default variant)
    explains all the variance and its tornado settings are 2 e^(+-1.645 s) kg."""
    from scipy.stats import norm

    from cfp_lca.calc.sensitivity import analyse, elasticities, input_space, tornado

    _, model, extras, method = para
    space = input_space(extras, method, FG)
    labels = space.labels
    assert labels[-4:] == ["mass of the part", "r", "p", "q"]  # description, else name
    static = 2 * K + 1.8 + 4 + 3 + 8
    e = dict(zip(labels, elasticities(space), strict=True))
    assert e["mass of the part"] == pytest.approx((2 * K + 1.8) / static, rel=1e-6)
    assert e["r"] == pytest.approx(1.8 / static, rel=1e-6)
    assert e["p"] == pytest.approx(12 / static, rel=1e-6)
    assert e["q"] == pytest.approx(3 / static, rel=1e-6)
    res = analyse(extras, method, FG, n=4000, sobol_n=512, seed=1)
    assert "p + q" in res.sobol.names  # correlated: indices of the pair together
    single = input_space(model, method, FG)
    assert single.labels == ["mass of the part"]
    base, (row,) = tornado(single)
    z = norm.ppf(0.95)
    assert base == pytest.approx(2 * K, rel=1e-12)
    assert row.low_setting == pytest.approx(2 * math.exp(-z * S_M), rel=1e-9)
    assert row.high == pytest.approx(2 * K * math.exp(z * S_M), rel=1e-9)
    ranks = analyse(model, method, FG, n=2000, sobol_n=256, seed=2)
    assert ranks.ranks.spearman[0] == pytest.approx(1.0)
    sobol = ranks.sobol  # one input: S1 = ST = 1, estimated (the interval is 1.96 SE)
    assert abs(sobol.st[0] - 1) < Z * sobol.st_conf[0] / 1.96
    assert abs(sobol.s1[0] - 1) < Z * sobol.s1_conf[0] / 1.96


def test_formula_program_gives_the_evaluators_numbers_bit_for_bit(para):
    """The driven rows computed by the compiled formula program (whole blocks, reused
    buffers, shared sub-terms) are those of the formula evaluator, bit for bit."""
    from cfp_lca.calc.montecarlo import BLOCK_SIZE, FastEngine

    catalog, base, extras, method = para
    for model in (base, extras):
        layer = FastEngine(model, method).parameters
        assert layer.program is not None
        params = np.stack([layer.sampler.draw_block(4, b) for b in (0, 1, 2)], axis=1)
        own = {
            n: np.random.default_rng(1).random((o.size, 3, BLOCK_SIZE))
            for n, o in layer.own.items()
        }
        ref = layer.complete(dict(own), params)
        full = {n: np.full((size, 3, BLOCK_SIZE), np.nan) for n, size in layer.sizes.items()}
        for _ in range(2):  # the second time with the buffers and program state kept
            for name, rows in own.items():  # own draws first, scaled in place by the program
                full[name][: rows.shape[0]] = rows
            layer.program.run(params, full)
            for name in layer.rows:
                assert np.array_equal(full[name], ref[name]), name
