"""LCI databases imported from the files practitioners have: EcoSpold 2 (ecoinvent, openLCA
exports), EcoSpold 1, openLCA JSON-LD and Brightway Excel, read by bw2io's extractors.

Nothing is lost silently. bw2io's importers delete exchanges they cannot link
(``delete_exchanges_missing_activity`` prints a notice and goes on), crash on multi-output
openLCA exports, and cannot link elementary flows that carry no compartment; cfp_lca applies
its own stated rules instead (:mod:`.products`, :mod:`.uncertainty`, :mod:`.links`), logs
every decision (:mod:`.log`), and writes the database only when every exchange is linked (or
cut on request, listed), checking afterwards that the project holds exactly the exchanges
the files give, less what the log lists.

The caller opens the project and holds its lock exclusively (:mod:`..locking`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .log import ImportLog, ImportProblem, listed
from .readers import FORMATS, quiet, read_source

if TYPE_CHECKING:
    from .links import Biosphere

__all__ = ["FORMATS", "ImportProblem", "Imported", "import_database"]
SHOWN = 10  # unlinked exchanges named in an error
KEPT = ("name", "unit", "amount", "type", "input", "comment", "flow", "CAS number",
        "uncertainty type", "loc", "scale", "shape", "minimum", "maximum", "negative",
        "pedigree", "invalid uncertainty", "formula", "variable name")  # fmt: skip


@dataclass(frozen=True)
class Imported:
    """What was written and how it reconciles with the files."""

    database: str
    activities: int
    exchanges: int
    linked_to: tuple[str, ...]
    technosphere: int = 0  # technosphere inputs written
    biosphere: int = 0  # elementary exchanges written
    own_biosphere: str | None = None  # the database of the source's own flows, if any
    own_flows: int = 0
    reconciliation: tuple[str, ...] = ()  # how the files' exchange counts became the written
    summary: tuple[str, ...] = ()  # one line per kind of logged decision
    log: ImportLog | None = None


@dataclass(frozen=True)
class Options:
    """The user's rules for what the files leave open."""

    multi_output: str = "refuse"
    cut_unlinked: bool = False
    uncertainty: str = "repair"


def import_database(
    path: Path,
    fmt: str,
    name: str | None = None,
    link_to: list[str] | None = None,
    options: Options | None = None,
    log_file: Path | None = None,
) -> Imported:
    """Import ``path`` into the current project as database ``name`` (default: the file's).

    Exchanges are linked within the import and to ``link_to`` (default: every database of
    the project but cfp_lca's product models and their variants) by the rules of
    :mod:`.links`. Refuses a name that exists, multi-output datasets without a rule,
    unlinked exchanges (unless cut) and invalid distributions (when refused); writes
    nothing then. ``log_file``: a new CSV file that lists every decision.
    """
    from .products import single_output
    from .uncertainty import check_distributions

    options = options or Options()
    path = Path(path)
    log = ImportLog()
    datasets = read_source(path, fmt, log)
    name = name or _default_name(path, datasets)
    own_name = f"{name} biosphere"
    _refuse_existing(path, (name, own_name))
    targets = _targets(link_to, options, log_file)
    _normalize_units(datasets)
    in_files = _counts(datasets)
    activities = single_output(datasets, options.multi_output, log)
    skipped = {ds["code"] for ds in datasets} - {a["dataset"] for a in activities}
    not_imported = _counts([ds for ds in datasets if ds["code"] in skipped])
    allocated = _counts(activities)
    check_distributions(activities, options.uncertainty, log)
    biosphere = _linked(path, name, own_name, activities, targets, log, options.cut_unlinked)
    expected = _counts(activities)
    if log_file is not None:
        log.write(log_file)  # before writing: the list exists whatever happens next
    _write(name, own_name, activities, biosphere.own, path, fmt)
    written = _checked_counts(name, len(activities), expected)
    from ..datapackages import database_arrays

    database_arrays(name)  # its float64 arrays, read once now as bw2data's are
    return Imported(
        database=name,
        activities=len(activities),
        exchanges=sum(expected.values()),
        linked_to=tuple(targets),
        technosphere=written[1],
        biosphere=written[2],
        own_biosphere=own_name if biosphere.own else None,
        own_flows=len(biosphere.own),
        reconciliation=tuple(_reconcile(in_files, not_imported, allocated, log, written[1])),
        summary=tuple(log.summary()),
        log=log,
    )


def _refuse_existing(path: Path, names: tuple[str, ...]) -> None:
    """Refuse to import under a database name the project holds: cfp_lca never overwrites."""
    import bw2data as bd

    for db in names:
        if db in bd.databases:
            raise ImportProblem(
                f"{path}: database '{db}' exists in project '{bd.projects.current}'; import "
                "under another name (--name), cfp_lca never overwrites a database"
            )


def _targets(link_to: list[str] | None, options: Options, log_file: Path | None) -> list[str]:
    """The databases to link to, each in the project; a cut needs a log that lists it."""
    import bw2data as bd

    targets = default_targets() if link_to is None else list(link_to)
    missing = [db for db in targets if db not in bd.databases]
    if missing:
        raise ImportProblem(f"cannot link to {missing}: not in project '{bd.projects.current}'")
    if options.cut_unlinked and log_file is None:
        raise ImportProblem("--cut-unlinked needs --log FILE, where the cut exchanges are listed")
    return targets


def _linked(path: Path, name: str, own_name: str, activities: list[dict], targets: list[str],
            log: ImportLog, cut_unlinked: bool) -> Biosphere:  # fmt: skip
    """Technosphere inputs linked within the import and to the targets that hold processes
    (one linked to nothing refused unless cut), then elementary flows to the other targets
    or to the source's own flows; the biosphere they were linked to."""
    from .links import Biosphere, external_index, link_biosphere, link_technosphere

    processes = [db for db in targets if _has_processes(db)]
    unlinked = link_technosphere(activities, name, external_index(processes), log, cut_unlinked)
    if unlinked:
        raise ImportProblem(
            f"{path}: {len(unlinked)} technosphere inputs link to nothing in the import or in "
            f"{', '.join(processes) or 'the project'}: {listed(unlinked, SHOWN)}; nothing was "
            "written. "
            "Import or name the databases they come from (--link-to), or cut them "
            "(--cut-unlinked --log FILE lists each)."
        )
    biosphere = Biosphere([db for db in targets if db not in processes], own_name)
    link_biosphere(activities, biosphere, log)
    return biosphere


def _checked_counts(name: str, activities: int, expected: dict[str, int]) -> tuple[int, int, int]:
    """The counts of ``name`` as written, refused unless they are those meant to be written."""
    written = _written_counts(name)
    if written != (activities, expected["technosphere"], expected["biosphere"]):
        raise ImportProblem(
            f"database '{name}' holds {written} (activities, technosphere, biosphere) after "
            f"writing {(activities, expected['technosphere'], expected['biosphere'])}"
        )
    return written


def default_targets() -> list[str]:
    """Every database of the project except cfp_lca's product models and their variants."""
    import bw2data as bd

    from ..project import MARKER

    return [db for db in bd.databases if "content" not in bd.databases[db].get(MARKER, {})]


def _has_processes(database: str) -> bool:
    """True when ``database`` holds activities (not only elementary flows)."""
    import bw2data as bd
    from bw2data.backends import ActivityDataset as AD

    kinds = list(bd.labels.process_node_types)
    return (
        AD.select()
        .where((AD.database == database) & (AD.type.in_(kinds) | AD.type.is_null()))
        .exists()
    )


def _default_name(path: Path, datasets: list[dict]) -> str:
    """The workbook's own database name, else the file or folder name."""
    return datasets[0].get("workbook database") or path.stem or path.name


def _normalize_units(datasets: list[dict]) -> None:
    """bw2io's unit names ('kg' -> 'kilogram'), as Brightway users expect them."""
    from bw2io.units import normalize_units

    for ds in datasets:
        if ds.get("unit"):
            ds["unit"] = normalize_units(ds["unit"])
        for x in ds["exchanges"]:
            x["unit"] = normalize_units(str(x.get("unit") or "").strip())


def _counts(datasets: list[dict]) -> dict[str, int]:
    """Exchanges by kind (production, technosphere, biosphere)."""
    out = dict.fromkeys(("production", "technosphere", "biosphere"), 0)
    for ds in datasets:
        for x in ds["exchanges"]:
            out[x["type"]] = out.get(x["type"], 0) + 1
    return out


def _reconcile(files: dict, dropped: dict, allocated: dict, log: ImportLog, written: int) -> list:
    """How the files' technosphere inputs became those written, line by line."""
    source_cut, cut = len(log.of("source cut-off")), len(log.of("cut"))
    lines = [f"technosphere inputs in the files: {files['technosphere']:,}"]
    if dropped["technosphere"]:
        lines.append(f"  of datasets not imported (no product): -{dropped['technosphere']:,}")
    made = allocated["technosphere"] - (files["technosphere"] - dropped["technosphere"])
    if made:
        lines.append(f"  copies made by allocating multi-output datasets: {made:+,}")
    if source_cut:
        lines.append(f"  marked as cut off by the source (CUTOFF, Dummy): -{source_cut:,}")
    if cut:
        lines.append(f"  cut (unlinked, listed in the log): -{cut:,}")
    lines.append(f"  written, counted in the project: {written:,}")
    return lines


def _clean(x: dict) -> dict:
    """An exchange as written: Brightway's fields and the source's flow id."""
    return {k: v for k, v in x.items() if k in KEPT and v is not None}


def _write(name: str, own_name: str, activities: list[dict], own: dict, path: Path,
           fmt: str) -> None:  # fmt: skip
    """The source's own flows (when any), then the database."""
    import bw2data as bd

    meta = {"description": f"imported by cfp_lca from {path.name} ({fmt})", "format": fmt}
    with quiet():
        if own:
            db = bd.Database(own_name)
            db.register(**meta)
            db.write({(own_name, code): flow for code, flow in own.items()})
        data = {}
        for a in activities:
            data[(name, a["code"])] = {
                "name": a["name"],
                "reference product": a["reference product"],
                "unit": a.get("unit") or a["exchanges"][0].get("unit"),
                "location": a.get("location") or "GLO",
                "type": "process",
                "comment": a.get("comment") or "",
                "source file": a.get("source file", ""),
                "source dataset": a.get("dataset"),
                "exchanges": [_clean(x) for x in a["exchanges"]],
            }
        db = bd.Database(name)
        db.register(**meta)
        db.write(data)


def _written_counts(name: str) -> tuple[int, int, int]:
    """Activities, technosphere inputs and elementary exchanges of ``name`` in SQLite."""
    import bw2data as bd
    from bw2data.backends import ActivityDataset as AD
    from bw2data.backends import ExchangeDataset as ED

    activities = AD.select().where(AD.database == name).count()
    kinds = list(bd.labels.technosphere_negative_edge_types)
    technosphere = ED.select().where((ED.output_database == name) & ED.type.in_(kinds)).count()
    biosphere = (
        ED.select()
        .where((ED.output_database == name) & ED.type.in_(list(bd.labels.biosphere_edge_types)))
        .count()
    )
    return activities, technosphere, biosphere
