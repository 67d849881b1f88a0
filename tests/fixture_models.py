"""The engine tests' own small models (tests/fixtures/models, its README says how they were made):
a path constant, the catalog loaded, and the catalog written into a Brightway project of its own.

Engine, sampling and statistics tests run on these, not on the shipped study, so a change of
zw32's data cannot break them. Totals of the fixtures are derived by hand in the README.
"""

from __future__ import annotations

import contextlib
import math
import shutil
from collections.abc import Iterator
from pathlib import Path

MODELS = Path(__file__).resolve().parent / "fixtures" / "models"  # a data folder
SCENARIOS = MODELS / "scenarios"  # scenarios/lamp/*.yaml
PROJECT = "cfp_fixture"

# AR5 GWP100 totals per unit, by hand (README.md): factors of the shipped library
STEEL, PC, TRUCK, GRID, GREEN = 2.53, 7.62, 0.078, 0.5366, 0.04  # kg CO2e per kg, t*km, kWh
SCRAP = 0.06 * 0.6205 + 0.002 * 3.096  # shredding and sorting per kg scrap: 0.043422
LAMP_STAGES = {
    "materials": 2.0 * STEEL + 0.4 * PC,  # 8.108
    "transport": (2.0 + 0.4) / 1000 * 300 * TRUCK,  # 0.05616
    "production": 3 * GRID + 0.2 + 0.01 * 30 + 0.001 * 265,  # 2.3748
    "end_of_life": 0.85 * 2.0 * (SCRAP - STEEL),  # -4.2271826
}
LAMP_TOTAL = sum(LAMP_STAGES.values())  # 6.3117774
SHELF_STAGES = {
    "materials": 1 * STEEL,
    "transport": 10 * TRUCK,
    "production": 6 * GRID,
    "end_of_life": 4 * SCRAP,
}
SHELF_TOTAL = sum(SHELF_STAGES.values())  # 6.703288
SHELF_GSD = {"materials": 1.2, "transport": 1.6, "production": 1.5, "end_of_life": 1.3}
SHELF_SIGMA = {k: math.log(g) for k, g in SHELF_GSD.items()}  # sigma of ln, per stage


def load_fixture_catalog():
    """The fixture folder loaded and validated (the shipped library stacked beneath it)."""
    from cfp_lca.model.loading import load_catalog

    return load_catalog(MODELS)


def write_fixture_project(project: str = PROJECT):
    """The fixture catalog written into ``project``; the current project is current again after."""
    from cfp_lca.brightway.writing import write_catalog

    with current_project(project):
        catalog = load_fixture_catalog()
        write_catalog(catalog)
    return catalog


@contextlib.contextmanager
def current_project(project: str = PROJECT) -> Iterator[None]:
    """``project`` current inside the block, the one before current again after."""
    import bw2data as bd

    from cfp_lca.brightway.project import open_project

    before = bd.projects.current
    open_project(project)
    try:
        yield
    finally:
        open_project(before)


def copy_models(target: Path) -> Path:
    """A writable copy of the fixture folder (models and scenarios) at ``target``."""
    shutil.copytree(MODELS, target)
    return target


@contextlib.contextmanager
def written_variant(catalog, variant, name: str = "scratch") -> Iterator[str]:
    """A model variant's datasets (as cfp_lca would write them) written by bw2data itself
    into database ``name`` of the current project, for plain bw2calc on it; removed after.
    cfp_lca computes variants without writing them (cfp_lca/brightway/foreground.py)."""
    import bw2data as bd

    from cfp_lca.brightway.writing import process_dataset

    data = {}
    for p in variant.activities:
        ds = process_dataset(p, catalog)
        for x in ds["exchanges"]:
            if x["input"][0] == variant.database:
                x["input"] = (name, x["input"][1])
        data[(name, p.code)] = ds
    bd.Database(name).write(data)
    try:
        yield name
    finally:
        del bd.databases[name]
