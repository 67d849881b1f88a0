"""Plain-text tables and JSON-ready dicts of a scenario comparison: per boundary group, each
scenario against its baseline (paired and unpaired) and the pairwise probabilities."""

from __future__ import annotations

import numpy as np

from ..calc.compare import DEFAULT_THRESHOLD, Comparison, Group
from .i18n import t
from .tables import format_table


def _spread(d: np.ndarray) -> dict:
    """Mean, standard deviation and 95 % interval of a difference."""
    low, high = np.percentile(d, [2.5, 97.5])
    return {"mean": float(d.mean()), "std": float(d.std()), "p2_5": float(low),
            "p97_5": float(high)}  # fmt: skip


def _compare_row(c: Comparison, i: int, base: int, t: float, title: str, kind: str) -> dict:
    """One scenario against its group's baseline; the baseline's own row has no probability."""
    x, own = c.paired[i], i == base
    reduction, increase = (None, None) if own else c.beyond(i, base, t)
    reduction_u, increase_u = (None, None) if own else c.beyond(i, base, t, paired=False)
    return {
        "scenario": c.names[i], "title": title, "kind": kind, "baseline": c.names[base],
        "deterministic": float(c.deterministic[i]), "mean": float(x.mean()),
        "median": float(np.median(x)),
        "p2_5": float(np.percentile(x, 2.5)), "p97_5": float(np.percentile(x, 97.5)),
        "change": float(c.deterministic[i] - c.deterministic[base]),
        "change_percent": float(100 * (c.deterministic[i] / c.deterministic[base] - 1)),
        "difference": _spread(c.difference(i, base)),
        "difference_unpaired": _spread(c.difference(i, base, paired=False)),
        "p_reduction": reduction, "p_increase": increase,
        "p_reduction_unpaired": reduction_u, "p_increase_unpaired": increase_u,
    }  # fmt: skip


def _group_dict(c: Comparison, g: Group, titles: dict[str, str], kinds: dict[str, str]) -> dict:
    """A boundary group: its baseline, threshold, rows and pairwise P(row < column - t)."""
    base, t = c.index(g.baseline), c.threshold_of(g)
    m = c.reduction_matrix(g)
    rows = [_compare_row(c, c.index(name), base, t, titles.get(name, name),
                         kinds.get(name, "design")) for name in g.names]  # fmt: skip
    return {
        "boundary": g.boundary, "label": g.label, "baseline": g.baseline, "threshold": t,
        "scenarios": rows,
        "p_reduction": {a: {b: None if i == j else float(m[i, j]) for j, b in enumerate(g.names)}
                        for i, a in enumerate(g.names)},
    }  # fmt: skip


def boundary_message(c: Comparison) -> str | None:
    """One line saying that scenarios were regrouped by system boundary, when they were."""
    if len(c.groups) < 2:
        return None
    groups = "; ".join(f"{g.label} against '{g.baseline}'" for g in c.groups)
    return (f"Scenarios are compared only with a baseline of the same system boundary, in "
            f"{len(c.groups)} groups: {groups}.")  # fmt: skip


def compare_dict(
    c: Comparison, titles: dict[str, str], unit: str, kinds: dict | None = None
) -> dict:
    """Scenario comparison, machine-readable: per boundary group, per scenario against the
    group's baseline (paired and unpaired) and per pair, with the relevance threshold."""
    return {
        "baseline": c.groups[0].baseline,
        "unit": unit,
        "n": c.n,
        "seed": c.seed,
        "sources": list(c.sources),
        "threshold": {
            "value": c.threshold.value,
            "relative": c.threshold.relative,
            "text": c.threshold.text(unit),
            "default": c.threshold == DEFAULT_THRESHOLD,
            "reason": t(
                "threshold_default" if c.threshold == DEFAULT_THRESHOLD else "threshold_given", "en"
            ),  # the report's text, in English
        },  # fmt: skip
        "message": boundary_message(c),
        "groups": [_group_dict(c, g, titles, kinds or {}) for g in c.groups],
    }


def _percent(p: float | None, digits: int = 1) -> str:
    """A probability in %, blank where there is none (the baseline's own row)."""
    return "" if p is None else f"{100 * p:.{digits}f} %"


# scenario kinds (scenario files' ``kind``), each in a table of its own: only a design option
# is something the product can do, so only its probabilities are called reductions
KINDS = {
    "design": ("Design options", "P(reduction)", "P(increase)"),
    "method": ("Method choices: the same product accounted otherwise, not reductions",
               "P(lower)", "P(higher)"),
    "context": ("Context settings: circumstances outside the design, not reductions",
                "P(lower)", "P(higher)"),
}  # fmt: skip


def _kind_tables(g: dict) -> list[str]:
    """The group's scenarios against its baseline, one table per kind (baseline in each)."""
    out = []
    for kind, (title, lower, higher) in KINDS.items():
        rows = [[r["scenario"], f"{r['deterministic']:.2f}", f"{r['median']:.2f}",
                 f"{r['p2_5']:.2f} - {r['p97_5']:.2f}",
                 f"{r['change']:+.2f} ({r['change_percent']:+.1f} %)",
                 _percent(r["p_reduction"]), _percent(r["p_increase"])]
                for r in g["scenarios"]
                if r["kind"] == kind or r["scenario"] == g["baseline"]]  # fmt: skip
        if len(rows) < 2:
            continue
        out.append(title + "\n" + format_table(
            ["scenario", "deterministic", "median", "95 % interval", "change vs baseline",
             lower, higher], rows, right=range(1, 7),
        ))  # fmt: skip
    return out


def _group_text(g: dict, unit: str) -> str:
    """A group's tables by kind, its paired/unpaired contrast and its probability matrix."""
    diff_rows = []
    for r in g["scenarios"]:
        d, du = r["difference"], r["difference_unpaired"]
        diff_rows.append([r["scenario"], f"{d['mean']:+.2f}",
                          f"{d['p2_5']:+.2f} .. {d['p97_5']:+.2f}",
                          f"{du['p2_5']:+.2f} .. {du['p97_5']:+.2f}",
                          _percent(r["p_reduction_unpaired"])])  # fmt: skip
    table = "\n\n".join(_kind_tables(g))
    diff = format_table(
        ["scenario", "mean difference", "95 % paired", "95 % unpaired",
         "P(below -t) unpaired"], diff_rows, right=range(1, 5),
    )  # fmt: skip
    names = [r["scenario"] for r in g["scenarios"]]
    matrix = [[a, *("-" if a == b else f"{100 * g['p_reduction'][a][b]:.0f}" for b in names)]
              for a in names]  # fmt: skip
    heat = format_table(["P(row < column - t) %", *(n[:10] for n in names)], matrix,
                        right=range(1, len(names) + 1))  # fmt: skip
    where = f"{g['label']}: " if g["label"] else ""
    head = f"{where}baseline '{g['baseline']}', t = {g['threshold']:.4g} {unit}"
    return "\n\n".join([
        head + "\n\n" + table,
        "Difference to the baseline: paired (common random numbers) against unpaired\n" + diff,
        heat,
    ])  # fmt: skip


def compare_text(data: dict) -> str:
    """The threshold and grouping, then per boundary group: the comparison table, the
    paired/unpaired contrast and the pairwise probability matrix."""
    head = [
        f"Scenario comparison, {data['n']:,} paired iterations (seed {data['seed']}, sources: "
        f"{', '.join(data['sources'])}), {data['unit']} per unit",
        f"Relevance threshold t = {data['threshold']['text']} ({data['threshold']['reason']}). "
        "P(reduction) = P(change < -t), "
        "P(increase) = P(change > +t), the change paired against the baseline of the "
        "scenario's group; a change within +-t is neither.",
    ]
    if data["message"]:
        head.append(data["message"])
    groups = [_group_text(g, data["unit"]) for g in data["groups"]]
    return "\n\n".join(["\n".join(head), *groups])
