"""The tables of the study report: raw values for the exports, a display format per column.

Every label comes from the model data (names, ``name_zh``, translations) or from
:mod:`cfp_lca.present.i18n`; every number from the result dicts the ``--json`` outputs print.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property

from ..brightway.linking import catalog_process, node_label
from ..calc.study import Study
from ..model.objects import Catalog, Exchange, Process
from .figures import flow_label
from .i18n import input_label, label, t, verbatim
from .numbers import general, no_negative_zero, significant, with_relative, with_uncertainty

Format = str | Callable[[float], str] | None
_GENERAL = re.compile(r"(\+?)\.(\d+)g")


@dataclass(frozen=True)
class Table:
    """A report table: raw values for CSV/Excel, a display format per column for reading."""

    key: str
    title: str
    headers: list[str]
    rows: list[list]
    formats: list[Format]

    # columns rounded at each row's own standard uncertainty (GUM 7.2.6), and those stds
    std_columns: tuple[int, ...] = ()
    stds: tuple[float, ...] = ()
    texts: dict = field(default_factory=dict)  # (row, column) -> text shown instead

    def cell(self, i: int, j: int) -> str:
        """The display text of column ``j`` of row ``i``."""
        value, fmt = self.rows[i][j], self.formats[j]
        if (i, j) in self.texts:
            return self.texts[(i, j)]
        if value is None:
            return ""
        if fmt is None or not isinstance(value, int | float) or isinstance(value, bool):
            return str(value)
        if isinstance(value, float) and not math.isfinite(value):
            return "-"
        if j in self.std_columns:
            return with_uncertainty(value, self.stds[i])
        if callable(fmt):
            return fmt(value)
        g = _GENERAL.fullmatch(fmt)
        if g:  # significant digits, never in exponent notation
            text = general(value, int(g.group(2)))
            return "+" + text if g.group(1) and value > 0 else text
        return no_negative_zero(format(value, fmt))


@dataclass(frozen=True)
class Context:
    """What every table builder reads: the study, its catalog, the language and the dicts."""

    study: Study
    catalog: Catalog
    lang: str
    data: dict

    @property
    def cv(self) -> float:
        """Coefficient of variation of the total (its relative uncertainty), NaN if unknown."""
        return self.data["mc"]["total"]["cv"]

    def rounded(self, value: float) -> str:
        """A part of the total, rounded as the total's relative uncertainty supports."""
        return with_relative(value, self.cv)

    def total(self, value: float) -> str:
        """A figure of the total's magnitude, rounded at the total's standard uncertainty."""
        return with_uncertainty(value, self.data["mc"]["total"]["std"])

    @property
    def fu(self) -> str:
        """The functional unit in the report's language."""
        m = self.study.model
        if self.lang == "zh" and m.functional_unit_zh:
            return m.functional_unit_zh
        return verbatim(m.functional_unit, self.lang)

    def stage(self, code: str) -> str:
        """The name of stage ``code`` in the report's language."""
        return stage_name(self.study.model.stage(code), self.lang)

    def name(self, text: str) -> str:
        """A label of the data in the report's language."""
        return label(text, self.lang, self.study.model.translations)

    @cached_property
    def names(self) -> dict[str, str]:
        """Names of every activity, background process and flow by code (built once)."""
        return code_names(self)

    def input_name(self, text: str) -> str:
        """A sensitivity input or group in words (see :func:`input_label`)."""
        return input_label(text, self.names, self.lang, self.study.model.translations)


def code_names(ctx: Context) -> dict[str, str]:
    """Names in the report's language of every activity, background process and flow, by code
    and by the label the sensitivity analysis gives it (``name | product [location]``), so an
    input is named alike in tables and figures."""
    m, lang = ctx.study.model, ctx.lang
    names = {}
    for code, flow in ctx.catalog.flows.items():
        names[code] = names[flow.name] = flow_name(ctx, code)
    for processes in ctx.catalog.backgrounds.values():
        for code, p in processes.items():
            product = p.meta.get("reference product", p.name)
            names[code] = names[node_label(p.name, product, p.location)] = process_name(p, lang)
    return names | {a.code: process_name(a, lang, m.translations) for a in m.activities}


def process_name(p: Process, lang: str, translations: dict | None = None) -> str:
    """The name of a process (activity or background) in ``lang``."""
    if lang == "zh" and p.meta.get("name_zh"):
        return p.meta["name_zh"]
    return label(p.name, lang, translations)


def stage_name(stage, lang: str) -> str:
    """A stage's name in ``lang``."""
    return stage.name_zh if lang == "zh" and stage.name_zh else verbatim(stage.name, lang)


def _stage_of(ctx: Context, code: str | None) -> str:
    """The name of the stage ``code`` ("" for none)."""
    return stage_name(ctx.study.model.stage(code), ctx.lang) if code else ""


def _input_name(ctx: Context, x: Exchange) -> str:
    """The name of an exchange's input (a process or an elementary flow)."""
    if x.kind == "biosphere":
        return flow_name(ctx, x.code)
    return process_name(catalog_process(ctx.catalog, x.database, x.code), ctx.lang,
                        ctx.study.model.translations)  # fmt: skip


def flow_name(ctx: Context, code: str) -> str:
    """An elementary flow's name; in Chinese its translation or its formula."""
    flow = ctx.catalog.flows.get(code)
    if flow is None:  # a linked database's flow: its name, never its code
        info = ctx.study.static.flow_info.get(code)
        return verbatim(info.name if info is not None else code, ctx.lang)
    translated = flow_label(ctx.study.model, flow.name, ctx.lang)  # as the figures name it
    if translated != flow.name or ctx.lang != "zh":
        return translated
    group = t(flow.group, ctx.lang) if flow.group else None
    if flow.formula:
        return f"{flow.formula}（{group}）" if group else flow.formula
    return group or verbatim(flow.name, ctx.lang)


def purchases(ctx: Context) -> Iterator[tuple[Process, Exchange, float, float]]:
    """(activity, exchange, amount per functional unit, factor) of every background input and
    direct emission of the foreground; the factor is kgCO2e per unit of the input."""
    static, m = ctx.study.static, ctx.study.model
    for a in m.activities:
        s = static.supply.get(a.code, 0.0)
        for x in a.exchanges:
            if x.database == m.database or not x.amount or not s:
                continue
            if x.kind == "biosphere":
                factor = static.factors.get(x.code, 0.0)
            else:
                factor = static.unit_scores.get((x.database, x.code), 0.0)
            yield a, x, s * x.amount, factor


def activity_table(ctx: Context) -> Table:
    """Every foreground input and direct emission with its factor and GHG (ISO 14067 7.3)."""
    m, lang = ctx.study.model, ctx.lang
    annual = m.allocation.annual_output if m.allocation else None
    rows = []
    for a, x, per_unit, factor in purchases(ctx):
        kind = t("direct", lang) if x.kind == "biosphere" else t("purchase", lang)
        row = [_stage_of(ctx, a.stage), process_name(a, lang, m.translations),
               _input_name(ctx, x), kind, x.unit, per_unit, factor, per_unit * factor]  # fmt: skip
        if annual is not None:
            amount = x.annual_amount if x.annual_amount is not None else per_unit * annual
            row += [amount, per_unit * factor * annual]
        rows.append(row)
    headers = [t(k, lang) for k in ("h_stage", "h_activity", "h_input", "h_kind", "h_unit",
                                    "h_amount", "h_factor", "h_ghg")]  # fmt: skip
    formats: list[Format] = [None, None, None, None, None, ".6g", ".6g", ".4g"]
    if annual is not None:
        headers += [t("h_amount_year", lang), t("h_ghg_year", lang)]
        formats += [".6g", ".6g"]
    return Table("activity_data", t("t_activity", lang), headers, rows, formats)


def bom_table(ctx: Context) -> Table:
    """Inputs in kg of the activities that make up the product's parts, per functional unit,
    as the model's exchanges give them (credits and separate stages left out)."""
    m, lang, static = ctx.study.model, ctx.lang, ctx.study.static
    separate = {s.code for s in m.stages if s.separate}
    rows = []
    for a in m.activities:
        if a.part is None or a.stage in separate:
            continue
        s = static.supply.get(a.code, 0.0)
        for x in a.exchanges:
            if x.kind == "technosphere" and x.unit == "kg" and not x.credit and x.amount > 0:
                rows.append([_stage_of(ctx, a.stage), ctx.name(a.part),
                             process_name(a, lang, m.translations), _input_name(ctx, x),
                             s * x.amount])  # fmt: skip
    headers = [t(k, lang) for k in ("h_stage", "h_part", "h_activity", "h_material", "h_mass")]
    return Table("bill_of_materials", t("t_bom", lang), headers, rows,
                 [None, None, None, None, ".4g"])  # fmt: skip


def exclusions_table(ctx: Context) -> Table:
    """What the data says is left out of the boundary, why, and its estimated share."""
    from .i18n import data_text

    lang = ctx.lang
    rows = [[data_text(e.get("item"), lang) or "", data_text(e.get("reason"), lang) or "",
             verbatim(e.get("share") or "", lang)]
            for e in ctx.study.model.study.get("exclusions") or []]  # fmt: skip
    headers = [t(k, lang) for k in ("h_item", "h_reason", "h_est_share")]
    return Table("exclusions", t("t_exclusions", lang), headers, rows, [None, None, None])


def cutoff_table(ctx: Context, threshold: float) -> Table:
    """Inputs each below ``threshold`` (a share) of the total: what a cut-off would drop."""
    total = ctx.study.static.total
    rows = [[_stage_of(ctx, a.stage), process_name(a, ctx.lang, ctx.study.model.translations),
             _input_name(ctx, x), q * f, 100 * q * f / total]
            for a, x, q, f in purchases(ctx)
            if total and abs(q * f) < threshold * abs(total)]  # fmt: skip
    rows.sort(key=lambda r: -abs(r[3]))
    headers = [t(k, ctx.lang) for k in ("h_stage", "h_activity", "h_input", "h_ghg", "h_share")]
    return Table("cutoff", t("t_cutoff", ctx.lang), headers, rows, [None, None, None, ".3g",
                                                                     ".3f"])  # fmt: skip


DISTRIBUTIONS = {0: "dist_none", 1: "dist_none", 2: "dist_lognormal", 3: "dist_normal",
                 4: "dist_uniform", 5: "dist_triangular"}  # fmt: skip


def data_type_key(x: Exchange) -> str:
    """The i18n key of an exchange's declared data type."""
    return x.data_type if x.data_type in ("primary", "secondary", "estimate") else "undeclared"


def quality_table(ctx: Context) -> Table:
    """Data type as declared in the data, pedigree, distribution and source of every
    foreground exchange (ISO 14067 6.3.5)."""
    m, lang = ctx.study.model, ctx.lang
    rows = []
    for a in m.activities:
        for x in a.exchanges:
            if x.database == m.database:
                continue
            ped = "-" if x.pedigree is None else "(" + ",".join(map(str, x.pedigree)) + ")"
            dist = DISTRIBUTIONS.get(x.uncertainty.get("uncertainty type", 0), "dist_other")
            scale = x.uncertainty.get("scale")
            sigma = scale if isinstance(scale, float) and math.isfinite(scale) else None
            rows.append([process_name(a, lang, m.translations), _input_name(ctx, x),
                         t(data_type_key(x), lang), ped, t(dist, lang), sigma,
                         label(x.source or "", lang, m.translations)])  # fmt: skip
    headers = [t(k, lang) for k in ("h_activity", "h_input", "h_data_type", "h_pedigree",
                                    "h_distribution", "h_sigma", "h_source")]  # fmt: skip
    return Table("data_quality", t("t_quality", lang), headers, rows,
                 [None, None, None, None, None, ".3f", None])  # fmt: skip


def data_type_shares(ctx: Context) -> dict[str, float]:
    """Share (%) of the footprint carried by each declared data type of the inputs."""
    out: dict[str, float] = {}
    total = ctx.study.static.total
    for _, x, q, f in purchases(ctx):
        key = data_type_key(x)
        out[key] = out.get(key, 0.0) + (100 * q * f / total if total else 0.0)
    return out


def electricity_table(ctx: Context) -> Table:
    """Foreground inputs in kWh or MJ of electricity, with their factors and sources."""
    lang, m = ctx.lang, ctx.study.model
    rows = []
    for a, x, q, f in purchases(ctx):
        if x.kind != "technosphere" or x.unit != "kWh":
            continue
        p = catalog_process(ctx.catalog, x.database, x.code)
        rows.append([process_name(a, lang, m.translations), process_name(p, lang), q, f, q * f,
                     verbatim(str(p.meta.get("source") or ""), lang)])  # fmt: skip
    headers = [t(k, lang) for k in ("h_activity", "h_input", "h_amount", "h_factor", "h_ghg",
                                    "h_source")]  # fmt: skip
    return Table("electricity", t("t_electricity", lang), headers, rows,
                 [None, None, ".6g", ".4g", ".4g", None])  # fmt: skip


def factors_table(ctx: Context) -> Table:
    """The characterization factor of each flow in the inventory, with the method's source."""
    static, lang = ctx.study.static, ctx.lang
    sources = {f.flow: f.source for f in ctx.study.method.factors}
    rows = []
    for code, _ in greenhouse_gases(static):
        info = static.flow_info.get(code)
        own = code if code in ctx.catalog.flows else getattr(info, "same_as", None)
        source = verbatim(sources.get(own, ""), lang)
        rows.append([flow_name(ctx, code), f"`{own}`" if own else "",
                     static.factors.get(code, 0.0), source])  # fmt: skip
    headers = [t("h_flow", lang), "", t("h_cf", lang), t("h_source", lang)]
    return Table("characterization_factors", t("t_ghgs", lang), headers, rows,
                 [None, None, ".6g", None])  # fmt: skip


def stage_table(ctx: Context) -> Table:
    """Stages with value and share, rounded as every part of the total is (the total's
    relative uncertainty), so a stage prints alike here, in the part table and in the text;
    the total at its own standard uncertainty."""
    lcia, mc, lang = ctx.data["lcia"], ctx.data["mc"], ctx.lang
    rows, formats = [], []
    for r in lcia["stage_table"]:
        rows.append([stage_name(ctx.study.model.stage(r["code"]), lang), r["value"], r["share"]])
        formats.append(abs(r["value"]) * ctx.cv)
    rows.append([t("total", lang), lcia["total"], 100.0])
    formats.append(mc["total"]["std"])
    if lcia["separate_stages"] and lcia["comparable_total"] != lcia["total"]:
        rows.append([t("total_without", lang), lcia["comparable_total"],
                     100 * lcia["comparable_total"] / lcia["total"]])  # fmt: skip
        formats.append(mc["total"]["std"])
    return Table("stages", t("t_stages", lang),
                 [t("h_stage", lang), t("h_ghg", lang), t("h_share", lang)], rows,
                 [None, ".6g", ".1f"], std_columns=(1,), stds=tuple(formats))  # fmt: skip


def part_table(ctx: Context) -> Table:
    """Contributions by part, then what no part holds by stage, rounded as the total's
    relative uncertainty supports."""
    lcia, lang = ctx.data["lcia"], ctx.lang
    rows = [[ctx.name(name), v["value"], v["share"]] for name, v in lcia["parts"].items()]
    rows += [[t("outside_part", lang, stage=ctx.stage(code) if code else t("no_stage", lang)),
              v["value"], v["share"]] for code, v in lcia["outside_parts"].items()]  # fmt: skip
    return Table("parts", t("t_parts", lang), [t("h_part", lang), t("h_ghg", lang),
                 t("h_share", lang)], rows, [None, ctx.rounded, ".1f"])  # fmt: skip


def greenhouse_gases(static) -> list[tuple[str, float]]:
    """(code, kgCO2e) of the inventory's greenhouse gases (flows in a reporting group, or
    with a non-zero result), largest first: the rows the report lists."""
    ranked = sorted(static.flows.items(), key=lambda kv: -abs(kv[1]))
    return [
        (code, v)
        for code, v in ranked
        if v != 0 or getattr(static.flow_info.get(code), "group", None) is not None
    ]


def flow_table(ctx: Context) -> Table:
    """Contributions by elementary flow (gas) with its characterization factor."""
    static, lang = ctx.study.static, ctx.lang
    gases = greenhouse_gases(static)
    rows = [[flow_name(ctx, code), static.factors.get(code, 0.0), v, static.share(v)]
            for code, v in gases]  # fmt: skip
    rest = len(static.flows) - len(gases)
    if rest:  # substances that are not greenhouse gases: counted, not listed
        rows.append([t("other_flows", lang, n=rest), None, 0.0, 0.0])
    headers = [t("h_flow", lang), t("h_cf", lang), t("h_ghg", lang), t("h_share", lang)]
    return Table("by_gas", t("t_flows", lang), headers, rows, [None, ".6g", ctx.rounded, ".1f"])


GROUP_ORDER = ("fossil", "biogenic", "land_use_change", "aircraft", "precharacterized", "other")


def group_values(ctx: Context) -> dict[str, tuple[float, float]]:
    """(emissions, removals) in kgCO2e of each ISO 14067 7.3 origin, every origin present;
    aircraft from flows the data marks as such (else zero)."""
    static, flows = ctx.study.static, ctx.study.static.flow_info
    out = {g: (0.0, 0.0) for g in GROUP_ORDER}
    for code, v in static.flows.items():
        flow = flows.get(code) or ctx.catalog.flows.get(code)
        group = flow.group if flow is not None and flow.group in out else "other"
        e, r = out[group]
        out[group] = (e + max(v, 0.0), r + min(v, 0.0))
    return out


def group_table(ctx: Context) -> Table:
    """Emissions, removals and net by origin: fossil, biogenic, dLUC, aircraft, aggregated."""
    lang = ctx.lang
    values = group_values(ctx)
    rows = [[t(g, lang), e, r, e + r] for g, (e, r) in values.items()
            if g != "other" or e or r]  # fmt: skip
    headers = [t(k, lang) for k in ("h_group", "h_emissions", "h_removals", "h_net")]
    return Table("by_origin", t("t_groups", lang), headers, rows,
                 [None, ctx.rounded, ctx.rounded, ctx.rounded])  # fmt: skip


def credit_table(ctx: Context) -> Table:
    """Burdens and credits of each stage, apart (ISO 14067 6.4.6.3)."""
    static, lang = ctx.study.static, ctx.lang
    rows = [[stage_name(s, lang), static.burdens.get(s.code, static.stages[s.code]),
             static.credits.get(s.code, 0.0), static.stages[s.code]]
            for s in ctx.study.model.stages if s.code in static.stages
            and any(a.stage == s.code for a in ctx.study.model.activities)]  # fmt: skip
    headers = [t(k, lang) for k in ("h_stage", "h_burdens", "h_credits", "h_net")]
    return Table("burdens_credits", t("t_credits", lang), headers, rows,
                 [None, ctx.rounded, ctx.rounded, ctx.rounded])  # fmt: skip


STATS = ("deterministic", "mean", "median", "std", "cv", "p2_5", "p97_5")


def mc_table(ctx: Context) -> Table:
    """Statistics of the total and each stage from the study's one Monte Carlo run."""
    mc, lang = ctx.data["mc"], ctx.lang
    by_name = {s.name: s for s in ctx.study.model.stages}
    rows = [[t("total", lang), *(mc["total"][f] for f in STATS)]]
    stds = [mc["total"]["std"]]
    for name, v in mc["stages"].items():
        rows.append([stage_name(by_name[name], lang), *(v[f] for f in STATS)])
        stds.append(v["std"])
    for row, k in zip(rows, range(len(rows)), strict=True):
        if stds[k] <= 1e-9 * abs(row[1]):  # a constant: its spread is float noise
            stds[k] = row[4] = 0.0
    for row in rows:
        row[5] = 100 * row[5] if isinstance(row[5], float) and math.isfinite(row[5]) else None
    headers = ["", *(t(f"h_{f}", lang) for f in STATS)]
    formats: list[Format] = [None, ".6g", ".6g", ".6g", ".6g", ".0f", ".6g", ".6g"]
    runs = t("runs_seed", lang, n=f"{mc['iterations']:,}", seed=mc["seed"])
    title = f"{t('t_mc', lang)}（{runs}）" if lang == "zh" else f"{t('t_mc', lang)} ({runs})"
    return Table("monte_carlo", title, headers, rows, formats, std_columns=(1, 2, 3, 4, 6, 7),
                 stds=tuple(stds))  # fmt: skip


def source_variance_table(ctx: Context) -> Table:
    """Variance of the total with each source alone, their sum, all together, interactions."""
    sv, lang = ctx.data["sources_variance"], ctx.lang
    rows = [[t(f"src_{k}", lang), v["variance"], 100 * v["share"]]
            for k, v in sv["sources"].items()]  # fmt: skip
    rows.append([t("src_sum", lang), sv["sum"], 100.0])
    rows.append([t("src_all", lang), sv["combined"], None])
    rows.append([t("src_interactions", lang), sv["interactions"], None])
    headers = [t("h_source_kind", lang), t("h_variance", lang), t("h_share", lang)]
    scale = abs(sv["combined"])

    def variance(v: float) -> str:
        return significant(v, 3) if abs(v) > 1e-9 * scale else "0"

    return Table("variance_by_source", t("t_sources", lang), headers, rows,
                 [None, variance, ".1f"])  # fmt: skip


def spearman_table(ctx: Context) -> Table:
    """The top 15 inputs by Spearman rank correlation with the total."""
    gsa, lang = ctx.data["gsa"], ctx.lang
    rows = [[ctx.input_name(d["input"]), d["rho"], 100 * d["variance_share"]]
            for d in gsa["spearman"][:15]]  # fmt: skip
    headers = [t("h_input", lang), t("h_rho", lang), t("h_var_share", lang)]
    return Table("spearman", t("t_spearman", lang), headers, rows, [None, "+.2f", ".1f"])


def sobol_table(ctx: Context) -> Table:
    """Sobol first-order and total indices by group, with their 95 % confidence."""
    gsa, lang = ctx.data["gsa"], ctx.lang
    rows = [[ctx.input_name(d["group"]), d["S1"], d["S1_conf"], d["ST"], d["ST_conf"]]
            for d in gsa["sobol"]]  # fmt: skip
    headers = [t(k, lang) for k in ("h_input", "h_s1", "h_s1_conf", "h_st", "h_st_conf")]
    runs = t("n_runs", lang, n=f"{gsa['sobol_evaluations']:,}")
    title = f"{t('t_sobol', lang)} ({runs})"
    return Table("sobol", title, headers, rows, [None, ".2f", ".2f", ".2f", ".2f"])


def tornado_table(ctx: Context) -> Table:
    """The total with each input at its 5th and 95th percentile, others at their values."""
    tor, lang = ctx.data["gsa"]["tornado"], ctx.lang
    rows = [[ctx.input_name(r["input"]), r["low"], r["high"], r["high"] - r["low"]]
            for r in tor["rows"][:15]]  # fmt: skip
    headers = [t(k, lang) for k in ("h_input", "h_low", "h_high", "h_swing")]
    base = t("tornado_base", lang, value=ctx.rounded(tor["base"]))
    return Table("tornado", f"{t('t_tornado', lang)} ({base})", headers, rows,
                 [None, ctx.rounded, ctx.rounded, ctx.rounded])  # fmt: skip


def signed(value: float) -> str:
    """A change to three significant digits with its sign (none for zero)."""
    text = significant(value, 3)
    return text if text.startswith("-") or text == "0" else "+" + text


def _probability(p: float | None) -> float | None:
    """A probability in %, None for a baseline's own row."""
    return None if p is None else 100 * p


def compare_rows(cmp: dict) -> Iterator[tuple[dict, dict]]:
    """(group, row) of every scenario, group by group."""
    return ((g, r) for g in cmp["groups"] for r in g["scenarios"])


def _scenario(ctx: Context, r: dict) -> str:
    """A scenario's title in the report's language."""
    return ctx.name(r["title"] or r["scenario"])


def compare_table(ctx: Context) -> Table:
    """Each scenario against its group's baseline: only paired differences, so no statistic
    of the model is printed beside another run's value of it."""
    cmp, lang = ctx.data["compare"], ctx.lang
    rows = [[_scenario(ctx, r), t(f"kind_{r['kind']}", lang),
             ctx.name(g["label"] or "-"), r["deterministic"], r["change"],
             r["difference"]["mean"], r["difference"]["p2_5"], r["difference"]["p97_5"],
             _probability(r["p_reduction"]), _probability(r["p_increase"])]
            for g, r in sorted(compare_rows(cmp), key=_kind_first)]  # fmt: skip
    headers = [t(k, lang) for k in ("h_scenario", "h_kind", "h_boundary", "h_deterministic",
                                    "h_change", "h_diff_mean", "h_diff_lo", "h_diff_hi",
                                    "h_p_lower", "h_p_higher")]  # fmt: skip
    runs = t("n_runs", lang, n=f"{cmp['n']:,}")
    return Table("scenarios", f"{t('t_scenarios', lang)} ({runs})", headers, rows,
                 [None, None, None, ctx.rounded, signed, signed, signed, signed, ".0f",
                  ".0f"])  # fmt: skip


KIND_ORDER = {"design": 0, "method": 1, "context": 2}  # design options first


def _kind_first(pair: tuple[dict, dict]) -> int:
    """Sort key of a (group, row) pair: design options, then method choices, then context."""
    return KIND_ORDER.get(pair[1]["kind"], len(KIND_ORDER))


def improvement_table(ctx: Context) -> Table:
    """Design scenarios that reduce the mean, largest reduction first."""
    cmp, lang = ctx.data["compare"], ctx.lang
    better = [r for _, r in compare_rows(cmp) if r["p_reduction"] is not None
              and r["difference"]["mean"] < 0 and r["kind"] == "design"]  # fmt: skip
    better.sort(key=lambda r: r["difference"]["mean"])
    rows = [[_scenario(ctx, r), -r["difference"]["mean"], -r["difference"]["p97_5"],
             -r["difference"]["p2_5"], 100 * r["p_reduction"]] for r in better]  # fmt: skip
    headers = [t(k, lang) for k in ("h_scenario", "h_reduction", "h_red_lo", "h_red_hi",
                                    "h_p_red")]  # fmt: skip
    return Table("improvements", t("t_improvements", lang), headers, rows,
                 [None, ".3g", ".3g", ".3g", ".0f"])  # fmt: skip


def gwp_set_table(ctx: Context) -> Table:
    """The GWP set of every background factor used, with how many and how much they carry."""
    static, lang = ctx.study.static, ctx.lang
    sets: dict[str, list[float]] = {}
    for (db, code), v in static.background.items():
        meta = catalog_process(ctx.catalog, db, code).meta
        name = str(meta.get("gwp_set") or t("unstated", lang))
        sets.setdefault(name, []).append(v)
    rows = [[verbatim(name, lang), len(vs), sum(vs), static.share(sum(vs))]
            for name, vs in sorted(sets.items(), key=lambda kv: -abs(sum(kv[1])))]  # fmt: skip
    headers = [t(k, lang) for k in ("h_gwp_set", "h_count", "h_ghg", "h_share")]
    return Table("gwp_sets", t("t_gwp_sets", lang), headers, rows,
                 [None, "d", ctx.rounded, ".1f"])  # fmt: skip


def common_stages(ctx: Context) -> list[str]:
    """Codes of the stages this model and the comparison model both hold, in this order."""
    other_model, _ = ctx.study.beside
    theirs = {s.code for s in other_model.stages}
    return [s.code for s in ctx.study.model.stages
            if s.code in ctx.study.static.stages and s.code in theirs]  # fmt: skip


def comparison_table(ctx: Context) -> Table:
    """This model's stages beside the comparison model's, with the difference; the total
    over the stages both hold before the totals."""
    _, other = ctx.study.beside
    static, lang = ctx.study.static, ctx.lang
    common = common_stages(ctx)
    rows = []
    for s in ctx.study.model.stages:
        if s.code not in static.stages:
            continue
        o = other.stages.get(s.code) if s.code in common else None
        mine = static.stages[s.code]
        rows.append([stage_name(s, lang), mine, o, None if o is None else mine - o])
    if len(common) < len(rows):
        mine_c = sum(static.stages[c] for c in common)
        other_c = sum(other.stages.get(c, 0.0) for c in common)
        rows.append([t("total_common", lang), mine_c, other_c, mine_c - other_c])
    rows.append([t("total", lang), static.total, other.total, static.total - other.total])
    headers = [t(k, lang) for k in ("h_stage", "h_this", "h_other", "h_difference")]
    return Table("comparison", t("t_comparison", lang), headers, rows,
                 [None, ".4f", ".4f", "+.4f"])  # fmt: skip


def audit_table(ctx: Context) -> Table:
    """Declared figures that disagree with the recomputation, and the conflicts."""
    a, lang = ctx.data["audit"], ctx.lang
    rows = [[verbatim(f["where"], lang), _number(f["printed"]), f["recomputed"],
             t(f["status"], lang), verbatim(f["note"] or "", lang)]
            for f in a["findings"]]  # fmt: skip
    for k in a["conflicts"]:
        places = "; ".join(f"{v['printed']} ({', '.join(v['where'])})" for v in k["values"])
        rows.append([verbatim(k["quantity"], lang), None, None,
                     t("declared_differently", lang), verbatim(places, lang)])  # fmt: skip
    headers = [t(k, lang) for k in ("h_where", "h_printed", "h_recomputed", "h_finding",
                                    "h_note")]  # fmt: skip
    title = f"{t('t_audit', lang)} ({t('n_checked', lang, n=a['checked'])})"
    texts = {(i, 1): f["printed"] for i, f in enumerate(a["findings"])}
    return Table("audit", title, headers, rows, [None, ".8g", ".8g", None, None], texts=texts)


def _number(printed: str) -> float | str:
    """A printed figure as a number where it is one (stored as a number in the exports)."""
    try:
        return float(printed.replace(",", "").replace("%", "").strip())
    except ValueError:
        return printed
