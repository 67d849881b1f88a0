"""Statistics of a Monte Carlo run, streamed block by block, and its result.

:class:`Accumulator` combines each block's mean and variance into the running ones (Chan et
al.), notes the convergence of the total's mean at fixed checkpoints, and keeps every sample
(float64) for exact percentiles; a run whose samples would take more than
``FLOAT64_STORE_BYTES`` keeps none: its percentiles come from a :class:`.sketch.QuantileSketch`
per quantity (each within ``sketch.ALPHA`` of the exact one, relative), so memory stays
bounded for any number of iterations.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from statistics import NormalDist

import numpy as np

from . import threads
from .samplefile import SampleFile
from .sampling import BLOCK_SIZE
from .sketch import ALPHA, QuantileSketch
from .transforms import loops

PERCENTILES = (2.5, 5.0, 25.0, 50.0, 75.0, 95.0, 97.5)
REPORTED = (2.5, 97.5)  # the 95 % interval's ends, whose Monte Carlo error is stated
FLOAT64_STORE_BYTES = 256 * 2**20
MAX_REPORTED_SINGULAR = 1000
Z95 = 1.959963984540054
SELECTION_MIN = 4 * BLOCK_SIZE  # shorter rows: np.percentile partitions them whole
SELECTION_SAMPLE = 65536  # strided sample that brackets the order statistics wanted


@dataclass(frozen=True)
class QuantityStats:
    """Deterministic value and sampled statistics of one quantity (the total or a stage)."""

    deterministic: float
    mean: float
    median: float
    std: float
    cv: float
    p2_5: float
    p5: float
    p25: float
    p75: float
    p95: float
    p97_5: float


@dataclass(frozen=True)
class Convergence:
    """Running mean of the total and its 95 % confidence half-width against valid iterations."""

    iterations: np.ndarray
    mean: np.ndarray
    half_width: np.ndarray

    @property
    def relative_half_width(self) -> np.ndarray:
        """Half-width relative to the running mean's magnitude."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return self.half_width / np.abs(self.mean)


@dataclass(frozen=True)
class ParameterCorrelation:
    """A declared rank correlation between two random parameters, and the one their draws
    achieved (Spearman over the first ``iterations`` iterations of the run)."""

    parameters: tuple[str, str]
    declared: float
    achieved: float
    iterations: int


@dataclass(frozen=True)
class MonteCarloResult:
    """Everything a Monte Carlo run gives: options, statistics, convergence, samples."""

    model: str
    method: str
    unit: str
    engine: str
    n: int  # iterations requested
    iterations: int  # iterations run (fewer when a tolerance stopped the run)
    valid: int  # iterations in the statistics (singular ones excluded)
    seed: int
    sources: tuple[str, ...]
    chunk_size: int
    labels: tuple[str, ...]  # "total" then the stage codes
    deterministic: dict[str, float]
    stats: dict[str, QuantityStats]
    convergence: Convergence
    singular_count: int
    singular_iterations: np.ndarray  # the first MAX_REPORTED_SINGULAR of them
    elapsed: float
    tolerance: float | None = None
    converged: bool | None = None
    samples: np.ndarray | None = field(default=None, repr=False)  # (labels, iterations)
    # how the percentiles were taken: "exact", or f"sketch, relative error <= {ALPHA}"
    percentile_method: str = "exact"
    deterministic_percentile: float | None = None  # share of valid totals below it, in %
    samples_path: Path | None = None
    parameters: tuple[str, ...] = ()  # random parameters drawn (foreground source)
    parameter_correlation: tuple[ParameterCorrelation, ...] = ()
    # 95 % Monte Carlo confidence interval of the total's 2.5 and 97.5 % percentiles
    percentile_intervals: dict[float, tuple[float, float]] = field(default_factory=dict)


class Accumulator:
    """Streaming mean/variance (Chan et al.) and a bounded store for percentiles."""

    def __init__(self, q: int, n: int, shift: float, save_path: Path | None):
        self.count = 0
        self.mean = np.zeros(q)
        self.m2 = np.zeros(q)
        self.streaming = n * q * 8 > FLOAT64_STORE_BYTES
        self.store = None if self.streaming else np.empty((q, n), dtype=np.float64)
        self.valid = None if self.streaming else np.ones(n, dtype=bool)
        self.sketches = [QuantileSketch() for _ in range(q)] if self.streaming else []
        self.below = 0  # valid iterations whose total lies below ``shift`` (the deterministic)
        self.filled = 0
        self.shift = shift
        self.total_sum = 0.0  # of (total - shift), valid only
        self.total_sq = 0.0
        self.conv: list[tuple[int, float, float]] = []
        self.singular: list[int] = []
        self.singular_count = 0
        self.file = SampleFile(save_path, n, q) if save_path is not None else None

    def checkpoints(self, start: int, stop: int) -> np.ndarray:
        """Iteration counts (1-based, absolute) inside (start, stop] where convergence is noted."""
        pts = [2**k for k in range(4, 13) if start < 2**k <= stop]
        first = (start // BLOCK_SIZE + 1) * BLOCK_SIZE
        pts += list(range(first, stop + 1, BLOCK_SIZE))
        pts.append(stop)
        return np.unique(np.array(pts, dtype=np.int64))

    def moments(self, q: np.ndarray, bad: np.ndarray) -> tuple:
        """One block's moments (:func:`.compiled.block_moments`): what :meth:`running` and
        :meth:`add` fold in, in one compiled pass, with numpy's order of additions."""
        return loops().block_moments(q, bad, self.shift)

    def running(
        self, total: np.ndarray, bad: np.ndarray, start: int, moments: tuple | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Running (count, mean, half-width) at each checkpoint of this chunk; from the
        block's ``moments`` where its end is the only checkpoint (the same numbers as the
        running sums: sums in sample order)."""
        stop = start + total.size
        pts = self.checkpoints(start, stop)
        if moments is not None and pts.tolist() == [stop]:
            nb, *_, seq1, seq2 = moments
            kk = np.array([float(self.count + nb)])
            a, b = np.array([seq1 + self.total_sum]), np.array([seq2 + self.total_sq])
        else:
            x = np.where(bad, 0.0, total - self.shift)
            k = np.cumsum(~bad) + self.count
            s1 = np.cumsum(x) + self.total_sum
            s2 = np.cumsum(x * x) + self.total_sq
            at = pts - start - 1
            kk, a, b = k[at].astype(float), s1[at], s2[at]
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = a / kk
            var = np.maximum(b - a * a / kk, 0.0) / (kk - 1)
            hw = Z95 * np.sqrt(var / kk)
        return pts, kk, mean + self.shift, hw

    def add(
        self,
        q: np.ndarray,
        bad: np.ndarray,
        start: int,
        conv: tuple[np.ndarray, ...],
        moments: tuple | None = None,
    ) -> None:
        """Fold the (labels, n) scores of iterations ``start``.. (singular ones flagged), with
        their ``moments`` where already taken."""
        n = q.shape[1]
        good = ~bad
        if bad.any():
            idx = np.flatnonzero(bad) + start
            self.singular_count += idx.size
            room = MAX_REPORTED_SINGULAR - len(self.singular)
            self.singular.extend(idx[:room].tolist())
        nb, mb, m2b, sum1, sum2, _, _ = self.moments(q, bad) if moments is None else moments
        if nb:
            tot = self.count + nb
            delta = mb - self.mean
            self.mean = self.mean + delta * nb / tot
            self.m2 = self.m2 + m2b + delta**2 * self.count * nb / tot
            self.count = tot
            self.total_sum += sum1
            self.total_sq += sum2
        if self.streaming:
            kept = q if good.all() else q[:, good]
            for i, sketch in enumerate(self.sketches):
                sketch.add(kept[i])
        else:
            if not self._holds(q, start):
                self.store[:, start : start + n] = q
            self.valid[start : start + n] = good
        self.below += int(np.count_nonzero((q[0] < self.shift) & good))
        if self.file is not None:
            self.file.write(start, q)
        self.filled = start + n
        for it, _k, m, hw in zip(*conv, strict=True):
            self.conv.append((int(it), float(m), float(hw)))

    def _holds(self, q: np.ndarray, start: int) -> bool:
        """Whether ``q`` is the store's own slice from ``start`` (the engine wrote it there)."""
        view = self.store[:, start:]
        return (
            q.dtype == view.dtype
            and q.strides == view.strides
            and q.__array_interface__["data"][0] == view.__array_interface__["data"][0]
        )

    def percentiles_of(self, i: int, percentiles: Sequence[float]) -> np.ndarray:
        """Percentiles of label ``i`` over the valid iterations: numpy's (linear) from the
        store, or the sketch's when the samples were not kept."""
        if self.streaming:
            return self.sketches[i].percentiles(percentiles)
        row = self.store[i, : self.filled]
        valid = self.valid[: self.filled] if self.valid is not None else None
        row = row if valid is None or bool(valid.all()) else row[valid]
        if row.size:
            return linear_percentiles(row, percentiles).astype(np.float64)
        return np.full(len(percentiles), np.nan)

    def intervals(self, i: int, percentiles: Sequence[float] = REPORTED,
                  level: float = 0.95) -> dict[float, tuple[float, float]]:  # fmt: skip
        """A distribution-free ``level`` confidence interval of each percentile of label
        ``i`` (its Monte Carlo error): the order statistics whose ranks bracket n p by the
        normal quantile of the binomial count below it (0-based ranks
        floor(np - z sqrt(np(1-p))) and ceil(np + z sqrt(np(1-p))), clipped to the sample)."""
        n = self.count
        out: dict[float, tuple[float, float]] = {}
        if n < 2:
            return {p: (float("nan"), float("nan")) for p in percentiles}
        z = NormalDist().inv_cdf(0.5 + level / 2)
        ends = []  # the bracketing ranks of every percentile, as percentiles: one selection
        for pct in percentiles:
            share = pct / 100
            half = z * math.sqrt(n * share * (1 - share))
            low = max(0, math.floor(n * share - half))
            high = min(n - 1, math.ceil(n * share + half))
            ends += [100 * low / (n - 1), 100 * high / (n - 1)]
        values = self.percentiles_of(i, ends)
        for k, pct in enumerate(percentiles):
            out[pct] = (float(values[2 * k]), float(values[2 * k + 1]))
        return out

    def stats(
        self, labels: Sequence[str], deterministic: Mapping[str, float]
    ) -> dict[str, QuantityStats]:
        """Statistics of each label over the valid iterations folded in."""
        out = {}
        var = self.m2 / (self.count - 1) if self.count > 1 else np.full_like(self.m2, np.nan)

        def percentiles(i: int) -> np.ndarray:
            return self.percentiles_of(i, PERCENTILES)

        # comparisons and np.partition release the GIL: one label per thread
        if (len(labels) > 1 and self.filled >= 4 * BLOCK_SIZE and threads.WORKERS > 1
                and not self.streaming):  # fmt: skip
            pcts = list(threads.pool().map(percentiles, range(len(labels))))
        else:
            pcts = [percentiles(i) for i in range(len(labels))]
        for i, label in enumerate(labels):
            pct = pcts[i]
            mean, std = float(self.mean[i]), float(math.sqrt(var[i]))
            out[label] = QuantityStats(
                deterministic=deterministic[label],
                mean=mean,
                median=float(pct[3]),
                std=std,
                cv=std / abs(mean) if mean else float("nan"),
                p2_5=float(pct[0]),
                p5=float(pct[1]),
                p25=float(pct[2]),
                p75=float(pct[4]),
                p95=float(pct[5]),
                p97_5=float(pct[6]),
            )
        return out


def linear_percentiles(x: np.ndarray, percentiles: Sequence[float]) -> np.ndarray:
    """``np.percentile(x, percentiles)`` (method "linear") of a 1-d array, bit for bit.

    A long finite float64 array is not partitioned whole: the order statistics the percentiles
    interpolate between are selected among the few values that a sorted sample brackets
    around them, then interpolated as numpy does. Elsewhere np.percentile itself.
    """
    n = x.size
    if n < SELECTION_MIN or x.dtype != np.float64 or x.ndim != 1 or np.isnan(x).any():
        return np.percentile(x, percentiles)
    q = np.true_divide(np.asarray(percentiles, dtype=np.float64), 100)
    if not ((q >= 0) & (q < 1)).all():
        return np.percentile(x, percentiles)
    virtual = (n - 1) * q
    previous = np.floor(virtual)
    gamma = virtual - previous
    below = previous.astype(np.intp)
    values = _order_statistics(x, np.unique(np.concatenate([below, below + 1])))
    if values is None or 0.0 in values.values():  # which zero (+0.0 or -0.0) is partition's
        return np.percentile(x, percentiles)
    return _lerp(
        np.array([values[k] for k in below.tolist()]),
        np.array([values[k + 1] for k in below.tolist()]),
        gamma,
    )


def _lerp(a: np.ndarray, b: np.ndarray, t: np.ndarray) -> np.ndarray:
    """numpy's linear interpolation between order statistics (``_lerp`` of np.quantile)."""
    diff = b - a
    out = a + diff * t
    np.subtract(b, diff * (1 - t), out=out, where=t >= 0.5)
    return out


def _order_statistics(x: np.ndarray, ranks: np.ndarray) -> dict[int, float] | None:
    """The values of rank ``ranks`` (0-based, sorted) in ``x``, or None where a bracket
    drawn from a strided sample misses one (then the caller partitions the whole array)."""
    n = x.size
    step = max(1, n // SELECTION_SAMPLE)
    sample = x[::step].copy()
    m = sample.size
    share = ranks / n
    centre = ranks * (m / n)
    half = 6.0 * np.sqrt(m * share * (1 - share)) + 2.0  # six binomial sd and a margin
    low = np.floor(centre - half).astype(np.intp)
    high = np.ceil(centre + half).astype(np.intp)
    edges = np.unique(np.concatenate([low[low >= 0], high[high < m]]))
    if edges.size:
        sample.partition(edges)
    windows: list[list] = []  # [low, high, ranks] with overlapping brackets merged
    for r, a, b in zip(ranks.tolist(), low.tolist(), high.tolist(), strict=True):
        if windows and a <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], b)
            windows[-1][2].append(r)
        else:
            windows.append([a, b, [r]])
    values: dict[int, float] = {}
    for a, b, rs in windows:
        mask, smaller = None, 0
        if a >= 0:
            mask = x >= sample[a]
            smaller = n - int(np.count_nonzero(mask))
        if b < m:
            upper = x <= sample[b]
            mask = upper if mask is None else np.logical_and(mask, upper, out=mask)
        inside = x[mask] if mask is not None else x.copy()
        if not (smaller <= rs[0] and rs[-1] < smaller + inside.size):
            return None
        kth = [r - smaller for r in rs]
        inside.partition(kth)
        for r, k in zip(rs, kth, strict=True):
            values[r] = inside[k]
    return values


def percentile_method(acc: Accumulator) -> str:
    """How ``acc``'s percentiles are taken, as the JSON states it."""
    return f"sketch, relative error <= {ALPHA:g}" if acc.streaming else "exact"


def deterministic_percentile(mc: MonteCarloResult) -> float | None:
    """Share (%) of the total's samples below its deterministic value (counted as the run
    went, so also where no sample was kept); None when unknown."""
    if mc.deterministic_percentile is not None:
        return mc.deterministic_percentile
    if mc.samples is None:
        return None
    total = np.asarray(mc.samples[mc.labels.index("total")], dtype=np.float64)
    total = total[np.isfinite(total)]
    return 100 * float((total < mc.stats["total"].deterministic).mean()) if total.size else None
