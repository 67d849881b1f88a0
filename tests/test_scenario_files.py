"""Activity Browser scenario difference files in both forms it reads, on the fixture lamp (not
the shipped study): a workbook (.xlsx: an information sheet, then the table, which is the
sheet the Activity Browser imports by default) and a ';' CSV; exported, read by pandas as the
Activity Browser reads them, imported back to the hand-derived totals; comment rows and
columns; the file alone after the action; malformed workbooks refused in one line."""

from __future__ import annotations

import ast
import re
import zipfile

import openpyxl
import pandas as pd
import pytest
from fixture_models import GREEN, GRID, LAMP_TOTAL, MODELS, STEEL, TRUCK

from cfp_lca.cli import main
from cfp_lca.model.ab_scenarios import COLUMNS

PROJECT = "cfp_scenario_files"
DATA = ["--data", str(MODELS), "--project", PROJECT]
SCENARIOS = ["baseline", "far", "green-power", "near", "no-credit"]  # file order: sorted
# tests/fixtures/models/README.md: the scenarios' changes against the baseline, by hand
EXPECTED = {
    "baseline": LAMP_TOTAL,
    "far": LAMP_TOTAL + 2.4 / 1000 * (500 - 300) * TRUCK,
    "near": LAMP_TOTAL + 2.4 / 1000 * (150 - 300) * TRUCK,
    "green-power": LAMP_TOTAL - 3 * (GRID - GREEN),
    "no-credit": LAMP_TOTAL + 0.85 * 2.0 * STEEL,
}


@pytest.fixture(scope="module")
def exported(tmp_path_factory, restore_project):
    """The lamp's scenarios exported once as a workbook and once as CSV."""
    folder = tmp_path_factory.mktemp("sdf")
    for name in ("lamp.xlsx", "lamp.csv"):
        assert main(["scenarios", "export", "lamp", str(folder / name), *DATA]) == 0
    return folder


def imported(capsys, path) -> dict[str, float]:
    """``scenarios import lamp PATH``: each scenario's printed total."""
    capsys.readouterr()
    assert main(["scenarios", "import", "lamp", str(path), *DATA]) == 0
    out = capsys.readouterr().out.splitlines()[1:]
    return {line.split()[0]: float(line.split()[1]) for line in out}


def test_the_workbook_is_what_the_activity_browser_imports(exported):
    book = openpyxl.load_workbook(exported / "lamp.xlsx", read_only=True)
    assert book.sheetnames == ["information", "scenarios"]
    # the Activity Browser: pd.read_excel(sheet_name=1, comment="#", engine="openpyxl")
    table = pd.read_excel(exported / "lamp.xlsx", sheet_name=1, comment="#", engine="openpyxl")
    assert tuple(table.columns[: len(COLUMNS)]) == COLUMNS
    assert sorted(table.columns[len(COLUMNS) :]) == SCENARIOS
    as_csv = pd.read_csv(exported / "lamp.csv", sep=";")
    assert list(as_csv.columns) == list(table.columns)
    numbers = table[SCENARIOS].to_numpy(float)
    exact = as_csv[SCENARIOS].to_numpy(float)
    assert numbers == pytest.approx(exact, rel=3e-16, abs=0)  # 16 significant digits
    keys = table["to key"].map(ast.literal_eval)  # Python literals, as AB reads them
    assert all(isinstance(k, tuple) and k[0] == "cfp-fixture-lamp" for k in keys)


@pytest.mark.parametrize("name", ["lamp.xlsx", "lamp.csv"])
def test_both_forms_import_to_the_hand_totals(exported, capsys, name):
    totals = imported(capsys, exported / name)
    assert sorted(totals) == SCENARIOS
    for scenario, total in totals.items():
        assert total == pytest.approx(EXPECTED[scenario], abs=5e-5), scenario  # 4 decimals


def test_comment_rows_and_columns_are_left_out(exported, capsys, tmp_path):
    book = openpyxl.load_workbook(exported / "lamp.xlsx")
    table = book["scenarios"]
    table.insert_rows(1)
    table.cell(1, 1).value = "# written for a test: a comment row before the header"
    table.cell(1, 2).value = "anything"
    last = table.max_column + 1
    table.cell(2, last).value = "_note"
    table.cell(3, last).value = "a comment column, never a scenario"
    edited = tmp_path / "commented.xlsx"
    book.save(edited)
    assert imported(capsys, edited) == imported(capsys, exported / "lamp.xlsx")


def test_a_hand_made_workbook_with_the_table_first_is_read(exported, capsys, tmp_path):
    """A workbook of one sheet (the table, as a user may make it) reads the same."""
    source = openpyxl.load_workbook(exported / "lamp.xlsx")
    book = openpyxl.Workbook()
    for row in source["scenarios"].iter_rows(values_only=True):
        book.active.append(row)
    path = tmp_path / "one sheet.xlsx"
    book.save(path)
    assert imported(capsys, path) == imported(capsys, exported / "lamp.csv")


def test_the_file_alone_after_the_action_is_the_file(tmp_path, capsys, restore_project):
    """``scenarios export FILE``: the data's default model is exported (the shipped library
    names zw32), never a model named 'FILE'; without a default, the models are listed."""
    path = tmp_path / "alone.xlsx"
    assert main(["scenarios", "export", str(path), "--project", PROJECT]) == 0
    info = dict(openpyxl.load_workbook(path)["information"].iter_rows(values_only=True))
    assert info["database"] == "cfp-zw32"
    other = tmp_path / "two models.csv"
    refused(capsys, ["scenarios", "export", str(other)], "models here, name one", "lamp")
    assert not other.exists()


def refused(capsys, args: list[str], *fragments: str) -> None:
    capsys.readouterr()
    assert main([*args, *DATA]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") == 1, err
    assert re.match(r"^cfp-lca( [a-z]+)?: error: ", err), err
    for fragment in fragments:
        assert fragment in err, err


def test_malformed_workbooks_are_refused_in_one_line(capsys, tmp_path, exported):
    text = tmp_path / "text.xlsx"
    text.write_text("from activity name;to key\n", encoding="utf-8")
    refused(capsys, ["scenarios", "import", "lamp", str(text)], str(text), "not an Excel workbook")
    foreign = tmp_path / "foreign.xlsx"
    with zipfile.ZipFile(foreign, "w") as archive:
        archive.writestr("hello.txt", "a zip, not a workbook")
    refused(capsys, ["scenarios", "import", "lamp", str(foreign)], str(foreign),
            "not an Excel workbook")  # fmt: skip
    other = tmp_path / "other.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["name", "amount"])
    book.save(other)
    refused(capsys, ["scenarios", "import", "lamp", str(other)], str(other), "no sheet has the "
            "columns from activity name")  # fmt: skip
    old = tmp_path / "old.xls"
    refused(capsys, ["scenarios", "export", "lamp", str(old)], str(old), "'.xls' files are not")
    assert not old.exists()
    bad = tmp_path / "bad amount.xlsx"
    book = openpyxl.load_workbook(exported / "lamp.xlsx")
    book["scenarios"].cell(3, len(COLUMNS) + 1).value = "lots"
    book.save(bad)
    refused(capsys, ["scenarios", "import", "lamp", str(bad)], str(bad), "sheet 'scenarios' "
            "row 3")  # fmt: skip


def test_an_existing_workbook_is_never_overwritten(capsys, tmp_path):
    path = tmp_path / "kept.xlsx"
    path.write_bytes(b"the user's own file")
    refused(capsys, ["scenarios", "export", "lamp", str(path)], str(path), "exists already")
    assert path.read_bytes() == b"the user's own file"
    assert [p.name for p in tmp_path.iterdir()] == ["kept.xlsx"]
