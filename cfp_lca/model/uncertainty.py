"""Uncertainty specs to stats_arrays fields: explicit distributions and pedigree lognormals.

Lognormals are centred on the amount a as its median (``loc = ln|a|``) unless the model asks
for ``lognormal_centre: mean``: then ``loc = ln|a| - sigma^2 / 2`` and a is their mean.
"""

from __future__ import annotations

import math

from stats_arrays import (
    LognormalUncertainty,
    NormalUncertainty,
    TriangularUncertainty,
    UndefinedUncertainty,
    UniformUncertainty,
)

from .schema import PedigreeSpec, UncertaintySpec

CENTRES = ("median", "mean")  # what the deterministic amount is of a lognormal around it

# Weidema et al. (2013), ecoinvent v3 data quality guideline, Table 10.2: variance of ln per score.
PEDIGREE_VARIANCES = {
    "reliability": (0.0, 0.0006, 0.002, 0.008, 0.04),
    "completeness": (0.0, 0.0001, 0.0006, 0.002, 0.008),
    "temporal": (0.0, 0.0002, 0.002, 0.008, 0.04),
    "geographical": (0.0, 0.000025, 0.0001, 0.0006, 0.002),
    "technological": (0.0, 0.0006, 0.008, 0.04, 0.12),
}


def pedigree_sigma(p: PedigreeSpec) -> float:
    """Standard deviation of ln: sqrt(basic variance + the five pedigree variances)."""
    total = p.basic_variance + sum(
        PEDIGREE_VARIANCES[name][getattr(p, name) - 1] for name in PEDIGREE_VARIANCES
    )
    return math.sqrt(total)


def stats_arrays_fields(
    amount: float,
    scale: float,
    spec: UncertaintySpec | None,
    pedigree: PedigreeSpec | None,
    centre: str = "median",
) -> dict:
    """Brightway exchange fields for the distribution of ``amount``.

    ``scale`` converts numbers given in the file's unit into the stored amount's unit
    (unit conversion and allocation are linear, so distributions scale with the amount).
    ``centre``: whether ``amount`` is the median (default) or the mean of a lognormal.
    Raises ValueError where the distribution does not fit the amount or is not finite.
    """
    if centre not in CENTRES:
        raise ValueError(f"lognormal centre '{centre}' is not one of {CENTRES}")
    fields = _fields(amount, scale, spec, pedigree, centre == "mean")
    for name, value in fields.items():
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"the distribution's {name} is not a finite number ({value})")
    return fields


def _fields(
    amount: float,
    scale: float,
    spec: UncertaintySpec | None,
    pedigree: PedigreeSpec | None,
    mean: bool,
) -> dict:
    """The stats_arrays fields, unchecked; a zero amount is exact (no lognormal of 0)."""
    if amount == 0 or (pedigree is None and (spec is None or spec.distribution == "none")):
        return {"uncertainty type": UndefinedUncertainty.id, "loc": amount}
    if pedigree is not None:
        return _lognormal(amount, pedigree_sigma(pedigree), mean)
    if spec.distribution == "lognormal":
        sigma = spec.sigma if spec.sigma is not None else math.log(spec.gsd)
        return _lognormal(amount, sigma, mean)
    if spec.distribution == "normal":
        sd = abs(amount) * spec.cv if spec.cv is not None else spec.sd * abs(scale)
        return {"uncertainty type": NormalUncertainty.id, "loc": amount, "scale": sd}
    low, high = sorted((spec.minimum * scale, spec.maximum * scale))
    if not low <= amount <= high:
        raise ValueError(f"amount {amount:g} lies outside [{low:g}, {high:g}]")
    dist = TriangularUncertainty if spec.distribution == "triangular" else UniformUncertainty
    fields = {"uncertainty type": dist.id, "minimum": low, "maximum": high}
    fields["loc"] = amount if dist is TriangularUncertainty else (low + high) / 2
    return fields


def _lognormal(amount: float, sigma: float, mean: bool = False) -> dict:
    """A lognormal with median ``amount`` (its mean with ``mean``; negative amounts
    mirrored); a zero spread is refused."""
    if not sigma > 0:
        raise ValueError(
            f"lognormal with sigma {sigma:g} has no spread: remove the uncertainty or give "
            "sigma > 0"
        )
    return {
        "uncertainty type": LognormalUncertainty.id,
        "loc": math.log(abs(amount)) - (sigma**2 / 2 if mean else 0.0),
        "scale": sigma,
        "negative": amount < 0,
    }


def rescaled(fields: dict, old: float, new: float) -> dict:
    """stats_arrays ``fields`` of an amount ``old`` moved to ``new``, its relative spread kept
    (a scenario's new amount, an allocated share)."""
    u = dict(fields)
    if u.get("uncertainty type", 0) in (0, 1):
        u["loc"] = new
    elif u.get("uncertainty type") == 2 and old:
        u["loc"] = math.log(abs(new))
        u["negative"] = new < 0
    elif "loc" in u and old:
        ratio = new / old
        for field in ("loc", "scale", "minimum", "maximum"):
            if field in u and u[field] == u[field]:
                u[field] = u[field] * ratio if field != "scale" else abs(u[field] * ratio)
    return u
