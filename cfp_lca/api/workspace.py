"""The workspace: a validated catalog and the Brightway project it uses, with what it keeps
warm between results (the project state last found current, the Monte Carlo engines built)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ..brightway.project import DEFAULT_PROJECT
from ..errors import InputError
from ..steps import reused, step
from .product import Model
from .quiet import quiet_brightway

if TYPE_CHECKING:
    from ..model.objects import Catalog, Method, ProductModel

T = TypeVar("T")
KEPT_IN_MEMORY = 16  # results and Monte Carlo engines a workspace keeps warm


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
        # results and Monte Carlo engines computed, with the project's stamp (see ``kept``)
        self._kept: dict[str, dict] = {}
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
        """A product model by name (the default model when None); nothing is imported from
        Brightway until one of its results is computed (``product.computing``)."""
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
        from ..brightway.project import ProjectError, open_project
        from ..model.objects import Method

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

    def search(self, text: str, method: str | None = None, databases: Sequence[str] = ()):
        """The library's processes and flows matching every word of ``text`` (then those of
        the project's ``databases``), each with its factor under ``method`` (by default the
        default model's): a :class:`..calc.library_search.Search`.

        Example: ``load().search("copper", databases=["USLCI"])[0].factor``
        """
        from ..calc.library_search import search

        if not text.split():
            raise InputError(None, "TEXT", "give a word to search for")
        chosen = self.method(method or self._search_method())
        with self.reading():
            import bw2data as bd

            unknown = [d for d in databases if d not in bd.databases]
            if unknown:
                have = ", ".join(sorted(bd.databases))
                raise InputError(None, "--database", f"no database {unknown[0]!r} in project "
                                 f"'{self.project}' (it has: {have})")  # fmt: skip
            return search(self.catalog, text, chosen, tuple(databases))

    def _search_method(self) -> str:
        """The default model's method, else AR6 GWP100, else the first method by id."""
        try:
            return self.catalog.models[self.default_model()].method
        except InputError:
            return "ipcc-ar6-gwp100" if "ipcc-ar6-gwp100" in self.methods else min(self.methods)

    def write(self, force: bool = False) -> bool:
        """Open the project and write what is missing or stale; False when all was current."""
        quiet_brightway()
        from ..brightway.project import open_project
        from ..brightway.writing import write_catalog

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
        from ..brightway.importing import Options, import_database
        from ..brightway.project import open_project, project_lock

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
        from ..brightway.locking import reload_metadata
        from ..brightway.project import open_project, project_lock
        from ..brightway.writing import content_hash, ensure_model

        open_project(self.project)
        wanted = tuple(content_hash(m) for m in models)
        with project_lock().shared():
            reload_metadata()  # what other processes wrote since
            if self._ensured == (self._project_state(), self.catalog.fingerprint, wanted):
                return
        with step(f"Brightway project '{self.project}' checked"):
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
        from ..model.cache import layers_key
        from ..model.libraries import data_layers

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
        from ..model.cache import catalog

        self.catalog = catalog(self._roots)
        self._files = now
        self._kept.clear()
        return True

    def engine(self, model: ProductModel, method: Method, sources: tuple[str, ...],
               parts: Sequence[str]) -> Any:  # fmt: skip
        """The fast Monte Carlo engine of ``model`` (written and current), kept (``kept``,
        in memory and on disk) while the files, the project and the code are those it was
        built from; ``parts``: what else names the model variant (name, options, method)."""
        from ..calc.montecarlo import finite_engine

        def build() -> Any:
            with step(f"{model.name}: Monte Carlo engine ({', '.join(sources)})"):
                return finite_engine(model, method, sources)

        return self.kept("engine", (*parts, ",".join(sources)), build, model)

    def kept(self, kind: str, parts: Sequence[str], compute: Callable[[], T],
             *models: ProductModel) -> T:  # fmt: skip
        """``compute()`` in the current project (``models`` written first), or its value kept
        in memory or on disk when neither the files, the project nor the code changed since:
        the key holds the catalog's fingerprint, the project's place and name, the computing
        code and ``parts``; the entry holds the project folder's stamp, checked again before
        every reuse (:mod:`..brightway.project_stamp`). A hit imports no Brightway; a value is
        kept only when the project did not change while it was computed."""
        from ..brightway.project import base_dir
        from ..brightway.project_stamp import folder_stamp
        from ..model import cache

        key = cache.key_of(kind, self.catalog.fingerprint, str(base_dir()), self.project,
                           cache.source_digest("calc"), cache.source_digest("brightway"),
                           *parts)  # fmt: skip
        for entry in (self._kept.get(key), cache.load(key)):
            stamp = entry.get("stamp") if isinstance(entry, dict) else None
            if stamp is not None and folder_stamp(Path(entry["folder"])) == stamp:
                self._remember(key, entry)
                reused(f"{' '.join(parts[:1])}: {kind}")
                return entry["value"]
        with self.reading(*models):
            import bw2data as bd

            folder = Path(bd.projects.dir)
            before = folder_stamp(folder)
            value = compute()
            if before is not None and folder_stamp(folder) == before:
                entry = {"kind": kind, "folder": str(folder), "stamp": before, "value": value}
                cache.save(key, entry)
                self._remember(key, entry)
        return value

    def _remember(self, key: str, entry: dict) -> None:
        """Keep an entry in memory too, the last ``KEPT_IN_MEMORY`` only."""
        self._kept.pop(key, None)
        if len(self._kept) >= KEPT_IN_MEMORY:
            del self._kept[next(iter(self._kept))]
        self._kept[key] = entry

    @contextlib.contextmanager
    def reading(self, *models: ProductModel) -> Iterator[None]:
        """Write what ``models`` need, then hold the project lock shared while reading it."""
        from ..brightway.project import project_lock

        self.ensure(*models)
        with project_lock().shared():
            yield
