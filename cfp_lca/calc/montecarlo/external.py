"""Distributions the compiled loops do not draw (beta, gamma, Weibull, Student's t, Bernoulli,
discrete uniform, generalized extreme value, beta-PERT), drawn by stats_arrays itself.

stats_arrays draws with a legacy ``RandomState``; the samplers give it one over the bit
generator of the block (or part) being drawn, after their own draws, so these values too
depend only on (seed, stream, block): the same for any chunk size. Slower than the compiled
loops, and exactly stats_arrays' laws and parameter conventions (bw2calc's too).
"""

from __future__ import annotations

import numpy as np
from stats_arrays import uncertainty_choices
from stats_arrays.errors import StatsArraysError
from stats_arrays.utils import construct_params_array

FIELDS = ("loc", "scale", "shape", "minimum", "maximum", "negative")


def stats_params(distributions) -> np.ndarray:
    """A stats_arrays parameter array (float64, with the distribution ids) of uncertainty rows:
    an array of bw_processing's UNCERTAINTY_DTYPE, or a mapping of the same fields."""
    params = construct_params_array(len(distributions["uncertainty_type"]), include_type=True)
    params["uncertainty_type"] = distributions["uncertainty_type"]
    for name in FIELDS:
        params[name] = distributions[name]
    return params


def problems(params: np.ndarray) -> list[tuple[int, str]]:
    """(row, reason) of every row stats_arrays' own validation refuses, row by row."""
    out = []
    for i, kind in enumerate(params["uncertainty_type"].tolist()):
        distribution = uncertainty_choices.id_dict[kind]
        try:
            distribution.validate(params[i : i + 1].copy())
        except (StatsArraysError, ValueError) as exc:
            out.append((i, f"{distribution.description.lower()}: {exc}".strip()))
    return out


class StatsArraysRows:
    """Rows drawn by stats_arrays, grouped by distribution (in id order, as stats_arrays'
    own Monte Carlo generator groups them)."""

    def __init__(self, params: np.ndarray):
        self.params = params
        kinds = params["uncertainty_type"]
        self.groups = [
            (uncertainty_choices.id_dict[kind], np.flatnonzero(kinds == kind))
            for kind in sorted(set(kinds.tolist()))
        ]

    @property
    def size(self) -> int:
        """Number of rows."""
        return int(self.params.size)

    def draw(self, random: np.random.RandomState, width: int, attempts: int) -> np.ndarray:
        """(rows, width) draws, each distribution in turn from ``random``; bounded ones drawn
        again outside their bounds (``attempts`` times at most: stats_arrays'
        MaximumIterationsError beyond)."""
        out = np.empty((self.size, width))
        for distribution, rows in self.groups:
            params = self.params[rows]  # a copy: some distributions fill in missing bounds
            out[rows] = distribution.bounded_random_variables(params, width, random, attempts)
        return out

    def draw_row(self, k: int, random: np.random.RandomState, width: int, attempts: int):
        """(width,) draws of row ``k`` alone, from ``random`` (its own stream)."""
        return StatsArraysRows(self.params[k : k + 1]).draw(random, width, attempts)[0]

    def quantiles(self, u: np.ndarray) -> np.ndarray:
        """Values at probabilities ``u`` (rows, N): stats_arrays' ``ppf`` of each distribution
        (NotImplementedError for those it gives none: gamma, Weibull, Student's t, GEV)."""
        out = np.empty_like(u, dtype=np.float64)
        for distribution, rows in self.groups:
            try:
                out[rows] = distribution.ppf(self.params[rows], np.ascontiguousarray(u[rows]))
            except NotImplementedError:
                raise NotImplementedError(distribution.description) from None
        return out
