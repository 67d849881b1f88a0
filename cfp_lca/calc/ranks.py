"""Ranks and Spearman correlations in numpy: scipy.stats gives the same numbers but costs
about a second to import, which a Monte Carlo of ten thousand iterations should not pay."""

from __future__ import annotations

import numpy as np


def rankdata(values: np.ndarray) -> np.ndarray:
    """Ranks from 1, ties given the mean of the ranks they span (scipy's "average")."""
    values = np.asarray(values)
    order = np.argsort(values, kind="mergesort")
    ordered = values[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    ends = np.r_[starts[1:], ordered.size]
    mean_rank = (starts + ends + 1) / 2.0  # ranks starts+1 .. ends, averaged
    ranks = np.empty(values.size, dtype=float)
    ranks[order] = np.repeat(mean_rank, ends - starts)
    return ranks


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman's rank correlation: Pearson's correlation of the average ranks."""
    ranked = np.column_stack((rankdata(a), rankdata(b)))  # scipy's own steps, its bits
    if (ranked[0] == ranked).all(axis=0).any():
        return float("nan")  # a constant input: not defined (scipy says the same)
    return float(np.corrcoef(ranked, rowvar=False)[1, 0])
