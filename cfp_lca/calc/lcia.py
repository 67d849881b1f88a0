"""Static LCIA through bw2calc, and contributions that add up to the total.

Each foreground activity is credited with its own emissions plus everything upstream of the
background products it buys (the background's characterized score per unit, solved once).
Flows between foreground activities are not counted twice, so stages, activities (parts) and
purchased background products each partition the total exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import bw2calc as bc
import bw2data as bd
import numpy as np
from scipy.sparse.linalg import spsolve

from ..brightway.datapackages import (
    dependency_order,
    inventory_datapackage,
    method_datapackage,
    node_keys,
)
from ..model.objects import Catalog, Method, ProductModel


@dataclass(frozen=True)
class StaticResult:
    """Deterministic GWP of one functional unit, with its partitions."""

    model: str
    method: str
    method_name: tuple[str, ...]
    unit: str
    functional_unit: str
    total: float
    stages: dict[str, float]  # stage code -> kgCO2e per functional unit
    activities: dict[str, float]  # foreground activity code -> kgCO2e
    parts: dict[str, float]  # part label -> kgCO2e (unlabelled activities passed downstream)
    background: dict[tuple[str, str], float]  # purchased background product -> kgCO2e
    unit_scores: dict[tuple[str, str], float] = field(repr=False)  # score per unit of product
    annual_output: float | None = None

    separate: tuple[str, ...] = ()  # stages reported beside the comparable total
    supply: dict[str, float] = field(default_factory=dict, repr=False)  # foreground activity

    @property
    def comparable_total(self) -> float:
        """The total without separately reported stages (e.g. use, outside the report scope)."""
        return self.total - sum(self.stages[s] for s in self.separate)

    def share(self, value: float) -> float:
        """Percentage of the total."""
        return 100.0 * value / self.total if self.total else float("nan")


def direct_scores(lca: bc.LCA) -> np.ndarray:
    """Characterized direct emissions per unit of each activity, indexed like matrix columns."""
    return np.asarray((lca.characterization_matrix @ lca.biosphere_matrix).sum(axis=0)).ravel()


def characterized_unit_scores(lca: bc.LCA, direct: np.ndarray | None = None) -> np.ndarray:
    """Score per unit of each product (h with A^T h = (C B)^T 1), indexed like matrix rows."""
    direct = direct_scores(lca) if direct is None else direct
    return np.atleast_1d(spsolve(lca.technosphere_matrix.T.tocsc(), direct))


def foreground_contributions(
    lca: bc.LCA, foreground: dict[int, str], h: np.ndarray | None = None
) -> tuple[dict[str, float], dict[int, float]]:
    """Contribution of each foreground activity (by id) and of each purchased background product.

    Returns (by foreground code, by background product id). ``h``: the unit scores, when the
    caller has them already.
    """
    direct = direct_scores(lca)
    h = characterized_unit_scores(lca, direct) if h is None else h
    A = lca.technosphere_matrix.tocsc()
    s = lca.supply_array
    rows_fg = {lca.dicts.product[i] for i in foreground}
    by_activity: dict[str, float] = {}
    by_product: dict[int, float] = {}
    reverse_product = {row: pid for pid, row in lca.dicts.product.items()}
    for act_id, code in foreground.items():
        col = lca.dicts.activity[act_id]
        value = s[col] * direct[col]
        start, end = A.indptr[col], A.indptr[col + 1]
        for row, a in zip(A.indices[start:end], A.data[start:end], strict=True):
            if row in rows_fg:
                continue
            part = s[col] * (-a) * h[row]
            value += part
            pid = reverse_product[row]
            by_product[pid] = by_product.get(pid, 0.0) + part
        by_activity[code] = by_activity.get(code, 0.0) + value
    return by_activity, by_product


def model_lca(model: ProductModel, method: Method, **kwargs) -> bc.LCA:
    """A bw2calc LCA of one functional unit over float64 packages of the written project."""
    reference = bd.get_node(database=model.database, code=model.reference)
    packages = [
        inventory_datapackage(dependency_order(model.database)),
        method_datapackage(method.name),
    ]
    return bc.LCA({reference.id: model.functional_amount}, data_objs=packages, **kwargs)


def static_lcia(
    catalog: Catalog, model: ProductModel, method: Method | None = None
) -> StaticResult:
    """Run bw2calc for one functional unit of ``model`` in the current project."""
    method = method or catalog.methods[model.method]
    lca = model_lca(model, method)
    lca.lci()
    lca.lcia()
    nodes = {n.id: n["code"] for n in bd.Database(model.database)}
    h = characterized_unit_scores(lca)
    by_activity, by_product = foreground_contributions(lca, nodes, h)
    stage_of = {a.code: a.stage for a in model.activities}
    stages = {s.code: 0.0 for s in model.stages}
    for code, value in by_activity.items():
        if stage_of[code] is not None:
            stages[stage_of[code]] += value
    supply = {code: float(lca.supply_array[lca.dicts.activity[i]]) for i, code in nodes.items()}
    keys = node_keys(lca.dicts.product)
    unit_scores = {keys[pid]: float(h[row]) for pid, row in lca.dicts.product.items()}
    return StaticResult(
        model=model.name,
        method=method.id,
        method_name=method.name,
        unit=method.unit,
        functional_unit=model.functional_unit,
        total=float(lca.score),
        stages=stages,
        activities=by_activity,
        parts=part_contributions(model, by_activity, supply),
        background={keys[pid]: v for pid, v in by_product.items()},
        unit_scores=unit_scores,
        annual_output=model.allocation.annual_output if model.allocation else None,
        separate=tuple(s.code for s in model.stages if s.separate),
        supply=supply,
    )


def part_contributions(
    model: ProductModel, by_activity: dict[str, float], supply: dict[str, float]
) -> dict[str, float]:
    """Contributions by part label; an unlabelled activity (a material mix, say) is passed on
    to the activities that consume it, in proportion to what each consumes."""
    consumers: dict[str, list[tuple[str, float]]] = {a.code: [] for a in model.activities}
    for a in model.activities:
        for x in a.exchanges:
            if x.database == model.database and x.code != a.code:
                consumers[x.code].append((a.code, x.amount * supply[a.code]))
    value = dict(by_activity)
    labels = {a.code: a.part for a in model.activities}
    for code in _upstream_first(model):
        flows = consumers[code]
        total = sum(f for _, f in flows)
        if labels[code] is None and flows and total:
            for consumer, flow in flows:
                value[consumer] += value[code] * flow / total
            value[code] = 0.0
    parts: dict[str, float] = {}
    for code, v in value.items():
        label = labels[code] or code
        if v or labels[code] is not None:
            parts[label] = parts.get(label, 0.0) + v
    return parts


def _upstream_first(model: ProductModel) -> list[str]:
    """Foreground activities ordered so that each comes before every activity consuming it."""
    inputs = {
        a.code: {x.code for x in a.exchanges if x.database == model.database and x.code != a.code}
        for a in model.activities
    }
    order: list[str] = []
    done: set[str] = set()

    def visit(code: str, path: frozenset) -> None:
        if code in done or code in path:
            return
        for k in inputs[code]:
            visit(k, path | {code})
        done.add(code)
        order.append(code)

    for code in inputs:
        visit(code, frozenset())
    return order
