"""Model variants (options, scenarios) are computed, never written: the project a user opens in
Activity Browser holds the model, its backgrounds and cfp_lca's methods only.

Each variant's result is checked against plain bw2calc on a database that bw2data itself
wrote from the variant's datasets (its own processed arrays), and against the lamp's hand
totals (tests/fixtures/models/README.md).
"""

from __future__ import annotations

from pathlib import Path

import bw2calc as bc
import bw2data as bd
import pytest
from fixture_models import (
    GREEN,
    GRID,
    LAMP_STAGES,
    LAMP_TOTAL,
    MODELS,
    SCENARIOS,
    SCRAP,
    current_project,
    written_variant,
)

from cfp_lca import api
from cfp_lca.brightway.project import MARKER
from cfp_lca.brightway.writing import owned_names

PROJECT = "cfp_variants"


@pytest.fixture(scope="module")
def workspace():
    """The fixture lamp and shelf in a project of their own."""
    ws = api.load(MODELS, project=PROJECT)
    ws.write()
    return ws


def test_compare_and_options_write_no_variant_database(workspace):
    """After a comparison of every lamp scenario (each a variant of the lamp), the project
    holds exactly what the catalog names: biosphere, backgrounds, the two models."""
    lamp = workspace.model("lamp")
    result = lamp.compare(scenario_dir=SCENARIOS / "lamp", n=200, seed=1)
    scenarios = result.to_dict()["groups"][0]["scenarios"]
    assert [s["scenario"] for s in scenarios] == ["baseline", "far", "green-power", "near",
                                                   "no-credit"]  # fmt: skip
    assert scenarios[0]["deterministic"] == pytest.approx(LAMP_TOTAL, rel=1e-12)
    with current_project(PROJECT):
        assert sorted(bd.databases) == sorted(owned_names(workspace.catalog))


def test_scenario_totals_by_hand_and_by_plain_bw2calc(workspace):
    """green-power (assembly on green electricity) and no-credit (no avoided steel), computed
    unwritten, equal the hand totals and plain bw2calc on the same datasets written by
    bw2data into a scratch database."""
    from cfp_lca.model.scenarios import load_scenarios

    found = load_scenarios(workspace.catalog, SCENARIOS)
    method = workspace.catalog.methods["ipcc-ar5-gwp100"]
    hand = {
        "green-power": LAMP_TOTAL - 3 * GRID + 3 * GREEN,
        "no-credit": LAMP_TOTAL - LAMP_STAGES["end_of_life"] + 0.85 * 2.0 * SCRAP,
    }
    for name, total in hand.items():
        variant = found[name].built
        assert _total(workspace, variant) == pytest.approx(total, rel=1e-9)
        with current_project(PROJECT):
            assert variant.database not in bd.databases
            assert _plain_bw2calc(workspace.catalog, variant, method) == pytest.approx(
                total,
                rel=1e-6,  # bw2data processes amounts as float32
            )


def _total(workspace, variant) -> float:
    """cfp_lca's static total of a variant, through the workspace (which writes what the
    project lacks)."""
    from cfp_lca.calc.lcia import static_lcia

    with workspace.reading(variant):
        method = workspace.catalog.methods[variant.method]
        return static_lcia(workspace.catalog, variant, method).total


def _plain_bw2calc(catalog, variant, method) -> float:
    """The variant's datasets written by bw2data under another name; bw2calc's own LCA."""
    with written_variant(catalog, variant) as name:
        lca = bc.LCA({bd.get_node(database=name, code=variant.reference): 1},
                     method=method.name)  # fmt: skip
        lca.lci()
        lca.lcia()
        return lca.score


def test_variant_ids_move_above_nodes_written_later(workspace):
    """A variant's ids lie above every id of the project; once a later write gives real nodes
    larger ids (bw2data's ids grow with time), the variant gets new ones above them and the
    old ones no longer stand for it."""
    from cfp_lca.brightway.foreground import model_nodes
    from cfp_lca.brightway.virtual_nodes import virtual_nodes
    from cfp_lca.model.scenarios import load_scenarios

    variant = load_scenarios(workspace.catalog, SCENARIOS)["green-power"].built
    first = _total(workspace, variant)
    with current_project(PROJECT):
        before = model_nodes(variant)
        assert min(before) > max(n.id for db in bd.databases for n in bd.Database(db))
        bd.Database("grown").write({("grown", f"n{k}"): {"name": f"n{k}", "type": "process",
                                    "exchanges": []} for k in range(3)})  # fmt: skip
        after = model_nodes(variant)
        assert min(after) > max(node.id for node in bd.Database("grown"))
        assert not set(before) & set(virtual_nodes(str(bd.projects.dir)).keys)
        assert _total(workspace, variant) == pytest.approx(first, rel=1e-12)
        del bd.databases["grown"]


def test_leftover_variant_databases_are_removed_and_named(workspace, caplog):
    """Databases an earlier version wrote for variants go at the next write, with a warning
    naming them; a look-alike that cfp_lca did not write stays."""
    base = workspace.catalog.models["lamp"].database
    ours, theirs = [f"{base}[x=1]", f"{base}{{far}}"], f"{base}{{theirs}}"
    from cfp_lca.brightway.datapackages import database_arrays

    with current_project(PROJECT):
        for name in [*ours, theirs]:
            db = bd.Database(name)
            db.register(**({MARKER: {"state": "complete"}} if name in ours else {}))
            db.write({(name, "a"): {"name": "a", "type": "process", "exchanges": []}})
            database_arrays(name)  # cached as a computation would leave it
        cache = Path(bd.projects.dir) / "cfp_lca_float64"
        cached = set(cache.glob("*.npz"))
    with caplog.at_level("WARNING", logger="cfp_lca"):
        workspace.model("lamp").lcia()
    with current_project(PROJECT):
        assert theirs in bd.databases
        assert not set(ours) & set(bd.databases)
        assert len(cached - set(cache.glob("*.npz"))) == 2  # the removed ones' arrays too
        del bd.databases[theirs]
    assert ", ".join(ours) in caplog.text
