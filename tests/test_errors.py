"""Bad input: one clear message naming file, entry and problem; exit 2; no project changed.

Each case is a real malformed file: a copy of the shipped data with one edit.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cfp_lca.cli import main

GUARD = "cfp_guard"


def edit(root: Path, relative: str, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture edit: {old!r} not in {relative}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


REPORT = "foreground/zw32-report.yaml"
CHINA = "background/china.yaml"
AR5 = "methods/ipcc-ar5-gwp100.yaml"

CASES = {
    "yaml syntax": (
        REPORT, "stages:\n", "stages: [\n",
        [REPORT, "YAML syntax error at line"],
    ),
    "missing field": (
        AR5, ', source: "IPCC AR5 WG1 Table 8.A.1: reference gas"', "",
        [AR5, "factors[0] 'co2_fossil'", "required field 'source' is missing"],
    ),
    "unknown flow": (
        CHINA, "      - flow: co2_fossil\n", "      - flow: co2_fosil\n",
        [CHINA, "emissions[0] 'co2_fosil'", "unknown flow 'co2_fosil'"],
    ),
    "unknown process reference": (
        REPORT, "input: diesel_combustion_report", "input: diesel_combustion_typo",
        [REPORT, "raw_material_transport", "unknown process reference 'diesel_combustion_typo'"],
    ),
    "unit mismatch of an amount": (
        REPORT, "{value: 15192.179, unit: kg}", "{value: 15192.179, unit: MJ}",
        [REPORT, "raw_material_transport", "unit mismatch"],
    ),
    "factor per MJ used per kg": (
        CHINA, "formula: emission_factor * net_calorific_value", "formula: emission_factor",
        [CHINA, "diesel_combustion_report", "unit mismatch: kg / MJ cannot be expressed in kg/kg"],
    ),
    "unknown unit": (
        REPORT, "{value: 10593.054, unit: kWh}", "{value: 10593.054, unit: kWhh}",
        [REPORT, "production", "unknown unit 'kWhh'"],
    ),
    "negative amount": (
        REPORT, "{value: 10593.054, unit: kWh}", "{value: -10593.054, unit: kWh}",
        [REPORT, "activities[3] 'production'", "negative amount"],
    ),
    "non-finite amount": (
        REPORT, "{value: 10593.054, unit: kWh}", "{value: .nan, unit: kWh}",
        [REPORT, "activities[3] 'production'", "finite"],
    ),
    "zero annual output": (
        REPORT, "annual_output: {value: 4302,", "annual_output: {value: 0,",
        [REPORT, "allocation > annual_output", "annual output must be positive"],
    ),
    "duplicate code": (
        CHINA, "code: electricity_cn_national_2021", "code: electricity_cn_national_2022",
        [CHINA, "duplicate process code 'electricity_cn_national_2022'"],
    ),
    "unknown field": (
        REPORT, "annual_amount: {value: 15192.179", "anual_amount: {value: 15192.179",
        [REPORT, "raw_material_transport", "unknown field 'anual_amount'"],
    ),
    "unknown stage": (
        REPORT, "stage: end_of_life\n", "stage: disposal\n",
        [REPORT, "end_of_life", "unknown stage 'disposal'"],
    ),
}  # fmt: skip


@pytest.fixture(scope="module")
def guard_project(built):
    """A project built from the good files; failures must leave it exactly as it is."""
    import bw2data as bd

    from cfp_lca.brightway.project import open_project
    from cfp_lca.brightway.writing import write_catalog

    open_project(GUARD)
    write_catalog(built)
    return {name: dict(bd.databases[name]) for name in bd.databases}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_one_clear_error(case, data_copy, guard_project, capsys):
    import bw2data as bd

    relative, old, new, expected = CASES[case]
    edit(data_copy, relative, old, new)
    code = main(["lcia", "zw32-report", "--data", str(data_copy), "--project", GUARD])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("cfp-lca: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    for fragment in expected:
        fragment = str(data_copy / fragment) if fragment == relative else fragment
        assert fragment in err, f"{fragment!r} not in {err!r}"
    bd.projects.set_current(GUARD)
    assert {name: dict(bd.databases[name]) for name in bd.databases} == guard_project


def test_unknown_model_and_method(built, capsys):
    assert main(["lcia", "no-such-model", "--project", GUARD]) == 2
    assert "unknown model 'no-such-model'" in capsys.readouterr().err
    assert main(["lcia", "zw32-report", "--method", "gwp-typo", "--project", GUARD]) == 2
    assert "unknown method 'gwp-typo'" in capsys.readouterr().err
