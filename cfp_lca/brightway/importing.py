"""LCI databases imported with bw2io's importers (an ecospold2 folder such as ecoinvent's, or a
Brightway Excel workbook), linked to the databases already in the project, and written only
when every exchange is linked: a broken database is never written.

The caller opens the project and holds its lock exclusively (:mod:`.locking`); bw2io's own
console chatter (strategy by strategy) is silenced: the result or one error says what happened.
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from pathlib import Path

import bw2data as bd

from .datapackages import database_arrays

FORMATS = ("ecospold2", "excel")
SHOWN = 10  # unlinked exchanges listed in an error


class ImportProblem(Exception):
    """An import that cannot be written: unknown format, existing name, unlinked exchanges."""


@dataclass(frozen=True)
class Imported:
    """What was written: the database, its size, and the databases it was linked to."""

    database: str
    activities: int
    exchanges: int
    linked_to: tuple[str, ...]


def _quiet() -> contextlib.AbstractContextManager:
    """bw2io prints each strategy it applies; none of it reaches the user."""
    return contextlib.redirect_stdout(io.StringIO())


def _importer(path: Path, fmt: str, name: str | None):
    """bw2io's importer for ``fmt``, its strategies applied."""
    with _quiet():
        import bw2io

        if fmt == "ecospold2":
            if not path.is_dir():
                raise ImportProblem(f"{path}: an ecospold2 import reads a folder of .spold files")
            imp = bw2io.SingleOutputEcospold2Importer(str(path), name or path.name)
        elif fmt == "excel":
            if not path.is_file():
                raise ImportProblem(f"{path}: no such Excel file")
            imp = bw2io.ExcelImporter(str(path))
        else:
            raise ImportProblem(f"unknown import format '{fmt}' (one of {', '.join(FORMATS)})")
        imp.apply_strategies()
        # links within the import: exchanges written without a reference product (as Excel
        # workbooks often are) by name, location and unit
        imp.match_database(fields=("name", "unit", "location"))
    return imp


def _rename(imp, name: str) -> None:
    """Give the imported activities and their internal links the database name ``name``."""
    old = imp.db_name
    for ds in imp.data:
        ds["database"] = name
        for exc in ds.get("exchanges", []):
            if exc.get("input") and exc["input"][0] == old:
                exc["input"] = (name, exc["input"][1])
    imp.db_name = name


def _unlinked(imp) -> list[str]:
    """One line per exchange that links to nothing: name, categories or location, unit."""
    lines = []
    for ds in imp.data:
        for exc in ds.get("exchanges", []):
            if not exc.get("input"):
                where = exc.get("categories") or exc.get("location") or ""
                lines.append(
                    f"{ds.get('name')!r}: {exc.get('type')} {exc.get('name')!r} "
                    f"{where} [{exc.get('unit')}]"
                )
    return lines


def import_database(
    path: Path, fmt: str, name: str | None = None, link_to: list[str] | None = None
) -> Imported:
    """Import ``path`` into the current project as database ``name`` (default: the file's).

    Exchanges are linked within the import and to ``link_to`` (default: every database already
    in the project) by name, categories or reference product, location and unit. Refuses a name
    that exists, and writes nothing when any exchange stays unlinked (the error lists them).
    """
    path = Path(path)
    imp = _importer(path, fmt, name)
    if name and name != imp.db_name:
        _rename(imp, name)
    if imp.db_name in bd.databases:
        raise ImportProblem(
            f"{path}: database '{imp.db_name}' exists in project '{bd.projects.current}'; "
            "import under another name (--name), cfp_lca never overwrites a database"
        )
    targets = list(bd.databases) if link_to is None else link_to
    for db in targets:
        if db not in bd.databases:
            raise ImportProblem(f"cannot link to '{db}': not in project '{bd.projects.current}'")
        with _quiet():
            imp.match_database(db)
    unlinked = _unlinked(imp)
    if unlinked:
        shown = "; ".join(unlinked[:SHOWN])
        more = f" (and {len(unlinked) - SHOWN} more)" if len(unlinked) > SHOWN else ""
        raise ImportProblem(
            f"{path}: {len(unlinked)} exchanges link to nothing in "
            f"{', '.join(targets) or 'the project'}: {shown}{more}; nothing was written. "
            "Import or name the databases they come from (--link-to)."
        )
    with _quiet():
        imp.write_database()
    database_arrays(imp.db_name)  # its float64 arrays, read once now as bw2data's are
    exchanges = sum(len(ds.get("exchanges", [])) for ds in imp.data)
    return Imported(imp.db_name, len(imp.data), exchanges, tuple(targets))
