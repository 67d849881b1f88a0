"""The stats_arrays distributions by their ids: which the compiled loops draw, which stats_arrays
draws itself (:mod:`.external`), and which entries cannot be drawn at all, with why."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from stats_arrays import (
    LognormalUncertainty,
    NormalUncertainty,
    NoUncertainty,
    TriangularUncertainty,
    UndefinedUncertainty,
    UniformUncertainty,
    uncertainty_choices,
)

from .external import problems, stats_params

STATIC_IDS = (UndefinedUncertainty.id, NoUncertainty.id)  # the static amount
LOGNORMAL, NORMAL = LognormalUncertainty.id, NormalUncertainty.id
UNIFORM, TRIANGULAR = UniformUncertainty.id, TriangularUncertainty.id
GAUSSIAN = (LOGNORMAL, NORMAL)  # drawn from standard normals
COMPILED_IDS = (*STATIC_IDS, *GAUSSIAN, UNIFORM, TRIANGULAR)  # drawn by the compiled loops
SUPPORTED_IDS = tuple(sorted(uncertainty_choices.id_dict))  # the rest: by stats_arrays


class UnsupportedDistribution(ValueError):
    """Distributions that cannot be drawn: ``entries`` holds (index, reason) of each, indices
    into the arrays the sampler was built from, for the caller to name the exchanges."""

    def __init__(self, message: str, entries: Sequence[tuple[int, str]] = ()):
        super().__init__(message)
        self.entries = list(entries)


def invalid_entries(distributions: np.ndarray, amounts: np.ndarray | None = None,
                    loc: np.ndarray | None = None) -> list[tuple[int, str]]:  # fmt: skip
    """(index, reason) of every entry whose distribution cannot be drawn: a type that is not
    stats_arrays', a (log)normal without a finite scale >= 0, bounds not finite and
    increasing, a triangular mode outside its bounds, parameters stats_arrays refuses for
    the others. ``loc``: the modes to check instead of the stored ones (float64 where the
    sampler restored them)."""
    kinds = np.asarray(distributions["uncertainty_type"], dtype=np.int64)
    loc = distributions["loc"].astype(np.float64) if loc is None else loc
    scale = distributions["scale"].astype(np.float64)
    low = distributions["minimum"].astype(np.float64)
    high = distributions["maximum"].astype(np.float64)
    out: list[tuple[int, str]] = []
    for i in np.flatnonzero(~np.isin(kinds, SUPPORTED_IDS)).tolist():
        out.append((i, f"uncertainty type {kinds[i]} is not supported (not a stats_arrays "
                       f"distribution: {SUPPORTED_IDS})"))  # fmt: skip
    external = np.flatnonzero(np.isin(kinds, SUPPORTED_IDS) & ~np.isin(kinds, COMPILED_IDS))
    if external.size:
        params = stats_params(distributions[external])
        out += [(int(external[k]), why) for k, why in problems(params)]
    gauss = np.isin(kinds, GAUSSIAN)
    with np.errstate(invalid="ignore"):
        bad = gauss & ~(np.isfinite(scale) & (scale >= 0))
        for i in np.flatnonzero(bad).tolist():
            out.append((i, f"{_NAMES[kinds[i]]} scale {scale[i]:g} is not finite and >= 0"))
        ranged = np.isin(kinds, (UNIFORM, TRIANGULAR))
        bad = ranged & ~(np.isfinite(low) & np.isfinite(high) & (low <= high))
        for i in np.flatnonzero(bad).tolist():
            out.append((i, f"{_NAMES[kinds[i]]} bounds [{low[i]:g}, {high[i]:g}] are not finite "
                           "and increasing"))  # fmt: skip
        bad = (kinds == TRIANGULAR) & ~bad & ~((loc >= low) & (loc <= high))
        for i in np.flatnonzero(bad).tolist():
            out.append((i, f"triangular mode {loc[i]:g} lies outside [{low[i]:g}, {high[i]:g}]"))
    return sorted(out)


_NAMES = {LOGNORMAL: "lognormal", NORMAL: "normal", UNIFORM: "uniform", TRIANGULAR: "triangular"}


def invalid_text(invalid: list[tuple[int, str]]) -> str:
    """One sentence for the first invalid entries (by index)."""
    shown = "; ".join(f"entry {i}: {why}" for i, why in invalid[:5])
    more = f" (and {len(invalid) - 5} more)" if len(invalid) > 5 else ""
    return f"{len(invalid)} distributions cannot be drawn: {shown}{more}"
