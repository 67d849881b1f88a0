"""Vectorized draws from stats_arrays uncertainty arrays, reproducible whatever the chunk size.

Iterations are grouped in fixed blocks of ``BLOCK_SIZE``; block ``b`` of stream ``s`` draws with
its own generator seeded by ``SeedSequence(seed, spawn_key=(s, b))``. A chunk is made of whole
blocks, so the value drawn for iteration ``i`` depends only on (seed, stream, i), not on how the
iterations are chunked nor on how many are run. A sampler of so many entries that a block of
its draws would not fit in memory (an imported background with every exchange uncertain) draws
in fixed parts of ``part_size`` iterations instead, part ``p`` of block ``b`` with its own
generator seeded by ``SeedSequence(seed, spawn_key=(s, b, p))``: the same independence of the
chunking, in bounded memory.

Every stats_arrays distribution is drawn, with the conventions of stats_arrays (and so of
bw2calc):

* undefined, no uncertainty: the static amount;
* lognormal: ``exp(N(loc, scale))``, sign flipped where ``negative``;
* normal ``N(loc, scale)``; uniform on [minimum, maximum]; triangular (minimum, mode = loc,
  maximum): in compiled loops (:mod:`.compiled`), numpy's own numbers;
* lognormal and normal draws outside a finite ``minimum``/``maximum`` are drawn again, as
  stats_arrays' ``bounded_random_variables`` does;
* the others (beta, gamma, Weibull, ...) by stats_arrays itself (:mod:`.external`), from the
  same block generator, after the rest.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from stats_arrays.errors import MaximumIterationsError

from . import threads
from .distributions import (
    COMPILED_IDS,
    GAUSSIAN,
    LOGNORMAL,
    NORMAL,
    STATIC_IDS,
    TRIANGULAR,
    UNIFORM,
    UnsupportedDistribution,
    invalid_entries,
    invalid_text,
)
from .external import StatsArraysRows, stats_params
from .transforms import gauss_into, loops, scratch

BLOCK_SIZE = 4096
LARGE_BLOCK_BYTES = 256 * 2**20  # a sampler whose block of draws is larger draws in parts
PART_BYTES = 64 * 2**20  # the most memory one part of such a sampler's draws takes
MAX_REDRAWS = 100
_F32_RTOL = 4 * float(np.finfo(np.float32).eps)


def block_generator(seed: int, stream: int, block: int, *part: int) -> np.random.Generator:
    """The generator of one block of iterations of one stream (or of one ``part`` of it)."""
    return np.random.Generator(
        np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(stream, block, *part)))
    )


def part_size(rows: int) -> int:
    """Iterations drawn together by a sampler of ``rows`` entries: a whole block, or for a
    sampler whose block would take more than ``LARGE_BLOCK_BYTES``, the largest power of two
    whose draws fit in ``PART_BYTES`` (a divisor of ``BLOCK_SIZE``)."""
    if rows * BLOCK_SIZE * 8 <= LARGE_BLOCK_BYTES:
        return BLOCK_SIZE
    size = BLOCK_SIZE
    while size > 1 and rows * size * 8 > PART_BYTES:
        size //= 2
    return size


@dataclass(frozen=True)
class _DrawPlan:
    """Row selections of a Sampler and the constants of its transforms, computed once."""

    gauss: np.ndarray
    all_gauss: bool
    others: np.ndarray  # the uniform, triangular and stats_arrays rows
    logn: np.ndarray
    all_logn: bool
    any_logn: bool
    flip: np.ndarray
    any_flip: bool
    flip_factor: np.ndarray
    bounded: np.ndarray
    scale: np.ndarray
    loc: np.ndarray
    uniform: np.ndarray
    triangular: np.ndarray
    # (log)normal rows of a mixed sampler: loc, scale (g,), which rows are lognormal
    g_loc: np.ndarray
    g_scale: np.ndarray
    g_logn: np.ndarray
    g_all_logn: bool
    # uniform rows: low, high - low (n,)
    u_low: np.ndarray
    u_width: np.ndarray
    # triangular rows, numpy's ``random_triangular`` constants (n,), and degenerate rows
    t_left: np.ndarray
    t_right: np.ndarray
    t_ratio: np.ndarray
    t_leftprod: np.ndarray
    t_rightprod: np.ndarray
    t_degenerate: np.ndarray
    # rows drawn by stats_arrays (beta, gamma, ...), and their parameters
    external: np.ndarray
    stats_rows: StatsArraysRows


@dataclass(frozen=True)
class Sampler:
    """Draws of the uncertain entries among ``amounts`` (float64), parameters as float64.

    ``uncertain`` indexes the entries that are drawn; the others keep their static amount.
    """

    amounts: np.ndarray  # (m,) float64 static values
    uncertain: np.ndarray  # (u,) indices into amounts
    kind: np.ndarray  # (u,) stats_arrays id
    loc: np.ndarray
    scale: np.ndarray
    minimum: np.ndarray
    maximum: np.ndarray
    negative: np.ndarray
    stream: int = 0
    keys: np.ndarray | None = None  # (u,) stable identities: one random stream per entry
    shape: np.ndarray | None = None  # (u,) stats_arrays' ``shape`` (beta, gamma, ...)

    @classmethod
    def from_arrays(
        cls,
        distributions: np.ndarray,
        amounts: np.ndarray,
        stream: int = 0,
        keys: np.ndarray | None = None,
    ) -> Sampler:
        """Build from a bw_processing UNCERTAINTY_DTYPE array and the static float64 amounts.

        bw_processing keeps parameters as float32. Where ``loc`` is the float32 rounding of
        the static amount (normal, triangular) or of ``ln|amount|`` (lognormal; or of
        ``ln|amount| - scale^2 / 2``, mean-preserving), the float64 value is used instead, so
        that the static amount is the exact median, mean or mode.
        """
        amounts = np.asarray(amounts, dtype=np.float64)
        kinds = np.asarray(distributions["uncertainty_type"], dtype=np.int64)
        idx = np.flatnonzero(~np.isin(kinds, STATIC_IDS))
        d = distributions[idx]
        kind = kinds[idx]
        loc = d["loc"].astype(np.float64)
        amount = amounts[idx]
        with np.errstate(divide="ignore", invalid="ignore"):
            log_amount = np.log(np.abs(amount))
        scale = d["scale"].astype(np.float64)
        tolerance = _F32_RTOL * np.maximum(1.0, np.abs(log_amount))
        for centre in (log_amount, log_amount - scale**2 / 2):  # median, or mean-preserving
            close_log = (kind == LOGNORMAL) & (np.abs(loc - centre) <= tolerance)
            loc = np.where(close_log, centre, loc)
        close_lin = np.isin(kind, (NORMAL, TRIANGULAR)) & (
            np.abs(loc - amount) <= _F32_RTOL * np.abs(amount)
        )
        loc = np.where(close_lin, amount, loc)
        minimum = d["minimum"].astype(np.float64)
        maximum = d["maximum"].astype(np.float64)
        invalid = [(int(idx[i]), why) for i, why in invalid_entries(d, loc=loc)]
        if invalid:
            raise UnsupportedDistribution(invalid_text(invalid), invalid)
        return cls(
            amounts=amounts,
            uncertain=idx,
            kind=kind,
            loc=loc,
            scale=scale,
            minimum=minimum,
            maximum=maximum,
            negative=d["negative"].astype(bool),
            stream=stream,
            keys=None if keys is None else np.asarray(keys, dtype=np.uint64)[idx],
            shape=d["shape"].astype(np.float64),
        )

    @property
    def n_uncertain(self) -> int:
        return int(self.uncertain.size)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Quantiles of the uncertain entries: ``u`` (u, N) in (0, 1) -> values (u, N).

        Bounds of normal and lognormal distributions are ignored here (sensitivity settings).
        """
        out = self._compiled_quantiles(u)
        self._external_quantiles(u, out)
        return out

    def _compiled_quantiles(self, u: np.ndarray) -> np.ndarray:
        """:meth:`ppf` of the rows the compiled loops draw (the stats_arrays rows unset)."""
        from scipy.special import ndtri

        u = np.asarray(u, dtype=np.float64)
        out = np.empty_like(u)
        g = self._plan.gauss
        out[g] = self._gauss(None, g, ndtri(u[g]))
        self._other_quantiles(u, out)
        return out

    def _external_quantiles(self, u: np.ndarray, out: np.ndarray) -> None:
        """Quantiles of the stats_arrays rows of ``u`` (u, N) into ``out``, by stats_arrays."""
        plan = self._plan
        if not plan.external.size:
            return
        try:
            out[plan.external] = plan.stats_rows.quantiles(u[plan.external])
        except NotImplementedError as exc:
            raise UnsupportedDistribution(
                f"stats_arrays gives no quantile function for {exc}: it cannot be drawn at "
                "given probabilities (a sensitivity analysis, a correlated parameter)"
            ) from None

    def _other_quantiles(self, u: np.ndarray, out: np.ndarray) -> None:
        """Quantiles of the uniform and triangular rows of ``u`` (u, N) into ``out``: ``low +
        (high - low) u``, and the triangle's inverse CDF in one compiled pass."""
        plan = self._plan
        sel = plan.uniform
        if sel.size:
            low, high = self.minimum[sel, None], self.maximum[sel, None]
            out[sel] = low + (high - low) * u[sel]
        sel = plan.triangular
        if sel.size:
            low, mode, high = self.minimum[sel], self.loc[sel], self.maximum[sel]
            width = np.where(high > low, high - low, 1.0)
            values = np.empty((sel.size, *u.shape[1:]))
            loops().triangular_quantiles_into(
                np.ascontiguousarray(u[sel]), values, low, mode, high, width, (mode - low) / width
            )
            out[sel] = values

    @cached_property
    def _plan(self) -> _DrawPlan:
        kind = self.kind
        gauss = np.flatnonzero(np.isin(kind, GAUSSIAN))
        external = np.flatnonzero(~np.isin(kind, COMPILED_IDS))
        logn = kind == LOGNORMAL
        flip = logn & self.negative
        uniform = np.flatnonzero(kind == UNIFORM)
        tri = np.flatnonzero(kind == TRIANGULAR)
        # triangular: the arguments given to numpy (a degenerate row drawn on [low, low + 1],
        # then set to low), and numpy's own intermediate constants of ``random_triangular``
        low, mode, high = self.minimum[tri], self.loc[tri], self.maximum[tri]
        degenerate = high == low
        right = np.where(degenerate, low + 1.0, high)
        mode = np.where(degenerate, low, mode)
        base = right - low
        leftbase = mode - low
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = leftbase / base
        return _DrawPlan(
            gauss=gauss,
            all_gauss=bool(gauss.size) and gauss.size == self.n_uncertain,
            others=np.flatnonzero(~np.isin(kind, GAUSSIAN)),
            logn=logn,
            all_logn=bool(logn.all()),
            any_logn=bool(logn.any()),
            flip=flip,
            any_flip=bool(flip.any()),
            flip_factor=np.where(flip, -1.0, 1.0),
            bounded=gauss[np.isfinite(self.minimum[gauss]) | np.isfinite(self.maximum[gauss])],
            scale=self.scale,
            loc=self.loc,
            uniform=uniform,
            triangular=tri,
            g_loc=self.loc[gauss],
            g_scale=self.scale[gauss],
            g_logn=logn[gauss],
            g_all_logn=bool(logn[gauss].all()),
            u_low=self.minimum[uniform],
            u_width=self.maximum[uniform] - self.minimum[uniform],
            t_left=low,
            t_right=right,
            t_ratio=ratio,
            t_leftprod=leftbase * base,
            t_rightprod=(right - mode) * base,
            t_degenerate=degenerate,
            external=external,
            stats_rows=StatsArraysRows(self._stats_params(external)),
        )

    def _stats_params(self, rows: np.ndarray) -> np.ndarray:
        """stats_arrays' parameter array of some uncertain entries (float64)."""
        shape = np.full(self.n_uncertain, np.nan) if self.shape is None else self.shape
        fields = {"uncertainty_type": self.kind, "loc": self.loc, "scale": self.scale,
                  "shape": shape, "minimum": self.minimum, "maximum": self.maximum,
                  "negative": self.negative}  # fmt: skip
        return stats_params({name: values[rows] for name, values in fields.items()})

    def draw_counts(self) -> tuple[int, int]:
        """(standard normal, uniform) values drawn per iteration by :meth:`draw_block`, bounds
        redraws and stats_arrays' own draws aside: what a bound on the speed of drawing must
        draw too."""
        if self.keys is not None:
            return 0, self.n_uncertain
        plan = self._plan
        return int(plan.gauss.size), int(plan.uniform.size + plan.triangular.size)

    def draw_block(self, seed: int, block: int) -> np.ndarray:
        """(u, BLOCK_SIZE) draws of the uncertain entries for one block of iterations."""
        out = np.empty((self.n_uncertain, BLOCK_SIZE))
        self.draw_block_into(seed, block, out)
        return out

    @cached_property
    def part_size(self) -> int:
        """Iterations drawn with one generator: ``BLOCK_SIZE``, or fewer for a sampler too large
        to draw a whole block at once (not for keyed samplers, whose entries have streams of
        their own)."""
        return BLOCK_SIZE if self.keys is not None else part_size(self.n_uncertain)

    def draw_part(self, seed: int, part: int, factor: np.ndarray | None = None) -> np.ndarray:
        """(u, part_size) draws of iterations ``part * part_size`` onwards: a whole block, or
        one part of one, each with a generator of its own (times ``factor`` row by row)."""
        size = self.part_size
        out = np.empty((self.n_uncertain, size))
        if size == BLOCK_SIZE:
            return self.draw_block_into(seed, part, out, factor)
        per_block = BLOCK_SIZE // size
        rng = block_generator(seed, self.stream, part // per_block, part % per_block)
        return self._fill(rng, out, factor)

    def draw_block_into(
        self, seed: int, block: int, out: np.ndarray, factor: np.ndarray | None = None
    ) -> np.ndarray:
        """:meth:`draw_block` written into ``out`` (u, BLOCK_SIZE), C-contiguous float64, then
        multiplied row by row by ``factor`` (u,) when given (e.g. matrix signs). The numbers
        are those of :meth:`draw_block` (times ``factor``), bit for bit.

        The generator's numbers are taken in a fixed order: the standard normals of the
        (log)normal rows, their bounds redraws, the uniforms of the uniform rows, then those
        of the triangular rows; each row is transformed in place in reused buffers.
        """
        if self.keys is not None or self.part_size < BLOCK_SIZE:
            whole = (block * BLOCK_SIZE, (block + 1) * BLOCK_SIZE)
            out[...] = (
                self._keyed_block(seed, block) if self.keys is not None else self.draw(seed, *whole)
            )
            if factor is not None:
                out *= factor[:, None]
            return out
        return self._fill(block_generator(seed, self.stream, block), out, factor)

    def _fill(
        self, rng: np.random.Generator, out: np.ndarray, factor: np.ndarray | None
    ) -> np.ndarray:
        """``out`` (u, width) filled from ``rng`` as :meth:`draw_block_into` describes."""
        plan = self._plan
        width = out.shape[1]
        if plan.all_gauss:
            # common case, all gaussian-based: draw and transform in place
            gauss_into(rng, out, plan.scale, plan.loc, plan.all_logn, plan.any_logn, plan.logn)
            if not plan.bounded.size:
                # sign flips of negative lognormals and ``factor`` in one exact product by +-1
                f = plan.flip_factor if factor is None else plan.flip_factor * factor
                if plan.any_flip or factor is not None:
                    out *= f[:, None]
                return out
            if plan.any_flip:
                out[plan.flip] *= -1.0
        elif plan.gauss.size and not plan.bounded.size:
            # (log)normal rows drawn in a reused buffer; sign flips wait for the final product
            g = plan.gauss
            z = scratch("gauss", g.size, width)
            gauss_into(
                rng, z, plan.g_scale, plan.g_loc, plan.g_all_logn, plan.any_logn, plan.g_logn
            )
            out[g] = z
            self._others_into(rng, out)
            if plan.any_flip or factor is not None:
                f = plan.flip_factor if factor is None else plan.flip_factor * factor
                out *= f[:, None]
            return out
        elif plan.gauss.size:
            g = plan.gauss
            out[g] = self._gauss(rng, g, rng.standard_normal((g.size, width)))
        if plan.gauss.size:
            bounded = plan.bounded
            for _ in range(MAX_REDRAWS):
                if not bounded.size:
                    break
                low = self.minimum[bounded, None]
                high = self.maximum[bounded, None]
                outside = (out[bounded] < low) | (out[bounded] > high)
                if not outside.any():
                    break
                fresh = self._gauss(rng, bounded, rng.standard_normal((bounded.size, width)))
                out[bounded] = np.where(outside, fresh, out[bounded])
            else:
                raise UnsupportedDistribution(
                    f"bounds not met after {MAX_REDRAWS} redraws; bounds are too narrow"
                )
        self._others_into(rng, out)
        if factor is not None:
            out *= factor[:, None]
        return out

    def _others_into(self, rng: np.random.Generator, out: np.ndarray) -> None:
        """The uniform, the triangular, then the stats_arrays rows of ``out``, drawn after the
        (log)normal ones."""
        plan = self._plan
        width = out.shape[1]
        sel = plan.uniform
        if sel.size:
            u = scratch("uniform", sel.size, width)
            loops().affine_into(rng, u, plan.u_width, plan.u_low, False)
            out[sel] = u
        sel = plan.triangular
        if sel.size:
            t = scratch("uniform", sel.size, width)
            loops().triangular_into(
                rng,
                t,
                plan.t_left,
                plan.t_right,
                plan.t_ratio,
                plan.t_leftprod,
                plan.t_rightprod,
            )
            if plan.t_degenerate.any():
                t[plan.t_degenerate] = plan.t_left[plan.t_degenerate, None]
            out[sel] = t
        if plan.external.size:  # stats_arrays' legacy generator on the block's bit generator
            random = np.random.RandomState(rng.bit_generator)
            with _redraws_within_limit():
                out[plan.external] = plan.stats_rows.draw(random, width, MAX_REDRAWS)

    def _keyed_block(self, seed: int, block: int) -> np.ndarray:
        """Draws where each entry has its own stream, keyed by its identity: two models that
        share an entry (same exchange) get the same numbers for it (common random numbers).
        Quantile transform of uniform draws; bounds of (log)normals are not applied; rows
        drawn by stats_arrays are drawn from their own streams."""
        plan = self._plan
        u = np.empty((self.n_uncertain, BLOCK_SIZE))
        for j, key in enumerate(self.keys.tolist()):
            block_generator(seed, key, block).random(out=u[j])
        np.clip(u, 1e-300, 1.0 - 1e-16, out=u)
        out = self._compiled_quantiles(u)
        # stats_arrays rows: drawn from their own streams (not all have quantile functions)
        for k, j in enumerate(plan.external.tolist()):
            stream = block_generator(seed, int(self.keys[j]), block)
            random = np.random.RandomState(stream.bit_generator)
            with _redraws_within_limit():
                out[j] = plan.stats_rows.draw_row(k, random, BLOCK_SIZE, MAX_REDRAWS)
        return out

    def _gauss(self, rng, rows: np.ndarray, z: np.ndarray) -> np.ndarray:
        del rng
        loc, scale = self.loc[rows, None], self.scale[rows, None]
        values = loc + scale * z
        logn = self.kind[rows] == LOGNORMAL
        if logn.all():
            np.exp(values, out=values)
        elif logn.any():
            values[logn] = np.exp(values[logn])
        if logn.any():
            flip = logn & self.negative[rows]
            values[flip] *= -1.0
        return values

    def draw(
        self, seed: int, start: int, stop: int, factor: np.ndarray | None = None
    ) -> np.ndarray:
        """(u, stop - start) draws for iterations ``start`` to ``stop`` (any bounds), times
        ``factor`` (u,) row by row when given (an exact product by the matrix signs)."""
        size = self.part_size
        if start % size == 0 and stop - start == size:  # one whole part: drawn in place
            return self.draw_part(seed, start // size, factor)
        out = draw_range(self.draw_part, self.n_uncertain, seed, start, stop, size)
        if factor is not None:
            out *= factor[:, None]
        return out

    def from_normal_scores(self, z: np.ndarray) -> np.ndarray:
        """Values of the uncertain entries at standard normal scores ``z`` (u, N): ``loc +
        scale z`` for normals (exponentiated for lognormals, identical in law to their draws),
        the quantile at Phi(z) for the others. How a Gaussian copula maps correlated scores."""
        from scipy.special import ndtr

        plan = self._plan
        if plan.all_gauss:
            return self._gauss(None, slice(None), z)
        out = np.empty_like(z)
        out[plan.gauss] = self._gauss(None, plan.gauss, z[plan.gauss])
        u = np.empty_like(z)  # probabilities of the other rows only
        u[plan.others] = ndtr(z[plan.others])
        self._other_quantiles(u, out)
        self._external_quantiles(u, out)
        return out


@contextlib.contextmanager
def _redraws_within_limit() -> Iterator[None]:
    """stats_arrays' MaximumIterationsError as the samplers' own error for bounds not met."""
    try:
        yield
    except MaximumIterationsError:
        raise UnsupportedDistribution(
            f"bounds not met after {MAX_REDRAWS} redraws; bounds are too narrow"
        ) from None


def draw_range(
    draw_block: Callable[[int, int], np.ndarray],
    rows: int,
    seed: int,
    start: int,
    stop: int,
    size: int = BLOCK_SIZE,
) -> np.ndarray:
    """(rows, stop - start) values of iterations ``start`` to ``stop`` from whole blocks (of
    ``size`` iterations) drawn by ``draw_block(seed, block)``, so that they do not depend on
    the bounds."""
    out = np.empty((rows, stop - start))
    if not rows or stop <= start:
        return out
    first, last = start // size, (stop - 1) // size

    def fill(block: int) -> None:
        lo = max(start, block * size)
        hi = min(stop, (block + 1) * size)
        values = draw_block(seed, block)
        out[:, lo - start : hi - start] = values[:, lo - block * size : hi - block * size]

    blocks = range(first, last + 1)
    if len(blocks) > 1 and threads.WORKERS > 1:
        # numpy's generators and ufuncs release the GIL; each block has its own generator
        # and its own slice of ``out``, so threads change nothing in the numbers
        list(threads.pool().map(fill, blocks))
    else:
        for block in blocks:
            fill(block)
    return out


def draw_samples(
    distributions: np.ndarray, amounts: np.ndarray, n: int, seed: int, stream: int = 0
) -> np.ndarray:
    """(m, n) samples of every entry: static amounts where there is no uncertainty."""
    sampler = Sampler.from_arrays(distributions, amounts, stream=stream)
    out = np.repeat(np.asarray(amounts, dtype=np.float64)[:, None], n, axis=1)
    out[sampler.uncertain] = sampler.draw(seed, 0, n)
    return out
