"""Plain-text tables and JSON-ready dicts of results: the shared helpers, the static LCIA and
the audit (Monte Carlo and sensitivity: :mod:`.uncertainty_tables`; scenarios:
:mod:`.compare_tables`)."""

from __future__ import annotations

import json
import math
import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..calc.modules import module_results
from ..calc.static import GROUPS, OTHER_GROUP, StaticResult, biogenic_co2, reporting_group
from ..model.objects import ProductModel, Stage
from .claim_text import finding_text, note_text
from .i18n import t

if TYPE_CHECKING:
    from ..calc.audit import AuditResult, Check
    from ..calc.claims import ClaimCheck


def json_text(data: Any) -> str:
    """Strict JSON (RFC 8259) of a result dict: an undefined number (NaN, infinity) is null."""
    return json.dumps(_defined(data), indent=2, ensure_ascii=False, allow_nan=False)


def _defined(value: Any) -> Any:
    """``value`` with numpy scalars made plain and every non-finite float replaced by None."""
    if isinstance(value, dict):
        return {k: _defined(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [_defined(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def reported_stages(model: ProductModel) -> tuple[Stage, ...]:
    """The stages this model variant has activities in (a stage switched off is left out)."""
    used = {a.stage for a in model.activities}
    return tuple(s for s in model.stages if s.code in used)


def format_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int] = ()
) -> str:
    """A fixed-width text table; columns listed in ``right`` are right-aligned. Widths are
    counted in terminal columns: a Chinese character takes two."""
    widths = [max(shown_width(str(x)) for x in col) for col in zip(headers, *rows, strict=True)]

    def padded(text: str, width: int, right_aligned: bool) -> str:
        gap = " " * (width - shown_width(text))
        return gap + text if right_aligned else text + gap

    def line(cells: Sequence[str]) -> str:
        pairs = enumerate(zip(cells, widths, strict=True))
        return "  ".join(padded(str(c), w, i in right) for i, (c, w) in pairs).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])


def shown_width(text: str) -> int:
    """The columns a text takes on a terminal: wide (East Asian) characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def lcia_dict(
    result: StaticResult, model: ProductModel, methods: dict[str, float] | None = None
) -> dict:
    """The machine-readable LCIA result (the ``--json`` object); ``methods``: the totals under
    every method (``totals_by_method``), listed when given."""
    stage_rows = [
        {
            "code": s.code,
            "name": s.name,
            "name_zh": s.name_zh,
            "value": result.stages[s.code],
            "share": result.share(result.stages[s.code]),
            "burdens": result.burdens.get(s.code, result.stages[s.code]),
            "credits": result.credits.get(s.code, 0.0),
        }
        for s in reported_stages(model)
    ]
    precharacterized = result.groups.get("precharacterized", 0.0)
    out = {
        "model": model.name,
        "title": model.title,
        "functional_unit": model.functional_unit,
        "method": result.method,
        "method_name": list(result.method_name),
        "unit": result.unit,
        "total": result.total,
        "stages": {r["name"]: r["value"] for r in stage_rows},
        "stage_table": stage_rows,
        "burdens": {r["name"]: r["burdens"] for r in stage_rows},
        "credits": {r["name"]: r["credits"] for r in stage_rows},
        "options": model.options,
        "comparable_total": result.comparable_total,
        "total_without_separate": result.comparable_total,
        "separate_stages": list(result.separate),
        "separate_stage_names": separate_names(result, model),
        "by_flow": flow_rows(result),
        "by_group": {
            g: {"value": v, "share": result.share(v)} for g, v in group_items(result).items()
        },
        # biogenic CO2 in kg of CO2, from the inventory (methods net it at 0/0: ISO 14067 7.3)
        "biogenic_co2_kg": dict(
            zip(
                ("emitted", "taken_up"),
                biogenic_co2(result.inventory, result.flow_info),
                strict=True,
            )
        ),  # fmt: skip
        "precharacterized_share": result.share(precharacterized),
        "method_sensitive_share": result.share(result.total - precharacterized),
        "direct": direct_rows(result, model),
        "parts": {
            name: {"value": v, "share": result.share(v)} for name, v in _ranked(result.parts)
        },
        # what no part holds (transport, use, end of life of the product), by stage code
        "outside_parts": {
            code: {"value": v, "share": result.share(v)}
            for code, v in _ranked(result.outside_parts)
        },
        "activities": {
            code: {"value": v, "share": result.share(v)} for code, v in _ranked(result.activities)
        },
        "background": {
            f"{db}:{code}": {
                "name": result.labels.get((db, code), code),
                "value": v,
                "share": result.share(v),
            }  # fmt: skip
            for (db, code), v in _ranked(result.background)
        },
    }
    if model.modules:
        out["modules"] = module_results(result, model)
    if result.coverage is not None:
        out["coverage"] = result.coverage.to_dict()
    if methods is not None:
        out["methods"] = dict(methods)
    if result.annual_output is not None:
        out["annual_output"] = result.annual_output
        out["annual_total"] = result.total * result.annual_output
        out["stages_annual"] = {r["name"]: r["value"] * result.annual_output for r in stage_rows}
    return out


def group_items(result: StaticResult) -> dict[str, float]:
    """kgCO2e by ISO 14067 7.3 reporting group, every group present even when zero."""
    return {g: result.groups.get(g, 0.0) for g in (*GROUPS, OTHER_GROUP)}


def flow_rows(result: StaticResult) -> list[dict]:
    """One row per greenhouse gas of the inventory (elementary flows in a reporting group,
    or with a non-zero result): amount, factor, kgCO2e, share; then one row that counts the
    other elementary flows (substances that are not greenhouse gases), if any."""
    rows, rest = [], []
    for code, value in _ranked(result.flows):
        flow = result.flow_info.get(code)
        if value == 0 and (flow is None or flow.group is None):
            rest.append(code)
            continue
        rows.append(
            {
                "code": code,
                "name": flow.name if flow else code,
                "group": reporting_group(flow),
                "amount": result.inventory.get(code),
                "amount_unit": flow.unit if flow else None,
                "factor": result.factors.get(code, 0.0),
                "value": value,
                "share": result.share(value),
            }
        )
    if rest:
        rows.append({"code": None, "name": f"({len(rest)} other elementary flows, not "
                     "greenhouse gases)", "group": OTHER_GROUP, "amount": None,
                     "amount_unit": None, "factor": 0.0, "value": 0.0, "share": 0.0})  # fmt: skip
    return rows


def direct_rows(result: StaticResult, model: ProductModel) -> list[dict]:
    """Direct emissions of foreground activities per functional unit, with their factors."""
    names = {a.code: (a.name, a.stage) for a in model.activities}
    rows = []
    for activity, emitted in result.direct.items():
        for code, value in emitted.items():
            flow = result.flow_info.get(code)
            name, stage = names.get(activity, (activity, None))
            rows.append(
                {
                    "activity": activity,
                    "activity_name": name,
                    "stage": stage,
                    "flow": code,
                    "flow_name": flow.name if flow else code,
                    "amount": result.direct_amounts.get(activity, {}).get(code),
                    "amount_unit": flow.unit if flow else None,
                    "factor": result.factors.get(code, 0.0),
                    "value": value,
                    "share": result.share(value),
                }
            )
    return sorted(rows, key=lambda r: -abs(r["value"]))


def contributors(result: StaticResult) -> dict[str, float]:
    """Purchased background products and direct emissions of foreground activities, which
    together partition the total: what a "top contributors" list ranks."""
    out: dict[str, float] = {}
    for key, v in result.background.items():
        label = result.labels.get(key, key[1])
        out[label if label not in out else f"{label} ({key[0]}:{key[1]})"] = v
    for activity, emitted in result.direct.items():
        for code, value in emitted.items():
            flow = result.flow_info.get(code)
            name = f"{activity}: {flow.name if flow else code} (direct)"
            out[name] = out.get(name, 0.0) + value
    return out


def separate_names(result: StaticResult, model: ProductModel, lang: str = "en") -> list[str]:
    """Names of the stages reported beside the comparable total."""
    return [stage_label(s, lang) for s in model.stages if s.code in result.separate]


def _ranked(values: dict) -> list:
    return sorted(values.items(), key=lambda kv: -abs(kv[1]))


def stage_label(stage, lang: str) -> str:
    return stage.name_zh if lang == "zh" and stage.name_zh else stage.name


def lcia_text(
    result: StaticResult,
    model: ProductModel,
    lang: str = "en",
    top: int = 8,
    methods: dict[str, float] | None = None,
) -> str:
    """Stages (burdens, credits and net where credits exist) and the total, the result by gas
    and by reporting group, the totals under the other methods, then the top contributors;
    words in ``lang``."""
    annual = result.annual_output
    credits = result.has_credits
    unit = result.unit
    headers = [t("x_stage", lang)]
    if credits:
        headers += [t("x_burdens", lang, unit=unit), t("x_credits", lang, unit=unit)]
    headers += [t("x_per_unit", lang, unit=unit), t("x_share", lang)]
    if annual is not None:
        headers.append(t("x_per_year", lang, unit=unit))
    rows = []

    def row(name: str, v: float, codes: Sequence[str]) -> list[str]:
        cells = [name]
        if credits:
            cells += [f"{sum(result.burdens.get(c, result.stages[c]) for c in codes):.4f}",
                      f"{sum(result.credits.get(c, 0.0) for c in codes):.4f}"]  # fmt: skip
        cells += [f"{v:.4f}", f"{result.share(v):.2f} %"]
        return [*cells, f"{v * annual:.3f}"] if annual is not None else cells

    for s in reported_stages(model):
        name = stage_label(s, lang) + (t("x_separate", lang) if s.separate else "")
        rows.append(row(name, result.stages[s.code], [s.code]))
    rows.append(row(t("x_total", lang), result.total, list(result.stages)))
    without = ("、" if lang == "zh" else ", ").join(separate_names(result, model, lang))
    if result.separate and result.comparable_total != result.total:
        kept = [c for c in result.stages if c not in result.separate]
        rows.append(row(t("x_total_without", lang, stages=without), result.comparable_total,
                        kept))  # fmt: skip
    headline = t("x_total_line", lang, total=f"{result.total:.4f}", unit=unit)
    if result.separate and result.comparable_total != result.total:
        part = t("x_without", lang, stages=without, value=f"{result.comparable_total:.4f}")
        headline += f"（{part}）" if lang == "zh" else f" ({part})"
    right = range(1, len(headers))
    text = _head(result, model, lang) + headline + "\n\n" + format_table(headers, rows, right)
    if result.flows:
        text += "\n\n" + flow_text(result, lang)
    if methods:
        text += "\n" + methods_line(result, methods, lang)
    if model.modules:
        text += "\n\n" + module_text(result, model, lang)
    if len(result.parts) > 1:
        text += "\n\n" + _top_table(t("x_part", lang), result.parts, result, top, lang)
    text += "\n\n" + _top_table(t("x_process", lang), contributors(result), result, top, lang)
    if model.linked and result.coverage is not None:
        text += "\n\n" + result.coverage.line()
    return text


def _head(result: StaticResult, model: ProductModel, lang: str) -> str:
    """The lines above the stage table: the model, its functional unit, method, options and
    allocation."""
    zh = lang == "zh"
    colon = "：" if zh else ": "
    title = model.title_zh if zh and model.title_zh else model.title
    unit = model.functional_unit_zh if zh and model.functional_unit_zh else model.functional_unit
    lines = [title, f"{t('x_functional_unit', lang)}{colon}{unit}",
             f"{t('x_method', lang)}{colon}{' / '.join(result.method_name[1:])} "
             f"({result.method})"]  # fmt: skip
    if model.options:
        options = ", ".join(f"{k}={v}" for k, v in model.options.items())
        lines.append(f"{t('x_options', lang)}{colon}{options}")
    if result.annual_output is not None:
        lines.append(t("x_allocation", lang, annual=f"{result.annual_output:g}",
                       basis=model.allocation.basis))  # fmt: skip
    return "\n".join(lines) + "\n"


def module_text(result: StaticResult, model: ProductModel, lang: str = "en") -> str:
    """The result by EN 15804+A2 module: A to C, their total, then module D apart."""
    found = module_results(result, model)
    rows = [[r["module"], f"{r['value']:.4f}"] for r in found["rows"] if r["module"] != "D"]
    rows.append([t("x_a_to_c", lang), f"{found['a_to_c']:.4f}"])
    rows.append([t("x_module_d", lang), f"{found['d']:.4f}"])
    table = format_table([t("x_module", lang), result.unit], rows, right=[1])
    return f"{t('x_by_module', lang)}\n{table}"


def coverage_text(coverage: dict) -> str:
    """The coverage line of a result's JSON (``Coverage.to_dict``)."""
    from ..calc.coverage import Coverage

    return Coverage.from_dict(coverage).line()


def flow_text(result: StaticResult, lang: str = "en") -> str:
    """The table by gas, the totals by ISO 14067 7.3 group and the method-sensitive share."""
    rows = [
        [r["name"], r["group"],
         "" if r["amount"] is None else f"{r['amount']:.6g} {r['amount_unit'] or ''}".strip(),
         f"{r['factor']:g}", f"{r['value']:.4f}", f"{r['share']:.2f} %"]
        for r in flow_rows(result)
    ]  # fmt: skip
    headers = [t(k, lang) for k in ("x_flow", "x_group", "x_amount", "x_factor")]
    table = format_table([*headers, result.unit, t("x_share", lang)], rows, right=(2, 3, 4, 5))
    groups = "; ".join(f"{g} {v:.4f}" for g, v in group_items(result).items())
    pre = result.groups.get("precharacterized", 0.0)
    shares = t("x_method_sensitive", lang, sensitive=f"{result.share(result.total - pre):.2f}",
               pre=f"{result.share(pre):.2f}")  # fmt: skip
    return (f"{t('x_by_gas', lang)}\n{table}\n{t('x_by_group', lang, groups=groups)}"
            f"\n{shares}")  # fmt: skip


def methods_line(result: StaticResult, methods: dict[str, float], lang: str = "en") -> str:
    """The totals under the other methods, on one line."""
    others = [f"{m} {v:.4f}" for m, v in methods.items() if m != result.method]
    if not others:
        return ""
    return t("x_other_methods", lang, unit=result.unit, items="; ".join(others))


def _top_table(kind: str, values: dict, result: StaticResult, top: int, lang: str = "en") -> str:
    """The ``top`` largest contributors of one kind, the rest summed on one row."""
    ranked = _ranked(values)
    rows = [[name, f"{v:.4f}", f"{result.share(v):.2f} %"] for name, v in ranked[:top]]
    rest = ranked[top:]
    if rest:
        v = sum(x for _, x in rest)
        rows.append([t("x_more", lang, n=len(rest)), f"{v:.4f}", f"{result.share(v):.2f} %"])
    table = format_table([kind, result.unit, t("x_share", lang)], rows, right=(1, 2))
    return f"{t('x_top', lang, kind=kind)}\n{table}"


def beside_text(
    result: StaticResult,
    model: ProductModel,
    other: StaticResult,
    other_model: ProductModel,
    lang: str = "en",
) -> str:
    """This model's stages beside another's (the report's), with the model's notes on why."""
    notes = model.comparison[1] if model.comparison else {}
    other_stages = {s.code for s in other_model.stages}
    rows = []
    for s in reported_stages(model):
        mine = result.stages[s.code]
        theirs = other.stages.get(s.code) if s.code in other_stages else None
        diff = "" if theirs is None else f"{mine - theirs:+.4f}"
        rows.append([stage_label(s, lang), f"{mine:.4f}",
                     "-" if theirs is None else f"{theirs:.4f}", diff])  # fmt: skip
    rows.append(["total", f"{result.total:.4f}", f"{other.total:.4f}",
                 f"{result.total - other.total:+.4f}"])  # fmt: skip
    table = format_table(
        ["stage", model.name, other_model.name, "difference"], rows, right=(1, 2, 3)
    )
    lines = [f"{model.name} beside {other_model.name} ({result.unit} per unit)", table, ""]
    for s in model.stages:
        if s.code in notes:
            lines.append(f"{stage_label(s, lang)}: {' '.join(notes[s.code].split())}")
    return "\n".join(lines).rstrip()


def audit_dict(audit: AuditResult) -> dict:
    return {
        "model": audit.model,
        "document": audit.document,
        "checked": len(audit.checks),
        "findings": [
            {
                "id": c.figure.id,
                "where": c.figure.where,
                "quantity": c.figure.quantity,
                "printed": c.figure.printed,
                "recomputed": c.computed,
                "difference": c.difference,
                "relative": c.relative,
                "status": c.status,
                **_note_dict(c),
            }
            for c in audit.findings
        ],
        "conflicts": [
            {
                "quantity": k.quantity,
                "what": dict(k.what),
                "values": [
                    {"printed": [f.printed for f in figs][0], "where": [f.where for f in figs]}
                    for _, figs in k.groups
                ],
            }
            for k in audit.conflicts
        ],
        "claims": [_claim_dict(c) for c in audit.claims],
    }  # fmt: skip


def _note_dict(c: Check) -> dict:
    """What explains a figure: in English words, and as the catalog key and the values the
    report words in its language (``claim_text.note_text``)."""
    key, values = (c.note.key, dict(c.note.values)) if c.note else (None, {})
    out = {"note_key": key, "note_values": values}
    return {"note": note_text(out, "en", text=str) or None, **out}


def _claim_dict(c: ClaimCheck) -> dict:
    """One checked claim: its finding in English words, and as the catalog key and the
    values the report words in its language (``claim_text.finding_text``)."""
    out = {"id": c.claim.id, "kind": c.claim.kind, "where": c.claim.where,
           "printed": c.claim.printed, "status": c.status, "finding_key": c.finding,
           "values": dict(c.values)}  # fmt: skip
    return {**out, "finding": finding_text(out, "en", text=str)}


def audit_text(audit: AuditResult) -> str:
    """Findings first, then the conflicts between places, then the claims, in words."""
    lines = [f"Audit of {audit.document}: {len(audit.checks)} declared figures checked."]
    if not audit.findings and not audit.conflicts:
        lines[0] += " All agree with the recomputation."
    else:
        lines += _figure_findings(audit)
    contradicted = [c for c in audit.claims if c.status != "ok"]
    if audit.claims:
        lines += ["", f"Claims in words checked against the model ({len(audit.claims)}; "
                  f"{len(contradicted)} not borne out):"]  # fmt: skip
    for c in audit.claims:
        lines.append(f"- {c.claim.where}: \"{c.claim.printed}\" ({c.claim.kind}): "
                     f"{c.status}: {_claim_dict(c)['finding']}")  # fmt: skip
    return "\n".join(lines)


def _figure_findings(audit: AuditResult) -> list[str]:
    """The figures that disagree and the quantities declared differently, as lines."""
    lines = []
    lines.append("")
    lines.append(f"Declared figures that disagree with the recomputation ({len(audit.findings)}):")
    for c in audit.findings:
        digits = c.decimals + 3
        what = {"truncated": "digits cut, not rounded", "differs": "differs"}[c.status]
        lines.append(
            f"- {c.figure.where}: printed {c.figure.printed}, recomputed {c.computed:.{digits}f} "
            f"({what}; difference {c.difference:+.{digits}f}, {100 * c.relative:+.3g} %)"
        )
        if c.note:
            lines.append(f"    {_note_dict(c)['note']}")
    if audit.conflicts:
        lines.append("")
        lines.append(
            "Quantities declared with different values in different places "
            f"({len(audit.conflicts)}):"
        )
        for k in audit.conflicts:
            parts = "; ".join(
                f"{figs[0].printed} in {', '.join(f.where for f in figs)}" for _, figs in k.groups
            )
            lines.append(f"- {k.quantity}: {parts}")
    return lines


def search_text(result: Any, limit: int) -> str:
    """What ``search`` found, processes then flows, at most ``limit`` rows of each kind."""
    lines = [f"'{result.text}': factors in {result.unit} of {result.method} per unit (a "
             "process: cradle to gate; a flow: its characterization factor)"]  # fmt: skip
    for kind, title in (("process", "processes"), ("flow", "flows")):
        rows = [f for f in result.found if f.kind == kind]
        lines.append(f"{len(rows)} {title}" + (":" if rows else ""))
        for f in rows[:limit]:
            factor = "no factor" if f.factor is None else f"{f.factor:.6g}"
            where = f" [{f.location}]" if f.location else ""
            year = f", {f.year}" if f.year else ""
            source = (f.source or "no source")[:70]
            lines.append(f"  {f.database}:{f.code}  {f.name}{where}")
            lines.append(f"      {factor} per {f.unit}{year}; {source}")
        if len(rows) > limit:
            lines.append(f"  ({len(rows) - limit} more: --limit N shows more, --json all)")
    return "\n".join(lines)
