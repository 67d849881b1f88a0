"""The study report holds every element ISO 14067:2018 clause 7 (GB/T 24067-2024) asks for, in
clause order, for a model written here (not a breaker: its own stages, direct emissions, a
recycling credit, no declared figures), with numbers derived by hand from its data.

The kettle: making burns 2 kWh of the 2022 national grid (0.5366 kgCO2/kWh, the shipped factor)
and emits 0.001 kg SF6 (GWP100 23500, IPCC AR5 WG1 Table 8.A.1) = 1.0732 + 23.5 kgCO2e; disposal
emits 0.2 kg biogenic CO2 (characterized 0) and recovers 1 kWh credited at the grid factor
(-0.5366). Total 24.0366 kgCO2e."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "databases"
GRID = 0.5366  # kgCO2e/kWh, electricity_cn_national_2022 (databases/background/china.yaml)
SF6 = 23500.0  # IPCC AR5 WG1 Table 8.A.1
MAKING = 2 * GRID + 0.001 * SF6
CREDIT = -1 * GRID
TOTAL = MAKING + CREDIT

KETTLE = """\
model: kettle
database: cfp-kettle
name: electric kettle
name_zh: 电热水壶
functional_unit:
  amount: 1
  unit: unit
  description: "boiling 1 litre of water 1000 times"
  description_zh: 烧开 1 升水 1000 次
  function: {en: "boiling water", zh: 烧水}
  reference_flow: {en: "one kettle", zh: 一台电热水壶}
  reference_service_life: {value: 3, unit: year, source: "assumed"}
study:
  goal: {en: "Know the footprint of the kettle", zh: 了解电热水壶的碳足迹}
  intended_application: {en: "eco-design", zh: 生态设计}
  reasons: {en: "customer request", zh: 客户要求}
  audience: {en: "design team", zh: 设计团队}
  author: "A. Author"
  issuer: {en: "Kettle Works Ltd", zh: 水壶工厂有限公司}
  report_number: "KW-2026-001"
  system_boundary: {en: "cradle to grave", zh: 从摇篮到坟墓}
  exclusions:
    - {item: {en: packaging, zh: 包装}, reason: {en: "below the threshold", zh: 低于阈值}, share: "< 1 %"}
  cut_off_threshold: 0.05
  allocation: {en: "no co-products", zh: 无共生产品}
  electricity: {en: "national grid mix 2022", zh: 2022 年全国电网平均}
  end_of_life: {en: "avoided burden for recovered energy", zh: 回收能量按避免负荷法}
  assumptions: [{en: "one use per day", zh: 每天使用一次}]
  limitations: [{en: "estimated masses", zh: 质量为估计值}]
  value_choices: [{en: "GWP100", zh: 百年全球变暖潜势}]
translations:
  zh: {body: 壶体, end: 废弃处理, making: 制造, disposal: 处置}
reference_activity: kettle
method: ipcc-ar5-gwp100
backgrounds: [cfp-china-background]
stages:
  - {code: fab, name: making, name_zh: 制造}
  - {code: disposal, name: disposal, name_zh: 废弃处置}
activities:
  - code: kettle
    name: kettle
    inputs:
      - {input: make, amount: {value: 1, unit: unit}, source: structure}
      - {input: dispose, amount: {value: 1, unit: unit}, source: structure}
  - code: make
    name: making
    stage: fab
    part: body
    inputs:
      - {input: electricity_cn_national_2022, amount: {value: 2, unit: kWh}, source: metered, data_type: primary, uncertainty: {distribution: lognormal, gsd: 1.2}}
    emissions:
      - {flow: sf6, amount: {value: 0.001, unit: kg}, source: estimate, data_type: estimate, uncertainty: {distribution: lognormal, gsd: 1.5}}
  - code: dispose
    name: disposal
    stage: disposal
    part: end
    inputs:
      - {input: electricity_cn_national_2022, amount: {value: -1, unit: kWh}, credit: true, source: recovered, data_type: estimate, uncertainty: {distribution: none}}
    emissions:
      - {flow: co2_non_fossil, amount: {value: 0.2, unit: kg}, source: estimate, data_type: estimate, uncertainty: {distribution: none}}
"""  # noqa: E501


def write_kettle_data(root: Path) -> Path:
    """The shipped flows, methods and national grid factors, and the kettle model."""
    data = root / "databases"
    for part in ("flows.yaml", "methods", "background/china.yaml"):
        (data / part).parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if (DATA / part).is_dir() else shutil.copy)(DATA / part, data / part)
    (data / "foreground").mkdir()
    (data / "foreground" / "kettle.yaml").write_text(KETTLE, encoding="utf-8")
    return data


@pytest.fixture(scope="module")
def kettle_study(tmp_path_factory):
    """The kettle's study (400 Monte Carlo runs) in its own project (restored afterwards)."""
    import bw2data as bd

    from cfp_lca.brightway.project import open_project
    from cfp_lca.brightway.writing import ensure_model, write_catalog
    from cfp_lca.calc.study import run_study
    from cfp_lca.model.loading import load_catalog

    before = bd.projects.current
    catalog = load_catalog(write_kettle_data(tmp_path_factory.mktemp("kettle")))
    open_project("cfp_kettle_report")
    write_catalog(catalog)
    model = catalog.models["kettle"]
    ensure_model(catalog, model)
    study = run_study(catalog, model, catalog.methods["ipcc-ar5-gwp100"], 400, 1,
                      ("foreground",), None, sobol_n=64, group=False)  # fmt: skip
    yield catalog, study
    open_project(before)


@pytest.fixture(scope="module")
def kettle_report(kettle_study, tmp_path_factory):
    from cfp_lca.present.report import write_report

    catalog, study = kettle_study
    out = tmp_path_factory.mktemp("kettle_report")
    paths = write_report(study, catalog, out / "en", formats=("md", "html", "csv", "xlsx"),
                         date="2026-01-02")  # fmt: skip
    return paths, (out / "en" / "report.md").read_text(encoding="utf-8")


# clause-7 elements, in report order: (heading, a text the section must hold)
REQUIRED = [
    ("Goal of the study", "Know the footprint of the kettle"),
    ("Functional unit and reference flow", "Reference service life"),
    ("Product description and bill of materials", "Bill of materials"),
    ("System boundary and life-cycle stages", "cradle to grave"),
    ("Cut-off criteria", "5.00 %"),
    ("Allocation and end of life", "avoided burden for recovered energy"),
    ("Treatment of electricity", "national grid mix 2022"),
    ("Data and data quality", "primary"),
    ("Impact assessment: climate change only", "single impact category, climate change"),
    ("Activity data, emission factors and direct emissions", "direct emission"),
    ("Results: the carbon footprint", "Contributions by greenhouse gas"),
    ("GHG emissions and removals by origin", "Aircraft: 0"),
    ("Recycling credits and end-of-life burdens", "Burdens and credits by stage"),
    ("Uncertainty analysis (Monte Carlo)", "one run"),
    ("Sensitivity analysis", "Spearman"),
    ("Assumptions, limitations and value choices", "GWP set"),
    ("Interpretation and conclusions", "dominates"),
    ("Critical review and verification", "study.review"),
]


def sections(md: str) -> dict[str, str]:
    """Section heading (without its number) -> its text."""
    parts = re.split(r"^## \d+ (.+?) <a id=\"s\d+\"></a>$", md, flags=re.M)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


def test_every_clause_7_element_in_order(kettle_report):
    _, md = kettle_report
    found = sections(md)
    headings = list(found)
    assert [h for h in headings if h in dict(REQUIRED)] == [h for h, _ in REQUIRED]
    for heading, text in REQUIRED:
        assert text in found[heading], heading
        assert "Answers ISO 14067:2018 / GB/T 24067-2024" in found[heading]
    assert "## Contents" in md and "cfp_lca version" in md and "2026-01-02" in md
    assert "Audit of declared figures" not in md  # no declared figures
    assert "Difference from the comparison model" not in md  # no comparison declared


def rows(md: str, title: str) -> list[list[str]]:
    """Rows of the Markdown table under a bold title."""
    block = re.split(r"\*\*(?:Table [\d.]+-\d+ )?" + re.escape(title), md, maxsplit=1)[1]
    block = block.split("\n\n", 2)[1]
    return [[c.strip() for c in line.strip("|").split("|")] for line in block.splitlines()[2:]]


def test_direct_emissions_and_gases_with_their_factors(kettle_report):
    """SF6 emitted by making appears in the activity table with its factor 23500 and
    23.5 kgCO2e, and leads the by-gas table; biogenic CO2 is there with factor 0."""
    _, md = kettle_report
    activity = rows(md, "Activity data, emission factors and direct emissions")
    sf6 = next(r for r in activity if r[2] == "Sulfur hexafluoride")
    assert sf6[3] == "direct emission" and float(sf6[6]) == SF6
    assert float(sf6[7]) == pytest.approx(0.001 * SF6, rel=1e-4)
    gases = rows(md, "Contributions by greenhouse gas")
    assert gases[0][0] == "Sulfur hexafluoride"
    assert float(gases[0][3]) == pytest.approx(100 * 23.5 / TOTAL, abs=0.05)
    biogenic = next(r for r in gases if r[0] == "Carbon dioxide, non-fossil")
    assert float(biogenic[1]) == 0


def test_origins_and_credits_apart(kettle_report):
    """Fossil = SF6 + grid CO2 of the fuel chain, every origin listed even when zero; the credit
    of disposal (-1 kWh x grid) stands apart from its burdens (0: biogenic CO2 counts 0)."""
    _, md = kettle_report
    origins = {r[0]: r for r in rows(md, "GHG emissions and removals by origin")}
    for name in ("fossil", "biogenic", "direct land-use change (dLUC)", "aircraft"):
        assert name in origins
    assert float(origins["aircraft"][3]) == 0 and float(origins["biogenic"][3]) == 0
    # ... and the biogenic CO2 itself in kg, from the inventory: 0.2 kg emitted by disposal
    assert re.search(r"Biogenic CO2 in the inventory: 0\.20* kg emitted and 0(\.0+)? kg taken "
                     r"up from air \(net 0\.20* kg CO2\)", " ".join(md.split())), md  # fmt: skip
    assert [r[0] for r in rows(md, "Burdens and credits by stage")] == ["making", "disposal"]
    paths, _ = kettle_report
    with open(paths["tables"] / "burdens_credits.csv", encoding="utf-8-sig") as handle:
        table = {r[0]: r for r in csv.reader(handle)}
    # full precision beside the display text: burdens, credits, net of each stage
    assert float(table["disposal"][3]) == pytest.approx(CREDIT, rel=1e-9)
    assert float(table["disposal"][1]) == 0
    assert float(table["making"][1]) == pytest.approx(MAKING, rel=1e-9)
    assert float(table["making"][5]) == pytest.approx(MAKING, rel=1e-9)


def test_no_false_precision(kettle_report, kettle_study):
    """The total in the text has only the digits its uncertainty supports (GUM 7.2.6): the
    standard deviation's two significant digits fix the last decimal; no -0."""
    from cfp_lca.present.numbers import with_uncertainty

    _, study = kettle_study
    _, md = kettle_report
    std = study.mc.stats["total"].std
    shown = re.search(r"Carbon footprint: \*\*([0-9.]+) kg", md).group(1)
    assert shown == with_uncertainty(TOTAL, std)
    assert float(shown) == pytest.approx(TOTAL, abs=std)
    assert "-0.0" not in md.replace("-0.0.", "")


def test_model_neutral_wording(kettle_report):
    """No wording of the shipped study and no internal option or code strings."""
    _, md = kettle_report
    for banned in ("Declared rule", "zw32", "plant's metered", "Options:", "staff commuting",
                   "<-", "annual_amount"):  # fmt: skip
        assert banned not in md
    assert "Not stated in the model data" in md  # e.g. the PCR the kettle does not name


def test_numbers_by_hand():
    """Closed-form figures of the kettle used above."""
    assert pytest.approx(24.0366, abs=1e-9) == TOTAL


def test_the_second_model_prints_each_quantity_one_way(kettle_study, kettle_report):
    """The kettle's report: the total and each stage, from its result at full precision,
    each printed one way."""
    from printed import assert_printed_once

    _, study = kettle_study
    assert_printed_once(kettle_report[1], {"total": study.static.total, **study.static.stages})
