"""Malformed command lines, paths, environments and difference files: each is refused with exit
status 2 and one line naming what is wrong, with no traceback, and the Brightway directory
(every file under it) is exactly as it was.

Classes: command-line arguments, option position, output paths, environment, Activity Browser
difference files, scenario export, strict JSON, a closed stdout.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from cfp_lca.cli import main
from conftest import DATA, REPO
from conftest import brightway_checksum as checksum

GUARD = "cfp_guard_cli"
ERROR = re.compile(r"^cfp-lca( [a-z]+)?: error: ")


@pytest.fixture(scope="module")
def bw_dir() -> Path:
    """The session's Brightway directory with the shipped data built into project GUARD."""
    assert main(["build", "--project", GUARD]) == 0
    import bw2data as bd

    return Path(bd.projects._base_data_dir)


@pytest.fixture()
def unchanged(bw_dir):
    """Asserts, after the test, that no file under the Brightway directory changed."""
    before = checksum(bw_dir)
    yield
    assert checksum(bw_dir) == before


def one_error(err: str, *fragments: str) -> None:
    """stderr is one error line, no traceback, and names every fragment."""
    assert "Traceback" not in err, err
    assert err.count("\n") == 1 and ERROR.match(err), err
    for fragment in fragments:
        assert fragment in err, f"{fragment!r} not in {err!r}"


def refused(capsys, args: list[str], *fragments: str) -> str:
    """Run the command line in-process: exit 2 and one error line naming ``fragments``."""
    capsys.readouterr()
    assert main([*args, "--project", GUARD]) == 2
    err = capsys.readouterr().err
    one_error(err, *fragments)
    return err


def cli(*args: str, env: dict | None = None, shell_tail: str = "") -> subprocess.CompletedProcess:
    """``python -m cfp_lca ARGS`` in a subprocess (optionally piped into ``shell_tail``)."""
    command = shlex.join([sys.executable, "-m", "cfp_lca", *args])
    return subprocess.run(
        f"{command} {shell_tail}", shell=True, capture_output=True, text=True,
        env={**os.environ, **(env or {})}, cwd=REPO, timeout=300,
    )  # fmt: skip


# ------------------------------------------------------------------ command-line arguments

ARGUMENTS = {
    "chunk size 0": (["mc", "--chunk-size", "0"], ["--chunk-size", "'0'"]),
    "chunk size negative": (["mc", "--chunk-size", "-3"], ["--chunk-size", "'-3'"]),
    "chunk size not an integer": (["mc", "--chunk-size", "1.5"], ["--chunk-size", "'1.5'"]),
    "tolerance negative": (["mc", "--tolerance", "-1"], ["--tolerance", "'-1'"]),
    "tolerance nan": (["mc", "--tolerance", "nan"], ["--tolerance", "'nan'"]),
    "tolerance inf": (["mc", "--tolerance", "inf"], ["--tolerance", "'inf'"]),
    "one iteration": (["mc", "-n", "1"], ["--iterations", "at least 2"]),
    "iterations not a number": (["gsa", "-n", "many"], ["--iterations", "'many'"]),
    "negative seed": (["mc", "--seed", "-1"], ["--seed", "'-1'"]),
    "seed not an integer": (["compare", "--seed", "x"], ["--seed", "'x'"]),
    "sobol n not a power of 2": (["gsa", "--sobol-n", "100"], ["--sobol-n", "power of 2"]),
    "sobol n zero": (["report", "--out", "r", "--sobol-n", "0"], ["--sobol-n", "'0'"]),
    "unknown source": (["mc", "--sources", "foreground,typo"], ["'typo'", "all"]),
    "threshold negative": (["compare", "--threshold=-1%"], ["--threshold", "'-1%'"]),
    "threshold not a number": (["report", "--threshold", "x%"], ["--threshold", "'x%'"]),
    "empty source list": (["gsa", "--sources", ","], ["--sources", "all"]),
    "unknown language": (["lcia", "--lang", "de"], ["--lang", "'de'"]),
    "unknown command": (["lcai"], ["'lcai'"]),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(ARGUMENTS))
def test_bad_argument_is_refused_before_any_work(case, bw_dir, unchanged, capsys):
    args, fragments = ARGUMENTS[case]
    err = refused(capsys, args, *fragments)
    assert err.startswith(f"cfp-lca {args[0]}: error: ") or "'lcai'" in err


INPUTS = {
    "option without value": (["mc", "--option", "use_stage"], ["--option", "NAME=VALUE"]),
    "unknown model": (["lcia", "no-such-model"], ["unknown model 'no-such-model'"]),
    "unknown method": (["mc", "zw32", "--method", "gwp-typo"], ["unknown method 'gwp-typo'"]),
    "unknown scenario": (["compare", "zw32", "baseline", "nope"], ["unknown scenario", "nope"]),
    "one scenario": (["compare", "zw32", "baseline"], ["at least two scenarios"]),
    "export without file": (["scenarios", "export", "zw32"], ["FILE", "needs a file name"]),
    "unknown option value": (["lcia", "zw32", "--eol", "landfill"],
                             ["options > end_of_life", "'landfill' is not one of"]),
    "unknown option": (["lcia", "zw32", "--option", "colour=red"], ["unknown option 'colour'"]),
    "no model named among several": (["mc", "--data", "{DATA}", "--data", "{TWO}"],
                                     ["2 models here, name one"]),
}  # fmt: skip


@pytest.fixture()
def two_models(tmp_path) -> Path:
    """A data directory with its own library settings and two models (no default named)."""
    folder = tmp_path / "two"
    (folder / "foreground").mkdir(parents=True)
    for name in ("a", "b"):
        text = (DATA / "foreground" / "zw32-report.yaml").read_text(encoding="utf-8")
        text = text.replace("model: zw32-report", f"model: two-{name}", 1)
        text = text.replace("database: cfp-zw32-report", f"database: cfp-two-{name}", 1)
        (folder / "foreground" / f"{name}.yaml").write_text(text, encoding="utf-8")
    (folder / "cfp_lca.toml").write_text("shipped_library = true\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("case", sorted(INPUTS))
def test_bad_named_input_is_refused_before_any_write(case, bw_dir, unchanged, capsys, two_models):
    args, fragments = INPUTS[case]
    empty = two_models.parent / "empty"
    empty.mkdir()
    args = [a.replace("{DATA}", str(empty)).replace("{TWO}", str(two_models)) for a in args]
    refused(capsys, args, *fragments)


def test_help_shows_defaults(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["mc", "--help"])
    assert stop.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    shown = ("product model name (default: the data directory's only model",
             "(default: 10000)", "(default: 0)",
             "strict JSON", "language (default: en)", "or all (default: data)")  # fmt: skip
    for fragment in shown:
        assert fragment in text, fragment


# ------------------------------------------------------------------ output paths


@pytest.fixture()
def a_file(tmp_path) -> Path:
    path = tmp_path / "a-file"
    path.write_text("mine", encoding="utf-8")
    return path


PATHS = {  # args built from (a regular file F, a folder D): expected fragments
    "samples under a file": (
        ["mc", "--save-samples", "{F}/s.npy"], ["{F}/s.npy", "{F} is a file"]),
    "samples exist": (["mc", "--save-samples", "{F}"], ["{F}", "exists already"]),
    "samples in a missing folder": (
        ["mc", "--save-samples", "{D}/no/s.npy"], ["{D}/no does not exist"]),
    "report under a file": (["report", "--out", "{F}/r/s"], ["{F}/r/s", "--out", "{F} is a file"]),
    "report folder in use": (["report", "--out", "{D}"], ["{D}", "not empty"]),
    "plot into a file": (["plot", "--out", "{F}"], ["{F}", "is a file, not a folder"]),
    "run under a file": (["run", "--out", "{F}/r"], ["{F}/r", "{F} is a file"]),
    "comparison plots under a file": (["compare", "--plots", "{F}/p"], ["{F}/p", "--plots"]),
    "export under a file": (
        ["scenarios", "export", "zw32", "{F}/x.csv"], ["{F}/x.csv", "{F} is a file"]),
    "export over a file": (["scenarios", "export", "zw32", "{F}"], ["{F}", "exists already"]),
    "bw-dir is a file": (["build", "--bw-dir", "{F}"], ["{F}", "--bw-dir", "not a folder"]),
    "bw-dir under a file": (["lcia", "--bw-dir", "{F}/bw"], ["{F}/bw", "{F} is a file"]),
    "bw-dir before the command": (["--bw-dir", "{F}", "build"], ["{F}", "--bw-dir"]),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(PATHS))
def test_output_path_is_checked_before_computing(case, a_file, bw_dir, unchanged, capsys):
    args, fragments = PATHS[case]
    names = {"F": str(a_file), "D": str(a_file.parent)}
    refused(capsys, [a.format(**names) for a in args], *(f.format(**names) for f in fragments))
    assert a_file.read_text(encoding="utf-8") == "mine"


def test_unwritable_folder_is_named(tmp_path, bw_dir, unchanged, capsys, monkeypatch):
    locked = tmp_path / "locked"
    locked.mkdir()
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: Path(p) != locked and real(p, mode))
    refused(capsys, ["mc", "--save-samples", str(locked / "s.npy")],
            str(locked / "s.npy"), f"cannot write in {locked}")  # fmt: skip


def test_write_failing_late_is_one_line_naming_the_path(a_file, bw_dir, unchanged, capsys,
                                                        monkeypatch):  # fmt: skip
    """Should a path pass the checks and fail when written, the OS error is one line too."""
    import cfp_lca.cli

    monkeypatch.setattr(cfp_lca.cli, "_check_output", lambda *args: None)
    refused(capsys, ["scenarios", "export", "zw32", f"{a_file}/x.csv"], f"{a_file}/x.csv",
            "Not a directory")  # fmt: skip


def test_missing_difference_file_is_named(tmp_path, bw_dir, unchanged, capsys):
    path = tmp_path / "absent.csv"
    refused(capsys, ["scenarios", "import", "zw32", str(path)], str(path), "cannot read")


# ------------------------------------------------------------------ environment


def test_brightway_dir_missing(tmp_path):
    """A command that opens the project (list and check read files only, and do not)."""
    missing = tmp_path / "no-such-dir"
    proc = cli("lcia", env={"BRIGHTWAY2_DIR": str(missing)})
    assert proc.returncode == 2
    one_error(proc.stderr, f"BRIGHTWAY2_DIR={missing}: not a directory")
    assert not missing.exists()


def test_brightway_dir_is_a_file(a_file):
    proc = cli("lcia", env={"BRIGHTWAY2_DIR": str(a_file)})
    assert proc.returncode == 2
    one_error(proc.stderr, f"BRIGHTWAY2_DIR={a_file}: not a directory")


def test_brightway_dir_fallback_is_a_file(a_file):
    env = {k: v for k, v in os.environ.items() if k != "BRIGHTWAY2_DIR"}
    env["BRIGHTWAY_DIR"] = str(a_file)
    proc = subprocess.run([sys.executable, "-m", "cfp_lca", "list"], capture_output=True,
                          text=True, env=env, cwd=REPO)  # fmt: skip
    assert proc.returncode == 2
    one_error(proc.stderr, str(a_file), "BRIGHTWAY_DIR", "not a folder")


# ------------------------------------------------------------------ option position


def test_global_options_before_the_command_are_used(bw_dir, data_copy, capsys):
    import bw2data as bd

    assert main(["--project", "cfp_position", "build"]) == 0
    assert "cfp_position" in bd.projects
    bd.projects.set_current(GUARD)
    (data_copy / "foreground" / "zw32-report.yaml").write_text("stages: [\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["--data", str(data_copy), "lcia", "zw32-report", "--project", GUARD]) == 2
    one_error(capsys.readouterr().err, str(data_copy / "foreground" / "zw32-report.yaml"))


def test_option_after_the_command_wins(bw_dir, a_file, unchanged, capsys):
    assert main(["--project", "unused", "--bw-dir", str(bw_dir), "lcia", "--bw-dir",
                 str(a_file)]) == 2  # fmt: skip
    one_error(capsys.readouterr().err, str(a_file), "--bw-dir")


# ------------------------------------------------------------------ difference files


@pytest.fixture(scope="module")
def good_sdf(bw_dir, tmp_path_factory) -> str:
    """The shipped scenarios of zw32 as a difference file (export writes nothing to Brightway)."""
    path = tmp_path_factory.mktemp("sdf") / "zw32.csv"
    assert main(["scenarios", "export", "zw32", str(path), "--project", GUARD]) == 0
    return path.read_text(encoding="utf-8")


def _edit(old: str, new: str, count: int = 1):
    """An edit of the good file: ``old`` replaced by ``new`` in the data rows."""

    def make(text: str) -> str:
        head, rest = text.split("\n", 1)
        assert old in rest
        return head + "\n" + rest.replace(old, new, count)

    return make


def _unknown_from(text: str) -> str:
    """An edit: the first process of the background database as a from key renamed."""
    head, rest = text.split("\n", 1)
    found = re.search(rf"\('{BG}', '([^']+)'\)", rest)
    assert found, "no background process among the from keys"
    return head + "\n" + rest.replace(found.group(0), f"('{BG}', 'electricity_cn_2099')", 1)


def _header_cut(text: str) -> str:
    """Only the 13 key columns of the header."""
    return ";".join(text.split("\n", 1)[0].split(";")[:13]) + "\n"


def _duplicate_row(text: str) -> str:
    lines = text.splitlines()
    return "\n".join([*lines, lines[1]]) + "\n"


def _short_row(text: str) -> str:
    """The first data row cut to its first 10 cells (read as CSV: names may hold ';')."""
    import csv
    import io

    head, rest = text.split("\n", 1)
    rows = list(csv.reader(io.StringIO(rest), delimiter=";"))
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\n").writerows([rows[0][:10], *rows[1:]])
    return head + "\n" + out.getvalue()


def _last_amount(new: str):
    """An edit: the last amount of the file set to ``new``."""

    def make(text: str) -> str:
        return text.rstrip("\n").rsplit(";", 1)[0] + ";" + new + "\n"

    return make


PT = "('cfp-zw32', 'use_stage')"  # the to key of the first data row
BG = "cfp-china-background"
PAIR = "expected ('database', 'code')"
SDF = {  # name: (make the bad file from the good text, expected fragments)
    "empty": (lambda t: "", ["row 1", "empty file"]),
    "no scenario columns": (_header_cut, ["row 1", "no scenario columns"]),
    "missing column": (
        lambda t: t.replace("to key", "to kee", 1), ["row 1", "missing columns", "to key"]),
    "key with one element": (_edit(PT, "('use_stage',)"), ["row 2", "to key", PAIR]),
    "key not closed": (_edit(PT, PT[:-1]), ["row 2", "to key", PAIR]),
    "key not a tuple": (_edit(PT, "use_stage"), ["row 2", "to key 'use_stage'"]),
    "unknown to activity": (
        _edit(PT, "('cfp-zw32', 'no_such_part')"),
        ["row 2", "to key ('cfp-zw32', 'no_such_part')", "no activity 'no_such_part'"]),
    "unknown from process": (
        _unknown_from,
        ["row ", f"from key ('{BG}', 'electricity_cn_2099')", "no activity or flow"]),
    "unknown database": (
        _edit(BG, "ecoinvent-3.9", count=-1), ["row ", "unknown database 'ecoinvent-3.9'"]),
    "nan amount": (_last_amount("nan"), ["row ", "amount 'nan' is not finite"]),
    "inf amount": (_last_amount("-inf"), ["row ", "'-inf' is not finite"]),
    "amount not a number": (_last_amount("1,5"), ["row ", "'1,5' is not a number"]),
    "duplicate row": (_duplicate_row, ["duplicate of row 2"]),
    "too few cells": (_short_row, ["row 2", "10 cells"]),
    "unknown flow type": (
        _edit(";biosphere;", ";biospere;"), ["row 2", "flow type 'biospere'"]),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(SDF))
def test_bad_difference_file_writes_nothing(case, good_sdf, tmp_path, bw_dir, unchanged, capsys):
    make, fragments = SDF[case]
    path = tmp_path / "bad.csv"
    path.write_text(make(good_sdf), encoding="utf-8")
    refused(capsys, ["scenarios", "import", "zw32", str(path)], str(path), *fragments)


@pytest.mark.parametrize(
    ("content", "fragment"),
    [(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
     ("from activity name;é".encode("latin-1"), "not UTF-8 text")],
    ids=["binary", "latin-1"],
)  # fmt: skip
def test_undecodable_difference_file(content, fragment, tmp_path, bw_dir, unchanged, capsys):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    refused(capsys, ["scenarios", "import", "zw32", str(path)], str(path), fragment)


# ------------------------------------------------------------------ scenario export


def test_export_of_all_scenarios_round_trips(bw_dir, tmp_path, capsys):
    """Every scenario exported (an activity a scenario adds becomes new exchanges of its buyer,
    0 in the other columns), imported back with the totals of the scenarios."""
    path = tmp_path / "all.csv"
    assert main(["scenarios", "export", "zw32", str(path), "--project", GUARD]) == 0
    io = capsys.readouterr()
    assert f"wrote {len(list((REPO / 'scenarios' / 'zw32').glob('*.yaml')))} scenarios" in io.out
    assert "Traceback" not in io.err
    assert main(["compare", "zw32", "-n", "2", "--json", "--project", "cfp_sdf"]) == 0
    expected = {r["scenario"]: r["deterministic"]
                for g in json.loads(capsys.readouterr().out)["groups"]
                for r in g["scenarios"]}  # fmt: skip
    assert main(["scenarios", "import", "zw32", str(path), "--project", "cfp_sdf"]) == 0
    rows = [line.split() for line in capsys.readouterr().out.splitlines()[1:]]
    assert {name: float(total) for name, total in rows} == pytest.approx(expected, abs=1e-4)


def test_bad_scenario_file_is_blamed_not_the_output(bw_dir, tmp_path, unchanged, capsys):
    scenarios = tmp_path / "scenarios" / "zw32"
    scenarios.mkdir(parents=True)
    (scenarios / "bad.yaml").write_text("scenario: bad\nmodel: zw32\nname: b\nswaps:\n"
                                        "  - {old: nothing_bought, new: x, source: t}\n",
                                        encoding="utf-8")  # fmt: skip
    out = tmp_path / "out.csv"
    err = refused(capsys, ["scenarios", "export", "zw32", str(out), "--scenario-dir",
                           str(tmp_path / "scenarios")], str(scenarios / "bad.yaml"))  # fmt: skip
    assert str(out) not in err and not out.exists()


# ------------------------------------------------------------------ strict JSON


def _strict(text: str) -> dict:
    def refuse(constant: str):
        raise ValueError(f"not strict JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


@pytest.fixture(scope="module")
def idle_stage_data(tmp_path_factory) -> Path:
    """The shipped data with the report model's deliveries set to 0 (a stage of zeros)."""
    import shutil

    root = tmp_path_factory.mktemp("idle") / "databases"
    shutil.copytree(DATA, root)
    path = root / "foreground" / "zw32-report.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("        annual_amount: {value: 14063.125, unit: kg}")
    end = text.index("\n  - code: end_of_life")
    path.write_text(text[:start] + "        annual_amount: {value: 0, unit: kg}\n"
                    "        source: test\n        uncertainty: {distribution: none}"
                    + text[end:], encoding="utf-8")  # fmt: skip
    return root


@pytest.mark.parametrize("command", [["lcia"], ["mc", "-n", "200"]])
def test_json_of_a_zero_stage_is_strict(command, idle_stage_data, bw_dir, capsys):
    capsys.readouterr()
    args = [*command, "zw32-report", "--json", "--data", str(idle_stage_data)]
    assert main([*args, "--project", "cfp_idle"]) == 0
    out = _strict(capsys.readouterr().out)
    stage = out["stages"]["product transport"]
    if command[0] == "mc":
        assert stage["deterministic"] == 0 and stage["cv"] is None


@pytest.mark.parametrize("command", [["lcia"], ["mc", "-n", "200"]])
def test_json_leaves_out_a_stage_switched_off(command, bw_dir, capsys):
    capsys.readouterr()
    off = ["--option", "use_stage=false"]
    assert main([*command, "zw32", *off, "--json", "--project", GUARD]) == 0
    out = _strict(capsys.readouterr().out)
    assert "use" not in out["stages"] and "end of life" in out["stages"]


def test_json_text_replaces_undefined_numbers():
    import numpy as np

    from cfp_lca.present.tables import json_text

    data = {"a": float("nan"), "b": [np.float64("inf"), np.float32(1.5)], "c": (np.int64(2),)}
    assert _strict(json_text(data)) == {"a": None, "b": [None, 1.5], "c": [2]}


# ------------------------------------------------------------------ closed stdout


@pytest.mark.parametrize("reader", ["| head -c 10", "| true"])
def test_closed_stdout_is_quiet(reader, bw_dir):
    proc = cli("lcia", "zw32", "--json", "--project", GUARD, shell_tail=reader)
    assert proc.stderr == "", proc.stderr
