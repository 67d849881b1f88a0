"""Units through pint: one registry with the units LCA data needs, and strict conversion."""

from __future__ import annotations

from functools import lru_cache

import pint

UREG = pint.UnitRegistry()
UREG.define("item = [item] = unit = piece = pcs")
UREG.define("CO2e = [co2e] = CO2eq")
UREG.define("tkm = tonne * kilometer")

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


@lru_cache(maxsize=512)
def parse_unit(text: str) -> pint.Unit:
    """Parse a unit string, raising UnitProblem with the text when pint does not know it."""
    try:
        return UREG.Unit(text)
    except (pint.errors.UndefinedUnitError, AttributeError, TypeError, ValueError) as exc:
        raise UnitProblem(f"unknown unit '{text}'") from exc
    except Exception as exc:  # pint raises assorted parser errors on garbage
        raise UnitProblem(f"cannot read unit '{text}': {exc}") from exc


def quantity(value: float, unit: str) -> pint.Quantity:
    """A pint quantity from a number and a unit string."""
    return UREG.Quantity(value, parse_unit(unit))


def convert(q: pint.Quantity, unit: str) -> float:
    """Magnitude of q in unit; a dimensional mismatch is a UnitProblem, never a silent factor."""
    target = parse_unit(unit)
    try:
        return float(q.to(target).magnitude)
    except pint.errors.DimensionalityError as exc:
        raise UnitProblem(
            f"unit mismatch: {q.units:~} cannot be expressed in {unit} "
            f"({q.dimensionality} vs {target.dimensionality or 'dimensionless'})"
        ) from exc


def brightway_unit(unit: str) -> str:
    """The Brightway-customary name of a unit (e.g. 'kWh' -> 'kilowatt hour')."""
    name = str(parse_unit(unit))
    return BRIGHTWAY_UNITS.get(name, name.replace("_", " "))
