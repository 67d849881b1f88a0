"""What the flows, synonyms and method files may contain, as pydantic models (the rules of
``schema``: unknown fields are errors, types strict)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .schema import Code, Number, Strict, Text, UncertaintySpec, Year


class FlowSpec(Strict):
    code: Code
    name: Text
    unit: Text
    categories: list[str]
    cas: str | None = None
    formula: str | None = None
    comment: str | None = None
    # the ISO 14067 7.3 reporting class of the flow: fossil, biogenic, land-use change (dLUC),
    # or pre-characterized CO2e (a source's own GWP set, not the method's)
    group: Literal["fossil", "biogenic", "land_use_change", "precharacterized"] | None = None


class FlowsFile(Strict):
    database: Code
    description: str | None = None
    flows: list[FlowSpec] = Field(min_length=1)


class SynonymSpec(Strict):
    """A name another database gives a flow of ``flows.yaml`` (or a designation such as
    HCFC-22 that is one comma-separated part of such names); ``flow: null`` for a name that
    denotes greenhouse gases without a GWP (a mixture), reported as not characterized."""

    name: Text
    flow: Code | None
    source: Text
    comment: str | None = None


class SynonymsFile(Strict):
    description: str | None = None
    synonyms: list[SynonymSpec] = Field(min_length=1)


class FactorSpec(Strict):
    flow: Code
    value: Number
    unit: Text
    source: Text
    uncertainty: UncertaintySpec | None = None


class MethodFile(Strict):
    id: Code
    name: list[Text] = Field(min_length=1)
    unit: Text
    year: Year
    description: Text
    source: Text
    factors: list[FactorSpec] = Field(min_length=1)
