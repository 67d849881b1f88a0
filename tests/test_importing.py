"""bw2io imports: a Brightway Excel workbook written by bw2io's own exporter is imported,
linked to the project's biosphere, and computes what the hand calculation gives; unlinked
exchanges or an existing name write nothing."""

import csv
import io
from pathlib import Path

import bw2calc as bc
import bw2data as bd
import pytest

pytest.importorskip("bw2io")

from cfp_lca.brightway.importing import ImportProblem, Options, import_database  # noqa: E402


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


def test_unlinked_inputs_write_nothing_or_are_cut_and_listed(workbook, tmp_path):
    """An input from a database not linked to is refused (nothing written); cut on request,
    it is listed in the log and the database holds the other exchanges."""
    from bw2io.export.excel import write_lci_excel

    bd.Database("other").write(
        {
            ("other", "gas"): {
                "name": "natural gas",
                "reference product": "natural gas",
                "unit": "cubic meter",
                "location": "CN",
                "type": "process",
                "exchanges": [{"input": ("other", "gas"), "type": "production", "amount": 1.0}],
            }
        }
    )
    bd.Database("user").write({("user", "heat"): {
        "name": "heat production", "reference product": "heat", "unit": "megajoule",
        "location": "CN", "type": "process", "exchanges": [
            {"input": ("user", "heat"), "type": "production", "amount": 1.0},
            {"input": ("other", "gas"), "type": "technosphere", "amount": 0.03},
            {"input": ("bio", "co2"), "type": "biosphere", "amount": 0.05}]}})  # fmt: skip
    book = write_lci_excel("user")
    with pytest.raises(ImportProblem, match="1 technosphere inputs link to nothing") as err:
        import_database(book, "excel", name="copy", link_to=["bio"])
    assert "'natural gas'" in str(err.value) and "nothing was written" in str(err.value)
    assert "copy" not in bd.databases and "copy biosphere" not in bd.databases
    log = tmp_path / "log.csv"
    options = Options(cut_unlinked=True)
    result = import_database(book, "excel", name="copy", link_to=["bio"], options=options,
                             log_file=log)  # fmt: skip
    assert (result.technosphere, result.biosphere) == (0, 1)
    rows = [r for r in csv.DictReader(io.StringIO(log.read_text(encoding="utf-8-sig")))]
    assert [(r["kind"], "natural gas" in r["exchange"]) for r in rows] == [("cut", True)]
    # linked to the database it comes from, nothing is cut
    result = import_database(book, "excel", name="copy2", link_to=["bio", "other"])
    gas = next(iter(bd.get_node(database="copy2", name="heat production").technosphere()))
    assert gas.input.key == ("other", "gas") and result.technosphere == 1


def test_flows_without_a_match_are_kept_as_the_sources_own(workbook):
    """Linked to no biosphere database, the elementary flows are not dropped: they are
    written as the import's own flows, beside it."""
    result = import_database(workbook, "excel", name="copy", link_to=[])
    assert result.own_biosphere == "copy biosphere" and result.own_flows == 2
    own = {f["name"]: f for f in bd.Database("copy biosphere")}
    assert set(own) == {"Carbon dioxide, fossil", "Methane, fossil"}
    steel = bd.get_node(database="copy", name="steel production")
    co2 = next(iter(steel.biosphere()))
    assert co2.input.key == ("copy biosphere", own["Carbon dioxide, fossil"]["code"])
    assert co2["amount"] == 2.0


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
    out = capsys.readouterr().out
    assert ("imported 'copy': 2 activities, 1 technosphere inputs, 2 elementary exchanges; "
            "linked to bio") in out  # fmt: skip
    assert "technosphere inputs in the files: 1" in out
    bd.projects.set_current(project)
    copied = {(a["name"], a["location"], a["unit"]) for a in bd.Database("copy")}
    assert copied == {(a["name"], a["location"], a["unit"]) for a in bd.Database("src")}
    assert main([*args, "--name", "copy"]) == 2
    err = capsys.readouterr().err
    assert "exists in project" in err and len(err.strip().splitlines()) == 1


def test_a_dataset_that_cannot_be_read_is_one_line_naming_the_file(workbook, tmp_path):
    """A truncated .spold among real ones, a JSON-LD process that is not JSON: one problem
    naming the file, nothing written."""
    import zipfile
    from pathlib import Path

    folder = tmp_path / "es2"
    with zipfile.ZipFile(Path(__file__).parent / "fixtures" / "uslci" / "es2.zip") as archive:
        archive.extractall(tmp_path)
    broken = sorted(folder.glob("*.spold"))[3]
    broken.write_bytes(broken.read_bytes()[:500])
    with pytest.raises(ImportProblem, match="not a readable EcoSpold 2 dataset") as err:
        import_database(folder, "ecospold2", name="x")
    assert broken.name in str(err.value) and len(str(err.value).splitlines()) == 1
    jsonld = tmp_path / "jsonld" / "processes"
    jsonld.mkdir(parents=True)
    (jsonld / "p.json").write_text('{"@id": "p", "name": ', encoding="utf-8")
    with pytest.raises(ImportProblem, match="p.json: not JSON"):
        import_database(jsonld.parent, "jsonld", name="x")
    assert "x" not in bd.databases


def _es2_folder(tmp_path) -> tuple[Path, int]:
    """The USLCI EcoSpold 2 fixture unpacked, half its files in a subfolder: (folder, files)."""
    import zipfile

    folder = tmp_path / "es2"
    with zipfile.ZipFile(Path(__file__).parent / "fixtures" / "uslci" / "es2.zip") as archive:
        names = [n for n in archive.namelist() if n.endswith(".spold")]
        for k, name in enumerate(names):
            target = folder / ("sub" if k % 2 else ".") / Path(name).name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(name))
    return folder, len(names)


def test_a_subfolder_that_cannot_be_listed_is_an_error(tmp_path, monkeypatch):
    """Path.rglob passed over a folder it could not list: half the datasets, without a word."""
    import os

    from cfp_lca.brightway.importing.log import ImportLog
    from cfp_lca.brightway.importing.readers import read_source

    folder, files = _es2_folder(tmp_path)
    assert len(read_source(folder, "ecospold2", ImportLog())) == files  # one dataset a file
    real = os.scandir

    def scandir(path="."):
        if Path(path) == folder / "sub":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    with pytest.raises(ImportProblem, match=f"{folder / 'sub'}: cannot read the folder: "
                       "Permission denied"):  # fmt: skip
        read_source(folder, "ecospold2", ImportLog())


def test_a_link_back_up_the_folder_is_read_once(tmp_path):
    from cfp_lca.brightway.importing.log import ImportLog
    from cfp_lca.brightway.importing.readers import read_source

    folder, files = _es2_folder(tmp_path)
    (folder / "sub" / "up").symlink_to(folder, target_is_directory=True)
    (folder / "sub" / "gone.spold").symlink_to(tmp_path / "nothing.spold")
    with pytest.raises(ImportProblem, match="gone.spold: not a regular file"):
        read_source(folder, "ecospold2", ImportLog())
    (folder / "sub" / "gone.spold").unlink()
    assert len(read_source(folder, "ecospold2", ImportLog())) == files
