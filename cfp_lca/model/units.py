"""Units through pint: one registry with the units LCA data needs, and strict conversion."""

from __future__ import annotations

import math
import re
from functools import lru_cache

import pint


@lru_cache(maxsize=1)
def registry() -> pint.UnitRegistry:
    """The one unit registry, built on first use (half a second: commands that touch no
    unit do not pay for it)."""
    ureg = pint.UnitRegistry()
    ureg.define("item = [item] = unit = piece = pcs")
    ureg.define("CO2e = [co2e] = CO2eq")
    ureg.define("tkm = tonne * kilometer")
    return ureg


# Brightway's customary unit names, so Activity Browser users see what they expect.
BRIGHTWAY_UNITS = {
    "kilogram": "kilogram",
    "kilowatt_hour": "kilowatt hour",
    "megajoule": "megajoule",
    "item": "unit",
    "tkm": "ton kilometer",
    "metric_ton * kilometer": "ton kilometer",
    "kilometer * metric_ton": "ton kilometer",
    "metric_ton": "ton",
    "meter": "meter",
    "cubic_meter": "cubic meter",
}


class UnitProblem(ValueError):
    """A unit that pint does not know, or a conversion between incompatible units."""


class UnitMismatch(UnitProblem):
    """A conversion between units of different dimensions."""


MAX_UNIT_LENGTH = 100  # characters; "kg CO2e / (t * km)" has 18
MAX_UNIT_NUMBER = 100  # largest number (an exponent) in a unit; pint evaluates 10**10**10 exactly
_NUMBER = re.compile(r"\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?")
_POWER = r"(?:\*\*|\^)"
_NESTED_POWER = re.compile(rf"{_POWER}[\s(+-]*[\d.eE+-]+[\s)]*{_POWER}")


@lru_cache(maxsize=512)
def parse_unit(text: str) -> pint.Unit:
    """Parse a unit string, raising UnitProblem with the text when pint does not know it."""
    _check_unit_text(text)
    try:
        unit = registry().Unit(text)
    except (pint.errors.UndefinedUnitError, AttributeError, TypeError, ValueError) as exc:
        raise UnitProblem(f"unknown unit '{text}'") from exc
    except Exception as exc:  # pint raises assorted parser errors on garbage
        raise UnitProblem(f"cannot read unit '{text}': {exc}") from exc
    if not registry().Quantity(1.0, unit)._ok_for_muldiv():
        raise UnitProblem(
            f"unit '{text}' has an offset (like degC): amounts cannot be scaled in it, "
            "use kelvin or delta_degC"
        )
    return unit


def _check_unit_text(text: str) -> None:
    """Refuse unit texts pint would choke on or take for ever on, before pint sees them."""
    if not isinstance(text, str) or not text.strip():
        raise UnitProblem("empty unit: write the unit, or 'dimensionless' for a pure number")
    if len(text) > MAX_UNIT_LENGTH:
        raise UnitProblem(f"unit text of {len(text)} characters is longer than {MAX_UNIT_LENGTH}")
    if _NESTED_POWER.search(text):
        raise UnitProblem(f"unit '{text}' raises a power to a power: write one exponent")
    for number in _NUMBER.findall(text):
        if not float(number) <= MAX_UNIT_NUMBER:
            raise UnitProblem(f"unit '{text}': number {number} is above {MAX_UNIT_NUMBER}")


def quantity(value: float, unit: str) -> pint.Quantity:
    """A pint quantity from a number and a unit string."""
    return registry().Quantity(value, parse_unit(unit))


def convert(q: pint.Quantity, unit: str) -> float:
    """Magnitude of q in unit; a dimensional mismatch is a UnitProblem, never a silent factor."""
    target = parse_unit(unit)
    try:
        value = float(q.to(target).magnitude)
    except pint.errors.DimensionalityError as exc:
        raise UnitMismatch(
            f"unit mismatch: {_shown(q.units)} cannot be expressed in {unit} "
            f"({q.dimensionality} vs {target.dimensionality or 'dimensionless'})"
        ) from exc
    except (pint.errors.PintError, OverflowError, TypeError) as exc:
        raise UnitProblem(f"cannot convert {_shown(q.units)} to {unit}: {exc}") from exc
    if not math.isfinite(value):
        raise UnitProblem(f"{q:~g} is not a finite number in {unit} (overflow)")
    return value


def _shown(unit: pint.Unit) -> str:
    """A unit as messages show it (pint's short form is empty for a pure number)."""
    return f"{unit:~}" or "dimensionless"


def brightway_unit(unit: str) -> str:
    """The Brightway-customary name of a unit (e.g. 'kWh' -> 'kilowatt hour')."""
    name = str(parse_unit(unit))
    return BRIGHTWAY_UNITS.get(name, name.replace("_", " "))
