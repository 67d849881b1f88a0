"""Multi-output activities in a model file: the products an activity delivers beside its own,
the properties that allocation shares by, and the rule (ISO 14067:2018 6.4.6.2)."""

from __future__ import annotations

from pydantic import Field

from .schema_base import Localized, Number, QuantitySpec, Strict, Text, When, Year


class PropertySpec(Strict):
    """A property of one unit of a product: its price (economic allocation), energy content,
    mass, or another physical quantity, with its source (and a price's year)."""

    value: Number = Field(ge=0)
    unit: Text
    source: Text
    year: Year | None = None


class CoProductSpec(Strict):
    """A product the activity delivers beside its own, per one unit of the activity's own
    product; it leaves the system (the study's product does not contain it)."""

    name: Text
    name_zh: str | None = None
    amount: QuantitySpec
    source: Text
    properties: dict[str, PropertySpec] = {}


class AllocationRuleSpec(Strict):
    """How an activity's inputs and emissions are shared between its products: ``by: mass``
    (the products' masses), or by a property every product states (``price``: economic
    allocation; ``energy``, ...). ``reason``: why allocation cannot be avoided by subdivision
    or system expansion, and why this basis (ISO 14067:2018 6.4.6.2). With ``when``, model
    options choose among rules, so a comparison shows the allocation's sensitivity."""

    by: Text
    reason: Localized
    when: When | None = None
