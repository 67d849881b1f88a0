"""Every number a report prints with "kg CO2e", by the quantity it renders: a verifier ticks
each figure against the tables, so each quantity must print one way."""

from __future__ import annotations

import re

PRINTED_KG = re.compile(r"(?<![\w.])(-?\d[\d,]*(?:\.\d+)?) kg CO2e")


def _renders(token: str, value: float) -> bool:
    """Whether ``token`` is ``value`` rounded to the digits it shows (an integer's trailing
    zeros taken as not significant: "4400" may be 4383.5 rounded to two digits)."""
    text = token.replace(",", "")
    if "." in text:
        step = 10.0 ** -len(text.split(".")[1])
    else:
        step = 10.0 ** (len(text) - len(text.rstrip("0"))) if text.strip("-0") else 1.0
    shown = float(text)
    return abs(shown - value) <= step / 2 + 1e-9 and abs(shown - value) <= 0.01 * abs(value)


def printed_values(md: str, quantities: dict[str, float]) -> dict[str, set[str]]:
    """Every number printed with "kg CO2e" in the report, by the quantity it renders."""
    found: dict[str, set[str]] = {k: set() for k in quantities}
    for token in PRINTED_KG.findall(md):
        for key, value in quantities.items():
            if abs(value) >= 1 and _renders(token, value):
                found[key].add(token)
    return found


def assert_printed_once(md: str, quantities: dict[str, float]) -> None:
    """Each of ``quantities`` (at full precision) is printed, to the digits shown, as one
    string at most, and the total is printed."""
    found = printed_values(md, quantities)
    assert found["total"], "the total is printed"
    for key, printed in found.items():
        assert len(printed) <= 1, (key, quantities[key], printed)
