"""What a computing command pays before it computes: pint's parsed definitions kept in the
cache (published whole, never read half-written, passed over when broken), pint restored
after bw2data's import, MKL named for pypardiso, and ranks without scipy.stats (the same
numbers as scipy's, which the tests import as the independent reference)."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pint
import pytest
from scipy import stats

from cfp_lca.calc.ranks import rankdata, spearman
from cfp_lca.model import cache
from cfp_lca.model.units import cached_registry

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture()
def folder(tmp_path, monkeypatch):
    """A private, empty cache folder."""
    monkeypatch.setenv(cache.CACHE_VARIABLE, str(tmp_path / "cache"))
    return tmp_path / "cache"


def _published(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("pint-*") if p.is_dir())


def _built(calls: list, **cache_folder) -> pint.UnitRegistry:
    calls.append(cache_folder.get("cache_folder"))
    return pint.UnitRegistry(**cache_folder)


def test_pint_definitions_are_published_whole_then_read(folder):
    calls: list = []
    first = cached_registry(lambda **kw: _built(calls, **kw))
    (done,) = _published(folder)
    assert list(done.glob("*.pickle")), "pint parsed its definitions into the folder"
    assert not list(folder.glob(".tmp-*")), "the private folder was renamed, not left"
    second = cached_registry(lambda **kw: _built(calls, **kw))
    assert calls[1] == done  # read from the published folder
    # the same units as pint's own registry, by pint's own definitions (1 lbf = 4.4482216 N)
    plain = pint.UnitRegistry()
    for registry in (first, second):
        lbf = registry.Quantity(1.0, "lbf").to("N").magnitude
        assert lbf == pytest.approx(plain.Quantity(1.0, "lbf").to("N").magnitude, rel=1e-15)
        assert lbf == pytest.approx(4.4482216152605, rel=1e-12)


def test_a_broken_published_folder_is_passed_over(folder):
    cached_registry(pint.UnitRegistry)
    (done,) = _published(folder)
    for path in done.glob("*.pickle"):
        path.write_bytes(path.read_bytes()[:100])  # cut short: never unpickled half-read
    calls: list = []
    registry = cached_registry(lambda **kw: _built(calls, **kw))
    assert calls == [done, None]  # tried, failed, built without a cache
    assert registry.Quantity(2.0, "km").to("m").magnitude == 2000.0


def test_a_half_written_private_folder_is_never_read(folder):
    half = folder / ".tmp-pint-killed"
    half.mkdir(parents=True)
    (half / "junk.pickle").write_bytes(pickle.dumps("not a registry")[:5])
    calls: list = []
    cached_registry(lambda **kw: _built(calls, **kw))
    assert calls[0] != half and calls[0].name.startswith(".tmp-pint-")
    assert len(_published(folder)) == 1


def test_no_cache_folder_means_no_pint_cache(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.CACHE_VARIABLE, "off")
    calls: list = []
    cached_registry(lambda **kw: _built(calls, **kw))
    assert calls == [None]


def test_bw2data_import_reads_pint_from_the_cache_and_restores_pint(tmp_path):
    """In a new process (bw2data is imported once per process): bw2parameters' registry is
    built from the published folder, pint's name is pint's again, MKL is named."""
    script = (
        "import os, pint; original = pint.UnitRegistry\n"
        "from cfp_lca.brightway.project import import_brightway\n"
        "import_brightway()\n"
        "from bw2parameters.pint import PintWrapper\n"
        "assert pint.UnitRegistry is original, 'pint restored'\n"
        "print(PintWrapper.ureg.cache_folder)\n"
        "print(os.environ.get('PYPARDISO_MKL_RT', ''))\n"
    )
    env = dict(os.environ, CFP_LCA_CACHE_DIR=str(tmp_path / "cache"),
               BRIGHTWAY2_DIR=str(tmp_path / "bw"), BRIGHTWAY_NO_STRUCTLOG="1")  # fmt: skip
    env.pop("PYPARDISO_MKL_RT", None)
    (tmp_path / "bw").mkdir()
    for _ in range(2):  # the first publishes the folder, the second reads it
        out = subprocess.run([sys.executable, "-c", script], env=env, cwd=REPO, text=True,
                             capture_output=True, check=True).stdout.splitlines()  # fmt: skip
    assert [Path(out[-2])] == _published(tmp_path / "cache")
    beside = sorted(Path(sys.prefix, "lib").glob("libmkl_rt.so*"))
    if beside:
        assert Path(out[-1]) in beside
    else:
        assert out[-1] == ""  # none beside this Python: pypardiso searches as it does


def test_ranks_are_scipys_average_ranks():
    rng = np.random.default_rng(7)
    cases = [rng.normal(size=257), rng.integers(0, 6, size=300).astype(float),
             np.array([2.0, 2.0, 2.0]), np.array([5.0]),
             np.array([3.0, -1.0, 3.0, 0.0])]  # fmt: skip
    for values in cases:
        assert np.array_equal(rankdata(values), stats.rankdata(values))


def test_spearman_is_scipys_bit_for_bit():
    rng = np.random.default_rng(11)
    for n in (3, 10, 999, 4000):
        a = rng.lognormal(size=n)
        b = 0.3 * a + rng.normal(size=n)
        b[: n // 4] = np.round(b[: n // 4])  # ties
        assert spearman(a, b) == stats.spearmanr(a, b).statistic


def test_spearman_of_a_constant_input_is_not_defined():
    assert np.isnan(spearman(np.ones(5), np.arange(5.0)))
