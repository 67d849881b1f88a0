"""Monte Carlo on a Dask cluster: the chunks computed by worker processes give the very numbers
of a local run (a chunk depends only on its bounds and the seed, and the workers run the same
code on the same CPU), with one worker or two, and when a worker is killed mid-run (Dask
computes its chunks again on another)."""

import os
import signal

import numpy as np
import pytest

pytest.importorskip("distributed")

from cfp_lca.calc.montecarlo import BLOCK_SIZE, MonteCarloError, run_monte_carlo  # noqa: E402

N = 5 * BLOCK_SIZE + 17
KW = {"n": N, "seed": 11, "chunk_size": BLOCK_SIZE, "keep_samples": True}


@pytest.fixture(scope="module")
def local(built):
    from cfp_lca.brightway.project import open_project

    open_project("cfp_test")
    return run_monte_carlo(built, "zw32-report", **KW)


@pytest.fixture(scope="module")
def cluster():
    from distributed import Client, LocalCluster

    cl = LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        worker_dashboard_address=None,
    )
    client = Client(cl)
    yield cl, client
    client.close()
    cl.close()


def test_one_or_two_workers_give_the_local_numbers(built, local, cluster):
    remote = run_monte_carlo(built, "zw32-report", scheduler=cluster[0].scheduler_address, **KW)
    np.testing.assert_array_equal(remote.samples, local.samples)
    one = run_monte_carlo(built, "zw32-report", workers=1, **KW)
    np.testing.assert_array_equal(one.samples, local.samples)
    assert one.stats["total"].median == remote.stats["total"].median == local.stats["total"].median
    with pytest.raises(MonteCarloError, match="fast engine only"):
        run_monte_carlo(built, "zw32-report", n=10, engine="brightway", workers=1)


def test_a_killed_worker_changes_nothing(built, local, cluster):
    cl, client = cluster
    killed = []

    def kill_one(done: int) -> None:
        if not killed:
            pid = next(iter(client.run(os.getpid).values()))
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    remote = run_monte_carlo(
        built, "zw32-report", scheduler=cl.scheduler_address, progress=kill_one, **KW
    )
    assert killed
    np.testing.assert_array_equal(remote.samples, local.samples)
