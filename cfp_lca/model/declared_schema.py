"""What a declared-figures file may contain: the figures a study prints and the claims it makes
in words, each checked by the audit against the model (``calc.audit``, ``calc.claims``)."""

from __future__ import annotations

import math
from typing import Literal

from pydantic import Field, field_validator, model_validator

from .schema_base import Code, Number, Strict, Text


class DeclaredSpec(Strict):
    """A figure a study declares, exactly as printed, and what quantity it states."""

    id: Text
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
    unit: Text
    where: Text

    @field_validator("printed")
    @classmethod
    def _numeric(cls, text: str) -> str:
        try:
            value = float(text.rstrip("%"))
        except ValueError as exc:
            raise ValueError(f"'{text}' is not a number") from exc
        if not math.isfinite(value):
            raise ValueError(f"'{text}' is not a finite number")
        return text


class CutOffRuleSpec(Strict):
    """A document's own cut-off rule, as it prints it: inputs below a share of mass or energy
    may be left out."""

    basis: Literal["mass", "energy"]
    below_percent: Number = Field(gt=0, le=100)
    printed: Text
    where: Text


class EstimateSpec(Strict):
    """The size of an excluded item, from another model of the same product: two formulas
    over that model's parameters, the item and the whole it is a share of."""

    model: Code
    item: Text = Field(description="formula over the model's parameters: the excluded item")
    whole: Text = Field(description="formula over the model's parameters: the whole (the "
                        "product's mass or energy) the rule's share is of")  # fmt: skip


CLAIM_FIELDS = {  # what each kind of claim states besides its words, and where
    "gases": ("gases",),
    "boundary": ("boundary",),
    "stage_content": ("activity", "categories"),
    "factor_boundary": ("factors",),
    "exclusion": ("item", "rule", "estimate"),
}


class ClaimSpec(Strict):
    """A claim a study makes in words (gases covered, system boundary, what a stage holds,
    the kind of its factors, an exclusion), which the audit checks against the model."""

    id: Text
    kind: Literal["gases", "boundary", "stage_content", "factor_boundary", "exclusion"]
    printed: Text = Field(description="the claim as the document words it")
    where: Text
    gases: list[Text] = Field(default=[], description="gases: the greenhouse gases "
                              "(chemical formulas, `CO2`, `CH4`, `N2O`) the claim says are "
                              "covered")  # fmt: skip
    boundary: Literal["cradle_to_gate", "cradle_to_grave"] | None = Field(
        default=None, description="boundary: the system boundary claimed (checked through the "
        "model's EN 15804+A2 modules)")  # fmt: skip
    activity: Code | None = Field(default=None, description="stage_content: the activity whose "
                                  "inputs the claim describes")  # fmt: skip
    categories: list[Text] = Field(default=[], description="stage_content: the library "
                                   "categories its inputs belong to (`metals` covers "
                                   "`metals/steel`)")  # fmt: skip
    factors: Literal["life_cycle"] | None = Field(
        default=None, description="factor_boundary: the kind of factors the claim implies"
    )
    item: Text | None = Field(default=None, description="exclusion: what was left out")
    rule: CutOffRuleSpec | None = None
    estimate: EstimateSpec | None = None

    @model_validator(mode="after")
    def _fields_of_kind(self) -> ClaimSpec:
        for name in CLAIM_FIELDS[self.kind]:
            if getattr(self, name) in (None, []):
                raise ValueError(f"a '{self.kind}' claim needs '{name}'")
        for kind, names in CLAIM_FIELDS.items():
            extra = [n for n in names if kind != self.kind and n not in CLAIM_FIELDS[self.kind]
                     and getattr(self, n) not in (None, [])]  # fmt: skip
            if extra:
                raise ValueError(f"'{extra[0]}' belongs to a '{kind}' claim, not '{self.kind}'")
        return self


class DeclaredFile(Strict):
    model: Text
    method: Text
    document: Text
    figures: list[DeclaredSpec] = Field(min_length=1)
    # claims the document makes in words, checked against the model by the audit
    claims: list[ClaimSpec] = []
