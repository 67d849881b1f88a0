"""Units through pint: one registry with the units LCA data needs, and strict conversion."""

from __future__ import annotations

import math
import os
import re
import shutil
import uuid
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .cache_folder import cache_dir

if TYPE_CHECKING:
    import pint


@lru_cache(maxsize=1)
def registry() -> pint.UnitRegistry:
    """The one unit registry, built on first use (commands that touch no unit do not pay
    for it) from pint's definitions kept parsed in the cache (``cached_registry``)."""
    import pint

    ureg = cached_registry(pint.UnitRegistry)
    ureg.define("item = [item] = unit = piece = pcs")
    ureg.define("CO2e = [co2e] = CO2eq")
    ureg.define("tkm = tonne * kilometer")
    # currencies, for prices (economic allocation): each its own dimension, never converted
    # into another (no exchange rate is assumed)
    for code, aliases in (("CNY", "yuan = RMB"), ("USD", "dollar_us"), ("EUR", "euro")):
        ureg.define(f"{code} = [currency_{code.lower()}] = {aliases}")
    return ureg


def cached_registry(factory: Callable[..., pint.UnitRegistry]) -> pint.UnitRegistry:
    """``factory()``, a pint registry, built from pint's parsed definitions kept on disk:
    parsing pint's definition files takes half a second, reading them parsed 40 ms.

    pint writes its cache files in place (flexcache), so a command could read another's half
    written file: the folder is filled once under a private name and renamed into place whole;
    a folder that fails (another pint, a broken file) is passed over, never trusted half-read.
    The folder's name holds pint's version and its definition file's size and time, so a new
    pint never reads an old folder. No cache folder (``CFP_LCA_CACHE_DIR=off``): no cache."""
    import pint

    folder = cache_dir()
    if folder is None:
        return factory()
    source = Path(pint.__file__).with_name("default_en.txt")
    try:
        stat = source.stat()
        done = folder / f"pint-{pint.__version__}-{stat.st_size}-{stat.st_mtime_ns}"
        if done.is_dir():
            return factory(cache_folder=done)
    except Exception:  # noqa: BLE001 - a cache that cannot be read is built again
        return factory()
    tmp = folder / f".tmp-pint-{uuid.uuid4().hex}"
    try:
        tmp.mkdir(parents=True)
        ureg = factory(cache_folder=tmp)
    except Exception:  # noqa: BLE001 - no room for a cache, or pint failed in it: none
        shutil.rmtree(tmp, ignore_errors=True)
        return factory()
    try:
        os.rename(tmp, done)  # fails when another command published it first
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
    return ureg


# Brightway's unit names (bw2io's normalized forms) and the pint unit each is: a linked
# database's units are read through it (``pint_text``), and cfp_lca writes its units under
# these names where Brightway's name is not pint's (``brightway_unit``).
BRIGHTWAY_UNITS = {
    "kilogram": "kg",
    "gram": "g",
    "ton": "t",
    "kilowatt hour": "kWh",
    "watt hour": "Wh",
    "megajoule": "MJ",
    "kilojoule": "kJ",
    "gigajoule": "GJ",
    "ton kilometer": "t*km",
    "kilogram kilometer": "kg*km",
    "person kilometer": "km",
    "vehicle kilometer": "km",
    "kilometer": "km",
    "meter": "m",
    "square meter": "m**2",
    "cubic meter": "m**3",
    "normal cubic meter": "m**3",
    "standard cubic meter": "m**3",
    "litre": "L",
    "hour": "h",
    "year": "year",
    "hectare": "ha",
    "unit": "unit",
    "square meter-year": "m**2*year",
    "cubic meter-year": "m**3*year",
    "meter-year": "m*year",
}
# the names of BRIGHTWAY_UNITS that cfp_lca writes (its other units are written as pint names
# them, spaced: "kilowatt hour", "megajoule", "meter ** 3")
WRITTEN_NAMES = ("unit", "ton", "ton kilometer")


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
    import pint

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
    import pint

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


def pint_text(bw_unit: str) -> str:
    """The pint unit of a Brightway unit name ("kilowatt hour" -> "kWh"); other names as given."""
    return BRIGHTWAY_UNITS.get(bw_unit.strip().lower(), bw_unit)


@lru_cache(maxsize=256)
def brightway_unit(unit: str) -> str:
    """The Brightway-customary name of a unit (e.g. 'kWh' -> 'kilowatt hour', 'tkm' -> 'ton
    kilometer'), so Activity Browser users see what they expect."""
    parsed = parse_unit(unit)
    for name in WRITTEN_NAMES:
        if _same_unit(parsed, parse_unit(BRIGHTWAY_UNITS[name])):
            return name
    return str(parsed).replace("_", " ")


def _same_unit(a: pint.Unit, b: pint.Unit) -> bool:
    """Whether two units are one: the same dimension, and exactly 1 of one is 1 of the other."""
    if a == b:
        return True
    return a.dimensionality == b.dimensionality and registry().Quantity(1.0, a).to(b).m == 1.0
