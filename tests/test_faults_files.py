"""Faults of data files, each a class (issue #27): YAML 1.1 number forms, files that are not
regular files (hangs), folders that cannot be read, codes in two Unicode forms or holding
invisible characters, unpaired surrogates.

Every case runs the command line on the tote bag model of ``test_second_model`` (its AR5 total
computed there by hand), changed in one place: bad input exits with status 2 and one line on
stderr naming the file and the problem, the Brightway directory untouched; good input exits 0
with the number a person means. Cases that could hang run in a subprocess with a timeout.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from test_malformed_cli import GUARD, bw_dir, one_error, refused, unchanged  # noqa: F401
from test_second_model import GROWING, SEWING, TOTE

from cfp_lca.cli import main
from cfp_lca.errors import InputError
from cfp_lca.model import reading
from conftest import DATA, REPO

# the commands here switch Brightway's current project: switched back after the module
pytestmark = pytest.mark.usefixtures("restore_project")
UNCHANGED = pytest.mark.usefixtures("unchanged")  # the Brightway directory as it was

PROJECT = "cfp_faults_files"
MODEL = "foreground/tote.yaml"
N2O = "amount: {value: 0.004, unit: kg}"  # the cotton's field N2O, kg per kg of fibre
N2O_ENTRY = "activities[1] 'cotton' > emissions[0] 'n2o' > amount"
HANG_S = 60  # a command that has not returned by then hangs


def total_with_n2o(value: float) -> float:
    """The tote's AR5 total with ``value`` kg N2O per kg of fibre (0.25 kg of fibre, N2O 265,
    fossil CH4 30), as test_second_model derives it."""
    return 0.25 * (value * 265 + 0.01 * 30) + SEWING


def test_the_hand_calculation_is_that_of_the_tote():
    assert total_with_n2o(0.004) == pytest.approx(GROWING + SEWING)


@pytest.fixture()
def tote(tmp_path) -> Path:
    """A data folder holding only the tote model (the shipped library stacks under it)."""
    folder = tmp_path / "tote"
    (folder / "foreground").mkdir(parents=True)
    (folder / MODEL).write_text(TOTE, encoding="utf-8")
    return folder


def edit(folder: Path, old: str, new: str, file: str = MODEL) -> Path:
    """Replace the first ``old`` by ``new`` in a file of the folder; the file's path."""
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture edit: {old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def lcia_total(capsys, folder: Path) -> float:
    """``lcia tote --json`` in-process: exit 0, no error, the total."""
    capsys.readouterr()
    code = main(["lcia", "tote", "--data", str(folder), "--json", "--project", PROJECT])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "Traceback" not in err and "error" not in err, err
    return json.loads(out)["total"]


def lcia_refused(capsys, folder: Path, *fragments: str) -> str:
    """``lcia tote`` in-process: exit 2, one line naming ``fragments``, no control character."""
    err = refused(capsys, ["lcia", "tote", "--data", str(folder)], *fragments)
    assert err[:-1].isprintable(), repr(err)
    return err


def lcia_in_subprocess(folder: Path) -> subprocess.CompletedProcess:
    """``lcia tote`` in a subprocess that must return within HANG_S seconds."""
    args = [sys.executable, "-m", "cfp_lca", "lcia", "tote", "--data", str(folder)]
    return subprocess.run([*args, "--project", GUARD], capture_output=True, text=True,
                          cwd=REPO, timeout=HANG_S)  # fmt: skip


# ------------------------------------------------------------------ YAML 1.1 number forms

MEANT = {  # a plain value of the N2O amount: the number it means in YAML 1.2
    "017 (decimal, not octal 15)": ("017", 17),
    "+017": ("+017", 17),
    "0017": ("0017", 17),
    "017.5": ("017.5", 17.5),
    "0o17 (octal)": ("0o17", 15),
    "0x1F (hex)": ("0x1F", 31),
    ".5": (".5", 0.5),
    "1e3 (no point)": ("1e3", 1000),
    "4e-3": ("4e-3", 0.004),
    "4.E-3": ("4.E-3", 0.004),
}


@pytest.mark.parametrize("case", list(MEANT))
def test_yaml_12_number_is_the_number_meant(case, tote, capsys):
    text, value = MEANT[case]
    edit(tote, N2O, f"amount: {{value: {text}, unit: kg}}")
    assert lcia_total(capsys, tote) == pytest.approx(total_with_n2o(value), rel=1e-12)


NOT_NUMBERS = {  # YAML 1.1 numbers and other texts where a number belongs: refused
    "1:30 (base 60)": ("1:30", "got the text '1:30' (a number in base 60 is not read"),
    "1:30:00 (base 60)": ("1:30:00", "got the text '1:30:00' (a number in base 60"),
    "1_000": ("1_000", "got the text '1_000' (write the number without '_': 1000)"),
    "0b11 (binary)": ("0b11", "got the text '0b11' (a binary number is not read: write 3)"),
    "yes": ("yes", "expected a number, got the text 'yes'"),
    "on": ("on", "expected a number, got the text 'on'"),
    "a date": ("2021-01-01", "expected a number, got the text '2021-01-01'"),
    "quoted 017": ("'017'", "got the text '017' (a number in quotes: remove the quotes)"),
    "0x1F.8": ("0x1F.8", "expected a number, got the text '0x1F.8'"),
    "null": ("~", "expected a number, got nothing (null)"),
}


@UNCHANGED
@pytest.mark.parametrize("case", list(NOT_NUMBERS))
def test_text_where_a_number_belongs_is_refused(case, tote, capsys):
    text, fragment = NOT_NUMBERS[case]
    path = edit(tote, N2O, f"amount: {{value: {text}, unit: kg}}")
    lcia_refused(capsys, tote, str(path), N2O_ENTRY, "value: expected a number", fragment)


@UNCHANGED
def test_negative_leading_zero_is_decimal(tote, capsys):
    """-017 is -17 (not octal -15): refused as a negative emission that names it."""
    path = edit(tote, N2O, "amount: {value: -017, unit: kg}")
    lcia_refused(capsys, tote, str(path), N2O_ENTRY.removesuffix(" > amount"),
                 "negative amount -17 kg")  # fmt: skip


@UNCHANGED
def test_yes_is_no_boolean(tote, capsys):
    meter = 'source: "sewing line meter (test data)"'
    path = edit(tote, meter, f"{meter}\n        credit: yes")
    lcia_refused(
        capsys,
        tote,
        str(path),
        "inputs[1] 'electricity_cn_lifecycle_2023'",
        "credit: expected true or false, got the text 'yes' (write true or false)",
    )


@UNCHANGED
@pytest.mark.parametrize(
    ("tagged", "fragment"),
    [("!!int 1_000", "int '1_000' is not an integer"),
     ("!!float 1:30", "float '1:30' is not a number"),
     ("!!timestamp 2021-01-01", "could not determine a constructor for the tag")],
    ids=["int", "float", "timestamp"],
)  # fmt: skip
def test_explicit_tag_outside_the_core_schema(tagged, fragment, tote, capsys):
    path = edit(tote, N2O, f"amount: {{value: {tagged}, unit: kg}}")
    lcia_refused(capsys, tote, str(path), "YAML syntax error at line", fragment)


def test_a_key_spelled_twice_as_numbers_is_a_duplicate():
    with pytest.raises(yaml.YAMLError, match=r"duplicate key '17' \(the same value as"):
        yaml.load("{017: a, 17: b}", Loader=reading.DataLoader)  # noqa: S506


YAML11 = yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader


class OldLoader(YAML11):
    """The loader before YAML 1.2 numbers: YAML 1.1 with floats like 1e-3 added."""


OldLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)[eE][-+]?[0-9]+$"),
    list("-+0123456789."),
)


def test_shipped_yaml_means_what_it_meant():
    """No shipped file uses a YAML 1.1-only form (a date, yes/no, 017, 1:30) whose meaning the
    YAML 1.2 rules change: every file loads to the same data under both."""
    folders = (DATA, REPO / "scenarios", REPO / "cfp_lca" / "templates", REPO / "tests")
    paths = [p for folder in folders for p in sorted(folder.rglob("*.yaml"))]
    assert len(paths) > 20
    for path in paths:
        text = path.read_text(encoding="utf-8")
        old = _load_or_error(text, OldLoader)
        assert _load_or_error(text, reading.DataLoader) == old, path
        if not isinstance(old, str):
            assert reading.clean_texts(path, old) == old, path  # already NFC, no control


def _load_or_error(text: str, loader: type) -> object:
    """The data, or the error's class name (a template is not YAML before it is filled)."""
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 (safe loaders)
    except yaml.YAMLError as exc:
        return type(exc).__name__


# ------------------------------------------------------------------ files that are not files


def make_fifo(path: Path) -> None:
    os.mkfifo(path)


def link_to(target: str) -> Callable[[Path], None]:
    """A maker: a symbolic link to ``target``."""
    return lambda path: path.symlink_to(target)


def make_socket(path: Path) -> None:
    """A Unix socket at ``path`` (the file stays when the socket is closed)."""
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))


HANGS = {  # where, what: a command blocked forever on these before
    "FIFO model file": ("foreground/x.yaml", make_fifo, "a FIFO (named pipe), not a regular file"),
    "FIFO outside the data folders": (
        "notes/x.yaml", make_fifo, "a FIFO (named pipe), not a regular file"),
    "FIFO flows file": ("flows.yaml", make_fifo, "a FIFO (named pipe)"),
    "link to /dev/zero": (
        "foreground/zero.yaml", link_to("/dev/zero"),
        "a symbolic link to '/dev/zero', a character device, not a regular file"),
    "link to /dev/urandom": (
        "background/random.yaml", link_to("/dev/urandom"),
        "a symbolic link to '/dev/urandom', a character device"),
}  # fmt: skip


@UNCHANGED
@pytest.mark.parametrize("case", list(HANGS))
def test_special_file_is_refused_without_hanging(case, tote):
    where, make, fragment = HANGS[case]
    path = tote / where
    path.parent.mkdir(exist_ok=True)
    make(path)
    proc = lcia_in_subprocess(tote)
    assert proc.returncode == 2, proc.stderr
    one_error(proc.stderr, str(path), fragment, "only regular files are read")


SPECIAL = {  # entries that cannot hang, tested in-process
    "dangling link": (
        "foreground/gone.yaml", link_to("/nonexistent/gone.yaml"),
        "a symbolic link to '/nonexistent/gone.yaml', which does not exist"),
    "directory named x.yaml": (
        "foreground/x.yaml", Path.mkdir, "a directory, not a regular file"),
    "socket": ("foreground/s.yaml", make_socket, "a socket, not a regular file"),
    "link loop": ("foreground/loop.yaml", link_to("loop.yaml"),
                  "Too many levels of symbolic links"),
}  # fmt: skip


@UNCHANGED
@pytest.mark.parametrize("case", list(SPECIAL))
def test_special_entry_is_refused(case, tote, capsys):
    where, make, fragment = SPECIAL[case]
    path = tote / where
    make(path)
    lcia_refused(capsys, tote, str(path), fragment)


def test_link_to_a_regular_file_is_read(tote, tmp_path, capsys):
    elsewhere = tmp_path / "kept" / "tote.yaml"
    elsewhere.parent.mkdir()
    (tote / MODEL).rename(elsewhere)
    (tote / MODEL).symlink_to(elsewhere)
    assert lcia_total(capsys, tote) == pytest.approx(GROWING + SEWING, rel=1e-12)


def test_a_fifo_swapped_in_after_the_check_cannot_block(tmp_path, monkeypatch):
    """The open itself does not block (O_NONBLOCK) and the opened file is checked again."""
    path = tmp_path / "x.yaml"
    os.mkfifo(path)
    monkeypatch.setattr(reading, "regular_stat", lambda p: os.stat(tmp_path))
    outcome: list = []

    def read() -> None:
        try:
            reading.read_text(path)
        except InputError as exc:
            outcome.append(exc.message)

    worker = threading.Thread(target=read, daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), "opening a FIFO blocked"
    assert outcome and "a FIFO (named pipe), not a regular file" in outcome[0]


# ------------------------------------------------------------------ folders that cannot be read


def deny(monkeypatch, denied: Path) -> None:
    """Listing ``denied`` fails as a folder without read permission does (works as root)."""
    real = os.scandir

    def scandir(path="."):
        if Path(path) == denied:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)


REPLACING = """\
database: cfp-china-background
processes:
  - code: my_grid
    name: my grid
    unit: kWh
    source: test
    emissions:
      - {flow: co2_fossil, amount: {value: 1, unit: kg/kWh}, source: test}
"""


@UNCHANGED
@pytest.mark.parametrize("folder", ["background", "foreground", "."])
def test_unreadable_folder_is_named(folder, tote, capsys, monkeypatch):
    """A background meant to replace a shipped one is never dropped without a word."""
    (tote / "background").mkdir()
    (tote / "background" / "china.yaml").write_text(REPLACING, encoding="utf-8")
    denied = (tote / folder) if folder != "." else tote
    deny(monkeypatch, denied)
    lcia_refused(capsys, tote, f"{denied}: cannot read the folder: Permission denied")


def test_unreadable_folder_is_a_problem_of_check(tote, monkeypatch):
    from cfp_lca.model.checking import check_data

    (tote / "background").mkdir()
    deny(monkeypatch, tote / "background")
    problems, _ = check_data(tote)
    assert [p.message for p in problems] == [
        f"{tote / 'background'}: cannot read the folder: Permission denied"
    ]


@UNCHANGED
def test_unreadable_file_is_named(tote, capsys, monkeypatch):
    path = tote / MODEL
    real = os.open

    def fail_open(file, flags, *args, **kwargs):
        if Path(file) == path:
            raise PermissionError(13, "Permission denied", str(file))
        return real(file, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", fail_open)
    lcia_refused(capsys, tote, f"{path}: cannot read file: Permission denied")


@UNCHANGED
@pytest.mark.parametrize(
    ("make", "fragment"),
    [(link_to("background"), "Too many levels of symbolic links"),
     (link_to("/nonexistent"), "a symbolic link to '/nonexistent', which does not exist"),
     (Path.touch, "a regular file, not a folder of data files")],
    ids=["link loop", "dangling link", "a file"],
)  # fmt: skip
def test_data_folder_that_is_no_folder(make, fragment, tote, capsys):
    path = tote / "background"
    make(path)
    lcia_refused(capsys, tote, str(path), fragment)


ROOT = os.geteuid() == 0
AS_ROOT = "root reads a chmod 000 path: the monkeypatched and link cases above cover it as root"


@UNCHANGED
@pytest.mark.skipif(ROOT, reason=AS_ROOT)
def test_chmod_000_folder(tote, capsys):
    folder = tote / "background"
    folder.mkdir()
    (folder / "china.yaml").write_text(REPLACING, encoding="utf-8")
    folder.chmod(0)
    try:
        lcia_refused(capsys, tote, f"{folder}: cannot read the folder: Permission denied")
    finally:
        folder.chmod(0o755)


@UNCHANGED
@pytest.mark.skipif(ROOT, reason=AS_ROOT)
def test_chmod_000_file(tote, capsys):
    path = tote / MODEL
    path.chmod(0)
    try:
        lcia_refused(capsys, tote, f"{path}: cannot read file: Permission denied")
    finally:
        path.chmod(0o644)


# ------------------------------------------------------------------ codes in Unicode

NFC = unicodedata.normalize("NFC", "matériaux")
NFD = unicodedata.normalize("NFD", "matériaux")
EXTRA = """\
database: cfp-test-extra
processes:
  - code: {code}
    name: materials
    unit: kg
    source: test
    emissions:
      - {{flow: co2_fossil, amount: {{value: 2, unit: kg/kg}}, source: test}}
"""
BOUGHT = """\
      - input: {ref}
        amount: {{value: 0.1, unit: kg}}
        uncertainty: {{distribution: none}}
        source: test
      - input: cotton
"""


def with_extra(folder: Path, code: str, ref: str) -> Path:
    """The tote buying 0.1 kg of process ``ref`` of a background whose process is ``code``
    (2 kg CO2 per kg: 0.2 kg CO2e more); the background file's path."""
    (folder / "background").mkdir()
    path = folder / "background" / "extra.yaml"
    path.write_text(EXTRA.format(code=code), encoding="utf-8")
    edit(folder, "backgrounds: [cfp-china-background, cfp-china-materials]",
         "backgrounds: [cfp-china-background, cfp-china-materials, cfp-test-extra]")  # fmt: skip
    edit(folder, "      - input: cotton\n", BOUGHT.format(ref=ref))
    return path


@pytest.mark.parametrize(
    ("code", "ref"),
    [(NFD, NFC), (NFC, NFD), ('"mate\\u0301riaux"', NFC), (NFC, '"mat\\u00e9riaux"')],
    ids=["NFD code, NFC reference", "NFC code, NFD reference", "NFD by escape", "NFC by escape"],
)
def test_two_unicode_forms_are_one_code(code, ref, tote, capsys):
    assert NFC != NFD
    with_extra(tote, code, ref)
    assert lcia_total(capsys, tote) == pytest.approx(GROWING + SEWING + 0.1 * 2, rel=1e-12)


@UNCHANGED
def test_two_forms_of_one_code_are_a_duplicate(tote, capsys):
    path = with_extra(tote, NFC, NFC)
    second = EXTRA.format(code=NFD).split("processes:\n")[1]
    path.write_text(path.read_text(encoding="utf-8") + second, encoding="utf-8")
    lcia_refused(capsys, tote, str(path), f"duplicate process code '{NFC}'")


@UNCHANGED
def test_two_forms_of_one_key_are_a_duplicate(tote, capsys):
    path = edit(tote, "parameters:\n", f"parameters:\n  {NFD}: 1\n  {NFC}: 2\n")
    lcia_refused(capsys, tote, str(path), "YAML syntax error at line",
                 "duplicate key", "in another Unicode form")  # fmt: skip


INVISIBLE = {  # a code (or a reference) holding a character that does not show
    "zero-width space in a code": (
        "  - code: cotton\n", '  - code: "cot\\u200bton"\n',
        "code: the code 'cot\\u200bton' contains \\u200b, which prints as nothing"),
    "byte order mark in a code": (
        "  - code: cotton\n", '  - code: "cotton\\ufeff"\n', "contains \\ufeff"),
    "right-to-left override in a code": (
        "  - code: cotton\n", '  - code: "cot\\u202eton"\n', "contains \\u202e"),
    "no-break space in a code": (
        "  - code: cotton\n", '  - code: "cot\\_ton"\n', "contains \\xa0, which prints as"),
    "zero-width space in a reference": (
        "      - input: cotton\n", '      - input: "cot\\u200bton"\n',
        "unknown process reference 'cot\\u200bton'"),
    "ANSI escape in a code": (
        "  - code: cotton\n", '  - code: "cot\\e[31mton"\n',
        "code: the text 'cot\\x1b[31mton' contains \\x1b (a control character"),
    "ANSI escape in a name": (
        "name: tote bag, sewn and shipped", 'name: "tote \\x1b[2Jbag"',
        "entry activities[0] 'tote': name: the text 'tote \\x1b[2Jbag' contains \\x1b"),
    "bell in a source": (
        'source: "bag mass"', 'source: "bag\\amass"', "contains \\x07 (a control character"),
}  # fmt: skip


@UNCHANGED
@pytest.mark.parametrize("case", list(INVISIBLE))
def test_invisible_character_is_refused_and_shown(case, tote, capsys):
    old, new, fragment = INVISIBLE[case]
    path = edit(tote, old, new)
    err = lcia_refused(capsys, tote, str(path), fragment)
    assert "\x1b" not in err and "\u200b" not in err


# ------------------------------------------------------------------ unpaired surrogates

SURROGATES = {
    "in a name": ("name: tote bag, sewn and shipped", 'name: "tote \\ud800bag"'),
    "in a key": ("parameters:\n", 'parameters:\n  "\\udc00": 1\n'),
    "in a code": ("  - code: cotton\n", '  - code: "cotton\\udfff"\n'),
    "a pair as two escapes": ("name: tote bag, sewn and shipped", 'name: "bag \\ud83d\\udc5c"'),
}


@UNCHANGED
@pytest.mark.parametrize("case", list(SURROGATES))
def test_surrogate_is_refused_by_libyaml(case, tote, capsys):
    path = edit(tote, *SURROGATES[case])
    lcia_refused(capsys, tote, str(path), "YAML syntax error at line",
                 "invalid Unicode character escape", "halves of UTF-16 pairs")  # fmt: skip


PURE = {  # the same with PyYAML's pure-Python parser, which lets surrogates through
    "in a name": "entry activities[0] 'tote': name: the text 'tote \\ud800bag' contains \\ud800",
    "in a key": "entry parameters: the key '\\udc00' contains \\udc00 (a surrogate code point",
    "in a code": "code: the text 'cotton\\udfff' contains \\udfff (a surrogate code point",
    "a pair as two escapes": "contains \\ud83d (a surrogate code point, half of a UTF-16 pair "
    "and not a character): write the character itself (\U0001f45c) or \\U0001f45c",
}


@UNCHANGED
@pytest.mark.parametrize("case", list(PURE))
def test_surrogate_is_refused_by_the_pure_python_parser(case, tote, capsys, monkeypatch):
    monkeypatch.setattr(reading, "DataLoader", reading.data_loader(yaml.SafeLoader))
    path = edit(tote, *SURROGATES[case])
    lcia_refused(capsys, tote, str(path), PURE[case])


def test_there_are_cases_of_every_class():
    counts = {"numbers": len(MEANT) + len(NOT_NUMBERS), "files": len(HANGS) + len(SPECIAL),
              "unicode": len(INVISIBLE) + 4, "surrogates": len(SURROGATES) + len(PURE)}  # fmt: skip
    assert all(n >= 4 for n in counts.values()) and sum(counts.values()) >= 40, counts
