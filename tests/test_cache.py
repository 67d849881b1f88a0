"""The catalog cache: the same catalog as reading the files, read again after any change of
any file, never trusted when broken, off on request; check reuses a clean result only for the
very files it checked; a warm workspace reuses its engine and notices edits."""

from __future__ import annotations

import pickle
import shutil

import pytest

from cfp_lca import api
from cfp_lca.model import cache
from cfp_lca.model.loading import load_catalog


@pytest.fixture()
def folder(tmp_path, monkeypatch):
    """A private cache folder and a copy of the shipped library."""
    monkeypatch.setenv(cache.CACHE_VARIABLE, str(tmp_path / "cache"))
    from conftest import DATA

    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    shutil.copytree(DATA.parent / "scenarios", data / "scenarios")  # a data folder's own
    import bw2data as bd

    before = bd.projects.current
    yield data
    bd.projects.set_current(before, update=False)  # the workspaces here open their own


def _entries(tmp_path) -> list:
    return sorted((tmp_path / "cache").glob("*.pickle"))


def test_the_cached_catalog_is_the_one_the_files_give(folder, tmp_path):
    first = cache.catalog(folder)
    assert len(_entries(tmp_path)) == 1
    again = cache.catalog(folder)
    assert again == first == load_catalog(folder)
    assert again is not first  # read from the file, not kept in memory


def test_any_change_of_any_file_is_read_again(folder, tmp_path):
    before = cache.catalog(folder)
    method = folder / "methods" / "ipcc-ar6-gwp100.yaml"
    method.write_text(method.read_text(encoding="utf-8").replace("value: 273,", "value: 275,"),
                      encoding="utf-8")  # fmt: skip
    after = cache.catalog(folder)
    n2o = {f.flow: f.value for f in after.methods["ipcc-ar6-gwp100"].factors}["n2o"]
    assert n2o == 275 and after.fingerprint != before.fingerprint
    assert len(_entries(tmp_path)) == 2


def test_a_broken_or_foreign_cache_file_is_never_trusted(folder, tmp_path):
    cache.catalog(folder)
    (entry,) = _entries(tmp_path)
    entry.write_bytes(entry.read_bytes()[:200])  # cut short, as a killed writer could not
    assert cache.catalog(folder) == load_catalog(folder)
    entry.write_bytes(pickle.dumps(None))
    assert cache.catalog(folder) == load_catalog(folder)


def test_the_cache_can_be_off(folder, tmp_path, monkeypatch):
    monkeypatch.setenv(cache.CACHE_VARIABLE, "off")
    assert cache.catalog(folder) == load_catalog(folder)
    assert not (tmp_path / "cache").exists()


def test_a_cache_folder_that_cannot_be_written_only_means_no_cache(folder, tmp_path):
    (tmp_path / "cache").write_text("a file where the folder should be")  # even as root
    assert cache.catalog(folder) == load_catalog(folder)
    assert cache.catalog(folder) == load_catalog(folder)
    assert (tmp_path / "cache").is_file()


def test_check_reuses_a_clean_result_for_the_very_files_only(folder, tmp_path):
    assert cache.checked(folder) == ([], [])
    assert cache.checked(folder) == ([], [])  # from the cache
    scenario = next((folder / "scenarios").rglob("*.yaml"))
    scenario.write_text(scenario.read_text(encoding="utf-8") + "\nnot_a_field: 1\n",
                        encoding="utf-8")  # fmt: skip
    problems, _ = cache.checked(folder)
    assert problems and scenario.name in str(problems[0])


def test_a_warm_workspace_reuses_its_engine_and_notices_edits(folder, tmp_path):
    workspace = api.load(folder, project=f"warm-{tmp_path.name}")
    model = workspace.model("zw32-report")
    first = model.monte_carlo(n=4096, seed=3, sources="foreground").to_dict()
    assert [e["kind"] for e in workspace._kept.values()] == ["engine"]
    again = model.monte_carlo(n=4096, seed=3, sources="foreground").to_dict()
    assert [e["kind"] for e in workspace._kept.values()] == ["engine"]  # the same engine
    for timing in ("elapsed_s", "iterations_per_s"):
        first.pop(timing), again.pop(timing)
    assert again == first
    total = model.lcia().total
    # an edit of a file: the next result is the new file's
    path = folder / "background" / "china.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("0.5366") >= 1
    path.write_text(text.replace("0.5366", "0.6000"), encoding="utf-8")
    assert model.lcia().total > total
    assert [e["kind"] for e in workspace._kept.values()] == ["lcia"]  # old engines dropped


def test_two_workspaces_on_two_projects_in_one_process(folder, tmp_path):
    """No process-global state: each workspace computes in its own project, in turn."""
    a = api.load(folder, project=f"one-{tmp_path.name}").model("zw32-report")
    other = tmp_path / "other"
    shutil.copytree(folder, other)
    path = other / "background" / "china.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("0.5366", "0.6000"),
                    encoding="utf-8")  # fmt: skip
    b = api.load(other, project=f"two-{tmp_path.name}").model("zw32-report")
    first, second = a.lcia().total, b.lcia().total
    assert second > first
    assert (a.lcia().total, b.lcia().total) == (first, second)
    runs = [m.monte_carlo(n=4096, seed=1).raw.stats["total"].mean for m in (a, b, a)]
    assert runs[0] == runs[2] != runs[1]


def test_a_warm_engine_notices_a_method_rewritten_with_as_many_factors(folder, tmp_path):
    """A method written again outside the workspace (bw2data, as Activity Browser writes one)
    with the same number of factors keeps its metadata; the engine must not: every factor
    doubled doubles every sample total exactly (the draws are the same, x2 is exact)."""
    import bw2data as bd

    workspace = api.load(folder, project=f"rewrite-{tmp_path.name}")
    model = workspace.model("zw32-report")
    before = model.monte_carlo(n=2048, seed=4, sources="foreground").raw.stats["total"]
    method = workspace.method(model.base.method).name
    metadata = repr(bd.methods[method])
    factors = bd.Method(method).load()
    bd.Method(method).write([(k, _doubled(cf)) for k, cf in factors])
    assert repr(bd.methods[method]) == metadata  # what the engine's key could not see
    after = model.monte_carlo(n=2048, seed=4, sources="foreground").raw.stats["total"]
    assert after.mean == pytest.approx(2 * before.mean, rel=1e-12)
    assert after.std == pytest.approx(2 * before.std, rel=1e-12)


def _doubled(cf):
    """A factor twice as large (its loc too where it is the amount, as without uncertainty);
    the run draws the foreground alone, so only the amounts count."""
    if not isinstance(cf, dict):
        return 2 * cf
    loc = {"loc": 2 * cf["loc"]} if cf.get("loc") == cf["amount"] else {}
    return {**cf, "amount": 2 * cf["amount"], **loc}


def test_the_cache_folder_is_kept_under_its_bound(tmp_path, monkeypatch):
    """Three entries of one size, a bound for two and a half: saving a fourth removes the
    two used longest ago; reading an entry renews it; the bound comes from
    $CFP_LCA_CACHE_MB and a bad value falls back to 512 MB."""
    import os

    monkeypatch.setenv(cache.CACHE_VARIABLE, str(tmp_path))
    for i, key in enumerate("abc"):
        cache.save(key, bytes(1000))
        os.utime(tmp_path / f"{key}.pickle", (1e9 + i, 1e9 + i))  # a oldest, c newest
    size = (tmp_path / "a.pickle").stat().st_size
    monkeypatch.setenv(cache.LIMIT_VARIABLE, str(2.5 * size / 1e6))
    assert cache.limit_bytes() == int(2.5 * size)
    assert cache.load("a") == bytes(1000)  # read now: the most recently used
    cache.save("d", bytes(1000))
    assert sorted(p.stem for p in tmp_path.glob("*.pickle")) == ["a", "d"]
    assert cache.load("b") is None and cache.load("c") is None
    monkeypatch.setenv(cache.LIMIT_VARIABLE, "lots")
    assert cache.limit_bytes() == 512_000_000


def test_one_entry_larger_than_the_bound_is_kept_alone(tmp_path, monkeypatch):
    """The newest entry is kept even when it alone is over the bound; the rest go."""
    monkeypatch.setenv(cache.CACHE_VARIABLE, str(tmp_path))
    cache.save("old", b"x")
    monkeypatch.setenv(cache.LIMIT_VARIABLE, "0.0001")  # 100 bytes
    cache.save("big", bytes(10_000))
    assert [p.stem for p in tmp_path.glob("*.pickle")] == ["big"]
