"""A model's foreground as bw2calc reads it: from the project where cfp_lca wrote it (the
model with its default options), else packed straight from the model (a variant, never
written: see :mod:`.virtual_nodes`). Either way the amounts, signs and distributions are
those bw2data would process from the datasets :mod:`.writing` writes."""

from __future__ import annotations

from collections.abc import Sequence

import bw2data as bd
import bw_processing as bwp
import numpy as np

from ..model.objects import ProductModel
from .datapackages import (
    Edge,
    dependency_order,
    foreground_nodes,
    input_ids,
    inventory_datapackage,
    matrix_entries,
    table_rows,
)
from .project import MARKER
from .virtual_nodes import virtual_nodes
from .writing import content_hash, exchange_dataset


def is_written(model: ProductModel) -> bool:
    """True when the project holds ``model``'s database, written completely by cfp_lca from
    this very content (the model with its default options, after ``Workspace.ensure``)."""
    if model.database not in bd.databases:
        return False
    mark = bd.databases[model.database].get(MARKER, {})
    return mark.get("state") == "complete" and mark.get("content") == content_hash(model)


def model_nodes(model: ProductModel) -> dict[int, str]:
    """Node id -> code of every activity of ``model``, ordered by code."""
    if is_written(model):
        return foreground_nodes(model.database)
    # ids in the order bw2data would give them when writing (the activities' order), so the
    # matrices' columns, and the rounding of every solve, are those of a written variant
    codes = tuple(a.code for a in model.activities)
    ids = virtual_nodes(str(bd.projects.dir)).ids(
        model.database, content_hash(model), codes, _largest_id()
    )
    return {ids[code]: code for code in sorted(codes)}


def reference_id(model: ProductModel) -> int:
    """The node id of the model's reference activity."""
    return next(i for i, code in model_nodes(model).items() if code == model.reference)


def _largest_id() -> int:
    """The largest node id of the project (0 when it holds none)."""
    from bw2data.backends import ActivityDataset as AD

    return int(table_rows(AD, "MAX(id)", "1 = 1", [])[0][0] or 0)


def model_databases(model: ProductModel) -> list[str]:
    """The written databases whose entries ``model``'s inventory needs, dependencies first:
    its own and theirs when it is written, else those its exchanges take inputs from."""
    if is_written(model):
        return dependency_order(model.database)
    used = dict.fromkeys(x.database for a in model.activities for x in a.exchanges)
    used.pop(model.database, None)
    out: list[str] = []
    for name in used:
        out += [d for d in dependency_order(name) if d not in out]
    return out


def model_edges(model: ProductModel) -> list[Edge]:
    """The edges of the datasets :mod:`.writing` would write for ``model``, in the order
    bw2data would store them: each activity's production of one unit, then its exchanges."""
    edges: list[Edge] = []
    for a in model.activities:
        edges.append((a.code, model.database, a.code, "production", {"amount": 1.0}))
        edges += [(a.code, x.database, x.code, x.kind, exchange_dataset(x, x.unit))
                  for x in a.exchanges]  # fmt: skip
    return edges


def model_entries(model: ProductModel) -> dict[str, dict[str, np.ndarray]]:
    """The float64 matrix entries of a variant that is not written, with its virtual ids."""
    nodes = model_nodes(model)
    ids = {(model.database, code): i for i, code in nodes.items()}
    edges = model_edges(model)
    input_ids({(e[1], e[2]) for e in edges}, ids)
    return matrix_entries(model.database, edges, ids, list(nodes))


def model_datapackage(models: ProductModel | Sequence[ProductModel]) -> bwp.Datapackage:
    """Technosphere and biosphere of ``models`` (one or several, each variant once) and of
    every database they take inputs from, with float64 amounts and their distributions."""
    models = [models] if isinstance(models, ProductModel) else list(models)
    databases: list[str] = []
    extra = []
    packed: set[str] = set()
    for model in models:
        databases += [d for d in model_databases(model) if d not in databases]
        if not is_written(model) and model.database not in packed:
            packed.add(model.database)
            extra.append(model_entries(model))
    return inventory_datapackage(databases, extra)
