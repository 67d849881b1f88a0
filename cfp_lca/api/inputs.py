"""Values a person types (model options, uncertainty sources, a relevance threshold), read and
checked as the API takes them."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from ..errors import InputError


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
    """Uncertainty sources from 'data' (the matrices' sources, assumptions held), 'all', a
    comma-separated text or a list; unknown ones refused."""
    from ..calc.montecarlo import DATA_SOURCES, SOURCES

    named = [p.strip() for p in text.split(",")] if isinstance(text, str) else list(text)
    named = [p for p in named if p]
    keywords = {"all": list(SOURCES), "data": list(DATA_SOURCES)}
    parts = keywords[named[0]] if len(named) == 1 and named[0] in keywords else named
    unknown = [p for p in parts if p not in SOURCES]
    if unknown or not parts:
        problem = f"unknown source(s) {', '.join(map(repr, unknown))}" if unknown else "none"
        choices = f"choose from {', '.join(SOURCES)}, or data, or all"
        raise InputError(None, "sources", f"{problem} ({choices})")
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
