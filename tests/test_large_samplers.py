"""Samplers too large to draw a whole block at once (an imported background with every exchange
uncertain) draw in fixed parts, each with a generator of its own: the numbers of an iteration
depend only on (seed, stream, iteration), whatever the chunking, the law is the stated one, and
a Monte Carlo of a model linked to such a background gives the same numbers for any chunk size
and the closed-form spread."""

import math

import numpy as np
import pytest
from test_linked_model import SIGMA, STEEL_BY_NAME, TOTAL, _model, project  # noqa: F401

from cfp_lca import api
from cfp_lca.calc.montecarlo import FastEngine, sampling
from cfp_lca.calc.montecarlo.sampling import BLOCK_SIZE, Sampler, part_size


def test_part_size_is_the_largest_power_of_two_that_fits():
    assert part_size(100) == BLOCK_SIZE  # 3.3 MB a block: drawn whole
    # 440,000 entries (a 20,000-process background): 16 iterations take 56 MB <= 64 MiB,
    # 32 would take 113 MB
    assert part_size(440_000) == 16
    assert part_size(10**9) == 1


def _lognormal_sampler(u: int, stream: int = 1) -> Sampler:
    dist = np.zeros(u, dtype=[("uncertainty_type", "u1"), ("loc", "f8"), ("scale", "f8"),
                              ("shape", "f8"), ("minimum", "f8"), ("maximum", "f8"),
                              ("negative", "?")])  # fmt: skip
    dist["uncertainty_type"] = 2
    dist["loc"] = np.log(np.arange(1, u + 1, dtype=float))
    dist["scale"] = 0.2
    dist["shape"] = dist["minimum"] = dist["maximum"] = np.nan
    return Sampler.from_arrays(dist, np.arange(1, u + 1, dtype=float), stream=stream)


def test_parts_give_the_same_numbers_whatever_the_chunking(monkeypatch):
    monkeypatch.setattr(sampling, "LARGE_BLOCK_BYTES", 0)
    monkeypatch.setattr(sampling, "PART_BYTES", 40 * 8 * 8)  # 8 iterations of 40 entries
    sampler = _lognormal_sampler(40)
    assert sampler.part_size == 8
    whole = sampler.draw(5, 0, 3 * BLOCK_SIZE // 2)
    pieces = [sampler.draw(5, a, b) for a, b in ((0, 3), (3, 1000), (1000, 3 * BLOCK_SIZE // 2))]
    np.testing.assert_array_equal(np.hstack(pieces), whole)
    np.testing.assert_array_equal(sampler.draw_block(5, 0), whole[:, :BLOCK_SIZE])
    # parts have generators of their own: not the whole block's numbers repeated
    assert not np.array_equal(whole[:, :8], whole[:, 8:16])
    # lognormal(ln m, 0.2): the log of the draws has mean ln m and sd 0.2
    logs = np.log(whole)
    expected = np.log(np.arange(1, 41))
    n = whole.shape[1]
    assert np.abs(logs.mean(axis=1) - expected).max() < 4 * 0.2 / math.sqrt(n) * 1.5
    assert np.abs(logs.std(axis=1) / 0.2 - 1).max() < 0.1


def test_a_background_drawn_in_parts_gives_chunk_free_numbers(project, tmp_path, monkeypatch):  # noqa: F811
    name, power = project
    folder = _model(
        tmp_path / "bench", STEEL_BY_NAME, f"{{database: ext, code: {power}, unit: kWh}}"
    )
    monkeypatch.setattr(sampling, "LARGE_BLOCK_BYTES", 0)  # every sampler drawn in parts
    monkeypatch.setattr(sampling, "PART_BYTES", 64)  # of 8 iterations (one entry: 8 bytes each)
    workspace = api.load(folder, project=name)
    model = workspace.model("bench")
    model.lcia()  # writes the model
    product = model.variant()
    engine = FastEngine(product, workspace.catalog.methods[product.method], ("background",))
    assert engine.part == 8
    n = 600
    whole, _ = engine.chunk(4, 0, n)
    pieces = [engine.chunk(4, a, b)[0] for a, b in ((0, 8), (8, 448), (448, n))]
    np.testing.assert_array_equal(np.hstack(pieces), whole)
    # total = rest + 18 X, X ~ LN(0, SIGMA): sd 18 sqrt((e^s2 - 1) e^s2), median TOTAL
    total = model.monte_carlo(n=n, seed=4, sources="background").samples()["total"].to_numpy()
    np.testing.assert_array_equal(total, whole[0])  # the API runs the same engine
    sd = 18 * math.sqrt((math.exp(SIGMA**2) - 1) * math.exp(SIGMA**2))
    assert total.std() == pytest.approx(sd, rel=0.15)
    assert np.median(total) == pytest.approx(TOTAL, abs=4 * sd / math.sqrt(n) * 1.25)
