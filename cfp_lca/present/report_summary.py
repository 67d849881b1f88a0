"""The summary that opens the report and the workbook, and the recommendations drawn from the
numbers: the largest stage and part, the inputs that move the total most, the design options
that reduce it beyond the relevance threshold, and the data that would narrow the interval.

Every figure is read from the report's own tables (their display cells), so the summary prints
each quantity exactly as the section that holds it does."""

from __future__ import annotations

import math

from .analysis_tables import common_stages, compare_rows
from .i18n import data_text, t
from .numbers import fixed, with_sign, with_uncertainty
from .report_tables import Context, Table, stage_name, stage_table

#: inputs named as the largest drivers of the variance (their share of it, summed, is printed)
TOP_DRIVERS = 3
#: smallest share of the variance an input must carry to be named as a driver
DRIVER_SHARE = 0.05


def _sep(lang: str) -> str:
    """The separator of an inline list."""
    return "、" if lang == "zh" else ", "


def _share_text(value: str, share: float, unit: str, lang: str) -> str:
    """``value unit (share %)`` in the report's language."""
    open_, close = ("（", "）") if lang == "zh" else (" (", ")")
    return f"{value} {unit}{open_}{fixed(share, 1)} %{close}"


def stage_line(ctx: Context, table: Table) -> str:
    """The stages, largest first, each as printed in the stage table."""
    lcia, lang = ctx.data["lcia"], ctx.lang
    n = len(lcia["stage_table"])
    order = sorted(range(n), key=lambda i: -abs(lcia["stage_table"][i]["value"]))
    unit = lcia["unit"]
    items = [f"{table.rows[i][0]} {_share_text(table.cell(i, 1), table.rows[i][2], unit, lang)}"
             for i in order]  # fmt: skip
    return t("sum_stages", lang, items=_sep(lang).join(items))


def printed_sum_note(ctx: Context, table: Table) -> str | None:
    """A note when the stage rows, as printed, do not add up to the total as printed."""
    n = len(ctx.data["lcia"]["stage_table"])
    try:
        printed = sum(float(table.cell(i, 1)) for i in range(n))
        total = float(table.cell(n, 1))
    except ValueError:
        return None
    digits = max(len(table.cell(i, 1).partition(".")[2]) for i in range(n + 1))
    if round(printed - total, digits) == 0:
        return None
    return t("sum_rounding", ctx.lang, printed=fixed(printed, digits), total=table.cell(n, 1),
             unit=ctx.data["lcia"]["unit"])  # fmt: skip


def separate_names(ctx: Context) -> str:
    """The separately reported stages by name, as an inline list."""
    return _sep(ctx.lang).join(ctx.stage(c) for c in ctx.data["lcia"]["separate_stages"])


def _drivers(ctx: Context) -> tuple[list[str], float]:
    """Names of the inputs carrying the most variance (at least ``DRIVER_SHARE`` each), and
    their summed share."""
    ranked = [r for r in ctx.data["gsa"]["spearman"] if r["variance_share"] >= DRIVER_SHARE]
    top = ranked[:TOP_DRIVERS]
    return [ctx.input_name(r["input"]) for r in top], sum(r["variance_share"] for r in top)


def _design_beyond(ctx: Context) -> tuple[list[dict], int]:
    """Design scenarios that reduce the total beyond t with 95 % probability (largest first),
    and how many design scenarios were studied."""
    rows = [r for _, r in compare_rows(ctx.data["compare"]) if r["kind"] == "design"]
    sure = [r for r in rows if (r["p_reduction"] or 0) >= 0.95]
    return sorted(sure, key=lambda r: r["change"]), len(rows)


def recommendations(ctx: Context) -> list[str]:
    """What the results say to do first, each from a number of the report."""
    lcia, lang = ctx.data["lcia"], ctx.lang
    out = []
    top = max(lcia["stage_table"], key=lambda r: abs(r["value"]))
    out.append(t("rec_stage", lang, stage=ctx.stage(top["code"]), share=fixed(top["share"], 1)))
    parts = list(lcia["parts"].items())
    if len(parts) > 1:
        name, v = parts[0]
        out.append(t("rec_part", lang, part=ctx.name(name), share=fixed(v["share"], 1)))
    names, share = _drivers(ctx)
    if names:
        out.append(t("rec_drivers", lang, inputs=_sep(lang).join(names),
                     share=fixed(100 * share, 0)))  # fmt: skip
    if "compare" in ctx.data:
        sure, studied = _design_beyond(ctx)
        unit = ctx.data["compare"]["unit"]
        if sure:
            items = _sep(lang).join(
                f"{ctx.name(r['title'] or r['scenario'])} "
                f"{with_uncertainty(r['change'], r['difference']['std'])} {unit}"
                for r in sure
            )
            out.append(t("rec_design", lang, items=items))
        elif studied:
            out.append(t("rec_no_design", lang, n=studied))
    return out


def comparison_values(ctx: Context) -> dict | None:
    """The comparison with the model the data compares with, as printed: totals, difference,
    and, where this model holds stages the other lacks, the same over the stages both hold
    first (``extra`` names the others); None without a comparison model."""
    if ctx.study.beside is None:
        return None
    _, other = ctx.study.beside
    m, static = ctx.study.model, ctx.study.static
    diff = static.total - other.total
    pct = 100 * diff / other.total if other.total else math.nan
    values = {"mine": ctx.total(static.total), "other": fixed(other.total, 4),
              "unit": static.unit, "diff": ctx.total(diff),
              "pct": with_sign(fixed(pct, 0))}  # fmt: skip
    common = common_stages(ctx)
    extra = [s for s in m.stages if s.code in static.stages and s.code not in common
             and static.stages[s.code]]  # fmt: skip
    if not extra:
        return values
    mine_c = sum(static.stages[c] for c in common)
    other_c = sum(other.stages.get(c, 0.0) for c in common)
    pct_c = 100 * (mine_c - other_c) / other_c if other_c else math.nan
    names = _sep(ctx.lang).join(stage_name(s, ctx.lang) for s in extra)
    return values | {
        "mine": ctx.total(mine_c), "other": fixed(other_c, 4), "diff": ctx.total(mine_c - other_c),
        "pct": with_sign(fixed(pct_c, 0)), "extra": names, "total": ctx.total(static.total),
        "pct_total": with_sign(fixed(pct, 0)),
    }  # fmt: skip


def data_interval_line(ctx: Context) -> str:
    """That the interval is the data's, which sources it drew, and that assumptions are
    held and studied apart."""
    lang = ctx.lang
    sources = _sep(lang).join(t(f"source_{s}", lang) for s in ctx.data["mc"]["sources"])
    return t("interval_data", lang, sources=sources, n=len(ctx.data["assumptions"]["rows"]))


def assumption_line(ctx: Context, key: str) -> str:
    """The range the assumptions give the total, each alone at the ends of its range."""
    a = ctx.data["assumptions"]
    ends = [v for r in a["rows"] for v in (r["low"], r["high"])]
    top = ctx.input_name(a["rows"][0]["input"]) if a["rows"] else "-"
    return t(key, ctx.lang, lo=ctx.total(min(ends)), hi=ctx.total(max(ends)),
             unit=ctx.data["lcia"]["unit"], top=top, n=len(a["rows"]))  # fmt: skip


def declared(ctx: Context, table: Table) -> tuple[str, str]:
    """The footprint as the study declares it, printed, and the statistic's name: the value
    at best estimates as the stage table prints it, or the data run's median or mean."""
    kind = ctx.study.model.study.get("statistic") or "best_estimate"
    total = ctx.data["mc"]["total"]
    if kind in ("median", "mean"):
        value = ctx.total(total[kind])
    else:
        value = table.cell(len(ctx.data["lcia"]["stage_table"]), 1)
    return value, t(f"stat_{kind}", ctx.lang)


def summary_items(ctx: Context) -> list:
    """The summary: the footprint with its statistic and interval, the stages, the total
    without separately reported stages, the comparison, and the recommendations."""
    lcia, mc, lang = ctx.data["lcia"], ctx.data["mc"], ctx.lang
    table = stage_table(ctx)
    n = len(lcia["stage_table"])
    total = mc["total"]
    value, statistic = declared(ctx, table)
    why = data_text(ctx.study.model.study.get("statistic_reason"), lang)
    items: list = [
        t(
            "sum_headline",
            lang,
            fu=ctx.fu,
            total=value,
            unit=lcia["unit"],
            statistic=statistic,
            why=why or t("statistic_unstated", lang),
        )
    ]
    stat = {"lo": ctx.total(total["p2_5"]), "hi": ctx.total(total["p97_5"]),
            "median": ctx.total(total["median"]), "mean": ctx.total(total["mean"]),
            "unit": lcia["unit"], "n": f"{mc['iterations']:,}"}  # fmt: skip
    pct = mc["deterministic_percentile"]
    items.append(t("sum_statistic", lang, pct=fixed(pct, 0), det=table.cell(n, 1), **stat)
                 if pct is not None
                 else t("sum_interval", lang, **stat))  # fmt: skip
    if ctx.data.get("assumptions", {}).get("rows"):
        items.append(assumption_line(ctx, "sum_assumptions"))
    items.append(stage_line(ctx, table))
    if len(table.rows) > n + 1:  # the total without separately reported stages
        items.append(t("sum_without", lang, stages=separate_names(ctx), value=table.cell(n + 1, 1),
                       unit=lcia["unit"]))  # fmt: skip
    values = comparison_values(ctx)
    if values is not None:
        key = "sum_compare_like" if "extra" in values else "sum_compare"
        items.append(t(key, lang, **values))
    recs = recommendations(ctx)
    if recs:
        items += [f"**{t('recommendations', lang)}**", recs]
    return items
