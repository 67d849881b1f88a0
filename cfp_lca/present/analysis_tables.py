"""The tables of the report's analyses: Monte Carlo statistics, variance by source, Spearman,
Sobol and tornado rankings, the scenario comparison and improvement options, the comparison
model and the audit of declared figures; numbers from the ``--json`` dicts."""

from __future__ import annotations

import math
from collections.abc import Iterator

from ..brightway.linking import catalog_process
from .claim_text import finding_text, note_text, quantity_text
from .i18n import t
from .numbers import significant, with_sign
from .report_tables import Context, Format, Table, stage_name

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


def assumption_table(ctx: Context) -> Table:
    """Each assumption alone at the ends of its range, the data at best estimates: its
    settings, the total at each, and its share of the variance the assumptions cause."""
    a, lang = ctx.data["assumptions"], ctx.lang
    rows = [[ctx.input_name(r["input"]), r["low_setting"], r["high_setting"], r["low"],
             r["high"], 100 * r["variance_share"]] for r in a["rows"]]  # fmt: skip
    headers = [
        t(k, lang)
        for k in (
            "h_assumption",
            "h_low_setting",
            "h_high_setting",
            "h_total_low",
            "h_total_high",
            "h_assumption_share",
        )
    ]
    return Table("assumptions", t("t_assumptions", lang), headers, rows,
                 [None, ".4g", ".4g", ctx.rounded, ctx.rounded, ".1f"])  # fmt: skip


def signed(value: float) -> str:
    """A change to three significant digits with its sign (none for zero)."""
    return with_sign(significant(value, 3))


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
    rows = [[ctx.name(name), len(vs), sum(vs), static.share(sum(vs))]
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


def audit_names(ctx: Context) -> dict[str, str]:
    """Names by code for the audit's words: activities, processes, flows, and the stages of
    the reported and the audited model (as ``stage/<code>``)."""
    models = [ctx.study.model, ctx.study.audited_model]
    stages = {f"stage/{s.code}": stage_name(s, ctx.lang)
              for m in models if m is not None for s in m.stages}  # fmt: skip
    return {**ctx.names, **stages}


def _places(ctx: Context, conflict: dict) -> str:
    """Where each value of a quantity declared differently is printed, in the language."""
    sep, parts = ("、", "；") if ctx.lang == "zh" else (", ", "; ")
    brackets = ("（", "）") if ctx.lang == "zh" else (" (", ")")
    return parts.join(f"{v['printed']}{brackets[0]}{sep.join(ctx.name(w) for w in v['where'])}"
                      f"{brackets[1]}" for v in conflict["values"])  # fmt: skip


def audit_table(ctx: Context) -> Table:
    """Declared figures that disagree with the recomputation, and the conflicts."""
    a, lang, names = ctx.data["audit"], ctx.lang, audit_names(ctx)
    rows = [[ctx.name(f["where"]), _number(f["printed"]), f["recomputed"],
             t(f["status"], lang), note_text(f, lang, names, ctx.name)]
            for f in a["findings"]]  # fmt: skip
    for k in a["conflicts"]:
        rows.append([quantity_text(k["what"], lang, names), None, None,
                     t("declared_differently", lang), _places(ctx, k)])  # fmt: skip
    headers = [t(k, lang) for k in ("h_where", "h_printed", "h_recomputed", "h_finding",
                                    "h_note")]  # fmt: skip
    title = f"{t('t_audit', lang)} ({t('n_checked', lang, n=a['checked'])})"
    texts = {(i, 1): f["printed"] for i, f in enumerate(a["findings"])}
    return Table("audit", title, headers, rows, [None, ".8g", ".8g", None, None], texts=texts)


def claims_table(ctx: Context) -> Table | None:
    """The document's claims in words against the model (None when it declares none)."""
    a, lang = ctx.data["audit"], ctx.lang
    if not a.get("claims"):
        return None
    names = audit_names(ctx)
    rows = [[ctx.name(c["where"]), c["printed"], t(f"claim_{c['status']}", lang),
             finding_text(c, lang, names, ctx.name)] for c in a["claims"]]  # fmt: skip
    headers = [t(k, lang) for k in ("h_where", "h_claim", "h_finding", "h_note")]
    return Table("claims", t("t_claims", lang), headers, rows, [None] * 4)


def _number(printed: str) -> float | str:
    """A printed figure as a number where it is one (stored as a number in the exports)."""
    try:
        return float(printed.replace(",", "").replace("%", "").strip())
    except ValueError:
        return printed
