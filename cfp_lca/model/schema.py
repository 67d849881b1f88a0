"""What the human-edited YAML files may contain, as pydantic models.

These classes check shape and plain values only; references between files, units and
formulas are checked when the files are resolved into a model (``loading``).
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class Strict(BaseModel):
    """Base: unknown fields are errors, so a typo never passes silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _finite(value: float | None) -> float | None:
    if value is not None and not math.isfinite(value):
        raise ValueError("must be a finite number")
    return value


class QuantitySpec(Strict):
    """A number with its unit and where it comes from."""

    value: float
    unit: str
    source: str | None = None

    _check_finite = field_validator("value")(_finite)


class UncertaintySpec(Strict):
    """An explicit distribution (stats_arrays vocabulary), relative to the amount it is on.

    lognormal: ``gsd`` (geometric standard deviation) or ``sigma`` (standard deviation of ln);
    normal: ``cv`` (relative) or ``sd`` (in the amount's unit);
    triangular / uniform: ``minimum`` and ``maximum`` in the amount's unit.
    """

    distribution: Literal["none", "lognormal", "normal", "triangular", "uniform"]
    gsd: float | None = Field(default=None, gt=1)
    sigma: float | None = Field(default=None, ge=0)
    cv: float | None = Field(default=None, ge=0)
    sd: float | None = Field(default=None, ge=0)
    minimum: float | None = None
    maximum: float | None = None
    source: str | None = None

    @model_validator(mode="after")
    def _parameters_match(self) -> UncertaintySpec:
        need = {
            "lognormal": ("gsd", "sigma"),
            "normal": ("cv", "sd"),
        }
        if self.distribution in need:
            given = [n for n in need[self.distribution] if getattr(self, n) is not None]
            if len(given) != 1:
                options = " or ".join(need[self.distribution])
                raise ValueError(f"{self.distribution} needs exactly one of {options}")
        if self.distribution in ("triangular", "uniform"):
            if self.minimum is None or self.maximum is None:
                raise ValueError(f"{self.distribution} needs minimum and maximum")
            if not self.minimum < self.maximum:
                raise ValueError("minimum must be below maximum")
        for name in ("gsd", "sigma", "cv", "sd", "minimum", "maximum"):
            _finite(getattr(self, name))
        return self


Score = Literal[1, 2, 3, 4, 5]


class PedigreeSpec(Strict):
    """The five pedigree scores (Weidema et al. 2013) and the basic uncertainty (variance of ln)."""

    reliability: Score
    completeness: Score
    temporal: Score
    geographical: Score
    technological: Score
    basic_variance: float = Field(ge=0)
    basic_source: str | None = None


class ParameterSpec(Strict):
    """A named input to formulas, with unit and source: a value, or a formula of earlier ones.

    ``uncertainty`` documents the parameter for review; Monte Carlo samples the exchanges (each
    with its own distribution), not parameters, so a parameter used twice is not correlated.
    """

    value: float | None = None
    formula: str | None = None
    unit: str = "dimensionless"
    source: str
    uncertainty: UncertaintySpec | None = None

    _check_finite = field_validator("value")(_finite)

    @model_validator(mode="after")
    def _one_of(self) -> ParameterSpec:
        if (self.value is None) == (self.formula is None):
            raise ValueError("give exactly one of value or formula")
        return self


OptionValue = bool | str
When = dict[str, OptionValue | list[OptionValue]]


class OptionSpec(Strict):
    """A switch of a product model (e.g. the end-of-life approach), chosen per run."""

    default: OptionValue
    choices: list[OptionValue] = Field(min_length=2)
    description: str

    @model_validator(mode="after")
    def _default_is_a_choice(self) -> OptionSpec:
        if self.default not in self.choices:
            raise ValueError(f"default {self.default!r} is not one of {self.choices}")
        return self


class AmountFields(Strict):
    """Fields shared by every exchange: one way to give the amount, a source, its uncertainty."""

    amount: QuantitySpec | None = None
    annual_amount: QuantitySpec | None = None
    formula: str | None = None
    unit: str | None = None
    source: str | None = None
    uncertainty: UncertaintySpec | None = None
    pedigree: PedigreeSpec | None = None
    credit: bool = False
    comment: str | None = None
    when: When | None = None
    pair_as: str | None = None  # in comparisons, draw as the exchange with this input

    @model_validator(mode="after")
    def _one_amount(self) -> AmountFields:
        given = [n for n in ("amount", "annual_amount", "formula") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of amount, annual_amount or formula")
        if self.formula is not None and self.unit is None:
            raise ValueError("a formula needs the unit its result is expressed in")
        if self.uncertainty is not None and self.pedigree is not None:
            raise ValueError("give an uncertainty or pedigree scores, not both")
        return self


class EmissionSpec(AmountFields):
    """An elementary flow (emission) of a process per unit of its reference product."""

    flow: str


class InputSpec(AmountFields):
    """A technosphere input: another process or foreground activity, per unit of reference."""

    input: str


# ---------------------------------------------------------------- flows and methods


class FlowSpec(Strict):
    code: str
    name: str
    unit: str
    categories: list[str]
    cas: str | None = None
    formula: str | None = None
    comment: str | None = None


class FlowsFile(Strict):
    database: str
    description: str | None = None
    flows: list[FlowSpec]


class FactorSpec(Strict):
    flow: str
    value: float
    unit: str
    source: str
    uncertainty: UncertaintySpec | None = None

    _check_finite = field_validator("value")(_finite)


class MethodFile(Strict):
    id: str
    name: list[str] = Field(min_length=1)
    unit: str
    year: int
    description: str
    source: str
    factors: list[FactorSpec] = Field(min_length=1)


# ---------------------------------------------------------------- processes and models


class ProcessSpec(Strict):
    """A background process: one reference product, its emissions and inputs."""

    code: str
    name: str
    unit: str
    reference_product: str | None = None
    location: str = "CN"
    year: int | None = None
    source: str
    category: str | None = None
    comment: str | None = None
    parameters: dict[str, ParameterSpec] = {}
    emissions: list[EmissionSpec] = []
    inputs: list[InputSpec] = []


class BackgroundFile(Strict):
    database: str
    description: str | None = None
    processes: list[ProcessSpec] = Field(min_length=1)


class StageSpec(Strict):
    code: str
    name: str
    name_zh: str | None = None
    separate: bool = False


class AllocationSpec(Strict):
    """How annual plant data become per-unit data: divided by the annual output."""

    basis: str
    annual_output: QuantitySpec
    period: str | None = None


class ActivitySpec(Strict):
    """A foreground activity: a stage or a part of the product, per one of its unit."""

    code: str
    name: str
    unit: str = "unit"
    stage: str | None = None
    part: str | None = None
    comment: str | None = None
    when: When | None = None
    parameters: dict[str, ParameterSpec] = {}
    inputs: list[InputSpec] = []
    emissions: list[EmissionSpec] = []


class ComparisonSpec(Strict):
    """How this model's stages relate to another model's (e.g. the report model), in words."""

    model: str
    notes: dict[str, str]


class FunctionalUnitSpec(Strict):
    amount: float = Field(gt=0)
    unit: str
    description: str


class ModelFile(Strict):
    """A product model: a foreground database linked to background databases."""

    model: str
    database: str
    name: str
    description: str | None = None
    functional_unit: FunctionalUnitSpec
    reference_activity: str
    method: str
    backgrounds: list[str] = Field(min_length=1)
    allocation: AllocationSpec | None = None
    options: dict[str, OptionSpec] = {}
    parameters: dict[str, ParameterSpec] = {}
    stages: list[StageSpec] = Field(min_length=1)
    comparison: ComparisonSpec | None = None
    activities: list[ActivitySpec] = Field(min_length=1)


# ---------------------------------------------------------------- declared figures


class DeclaredSpec(Strict):
    """A figure a study declares, exactly as printed, and what quantity it states."""

    id: str
    quantity: Literal[
        "total",
        "total_annual",
        "stage",
        "stage_annual",
        "stage_share",
        "total_share",
        "activity_amount_annual",
        "emission_factor",
        "annual_output",
        "method_year",
    ]
    stage: str | None = None
    activity: str | None = None
    input: str | None = None
    printed: str
    unit: str
    where: str

    @field_validator("printed")
    @classmethod
    def _numeric(cls, text: str) -> str:
        try:
            float(text.rstrip("%"))
        except ValueError as exc:
            raise ValueError(f"printed figure '{text}' is not a number") from exc
        return text


class DeclaredFile(Strict):
    model: str
    method: str
    document: str
    figures: list[DeclaredSpec] = Field(min_length=1)


# ---------------------------------------------------------------- scenarios


class SwapSpec(Strict):
    """Replace one background process by another wherever the model buys it (same unit)."""

    old: str
    new: str
    activities: list[str] | None = None  # only in these activities; all when omitted
    source: str


class ChangeSpec(Strict):
    """Change one input of one activity: scale it, replace it, or remove it."""

    activity: str
    input: str
    scale: float | None = Field(default=None, ge=0)
    replace: InputSpec | None = None
    remove: bool = False
    source: str

    @model_validator(mode="after")
    def _one_change(self) -> ChangeSpec:
        given = [self.scale is not None, self.replace is not None, self.remove]
        if sum(given) != 1:
            raise ValueError("give exactly one of scale, replace or remove")
        return self


class AddSpec(Strict):
    """A new input of an existing activity."""

    activity: str
    add: InputSpec


class ScenarioFile(Strict):
    """An overlay on a product model: options, parameters, swapped processes, changed inputs."""

    scenario: str
    model: str
    name: str
    kind: Literal["design", "method", "context"] = "design"  # improvement, accounting, setting
    description: str | None = None
    options: dict[str, OptionValue] = {}
    parameters: dict[str, ParameterSpec] = {}
    swaps: list[SwapSpec] = []
    changes: list[ChangeSpec] = []
    additions: list[AddSpec] = []
