"""Monte Carlo on a Dask cluster: the chunks computed by worker processes give the very numbers
of a local run (a chunk depends only on its bounds and the seed, and the workers run the same
code on the same CPU), with one worker or two, and when a worker is killed mid-run (Dask
computes its chunks again on another). Paired scenario comparisons and the sensitivity
analysis (Spearman and Sobol samples, in fixed blocks) take the same path: same numbers.

Each cluster run is made with the local computation disabled in this process (a patched
``FastEngine.chunk`` or ``InputSpace.totals`` that fails), so a silent fallback to local
computation fails the test.

On the engine tests' fixture models (tests/fixtures/models, README there), in the project
'cfp_fixture': 'lamp' (random parameters, a correlated pair, four kinds of distribution, a
credit) and its scenarios, and 'shelf' for the sensitivity analysis."""

import json
import os
import signal

import numpy as np
import pytest

pytest.importorskip("distributed")

from fixture_models import MODELS, PROJECT, SCENARIOS, current_project  # noqa: E402

from cfp_lca.calc import compare as compare_mod  # noqa: E402
from cfp_lca.calc.montecarlo import (  # noqa: E402
    BLOCK_SIZE,
    FastEngine,
    MonteCarloError,
    run_monte_carlo,
)
from cfp_lca.calc.montecarlo import cluster as cluster_mod  # noqa: E402
from cfp_lca.calc.sensitivity import (  # noqa: E402
    EVAL_BLOCK,
    InputSpace,
    input_space,
    model_sobol,
    spearman_ranking,
)
from cfp_lca.cli import main  # noqa: E402

N = 5 * BLOCK_SIZE + 17
KW = {"n": N, "seed": 11, "chunk_size": BLOCK_SIZE, "keep_samples": True}

pytestmark = pytest.mark.usefixtures("on_fixture")


@pytest.fixture(scope="module")
def built(fixture_catalog):
    """The fixture catalog (its project made current by ``on_fixture`` in each test)."""
    return fixture_catalog


@pytest.fixture(scope="module")
def local(built):
    with current_project():
        return run_monte_carlo(built, "lamp", **KW)


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
    remote = run_monte_carlo(built, "lamp", scheduler=cluster[0].scheduler_address, **KW)
    np.testing.assert_array_equal(remote.samples, local.samples)
    one = run_monte_carlo(built, "lamp", workers=1, **KW)
    np.testing.assert_array_equal(one.samples, local.samples)
    assert one.stats["total"].median == remote.stats["total"].median == local.stats["total"].median
    with pytest.raises(MonteCarloError, match="fast engine only"):
        run_monte_carlo(built, "lamp", n=10, engine="brightway", workers=1)


def _no_local(monkeypatch, cls, name: str) -> None:
    """Make ``cls.name`` fail in this process (workers are processes of their own)."""

    def fail(*args, **kwargs):
        raise AssertionError(f"{cls.__name__}.{name} ran in the calling process")

    monkeypatch.setattr(cls, name, fail)


def _worker_keys(client) -> list[tuple]:
    """The engine and input-space keys the worker processes have built."""
    found = client.run(lambda: list(cluster_mod._ENGINES))
    return [tuple(k) for keys in found.values() for k in keys]


@pytest.fixture(scope="module")
def scenario_models(built):
    from cfp_lca.brightway.writing import ensure_model
    from cfp_lca.model.scenarios import load_scenarios

    with current_project():
        found = load_scenarios(built, SCENARIOS)
        out = {name: found[name].built for name in ("baseline", "green-power", "no-credit")}
        for m in out.values():
            ensure_model(built, m)
    return out


def test_compare_on_one_or_two_workers_gives_the_local_numbers(
    built, scenario_models, cluster, monkeypatch
):
    monkeypatch.setattr(compare_mod, "CHUNK", BLOCK_SIZE)  # three chunks per scenario
    method = built.methods["ipcc-ar5-gwp100"]
    args = (scenario_models, method, 2 * BLOCK_SIZE + 17, 7, ("foreground", "background"))
    local = compare_mod.compare(*args)
    _no_local(monkeypatch, FastEngine, "chunk")
    two = compare_mod.compare(*args, scheduler=cluster[0].scheduler_address)
    one = compare_mod.compare(*args, workers=1)
    for remote in (two, one):
        np.testing.assert_array_equal(remote.paired, local.paired)
        np.testing.assert_array_equal(remote.unpaired, local.unpaired)
        np.testing.assert_array_equal(remote.deterministic, local.deterministic)
        for g in local.groups:
            np.testing.assert_array_equal(remote.reduction_matrix(g), local.reduction_matrix(g))
        for paired in (True, False):
            d, e = local.difference(1, 0, paired), remote.difference(1, 0, paired)
            np.testing.assert_array_equal(np.percentile(e, [2.5, 50, 97.5]),
                                          np.percentile(d, [2.5, 50, 97.5]))  # fmt: skip
            t = local.threshold_of(local.groups[0])
            assert remote.beyond(1, 0, t, paired) == local.beyond(1, 0, t, paired)
    # the workers built paired engines of the scenarios' own databases
    paired = {k[2] for k in _worker_keys(cluster[1]) if k[0] != "space" and k[-1] is True}
    assert paired == {m.database for m in scenario_models.values()}


def test_sobol_and_spearman_on_two_workers_give_the_local_numbers(built, cluster, monkeypatch):
    model = built.models["shelf"]
    space = input_space(model, built.methods[model.method], ["foreground"])
    local = model_sobol(space, 1024, seed=3)
    assert local.evaluations > 2 * EVAL_BLOCK  # several blocks
    ranks = spearman_ranking(space, EVAL_BLOCK + 100, seed=4)
    _no_local(monkeypatch, InputSpace, "totals")
    address = cluster[0].scheduler_address
    remote = model_sobol(space, 1024, seed=3, scheduler=address)
    for field in ("s1", "s1_conf", "st", "st_conf"):
        np.testing.assert_array_equal(getattr(remote, field), getattr(local, field))
    assert remote.names == local.names and remote.evaluations == local.evaluations
    remote_ranks = spearman_ranking(space, EVAL_BLOCK + 100, seed=4, scheduler=address)
    np.testing.assert_array_equal(remote_ranks.spearman, ranks.spearman)
    spaces = {k[3] for k in _worker_keys(cluster[1]) if k[0] == "space"}
    assert model.database in spaces


def _cli_json(capsys, *args: str) -> dict:
    assert main([*args, "--json", "--data", str(MODELS), "--project", PROJECT]) == 0
    return json.loads(capsys.readouterr().out)


def test_cli_compare_and_gsa_on_a_cluster_give_the_local_json(built, cluster, capsys, monkeypatch):
    """``--workers`` (a local cluster the command starts) for compare, ``--scheduler`` (the
    module's running cluster) for gsa."""
    compare = ("compare", "lamp", "baseline", "green-power", "-n", "300", "--seed", "2")
    gsa = ("gsa", "lamp", "-n", "300", "--sobol-n", "64", "--seed", "2")
    local = [_cli_json(capsys, *compare), _cli_json(capsys, *gsa)]
    _no_local(monkeypatch, FastEngine, "chunk")
    _no_local(monkeypatch, InputSpace, "totals")
    remote = [
        _cli_json(capsys, *compare, "--workers", "2"),
        _cli_json(capsys, *gsa, "--scheduler", cluster[0].scheduler_address),
    ]
    assert remote == local


def test_a_killed_worker_changes_nothing(built, local, cluster):
    cl, client = cluster
    killed = []

    def kill_one(done: int) -> None:
        if not killed:
            pid = next(iter(client.run(os.getpid).values()))
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    remote = run_monte_carlo(built, "lamp", scheduler=cl.scheduler_address, progress=kill_one, **KW)
    assert killed
    np.testing.assert_array_equal(remote.samples, local.samples)


def test_json_of_a_command_on_local_workers_is_strict(built):
    """The workers are processes that import bw2data, which prints where BRIGHTWAY2_DIR
    points: on stderr, never before the JSON on stdout (a real process, whose stdout the
    workers share)."""
    from faultkit import run

    args = ("mc", "lamp", "-n", "20000", "--seed", "5", "--json", "--data", str(MODELS),
            "--project", PROJECT)  # fmt: skip
    remote, here = run(*args, "--workers", "2"), run(*args)
    assert remote.returncode == 0 and here.returncode == 0, remote.stderr + here.stderr
    assert json.loads(remote.stdout)["total"] == json.loads(here.stdout)["total"]
