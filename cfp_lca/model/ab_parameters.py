"""Parameter scenario files in the Activity Browser's form: one row per parameter (``Name``,
``Group``, ``default``), one column of values per scenario.

A workbook holds the table on its first sheet, which the Activity Browser's parameter scenario
import reads (``pd.read_excel(path)``), and the information second. Rows name the parameters
as the project holds them (:mod:`cfp_lca.brightway.project_parameters`):
group the model's database for a model parameter, ``DATABASE:CODE`` for an activity's own, a
value in the parameter's own unit (a formula parameter's in base units). Export writes the
scenarios that change parameters only; import sets, per column, every value that differs from
the model's and builds the model again, so formulas, units and uncertainty follow as for a
scenario file. A file is read whole and checked before any model is built.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path

from ..errors import InputError
from .objects import BrightwayParameter, Catalog, ProductModel
from .scenario_schema import ScenarioFile
from .scenarios import rebuilt
from .schema import ModelFile
from .table_files import cell_number, read_rows, write_rows

COLUMNS = ("Name", "Group", "default")
RTOL = 1e-12  # a value this close to the model's is the model's (a workbook holds 16 digits)


def parameters_only(spec: ScenarioFile) -> bool:
    """True when a scenario file changes nothing but parameters (a baseline, none at all)."""
    return not (spec.options or spec.swaps or spec.changes or spec.additions)


def is_parameter_table(path: Path) -> bool:
    """True when the file's header holds the parameter columns (else it is read as a flow
    table, whose reader names what is wrong with it)."""
    try:
        _, lines = read_rows(Path(path), COLUMNS)
    except InputError:
        return False  # a workbook without such a sheet
    header = [c.strip() for c in lines[0][1]] if lines else []
    return all(c in header for c in COLUMNS)


def _group(base: ProductModel, p: BrightwayParameter) -> str:
    return base.database if p.scope is None else f"{base.database}:{p.scope}"


def export_parameter_scenarios(base: ProductModel, scenarios: Mapping[str, ProductModel],
                               path: Path, names: Mapping[str, str]) -> Path:  # fmt: skip
    """Write the parameter scenario file of ``scenarios`` (name -> model, each changing
    parameters only) against ``base``; ``names``: Brightway's name of a renamed parameter."""
    values = {s: {(p.scope, p.name): p for p in m.brightway_parameters}
              for s, m in scenarios.items()}  # fmt: skip
    lines = [[*COLUMNS, *scenarios]]
    for p in base.brightway_parameters:
        row = [names.get(p.name, p.name), _group(base, p), p.amount]
        for s in scenarios:
            found = values[s].get((p.scope, p.name))
            row.append(_in_unit(found, p) if found is not None else p.amount)
        lines.append(row)
    information = [
        ("what", "Activity Browser parameter scenarios, written by cfp_lca"),
        ("model", f"{base.name} ({base.title})"),
        ("database", base.database),
        ("scenarios", ", ".join(scenarios)),
        ("values", "each parameter in its own unit (a formula parameter: pint's base units), "
         "as the project's parameters hold them; to 16 significant digits (the .csv form holds "
         "them exactly)"),
    ]  # fmt: skip
    return write_rows(Path(path), lines, information, table_first=True)


def _in_unit(found: BrightwayParameter, p: BrightwayParameter) -> float:
    """``found``'s amount in ``p``'s unit (a scenario may restate a parameter in another)."""
    if found.unit == p.unit:
        return found.amount
    from .units import convert, quantity

    return convert(quantity(found.amount, found.unit), p.unit)


Cells = dict[str, dict[tuple, tuple[float, str]]]  # scenario -> (scope, name) -> (value, row)


def load_parameter_scenarios(catalog: Catalog, base: ProductModel, path: Path,
                             names: Mapping[str, str]) -> dict[str, ProductModel]:  # fmt: skip
    """Every column of a parameter scenario file applied to ``base`` (name -> model). A formula
    parameter's cell must be what its formula gives in that scenario (as exported), since
    only value parameters are set; the whole file is checked before anything is computed."""
    values, formulas = read_parameter_table(path, base, names)
    out = {}
    for name, cells in values.items():
        model = apply_parameters(catalog, base, name, {k: v for k, (v, _) in cells.items()})
        found = {(p.scope, p.name): p for p in model.brightway_parameters}
        for key, (value, entry) in formulas[name].items():
            p = found[key]
            if not math.isclose(value, p.amount, rel_tol=RTOL, abs_tol=0.0):
                raise InputError(path, entry, f"scenario '{name}': '{names.get(key[1], key[1])}'"
                                 f" is a formula parameter ({p.formula}): it gives {p.amount!r} "
                                 f"here, not {value!r}; set the parameters it is made "
                                 "of")  # fmt: skip
        out[name] = model
    return out


def read_parameter_table(path: Path, base: ProductModel,
                         names: Mapping[str, str]) -> tuple[Cells, Cells]:  # fmt: skip
    """(value parameters, formula parameters): per scenario, the cells that differ from the
    model's value, by (scope, cfp_lca name); every row checked (group, name, number)."""
    where, lines = read_rows(Path(path), COLUMNS)
    header, columns = _header(path, where, lines)
    at = {c: header.index(c) for c in COLUMNS}
    known = {(_group(base, p), names.get(p.name, p.name)): p for p in base.brightway_parameters}
    values: Cells = {header[i]: {} for i in columns}
    formulas: Cells = {header[i]: {} for i in columns}
    for number, cells in lines[1:]:
        if not any(c.strip() for c in cells):
            continue
        entry = f"{where}row {number}"
        key = (cells[at["Group"]].strip(), cells[at["Name"]].strip())
        p = known.get(key)
        if p is None:
            raise InputError(path, entry, f"no parameter '{key[1]}' in group '{key[0]}' of "
                             f"model '{base.name}' (groups: {base.database} for the model's, "
                             f"{base.database}:CODE for an activity's)")  # fmt: skip
        into = formulas if p.formula is not None else values
        for name, value in _changed(path, entry, p, header, columns, cells):
            into[name][(p.scope, p.name)] = (value, entry)
    return values, formulas


def _header(path: Path, where: str, lines: list) -> tuple[list[str], list[int]]:
    """The header row and the positions of its scenario columns ('_' columns are comments)."""
    if not lines:
        raise InputError(path, f"{where}row 1", f"empty file: expected the columns "
                         f"{', '.join(COLUMNS)} and one column per scenario")  # fmt: skip
    header = [c.strip() for c in lines[0][1]]
    while header and not header[-1]:
        header.pop()
    columns = [i for i, c in enumerate(header) if c not in COLUMNS and not c.startswith("_")]
    if not columns:
        raise InputError(path, f"{where}row {lines[0][0]}", "no scenario columns: add one "
                         "column of values per scenario after 'default'")  # fmt: skip
    return header, columns


def _changed(path: Path, entry: str, p: BrightwayParameter, header: list[str],
             columns: list[int], cells: list[str]) -> list[tuple[str, float]]:  # fmt: skip
    """(scenario, value) of one row's cells that differ from the model's value; an empty
    cell is the model's value, as the Activity Browser reads it."""
    out = []
    for i in columns:
        text = cells[i].strip() if i < len(cells) else ""
        if text:
            value = cell_number(path, entry, header[i], text, "value")
            if not math.isclose(value, p.amount, rel_tol=RTOL, abs_tol=0.0):
                out.append((header[i], value))
    return out


def apply_parameters(catalog: Catalog, base: ProductModel, name: str,
                     values: Mapping[tuple, float]) -> ProductModel:  # fmt: skip
    """``base`` built again from its file with ``values`` ((scope, name) -> value in the
    parameter's unit) set, each source noting the scenario; uncertainty kept around it."""
    note = f"parameter scenario '{name}'"

    def changed(scope: str | None, params: dict) -> dict:
        return {k: v.model_copy(update={"value": values[(scope, k)],
                                        "source": f"{v.source}; {note}"})
                if (scope, k) in values else v for k, v in params.items()}  # fmt: skip

    def edit(spec: ModelFile) -> ModelFile:
        activities = [a.model_copy(update={"parameters": changed(a.code, a.parameters)})
                      for a in spec.activities]  # fmt: skip
        return spec.model_copy(update={
            "database": f"{spec.database}{{parameters:{name}}}",
            "name": f"{spec.name}: {name}",
            "parameters": changed(None, spec.parameters),
            "activities": activities,
        })  # fmt: skip

    return rebuilt(catalog, base, edit, base.options, base.path)
