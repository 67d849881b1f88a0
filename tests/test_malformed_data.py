"""Malformed data files: exit 2, one line naming file and entry, no traceback, project untouched.

Each case is a real malformed copy of the shipped data (one edit to one file), run through the
command line against a project built from the good files; a checksum of every file of the
Brightway data directory, taken before and after, shows that nothing was written.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from cfp_lca.cli import main
from conftest import brightway_checksum as checksum

GUARD = "cfp_guard_data"
DATA = Path(__file__).resolve().parents[1] / "databases"

FLOWS = "flows.yaml"
AR5 = "methods/ipcc-ar5-gwp100.yaml"
CHINA = "background/china.yaml"
MATERIALS = "background/china-materials.yaml"
REPORT = "foreground/zw32-report.yaml"
DECLARED = "foreground/zw32-report.declared.yaml"
ZW32 = "foreground/zw32.yaml"

LCIA = ["lcia", "zw32-report"]


def line_of(file: str, text: str) -> int:
    """The 1-based line of the shipped ``file`` where ``text`` first appears (expected
    positions follow the data, which other changes move)."""
    lines = (DATA / file).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if text in line)


def first_e_acute(file: str) -> int:
    """The line of the first 'é' once :func:`latin1` has put one in the name on the line
    of 'China national, 2021' (a source text above it may hold one already)."""
    lines = [line_of(file, "China national, 2021")]
    if "é" in (DATA / file).read_text(encoding="utf-8"):
        lines.append(line_of(file, "é"))
    return min(lines)


@dataclass(frozen=True)
class Case:
    """One malformed copy: the file, how it is broken, the command, and what the error says."""

    file: str
    edit: Callable[[Path], None]
    expected: tuple[str, ...]
    command: tuple[str, ...] = tuple(LCIA)
    env: dict[str, str] = field(default_factory=dict)
    fast: bool = False  # must fail within FAST_S seconds (resource exhaustion cases)


FAST_S = 5.0


def replace(old: str, new: str) -> Callable[[Path], None]:
    """An edit: replace the first ``old`` by ``new`` (which must be there)."""

    def edit(path: Path) -> None:
        text = path.read_text(encoding="utf-8")
        assert old in text, f"fixture edit: {old!r} not in {path}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def append(extra: str) -> Callable[[Path], None]:
    """An edit: add text at the end of the file."""

    def edit(path: Path) -> None:
        path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")

    return edit


def write_bytes(content: bytes) -> Callable[[Path], None]:
    """An edit: replace the whole file by these bytes."""

    def edit(path: Path) -> None:
        path.write_bytes(content)

    return edit


def loss(distribution: str) -> Callable[[Path], None]:
    """An edit: another distribution on the process loss of copper wire (amount 1.02 kg/kg)."""
    return replace(LOSS, f"uncertainty: {{{distribution}}}")


def latin1(path: Path) -> None:
    """Re-save a file as Latin-1 with an accented name (a common editor default); characters
    Latin-1 lacks (the Chinese names) become '?', as such an editor would save them."""
    text = path.read_text(encoding="utf-8").replace(
        '"electricity, grid average, China national, 2021"', '"électricité, réseau, Chine, 2021"'
    )
    path.write_bytes(text.encode("latin-1", errors="replace"))


def pad_to(megabytes: float) -> Callable[[Path], None]:
    """An edit: pad the file with comment lines to exactly the given size (valid YAML),
    whatever its size before."""

    def edit(path: Path) -> None:
        line = "# " + "x" * 97 + "\n"
        missing = round(megabytes * 1e6) - path.stat().st_size
        count, rest = divmod(missing, len(line))
        last = "# " + "x" * (rest - 3) + "\n" if rest >= 3 else "\n" * rest
        with path.open("a", encoding="utf-8") as handle:
            handle.write(line * count + last)
        assert path.stat().st_size == round(megabytes * 1e6)

    return edit


BOMB = "".join(
    f"{a}: &{a} [{', '.join([f'*{b}'] * 9) if b else ', '.join(['x'] * 9)}]\n"
    for a, b in zip("abcdefghi", [None, *"abcdefgh"], strict=True)
)

LOOP = """
  - code: loop_a
    name: loop a
    inputs:
      - {{input: loop_b, amount: {{value: {ab}, unit: unit}}, source: "test loop"}}
  - code: loop_b
    name: loop b
    inputs:
      - {{input: loop_a, amount: {{value: {ba}, unit: unit}}, source: "test loop"}}
"""

BACKGROUND_LOOP = """
  - code: loop_p
    name: loop p
    unit: kg
    source: test
    inputs:
      - {input: loop_q, amount: {value: 1, unit: kg/kg}, source: "test loop"}
  - code: loop_q
    name: loop q
    unit: kg
    source: test
    inputs:
      - {input: loop_p, amount: {value: 1, unit: kg/kg}, source: "test loop"}
"""

RAW = "activities[1] 'raw_materials' > inputs[0] 'electricity_cn_national_2022' > annual_amount"
CHINA_2021 = "processes[0] 'electricity_cn_national_2021' > emissions[0] 'co2_fossil'"
WIRE = "processes[3] 'copper_wire_drawn_cn' > inputs[0] 'copper_cathode_primary_cn'"
COPPER_MIX = "activities[1] 'copper_mix' > inputs[0] 'copper_cathode_primary_cn'"
LOSS = 'uncertainty: {distribution: lognormal, gsd: 1.05, source: "estimate of process loss"}'
CU_AMOUNT = "{value: 1.02, unit: kg/kg}"
CF_N2O = '{flow: n2o, value: 265, unit: kg CO2e / kg, source: "IPCC AR5 WG1 Table 8.A.1"}'
PRIMARY = 'formula: "1 - R1_copper"'
UNIFORM_300_400 = "distribution: uniform, minimum: 300, maximum: 400"

CASES: dict[str, Case] = {
    # ------------------------------------------------------------ syntax
    "syntax: unclosed quote": Case(
        CHINA,
        replace('name: "electricity, grid average, China national, 2021"',
                'name: "electricity, grid average, China national, 2021'),
        ("YAML syntax error at line",),
    ),
    "syntax: duplicate key": Case(
        REPORT,
        replace("{value: 10593.054, unit: kWh}", "{value: 10593.054, value: 1, unit: kWh}"),
        (f"YAML syntax error at line {line_of(REPORT, '{value: 10593.054, unit: kWh}')}, "
         "column 43", "duplicate key 'value'"),
    ),
    "syntax: control character": Case(
        CHINA, replace("China national, 2021", "China\x07national, 2021"),
        (f"YAML syntax error at line {line_of(CHINA, 'China national, 2021')}",
         "#x0007 is not allowed"),
    ),
    "syntax: nested too deeply": Case(
        AR5, write_bytes(b"id: " + b"[" * 50000 + b"]" * 50000 + b"\n"),
        ("nested too deeply",), fast=True,
    ),
    # ------------------------------------------------------------ types
    "type: quoted number": Case(
        REPORT, replace("{value: 10561464.084, unit: kWh}", "{value: '10561464.084', unit: kWh}"),
        (RAW, "value: expected a number, got the text '10561464.084'", "remove the quotes"),
    ),
    "type: bool as a number": Case(
        CHINA, replace("{value: 0.5568, unit: kg/kWh}", "{value: true, unit: kg/kWh}"),
        (CHINA_2021, "value: expected a number, got true"),
    ),
    "type: amount true": Case(
        ZW32, replace("{input: breaker_housing, amount: {value: 1, unit: unit}",
                      "{input: breaker_housing, amount: true"),
        ("activities[0] 'zw32_set' > inputs[0] 'breaker_housing'",
         "amount: expected a mapping of fields, got true"),
    ),
    "type: list as a number": Case(
        AR5, replace("{flow: n2o, value: 265,", "{flow: n2o, value: [265],"),
        ("factors[4] 'n2o'", "value: expected a number, got a list"),
    ),
    "type: bool as a pedigree score": Case(
        REPORT, replace("pedigree: {reliability: 2, completeness: 3,",
                        "pedigree: {reliability: true, completeness: 3,"),
        ("activities[1] 'raw_materials' > inputs[0] 'electricity_cn_national_2022' > pedigree",
         "reliability: expected a whole number, got true"),
    ),
    "type: fractional pedigree score": Case(
        REPORT, replace("pedigree: {reliability: 2, completeness: 3,",
                        "pedigree: {reliability: 2.5, completeness: 3,"),
        ("> pedigree", "reliability: expected a whole number, got 2.5"),
    ),
    "type: quoted year": Case(
        AR5, replace("year: 2013", 'year: "2013"'),
        ("year: expected a whole number, got the text '2013'", "remove the quotes"),
    ),
    "type: number as a code": Case(
        CHINA, replace("code: electricity_cn_national_2021", "code: 2021"),
        ("entry processes[0]", "code: expected a text, got 2021"),
    ),
    "type: text as a bool": Case(
        ZW32, replace("unit: kg, credit: true,", 'unit: kg, credit: "yes",'),
        ("activities[24] 'eol_copper' > inputs[4] 'copper_cathode_primary_cn'",
         "credit: expected true or false, got the text 'yes'"),
    ),
    # ------------------------------------------------------------ references
    "reference: unknown flow of a factor": Case(
        AR5, replace("{flow: n2o,", "{flow: n2o_typo,"),
        ("factors[4] 'n2o_typo'", "unknown flow 'n2o_typo'"),
    ),
    "reference: unknown process in a background": Case(
        MATERIALS, replace("      - input: copper_cathode_primary_cn\n        amount: {value: 1.02",
                           "      - input: copper_cathode_typo\n        amount: {value: 1.02"),
        ("processes[3] 'copper_wire_drawn_cn' > inputs[0] 'copper_cathode_typo'",
         "unknown process 'copper_cathode_typo' in cfp-china-materials"),
    ),
    "reference: unknown stage in declared figures": Case(
        DECLARED, replace("stage: raw_materials, printed: \"1317.3597\"",
                          "stage: raw_material, printed: \"1317.3597\""),
        ("figures[3] 'abstract_raw_materials'", "unknown stage 'raw_material'"),
    ),
    "reference: unknown parameter": Case(
        ZW32, replace("formula: n_interrupters,", "formula: n_interruptors,"),
        ("inputs[2] 'vacuum_interrupter'", "unknown parameter 'n_interruptors'"),
    ),
    "reference: unknown method": Case(
        REPORT, replace("method: ipcc-ar5-gwp100", "method: ipcc-ar9"),
        ("entry method", "unknown method 'ipcc-ar9'"),
    ),
    "reference: unknown background": Case(
        REPORT, replace("backgrounds: [cfp-china-background]", "backgrounds: [cfp-china-bg]"),
        ("entry backgrounds", "unknown background database 'cfp-china-bg'"),
    ),
    "reference: unknown reference activity": Case(
        REPORT, replace("reference_activity: zw32_set", "reference_activity: zw32_sett"),
        ("entry reference_activity", "unknown activity 'zw32_sett'"),
    ),
    "reference: 'when' with a choice that does not exist": Case(
        ZW32, replace("when: {end_of_life: cut_off}", "when: {end_of_life: cut_of}"),
        (COPPER_MIX, "'when'", "'cut_of' is not a choice of option 'end_of_life'"),
    ),
    "reference: 'when' with an unknown option": Case(
        ZW32, replace("when: {use_stage: true}", "when: {use_phase: true}"),
        ("activities[0] 'zw32_set' > inputs[14] 'use_stage'",
         "'when' names unknown option 'use_phase'"),
    ),
    # ------------------------------------------------------------ units
    "unit: unknown": Case(
        ZW32, replace("m_busbar: {value: 9, unit: kg,", "m_busbar: {value: 9, unit: kgg,"),
        ("parameters > m_busbar", "unknown unit 'kgg'"),
    ),
    "unit: dimensionless where mass": Case(
        REPORT, replace("{value: 15192.179, unit: kg}", "{value: 15192.179, unit: dimensionless}"),
        ("activities[2] 'raw_material_transport'",
         "unit mismatch: dimensionless cannot be expressed in kg", "needed: kg per unit"),
    ),
    "unit: parameter of the wrong dimension in a formula": Case(
        ZW32, replace("m_wiring: {value: 3, unit: kg,", "m_wiring: {value: 3, unit: kWh,"),
        ("parameters > m_cable", "formula 'm_cables + m_wiring"),
    ),
    "unit: offset temperature": Case(
        ZW32, replace("m_busbar: {value: 9, unit: kg,", "m_busbar: {value: 9, unit: degC,"),
        ("parameters > m_busbar", "unit 'degC' has an offset"),
    ),
    "unit: power of a power": Case(
        CHINA, replace("{value: 0.5568, unit: kg/kWh}",
                       "{value: 0.5568, unit: kg/kWh ** 10 ** 10 ** 10}"),
        (CHINA_2021, "raises a power to a power"), fast=True,
    ),
    "unit: empty": Case(
        CHINA, replace("{value: 0.5568, unit: kg/kWh}", "{value: 0.5568, unit: ''}"),
        (CHINA_2021 + " > amount", "unit: must not be empty"),
    ),
    # ------------------------------------------------------------ values
    "value: .nan factor": Case(
        AR5, replace("{flow: n2o, value: 265,", "{flow: n2o, value: .nan,"),
        ("factors[4] 'n2o'", "value: must be a finite number, got nan"),
    ),
    "value: .inf annual amount": Case(
        REPORT, replace("{value: 10561464.084, unit: kWh}", "{value: .inf, unit: kWh}"),
        (RAW, "value: must be a finite number, got inf"),
    ),
    "value: negative emission": Case(
        CHINA, replace("{value: 0.5568, unit: kg/kWh}", "{value: -0.5568, unit: kg/kWh}"),
        (CHINA_2021, "negative amount -0.5568 kg"),
    ),
    "value: zero functional unit": Case(
        REPORT, replace("functional_unit: {amount: 1,", "functional_unit: {amount: 0,"),
        ("entry functional_unit", "amount: must be greater than 0, got 0"),
    ),
    "value: year out of range": Case(
        CHINA, replace("year: 2021", "year: 20211"),
        ("entry processes[0] 'electricity_cn_national_2021'",
         "year: must be less than or equal to 2100, got 20211"),
    ),
    "value: amount overflows on conversion": Case(
        MATERIALS, replace(CU_AMOUNT, "{value: 1.0e306, unit: t/kg}"),
        (WIRE, "1e+306 t / kg is not a finite number in (kg) / (kg) (overflow)"),
    ),
    "value: printed figure nan": Case(
        DECLARED, replace('printed: "1317.3597"', 'printed: "nan"'),
        ("figures[3] 'abstract_raw_materials'", "printed: 'nan' is not a finite number"),
    ),
    "value: empty code": Case(
        REPORT, replace("code: production\n", "code: ''\n"),
        ("entry activities[3]", "code: must not be empty"),
    ),
    "value: code with a colon": Case(
        REPORT, replace("code: production\n", "code: 'cfp:production'\n"),
        ("entry activities[3] 'cfp:production'", "contains ':'"),
    ),
    "value: unit beside an amount": Case(
        REPORT, replace("{input: raw_materials, amount: {value: 1, unit: unit}, source:",
                        "{input: raw_materials, amount: {value: 1, unit: unit}, unit: kg, source:"),
        ("activities[0] 'zw32_set' > inputs[0] 'raw_materials'", "unit belongs to a formula only"),
    ),
    "value: parameter name unusable in formulas": Case(
        ZW32, replace("  m_busbar: {value: 9,", "  m-busbar: {value: 9,"),
        ("parameters > m-busbar", "parameter name 'm-busbar' cannot be used in a formula"),
    ),
    # ------------------------------------------------------------ distributions
    "distribution: lognormal sigma 0": Case(
        MATERIALS, loss("distribution: lognormal, sigma: 0"),
        (WIRE, "uncertainty: lognormal with sigma 0 has no spread", "give sigma > 0"),
    ),
    "distribution: on a parameter of the functional unit": Case(
        ZW32,
        replace('source: "reference service life (functional_unit): 20 years", description',
                'source: "reference service life (functional_unit): 20 years", uncertainty: '
                '{distribution: triangular, minimum: 15, maximum: 30}, description'),
        ("functional_unit > parameters 'service_life'", "cannot be uncertain",
         "another functional unit"),
    ),
    "distribution: lognormal gsd 1": Case(
        MATERIALS, loss("distribution: lognormal, gsd: 1"),
        (WIRE, "uncertainty: lognormal with gsd 1 has no spread", "give gsd > 1"),
    ),
    "distribution: gsd below 1": Case(
        MATERIALS, loss("distribution: lognormal, gsd: 0.5"),
        (WIRE, "gsd (a geometric standard deviation) must be above 1, got 0.5"),
    ),
    "distribution: normal with zero cv": Case(
        MATERIALS, loss("distribution: normal, cv: 0"),
        (WIRE, "normal with cv 0 has no spread"),
    ),
    "distribution: negative sd": Case(
        MATERIALS, loss("distribution: normal, sd: -0.1"),
        (WIRE, "sd must be positive, got -0.1"),
    ),
    "distribution: minimum above maximum": Case(
        MATERIALS, loss("distribution: uniform, minimum: 1.1, maximum: 1"),
        (WIRE, "minimum must be below maximum, got minimum 1.1 > maximum 1"),
    ),
    "distribution: minimum equal to maximum": Case(
        MATERIALS, loss("distribution: uniform, minimum: 1.02, maximum: 1.02"),
        (WIRE, "uniform with minimum = maximum = 1.02 has no spread"),
    ),
    "distribution: amount outside the bounds": Case(
        MATERIALS, loss("distribution: triangular, minimum: 1.1, maximum: 2"),
        (WIRE, "uncertainty: amount 1.02 lies outside [1.1, 2]"),
    ),
    "distribution: unknown name": Case(
        MATERIALS, loss("distribution: lognormall, gsd: 1.05"),
        (WIRE, "distribution: the text 'lognormall' is not one of 'none', 'lognormal'"),
    ),
    "distribution: parameter of another distribution": Case(
        MATERIALS, loss("distribution: lognormal, gsd: 1.05, minimum: 1"),
        (WIRE, "lognormal takes gsd or sigma, not minimum"),
    ),
    "distribution: pedigree score out of range": Case(
        REPORT, replace("pedigree: {reliability: 2, completeness: 3,",
                        "pedigree: {reliability: 6, completeness: 3,"),
        ("> pedigree", "reliability: a pedigree score is 1, 2, 3, 4 or 5, got 6"),
    ),
    "distribution: pedigree without spread": Case(
        REPORT, replace(
            "pedigree: {reliability: 2, completeness: 3, temporal: 1, geographical: 1, "
            "technological: 5, basic_variance: 0.0006,",
            "pedigree: {reliability: 1, completeness: 1, temporal: 1, geographical: 1, "
            "technological: 1, basic_variance: 0,"),
        (RAW.removesuffix(" > annual_amount"),
         "pedigree: pedigree scores all 1 with basic_variance 0 give no spread"),
    ),
    "distribution: characterization factor outside its bounds": Case(
        AR5, replace(CF_N2O, CF_N2O[:-1] + ", uncertainty: {" + UNIFORM_300_400 + "}}"),
        ("factors[4] 'n2o'", "uncertainty: amount 265 lies outside [300, 400]"),
    ),
    # ------------------------------------------------------------ formulas
    "formula: division by zero": Case(
        ZW32, replace(PRIMARY, 'formula: "1 / (1 - Qs_Qp)"'),
        (COPPER_MIX, "formula '1 / (1 - Qs_Qp)': division by zero ('1 - Qs_Qp')"),
    ),
    "formula: overflow to inf": Case(
        ZW32, replace(PRIMARY, 'formula: "R1_copper * 1e308 * 10"'),
        (COPPER_MIX, "overflows: the result is not a finite number"),
    ),
    "formula: huge exponent": Case(
        ZW32, replace(PRIMARY, 'formula: "R1_copper * 10 ** 10 ** 10"'),
        (COPPER_MIX, "exponent 1e+10 is larger than the limit of 100"), fast=True,
    ),
    "formula: syntax error": Case(
        ZW32, replace(PRIMARY, 'formula: "1 - * R1_copper)"'),
        (COPPER_MIX, "formula '1 - * R1_copper)' is not valid arithmetic"),
    ),
    "formula: attribute access": Case(
        ZW32, replace(PRIMARY, 'formula: "R1_copper.__class__"'),
        (COPPER_MIX, "may only use numbers, parameters and + - * / **",
         "('R1_copper.__class__' is not allowed)"),
    ),
    "formula: call": Case(
        ZW32, replace(PRIMARY, "formula: \"__import__('os').getpid()\""),
        (COPPER_MIX, "('__import__('os').getpid()' is not allowed)"),
    ),
    "formula: lambda": Case(
        ZW32, replace(PRIMARY, 'formula: "(lambda: 1)()"'),
        (COPPER_MIX, "'(lambda: 1)()' is not allowed"),
    ),
    "formula: negative base to a fractional power": Case(
        ZW32, replace(PRIMARY, 'formula: "(-R1_copper) ** 0.5"'),
        (COPPER_MIX, "a negative number to a fractional power is not real"),
    ),
    "formula: too long": Case(
        ZW32, replace(PRIMARY, 'formula: "' + " + ".join(["R1_copper"] * 200) + '"'),
        (COPPER_MIX, "longer than the limit of 2000"),
    ),
    "formula: parameter overflows": Case(
        ZW32, replace("m_vi_copper: {value: 0.45,", "m_vi_copper: {value: 1.0e308,"),
        ("entry parameters > m_copper", "overflows", "('n_interrupters * m_vi_copper')"),
    ),
    # ------------------------------------------------------------ matrix structure
    "matrix: singular foreground loop": Case(
        REPORT, append(LOOP.format(ab=1, ba=1)),
        ("entry activities 'loop_a', 'loop_b'", "singular technosphere"),
    ),
    "matrix: near-singular foreground loop": Case(
        REPORT, append(LOOP.format(ab=1, ba=0.9999999)),
        ("entry activities 'loop_a', 'loop_b'", "near-singular technosphere",
         "takes 1e+07 units of it around the loop"),
    ),
    "matrix: loop consuming more than it makes": Case(
        REPORT, append(LOOP.format(ab=2, ba=1)),
        ("entry activities 'loop_a', 'loop_b'", "consumes more than it produces (loop gain 1.414"),
    ),
    "matrix: activity using its own product": Case(
        REPORT, replace("{input: production, amount: {value: 1, unit: unit}, source:",
                        "{input: zw32_set, amount: {value: 1, unit: unit}, source:"),
        ("entry activities 'zw32_set'", "singular technosphere"),
    ),
    "matrix: singular background loop": Case(
        CHINA, append(BACKGROUND_LOOP),
        ("entry processes 'loop_p', 'loop_q'", "singular technosphere"),
    ),
    "matrix: singular only in an option variant": Case(
        ZW32, replace(
            'source: "CFF material input: R1 A Erec", uncertainty: {distribution: none}}\n',
            'source: "CFF material input: R1 A Erec", uncertainty: {distribution: none}}\n'
            '      - {input: copper_mix, amount: {value: 1, unit: kg/kg}, '
            'when: {end_of_life: cff}, source: "test loop", uncertainty: {distribution: none}}\n'),
        ("entry activities 'copper_mix'", "singular technosphere"),
        command=("lcia", "zw32", "--eol", "cff"),
    ),
    # ------------------------------------------------------------ size and encoding
    "size: file above the default limit": Case(
        REPORT, pad_to(5.51),
        ("file is 5.51 MB, above the limit of 5 MB", "set CFP_LCA_MAX_FILE_MB"), fast=True,
    ),
    "size: file above a lowered limit": Case(
        MATERIALS, write_bytes(b"# " + b"x" * 99_997 + b"\n"),  # 100,000 bytes; every
        # shipped file is smaller than the lowered limit (the largest, zw32.yaml, 91 kB)
        ("file is 0.1 MB, above the limit of 0.095 MB", "CFP_LCA_MAX_FILE_MB"),
        env={"CFP_LCA_MAX_FILE_MB": "0.095"},
    ),
    "size: alias bomb": Case(
        AR5, write_bytes(BOMB.encode()),
        ("expand to more than 1,000,000 entries",), fast=True,
    ),
    "size: recursive alias": Case(
        AR5, write_bytes(b"id: &a [*a]\n"),
        ("a YAML alias contains itself",),
    ),
    "encoding: binary file": Case(
        REPORT, write_bytes(bytes(range(256)) * 4),
        ("binary file, not YAML text",),
    ),
    "encoding: latin-1 file": Case(
        CHINA, latin1,
        (f"not UTF-8 text (byte 0xe9 on line {first_e_acute(CHINA)})",
         "save the file as UTF-8"),
    ),
    "shape: empty file": Case(
        AR5, write_bytes(b""),
        ("the file is empty",),
    ),
    "shape: top-level list": Case(
        FLOWS, write_bytes(b"- co2_fossil\n- ch4_fossil\n"),
        ("expected a mapping of fields at the top of the file, got a list",),
    ),
    "shape: empty list of flows": Case(
        FLOWS, write_bytes(b"database: cfp-biosphere\nflows: []\n"),
        ("flows: needs at least 1 item, got none",),
    ),
}  # fmt: skip


@pytest.fixture(scope="module")
def guard_project() -> str:
    """The shipped data built into project GUARD of the session's Brightway directory."""
    assert main(["build", "--data", str(DATA), "--project", GUARD]) == 0
    return GUARD


@pytest.mark.parametrize("name", list(CASES))
def test_malformed_data_is_one_clear_error(name, data_copy, guard_project, capsys, monkeypatch):
    case = CASES[name]
    for key, value in case.env.items():
        monkeypatch.setenv(key, value)
    case.edit(data_copy / case.file)
    before = checksum()
    capsys.readouterr()
    start = time.perf_counter()
    code = main([*case.command, "--data", str(data_copy), "--project", guard_project])
    elapsed = time.perf_counter() - start
    out, err = capsys.readouterr()
    assert code == 2, err
    assert err.startswith("cfp-lca: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in out + err
    assert str(data_copy / case.file) in err, err
    for fragment in case.expected:
        assert fragment in err, f"{fragment!r} not in {err!r}"
    if case.fast:
        assert elapsed < FAST_S, f"took {elapsed:.1f} s"
    assert checksum() == before


def test_there_are_cases_of_every_class():
    """At least 35 cases, spread over every class of malformed data."""
    classes = {name.split(":")[0] for name in CASES}
    assert len(CASES) >= 35
    wanted = {"syntax", "type", "reference", "unit", "value", "distribution", "formula"}
    assert classes >= wanted | {"matrix", "size", "encoding", "shape"}


def test_the_shipped_data_still_load_and_variants_pass_the_matrix_check(catalog):
    """The checks refuse nonsense only: every shipped model and option variant passes."""
    from cfp_lca.model.loading import model_variant
    from cfp_lca.model.structure import check_model

    for model in catalog.models.values():
        check_model(catalog, model)
    for eol in ("cut_off", "avoided_burden", "cff"):
        for use in (False, True):
            check_model(
                catalog, model_variant(catalog, "zw32", {"end_of_life": eol, "use_stage": use})
            )


def test_a_bad_size_limit_is_one_clear_error(data_copy, guard_project, capsys, monkeypatch):
    """The size limit itself is checked: the message names the variable and what it needs."""
    monkeypatch.setenv("CFP_LCA_MAX_FILE_MB", "lots")
    before = checksum()
    assert main([*LCIA, "--data", str(data_copy), "--project", guard_project]) == 2
    err = capsys.readouterr().err
    assert (
        err == "cfp-lca: error: CFP_LCA_MAX_FILE_MB=lots: must be a positive number of megabytes\n"
    )
    assert checksum() == before


def test_the_checksum_sees_a_write(guard_project, capsys):
    """Control: a good variant run writes its database, and the checksum changes."""
    before = checksum()
    assert main(["lcia", "zw32", "--eol", "cff", "--project", guard_project]) == 0
    capsys.readouterr()
    assert checksum() != before


def loop(amounts: dict[tuple[str, str], float]) -> list:
    """Processes p, q, ... of database 'db' with technosphere inputs {(user, supplier): amount}."""
    from cfp_lca.model.objects import Exchange, Process

    codes = sorted({code for pair in amounts for code in pair})
    return [
        Process("db", code, code, "kg", tuple(
            Exchange("db", supplier, amount, "kg", "technosphere", {}, None, "test")
            for (user, supplier), amount in amounts.items() if user == code
        ))
        for code in codes
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("amounts", "accepted"),
    [
        ({("p", "q"): 1000.0, ("q", "p"): 1e-4}, True),  # t and kg: large numbers, gain 0.32
        ({("p", "q"): 0.5, ("q", "p"): -1.0}, True),  # a credit in the loop
        ({("p", "q"): 0.99999, ("q", "p"): 1.0}, True),  # multiplier 1e5: within the limit
        ({("p", "q"): 0.9999999, ("q", "p"): 1.0}, False),  # multiplier 1e7: near-singular
        ({("p", "p"): 0.05}, True),  # own use (losses) of 5 %
        ({("p", "p"): 1.0}, False),  # all of its own product
        ({("p", "q"): 0.1, ("q", "r"): 10.0, ("r", "p"): 1.0}, False),  # gain 1 in three steps
    ],
)
def test_matrix_check_tolerance(amounts, accepted):
    """Singular and near-singular loops are refused, whatever the units; others pass."""
    from cfp_lca.errors import InputError
    from cfp_lca.model.structure import check_technosphere

    processes = loop(amounts)
    if accepted:
        check_technosphere(processes, "f.yaml", "processes")
    else:
        with pytest.raises(InputError, match=r"f\.yaml: entry processes 'p'"):
            check_technosphere(processes, "f.yaml", "processes")


def test_formula_bounds_return_at_once():
    """Exponent towers, overflow and division by zero fail fast with a FormulaProblem."""
    from cfp_lca.model.formula import FormulaProblem, evaluate

    start = time.perf_counter()
    for text in ("e * 10 ** 10 ** 10", "9 ** 9 ** 9 ** 9", "1e308 * 10", "e / (e - e)", "1" * 500):
        with pytest.raises(FormulaProblem):
            evaluate(text, {"e": 2.718281828459045})
    assert time.perf_counter() - start < 1.0


def test_control_character_after_chinese_is_on_its_own_line(tmp_path):
    """libyaml counts UTF-8 bytes: a control character after Chinese text is still reported
    on the line that holds it (line 3 here), not a later one."""
    from cfp_lca.errors import InputError
    from cfp_lca.model.reading import parse_yaml

    text = "a: " + "中文" * 40 + "\nb: 说明\nc: x\x07y\nd: z\n"
    with pytest.raises(InputError, match=r"at line 3: character #x0007"):
        parse_yaml(tmp_path / "f.yaml", text)
