"""Where the footprint comes from: the supply paths that carry it, found by bw_graph_tools'
importance-first traversal (each visit of an activity a node of its own), on the model's
computed LCA. Every branch has its cumulative score (its own emissions and its whole
upstream) and the amount of its activity; what lies below the cut-off stays in its parent's
score, and each parent says how much that is."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import bw2calc as bc
from bw_graph_tools import NewNodeEachVisitGraphTraversal
from bw_graph_tools.graph_traversal import GraphTraversalSettings

ROOT = -1  # bw_graph_tools' id of the functional unit


@dataclass(frozen=True)
class Branch:
    """One visit of an activity in the supply tree."""

    id: int
    parent: int | None  # the visit that buys it (None: the functional unit)
    node: int  # the activity's node id in the project (-1: the functional unit)
    depth: int
    amount: float  # of the activity, for one functional unit
    score: float  # cumulative: its own emissions and its whole upstream
    direct: float  # its own emissions only
    terminal: bool  # traversal stopped here (cut-off, depth or calculation limit)


def supply_tree(lca: bc.LCA, cutoff: float = 0.01, max_calc: int = 1000) -> list[Branch]:
    """The branches whose cumulative score is at least ``cutoff`` of the total (by absolute
    value), root first. ``lca``: a computed LCA (its score not zero)."""
    settings = GraphTraversalSettings(cutoff=cutoff, max_calc=max_calc,
                                      separate_biosphere_flows=False)  # fmt: skip
    with warnings.catch_warnings():
        # bw_graph_tools warns when the branches cover less than 90 % of the total: the
        # tree says what is left below the cut-off at every node instead
        warnings.filterwarnings("ignore", "Graph traversal covered only", UserWarning)
        graph = NewNodeEachVisitGraphTraversal(lca, settings)
        graph.traverse()
    parent = {e.producer_unique_id: e.consumer_unique_id for e in graph.edges}
    out = [Branch(n.unique_id, parent.get(n.unique_id), int(n.activity_datapackage_id),
                  n.depth, float(n.supply_amount), float(n.cumulative_score),
                  float(n.direct_emissions_score), bool(n.terminal))
           for n in graph.nodes.values()]  # fmt: skip
    return sorted(out, key=lambda b: (b.depth, -abs(b.score)))


def branch_keys(branches: list[Branch]) -> dict[int, tuple[str, str]]:
    """Node id -> (database, code) of every branch but the functional unit (the project's
    node ids read once, so the names can be given later in any language)."""
    from ..brightway.datapackages import node_keys

    return node_keys(b.node for b in branches if b.node != ROOT)


Keys = dict[int, tuple[str, str]]  # node id -> (database, code)


def branch_names(catalog, model, branches: list[Branch], lang: str = "en",
                 keys: Keys | None = None) -> dict[int, tuple[str, str]]:  # fmt: skip
    """Node id -> (what a reader calls the activity, its unit): the model's own activities
    and the library's processes by their names (their Chinese ones with ``lang`` zh, where
    given), other databases' by name, product and location; the functional unit by the
    model's. ``keys``: from :func:`branch_keys`, read from the project when not given."""
    from .lcia import product_labels

    keys = branch_keys(branches) if keys is None else keys
    zh = lang == "zh"
    own = {a.code: a for a in model.activities}
    bought = {node: key for node, key in keys.items()
              if not (key[0] == model.database and key[1] in own)}  # fmt: skip
    labels = product_labels(catalog, bought.values())
    title = model.title_zh if zh and model.title_zh else model.title
    unit = model.functional_unit_zh if zh and model.functional_unit_zh else model.functional_unit
    out = {ROOT: (title, unit)}
    for node, (db, code) in keys.items():
        if node in bought:
            process = catalog.backgrounds.get(db, {}).get(code)
            name = process.meta.get("name_zh") if zh and process else None
            out[node] = (name or labels.get((db, code), f"{db}:{code}"),
                         process.unit if process else "")  # fmt: skip
        else:
            activity = own[code]
            name = activity.meta.get("name_zh") if zh else None
            out[node] = (name or activity.name, activity.unit)
    return out
