"""The validated model: plain, immutable objects that the Brightway writer and the audit read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .schema import DeclaredFile

if TYPE_CHECKING:
    from .parameters import ParameterModel
    from .schema import ProcessSpec


@dataclass(frozen=True)
class Flow:
    """An elementary flow of the biosphere database."""

    code: str
    name: str
    unit: str
    categories: tuple[str, ...]
    cas: str | None = None
    formula: str | None = None
    comment: str | None = None
    group: str | None = None  # fossil, biogenic, land_use_change or precharacterized
    same_as: str | None = None  # another database's flow: the flow of flows.yaml it is


@dataclass(frozen=True)
class Synonym:
    """Another database's name of a flow (``flow`` None: a greenhouse gas without a GWP)."""

    name: str
    flow: str | None
    source: str
    comment: str | None = None


@dataclass(frozen=True)
class Factor:
    """A characterization factor, converted to the method's unit per flow unit."""

    flow: str
    value: float
    source: str
    uncertainty: dict


@dataclass(frozen=True)
class Method:
    """An LCIA method (a GWP100 factor set)."""

    id: str
    name: tuple[str, ...]
    unit: str
    year: int
    description: str
    source: str
    factors: tuple[Factor, ...]


@dataclass(frozen=True)
class Exchange:
    """One input or emission, per unit of the owning process, in the input's own unit."""

    database: str
    code: str
    amount: float
    unit: str
    kind: str  # "technosphere" or "biosphere"
    uncertainty: dict
    source: str | None
    origin: str  # "file: entry", for messages and review
    credit: bool = False
    comment: str | None = None
    annual_amount: float | None = None  # as given, before allocation, in ``unit``
    pair_as: str | None = None  # input code this exchange shares random draws with
    pedigree: tuple[int, int, int, int, int] | None = None  # scores, where given
    data_type: str | None = None  # primary, secondary or estimate, as declared in the data
    # the amount as a Brightway formula over the model's parameters as written into the
    # project (:class:`BrightwayParameter`), where the file gives a formula
    formula: str | None = None


@dataclass(frozen=True)
class BrightwayParameter:
    """A model parameter as Brightway holds it: a database parameter of the model's database
    (``scope`` None) or an activity parameter of one activity (``scope``: its code).

    A value parameter keeps its value in its own unit (what a user edits in Activity Browser);
    a formula parameter's amount is in pint's base units, and every formula multiplies each
    value parameter by its unit's base factor, so Brightway's own recalculation gives the
    amounts cfp_lca stores."""

    scope: str | None
    name: str
    amount: float
    formula: str | None
    unit: str
    data: dict = field(hash=False, compare=False)  # stats_arrays fields, source, description


@dataclass(frozen=True)
class ProcessSource:
    """Where a background process comes from: what resolving it again with other parameter
    values needs (a model that sets its parameters, ``data_files.background_process``)."""

    path: Path
    entry: str
    database: str
    spec: ProcessSpec
    units: Mapping[str, str]  # the unit of every process of its database, by code


@dataclass(frozen=True)
class Process:
    """A background process or a foreground activity with its exchanges."""

    database: str
    code: str
    name: str
    unit: str
    exchanges: tuple[Exchange, ...]
    location: str = "CN"
    stage: str | None = None
    part: str | None = None
    meta: dict = field(default_factory=dict, hash=False, compare=False)
    # a background process with parameters: what resolving it with other values needs
    # (``ProcessSource``); None otherwise
    parametric: ProcessSource | None = field(default=None, hash=False, compare=False,
                                             repr=False)  # fmt: skip

    @property
    def key(self) -> tuple[str, str]:
        return (self.database, self.code)


@dataclass(frozen=True)
class Stage:
    code: str
    name: str
    name_zh: str | None = None
    separate: bool = False  # reported beside, not inside, the report-comparable total


@dataclass(frozen=True)
class Allocation:
    """Annual plant data divided by annual output (the report's physical allocation)."""

    basis: str
    annual_output: float
    unit: str
    source: str | None
    period: str | None = None


@dataclass(frozen=True)
class ProductModel:
    """A product system: foreground activities, their stages, and what the study declared."""

    name: str
    database: str
    title: str
    description: str | None
    functional_unit: str
    functional_amount: float
    reference: str
    method: str
    backgrounds: tuple[str, ...]
    stages: tuple[Stage, ...]
    activities: tuple[Process, ...]
    allocation: Allocation | None
    path: Path
    declared: DeclaredFile | None = None
    declared_path: Path | None = None
    options: dict = field(default_factory=dict, hash=False, compare=False)
    option_specs: dict = field(default_factory=dict, hash=False, compare=False)
    comparison: tuple[str, dict[str, str]] | None = None
    # random parameters and the exchanges they drive (None: no uncertain parameter)
    parameters: ParameterModel | None = field(default=None, hash=False, compare=False)
    title_zh: str | None = None
    functional_unit_zh: str | None = None
    # goal and scope statements (schema.StudySpec as a plain dict; {} when the file has none)
    study: dict = field(default_factory=dict, hash=False, compare=False)
    # functional unit details: function, reference flow, reference service life
    functional_unit_info: dict = field(default_factory=dict, hash=False, compare=False)
    translations: dict = field(default_factory=dict, hash=False, compare=False)
    # Brightway databases cfp_lca did not write that the model links to (read only)
    linked: tuple[str, ...] = ()
    # every parameter of the model and its activities, as written into the project
    brightway_parameters: tuple[BrightwayParameter, ...] = ()
    # stage code -> EN 15804+A2 module ({} when the model declares none)
    modules: dict = field(default_factory=dict, hash=False, compare=False)

    def translate(self, text: str, lang: str) -> str:
        """A label in ``lang`` from the model's translations; the text itself otherwise."""
        return self.translations.get(lang, {}).get(text, text)

    def activity(self, code: str) -> Process:
        return next(a for a in self.activities if a.code == code)

    def stage(self, code: str) -> Stage:
        return next(s for s in self.stages if s.code == code)


@dataclass(frozen=True)
class Catalog:
    """Everything in a data directory, validated and cross-referenced."""

    root: Path
    biosphere: str
    flows: dict[str, Flow]
    methods: dict[str, Method]
    backgrounds: dict[str, dict[str, Process]]
    models: dict[str, ProductModel]
    fingerprint: str
    # the directories read, bottom first: {name, version, path, role ("library" or "data")}
    libraries: tuple[dict, ...] = ()
    # replacements of a library's entries by a directory above it, one sentence each
    notices: tuple[str, ...] = ()
    # default_model and report_models, from library.yaml / cfp_lca.toml
    settings: dict = field(default_factory=dict, hash=False, compare=False)
    # names other databases give the flows (synonyms.yaml of every layer)
    synonyms: tuple[Synonym, ...] = ()
    # texts of the background databases in other languages: {lang: {English text: text}}
    translations: dict = field(default_factory=dict, hash=False, compare=False)

    def holds(self, database: str) -> bool:
        """Whether ``database`` is the catalog's: a background, or a model's (variants too)."""
        return database in self.backgrounds or any(
            database == m.database or database.startswith(f"{m.database}[")
            for m in self.models.values()
        )

    def process(self, database: str, code: str) -> Process:
        """A process of a database the catalog holds (one a model links to is in the Brightway
        project: ``brightway.linking.catalog_process`` reads it)."""
        if database in self.backgrounds:
            return self.backgrounds[database][code]
        if not self.holds(database):
            raise KeyError(f"database '{database}' is not in the catalog (a linked database?)")
        model = next(m for m in self.models.values() if m.database == database)
        return model.activity(code)
