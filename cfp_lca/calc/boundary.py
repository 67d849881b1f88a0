"""Each stage's footprint split by elementary flow (gas and origin), for disclosures that
report a boundary narrower than the model (a cradle-to-gate PCF of a cradle-to-grave model).

The partition is the one of :func:`.lcia.static_lcia`'s stages: a foreground activity is
credited with its own emissions and, for each background product it buys, that product's
whole supply chain; flows between foreground activities are not counted twice. Here each
background product's supply chain is kept as a vector of characterized flows (one solve of
the factorized technosphere per purchased product), so every stage is a vector whose sum is
the stage's total and whose sum over stages is the characterized inventory.
"""

from __future__ import annotations

import bw2calc as bc
import numpy as np

from ..brightway.foreground import model_nodes
from ..model.objects import ProductModel
from .factorization import technosphere_lu
from .lcia import flow_codes

Flows = dict[str, dict[str, float]]  # stage code -> elementary flow code -> amount


def flows_by_stage(lca: bc.LCA, model: ProductModel) -> tuple[Flows, Flows]:
    """(characterized, inventory): stage code -> elementary flow code -> amount of one
    functional unit, in the method's unit and in the flow's own unit. One pass gives both (the
    characterization is a diagonal: each flow's factor times its amount); each purchased
    product's chain is one solve with the LCA's own factorization where it kept one.
    ``lca`` is the model's computed LCA (:func:`.lcia.computed_lca`)."""
    nodes = model_nodes(model)
    codes = flow_codes(lca)
    technosphere = lca.technosphere_matrix.tocsc()
    biosphere = lca.biosphere_matrix.tocsc()
    supply = lca.supply_array
    foreground_rows = {lca.dicts.product[i] for i in nodes}
    stage_of = {a.code: a.stage for a in model.activities}
    chains: dict[int, np.ndarray] = {}  # product row -> inventory per unit bought
    lu = getattr(lca, "factorization", None)  # :class:`.lcia.FactorizedLCA` keeps its LU
    stages = {s.code: np.zeros(biosphere.shape[0]) for s in model.stages}
    for node, code in nodes.items():
        if stage_of.get(code) is None:
            continue
        col = lca.dicts.activity[node]
        vector = biosphere[:, col].toarray().ravel()
        start, end = technosphere.indptr[col], technosphere.indptr[col + 1]
        for row, amount in zip(technosphere.indices[start:end], technosphere.data[start:end],
                               strict=True):  # fmt: skip
            if row in foreground_rows:
                continue
            if row not in chains:
                lu = lu or technosphere_lu(lca.technosphere_matrix)
                unit = np.zeros(technosphere.shape[0])
                unit[row] = 1.0
                chains[row] = biosphere @ lu.solve(unit, trans="T")
            vector = vector - amount * chains[row]
        stages[stage_of[code]] += supply[col] * vector
    factors = lca.characterization_matrix.diagonal()
    characterized = {stage: _by_code(factors * v, codes) for stage, v in stages.items()}
    return characterized, {stage: _by_code(v, codes) for stage, v in stages.items()}


def _by_code(vector: np.ndarray, codes: dict[int, str]) -> dict[str, float]:
    """A flows vector by flow code (rows of one code added), zeros left out."""
    out: dict[str, float] = {}
    for row, code in codes.items():
        if vector[row]:
            out[code] = out.get(code, 0.0) + float(vector[row])
    return out
