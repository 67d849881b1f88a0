"""Numbers for people: rounded to what their uncertainty supports, never ``-0``.

Reported values follow the GUM rule (JCGM 100:2008, 7.2.6): a standard uncertainty is stated
with at most two significant digits and the value is rounded to the same decimal place. Exports
keep full precision (:func:`clean`), only the float noise of binary arithmetic removed.
"""

from __future__ import annotations

import math

#: significant digits kept in exported numbers: enough for every input, none of the noise
EXPORT_DIGITS = 12


def clean(value: float) -> float:
    """``value`` without binary float noise (4.2124999999999995 -> 4.2125), at 12 digits."""
    if not isinstance(value, float) or not math.isfinite(value) or value == 0:
        return 0.0 if value == 0 else value
    return float(f"{value:.{EXPORT_DIGITS}g}")


def no_negative_zero(text: str) -> str:
    """A formatted number without a minus sign when every digit is zero (-0.000 -> 0.000)."""
    if text.startswith("-") and not any(c in "123456789" for c in text):
        return text[1:]
    return text


def with_sign(text: str) -> str:
    """A formatted number with ``+`` before a positive one (none for zero or ``-``)."""
    return text if text.startswith("-") or not any(c in "123456789" for c in text) else "+" + text


def fixed(value: float, decimals: int) -> str:
    """``value`` with ``decimals`` decimals, never ``-0``."""
    if not math.isfinite(value):
        return "-"
    return no_negative_zero(f"{value:,.{max(decimals, 0)}f}".replace(",", ""))


def decimals_for(std: float) -> int | None:
    """Decimals that keep two significant digits of a standard uncertainty ``std``; None when
    there is no uncertainty to go by."""
    if not math.isfinite(std) or std <= 0:
        return None
    return 1 - math.floor(math.log10(std))


def significant(value: float, digits: int) -> str:
    """``value`` to ``digits`` significant digits, in plain (not exponent) notation."""
    if not math.isfinite(value):
        return "-"
    if value == 0:
        return "0"
    decimals = digits - 1 - math.floor(math.log10(abs(value)))
    rounded = round(value, decimals)
    return fixed(rounded, max(decimals, 0))


def general(value: float, digits: int) -> str:
    """Like format ``.{digits}g`` (trailing zeros dropped) but never in exponent notation."""
    text = significant(value, digits)
    return text.rstrip("0").rstrip(".") if "." in text else text


def with_uncertainty(value: float, std: float, fallback_digits: int = 4) -> str:
    """``value`` rounded at the second significant digit of its standard uncertainty ``std``
    (GUM 7.2.6); ``fallback_digits`` significant digits when ``std`` is unknown or zero."""
    decimals = decimals_for(std)
    if decimals is None or std <= 1e-9 * abs(value):  # none, or only float noise
        return significant(value, fallback_digits)
    if decimals >= 0:
        return fixed(value, decimals)
    step = 10.0 ** (-decimals)
    return fixed(round(value / step) * step, 0)


def with_relative(value: float, cv: float, fallback_digits: int = 4) -> str:
    """``value`` rounded as if its standard uncertainty were ``cv`` times its magnitude (for
    parts of a total whose relative uncertainty is ``cv``)."""
    return with_uncertainty(value, abs(value) * cv if math.isfinite(cv) else math.nan,
                            fallback_digits)  # fmt: skip
