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
from .i18n import data_text, input_label, label, t, unit_text, verbatim
from .numbers import general, no_negative_zero, with_relative, with_uncertainty

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

    @cached_property
    def translations(self) -> dict[str, dict[str, str]]:
        """The data's translations: the background databases', then the audited model's
        (the places in its document that the audit names), the model's over them."""
        merged = {k: dict(v) for k, v in getattr(self.catalog, "translations", {}).items()}
        audited = self.study.audited.model if self.study.audited is not None else None
        owners = [self.catalog.models.get(audited), self.study.model]
        for owner in (m for m in owners if m is not None):
            for lang, texts in owner.translations.items():
                merged.setdefault(lang, {}).update(texts)
        return merged

    def name(self, text: str) -> str:
        """A text of the data in the report's language."""
        return label(text, self.lang, self.translations)

    def text(self, value: object) -> str | None:
        """A data text (``{en, zh}`` or a string, looked up in the translations) in the
        report's language; None when the data has none."""
        if isinstance(value, str):
            return self.name(" ".join(value.split()))
        return data_text(value, self.lang)

    @cached_property
    def names(self) -> dict[str, str]:
        """Names of every activity, background process and flow by code (built once)."""
        return code_names(self)

    def input_name(self, text: str) -> str:
        """A sensitivity input or group in words (see :func:`input_label`)."""
        return input_label(text, self.names, self.lang, self.translations)


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
    for a in m.activities:  # by code, and by name (a sensitivity group of an unlabelled one)
        names[a.code] = names[a.name] = process_name(a, lang, ctx.translations)
    return names


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
                        ctx.translations)  # fmt: skip


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
        row = [_stage_of(ctx, a.stage), process_name(a, lang, ctx.translations),
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
                             process_name(a, lang, ctx.translations), _input_name(ctx, x),
                             s * x.amount])  # fmt: skip
    headers = [t(k, lang) for k in ("h_stage", "h_part", "h_activity", "h_material", "h_mass")]
    return Table("bill_of_materials", t("t_bom", lang), headers, rows,
                 [None, None, None, None, ".4g"])  # fmt: skip


def exclusions_table(ctx: Context) -> Table:
    """What the data says is left out of the boundary, why, and its estimated share."""
    lang = ctx.lang
    rows = [[ctx.text(e.get("item")) or "", ctx.text(e.get("reason")) or "",
             ctx.name(e.get("share") or "")]
            for e in ctx.study.model.study.get("exclusions") or []]  # fmt: skip
    headers = [t(k, lang) for k in ("h_item", "h_reason", "h_est_share")]
    return Table("exclusions", t("t_exclusions", lang), headers, rows, [None, None, None])


def cutoff_basis(ctx: Context) -> tuple[str, float]:
    """The total the cut-off threshold is a share of, as the data names it, and its value."""
    basis = ctx.study.model.study.get("cut_off_basis") or "total"
    static = ctx.study.static
    return basis, static.comparable_total if basis == "without_separate_stages" else static.total


def cutoff_table(ctx: Context, threshold: float) -> Table:
    """Inputs each below ``threshold`` (a share) of the total the data names: what a cut-off
    would drop (inputs of separately reported stages left out when that total leaves them
    out)."""
    basis, total = cutoff_basis(ctx)
    skipped = set(ctx.study.static.separate) if basis == "without_separate_stages" else set()
    rows = [[_stage_of(ctx, a.stage), process_name(a, ctx.lang, ctx.translations),
             _input_name(ctx, x), q * f, 100 * q * f / total]
            for a, x, q, f in purchases(ctx)
            if total and a.stage not in skipped
            and abs(q * f) < threshold * abs(total)]  # fmt: skip
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
    foreground exchange (ISO 14067 6.3.5); an amount drawn through the parameters of its
    formula says so (the parameter table gives their distributions)."""
    m, lang = ctx.study.model, ctx.lang
    rows = []
    driven = {(d.activity, d.index) for d in m.parameters.driven} if m.parameters else set()
    for a in m.activities:
        for k, x in enumerate(a.exchanges):
            if x.database == m.database:
                continue
            ped = "-" if x.pedigree is None else "(" + ",".join(map(str, x.pedigree)) + ")"
            dist = DISTRIBUTIONS.get(x.uncertainty.get("uncertainty type", 0), "dist_other")
            if dist == "dist_none" and (a.code, k) in driven:
                dist = "dist_parameters"  # the amount is drawn through its formula's parameters
            scale = x.uncertainty.get("scale")
            sigma = scale if isinstance(scale, float) and math.isfinite(scale) else None
            rows.append([process_name(a, lang, ctx.translations), _input_name(ctx, x),
                         t(data_type_key(x), lang), ped, t(dist, lang), sigma,
                         label(x.source or "", lang, ctx.translations)])  # fmt: skip
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
    lang = ctx.lang
    rows = []
    for a, x, q, f in purchases(ctx):
        if x.kind != "technosphere" or x.unit != "kWh":
            continue
        p = catalog_process(ctx.catalog, x.database, x.code)
        rows.append([process_name(a, lang, ctx.translations), process_name(p, lang), q, f, q * f,
                     ctx.name(str(p.meta.get("source") or ""))])  # fmt: skip
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
        source = ctx.name(sources.get(own, ""))
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


def module_table(ctx: Context) -> Table:
    """The result by EN 15804+A2 module, the A-C total, then module D apart (not in it),
    rounded as the stages are."""
    found, lang = ctx.data["lcia"]["modules"], ctx.lang
    rows = [[r["module"], r["value"]] for r in found["rows"] if r["module"] != "D"]
    rows += [[t("module_a_to_c", lang), found["a_to_c"]], [t("module_d", lang), found["d"]]]
    return Table("modules", t("t_modules", lang), [t("h_module", lang), t("h_ghg", lang)], rows,
                 [None, ctx.rounded])  # fmt: skip


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


def emission_factor_table(ctx: Context) -> Table:
    """Every background factor the inventory uses, once, largest contribution first: region,
    factor per unit, GWP set, year and source (ISO 14067 6.3.5, 7.3)."""
    static, lang = ctx.study.static, ctx.lang
    used: dict[tuple[str, str], float] = {}
    for _, x, q, f in purchases(ctx):
        if x.kind != "biosphere":
            used[(x.database, x.code)] = used.get((x.database, x.code), 0.0) + q * f
    rows = []
    for (db, code), ghg in sorted(used.items(), key=lambda kv: -abs(kv[1])):
        p = catalog_process(ctx.catalog, db, code)
        gwp = p.meta.get("gwp_set")
        rows.append([process_name(p, lang), p.location or "-",
                     static.unit_scores.get((db, code), 0.0), f"{static.unit}/{p.unit}",
                     ctx.name(str(gwp)) if gwp else t("unstated", lang),
                     str(p.meta.get("year") or "-"),
                     ctx.name(str(p.meta.get("source") or "")),
                     ghg])  # fmt: skip
    headers = [t(k, lang) for k in ("h_input", "h_region", "h_factor_value", "h_unit",
                                    "h_gwp_set", "h_year", "h_source", "h_ghg")]  # fmt: skip
    return Table("emission_factors", t("t_emission_factors", lang), headers, rows,
                 [None, None, ".4g", None, None, None, None, ctx.rounded])  # fmt: skip


def _spread(u: dict) -> str:
    """The spread of a stats_arrays distribution as a reader states it: GSD, standard
    deviation, or the range."""
    kind, scale = u.get("uncertainty type", 0), u.get("scale")
    if kind == 2 and isinstance(scale, float) and math.isfinite(scale):
        return f"GSD {general(math.exp(scale), 3)}"
    if kind == 3 and isinstance(scale, float) and math.isfinite(scale):
        return f"σ {general(scale, 3)}"
    lo, hi = u.get("minimum"), u.get("maximum")
    if isinstance(lo, float) and isinstance(hi, float) and math.isfinite(lo + hi):
        return f"{general(lo, 4)} – {general(hi, 4)}"
    return "-"


def parameter_table(ctx: Context) -> Table:
    """Every random parameter: value, unit, distribution, spread, its correlations and
    source (ISO 14067 6.6: the inputs of the uncertainty analysis)."""
    m, lang = ctx.study.model, ctx.lang
    params = m.parameters.random if m.parameters else ()
    names = {p.name: ctx.name(p.description or p.name) for p in params}
    partners: dict[str, list[str]] = {}
    for c in m.parameters.correlations if m.parameters else ():
        a, b = c.parameters
        partners.setdefault(a, []).append(f"{names.get(b, b)} ({c.spearman:+.2f})")
        partners.setdefault(b, []).append(f"{names.get(a, a)} ({c.spearman:+.2f})")
    sep = "；" if lang == "zh" else "; "
    rows = [[names[p.name], p.value, unit_text(p.unit, lang),
             t(DISTRIBUTIONS.get(p.uncertainty.get("uncertainty type", 0), "dist_other"), lang),
             _spread(p.uncertainty), sep.join(partners.get(p.name, [])) or "-",
             ctx.name(p.source)] for p in params]  # fmt: skip
    headers = [t(k, lang) for k in ("h_parameter", "h_value", "h_unit", "h_distribution",
                                    "h_spread", "h_correlation", "h_source")]  # fmt: skip
    return Table("parameters", t("t_parameters", lang), headers, rows,
                 [None, ".6g", None, None, None, None, None])  # fmt: skip
