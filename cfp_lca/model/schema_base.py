"""The building blocks of every file schema: the strict base class and the plain value types
(codes, texts, years, numbers, quantities, option conditions), kept apart so that the schema
modules of each kind of file can share them without importing one another."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


class Strict(BaseModel):
    """Base: unknown fields are errors and types are strict, so a typo never passes silently."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


Number = Annotated[float, Field(allow_inf_nan=False)]


def _code(text: str) -> str:
    """A code names an entry in references (``db:code``): not empty, no ':' or edge spaces."""
    if not text.strip():
        raise ValueError("must not be empty")
    if text != text.strip():
        raise ValueError(f"'{text}' starts or ends with a space")
    if ":" in text:
        raise ValueError(f"'{text}' contains ':', which separates database and code in references")
    return text


def _text(text: str) -> str:
    """Names and units must say something: an empty text is a forgotten value."""
    if not text.strip():
        raise ValueError("must not be empty")
    return text


def _score(value: int) -> int:
    """A pedigree score is one of the five rows of the matrix (Weidema et al. 2013)."""
    if not 1 <= value <= 5:
        raise ValueError(f"a pedigree score is 1, 2, 3, 4 or 5, got {value}")
    return value


Code = Annotated[str, AfterValidator(_code)]
Text = Annotated[str, AfterValidator(_text)]
Year = Annotated[int, Field(ge=1900, le=2100)]
Score = Annotated[int, AfterValidator(_score)]
# A text a reader sees, in one language or several: "text" or {en: "text", zh: "文本"}
Localized = Text | dict[Literal["en", "zh"], Text]
# How an exchange's amount was obtained (ISO 14067 6.3.5: site-specific or secondary data)
DataType = Literal["primary", "secondary", "estimate"]


class QuantitySpec(Strict):
    """A number with its unit and where it comes from."""

    value: Number
    unit: Text
    source: str | None = None


OptionValue = bool | str
When = dict[str, OptionValue | list[OptionValue]]
