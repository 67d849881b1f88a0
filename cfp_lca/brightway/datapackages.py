"""Double-precision datapackages of a written project, for bw2calc.

bw_processing stores the amounts of bw2data's processed datapackages as float32 (relative
precision ~6e-8). A study's annual figures printed to 3 decimals need ~1e-10, so cfp_lca reads
the same nodes and edges from bw2data and packs them with float64 amounts. Matrix indices are
bw2data's node ids, so results are interchangeable with plain ``bw2calc.LCA`` on the project.
"""

from __future__ import annotations

from collections.abc import Iterable

import bw2data as bd
import bw_processing as bwp
import numpy as np

# bw2data exchange type -> (matrix, flip sign into the technosphere matrix)
EDGE_KINDS = {
    "production": ("technosphere_matrix", False),
    "technosphere": ("technosphere_matrix", True),
    "biosphere": ("biosphere_matrix", False),
}
UNCERTAINTY_FIELDS = ("uncertainty type", "loc", "scale", "shape", "minimum", "maximum", "negative")


def uncertainty_row(data: dict, amount: float) -> tuple:
    """stats_arrays fields of an exchange or factor, as a bw_processing uncertainty row."""
    return (
        int(data.get("uncertainty type", 0) or 0),
        data.get("loc", amount),
        data.get("scale", np.nan),
        data.get("shape", np.nan),
        data.get("minimum", np.nan),
        data.get("maximum", np.nan),
        bool(data.get("negative", False)),
    )


def _vector(dp: bwp.Datapackage, matrix: str, rows: list[tuple]) -> None:
    """Add one matrix's (row, col, amount, flip, uncertainty...) rows to ``dp``."""
    indices = np.array([(r[0], r[1]) for r in rows], dtype=bwp.INDICES_DTYPE)
    dp.add_persistent_vector(
        matrix=matrix,
        name=matrix.replace("_matrix", ""),
        indices_array=indices,
        data_array=np.array([r[2] for r in rows], dtype=np.float64),
        flip_array=np.array([r[3] for r in rows], dtype=bool),
        distributions_array=np.array([r[4] for r in rows], dtype=bwp.UNCERTAINTY_DTYPE),
    )


def inventory_datapackage(databases: Iterable[str]) -> bwp.Datapackage:
    """Technosphere and biosphere of ``databases`` with float64 amounts and their distributions."""
    rows: dict[str, list[tuple]] = {"technosphere_matrix": [], "biosphere_matrix": []}
    for name in databases:
        for node in bd.Database(name):
            if node.get("type", "process") not in bd.labels.process_node_types:
                continue
            produced = False
            for edge in node.edges():
                matrix, flip = EDGE_KINDS[edge["type"]]
                amount = float(edge["amount"])
                produced |= edge["type"] == "production"
                row = edge.input.id
                rows[matrix].append((row, node.id, amount, flip, uncertainty_row(edge, amount)))
            if not produced:
                rows["technosphere_matrix"].append(
                    (node.id, node.id, 1.0, False, uncertainty_row({}, 1.0))
                )
    dp = bwp.create_datapackage(sum_intra_duplicates=True, sum_inter_duplicates=False)
    for matrix, entries in rows.items():
        if entries:
            _vector(dp, matrix, entries)
    return dp


def method_datapackage(method: tuple[str, ...]) -> bwp.Datapackage:
    """Characterization factors of ``method`` with float64 values and their distributions."""
    entries = []
    for key, cf in bd.Method(method).load():
        data = cf if isinstance(cf, dict) else {"amount": cf}
        flow_id = key if isinstance(key, int) else bd.get_node(database=key[0], code=key[1]).id
        amount = float(data["amount"])
        entries.append((flow_id, flow_id, amount, False, uncertainty_row(data, amount)))
    dp = bwp.create_datapackage(sum_intra_duplicates=True, sum_inter_duplicates=False)
    _vector(dp, "characterization_matrix", entries)
    return dp


def node_keys(ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """(database, code) of bw2data nodes by id, in batched queries."""
    from bw2data.backends import ActivityDataset as AD

    ids = set(ids)
    out: dict[int, tuple[str, str]] = {}
    todo = sorted(ids)
    for lo in range(0, len(todo), 500):
        part = todo[lo : lo + 500]
        for i, db, code in AD.select(AD.id, AD.database, AD.code).where(AD.id.in_(part)).tuples():
            out[i] = (db, code)
    missing = ids - set(out)
    if missing:
        raise KeyError(f"nodes {sorted(missing)[:5]} are not in the project")
    return out


def dependency_order(database: str) -> list[str]:
    """``database`` and every database it depends on, dependencies first."""
    seen: list[str] = []

    def visit(name: str) -> None:
        if name in seen:
            return
        for dep in bd.databases[name].get("depends", []):
            visit(dep)
        seen.append(name)

    visit(database)
    return seen
