"""The float64 arrays of a database are read once per version and kept in the project folder:
a later read (a new process) takes them from there; an edit of the database, a rewrite of a
database its exchanges point to, or a cache file cut short by a killed command, makes the next
read go back to the project. Amounts keep their float64 value (bw2data's own arrays are
float32)."""

import bw2data as bd
import numpy as np
import pytest

from cfp_lca.brightway import datapackages
from cfp_lca.brightway.datapackages import CACHE_FOLDER, inventory_datapackage

# amounts that float32 cannot hold: they tell the float64 arrays from bw2data's
STEEL_CO2 = 1.8 + 1e-12
POWER_CO2 = 0.6 + 3e-13


def _write(co2_code: str = "co2") -> None:
    bd.Database("gas").write(
        {("gas", co2_code): {"name": "Carbon dioxide, fossil", "unit": "kg", "type": "emission",
                             "categories": ("air",)}}
    )  # fmt: skip
    bd.Database("plant").write(
        {
            ("plant", "steel"): {"name": "steel", "unit": "kg", "type": "process", "exchanges": [
                {"input": ("plant", "steel"), "type": "production", "amount": 1.0},
                {"input": ("plant", "power"), "type": "technosphere", "amount": 0.5},
                {"input": ("gas", co2_code), "type": "biosphere", "amount": STEEL_CO2},
            ]},
            ("plant", "power"): {"name": "power", "unit": "kWh", "type": "process", "exchanges": [
                {"input": ("plant", "power"), "type": "production", "amount": 1.0},
                {"input": ("gas", co2_code), "type": "biosphere", "amount": POWER_CO2},
            ]},
        }
    )  # fmt: skip


@pytest.fixture()
def project(tmp_path):
    previous = bd.projects.current
    bd.projects.set_current(f"float64-{tmp_path.name}")
    datapackages._PACKAGES.clear()
    _write()
    yield
    datapackages._PACKAGES.clear()
    bd.projects.set_current(previous)


def _biosphere(dp) -> dict[tuple[int, int], float]:
    """(flow id, process id) -> amount of the datapackage's biosphere vector."""
    indices = dp.get_resource("biosphere.indices")[0]
    data = dp.get_resource("biosphere.data")[0]
    return {(int(r), int(c)): float(v) for (r, c), v in zip(indices, data, strict=True)}


def _expected() -> dict[tuple[int, int], float]:
    co2 = bd.get_node(database="gas", name="Carbon dioxide, fossil").id
    steel = bd.get_node(database="plant", code="steel").id
    power = bd.get_node(database="plant", code="power").id
    return {(co2, steel): STEEL_CO2, (co2, power): POWER_CO2}


def _cache_files() -> list:
    return sorted((bd.projects.dir / CACHE_FOLDER).glob("*.npz"))


def _forget() -> None:
    """What a new process knows: nothing in memory."""
    datapackages._PACKAGES.clear()


def test_a_second_read_comes_from_the_cache_file_with_float64_amounts(project, monkeypatch):
    first = _biosphere(inventory_datapackage(["plant"]))
    assert first == _expected()  # exact float64 values, not float32 roundings
    assert len(_cache_files()) == 1
    _forget()

    def no_reading(name):
        raise AssertionError(f"read {name} from the project although its cache is current")

    monkeypatch.setattr(datapackages, "_read_database", no_reading)
    again = inventory_datapackage(["plant"])
    assert _biosphere(again) == first
    tech = again.get_resource("technosphere.data")[0]
    assert tech.dtype == np.float64 and sorted(tech.tolist()) == [0.5, 1.0, 1.0]


def test_an_edited_database_is_read_again(project):
    inventory_datapackage(["plant"])
    old_files = _cache_files()
    exc = next(e for e in bd.get_node(database="plant", code="power").biosphere())
    exc["amount"] = 0.25
    exc.save()
    _forget()
    found = _biosphere(inventory_datapackage(["plant"]))
    assert sorted(found.values()) == [0.25, STEEL_CO2]
    assert _cache_files() != old_files and len(_cache_files()) == 1  # the old version removed


def test_a_rewritten_input_database_makes_the_cache_stale(project):
    inventory_datapackage(["plant"])
    _write(co2_code="co2-new")  # new node ids for the flow (and the processes)
    _forget()
    assert _biosphere(inventory_datapackage(["plant"])) == _expected()


def test_an_input_database_rewritten_alone_is_detected(project):
    """Only the biosphere is rewritten (new ids), the plant database is not: its cached
    entries would point at ids that are gone; the stamp of its inputs says so."""
    inventory_datapackage(["plant"])
    bd.Database("gas").write(
        {("gas", "co2"): {"name": "Carbon dioxide, fossil", "unit": "kg", "type": "emission",
                          "categories": ("air",)}}
    )  # fmt: skip
    _forget()
    stale = datapackages._load_cached(datapackages._cache_path("plant"))
    assert stale is None


def test_a_cache_file_cut_short_is_read_again(project):
    inventory_datapackage(["plant"])
    (path,) = _cache_files()
    path.write_bytes(path.read_bytes()[:100])  # as a killed command could leave it
    _forget()
    assert _biosphere(inventory_datapackage(["plant"])) == _expected()
    assert path.stat().st_size > 100  # written whole again
