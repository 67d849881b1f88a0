"""`cfp-lca new` writes a valid model without overwriting anything; `cfp-lca check` prints
every problem of a folder at once."""

from __future__ import annotations

import json

import pytest

from cfp_lca.cli import main

# the commands here switch Brightway's current project: switched back after the module
pytestmark = pytest.mark.usefixtures("restore_project")


def test_new_writes_a_valid_model_and_never_overwrites(tmp_path, capsys):
    """Three files; the model computes to the template's placeholders by hand (1 kg of
    stainless steel 304 at 6.15 and 1 kWh at 0.6205 kg CO2e); a second run refuses."""
    folder = tmp_path / "mine"
    assert main(["new", "gadget", "--data", str(folder)]) == 0
    written = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert written == ["README.md", "gadget.yaml", "scenarios/gadget/baseline.yaml"]
    before = (folder / "gadget.yaml").read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["new", "gadget", "--data", str(folder)]) == 2
    assert "exists already" in capsys.readouterr().err
    assert (folder / "gadget.yaml").read_text(encoding="utf-8") == before
    assert main(["check", "--data", str(folder)]) == 0
    capsys.readouterr()
    assert main(["lcia", "--data", str(folder), "--json", "--project", "cfp_new"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == pytest.approx(6.15 + 0.6205, rel=1e-12)
    assert main(["scenarios", "list", "--data", str(folder), "--project", "cfp_new"]) == 0
    assert "baseline" in capsys.readouterr().out


def test_new_refuses_a_bad_name(tmp_path, capsys):
    """A name with a space or a colon is not a model name."""
    assert main(["new", "my gadget", "--data", str(tmp_path)]) == 2
    assert "not a model name" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


def test_check_prints_every_problem(tmp_path, capsys):
    """Two broken files and a second error in one of them: all three printed, status 2."""
    folder = tmp_path / "mine"
    assert main(["new", "gadget", "--data", str(folder)]) == 0
    assert main(["new", "widget", "--data", str(tmp_path / "w")]) == 0
    (tmp_path / "w" / "widget.yaml").rename(folder / "widget.yaml")
    gadget = folder / "gadget.yaml"
    text = gadget.read_text(encoding="utf-8")
    text = text.replace("value: 1.0, unit: kg}", 'value: "1.0", unit: kg}')
    text = text.replace("  amount: 1\n", "  amount: one\n")
    gadget.write_text(text, encoding="utf-8")
    widget = folder / "widget.yaml"
    widget.write_text(widget.read_text(encoding="utf-8").replace(
        "input: steel_stainless_304", "input: steel_typo"), encoding="utf-8")  # fmt: skip
    capsys.readouterr()
    assert main(["check", "--data", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "3 problem(s) found" in err
    assert "a number in quotes" in err and "'one'" in err and "steel_typo" in err


def test_check_lists_three_independent_errors_of_one_file(tmp_path, capsys):
    """An unknown process, a missing uncertainty and a unit mismatch, in two activities of one
    valid-by-schema file: check prints all three; lcia names the first and counts the rest;
    the background file's processes are each checked too."""
    folder = tmp_path / "mine"
    assert main(["new", "gadget", "--data", str(folder)]) == 0
    gadget = folder / "gadget.yaml"
    text = gadget.read_text(encoding="utf-8")
    for old, new in [
        ("input: steel_stainless_304", "input: steel_typo"),
        ("amount: {value: 1.0, unit: kWh}", "amount: {value: 1.0, unit: kg}"),
        ("    stage: manufacturing\n", "    stage: manufacturing\n    emissions:\n"
         "      - {flow: co2_fossil, amount: {value: 1, unit: kg}, source: test}\n"),
    ]:  # fmt: skip
        assert text.count(old) == 1
        text = text.replace(old, new)
    gadget.write_text(text, encoding="utf-8")
    capsys.readouterr()
    assert main(["check", "--data", str(folder)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[-1] == "3 problem(s) found"
    assert "steel_typo" in lines[0] and "co2_fossil" in lines[1]
    assert "(needed: kWh per unit)" in lines[2]
    assert all("gadget.yaml" in line for line in lines[:3])
    assert main(["lcia", "--data", str(folder), "--project", "cfp_new"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "steel_typo" in err
    assert err.endswith("(and 2 more problems: `cfp-lca check` lists them)")


def test_check_lists_every_broken_process_of_a_background_file(tmp_path, capsys):
    """Two processes of one background file, each with its own error: both printed."""
    folder = tmp_path / "mine"
    (folder / "background").mkdir(parents=True)
    (folder / "background" / "own.yaml").write_text(
        "database: own-background\nprocesses:\n"
        "  - {code: a, name: a, unit: kg, source: test, emissions: [{flow: co2_fosil, amount: "
        "{value: 1, unit: kg/kg}, source: test}]}\n"
        "  - {code: b, name: b, unit: kg, source: test, inputs: [{input: nowhere, amount: "
        "{value: 1, unit: kg/kg}, source: test}]}\n",
        encoding="utf-8",
    )
    capsys.readouterr()
    assert main(["check", "--data", str(folder)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[-1] == "2 problem(s) found"
    assert "'a'" in lines[0] and "co2_fosil" in lines[0] and "'nowhere'" in lines[1]
