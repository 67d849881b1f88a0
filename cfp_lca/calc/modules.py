"""Results by EN 15804+A2 / EN 50693 module: each stage's burdens in the module the data maps
it to, and module D apart: the credit exchanges of every stage (benefits and loads beyond the
system boundary), reported beside the A-C total and never added to it (EN 15804+A2 6.4.3.3)."""

from __future__ import annotations

from ..model.en15804 import MODULES
from ..model.objects import ProductModel
from .static import StaticResult


def module_results(result: StaticResult, model: ProductModel) -> dict | None:
    """{rows: [{module, value}] in the standard's order, D last; a_to_c; d; total} of a
    model that declares its modules; None for one that does not."""
    if not model.modules:
        return None
    values: dict[str, float] = {}
    for stage, module in model.modules.items():
        burden = result.burdens.get(stage, result.stages.get(stage, 0.0))
        values[module] = values.get(module, 0.0) + burden
    rows = [{"module": m, "value": values[m]} for m in MODULES if m in values]
    d = float(sum(result.credits.values()))
    if d:
        rows.append({"module": "D", "value": d})
    return {"rows": rows, "a_to_c": float(sum(values.values())), "d": d, "total": result.total}
