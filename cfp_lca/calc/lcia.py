"""Static LCIA through bw2calc, and contributions that add up to the total.

Each foreground activity is credited with its own emissions plus everything upstream of the
background products it buys (the background's characterized score per unit, solved once).
Flows between foreground activities are not counted twice, so stages, activities (parts) and
purchased background products each partition the total exactly.

The total is also partitioned by elementary flow (gas) and by the ISO 14067:2018 7.3 reporting
group of each flow, and every stage into burdens and credits (exchanges marked ``credit``,
with their upstream), so credits are reported apart from burdens (ISO 14067 6.4.6.3).
"""

from __future__ import annotations

import bw2calc as bc
import bw2data as bd
import numpy as np
from scipy.sparse.linalg import spsolve

from ..brightway.datapackages import method_datapackage, node_keys
from ..brightway.foreground import model_datapackage, model_nodes, reference_id
from ..errors import InputError
from ..model.objects import Catalog, Flow, Method, ProductModel
from .coverage import Coverage, coverage
from .factorization import scored_products, technosphere_lu
from .static import GROUPS, OTHER_GROUP, StaticResult, reporting_group

#: a characterized sum within this many rounding units of the size of its terms is zero:
#: summing n terms errs by at most (n - 1) eps times their absolute sum (Higham 2002, 4.2)
CANCELLATION = 64 * np.finfo(np.float64).eps


def direct_scores(lca: bc.LCA) -> np.ndarray:
    """Characterized direct emissions per unit of each activity, indexed like matrix columns;
    a sum that cancels to rounding error (biogenic uptake and release of the same carbon) is
    exactly zero, not 3e-16."""
    terms = lca.characterization_matrix @ lca.biosphere_matrix
    scores = np.asarray(terms.sum(axis=0)).ravel()
    size = np.asarray(abs(terms).sum(axis=0)).ravel()
    scores[np.abs(scores) <= CANCELLATION * size] = 0.0
    return scores


def characterized_unit_scores(lca: bc.LCA, direct: np.ndarray | None = None) -> np.ndarray:
    """Score per unit of each product (h with A^T h = (C B)^T 1), indexed like matrix rows;
    with the LCA's own factorization of A^T where it kept one (:class:`FactorizedLCA`);
    exactly zero for a product whose supply chain has no direct score (not 3e-16)."""
    direct = direct_scores(lca) if direct is None else direct
    lu = getattr(lca, "factorization", None)
    if lu is not None:
        scores = np.atleast_1d(lu.solve(direct))
    else:
        scores = np.atleast_1d(spsolve(lca.technosphere_matrix.T.tocsc(), direct))
    scores[~scored_products(lca.technosphere_matrix, direct)] = 0.0
    return scores


class FactorizedLCA(bc.LCA):
    """bw2calc's LCA, whose one factorization per solve (of A^T with COLAMD, what bw2calc's
    ``spsolve`` of the CSR technosphere factors) is kept, so that the unit scores
    (A^T h = d) take a triangular solve instead of a second factorization."""

    factorization = None

    def solve_linear_system(self, demand: np.ndarray | None = None) -> np.ndarray:
        demand = self.demand_array if demand is None else demand
        self.factorization = technosphere_lu(self.technosphere_matrix)
        return self.factorization.solve(np.asarray(demand, dtype=np.float64), trans="T")


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


# ISO 14067:2018 7.3 classes in which GHG emissions and removals are documented; flows without
# a group are reported as "other"
def flow_codes(lca: bc.LCA) -> dict[int, str]:
    """Biosphere matrix row -> elementary flow code."""
    keys = node_keys(lca.dicts.biosphere)
    return {row: keys[fid][1] for fid, row in lca.dicts.biosphere.items()}


def characterization_factors(lca: bc.LCA, codes: dict[int, str]) -> dict[str, float]:
    """Characterization factor of every flow in the inventory (zero where the method has none)."""
    diagonal = lca.characterization_matrix.diagonal()
    return {code: float(diagonal[row]) for row, code in codes.items()}


def by_flow(matrix, codes: dict[int, str]) -> dict[str, float]:
    """Row sums of a flows x activities matrix (the inventory, characterized or not) by code."""
    per_row = np.asarray(matrix.sum(axis=1)).ravel()
    out: dict[str, float] = {}
    for row, code in codes.items():
        out[code] = out.get(code, 0.0) + float(per_row[row])
    return out


def flow_details(lca: bc.LCA, catalog: Catalog, codes: dict[int, str]) -> dict[str, Flow]:
    """The catalog's flow of each code in the inventory; for flows of other biosphere
    databases (an imported one, say), name, unit, categories and CAS number read from the
    project, and the ISO 14067 group of the gas the flow is (:mod:`..brightway.flowmatch`)."""
    from bw2data.backends import ActivityDataset as AD

    from ..brightway.flowmatch import matcher_of

    out = {code: catalog.flows[code] for code in codes.values() if code in catalog.flows}
    foreign = [fid for fid, row in lca.dicts.biosphere.items() if codes[row] not in out]
    matcher = matcher_of(catalog)
    for lo in range(0, len(foreign), 500):
        query = AD.select(AD.id, AD.name, AD.type, AD.data).where(AD.id.in_(foreign[lo : lo + 500]))
        for fid, name, kind, data in query.tuples():
            code = codes[lca.dicts.biosphere[fid]]
            categories = tuple(data.get("categories") or ())
            cas = data.get("CAS number")
            found = matcher.match(name or "", categories, cas, kind)
            out[code] = Flow(code, str(name or code).strip(), data.get("unit", ""), categories,
                             cas, group=found.group if found else None,
                             same_as=found.flow if found else None)  # fmt: skip
    return out


def group_contributions(flows: dict[str, float], info: dict[str, Flow]) -> dict[str, float]:
    """Flow contributions summed by the flow's reporting group; every ISO group present."""
    out = dict.fromkeys((*GROUPS, OTHER_GROUP), 0.0)
    for code, value in flows.items():
        out[reporting_group(info.get(code))] += value
    return out


def direct_emissions(
    lca: bc.LCA, foreground: dict[int, str], codes: dict[int, str], characterized: bool = True
) -> dict[str, dict[str, float]]:
    """Own emissions of each foreground activity by flow, times its supply: characterized
    (kgCO2e) or, with ``characterized=False``, in the flow's unit."""
    B = lca.biosphere_matrix.tocsc()
    cf = lca.characterization_matrix.diagonal() if characterized else np.ones(B.shape[0])
    s = lca.supply_array
    out: dict[str, dict[str, float]] = {}
    for act_id, code in foreground.items():
        col = lca.dicts.activity[act_id]
        start, end = B.indptr[col], B.indptr[col + 1]
        emitted = out.setdefault(code, {})
        for row, b in zip(B.indices[start:end], B.data[start:end], strict=True):
            emitted[codes[row]] = emitted.get(codes[row], 0.0) + float(s[col] * b * cf[row])
    return out


def credit_contributions(
    model: ProductModel,
    supply: dict[str, float],
    unit_scores: dict[tuple[str, str], float],
    factors: dict[str, float],
) -> dict[str, float]:
    """Contribution of exchanges marked ``credit`` by stage: amount x supply x the score per
    unit of the avoided background product (its upstream) or the factor of the flow.

    A credit on another foreground activity stays in that activity's own stage (it cannot be
    told apart from its burdens there), as ``foreground_contributions`` counts it.
    """
    credits = {s.code: 0.0 for s in model.stages}
    for a in model.activities:
        if a.stage is None:
            continue
        for x in a.exchanges:
            if not x.credit or x.database == model.database:
                continue
            if x.kind == "biosphere":
                per_unit = factors.get(x.code, 0.0)
            else:
                per_unit = unit_scores[(x.database, x.code)]
            credits[a.stage] += supply[a.code] * x.amount * per_unit
    return credits


def model_lca(model: ProductModel, method: Method, **kwargs) -> bc.LCA:
    """A bw2calc LCA of one functional unit over float64 packages of the written project."""
    packages = [model_datapackage(model), method_datapackage(method.name)]
    return FactorizedLCA({reference_id(model): model.functional_amount}, data_objs=packages,
                         **kwargs)  # fmt: skip


def computed_lca(model: ProductModel, method: Method) -> bc.LCA:
    """The inventory and characterization of one functional unit of ``model``."""
    lca = model_lca(model, method)
    with np.errstate(over="ignore", invalid="ignore"):
        lca.lci()
        lca.lcia()
    check_finite(lca, model)
    return lca


MAX_NAMED = 3  # activities named in a message about non-finite results


def check_finite(lca: bc.LCA, model: ProductModel) -> None:
    """Refuse a result that is not a finite number (amounts whose product overflows float64
    along a supply chain), naming the activities where it first happens: never a null total
    with exit status 0."""
    where, columns = "supply", np.flatnonzero(~np.isfinite(lca.supply_array))
    if columns.size == 0 and np.isfinite(lca.score):
        return
    if columns.size == 0:
        where, columns = "emissions", _non_finite_columns(lca.inventory)
    if columns.size == 0:
        where, columns = "characterized emissions", _non_finite_columns(lca.characterized_inventory)
    reverse = {col: node for node, col in lca.dicts.activity.items()}
    names = [_node_label(reverse[int(c)], model) for c in columns[:MAX_NAMED]]
    more = f" and {columns.size - MAX_NAMED} more" if columns.size > MAX_NAMED else ""
    raise InputError(
        model.path,
        None,
        f"the {where} of {', '.join(names)}{more} is not a finite number: amounts multiplied "
        "along the supply chain exceed float64 (about 1.8e308); check their magnitudes and units",
    )


def _non_finite_columns(matrix) -> np.ndarray:
    """Columns (activities) of a sparse matrix holding a non-finite entry."""
    coo = matrix.tocoo()
    return np.unique(coo.col[~np.isfinite(coo.data)])


def _node_label(node_id: int, model: ProductModel) -> str:
    """An activity as a reader finds it: 'name' (database, code)."""
    db, code = node_keys([node_id])[node_id]
    if db == model.database:  # the model's own (a variant's is not in the project)
        name = model.activity(code).name
    else:
        name = bd.get_node(database=db, code=code).get("name")
    return f"'{name or code}' ({db}: {code})"


def static_lcia(
    catalog: Catalog,
    model: ProductModel,
    method: Method | None = None,
    lca: bc.LCA | None = None,
) -> StaticResult:
    """Run bw2calc for one functional unit of ``model`` in the current project (or read the
    results of ``lca``, its :func:`computed_lca` with ``method``, to share one inventory)."""
    method = method or catalog.methods[model.method]
    lca = lca if lca is not None else computed_lca(model, method)
    nodes = model_nodes(model)
    h = characterized_unit_scores(lca)
    by_activity, by_product = foreground_contributions(lca, nodes, h)
    stage_of = {a.code: a.stage for a in model.activities}
    stages = {s.code: 0.0 for s in model.stages}
    for code, value in by_activity.items():
        if stage_of[code] is not None:
            stages[stage_of[code]] += float(value)
    supply = {code: float(lca.supply_array[lca.dicts.activity[i]]) for i, code in nodes.items()}
    keys = node_keys(lca.dicts.product)
    unit_scores = {keys[pid]: float(h[row]) for pid, row in lca.dicts.product.items()}
    codes = flow_codes(lca)
    factors = {f.flow: f.value for f in method.factors} | characterization_factors(lca, codes)
    flows = by_flow(lca.characterized_inventory, codes)
    info = flow_details(lca, catalog, codes)
    credits = credit_contributions(model, supply, unit_scores, factors)
    background = {keys[pid]: v for pid, v in by_product.items()}
    parts, outside_parts = part_contributions(model, by_activity, supply)
    return StaticResult(
        model=model.name,
        method=method.id,
        method_name=method.name,
        unit=method.unit,
        functional_unit=model.functional_unit,
        total=float(lca.score),
        stages=stages,
        activities=by_activity,
        parts=parts,
        outside_parts=outside_parts,
        background=background,
        unit_scores=unit_scores,
        annual_output=model.allocation.annual_output if model.allocation else None,
        separate=tuple(s.code for s in model.stages if s.separate),
        supply=supply,
        flows=flows,
        groups=group_contributions(flows, info),
        burdens={code: float(stages[code] - credits[code]) for code in stages},
        credits=credits,
        direct=direct_emissions(lca, nodes, codes),
        factors=factors,
        inventory=by_flow(lca.inventory, codes),
        direct_amounts=direct_emissions(lca, nodes, codes, characterized=False),
        flow_info=info,
        labels=product_labels(catalog, background),
        coverage=coverage(lca, method.id, method.name, catalog, codes, info),
    )


def model_coverage(catalog: Catalog, model: ProductModel, method: Method) -> Coverage:
    """The coverage of one functional unit of ``model`` by ``method`` (a static inventory)."""
    lca = computed_lca(model, method)
    codes = flow_codes(lca)
    return coverage(lca, method.id, method.name, catalog, codes, flow_details(lca, catalog, codes))


def product_labels(catalog: Catalog, keys) -> dict[tuple[str, str], str]:
    """What a reader calls each background product: its process's name, with the reference
    product where it differs, and the location ("name | product [location]")."""
    from ..brightway.linking import node_labels

    own = {k for k in keys if k[0] in catalog.backgrounds}
    out = {}
    for db, code in own:
        p = catalog.backgrounds[db][code]
        out[(db, code)] = f"{p.name} [{p.location}]"
    return out | node_labels([k for k in keys if k not in own])


def totals_by_method(
    catalog: Catalog, model: ProductModel, lca: bc.LCA | None = None
) -> dict[str, float]:
    """Total of one functional unit under every method of the catalog, by method id.

    One inventory (``lci`` once, or that of ``lca``, a :func:`computed_lca` of ``model``),
    characterized by each method in turn through bw2calc's ``switch_method``: the methods
    differ only in their factors.
    """
    methods = list(catalog.methods.values())
    if not methods:
        return {}
    if lca is None:
        lca = computed_lca(model, methods[0])
    totals = {}
    for method in methods:
        lca.switch_method([method_datapackage(method.name)])
        lca.lcia_calculation()
        totals[method.id] = float(lca.score)
    return totals


def part_contributions(
    model: ProductModel, by_activity: dict[str, float], supply: dict[str, float]
) -> tuple[dict[str, float], dict[str, float]]:
    """Contributions by part label, and by stage of what no part holds. An unlabelled activity
    (a material mix, say) is passed on to the activities that consume it, in proportion to
    what each consumes; what reaches no part (transport, use or end of life feeding the
    product itself) is kept by the stage of the activity it comes from."""
    consumers: dict[str, list[tuple[str, float]]] = {a.code: [] for a in model.activities}
    for a in model.activities:
        for x in a.exchanges:
            if x.database == model.database and x.code != a.code:
                consumers[x.code].append((a.code, x.amount * supply[a.code]))
    labels = {a.code: a.part for a in model.activities}
    # activity -> {stage of origin: kgCO2e}, so a residual is told by where it comes from
    value = {a.code: {a.stage or "": by_activity[a.code]} for a in model.activities}
    for code in _upstream_first(model):
        flows = consumers[code]
        total = sum(f for _, f in flows)
        if labels[code] is None and flows and total:
            for consumer, flow in flows:
                for origin, v in value[code].items():
                    held = value[consumer]
                    held[origin] = held.get(origin, 0.0) + v * (flow / total)
            value[code] = {}
    parts: dict[str, float] = {}
    outside: dict[str, float] = {}
    for code, origins in value.items():
        if labels[code] is not None:
            parts[labels[code]] = parts.get(labels[code], 0.0) + sum(origins.values())
            continue
        for origin, v in origins.items():
            if v:
                outside[origin] = outside.get(origin, 0.0) + v
    return parts, outside


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
        for k in sorted(inputs[code]):  # sorted: a set's order changes with the hash seed
            visit(k, path | {code})
        done.add(code)
        order.append(code)

    for code in inputs:
        visit(code, frozenset())
    return order
