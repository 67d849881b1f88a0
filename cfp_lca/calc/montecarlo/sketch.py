"""Percentiles of more samples than memory holds, with a stated error bound.

A :class:`QuantileSketch` counts values in logarithmic buckets, as DDSketch does (Masson,
Rim and Lee 2019, "DDSketch: a fast and fully-mergeable quantile sketch with relative-error
guarantees", VLDB 12(12)): bucket k of positive values holds (gamma^(k-1), gamma^k] with
gamma = (1 + alpha) / (1 - alpha), and stands for 2 gamma^k / (gamma + 1), which lies within
``alpha`` (relative) of every value of the bucket; negative values mirror it, zeros are
counted apart. The rank of each order statistic is exact, so a percentile computed as numpy
computes it (linear interpolation between the order statistics around rank q (n - 1)) lies
within ``alpha`` of the exact one, relative to the larger of the two order statistics'
magnitudes. The memory does not grow with the number of samples: one count per bucket, about
ln(largest / smallest) / (2 alpha) buckets (140,000 for twelve orders of magnitude at 1e-4).

The ``ddsketch`` package adds values one at a time in Python, a microsecond each; a block of
samples is added here in a few vectorized operations (``np.bincount``), the same algorithm.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

ALPHA = 1e-4  # relative accuracy of every percentile the sketch gives


class _Buckets:
    """Counts of bucket indices, in one array that grows to the range seen."""

    def __init__(self) -> None:
        self.offset = 0
        self.counts = np.zeros(0, dtype=np.int64)

    def add(self, k: np.ndarray) -> None:
        lo, hi = int(k.min()), int(k.max())
        if self.counts.size == 0:
            self.offset, self.counts = lo, np.zeros(hi - lo + 1, dtype=np.int64)
        elif lo < self.offset or hi >= self.offset + self.counts.size:
            start = min(lo, self.offset)
            grown = np.zeros(max(hi, self.offset + self.counts.size - 1) - start + 1, np.int64)
            grown[self.offset - start : self.offset - start + self.counts.size] = self.counts
            self.offset, self.counts = start, grown
        self.counts += np.bincount(k - self.offset, minlength=self.counts.size)

    @property
    def total(self) -> int:
        return int(self.counts.sum())


class QuantileSketch:
    """Streaming percentiles within ``alpha`` relative error (see the module docstring)."""

    def __init__(self, alpha: float = ALPHA):
        self.alpha = alpha
        self.gamma = (1 + alpha) / (1 - alpha)
        self.log_gamma = math.log(self.gamma)
        self.positive, self.negative = _Buckets(), _Buckets()
        self.zeros = 0

    def add(self, values: np.ndarray) -> None:
        """Count finite ``values`` (any shape)."""
        x = np.asarray(values, dtype=np.float64).ravel()
        for part, buckets in ((x[x > 0], self.positive), (-x[x < 0], self.negative)):
            if part.size:
                buckets.add(np.ceil(np.log(part) / self.log_gamma).astype(np.int64))
        self.zeros += int(np.count_nonzero(x == 0))

    @property
    def count(self) -> int:
        return self.positive.total + self.negative.total + self.zeros

    def _values(self) -> tuple[np.ndarray, np.ndarray]:
        """(representative values in increasing order, cumulative counts)."""
        neg = self.negative
        k_neg = np.arange(neg.offset, neg.offset + neg.counts.size)[::-1]
        pos = self.positive
        k_pos = np.arange(pos.offset, pos.offset + pos.counts.size)
        scale = 2.0 / (self.gamma + 1)
        values = np.concatenate([-scale * self.gamma ** k_neg.astype(np.float64), [0.0],
                                 scale * self.gamma ** k_pos.astype(np.float64)])  # fmt: skip
        counts = np.concatenate([neg.counts[::-1], [self.zeros], pos.counts])
        keep = counts > 0
        return values[keep], np.cumsum(counts[keep])

    def percentiles(self, percentiles: Sequence[float]) -> np.ndarray:
        """The percentiles of the values counted, interpolated between order statistics as
        ``np.percentile`` (method "linear") does; NaN when nothing was counted."""
        n = self.count
        if n == 0:
            return np.full(len(percentiles), np.nan)
        values, cumulative = self._values()
        virtual = (n - 1) * np.asarray(percentiles, dtype=np.float64) / 100
        below = np.floor(virtual)
        gamma = virtual - below
        lower = values[np.searchsorted(cumulative, below.astype(np.int64), side="right")]
        upper_rank = np.minimum(below.astype(np.int64) + 1, n - 1)
        upper = values[np.searchsorted(cumulative, upper_rank, side="right")]
        return lower + (upper - lower) * gamma
