"""The public Python API: load data, compute a model, get results as dicts or DataFrames.

The command line (``cfp_lca.cli``) and the notebooks call this module. The Brightway project
is opened and brought up to date as needed, under the project lock; bad input raises
``InputError`` (file, entry, problem), a project cfp_lca may not change ``ProjectError``.
Nothing is printed: Brightway's messages go to stderr.

Example::

    >>> from cfp_lca import api
    >>> workspace = api.load("bench")               # doctest: +SKIP
    >>> workspace.models                            # doctest: +SKIP
    ['bench']
    >>> model = workspace.model()                   # doctest: +SKIP
    >>> round(model.lcia().total, 4)                # doctest: +SKIP
    77.4581
    >>> model.lcia().to_frame()                     # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import io
import logging
import math
import os
import sys
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .brightway.project import DEFAULT_PROJECT, configure_data_dir
from .errors import InputError

if TYPE_CHECKING:
    import pandas as pd

    from .model.objects import Catalog, Method, ProductModel

Progress = Callable[[int], None] | None
ENGINES_KEPT = 8  # Monte Carlo engines a workspace keeps warm


def quiet_brightway() -> None:
    """Keep Brightway's chatter off stdout (so --json stays parseable); bars only on a terminal."""
    os.environ.setdefault("BRIGHTWAY_NO_STRUCTLOG", "1")
    if not sys.stderr.isatty():
        os.environ.setdefault("TQDM_DISABLE", "1")
    warnings.filterwarnings("ignore", message="(?s).*pypardiso")
    # Brightway keeps a float32 copy of each amount in its uncertainty arrays; an amount
    # beyond float32 (3.4e38) overflows there, harmlessly: cfp_lca computes from float64
    # packages and refuses any result that is not finite (calc.lcia.check_finite)
    warnings.filterwarnings("ignore", "overflow encountered in cast", RuntimeWarning,
                            "bw_processing")  # fmt: skip
    warnings.filterwarnings("ignore", "overflow encountered in cast", RuntimeWarning,
                            "cfp_lca.brightway.datapackages")  # fmt: skip
    from .brightway.project import import_brightway

    with contextlib.redirect_stdout(io.StringIO()):
        import_brightway()  # creates the feedback logger quieted below

    feedback = logging.getLogger("brightway-stdout-feedback")
    for handler in list(feedback.handlers):
        feedback.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("brightway: %(message)s"))
    feedback.addHandler(handler)
    feedback.setLevel(logging.ERROR)


def parse_options(texts: Sequence[str]) -> dict[str, Any]:
    """``NAME=VALUE`` texts as model options (``true``/``false`` as booleans)."""
    options: dict[str, Any] = {}
    for text in texts:
        name, sep, value = text.partition("=")
        if not sep or not name.strip():
            raise InputError(None, "--option", f"expected NAME=VALUE, got '{text}'")
        options[name.strip()] = {"true": True, "false": False}.get(value.lower(), value)
    return options


def parse_sources(text: str | Sequence[str]) -> tuple[str, ...]:
    """Uncertainty sources from 'all', a comma-separated text or a list; unknown ones refused."""
    from .calc.montecarlo import SOURCES

    named = [p.strip() for p in text.split(",")] if isinstance(text, str) else list(text)
    named = [p for p in named if p]
    parts = list(SOURCES) if named == ["all"] else named
    unknown = [p for p in parts if p not in SOURCES]
    if unknown or not parts:
        problem = f"unknown source(s) {', '.join(map(repr, unknown))}" if unknown else "none"
        raise InputError(None, "sources", f"{problem} (choose from {', '.join(SOURCES)}, or all)")
    return tuple(dict.fromkeys(parts))


def parse_threshold(value: str | float | tuple[float, bool]) -> tuple[float, bool]:
    """A relevance threshold: an amount, or a share written '2%'; as (value, relative)."""
    if isinstance(value, tuple):
        return value
    text = str(value).strip()
    relative = text.endswith("%")
    try:
        number = float(text[:-1] if relative else text)
    except ValueError:
        raise InputError(
            None, "threshold", f"'{value}' is not a number or a percentage such as 2%"
        ) from None
    if not (math.isfinite(number) and number >= 0):
        raise InputError(None, "threshold", f"must be a finite number >= 0, got '{value}'")
    return (number / 100, True) if relative else (number, False)


# ---------------------------------------------------------------- results


def _frame(data: Any) -> pd.DataFrame:
    """A list of records, a mapping of records or a mapping of numbers as a DataFrame."""
    import pandas as pd

    if isinstance(data, list):
        return pd.DataFrame.from_records(data)
    if isinstance(data, Mapping) and data and all(isinstance(v, Mapping) for v in data.values()):
        return pd.DataFrame.from_dict(dict(data), orient="index")
    if isinstance(data, Mapping):
        return pd.DataFrame({"value": pd.Series(dict(data), dtype=float)})
    raise TypeError(f"not a table: {type(data).__name__}")


@dataclass(frozen=True)
class Result:
    """A computed result: ``raw`` (the calc object), ``to_dict()`` (what ``--json`` prints)
    and ``to_frame(table)`` (one of its tables as a pandas DataFrame)."""

    raw: Any
    model: ProductModel
    data: dict = field(repr=False)
    default_table: str = ""

    def to_dict(self) -> dict:
        """The result as plain JSON types, exactly the command's ``--json`` object."""
        return self.data

    def tables(self) -> list[str]:
        """Names of the entries that ``to_frame`` can turn into a DataFrame."""
        return [k for k, v in self.data.items() if _is_table(v)]

    def to_frame(self, table: str | None = None) -> pd.DataFrame:
        """One table of the result (``tables()`` lists them) as a pandas DataFrame."""
        name = table or self.default_table
        if name not in self.data or not _is_table(self.data[name]):
            raise KeyError(f"no table '{name}' (tables: {', '.join(self.tables())})")
        return _frame(self.data[name])

    def __getattr__(self, name: str) -> Any:
        """Attributes of the raw result (``total``, ``stages``, ``stats``...)."""
        if name.startswith("_") or name in ("raw", "model", "data", "default_table"):
            raise AttributeError(name)
        return getattr(self.raw, name)


def _is_table(value: Any) -> bool:
    """Lists of records, mappings of records and mappings of numbers are tables."""
    if isinstance(value, list):
        return bool(value) and all(isinstance(v, Mapping) for v in value)
    if not isinstance(value, Mapping) or not value:
        return False
    items = list(value.values())
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in items)
    return numbers or all(isinstance(v, Mapping) for v in items)


def check_coverage(model: ProductModel, coverage: Mapping | None) -> None:
    """Refuse a result whose method misses a greenhouse gas of the supply chain (--strict)."""
    from .present.tables import coverage_text

    if coverage is not None and not coverage["complete"]:
        raise InputError(model.path, "--strict", coverage_text(coverage))


class LciaResult(Result):
    """Static LCIA: total, stages, gases, parts, activities, background processes.

    Example: ``model.lcia().to_frame()`` (stages), ``.to_frame("by_flow")`` (by gas).
    """

    def text(self, lang: str = "en") -> str:
        """The table the ``lcia`` command prints."""
        from .present.tables import lcia_text

        return lcia_text(self.raw, self.model, lang, methods=self.data.get("methods"))

    def check_coverage(self) -> None:
        """An InputError when a greenhouse gas of the supply chain has no factor (--strict)."""
        check_coverage(self.model, self.data.get("coverage"))


class MonteCarloResult(Result):
    """Monte Carlo statistics of the total and each stage; ``samples()`` as a DataFrame."""

    def to_frame(self, table: str | None = None) -> pd.DataFrame:
        """Statistics (total first, then stages) by default; or another table by name."""
        if table is not None:
            return super().to_frame(table)
        return _frame({"total": self.data["total"], **self.data["stages"]})

    def samples(self) -> pd.DataFrame:
        """The sampled totals and stages, one row per iteration (when samples were kept)."""
        import pandas as pd

        if self.raw.samples is None:
            raise ValueError("the samples were not kept")
        return pd.DataFrame(self.raw.samples.T, columns=list(self.raw.labels))

    def text(self, lang: str = "en") -> str:
        """The table the ``mc`` command prints (and the coverage line of a linked model)."""
        from .present.tables import coverage_text, mc_text

        text = mc_text(self.raw, self.model, lang)
        if "coverage" in self.data:
            text += "\n" + coverage_text(self.data["coverage"])
        return text

    def check_coverage(self) -> None:
        """An InputError when a greenhouse gas of the supply chain has no factor (--strict)."""
        check_coverage(self.model, self.data.get("coverage"))


class SensitivityResult(Result):
    """Spearman ranks, Sobol indices, elasticities and tornado of a model's total."""

    def text(self, lang: str = "en") -> str:
        """The table the ``gsa`` command prints."""
        from .present.tables import gsa_text

        return gsa_text(self.data)


class ComparisonResult(Result):
    """Scenarios under paired Monte Carlo, each against the baseline of its boundary."""

    def to_frame(self, table: str | None = None) -> pd.DataFrame:
        """One row per scenario (all boundary groups), or another table by name."""
        if table is not None:
            return super().to_frame(table)
        import pandas as pd

        rows = [{"group": g["label"], **row} for g in self.data["groups"] for row in g["scenarios"]]
        return pd.DataFrame.from_records(rows)

    def text(self, lang: str = "en") -> str:
        """The table the ``compare`` command prints."""
        from .present.tables import compare_text

        return compare_text(self.data)


class AuditResult(Result):
    """Every declared figure of a study, recomputed."""

    def text(self, lang: str = "en") -> str:
        """The text the ``audit`` command prints."""
        from .present.tables import audit_text

        return audit_text(self.raw)


# ---------------------------------------------------------------- workspace and model


def resolve_links_in(project: str) -> None:
    """Resolve the models' links by name to other databases (``input: {database, name, ...}``)
    in the Brightway project ``project`` from now on."""
    from .model.links import set_resolver

    def resolve(link) -> str:
        quiet_brightway()  # before bw2data is imported: its import logs
        from .brightway.linking import resolve_link
        from .brightway.project import ProjectError, open_project

        try:
            open_project(project, create=False)
        except ProjectError as exc:
            raise LookupError(str(exc)) from None
        return resolve_link(link)

    set_resolver(resolve)


def load(
    data: str | Path | Sequence[str | Path] | None = None,
    project: str = DEFAULT_PROJECT,
    bw_dir: str | Path | None = None,
) -> Workspace:
    """Read and validate the data (one directory or a stack, on the shipped library).

    Nothing is written until a result is asked for. ``bw_dir``: the Brightway data directory
    (before bw2data is first imported; else $BRIGHTWAY2_DIR or Brightway's standard one).

    Example::

        >>> ws = api.load("my_product")               # doctest: +SKIP
        >>> ws.model().lcia().total                   # doctest: +SKIP
    """
    from .model.cache import catalog

    configure_data_dir(bw_dir)
    resolve_links_in(project)
    if isinstance(data, str | Path) or data is None:
        roots = None if data is None else [Path(data)]
    else:
        roots = [Path(p) for p in data]
    return Workspace(catalog(roots), project, roots=roots or [])


class Workspace:
    """A validated catalog (the stacked data directories) and the Brightway project it uses."""

    def __init__(self, catalog: Catalog, project: str = DEFAULT_PROJECT,
                 roots: Sequence[Path] | None = None):  # fmt: skip
        """Nothing is imported from Brightway until a result is asked for (``write``,
        ``ensure`` and the computing methods quiet its import first). ``roots``: the data
        directories the catalog was read from (``load``), read again when a file changes."""
        self.catalog = catalog
        self.project = project
        self._roots = roots
        self._files = self._files_key() if roots is not None else None
        # Monte Carlo engines already built, by what they were built from (see ``engine``)
        self._engines: dict[tuple, Any] = {}
        self._ensured: tuple | None = None  # the project state last found current

    def __repr__(self) -> str:
        return f"Workspace(models={self.models}, project={self.project!r})"

    @property
    def models(self) -> list[str]:
        """Names of the product models, in file order."""
        return list(self.catalog.models)

    @property
    def methods(self) -> list[str]:
        """Ids of the LCIA methods."""
        return list(self.catalog.methods)

    @property
    def libraries(self) -> list[dict]:
        """The directories read, bottom first: name, version, path, role."""
        return list(self.catalog.libraries)

    @property
    def notices(self) -> list[str]:
        """Entries a directory replaced in a library below it, one sentence each."""
        return list(self.catalog.notices)

    def default_model(self) -> str:
        """The model used when none is named: the only one, or the one the data name."""
        models = self.catalog.models
        named = self.catalog.settings.get("default_model")
        if len(models) == 1:
            return next(iter(models))
        if named in models:
            return named
        where = self.catalog.root
        if not models:
            raise InputError(where, None, "no product model in this data directory (see "
                             "`cfp-lca new NAME`)")  # fmt: skip
        raise InputError(where, None, f"{len(models)} models here, name one: "
                         f"{', '.join(models)}")  # fmt: skip

    def report_models(self) -> list[str]:
        """The models the main job writes a study report for: as the data name, else all."""
        named = self.catalog.settings.get("report_models") or []
        unknown = [m for m in named if m not in self.catalog.models]
        if unknown:
            raise InputError(self.catalog.root, "report_models", f"unknown model(s) {unknown}")
        return list(named) or self.models

    def model(self, name: str | None = None) -> Model:
        """A product model by name (the default model when None); Brightway's import is
        quieted here, before a computing module imports bw2data (its import logs)."""
        quiet_brightway()
        name = name or self.default_model()
        if name not in self.catalog.models:
            known = ", ".join(self.catalog.models) or "none"
            raise InputError(self.catalog.root, None, f"unknown model '{name}' (known: {known})")
        return Model(self, name)

    def method(self, method_id: str) -> Method:
        """An LCIA method by cfp_lca id, or any method of the Brightway project by its name
        written 'A|B|C' (bw2io's, say); an unknown one is an input error listing them."""
        if method_id not in self.catalog.methods and "|" in method_id:
            return self._project_method(method_id)
        if method_id not in self.catalog.methods:
            known = ", ".join(sorted(self.catalog.methods))
            raise InputError(self.catalog.root / "methods", None,
                             f"unknown method '{method_id}' (cfp_lca's: {known}; or a method "
                             "of the project by its name, 'A|B|C')")  # fmt: skip
        return self.catalog.methods[method_id]

    def _project_method(self, text: str) -> Method:
        """A method of the Brightway project named 'A|B|C', as a Method without factors of
        its own (its factors are read from the project)."""
        from .brightway.project import ProjectError, open_project
        from .model.objects import Method

        quiet_brightway()
        try:
            open_project(self.project, create=False)
        except ProjectError as exc:
            raise InputError(None, "--method", str(exc)) from None
        import bw2data as bd

        name = tuple(p.strip() for p in text.split("|"))
        if name not in bd.methods:
            near = sorted("|".join(m) for m in bd.methods if name[0].lower() in str(m).lower())
            shown = "; ".join(near[:10]) or "none with that first part"
            raise InputError(None, "--method", f"no method {text!r} in project "
                             f"'{self.project}' ({len(bd.methods)} methods; near: "
                             f"{shown})")  # fmt: skip
        meta = bd.methods[name]
        return Method(text, name, str(meta.get("unit") or "unit"), int(meta.get("year") or 0),
                      str(meta.get("description") or ""), str(meta.get("source") or
                      "Brightway project method"), ())  # fmt: skip

    def write(self, force: bool = False) -> bool:
        """Open the project and write what is missing or stale; False when all was current."""
        quiet_brightway()
        from .brightway.project import open_project
        from .brightway.writing import write_catalog

        open_project(self.project)
        return write_catalog(self.catalog, force=force)

    def import_database(
        self,
        path: str | Path,
        fmt: str,
        name: str | None = None,
        link_to: Sequence[str] | None = None,
        multi_output: str = "refuse",
        cut_unlinked: bool = False,
        uncertainty: str = "repair",
        log: str | Path | None = None,
    ) -> dict:
        """Import an LCI database (``fmt``: "ecospold2", "ecospold1", "jsonld" or "excel")
        into the project, linked to its databases, so models can name it in ``backgrounds``.
        Written only when every exchange links (``cut_unlinked`` leaves the others out,
        listed in the CSV file ``log``); multi-output datasets without allocation factors
        are refused unless ``multi_output`` is "mass" or "reference"; every decision is
        listed (see :mod:`cfp_lca.brightway.importing`). The project's cfp_lca methods are
        then rewritten to characterize the import's elementary flows.

        Example: ``load().import_database("uslci.zip", "jsonld", multi_output="reference",
        cut_unlinked=True, log="uslci-import.csv")``
        """
        from .brightway.importing import Options, import_database
        from .brightway.project import open_project, project_lock

        self.write()
        options = Options(multi_output, cut_unlinked, uncertainty)
        with project_lock().exclusive():
            open_project(self.project)
            done = import_database(
                Path(path), fmt, name, list(link_to) if link_to is not None else None,
                options, Path(log) if log is not None else None,
            )  # fmt: skip
            self.write()  # the methods, now with factors for the import's flows
        return {
            "database": done.database,
            "activities": done.activities,
            "exchanges": done.exchanges,
            "technosphere": done.technosphere,
            "biosphere": done.biosphere,
            "own_biosphere": done.own_biosphere,
            "own_flows": done.own_flows,
            "linked_to": list(done.linked_to),
            "reconciliation": list(done.reconciliation),
            "summary": list(done.summary),
        }

    def ensure(self, *models: ProductModel) -> None:
        """The project written and the foreground databases of ``models`` current. Checked
        against the project once per state: while no database or method of the project was
        written (their stamps, which every bw2data write changes) and the models are the
        same, a warm workspace does not count the project's rows again."""
        quiet_brightway()  # before any module imports bw2data, whose import logs to stdout
        from .brightway.locking import reload_metadata
        from .brightway.project import open_project, project_lock
        from .brightway.writing import content_hash, ensure_model

        open_project(self.project)
        wanted = tuple(content_hash(m) for m in models)
        with project_lock().shared():
            reload_metadata()  # what other processes wrote since
            if self._ensured == (self._project_state(), self.catalog.fingerprint, wanted):
                return
        self.write()
        for model in models:
            ensure_model(self.catalog, model)
        self._ensured = (self._project_state(), self.catalog.fingerprint, wanted)

    def _project_state(self) -> tuple:
        """The current project, and the metadata of its databases and methods (bw2data
        stamps a database's ``modified`` at every write; cfp_lca marks its own writes)."""
        import bw2data as bd

        databases = tuple((k, repr(v)) for k, v in sorted(bd.databases.items()))
        methods = tuple((k, repr(v)) for k, v in sorted(bd.methods.items()))
        return bd.projects.current, databases, methods

    def _files_key(self) -> str | None:
        """What the data files hold now (a digest of every file of every directory)."""
        from .model.cache import layers_key
        from .model.libraries import data_layers

        try:
            return layers_key("files", data_layers(self._roots))
        except (InputError, OSError):
            return None

    def refresh(self) -> bool:
        """Read the data files again when one changed since they were read (a warm
        workspace notices an edit instead of computing the old files); True when it did."""
        if self._files is None:
            return False
        now = self._files_key()
        if now == self._files:
            return False
        from .model.cache import catalog

        self.catalog = catalog(self._roots)
        self._files = now
        self._engines.clear()
        return True

    def engine(self, model: ProductModel, method: Method, sources: tuple[str, ...]):
        """The fast Monte Carlo engine of ``model`` (written and current), reused while the
        model's content, the method and every database and method of the project are the
        versions it was built from (their modification stamps are read each time)."""
        import bw2data as bd

        from .brightway.writing import content_hash
        from .calc.montecarlo import finite_engine

        stamps = tuple((k, v.get("modified")) for k, v in sorted(bd.databases.items()))
        key = (bd.projects.current, content_hash(model), model.database, method.name,
               bd.methods.get(method.name, {}).get("modified"), sources, stamps)  # fmt: skip
        if key not in self._engines:
            if len(self._engines) >= ENGINES_KEPT:
                del self._engines[next(iter(self._engines))]
            self._engines[key] = finite_engine(model, method, sources)
        return self._engines[key]

    @contextlib.contextmanager
    def reading(self, *models: ProductModel) -> Iterator[None]:
        """Write what ``models`` need, then hold the project lock shared while reading it."""
        from .brightway.project import project_lock

        self.ensure(*models)
        with project_lock().shared():
            yield


class Model:
    """One product model of a workspace; every method computes in the Brightway project."""

    def __init__(self, workspace: Workspace, name: str):
        self.workspace = workspace
        self.name = name

    def __repr__(self) -> str:
        return f"Model({self.name!r})"

    @property
    def catalog(self) -> Catalog:
        """The workspace's catalog."""
        return self.workspace.catalog

    @property
    def base(self) -> ProductModel:
        """The model with its default options."""
        return self.catalog.models[self.name]

    @property
    def options(self) -> dict[str, dict]:
        """The model's options: default, choices, description."""
        return dict(self.base.option_specs)

    def variant(self, options: Mapping[str, Any] | None = None) -> ProductModel:
        """The model with ``options`` applied, validated (nothing is written); the data files
        read again first if one changed."""
        from .model.loading import model_variant

        self.workspace.refresh()
        return model_variant(self.catalog, self.name, dict(options or {}))

    def _method(self, model: ProductModel, method: str | None) -> Method:
        """The method by id, the model's own by default."""
        return self.workspace.method(method or model.method)

    def lcia(self, method: str | None = None, options: Mapping[str, Any] | None = None
             ) -> LciaResult:  # fmt: skip
        """Static LCIA through bw2calc.

        Example: ``ws.model("bench").lcia(options={"end_of_life": "cff"}).total``
        """
        from .calc.lcia import computed_lca, static_lcia, totals_by_method
        from .present.tables import lcia_dict

        model = self.variant(options)
        chosen = self._method(model, method)
        with self.workspace.reading(model):
            lca = computed_lca(model, chosen)
            result = static_lcia(self.catalog, model, chosen, lca)
            totals = totals_by_method(self.catalog, model, lca)
        return LciaResult(result, model, lcia_dict(result, model, totals), "stage_table")

    def audit(self) -> AuditResult:
        """Recompute every figure the model's declared-figures file states."""
        from .calc.audit import audit
        from .calc.lcia import static_lcia
        from .present.tables import audit_dict

        model = self.base
        if model.declared is None:
            raise InputError(model.path, None, "this model has no declared-figures file to audit")
        method = self.workspace.method(model.declared.method)
        with self.workspace.reading(model):
            result = audit(self.catalog, model, static_lcia(self.catalog, model, method))
        return AuditResult(result, model, audit_dict(result), "checks")

    def monte_carlo(
        self,
        n: int = 10_000,
        seed: int = 0,
        sources: str | Sequence[str] = "all",
        method: str | None = None,
        options: Mapping[str, Any] | None = None,
        engine: str = "fast",
        chunk_size: int | None = None,
        tolerance: float | None = None,
        save_samples: str | Path | None = None,
        progress: Progress = None,
        workers: int | None = None,
        scheduler: str | None = None,
        supply_chain_only: bool = False,
    ) -> MonteCarloResult:
        """Monte Carlo of one functional unit (samples kept: ``.samples()``). ``workers``: the
        processes of a local Dask cluster, or ``scheduler``: the address of one; the numbers
        are those of a local run. ``supply_chain_only``: bw2calc's engine draws only the
        activities the model reaches (the fast engine always does).

        Example: ``model.monte_carlo(n=2000, seed=1).to_frame()``
        """
        from .calc.montecarlo import DEFAULT_CHUNK, MonteCarloError, run_monte_carlo
        from .present.tables import mc_dict

        model = self.variant(options)
        chosen = self._method(model, method)
        sources = parse_sources(sources)
        with self.workspace.reading(model):
            try:
                warm = self.workspace.engine(model, chosen, sources) if engine == "fast" else None
                result = run_monte_carlo(
                    self.catalog, model, chosen, n=n, seed=seed, sources=sources,
                    chunk_size=chunk_size or DEFAULT_CHUNK, engine=engine,
                    save_samples=save_samples, tolerance=tolerance, keep_samples=True,
                    progress=progress, workers=workers, scheduler=scheduler,
                    supply_chain_only=supply_chain_only, fast_engine=warm,
                )  # fmt: skip
            except MonteCarloError as exc:
                raise InputError(model.path, None, str(exc)) from None
            data = mc_dict(result, model)
            if model.linked:  # the greenhouse gases of the linked databases the method misses
                from .calc.coverage import model_coverage

                data["coverage"] = model_coverage(self.catalog, model, chosen).to_dict()
        return MonteCarloResult(result, model, data)

    def sensitivity(
        self,
        n: int = 20_000,
        sobol_n: int = 4096,
        seed: int = 0,
        sources: str | Sequence[str] = "foreground",
        method: str | None = None,
        options: Mapping[str, Any] | None = None,
        group: bool = True,
        exchanges: bool = False,
        workers: int | None = None,
        scheduler: str | None = None,
    ) -> SensitivityResult:
        """Spearman, Sobol (``sobol_n`` a power of 2), elasticities and tornado. ``workers``:
        the processes of a local Dask cluster, or ``scheduler``: the address of one, where
        Spearman's and Sobol's samples are evaluated; the numbers are those of a local run.

        Example: ``model.sensitivity(n=2000, sobol_n=256).to_frame("spearman")``
        """
        from .calc.sensitivity import analyse
        from .present.tables import gsa_dict

        model = self.variant(options)
        chosen = self._method(model, method)
        with self.workspace.reading(model):
            try:
                result = analyse(model, chosen, parse_sources(sources), n, sobol_n, seed,
                                 group=group, exchanges=exchanges, workers=workers,
                                 scheduler=scheduler)  # fmt: skip
            except ValueError as exc:
                raise InputError(model.path, None, str(exc)) from None
        data = gsa_dict(result, model)
        default = next((k for k, v in data.items() if _is_table(v)), "")
        return SensitivityResult(result, model, data, default)

    def scenario_dir(self, scenario_dir: str | Path | None = None) -> Path:
        """Where the model's scenarios are: given, else ``scenarios/`` in the data directory,
        else ``scenarios/`` beside it (the shipped layout)."""
        from .model.scenarios import default_scenario_dir

        if scenario_dir is not None:
            return Path(scenario_dir)
        own = self.base.path.parent / "scenarios"
        if self.base.path.parent.name == "foreground":
            own = self.base.path.parent.parent / "scenarios"
        return own if own.is_dir() else default_scenario_dir(self.catalog)

    def scenarios(self, names: Sequence[str] | None = None,
                  scenario_dir: str | Path | None = None) -> dict:  # fmt: skip
        """The model's scenarios (validated), baseline first; ``names`` picks some."""
        from .model.scenarios import load_scenarios

        where = self.scenario_dir(scenario_dir)
        found = {k: v for k, v in load_scenarios(self.catalog, where).items()
                 if v.model == self.name}  # fmt: skip
        wanted = list(names or found)
        unknown = [w for w in wanted if w not in found]
        if unknown:
            raise InputError(where, None, f"unknown scenario(s) {unknown} for model "
                             f"'{self.name}' (known: {', '.join(found) or 'none'})")  # fmt: skip
        if "baseline" in wanted:
            wanted.remove("baseline")
            wanted.insert(0, "baseline")
        return {w: found[w] for w in wanted}

    def compare(
        self,
        scenarios: Sequence[str] | None = None,
        n: int = 10_000,
        seed: int = 0,
        sources: str | Sequence[str] = "all",
        threshold: str | float | tuple[float, bool] = "1%",
        method: str | None = None,
        scenario_dir: str | Path | None = None,
        plots: str | Path | None = None,
        progress: Progress = None,
        workers: int | None = None,
        scheduler: str | None = None,
    ) -> ComparisonResult:
        """Scenarios under paired Monte Carlo, each against the baseline of its boundary.
        ``workers``: the processes of a local Dask cluster, or ``scheduler``: the address of
        one, where the scenarios' chunks are computed; the numbers are those of a local run.

        Example: ``model.compare(n=2000).to_frame()``
        """
        from .calc.compare import Threshold, compare, plan_comparison
        from .present.tables import compare_dict

        chosen = self.scenarios(scenarios, scenario_dir)
        if len(chosen) < 2:
            raise InputError(None, "scenarios", "name at least two scenarios to compare")
        method_obj = self._method(self.base, method)
        plan = plan_comparison(self.catalog, chosen)
        relevance = Threshold(*parse_threshold(threshold))
        with self.workspace.reading(self.base, *plan.models.values()):
            try:
                result = compare(plan.models, method_obj, n, seed, parse_sources(sources),
                                 progress, plan.groups, relevance, workers, scheduler)  # fmt: skip
            except ValueError as exc:  # MonteCarloError: a distribution that cannot be drawn
                raise InputError(self.base.path, None, str(exc)) from None
        data = compare_dict(result, plan.titles, method_obj.unit, kinds=plan.kinds)
        if plots is not None:
            from .present.figures import comparison_figures

            figures = comparison_figures(result, method_obj.unit, Path(plots))
            data["figures"] = [str(p) for paths in figures.values() for p in paths]
        return ComparisonResult(result, self.base, data)

    def study(
        self,
        n: int = 20_000,
        seed: int = 0,
        sources: str | Sequence[str] = "all",
        sobol_n: int = 2048,
        threshold: str | float | tuple[float, bool] = "1%",
        method: str | None = None,
        options: Mapping[str, Any] | None = None,
        scenario_dir: str | Path | None = None,
        scenarios: bool = True,
        group: bool = True,
        progress: Progress = None,
    ):
        """Everything a report shows: static, Monte Carlo, sensitivity, scenarios, audit."""
        from .calc.compare import Threshold, plan_comparison
        from .calc.study import run_study

        model = self.variant(options)
        chosen = self._method(model, method)
        found = self.scenarios(None, scenario_dir) if scenarios else {}
        plan = plan_comparison(self.catalog, found) if len(found) > 1 else None
        related = (self.workspace.model(model.comparison[0]).base
                   if model.comparison and model.comparison[0] in self.catalog.models
                   else None)  # fmt: skip
        needed = [model, *(plan.models.values() if plan else ()), *filter(None, [related])]
        with self.workspace.reading(*needed):
            try:
                return run_study(self.catalog, model, chosen, n, seed, parse_sources(sources),
                                 plan, related, sobol_n, progress, group=group,
                                 threshold=Threshold(*parse_threshold(threshold)))  # fmt: skip
            except ValueError as exc:
                raise InputError(model.path, None, str(exc)) from None

    def plot(self, out: str | Path, lang: str = "en", n: int = 20_000, seed: int = 0,
             sources: str | Sequence[str] = "all", sobol_n: int = 2048, group: bool = True,
             method: str | None = None, options: Mapping[str, Any] | None = None,
             progress: Progress = None) -> list[Path]:  # fmt: skip
        """Every figure of the model (PNG and SVG) into ``out``; returns the paths."""
        from .present.figures import model_figures

        study = self.study(n, seed, sources, sobol_n, method=method, options=options,
                           scenarios=False, group=group, progress=progress)  # fmt: skip
        figures = model_figures(study.model, study.static, study.mc, study.gsa, Path(out), lang)
        return [p for paths in figures.values() for p in paths]

    def report(self, out: str | Path, lang: str = "en", n: int = 20_000, seed: int = 0,
               sources: str | Sequence[str] = "all", sobol_n: int = 2048,
               threshold: str | float | tuple[float, bool] = "1%", method: str | None = None,
               options: Mapping[str, Any] | None = None,
               scenario_dir: str | Path | None = None, formats: Sequence[str] | None = None,
               progress: Progress = None) -> dict[str, Path]:  # fmt: skip
        """The CFP study report into the folder ``out``; returns {kind: path}.

        Example: ``model.report("out", lang="zh", n=2000)``
        """
        from .present.report import write_report

        study = self.study(n, seed, sources, sobol_n, threshold, method, options,
                           scenario_dir, progress=progress)  # fmt: skip
        kwargs = {"formats": tuple(formats)} if formats else {}
        return write_report(study, self.catalog, Path(out), lang, **kwargs)
