"""Writing the Brightway project: idempotent, and nothing that is not ours is touched."""

from __future__ import annotations

import pytest


def test_rebuild_is_idempotent(catalog):
    import bw2data as bd

    from cfp_lca.brightway.project import open_project
    from cfp_lca.brightway.writing import owned_names, write_catalog

    open_project("cfp_idempotent")
    assert write_catalog(catalog) is True
    stamps = {n: bd.databases[n]["modified"] for n in owned_names(catalog)}
    assert write_catalog(catalog) is False  # unchanged files: nothing written
    assert {n: bd.databases[n]["modified"] for n in owned_names(catalog)} == stamps
    assert write_catalog(catalog, force=True) is True
    assert len(bd.Database("cfp-china-background")) == len(
        catalog.backgrounds["cfp-china-background"]
    )


def test_other_projects_and_foreign_databases_are_left_alone(catalog):
    import bw2data as bd

    from cfp_lca.brightway.project import ProjectError, open_project
    from cfp_lca.brightway.writing import write_catalog

    bd.projects.set_current("someone_else")
    bd.Database("cfp-china-background").write(
        {
            ("cfp-china-background", "x"): {
                "name": "their own process",
                "unit": "kg",
                "exchanges": [],
            }
        }
    )
    before = bd.databases["cfp-china-background"]["modified"]
    with pytest.raises(ProjectError, match="was not written by cfp_lca"):
        write_catalog(catalog)
    assert bd.databases["cfp-china-background"]["modified"] == before
    assert [a["name"] for a in bd.Database("cfp-china-background")] == ["their own process"]
    assert "cfp-biosphere" not in bd.databases  # refused before writing anything

    open_project("cfp_alongside")
    write_catalog(catalog)
    bd.projects.set_current("someone_else")
    assert [a["name"] for a in bd.Database("cfp-china-background")] == ["their own process"]


def test_written_project_is_complete_for_plain_bw2data(built):
    import bw2data as bd

    from conftest import TEST_PROJECT

    bd.projects.set_current(TEST_PROJECT)
    node = bd.get_node(database="cfp-zw32-report", code="production")
    (edge,) = [e for e in node.technosphere()]
    assert edge.input["code"] == "electricity_cn_national_2022"
    assert edge["amount"] == pytest.approx(10593.054 / 4302, rel=1e-15)
    assert edge["annual amount"] == 10593.054
    assert "Table 4.2-1" in edge["source"]
    assert edge["uncertainty type"] == 2
    names = {m[1:] for m in bd.methods if m[0] == "cfp_lca"}
    assert ("IPCC AR6", "climate change", "GWP100") in names
    ar6 = next(m for m in bd.methods if m[1] == "IPCC AR6")
    cfs = {
        bd.get_node(id=k)["code"] if isinstance(k, int) else k[1]: v
        for k, v in bd.Method(ar6).load()
    }
    assert cfs["ch4_fossil"]["amount"] == 29.8
