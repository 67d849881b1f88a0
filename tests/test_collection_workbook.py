"""The data-collection workbook: `cfp-lca template` writes it, a company fills it in (here the
tests do, with openpyxl), and `cfp-lca new NAME --from FILE.xlsx` turns it into a model that
`check` accepts and whose footprint is the hand value.

By hand, from the shipped factors (read from the library files here): a frame of 1.5 kg of
stainless steel 304 (6.15 kg CO2/kg) and a cover of 0.8 kg of BOF steel (1.99 kg CO2e/kg);
production power of 2 kWh per product plus 12000 kWh a year over 4000 products (3 kWh); 10 kWh
of use, all at 0.6205 kg CO2e/kWh; the frame carried 300 km on a 30 t lorry (0.45 t km at
0.078 kg CO2e/t km); 0.5 kg of steel recycled at end of life, credited as avoided BOF steel.
"""

from __future__ import annotations

import json

import openpyxl
import pytest
import yaml

from cfp_lca.cli import main
from conftest import DATA

pytestmark = pytest.mark.usefixtures("restore_project")
PROJECT = "cfp_collection"


def factor(file: str, code: str) -> float:
    """A library process's single emission per unit, as its file states it."""
    data = yaml.safe_load((DATA / "background" / file).read_text(encoding="utf-8"))
    (process,) = [p for p in data["processes"] if p["code"] == code]
    (emission,) = process["emissions"]
    return emission["amount"]["value"]


STAINLESS = factor("china-materials.yaml", "steel_stainless_304")
BOF = factor("china-materials.yaml", "steel_bof_carbon_cn")
GRID = factor("china.yaml", "electricity_cn_lifecycle_2023")
LORRY = factor("china-materials.yaml", "freight_lorry_diesel_30t_cn")
HAND = 1.5 * STAINLESS + 0.8 * BOF + (2 + 12000 / 4000 + 10) * GRID + 0.45 * LORRY - 0.5 * BOF

STUDY = {
    "product name": "garden lamp post",
    "product name (Chinese)": "庭院灯杆",
    "functional unit": "one lamp post installed",
    "annual output": 4000,
    "data period": "2024-01 to 2024-12",
    "reference service life (years)": 15,
}
ROWS = {
    "materials": [
        ["frame", "框架", "steel_stainless_304", 1.5, "kg", "primary", None, "BOM 2024", None],
        ["cover", "盖板", "steel_bof_carbon_cn", 0.8, "kg", "primary", 5, "BOM 2024", None],
    ],
    "energy": [
        ["production", "electricity_cn_lifecycle_2023", 2, "kWh", "per product", "primary", 10,
         "meter of the welding line", None],
        ["production", "electricity_cn_lifecycle_2023", 12000, "kWh", "per year", "primary",
         None, "plant electricity bill 2024", None],
        ["use", "electricity_cn_lifecycle_2023", 10, "kWh", "per product", "estimate", 30,
         "lamp rating x hours", None],
    ],
    "transport": [
        ["frame", "freight_lorry_diesel_30t_cn", 1.5, "kg", 300, "km", "secondary", None,
         "supplier address", None],
    ],
    "end": [
        ["steel", "steel_bof_carbon_cn", 0.5, "kg", "yes", "estimate", None,
         "recycling rate of steel (assumption)", "avoided primary steel"],
    ],
}  # fmt: skip


def fill(template, target, study=STUDY, rows=ROWS):
    """The template filled in as a company would: study fields, then rows from row 3."""
    book = openpyxl.load_workbook(template)
    ws = book["study 研究"]
    for row in ws.iter_rows(min_row=2):
        english = str(row[0].value).split(" / ")[0]
        if english in study:
            row[1].value = study[english]
    for sheet, data in rows.items():
        ws = next(w for w in book.worksheets if w.title.split()[0] == sheet)
        for r, values in enumerate(data, start=3):
            for c, value in enumerate(values, start=1):
                ws.cell(r, c, value)
    book.save(target)
    return target


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "collection.xlsx"
    assert main(["template", "--out", str(path)]) == 0
    return path


def test_the_template_is_bilingual_with_dropdowns_and_the_library(template, capsys):
    book = openpyxl.load_workbook(template)
    assert [w.title.split()[0] for w in book.worksheets] == [
        "README", "study", "materials", "energy", "transport", "end", "library"]  # fmt: skip
    materials = book["materials 原材料"]
    assert materials["D1"].value == "amount per product / 每件产品用量"
    assert str(materials["A2"].value).startswith("#")  # a note row, not data
    lists = {str(v.sqref): v.formula1 for v in materials.data_validations.dataValidation}
    assert '"primary,secondary,estimate"' in lists.values()
    assert any("kWh" in f and "t*km" in f for f in lists.values())  # units
    codes = [r[0].value for r in book["library 数据库"].iter_rows(min_row=2)]
    assert "steel_stainless_304" in codes and "electricity_cn_lifecycle_2023" in codes
    assert main(["template", "--out", str(template)]) == 2  # never over a file
    assert "exists already" in capsys.readouterr().err


def test_a_filled_workbook_becomes_a_model_with_the_hand_total(template, tmp_path, capsys):
    filled = fill(template, tmp_path / "filled.xlsx")
    folder = tmp_path / "lamp-post"
    assert main(["new", "lamppost", "--from", str(filled), "--data", str(folder)]) == 0
    err = capsys.readouterr().err
    assert "4 row(s) give no uncertainty" in err  # said, not silently exact
    assert main(["check", "--data", str(folder)]) == 0
    capsys.readouterr()
    assert main(["lcia", "lamppost", "--data", str(folder), "--json", "--project", PROJECT]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["total"] == pytest.approx(HAND, rel=1e-12)
    model = yaml.safe_load((folder / "lamppost.yaml").read_text(encoding="utf-8"))
    assert model["allocation"]["annual_output"]["value"] == 4000
    assert model["translations"] == {"zh": {"frame": "框架", "cover": "盖板"}}
    frame = next(a for a in model["activities"] if a.get("part") == "frame")
    assert frame["inputs"][0]["data_type"] == "primary"
    assert "BOM 2024" in frame["inputs"][0]["source"] and "row 3" in frame["inputs"][0]["source"]


def test_every_unreadable_cell_is_named_and_nothing_is_written(template, tmp_path, capsys):
    rows = {k: [list(r) for r in v] for k, v in ROWS.items()}
    rows["materials"][0][3] = "1,5 kg"  # not a number
    rows["energy"][0][3] = "kWhh"  # not a unit
    rows["transport"][0][1] = "lorry 30"  # a search, not a code
    rows["end"][0][4] = "maybe"  # not a choice
    rows["materials"][1][4] = "kWh"  # not a unit of steel
    study = {**STUDY, "product name": None}
    filled = fill(template, tmp_path / "bad.xlsx", study, rows)
    folder = tmp_path / "out"
    capsys.readouterr()
    assert main(["new", "bad", "--from", str(filled), "--data", str(folder)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "(and 5 more problems" in lines[0]
    assert not folder.exists()
    from cfp_lca.errors import InputErrors
    from cfp_lca.model.collection_reading import read_collection
    from cfp_lca.model.loading import load_catalog

    with pytest.raises(InputErrors) as caught:
        read_collection(filled, load_catalog(), "bad")
    found = [f"{e.entry}: {e.problem}" for e in caught.value.errors]
    assert len(found) == 6, found
    expected = [
        "sheet 'study 研究' row 2 column B (product name): empty",
        "sheet 'materials 原材料' row 3 column D (amount per product): '1,5 kg' is not a number",
        "sheet 'materials 原材料' row 4 column A (row):",
        "sheet 'energy 能源' row 3 column D (unit):",
        "sheet 'transport 运输' row 3 column B (mode (library process, per t*km)): 'lorry 30' "
        "is not a process code: write the code of the one meant: freight_lorry_diesel_30t_cn",
        "sheet 'end of life 废弃处置' row 3 column E (recycling credit): 'maybe' is not one of",
    ]
    for text, line in zip(expected, found, strict=True):
        assert line.startswith(text), (text, line)
    assert "kWh" in found[2] and "is per kg" in found[2]


def test_per_year_rows_without_an_annual_output_name_its_cell(template, tmp_path):
    """The error points at the study sheet's own "annual output" row, wherever the user moved
    it (a blank row inserted above), found here by reading the workbook with openpyxl."""
    from cfp_lca.errors import InputError, InputErrors
    from cfp_lca.model.collection_reading import read_collection
    from cfp_lca.model.loading import load_catalog

    filled = fill(template, tmp_path / "no-output.xlsx", {**STUDY, "annual output": None}, ROWS)
    book = openpyxl.load_workbook(filled)
    book["study 研究"].insert_rows(2)
    book.save(filled)
    sheet = openpyxl.load_workbook(filled, read_only=True)["study 研究"]
    row = next(n for n, r in enumerate(sheet.iter_rows(values_only=True), start=1)
               if r and str(r[0] or "").startswith("annual output"))  # fmt: skip
    with pytest.raises((InputError, InputErrors)) as caught:
        read_collection(filled, load_catalog(), "no-output")
    errors = getattr(caught.value, "errors", [caught.value])
    assert [e.entry for e in errors if "per year" in e.problem] == [
        f"sheet 'study 研究' row {row} column B (annual output)"
    ]
