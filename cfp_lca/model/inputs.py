"""The inputs of a model's activities: what each names (an activity of the model, a process of
a background, ``database:code``, or a link to a Brightway database cfp_lca did not write)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..errors import InputError, printable
from .amounts import check_unit
from .links import link_code
from .objects import Process
from .schema import LinkSpec, ModelFile


def input_label(ref: str | LinkSpec) -> str:
    """An input as messages show it: its code, or ``database:code`` / ``database:name``."""
    if isinstance(ref, LinkSpec):
        return printable(f"{ref.database}:{ref.code if ref.code is not None else ref.name}")
    return printable(ref)


def linked_databases(
    path: Path, spec: ModelFile, backgrounds: Mapping[str, Mapping[str, Process]]
) -> set[str]:
    """Databases the model links to by ``input: {database: ...}``: named in ``backgrounds``,
    and not one of cfp_lca's own (whose processes are named by their codes)."""
    linked = set()
    for i, a in enumerate(spec.activities):
        for j, inp in enumerate(a.inputs):
            if not isinstance(inp.input, LinkSpec):
                continue
            entry = f"activities[{i}] '{a.code}' > inputs[{j}] '{input_label(inp.input)}'"
            db = inp.input.database
            if db not in spec.backgrounds:
                raise InputError(
                    path, entry, f"database '{printable(db)}' is not in the model's backgrounds"
                )
            if db in backgrounds:
                raise InputError(
                    path, entry, f"'{db}' is a cfp_lca database: name its process by its code"
                )
            linked.add(db)
    return linked


def find_input(
    path: Path,
    entry: str,
    ref: str | LinkSpec,
    spec: ModelFile,
    local_units: Mapping[str, str],
    backgrounds: Mapping[str, Mapping[str, Process]],
) -> tuple[tuple[str, str], str]:
    """Resolve an input: a link to another database, 'db:code', a foreground activity, or a
    process of a background."""
    if isinstance(ref, LinkSpec):
        check_unit(path, entry, ref.unit)
        return (ref.database, link_code(path, entry, ref)), ref.unit
    if ":" in ref:
        db, code = ref.split(":", 1)
        if db == spec.database and code in local_units:
            return (db, code), local_units[code]
        if db in spec.backgrounds and code in backgrounds.get(db, {}):
            return (db, code), backgrounds[db][code].unit
        raise InputError(path, entry, f"unknown process reference '{printable(ref)}'")
    hits = []
    if ref in local_units:
        hits.append(((spec.database, ref), local_units[ref]))
    hits += [
        ((db, ref), backgrounds[db][ref].unit)
        for db in spec.backgrounds
        if ref in backgrounds.get(db, {})  # a linked database is reached by links only
    ]
    if not hits:
        raise InputError(
            path,
            entry,
            f"unknown process reference '{printable(ref)}' (not in this model nor in "
            f"{', '.join(spec.backgrounds)})",
        )
    if len(hits) > 1:
        where = ", ".join(f"{db}:{code}" for (db, code), _ in hits)
        raise InputError(path, entry, f"ambiguous reference '{printable(ref)}': found in {where}")
    return hits[0]
