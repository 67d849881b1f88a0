"""Monte Carlo on a local Dask cluster: the chunks computed by worker processes give the very
numbers of a local run (a chunk depends only on its bounds and the seed, and the workers run
the same code on the same CPU)."""

import numpy as np
import pytest

pytest.importorskip("distributed")

from cfp_lca.calc.montecarlo import BLOCK_SIZE, MonteCarloError, run_monte_carlo  # noqa: E402


def test_two_workers_give_the_local_numbers(built):
    from cfp_lca.brightway.project import open_project

    open_project("cfp_test")
    n = 3 * BLOCK_SIZE + 17
    kw = {"n": n, "seed": 11, "chunk_size": BLOCK_SIZE, "keep_samples": True}
    local = run_monte_carlo(built, "zw32-report", **kw)
    remote = run_monte_carlo(built, "zw32-report", workers=2, **kw)
    np.testing.assert_array_equal(remote.samples, local.samples)
    assert remote.stats["total"].median == local.stats["total"].median
    with pytest.raises(MonteCarloError, match="fast engine only"):
        run_monte_carlo(built, "zw32-report", n=10, engine="brightway", workers=1)
