"""What the human-edited YAML files may contain, as pydantic models.

These classes check shape and plain values only; references between files, units and
formulas are checked when the files are resolved into a model (``assembly``, ``data_files``).
Types are strict: a quoted number, ``true`` where a number belongs or a number where a text
belongs is an error, never silently converted (ints are accepted where floats are expected).
The flows, synonyms and method files have theirs in ``flow_schema``, scenario files in
``scenario_schema``.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import (
    Field,
    model_validator,
)

from .allocation_schema import AllocationRuleSpec, CoProductSpec, PropertySpec
from .declared_schema import (  # noqa: F401 - the declared files' schema, kept apart
    ClaimSpec,
    CutOffRuleSpec,
    DeclaredFile,
    DeclaredSpec,
    EstimateSpec,
)
from .en15804 import MODULES
from .pact_fields import PACT_UNITS, Country, IsoDate, Percent, Urn
from .schema_base import (  # noqa: F401 - the base types are imported from here too
    Code,
    DataType,
    Localized,
    Number,
    OptionValue,
    QuantitySpec,
    Score,
    Strict,
    Text,
    When,
    Year,
)

# The widest lognormal accepted (sigma = ln gsd): gsd 22026, more than four orders of magnitude
# at one standard deviation; wider is a typo, and draws at 6 sd would span 50 orders.
MAX_SIGMA = 10.0


# Which parameters each distribution takes (stats_arrays vocabulary).
DISTRIBUTION_PARAMETERS = {
    "none": (),
    "lognormal": ("gsd", "sigma"),
    "normal": ("cv", "sd"),
    "triangular": ("minimum", "maximum"),
    "uniform": ("minimum", "maximum"),
}


class UncertaintySpec(Strict):
    """An explicit distribution (stats_arrays vocabulary), relative to the amount it is on.

    lognormal: ``gsd`` (geometric standard deviation) or ``sigma`` (standard deviation of ln);
    normal: ``cv`` (relative) or ``sd`` (in the amount's unit);
    triangular / uniform: ``minimum`` and ``maximum`` in the amount's unit.
    A distribution without spread (sigma 0, gsd 1, sd 0, minimum = maximum) is an error, not
    "no uncertainty" in disguise: write ``distribution: none`` for an exact amount.
    """

    distribution: Literal["none", "lognormal", "normal", "triangular", "uniform"]
    gsd: Number | None = None
    sigma: Number | None = None
    cv: Number | None = None
    sd: Number | None = None
    minimum: Number | None = None
    maximum: Number | None = None
    source: str | None = None

    @model_validator(mode="after")
    def _parameters_match(self) -> UncertaintySpec:
        allowed = DISTRIBUTION_PARAMETERS[self.distribution]
        given = [n for n in ("gsd", "sigma", "cv", "sd", "minimum", "maximum") if self._has(n)]
        stray = [n for n in given if n not in allowed]
        if stray:
            joint = " or " if self.distribution in ("lognormal", "normal") else " and "
            takes = joint.join(allowed) if allowed else "no parameters"
            raise ValueError(f"{self.distribution} takes {takes}, not {', '.join(stray)}")
        if self.distribution in ("lognormal", "normal") and len(given) != 1:
            raise ValueError(f"{self.distribution} needs exactly one of {' or '.join(allowed)}")
        if self.distribution in ("triangular", "uniform") and len(given) != 2:
            raise ValueError(f"{self.distribution} needs minimum and maximum")
        _check_spread(self)
        return self

    def _has(self, name: str) -> bool:
        """Whether the parameter ``name`` is given."""
        return getattr(self, name) is not None


def _no_spread(distribution: str, name: str, value: float, wanted: str) -> ValueError:
    """The message for a distribution whose spread is zero: it would silently be exact."""
    return ValueError(
        f"{distribution} with {name} {value:g} has no spread: remove the uncertainty "
        f"(or write distribution: none) or give {name} {wanted}"
    )


def _check_spread(u: UncertaintySpec) -> None:
    """Spreads must be positive (and lognormals not absurdly wide), bounds ordered."""
    if u.gsd is not None:
        if u.gsd == 1:
            raise _no_spread("lognormal", "gsd", u.gsd, "> 1")
        if u.gsd < 1:
            raise ValueError(f"gsd (a geometric standard deviation) must be above 1, got {u.gsd:g}")
        if math.log(u.gsd) > MAX_SIGMA:
            raise ValueError(f"gsd {u.gsd:g} is wider than e^{MAX_SIGMA:g}: not a real spread")
    if u.sigma is not None:
        if u.sigma == 0:
            raise _no_spread("lognormal", "sigma", u.sigma, "> 0")
        if u.sigma < 0:
            raise ValueError(f"sigma must be positive, got {u.sigma:g}")
        if u.sigma > MAX_SIGMA:
            raise ValueError(f"sigma {u.sigma:g} is above {MAX_SIGMA:g}: not a real spread")
    for name in ("cv", "sd"):
        value = getattr(u, name)
        if value is not None and value == 0:
            raise _no_spread("normal", name, value, "> 0")
        if value is not None and value < 0:
            raise ValueError(f"{name} must be positive, got {value:g}")
    if u.minimum is not None and u.maximum is not None:
        if u.minimum == u.maximum:
            raise ValueError(
                f"{u.distribution} with minimum = maximum = {u.minimum:g} has no spread: "
                "remove the uncertainty (or write distribution: none) or widen the bounds"
            )
        if u.minimum > u.maximum:
            raise ValueError(
                f"minimum must be below maximum, got minimum {u.minimum:g} > maximum {u.maximum:g}"
            )


class PedigreeSpec(Strict):
    """The five pedigree scores (Weidema et al. 2013) and the basic uncertainty (variance of ln)."""

    reliability: Score
    completeness: Score
    temporal: Score
    geographical: Score
    technological: Score
    basic_variance: Number = Field(ge=0, le=MAX_SIGMA**2)
    basic_source: str | None = None

    @model_validator(mode="after")
    def _has_spread(self) -> PedigreeSpec:
        scores = (self.reliability, self.completeness, self.temporal)
        scores += (self.geographical, self.technological)
        if self.basic_variance == 0 and scores == (1, 1, 1, 1, 1):
            raise ValueError(
                "pedigree scores all 1 with basic_variance 0 give no spread: remove the "
                "pedigree (or write uncertainty: {distribution: none}) or give a basic_variance"
            )
        return self


class ParameterSpec(Strict):
    """A named input to formulas, with unit and source: a value, or a formula of earlier ones.

    A value parameter of a product model with ``uncertainty`` (or ``pedigree``) is a random
    variable: Monte Carlo draws it once per iteration, in its own unit and centred on its value
    as exchanges are, and every formula that uses it takes the drawn value. A formula parameter
    takes its uncertainty from the parameters it uses, so it has none of its own.
    ``description`` names the parameter in tables and plots (its name where absent).
    """

    value: Number | None = None
    formula: Text | None = None
    unit: Text = "dimensionless"
    source: Text
    description: Text | None = None
    uncertainty: UncertaintySpec | None = None
    pedigree: PedigreeSpec | None = None
    # data: the spread is the uncertainty of data (measured, published, estimated);
    # assumption: a value chosen for want of data (a load rate, a standby power): Monte Carlo
    # holds it at its value unless asked for the "assumptions" source, and the report gives its
    # range apart, as a sensitivity (ISO 14067:2018 6.6; Huijbregts 1998)
    kind: Literal["data", "assumption"] = "data"

    @model_validator(mode="after")
    def _one_of(self) -> ParameterSpec:
        if (self.value is None) == (self.formula is None):
            raise ValueError("give exactly one of value or formula")
        if self.formula is not None and (self.uncertainty or self.pedigree):
            raise ValueError(
                "a formula parameter takes its uncertainty from the parameters it uses: give "
                "the uncertainty to those, not to the formula"
            )
        if self.uncertainty is not None and self.pedigree is not None:
            raise ValueError("give an uncertainty or pedigree scores, not both")
        return self


class CorrelationSpec(Strict):
    """A rank (Spearman) correlation between two uncertain parameters of a model, and why."""

    parameters: list[Text] = Field(min_length=2, max_length=2)
    spearman: Number = Field(ge=-1, le=1)
    source: Text

    @model_validator(mode="after")
    def _two_parameters(self) -> CorrelationSpec:
        if self.parameters[0] == self.parameters[1]:
            raise ValueError(f"a parameter is not correlated with itself ('{self.parameters[0]}')")
        if self.spearman == 0:
            raise ValueError("spearman 0 is no correlation: remove the entry")
        return self


class OptionSpec(Strict):
    """A switch of a product model (e.g. the end-of-life approach), chosen per run."""

    default: OptionValue
    choices: list[OptionValue] = Field(min_length=2)
    description: Text
    # True when the option changes the system boundary (e.g. a life-cycle stage in or out):
    # a scenario is then compared with the baseline that has the same value, never across.
    boundary: bool = False

    @model_validator(mode="after")
    def _default_is_a_choice(self) -> OptionSpec:
        if self.default not in self.choices:
            raise ValueError(f"default {self.default!r} is not one of {self.choices}")
        return self


class AmountFields(Strict):
    """Fields shared by every exchange: one way to give the amount, a source, its uncertainty."""

    amount: QuantitySpec | None = None
    annual_amount: QuantitySpec | None = None
    formula: Text | None = None
    unit: Text | None = None
    source: str | None = None
    uncertainty: UncertaintySpec | None = None
    pedigree: PedigreeSpec | None = None
    credit: bool = False
    comment: str | None = None
    when: When | None = None
    pair_as: str | None = None  # in comparisons, draw as the exchange with this input
    data_type: DataType | None = None  # primary (measured), secondary (database) or estimate

    @model_validator(mode="after")
    def _one_amount(self) -> AmountFields:
        given = [n for n in ("amount", "annual_amount", "formula") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of amount, annual_amount or formula")
        if self.formula is not None and self.unit is None:
            raise ValueError("a formula needs the unit its result is expressed in")
        if self.formula is None and self.unit is not None:
            raise ValueError(
                "unit belongs to a formula only: amount and annual_amount carry their own unit"
            )
        if self.uncertainty is not None and self.pedigree is not None:
            raise ValueError("give an uncertainty or pedigree scores, not both")
        return self


class EmissionSpec(AmountFields):
    """An elementary flow (emission) of a process per unit of its reference product."""

    flow: Code


class LinkSpec(Strict):
    """An activity of a Brightway database cfp_lca did not write (ecoinvent imported with bw2io,
    any database in the project, named in the model's ``backgrounds``): by its code, or by name
    with reference product, location and unit where the name alone is not unique."""

    database: Code = Field(description="the linked Brightway database (also in `backgrounds`)")
    code: str | None = Field(default=None, description="the activity's code in that database")
    name: str | None = Field(default=None, description="the activity's name (instead of code)")
    reference_product: str | None = Field(
        default=None, description="its reference product, where the name is not unique"
    )
    location: str | None = Field(
        default=None, description="its location, where the name is not unique"
    )
    unit: Text = Field(
        description="the activity's unit as a pint unit (`kWh`), checked against the database's"
    )

    @model_validator(mode="after")
    def _code_or_name(self) -> LinkSpec:
        if (self.code is None) == (self.name is None):
            raise ValueError("give the linked activity's code or its name (not both)")
        return self


class InputSpec(AmountFields):
    """A technosphere input: another process or foreground activity, per unit of reference."""

    input: Text | LinkSpec = Field(
        description="a process code (of this model, of one of its backgrounds, or "
        "`database:code`), or a link `{database, code or name, ..., unit}` to a Brightway "
        "database cfp_lca did not write"
    )
    process_parameters: dict[Code, Text | QuantitySpec] = Field(
        default={},
        description="values for parameters the bought background process declares, for this "
        "purchase only: a formula over this activity's and the model's parameters "
        "(`service_life`) or `{value, unit}`; the process is resolved again with them, as an "
        "activity of the model",
    )


# ---------------------------------------------------------------- processes and models


class ProcessSpec(Strict):
    """A background process: one reference product, its emissions and inputs; a model buying
    it may set its value parameters (``process_parameters``)."""

    code: Code
    name: Text
    unit: Text
    reference_product: str | None = None
    location: Text = "CN"
    year: Year | None = None
    source: Text
    # the factor's GWP set (e.g. "IPCC AR5 GWP100", "gas by gas: the method's") and system
    # boundary (e.g. "cradle to gate", "combustion only", "well to wheel")
    gwp_set: Text | None = None
    boundary: Text | None = None
    name_zh: str | None = None
    category: str | None = None
    comment: str | None = None
    parameters: dict[str, ParameterSpec] = {}
    emissions: list[EmissionSpec] = []
    inputs: list[InputSpec] = []
    pact: Text | None = None


class BackgroundFile(Strict):
    database: Code
    description: str | None = None
    processes: list[ProcessSpec] = Field(min_length=1)
    # texts of its processes (sources, GWP sets) in other languages, keyed by the English text
    translations: dict[Literal["zh", "en"], dict[str, str]] = {}


class StageSpec(Strict):
    code: Code
    name: Text
    name_zh: str | None = None
    separate: bool = False


class AllocationSpec(Strict):
    """How annual plant data become per-unit data: divided by the annual output."""

    basis: Text
    annual_output: QuantitySpec
    period: str | None = None


class ActivitySpec(Strict):
    """A foreground activity: a stage or a part of the product, per one of its unit."""

    code: Code
    name: Text
    name_zh: str | None = None
    unit: Text = "unit"
    stage: str | None = None
    part: str | None = None
    comment: str | None = None
    when: When | None = None
    parameters: dict[str, ParameterSpec] = {}
    inputs: list[InputSpec] = []
    emissions: list[EmissionSpec] = []
    properties: dict[str, PropertySpec] = {}
    co_products: list[CoProductSpec] = []
    allocation: list[AllocationRuleSpec] = []


class ComparisonSpec(Strict):
    """How this model's stages relate to another model's (e.g. the report model), in words."""

    model: Text
    notes: dict[str, str]


class FunctionalUnitSpec(Strict):
    amount: Number = Field(gt=0)
    unit: Text
    description: Text
    description_zh: str | None = None
    function: Localized | None = None  # what the product does (ISO 14067 6.3.3)
    reference_flow: Localized | None = None  # what is needed to fulfil the function
    reference_service_life: QuantitySpec | None = None
    parameters: list[Code] = []


class ExclusionSpec(Strict):
    """Something left out of the system boundary, why, and its estimated share."""

    item: Localized
    reason: Localized
    share: str | None = None  # estimated share of the total, e.g. "< 0.5 %"


class ReviewSpec(Strict):
    """The critical review or verification (ISO 14067 6.7), filled in by the practitioner."""

    kind: Localized = "none"
    reviewer: str | None = None
    date: str | None = None
    statement: Localized | None = None


class PactSpec(Strict):
    """What a PACT ProductFootprint (Technical Specifications v3) states that the model cannot
    know: who owns the footprint, the product's identifiers, the declared unit and mass, the
    reference period, the stages inside its cradle-to-gate boundary, and data-quality
    figures. Everything else comes from the model, its results and the study block."""

    company_name: Text
    company_ids: list[Urn] = Field(min_length=1)
    product_ids: list[Urn] = Field(min_length=1)
    product_name: Text | None = None
    product_description: Text | None = None
    product_classifications: list[Urn] = []
    declared_unit: Literal[PACT_UNITS]
    product_mass_kg: Number = Field(ge=0)
    reference_period: list[IsoDate] = Field(min_length=2, max_length=2)
    stages: list[Code] = Field(min_length=1)  # the model's stages up to the factory gate
    geography_country: Country | None = None
    primary_data_share: Percent | None = None
    exempted_emissions_percent: Percent
    exempted_emissions_description: Text | None = None
    fossil_carbon_content_kg: Number = Field(ge=0)
    biogenic_carbon_content_kg: Number | None = Field(default=None, ge=0)
    packaging_activities: list[Code] | None = None
    rules: list[dict[str, str | list[str]]] = []
    dqr: dict[Literal["technological", "geographical", "temporal"], Number] | None = None
    validity_period: list[IsoDate] | None = Field(default=None, min_length=2, max_length=2)
    comment: Text | None = None


class StudySpec(Strict):
    """What the study report states on goal and scope (ISO 14067 6.3 and clause 7), from the
    data: the code holds no study's wording."""

    goal: Localized | None = None
    intended_application: Localized | None = None
    reasons: Localized | None = None
    audience: Localized | None = None
    commissioner: str | None = None
    author: str | None = None
    issuer: Localized | None = None  # the organization that prepares and issues the report
    report_number: str | None = None  # the issuer's number of the report, printed on page 1
    pcr: Localized | None = None  # product category rules followed (CFP-PCR / PSR)
    system_boundary: Localized | None = None
    exclusions: list[ExclusionSpec] = []
    cut_off_rule: Localized | None = None
    cut_off_threshold: Number | None = Field(default=None, ge=0, le=1)  # share of the total
    # the total the threshold is a share of: the footprint, or the footprint without its
    # separately reported stages (the product-related total a use stage would dwarf)
    cut_off_basis: Literal["total", "without_separate_stages"] = "total"
    allocation: Localized | None = None
    electricity: Localized | None = None
    end_of_life: Localized | None = None
    use_stage: Localized | None = None
    time_period: Localized | None = None
    data_quality: Localized | None = None
    assumptions: list[Localized] = []
    limitations: list[Localized] = []
    value_choices: list[Localized] = []
    review: ReviewSpec | None = None
    pact: PactSpec | None = None  # what a PACT ProductFootprint needs beyond the model
    # the statistic the footprint is declared as (ISO 14067 6.6, 7.2): the value at the data's
    # best estimates, or the median or mean of the data's Monte Carlo distribution, and why
    statistic: Literal["best_estimate", "median", "mean"] = "best_estimate"
    statistic_reason: Localized | None = None


Module = Literal[MODULES]  # EN 15804+A2 modules a stage may map to (not D: the credits)


class ModelFile(Strict):
    """A product model: a foreground database linked to background databases."""

    model: Code
    database: Code
    name: Text
    name_zh: str | None = None
    description: str | None = None
    functional_unit: FunctionalUnitSpec
    study: StudySpec | None = None
    # translations of labels a reader sees (part labels, names): {zh: {"housing": "外壳"}}
    translations: dict[Literal["zh", "en"], dict[str, str]] = {}
    reference_activity: Text
    method: Text
    backgrounds: list[str] = Field(min_length=1)
    allocation: AllocationSpec | None = None
    options: dict[str, OptionSpec] = {}
    parameters: dict[str, ParameterSpec] = {}
    # rank correlations between uncertain parameters (Gaussian copula); others independent
    correlations: list[CorrelationSpec] = []
    # lognormals of this model's parameters and exchanges: the value is their median or mean
    lognormal_centre: Literal["median", "mean"] = "median"
    stages: list[StageSpec] = Field(min_length=1)
    # EN 15804+A2 / EN 50693 module of each stage: results by module, module D (the credits)
    # apart from the A-C total
    modules: dict[Code, Module] = {}
    comparison: ComparisonSpec | None = None
    activities: list[ActivitySpec] = Field(min_length=1)
