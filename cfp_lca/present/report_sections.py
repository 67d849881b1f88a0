"""The sections of the study report in the order of ISO 14067:2018 clause 7 (GB/T 24067-2024),
each naming the clause it answers; every statement from the model data or the results."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..calc.compare import boundary_label
from ..calc.static import biogenic_co2
from .analysis_tables import (
    assumption_table,
    compare_rows,
    compare_table,
    comparison_table,
    gwp_set_table,
    improvement_table,
    mc_table,
    sobol_table,
    source_variance_table,
    spearman_table,
    tornado_table,
)
from .i18n import data_text, t, verbatim
from .numbers import fixed, with_uncertainty
from .report_summary import (
    assumption_line,
    comparison_values,
    data_interval_line,
    declared,
    printed_sum_note,
    recommendations,
    separate_names,
    summary_items,
)
from .report_tables import (
    Context,
    Table,
    activity_table,
    bom_table,
    credit_table,
    cutoff_basis,
    cutoff_table,
    data_type_shares,
    electricity_table,
    emission_factor_table,
    exclusions_table,
    factors_table,
    flow_name,
    flow_table,
    group_table,
    module_table,
    parameter_table,
    part_table,
    quality_table,
    stage_name,
    stage_table,
)


@dataclass
class Section:
    """A heading, the clause it answers, and its items: paragraphs (str), bullet lists
    (list[str]), tables and figure keys ("fig:<key>")."""

    key: str
    clause: str
    items: list = field(default_factory=list)
    numbered: bool = True  # the summary stands before section 1, as the seed's 摘要 does


def _stated(ctx: Context, key: str) -> str:
    """A statement of the data's ``study`` block, or that the data does not state it."""
    return ctx.text(ctx.study.model.study.get(key)) or t("not_stated", ctx.lang)


def _labelled(ctx: Context, key: str, value: str | None = None) -> str:
    """``Label: statement`` of a study field."""
    sep = "：" if ctx.lang == "zh" else ": "
    return f"**{t(key, ctx.lang)}**{sep}{value if value is not None else _stated(ctx, key)}"


def goal(ctx: Context) -> Section:
    """Goal, intended application, reasons, audience, commissioner and PCR (6.3.1, 7.3)."""
    items = [_labelled(ctx, k) for k in ("goal", "intended_application", "reasons", "audience")]
    commissioner = ctx.study.model.study.get("commissioner")
    items.append(_labelled(ctx, "commissioner", ctx.name(commissioner)
                           if commissioner else t("not_stated", ctx.lang)))  # fmt: skip
    items.append(_labelled(ctx, "pcr"))
    return Section("s_goal", "6.3.1, 7.3", items)


def functional_unit(ctx: Context) -> Section:
    """Function, functional unit, reference flow and reference service life (6.3.3, 7.3)."""
    info, lang = ctx.study.model.functional_unit_info, ctx.lang
    life = info.get("reference_service_life")
    life_text = t("not_stated", lang)
    if life:
        source = ctx.name(life.get("source") or "")
        life_text = f"{life['value']:g} {verbatim(str(life['unit']), lang)} ({source})"
    return Section("s_fu", "6.3.3, 7.3", [
        _labelled(ctx, "function", data_text(info.get("function"), lang)
                  or t("not_stated", lang)),
        _labelled(ctx, "functional_unit", ctx.fu),
        _labelled(ctx, "reference_flow", data_text(info.get("reference_flow"), lang)
                  or t("not_stated", lang)),
        _labelled(ctx, "service_life", life_text),
    ])  # fmt: skip


def product(ctx: Context) -> Section:
    """The product and its bill of materials from the model's exchanges (7.3)."""
    m, lang = ctx.study.model, ctx.lang
    title = m.title_zh if lang == "zh" and m.title_zh else verbatim(m.title, lang)
    items = [_labelled(ctx, "product", title)]
    if m.description:
        items.append(ctx.name(" ".join(m.description.split())))
    return Section("s_product", "6.3.2, 7.3", [*items, bom_table(ctx)])


def boundary(ctx: Context) -> Section:
    """Boundary, stages included, separate stages, exclusions, time period (6.3.4, 7.3)."""
    m, lang = ctx.study.model, ctx.lang
    used = {a.stage for a in m.activities}
    stages = [s for s in m.stages if s.code in used]
    sep = "、" if lang == "zh" else ", "
    items = [
        _labelled(ctx, "system_boundary"),
        _labelled(ctx, "included", sep.join(stage_name(s, lang) for s in stages)),
        "fig:system_boundary",
    ]
    items += [t("separate_stage", lang, stage=stage_name(s, lang)) for s in stages if s.separate]
    items += [_labelled(ctx, "use_stage"), _labelled(ctx, "time_period")]
    table = exclusions_table(ctx)
    items.append(table if table.rows else _labelled(ctx, "exclusions"))
    return Section("s_boundary", "6.3.4, 7.3", items)  # fmt: skip


def cutoff(ctx: Context) -> Section:
    """The cut-off rule and the inputs below its threshold, all kept (6.3.4.3, 7.3)."""
    lang, threshold = ctx.lang, ctx.study.model.study.get("cut_off_threshold")
    items = [_labelled(ctx, "cut_off_rule")]
    if threshold is None:
        return Section("s_cutoff", "6.3.4, 7.3", [*items, t("cutoff_none", lang)])
    table = cutoff_table(ctx, float(threshold))
    share = sum(r[4] for r in table.rows)
    basis, total = cutoff_basis(ctx)
    named = t(f"cutoff_basis_{basis}", lang, value=ctx.total(total), unit=ctx.study.static.unit)
    items.append(t("cutoff_check", lang, threshold=fixed(100 * float(threshold), 2),
                   share=fixed(share, 2), basis=named))  # fmt: skip
    return Section("s_cutoff", "6.3.4, 7.3", [*items, table])


def allocation(ctx: Context) -> Section:
    """Allocation of annual data, end-of-life approach and its justification (6.4.6, 7.3)."""
    m, lang = ctx.study.model, ctx.lang
    a = m.allocation
    items = [_labelled(ctx, "allocation")]
    items.append(t("alloc_annual", lang, period=ctx.name(a.period or "-"),
                   output=f"{a.annual_output:g}", unit=verbatim(a.unit, lang),
                   basis=ctx.name(a.basis)) if a else t("no_alloc", lang))  # fmt: skip
    items += _multi_output(ctx)
    items.append(_labelled(ctx, "end_of_life"))
    sep = "、" if lang == "zh" else ", "
    options = sep.join(ctx.name(boundary_label({k: v})) for k, v in m.options.items())
    if options:
        items.append(_labelled(ctx, "option_used", options))
    return Section("s_allocation", "6.4.6, 7.3", items)


def _multi_output(ctx: Context) -> list[str]:
    """One sentence per multi-output activity: its co-products, the rule, the share its own
    product carries and why (ISO 14067:2018 6.4.6.2)."""
    sep = "、" if ctx.lang == "zh" else ", "
    out = []
    for a in ctx.study.model.activities:
        shared = a.meta.get("allocation")
        if shared:
            out.append(t("alloc_multi", ctx.lang, activity=ctx.name(a.name),
                         products=sep.join(ctx.name(c) for c in shared["co_products"]),
                         by=_rule(ctx, shared["by"]), share=fixed(100 * shared["share"], 1),
                         reason=ctx.text(shared["reason"])))  # fmt: skip
    return out


ALLOCATION_RULES = ("mass", "price", "energy")  # named in the catalog; others by the data


def _rule(ctx: Context, by: str) -> str:
    """An allocation basis in the report's language."""
    return t(f"alloc_by_{by}", ctx.lang) if by in ALLOCATION_RULES else ctx.name(by)


def electricity(ctx: Context) -> Section:
    """How electricity is modelled, and the electricity the foreground buys (6.4.9.4, 7.3)."""
    table = electricity_table(ctx)
    return Section(
        "s_electricity",
        "6.4.9.4, 7.3",
        [_labelled(ctx, "electricity"), *([table] if table.rows else [])],
    )


def quality(ctx: Context) -> Section:
    """Data quality statement, data types declared per exchange and their shares (6.3.5)."""
    lang = ctx.lang
    shares = data_type_shares(ctx)
    sep = "；" if lang == "zh" else "; "
    text = sep.join(f"{t(k, lang)} {fixed(v, 1)} %" for k, v in sorted(shares.items()))
    return Section("s_quality", "6.3.5, 7.3", [
        _labelled(ctx, "data_quality"), t("data_types", lang, shares=text),
        t("pedigree_note", lang), quality_table(ctx),
    ])  # fmt: skip


def method(ctx: Context) -> Section:
    """Climate change only; the characterization method and the GHGs' factors (6.5, 7.3)."""
    me, lang = ctx.study.method, ctx.lang
    line = t("method_line", lang, name=" / ".join(ctx.name(x) for x in me.name[1:]),
             id=f"`{me.id}`", year=me.year, source=ctx.name(me.source))  # fmt: skip
    items = [t("climate_only", lang), line, *coverage_lines(ctx), factors_table(ctx)]
    return Section("s_method", "6.5, 7.3", items)


def coverage_lines(ctx: Context) -> list[str]:
    """For a model linked to other databases: which greenhouse gases of the supply chain the
    method characterizes, and what it misses, with amounts (nothing dropped silently)."""
    cov, lang = ctx.study.static.coverage, ctx.lang
    if cov is None or not ctx.study.model.linked:
        return []
    if cov.complete:
        lines = [t("coverage_all", lang, gases=cov.gases)]
    else:
        names = "; ".join(f"{verbatim(m.name, lang)} {m.amount:.3g} {m.unit}" for m in cov.missed)
        lines = [t("coverage_missed", lang, missed=len(cov.missed), gases=cov.gases, names=names)]
    if cov.no_compartment:
        lines.append(t("coverage_air", lang, n=cov.no_compartment))
    return lines


def inventory(ctx: Context) -> Section:
    """Every input and direct emission with its factor (6.4, 7.3)."""
    return Section("s_inventory", "6.4, 7.3", [activity_table(ctx), emission_factor_table(ctx)])


def results(ctx: Context) -> Section:
    """The CFP per functional unit, by stage, part and gas (7.2, 7.3); the headline and the
    total without separate stages read from the stage table, so each prints one way."""
    lcia, mc, lang = ctx.data["lcia"], ctx.data["mc"]["total"], ctx.lang
    unit, table, n = lcia["unit"], stage_table(ctx), len(lcia["stage_table"])
    value, statistic = declared(ctx, table)
    items = [t("total_line", lang, total=value, unit=unit, fu=ctx.fu, statistic=statistic),
             t("total_range", lang, lo=ctx.total(mc["p2_5"]), hi=ctx.total(mc["p97_5"]),
               unit=unit, n=f"{ctx.data['mc']['iterations']:,}"),
             t("rounding", lang)]  # fmt: skip
    note = printed_sum_note(ctx, table)
    if note:
        items.append(note)
    if len(table.rows) > n + 1:
        items.append(t("separate_total", lang, value=table.cell(n + 1, 1), unit=unit,
                       stages=separate_names(ctx)))  # fmt: skip
    has_credits = any(ctx.study.static.credits.values())
    items += [table, *([] if has_credits else ["fig:stage_contributions"]),
              "fig:stage_shares_donut"]  # fmt: skip
    if lcia.get("modules"):
        items += [t("modules_note", lang), module_table(ctx)]
    if len(lcia["parts"]) > 1:
        items += [part_table(ctx), "fig:parts_pareto"]
    items += [flow_table(ctx), "fig:greenhouse_gases", "fig:supply_tree"]
    return Section("s_results", "7.2, 7.3", items)


def ghg_groups(ctx: Context) -> Section:
    """Fossil, biogenic, dLUC and aircraft emissions and removals, each even when zero (7.3)."""
    lang = ctx.lang
    items: list = [t("groups_text", lang), group_table(ctx)]
    emitted, taken = biogenic_co2(ctx.study.static.inventory, ctx.study.static.flow_info)
    items.append(t("biogenic_kg", lang, emitted=ctx.rounded(emitted), taken=ctx.rounded(-taken),
                   net=ctx.rounded(emitted + taken)))  # fmt: skip
    if not any(f.group == "aircraft" for f in ctx.study.static.flow_info.values()):
        items.append(t("aircraft_none", lang))
    return Section("s_ghg", "7.3", items)


def credits(ctx: Context) -> Section:
    """Recycling credits apart from end-of-life burdens (6.4.6.3, 7.3)."""
    lang = ctx.lang
    has = any(v for v in ctx.study.static.credits.values())
    items: list = [t("credits_text", lang), credit_table(ctx)]
    items += ["fig:stage_contributions"] if has else [t("no_credits", lang)]
    return Section("s_credits", "6.4.6.3, 7.3", items)


def uncertainty(ctx: Context) -> Section:
    """The one Monte Carlo run: interval, convention, statistics, sources (6.6, 7.3)."""
    mc, lang = ctx.data["mc"], ctx.lang
    total = mc["total"]
    items = [t("interval", lang, lo=ctx.total(total["p2_5"]), hi=ctx.total(total["p97_5"]),
               unit=mc["unit"], median=ctx.total(total["median"]),
               mean=ctx.total(total["mean"]), cv=fixed(100 * total["cv"], 0))]  # fmt: skip
    ends = mc.get("percentile_intervals") or {}
    if "p2_5" in ends and "p97_5" in ends:
        (a, b), (c, d) = ends["p2_5"], ends["p97_5"]
        items.append(t("interval_error", lang, a=ctx.total(a), b=ctx.total(b),
                       c=ctx.total(c), d=ctx.total(d)))  # fmt: skip
    if mc["deterministic_percentile"] is not None:
        items.append(t("convention", lang, percentile=fixed(mc["deterministic_percentile"], 0)))
    runs = {"n": f"{mc['iterations']:,}", "seed": mc["seed"]}
    items.append(t("one_run", lang, **runs, n_cmp=f"{ctx.data['compare']['n']:,}")
                 if "compare" in ctx.data else t("one_run_alone", lang, **runs))  # fmt: skip
    if "assumptions" in ctx.data:
        items.insert(1, data_interval_line(ctx))
    if ctx.study.model.parameters and ctx.study.model.parameters.random:
        items.append(parameter_table(ctx))
    items += [mc_table(ctx), "fig:monte_carlo_total", "fig:monte_carlo_convergence"]
    if "sources_variance" in ctx.data:
        items += [t("by_source", lang), source_variance_table(ctx)]
    if "assumptions" in ctx.data:
        items += [assumption_line(ctx, "assumptions_text"), assumption_table(ctx)]
    return Section("s_uncertainty", "6.6, 7.3", items)


def sensitivity(ctx: Context) -> Section:
    """Spearman ranks, Sobol indices and tornado (6.6, 7.3)."""
    return Section("s_sensitivity", "6.6, 7.3", [
        spearman_table(ctx), "fig:contribution_to_variance", sobol_table(ctx),
        "fig:sobol_indices", tornado_table(ctx), "fig:tornado",
    ])  # fmt: skip


def scenarios(ctx: Context, figures: list[str]) -> Section | None:
    """Alternative end-of-life and use profiles and design options, paired (7.3)."""
    if "compare" not in ctx.data:
        return None
    cmp, lang = ctx.data["compare"], ctx.lang
    th = cmp["threshold"]
    text = (t("t_relative", lang, value=f"{100 * th['value']:g}") if th["relative"]
            else f"{th['value']:g} {cmp['unit']}")  # fmt: skip
    why = t("threshold_why", lang, reason=t("threshold_default" if th.get("default")
                                             else "threshold_given", lang))  # fmt: skip
    items = [t("threshold", lang, text=text) + " " + why, compare_table(ctx),
             *figures, improvement_table(ctx)]  # fmt: skip
    return Section("s_scenarios", "7.3", items)


def assumptions(ctx: Context) -> Section:
    """Assumptions, limitations, value choices, and the GWP sets of the factors (7.3)."""
    study, lang = ctx.study.model.study, ctx.lang
    items: list = []
    for key in ("assumptions", "limitations", "value_choices"):
        texts = [data_text(x, lang) for x in study.get(key) or []]
        items.append(f"**{t(key, lang)}**")
        items.append([x for x in texts if x] or [t("not_stated", lang)])
    table = gwp_set_table(ctx)
    named = [r for r in table.rows if r[0] != t("unstated", lang)]
    items.append(t("gwp_mixed", lang, k=len(table.rows)) if len(table.rows) > 1
                 else t("gwp_single", lang, set=named[0][0] if named else "-"))  # fmt: skip
    items.append(table)
    return Section("s_assumptions", "7.3", items)


def interpretation(ctx: Context) -> Section:
    """Conclusions drawn from the numbers: dominant stage, part and gas, range, scenarios."""
    lcia, mc, lang, static = ctx.data["lcia"], ctx.data["mc"], ctx.lang, ctx.study.static
    items = []
    top_stage = max(lcia["stage_table"], key=lambda r: abs(r["value"]))
    items.append(t("dominant", lang, stage=stage_name(ctx.study.model.stage(top_stage["code"]),
                   lang), share=fixed(top_stage["share"], 1)))  # fmt: skip
    if len(lcia["parts"]) > 1:
        name, v = next(iter(lcia["parts"].items()))
        items.append(t("top_part", lang, part=ctx.name(name), share=fixed(v["share"], 1)))
    if static.flows:
        code = max(static.flows, key=lambda c: abs(static.flows[c]))
        items.append(t("top_flow", lang, flow=flow_name(ctx, code),
                       share=fixed(static.share(static.flows[code]), 1)))  # fmt: skip
    top = ctx.data["gsa"]["spearman"][0]["input"] if ctx.data["gsa"]["spearman"] else "-"
    total = mc["total"]
    items.append(t("uncertainty_concl", lang, lo=ctx.total(total["p2_5"]),
                   hi=ctx.total(total["p97_5"]), unit=mc["unit"],
                   cv=fixed(100 * total["cv"], 0), top=ctx.input_name(top)))  # fmt: skip
    if "compare" in ctx.data:
        items += _significant(ctx)
    recs = recommendations(ctx)
    if recs:
        items += [f"**{t('recommendations', lang)}**", recs]
    return Section("s_interpretation", "6.6, 7.3", items)


def _significant(ctx: Context) -> list[str]:
    """Scenarios that move the total beyond t with 95 % probability: design options (what
    the product can change) apart from method choices and context settings (not
    reductions: the same product accounted otherwise, or in other circumstances)."""
    lang, cmp = ctx.lang, ctx.data["compare"]
    sure = [r for _, r in compare_rows(cmp)
            if max(r["p_reduction"] or 0, r["p_increase"] or 0) >= 0.95]  # fmt: skip
    sep = "；" if lang == "zh" else "; "

    def listed(rows: list[dict]) -> str:
        return sep.join(f"{ctx.name(r['title'] or r['scenario'])} "
                        f"{with_uncertainty(r['change'], r['difference']['std'])} "
                        f"{cmp['unit']}" for r in rows)  # fmt: skip

    design = [r for r in sure if r["kind"] == "design"]
    choices = [r for r in sure if r["kind"] != "design"]
    out = [t("significant", lang, items=listed(design)) if design
           else t("no_significant", lang)]  # fmt: skip
    if choices:
        out.append(t("significant_choices", lang, items=listed(choices)))
    return out


def comparison(ctx: Context) -> Section | None:
    """The difference from the model the data compares with, and the data's notes (7.3)."""
    values = comparison_values(ctx)
    if values is None:
        return None
    m, lang = ctx.study.model, ctx.lang
    key = "comparison_like" if "extra" in values else "comparison_text"
    items: list = [t(key, lang, **values), comparison_table(ctx)]
    notes = m.comparison[1] if m.comparison else {}
    sep = "：" if lang == "zh" else ": "
    items.append([f"{stage_name(s, lang)}{sep}{ctx.text(notes[s.code])}"
                  for s in m.stages if s.code in notes])  # fmt: skip
    return Section("s_comparison", "7.3", items)


def audit(ctx: Context, tables: list[Table | None]) -> Section | None:
    """The declared figures that disagree with their recomputation, and the document's claims
    in words against the model."""
    kept = [x for x in tables if x is not None]
    return Section("s_audit", "7.3", kept) if kept else None


def signature_table(ctx: Context) -> Table:
    """Who prepared, reviewed and accepted the study, from the data, with blank columns to
    sign and date: the block a verifier signs."""
    study, lang = ctx.study.model.study, ctx.lang
    reviewer = (study.get("review") or {}).get("reviewer")
    people = [("role_author", study.get("author")), ("role_reviewer", reviewer),
              ("role_commissioner", study.get("commissioner"))]  # fmt: skip
    rows = [[t(role, lang), ctx.name(name) if name else "", "", ""] for role, name in people]
    headers = [t(k, lang) for k in ("h_role", "h_name", "h_signature", "h_date")]
    return Table("signatures", t("t_signatures", lang), headers, rows, [None] * 4)


def review(ctx: Context) -> Section:
    """The critical review or verification as recorded in the data, or a placeholder, and the
    signature block (6.7)."""
    r, lang = ctx.study.model.study.get("review") or {}, ctx.lang
    kind = data_text(r.get("kind"), lang)
    if not r or kind in (None, "none"):
        return Section("s_review", "6.7", [t("review_placeholder", lang), signature_table(ctx)])
    return Section("s_review", "6.7", [
        _labelled(ctx, "review_kind", kind),
        _labelled(ctx, "reviewer", verbatim(r.get("reviewer") or "-", lang)),
        _labelled(ctx, "review_date", r.get("date") or "-"),
        _labelled(ctx, "statement", data_text(r.get("statement"), lang) or "-"),
        signature_table(ctx),
    ])  # fmt: skip


def all_sections(
    ctx: Context, scenario_figures: list[str], audit_tables: list[Table | None]
) -> list[Section]:
    """The summary, then every section in report order (ISO 14067:2018 clause 7), those
    without data left out."""
    found = [goal(ctx), functional_unit(ctx), product(ctx), boundary(ctx), cutoff(ctx),
             allocation(ctx), electricity(ctx), quality(ctx), method(ctx), inventory(ctx),
             results(ctx), ghg_groups(ctx), credits(ctx), uncertainty(ctx), sensitivity(ctx),
             scenarios(ctx, scenario_figures), assumptions(ctx), interpretation(ctx),
             comparison(ctx), audit(ctx, audit_tables), review(ctx)]  # fmt: skip
    summary = Section("s_summary", "7.2, 7.3", summary_items(ctx), numbered=False)
    return [summary, *(s for s in found if s is not None)]
