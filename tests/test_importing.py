"""bw2io imports: a Brightway Excel workbook written by bw2io's own exporter is imported,
linked to the project's biosphere, and computes what the hand calculation gives; unlinked
exchanges or an existing name write nothing."""

import bw2calc as bc
import bw2data as bd
import pytest

pytest.importorskip("bw2io")

from cfp_lca.brightway.importing import ImportProblem, import_database  # noqa: E402


@pytest.fixture()
def workbook(tmp_path):
    """A two-process database exported with bw2io to Excel, in a fresh project."""
    from bw2io.export.excel import write_lci_excel

    previous = bd.projects.current
    bd.projects.set_current(f"import-{tmp_path.name}")
    bd.Database("bio").write(
        {
            ("bio", "co2"): {"name": "Carbon dioxide, fossil", "unit": "kilogram",
                             "categories": ("air",), "type": "emission"},
            ("bio", "ch4"): {"name": "Methane, fossil", "unit": "kilogram",
                             "categories": ("air",), "type": "emission"},
        }
    )  # fmt: skip
    bd.Database("src").write(
        {
            ("src", "steel"): {
                "name": "steel production", "reference product": "steel", "unit": "kilogram",
                "location": "CN", "type": "process",
                "exchanges": [
                    {"input": ("src", "steel"), "type": "production", "amount": 1.0},
                    {"input": ("src", "power"), "type": "technosphere", "amount": 0.5},
                    {"input": ("bio", "co2"), "type": "biosphere", "amount": 2.0},
                ],
            },
            ("src", "power"): {
                "name": "electricity production", "reference product": "electricity",
                "unit": "kilowatt hour", "location": "CN", "type": "process",
                "exchanges": [
                    {"input": ("src", "power"), "type": "production", "amount": 1.0},
                    {"input": ("bio", "ch4"), "type": "biosphere", "amount": 0.01},
                ],
            },
        }
    )  # fmt: skip
    bd.Method(("test", "gwp")).write([(("bio", "co2"), 1.0), (("bio", "ch4"), 27.0)])
    yield write_lci_excel("src")
    bd.projects.set_current(previous)


def test_imported_workbook_links_and_computes(workbook):
    result = import_database(workbook, "excel", name="copy", link_to=["bio"])
    assert result.database == "copy" and result.activities == 2
    node = bd.get_node(database="copy", name="steel production")
    lca = bc.LCA({node.id: 1.0}, method=("test", "gwp"))
    lca.lci()
    lca.lcia()
    # 2 kg CO2 + 0.5 kWh x 0.01 kg CH4 x 27 = 2.135 (float32 storage: 1e-6 relative)
    assert lca.score == pytest.approx(2.0 + 0.5 * 0.01 * 27.0, rel=1e-6)


def test_unlinked_exchanges_write_nothing(workbook):
    with pytest.raises(ImportProblem, match="2 exchanges link to nothing") as err:
        import_database(workbook, "excel", name="copy", link_to=[])
    assert "Carbon dioxide, fossil" in str(err.value)
    assert "copy" not in bd.databases


def test_existing_name_and_bad_format_are_refused(workbook):
    with pytest.raises(ImportProblem, match="exists in project"):
        import_database(workbook, "excel", name="src")
    with pytest.raises(ImportProblem, match="unknown import format"):
        import_database(workbook, "simapro", name="x")
    with pytest.raises(ImportProblem, match="folder"):
        import_database(workbook, "ecospold2", name="x")


def test_cli_import_round_trips_a_bw2io_export(workbook, capsys):
    """`cfp-lca import` on bw2io's own Excel export: the copy holds the same activities, and a
    name that exists is one clear line with exit status 2."""
    from cfp_lca.cli import main

    project = bd.projects.current
    args = ["import", str(workbook), "--format", "excel", "--project", project]
    assert main([*args, "--name", "copy", "--link-to", "bio"]) == 0
    assert "imported 'copy': 2 activities, 5 exchanges, linked to bio" in capsys.readouterr().out
    bd.projects.set_current(project)
    copied = {(a["name"], a["location"], a["unit"]) for a in bd.Database("copy")}
    assert copied == {(a["name"], a["location"], a["unit"]) for a in bd.Database("src")}
    assert main([*args, "--name", "copy"]) == 2
    err = capsys.readouterr().err
    assert "exists in project" in err and len(err.strip().splitlines()) == 1
