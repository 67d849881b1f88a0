"""The CFP study report (ISO 14067 / GB/T 24067 structure): HTML with embedded figures, a
Markdown twin, and every table as CSV and as a sheet of one Excel workbook.

Every number comes from the same dicts that the ``--json`` outputs print (``lcia_dict``,
``mc_dict``, ``gsa_dict``, ``compare_dict``, ``audit_dict``), so report and JSON cannot differ;
the variance by uncertainty source (``source_variance_dict``) is the report's alone. Each
statistic comes from one run: the model's distribution from its Monte Carlo, the scenarios as
paired differences from the comparison.
"""

from __future__ import annotations

import base64
import csv
import html
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..calc.study import Study
from ..model.objects import Catalog
from .figures import comparison_figures, model_figures
from .tables import (
    audit_dict,
    compare_dict,
    gsa_dict,
    lcia_dict,
    mc_dict,
    source_variance_dict,
)

TEXT = {
    "title": ("Product carbon footprint study", "产品碳足迹研究报告"),
    "product": ("1 Product and functional unit", "1 产品与功能单位"),
    "boundary": ("2 System boundary", "2 系统边界"),
    "allocation": ("3 Allocation", "3 分配原则"),
    "cutoff": ("4 Cut-off rule check", "4 取舍准则检查"),
    "quality": ("5 Data sources and data quality", "5 数据来源与数据质量"),
    "method": ("6 Impact assessment method", "6 影响评价方法"),
    "activity": ("7 Activity data", "7 活动水平数据"),
    "results": ("8 Results by stage and part", "8 各阶段与部件的计算结果"),
    "uncertainty": ("9 Uncertainty analysis (Monte Carlo)", "9 不确定性分析（蒙特卡罗）"),
    "sensitivity": ("10 Sensitivity analysis", "10 敏感性分析"),
    "scenarios": ("11 Scenarios", "11 情景比较"),
    "improvement": ("12 Improvement options", "12 改进建议"),
    "audit": ("13 Audit of declared figures", "13 声明数据核对"),
    "stage": ("stage", "生命周期阶段"),
    "share": ("share", "百分比"),
    "total": ("total", "总计"),
    "part": ("part", "部件"),
    "included": ("included stages", "包含的阶段"),
    "excluded": (
        "Excluded: packaging; capital goods (equipment, buildings); staff commuting.",
        "未包含：包装；生产设备、厂房等资本品；员工通勤。",
    ),
    "fu": (
        "{title}. Functional unit: {fu}. Options: {options}.",
        "{title}。功能单位：{fu}。选项：{options}。",
    ),
    "total_line": (
        "Total: **{total:.4f} {unit}** per unit.",
        "合计：每台 **{total:.4f} {unit}**。",
    ),
    "alloc": (
        "Annual plant data of {period} are divided by the annual output of {output:g} "
        "units ({basis}).",
        "{period}的工厂年度数据按年产量 {output:g} 台分配（{basis}）。",
    ),
    "no_alloc": (
        "No allocation: all data are per functional unit.",
        "无需分配：所有数据均按功能单位给出。",
    ),
    "cutoff_text": (
        "Declared rule (seed report 3.2.4): inputs under 1 % of mass or energy may be dropped, "
        "at most 5 % in total, never inputs that are small but high in impact. This model drops "
        "nothing; the table lists the inputs the rule would allow to drop: their GWP share shows "
        "whether dropping them would be acceptable.",
        "声明的取舍准则（原报告 3.2.4）：质量或能量小于 1 % 的输入可以舍去，总计不超过 5 %，"
        "但质量小而影响大的输入不得舍去。本模型未舍去任何输入；下表列出按该准则可以舍去的输入及其"
        "GWP 占比，用以判断舍去是否可以接受。",
    ),
    "quality_text": (
        "Primary data: the plant's metered electricity and diesel (annual, allocated). Secondary: "
        "published factors. Estimates: masses and distances without a bill of materials, with "
        "wide distributions. Pedigree scores (reliability, completeness, temporal, geographical, "
        "technological; Weidema et al. 2013).",
        "初级数据：工厂计量的电力与柴油（年度数据，按产量分配）。次级数据：公开发布的排放因子。"
        "估计数据：无物料清单时的质量与运输距离，赋予较宽的分布。谱系评分（可靠性、完整性、时间、"
        "地理、技术相关性；Weidema 等 2013）。",
    ),
    "interval": (
        "95 % interval of the total: {lo:.2f} to {hi:.2f} {unit} (median {median:.2f}, "
        "deterministic {det:.2f}).",
        "总量的 95 % 区间：{lo:.2f} 至 {hi:.2f} {unit}（中位数 {median:.2f}，确定值 {det:.2f}）。",
    ),
    "convention": (
        "Lognormal amounts have the deterministic amount as their median, not their mean (the "
        "mean of each lies above it, by a factor exp(sigma^2/2)): the deterministic total lies "
        "at the {percentile:.1f}th percentile of the Monte Carlo total (the share of samples "
        "below it), and the mean of the total ({mean:.2f}) differs from it.",
        "对数正态分布以确定值为中位数而非均值（各量的均值高出 exp(sigma^2/2) 倍）：确定性总量位于"
        "蒙特卡罗总量分布的第 {percentile:.1f} 百分位（低于它的样本所占比例），总量均值"
        "（{mean:.2f}）与其不同。",
    ),
    "by_source": (
        "Share of variance from each source: the engine is run once per source alone (same seed "
        "and iterations); each source's variance is given with its share of the sum of these "
        "variances. This is a first-order split: interactions between sources (a sampled amount "
        "times a sampled factor) are ignored in the shares and appear as the difference between "
        "the variance with all sources (the run above) and the sum.",
        "各来源的方差贡献：每次只让一个来源不确定，以相同的随机种子和迭代次数运行；给出各来源的方差及"
        "其占各来源方差之和的比例。这是一阶分解：来源之间的交互作用（抽样的活动数据乘以抽样的因子）"
        "不计入比例，体现为全部来源同时不确定时的方差（上表的运行）与该和之差。",
    ),
    "threshold": (
        "Relevance threshold t = {text} (per group: {values}). P(reduction) = P(change < -t) and "
        "P(increase) = P(change > +t), the change paired (common random numbers) against the "
        "baseline of the scenario's group; a change within +-t is no decision either way. The "
        "baseline's own row has no probability.",
        "相关性阈值 t = {text}（各组：{values}）。P(减排) = P(变化 < -t)，"
        "P(增排) = P(变化 > +t)，变化为与所在组基准情景的配对差（公共随机数）；"
        "变化在 +-t 以内则不作判断。基准情景本身不给出概率。",
    ),
    "use_off": (
        "The use stage is outside the boundary of this run (option use_stage=false), as in the "
        "seed report; it is reported separately when switched on.",
        "本次计算不含使用阶段（use_stage=false），与原报告一致；开启时单独报告。",
    ),
}


ZH = {
    "Results by life-cycle stage (per functional unit)": "各生命周期阶段碳排放（每功能单位）",
    "Contributions by part": "各部件贡献",
    "Activity data and emission factors": "活动水平数据与排放因子",
    "Data sources and quality of every foreground exchange": "各前景交换的数据来源与数据质量",
    "Improvement options (design scenarios) ranked by mean reduction": (
        "按平均减排量排序的改进方案（设计情景）"
    ),
    "activity": "活动", "input": "输入", "unit": "单位", "amount per unit": "每台用量",
    "factor (kgCO2e/unit)": "排放因子 (kgCO2e/单位)", "kgCO2e per unit": "每台 kgCO2e",
    "amount per year": "年用量", "kgCO2e per year": "年排放 kgCO2e", "data": "数据类型",
    "pedigree": "谱系评分", "distribution": "分布", "source": "来源", "scenario": "情景",
    "deterministic": "确定值", "mean": "均值", "median": "中位数", "std": "标准差",
    "group": "组", "where": "位置", "printed": "报告值", "recomputed": "复算值",
    "finding": "发现", "note": "说明", "option": "方案", "mean reduction": "平均减排量",
    "Variance of the total by uncertainty source": "按不确定性来源的总量方差",
    "variance": "方差", "share of the sum (%)": "占和的比例 (%)", "baseline": "基准情景",
    "boundary": "系统边界", "change vs baseline": "相对基准的变化",
    "mean paired difference": "配对差均值", "P(reduction) %": "P(减排) %",
    "P(increase) %": "P(增排) %",
}  # fmt: skip


def tr(text: str, lang: str) -> str:
    """Chinese for a table title or header where one is known; the English otherwise."""
    return ZH.get(text, text) if lang == "zh" else text


def t(key: str, lang: str) -> str:
    en, zh = TEXT[key]
    return zh if lang == "zh" else en


@dataclass(frozen=True)
class Table:
    """A report table: raw values for CSV/Excel, a number format per column for reading."""

    key: str
    title: str
    headers: list[str]
    rows: list[list]
    formats: list[str | None]

    def cell(self, row: list, j: int) -> str:
        value, fmt = row[j], self.formats[j]
        if fmt is None or not isinstance(value, int | float):
            return str(value)
        return format(value, fmt)


def study_tables(study: Study, catalog: Catalog, lang: str) -> tuple[dict, list[Table]]:
    """The report's data (the JSON dicts) and its tables, in report order."""
    m = study.model
    data = {
        "lcia": lcia_dict(study.static, m),
        "mc": mc_dict(study.mc, m),
        "gsa": gsa_dict(study.gsa, m),
    }
    if study.comparison is not None:
        data["compare"] = compare_dict(
            study.comparison, study.scenario_titles, study.static.unit, kinds=study.scenario_kinds
        )
    if study.sources_variance is not None:
        data["sources_variance"] = source_variance_dict(study.sources_variance)
    if study.audited is not None:
        data["audit"] = audit_dict(study.audited)
    tables = [
        _activity_table(study, catalog),
        _stage_table(data["lcia"], lang),
        _part_table(data["lcia"], lang),
        _cutoff_table(study, catalog),
        _quality_table(study),
        _mc_table(data["mc"], lang),
        *(
            [_source_variance_table(data["sources_variance"], data["mc"]["unit"])]
            if "sources_variance" in data
            else []
        ),
        _spearman_table(data["gsa"]),
        _sobol_table(data["gsa"]),
        _tornado_table(data["gsa"]),
    ]
    if "compare" in data:
        tables.append(_compare_table(data["compare"]))
        tables.append(_improvement_table(data["compare"]))
    if "audit" in data:
        tables.append(_audit_table(data["audit"]))
    return data, tables


def _stage_name(row: dict, lang: str) -> str:
    return row["name_zh"] if lang == "zh" and row.get("name_zh") else row["name"]


def _stage_table(lcia: dict, lang: str) -> Table:
    rows = [[_stage_name(r, lang), r["value"], r["share"]] for r in lcia["stage_table"]]
    rows.append([t("total", lang), lcia["total"], 100.0])
    unit = f"{lcia['unit']} / unit"
    return Table(
        "stages",
        "Results by life-cycle stage (per functional unit)",
        [t("stage", lang), unit, f"{t('share', lang)} (%)"],
        rows,
        [None, ".4f", ".2f"],
    )


def _part_table(lcia: dict, lang: str) -> Table:
    rows = [[name, v["value"], v["share"]] for name, v in lcia["parts"].items()]
    return Table(
        "parts",
        "Contributions by part",
        [t("part", lang), lcia["unit"], "share (%)"],
        rows,
        [None, ".4f", ".2f"],
    )


def _purchases(study: Study):
    """(activity, exchange, amount per functional unit, factor) of every background input."""
    static, m = study.static, study.model
    for a in m.activities:
        s = static.supply.get(a.code, 0.0)
        for x in a.exchanges:
            if x.database != m.database and x.amount and s:
                yield a, x, s * x.amount, static.unit_scores.get((x.database, x.code), 0.0)


def _activity_table(study: Study, catalog: Catalog) -> Table:
    """Like the seed report's Table 4.2-1: every foreground input with its factor and GHG."""
    m = study.model
    annual = m.allocation.annual_output if m.allocation else None
    rows = []
    for a, x, per_unit, factor in _purchases(study):
        row = [a.stage or "", a.code, x.code, x.unit, per_unit, factor, per_unit * factor]
        if annual is not None:
            row += [
                x.annual_amount if x.annual_amount is not None else per_unit * annual,
                per_unit * factor * annual,
            ]
        rows.append(row)
    headers = [
        "stage",
        "activity",
        "input",
        "unit",
        "amount per unit",
        "factor (kgCO2e/unit)",
        "kgCO2e per unit",
    ]
    formats = [None, None, None, None, ".6g", ".6g", ".4f"]
    if annual is not None:
        headers += ["amount per year", "kgCO2e per year"]
        formats += [".3f", ".3f"]
    return Table("activity_data", "Activity data and emission factors", headers, rows, formats)


def _cutoff_table(study: Study, catalog: Catalog) -> Table:
    """Inputs below 1 % of the product's mass (the declared cut-off rule): all are kept in the
    model; the table shows what the rule would allow to drop, and its share of the GWP."""
    rows = []
    first = study.model.stages[0].code
    materials = [(a.code, x.code, x.unit, q, q * f) for a, x, q, f in _purchases(study)
                 if a.stage == first]  # fmt: skip
    mass = sum(q for _, _, unit, q, _ in materials if unit == "kg" and q > 0)
    for activity, code, unit, q, gwp in materials:
        if unit == "kg" and q > 0 and mass and q / mass < 0.01:
            rows.append([activity, code, q, 100 * q / mass, 100 * gwp / study.static.total])
    rows.sort(key=lambda r: -r[4])
    return Table(
        "cutoff",
        f"Mass inputs under 1 % of the {mass:.1f} kg of material inputs",
        ["activity", "input", "kg per unit", "mass share (%)", "GWP share (%)"],
        rows,
        [None, None, ".4f", ".3f", ".3f"],
    )


def _quality_table(study: Study) -> Table:
    m = study.model
    rows = []
    for a in m.activities:
        for x in a.exchanges:
            if x.database == m.database:
                continue
            kind = "primary (metered, allocated)" if x.annual_amount is not None else "secondary"
            if x.source and "estimate" in x.source.lower():
                kind = "estimate"
            ped = "-" if x.pedigree is None else "(" + ",".join(map(str, x.pedigree)) + ")"
            dist = {
                0: "none",
                1: "none",
                2: "lognormal",
                3: "normal",
                4: "uniform",
                5: "triangular",
            }.get(x.uncertainty.get("uncertainty type", 0), "other")
            scale = x.uncertainty.get("scale")
            sigma = scale if isinstance(scale, float) and scale == scale else ""
            rows.append([a.code, x.code, kind, ped, dist, sigma, x.source or ""])
    return Table(
        "data_quality",
        "Data sources and quality of every foreground exchange",
        ["activity", "input", "data", "pedigree", "distribution", "sigma", "source"],
        rows,
        [None, None, None, None, None, ".4f", None],
    )


def _mc_table(mc: dict, lang: str) -> Table:
    rows = [["total", *(mc["total"][f] for f in STATS)]]
    rows += [[name, *(v[f] for f in STATS)] for name, v in mc["stages"].items()]
    return Table(
        "monte_carlo",
        f"Monte Carlo statistics ({mc['iterations']:,} iterations, "
        f"seed {mc['seed']}, sources: {', '.join(mc['sources'])})",
        ["", "deterministic", "mean", "median", "std", "CV", "2.5 %", "5 %", "95 %", "97.5 %"],
        rows,
        [None, ".2f", ".2f", ".2f", ".2f", ".3f", ".2f", ".2f", ".2f", ".2f"],
    )


STATS = ("deterministic", "mean", "median", "std", "cv", "p2_5", "p5", "p95", "p97_5")


def _spearman_table(gsa: dict) -> Table:
    rows = [[d["input"], d["rho"], 100 * d["variance_share"]] for d in gsa["spearman"][:15]]
    return Table(
        "spearman",
        "Spearman rank correlation with the total (top 15)",
        ["input", "rho", "contribution to variance (%)"],
        rows,
        [None, "+.3f", ".1f"],
    )


def _sobol_table(gsa: dict) -> Table:
    rows = [[d["group"], d["S1"], d["S1_conf"], d["ST"], d["ST_conf"]] for d in gsa["sobol"]]
    return Table(
        "sobol",
        f"Sobol indices by group ({gsa['sobol_evaluations']:,} model runs)",
        ["group", "S1", "S1 95 % conf.", "ST", "ST 95 % conf."],
        rows,
        [None, ".3f", ".3f", ".3f", ".3f"],
    )


def _tornado_table(gsa: dict) -> Table:
    tor = gsa["tornado"]
    rows = [[r["input"], r["low"], r["high"], r["high"] - r["low"]] for r in tor["rows"][:15]]
    return Table(
        "tornado",
        f"Tornado: inputs at their 5th/95th percentiles (base {tor['base']:.2f})",
        ["input", "total at low", "total at high", "swing"],
        rows,
        [None, ".2f", ".2f", ".2f"],
    )


SOURCE_NAMES = {
    "foreground": "foreground (activity data)",
    "background": "background (emission factors)",
    "characterization": "characterization (GWP factors)",
}


def _source_variance_table(sv: dict, unit: str) -> Table:
    rows = [[SOURCE_NAMES.get(k, k), v["variance"], 100 * v["share"]]
            for k, v in sv["sources"].items()]  # fmt: skip
    rows.append(["sum of the sources alone (first order)", sv["sum"], 100.0])
    rows.append(["all sources together (the Monte Carlo run)", sv["combined"], ""])
    rows.append(["interactions (all together minus the sum)", sv["interactions"], ""])
    return Table(
        "variance_by_source",
        "Variance of the total by uncertainty source",
        ["source", f"variance ({unit})^2", "share of the sum (%)"],
        rows,
        [None, ",.2f", ".1f"],
    )


def _probability(p: float | None) -> float | str:
    """A probability in %, blank for a baseline's own row."""
    return "" if p is None else 100 * p


def _compare_rows(cmp: dict) -> Iterator[tuple[dict, dict]]:
    """(group, row) of every scenario, group by group."""
    return ((g, r) for g in cmp["groups"] for r in g["scenarios"])


def _compare_table(cmp: dict) -> Table:
    """Each scenario against its group's baseline: only paired differences, so no statistic of
    a model is printed beside another run's value of it (section 9 has the model's own)."""
    rows = [
        [r["scenario"], g["label"] or "-", r["baseline"], r["deterministic"], r["change"],
         r["difference"]["mean"], r["difference"]["p2_5"], r["difference"]["p97_5"],
         _probability(r["p_reduction"]), _probability(r["p_increase"])]
        for g, r in _compare_rows(cmp)
    ]  # fmt: skip
    return Table(
        "scenarios",
        f"Scenarios against the baseline of their boundary (paired Monte Carlo, {cmp['n']:,} "
        f"iterations, t = {cmp['threshold']['text']})",
        ["scenario", "boundary", "baseline", "deterministic", "change vs baseline",
         "mean paired difference", "difference 2.5 %", "difference 97.5 %", "P(reduction) %",
         "P(increase) %"],
        rows,
        [None, None, None, ".2f", "+.2f", "+.2f", "+.2f", "+.2f", ".1f", ".1f"],
    )  # fmt: skip


def _improvement_table(cmp: dict) -> Table:
    better = [r for _, r in _compare_rows(cmp) if r["p_reduction"] is not None
              and r["difference"]["mean"] < 0 and r["kind"] == "design"]  # fmt: skip
    better.sort(key=lambda r: r["difference"]["mean"])
    rows = [
        [r["scenario"], r["title"], -r["difference"]["mean"], -r["difference"]["p97_5"],
         -r["difference"]["p2_5"], 100 * r["p_reduction"]]
        for r in better
    ]  # fmt: skip
    return Table(
        "improvements",
        "Improvement options (design scenarios) ranked by mean reduction",
        ["scenario", "option", "mean reduction", "reduction 2.5 %", "reduction 97.5 %",
         "P(reduction) %"],
        rows,
        [None, None, ".2f", ".2f", ".2f", ".1f"],
    )  # fmt: skip


def _audit_table(a: dict) -> Table:
    rows = [
        [f["where"], f["printed"], f["recomputed"], f["status"], f["note"] or ""]
        for f in a["findings"]
    ]
    for k in a["conflicts"]:
        places = "; ".join(f"{v['printed']} ({', '.join(v['where'])})" for v in k["values"])
        rows.append([k["quantity"], "-", "", "declared differently", places])
    return Table(
        "audit",
        f"Declared figures of {a['document']} that disagree ({a['checked']} checked)",
        ["where", "printed", "recomputed", "finding", "note"],
        rows,
        [None, None, ".6g", None, None],
    )


# ---------------------------------------------------------------- rendering


def _md_table(tb: Table, lang: str = "en") -> str:
    headers = [tr(h, lang) for h in tb.headers]
    head = "| " + " | ".join(headers) + " |\n| " + " | ".join("---" for _ in headers) + " |"
    body = [
        "| " + " | ".join(tb.cell(r, j).replace("|", "/") for j in range(len(tb.headers))) + " |"
        for r in tb.rows
    ]
    title = tr(tb.title, lang)
    return "\n".join([f"**{title}**", "", head, *body]) if body else f"**{title}**: none."


def _html_table(tb: Table, lang: str = "en") -> str:
    head = "".join(f"<th>{html.escape(tr(h, lang))}</th>" for h in tb.headers)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td class='{'num' if isinstance(r[j], int | float) else 'txt'}'>"
            f"{html.escape(tb.cell(r, j))}</td>"
            for j in range(len(tb.headers))
        )
        + "</tr>"
        for r in tb.rows
    )
    title = html.escape(tr(tb.title, lang))
    return f"<table><caption>{title}</caption><tr>{head}</tr>{body}</table>"


def _sections(
    study: Study, data: dict, tables: dict[str, Table], figures: dict[str, Path], lang: str
) -> list[tuple[str, list]]:
    """(heading, [paragraph strings, Table objects, figure keys]) in report order."""
    m, lcia, mc = study.model, data["lcia"], data["mc"]
    stages = ", ".join(_stage_name(r, lang) for r in lcia["stage_table"])
    alloc = (
        t("alloc", lang).format(
            period=m.allocation.period or "-",
            basis=m.allocation.basis,
            output=m.allocation.annual_output,
        )
        if m.allocation
        else t("no_alloc", lang)
    )
    method = study.method
    total_p = mc["total"]
    out = [
        (
            t("product", lang),
            [
                t("fu", lang).format(
                    title=m.title,
                    fu=m.functional_unit,
                    options=", ".join(f"{k}={v}" for k, v in m.options.items()) or "-",
                ),
                t("total_line", lang).format(total=lcia["total"], unit=lcia["unit"]),
            ],
        ),
        (
            t("boundary", lang),
            [f"{t('included', lang)}: {stages}.", t("excluded", lang)]
            + ([t("use_off", lang)] if m.options.get("use_stage") is False else []),
        ),
        (t("allocation", lang), [alloc]),
        (
            t("cutoff", lang),
            [
                t("cutoff_text", lang),
                tables["cutoff"],
            ],
        ),
        (
            t("quality", lang),
            [
                t("quality_text", lang),
                tables["data_quality"],
            ],
        ),
        (
            t("method", lang),
            [f"{' / '.join(method.name[1:])} ({method.id}), {method.year}: {method.source}."],
        ),
        (t("activity", lang), [tables["activity_data"]]),
        (
            t("results", lang),
            [
                tables["stages"],
                "fig:stage_contributions",
                "fig:stage_shares_donut",
                tables["parts"],
                "fig:parts_pareto",
            ],
        ),
        (
            t("uncertainty", lang),
            [
                t("interval", lang).format(
                    lo=total_p["p2_5"],
                    hi=total_p["p97_5"],
                    unit=mc["unit"],
                    median=total_p["median"],
                    det=total_p["deterministic"],
                ),
                *_convention(mc, lang),
                tables["monte_carlo"],
                "fig:monte_carlo_total",
                "fig:monte_carlo_convergence",
                *(
                    [t("by_source", lang), tables["variance_by_source"]]
                    if "variance_by_source" in tables
                    else []
                ),
            ],
        ),
        (
            t("sensitivity", lang),
            [
                tables["spearman"],
                "fig:contribution_to_variance",
                tables["sobol"],
                "fig:sobol_indices",
                tables["tornado"],
                "fig:tornado",
            ],
        ),
    ]
    if "scenarios" in tables:
        scenario_figures = [f"fig:{k}" for k in figures if k.startswith("scenarios_")]
        out.append(
            (
                t("scenarios", lang),
                [*_threshold_text(data["compare"], lang), tables["scenarios"], *scenario_figures],
            )
        )
        out.append((t("improvement", lang), [tables["improvements"]]))
    if "audit" in tables:
        out.append((t("audit", lang), [tables["audit"]]))
    return out


def _convention(mc: dict, lang: str) -> list[str]:
    """The lognormal convention with the percentile of the deterministic total (if known)."""
    if mc["deterministic_percentile"] is None:
        return []
    return [t("convention", lang).format(percentile=mc["deterministic_percentile"],
                                         mean=mc["total"]["mean"])]  # fmt: skip


def _threshold_text(cmp: dict, lang: str) -> list[str]:
    """The relevance threshold and, when scenarios were regrouped by boundary, the message."""
    values = "; ".join(f"{g['label'] or g['baseline']}: {g['threshold']:.4g} {cmp['unit']}"
                       for g in cmp["groups"])  # fmt: skip
    text = t("threshold", lang).format(text=cmp["threshold"]["text"], values=values)
    return [text, *([cmp["message"]] if cmp["message"] else [])]


def write_report(study: Study, catalog: Catalog, out: Path, lang: str = "en") -> dict[str, Path]:
    """Write report.html, report.md, tables/*.csv, tables.xlsx and figures/ into ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    data, table_list = study_tables(study, catalog, lang)
    tables = {tb.key: tb for tb in table_list}
    fig_dir = out / "figures"
    files = model_figures(study.model, study.static, study.mc, study.gsa, fig_dir, lang)
    if study.comparison is not None:
        files |= comparison_figures(study.comparison, study.static.unit, fig_dir, lang)
    figures = {key: next(p for p in paths if p.suffix == ".png") for key, paths in files.items()}
    sections = _sections(study, data, tables, figures, lang)
    title = f"{t('title', lang)}: {study.model.title}"
    md, body = [f"# {title}", ""], []
    for heading, items in sections:
        md += [f"## {heading}", ""]
        body.append(f"<h2>{html.escape(heading)}</h2>")
        for item in items:
            if isinstance(item, Table):
                md += [_md_table(item, lang), ""]
                body.append(_html_table(item, lang))
            elif item.startswith("fig:"):
                path = figures.get(item[4:])
                if path is None:
                    continue
                md += [f"![{item[4:]}](figures/{path.name})", ""]
                b64 = base64.b64encode(path.read_bytes()).decode()
                body.append(
                    f"<figure><img alt='{item[4:]}' src='data:image/png;base64,{b64}'/></figure>"
                )
            else:
                md += [item, ""]
                body.append(f"<p>{html.escape(item).replace('**', '')}</p>")
    (out / "report.md").write_text("\n".join(md), encoding="utf-8")
    style = (
        "body{font-family:sans-serif;max-width:1100px;margin:2em auto;line-height:1.4}"
        "table{border-collapse:collapse;margin:1em 0;font-size:0.85em}"
        "td,th{border:1px solid #bbb;padding:3px 6px}td.num{text-align:right}"
        "caption{font-weight:bold;text-align:left;margin-bottom:4px}"
        "img{max-width:100%}th{background:#eef}"
    )
    page = (
        f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'><title>"
        f"{html.escape(title)}</title><style>{style}</style></head><body><h1>"
        f"{html.escape(title)}</h1>{''.join(body)}</body></html>"
    )
    (out / "report.html").write_text(page, encoding="utf-8")
    export_tables(table_list, out)
    return {
        "html": out / "report.html",
        "markdown": out / "report.md",
        "excel": out / "tables.xlsx",
        "tables": out / "tables",
    }


def export_tables(tables: list[Table], out: Path) -> None:
    """Each table as tables/<key>.csv and as a sheet of tables.xlsx, with raw numbers."""
    from openpyxl import Workbook

    folder = out / "tables"
    folder.mkdir(exist_ok=True)
    book = Workbook()
    book.remove(book.active)
    for tb in tables:
        with open(folder / f"{tb.key}.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(tb.headers)
            writer.writerows(tb.rows)
        sheet = book.create_sheet(tb.key[:31])
        sheet.append(tb.headers)
        for row in tb.rows:
            sheet.append(row)
    book.save(out / "tables.xlsx")
