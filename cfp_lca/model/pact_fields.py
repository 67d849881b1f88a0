"""The field types of a model's PACT block (``schema.PactSpec``): PACT's declared units, URNs,
percentages, ISO dates and ISO 3166-1 country codes, each refused with the value it got."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

PACT_UNITS = (
    "liter",
    "kilogram",
    "cubic meter",
    "kilowatt hour",
    "megajoule",
    "ton kilometer",
    "square meter",
    "piece",
    "hour",
    "megabit second",
)  # PACT v3 declared units
Urn = Annotated[str, Field(pattern=r"^[uU][rR][nN]:\S+$")]
Percent = Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]


def _iso_date(text: str) -> str:
    """A calendar date written YYYY-MM-DD."""
    import datetime

    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"'{text}' is not a date written YYYY-MM-DD") from None
    if len(text) != 10:
        raise ValueError(f"'{text}' is not a date written YYYY-MM-DD")
    return text


IsoDate = Annotated[str, AfterValidator(_iso_date)]


def _country(text: str) -> str:
    """An ISO 3166-1 alpha-2 country code."""
    if len(text) != 2 or not text.isascii() or not text.isupper():
        raise ValueError(f"'{text}' is not an ISO 3166-1 alpha-2 code (two capitals: CN, DE)")
    return text


Country = Annotated[str, AfterValidator(_country)]
