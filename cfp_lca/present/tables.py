"""Plain-text tables and JSON-ready dicts of results."""

from __future__ import annotations

from collections.abc import Sequence

from ..calc.audit import AuditResult
from ..calc.lcia import StaticResult
from ..model.objects import ProductModel


def format_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int] = ()
) -> str:
    """A fixed-width text table; columns listed in ``right`` are right-aligned."""
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            str(c).rjust(w) if i in right else str(c).ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])


def lcia_dict(result: StaticResult, model: ProductModel) -> dict:
    """The machine-readable LCIA result (the ``--json`` object)."""
    stage_rows = [
        {
            "code": s.code,
            "name": s.name,
            "name_zh": s.name_zh,
            "value": result.stages[s.code],
            "share": result.share(result.stages[s.code]),
        }
        for s in model.stages
    ]
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
        "activities": {
            code: {"value": v, "share": result.share(v)} for code, v in _ranked(result.activities)
        },
        "background": {
            f"{db}:{code}": {"value": v, "share": result.share(v)}
            for (db, code), v in _ranked(result.background)
        },
    }
    if result.annual_output is not None:
        out["annual_output"] = result.annual_output
        out["annual_total"] = result.total * result.annual_output
        out["stages_annual"] = {r["name"]: r["value"] * result.annual_output for r in stage_rows}
    return out


def _ranked(values: dict) -> list:
    return sorted(values.items(), key=lambda kv: -abs(kv[1]))


def lcia_text(result: StaticResult, model: ProductModel, lang: str = "en") -> str:
    """Stages with shares, and the total, as a terminal table."""
    annual = result.annual_output
    headers = ["stage", f"{result.unit} / unit", "share"]
    if annual is not None:
        headers.append(f"{result.unit} / year")
    rows = []
    for s in model.stages:
        v = result.stages[s.code]
        name = s.name_zh if lang == "zh" and s.name_zh else s.name
        row = [name, f"{v:.4f}", f"{result.share(v):.2f} %"]
        if annual is not None:
            row.append(f"{v * annual:.3f}")
        rows.append(row)
    total = ["total", f"{result.total:.4f}", "100.00 %"]
    if annual is not None:
        total.append(f"{result.total * annual:.3f}")
    rows.append(total)
    head = (
        f"{model.title}\nfunctional unit: {model.functional_unit}\n"
        f"method: {' / '.join(result.method_name[1:])} ({result.method})\n"
    )
    if annual is not None:
        head += f"allocation: annual data / annual output {annual:g} ({model.allocation.basis})\n"
    return head + "\n" + format_table(headers, rows, right=(1, 2, 3))


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
                "note": c.note,
            }
            for c in audit.findings
        ],
        "conflicts": [
            {
                "quantity": k.quantity,
                "values": [
                    {"printed": [f.printed for f in figs][0], "where": [f.where for f in figs]}
                    for _, figs in k.groups
                ],
            }
            for k in audit.conflicts
        ],
    }


def audit_text(audit: AuditResult) -> str:
    """Findings first, then the conflicts between places, in words."""
    lines = [f"Audit of {audit.document}: {len(audit.checks)} declared figures checked."]
    if not audit.findings and not audit.conflicts:
        return lines[0] + " All agree with the recomputation."
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
            lines.append(f"    {c.note}")
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
    return "\n".join(lines)
