"""The supply tree as the ``tree`` command prints it and ``--json`` gives it: branches by
name, indented under the activity that buys them, with score, share and amount, and what
each parent holds below the cut-off."""

from __future__ import annotations

from ..calc.study import TREE_CUTOFF, Study
from ..calc.tree import ROOT, Branch, branch_names
from ..model.objects import Catalog, Method, ProductModel


def tree_dict(catalog: Catalog, model: ProductModel, method: Method, branches: list[Branch],
              cutoff: float, lang: str = "en", keys: dict | None = None) -> dict:  # fmt: skip
    """The tree as plain JSON types: one record per branch, parents before children; names
    in ``lang`` (``keys``: the branches' nodes, read from the project when not given)."""
    names = branch_names(catalog, model, branches, lang, keys)
    total = next(b.score for b in branches if b.id == ROOT)
    children: dict[int, float] = {}
    for b in branches:
        if b.parent is not None:
            children[b.parent] = children.get(b.parent, 0.0) + b.score
    rows = []
    for b in branches:
        name, unit = names.get(b.node, (str(b.node), ""))
        below = b.score - b.direct - children.get(b.id, 0.0)
        rows.append({
            "id": b.id, "parent": b.parent, "depth": b.depth, "name": name,
            "amount": b.amount, "unit": unit, "score": b.score, "direct": b.direct,
            "share": 100.0 * b.score / total if total else None,
            "below_cutoff": below if b.id in children else None, "terminal": b.terminal,
        })  # fmt: skip
    return {"model": model.name, "method": method.id, "unit": method.unit, "total": total,
            "cutoff": cutoff, "branches": rows}  # fmt: skip


def study_tree(catalog: Catalog, study: Study, lang: str) -> dict | None:
    """A study's supply tree as ``tree --json`` gives it, named in ``lang``."""
    if study.tree is None:
        return None
    branches, keys = study.tree
    return tree_dict(catalog, study.model, study.method, branches, TREE_CUTOFF, lang, keys)


def tree_text(data: dict) -> str:
    """The tree, each branch under its parent, largest first."""
    rows = {r["id"]: r for r in data["branches"]}
    kids: dict[int | None, list[dict]] = {}
    for r in data["branches"]:
        kids.setdefault(r["parent"], []).append(r)
    unit, total = data["unit"], data["total"]
    lines = [f"Supply tree of {data['model']} ({data['method']}): branches of at least "
             f"{100 * data['cutoff']:g} % of {total:.6g} {unit}"]  # fmt: skip

    def walk(row: dict, prefix: str, last: bool, top: bool) -> None:
        joint = "" if top else ("└─ " if last else "├─ ")
        amount = "" if top else f", {row['amount']:.4g} {row['unit']}".rstrip()
        lines.append(f"{prefix}{joint}{row['name']}: {row['score']:.4g} {unit} "
                     f"({row['share']:.1f} %){amount}")  # fmt: skip
        inner = prefix + ("" if top else ("   " if last else "│  "))
        children = sorted(kids.get(row["id"], []), key=lambda r: -abs(r["score"]))
        for k, child in enumerate(children):
            walk(child, inner, k == len(children) - 1 and not _rest(row, total), False)
        if _rest(row, total):
            parts = [f"own emissions {row['direct']:.4g}"] if row["direct"] else []
            parts.append(f"below the cut-off {row['below_cutoff']:.4g}")
            lines.append(f"{inner}└─ ({', '.join(parts)})")

    walk(rows[ROOT], "", True, True)
    return "\n".join(lines)


def _rest(row: dict, total: float) -> bool:
    """A parent holds a share worth saying below its branches (own or below the cut-off)."""
    below = row["below_cutoff"]
    return below is not None and abs(below) + abs(row["direct"]) > 1e-6 * abs(total)
