"""Random parameters in the fast engine: their draws, and the entries they drive.

A model's random parameters (:mod:`cfp_lca.model.parameters`) are drawn per block of
iterations, like matrix entries: uncorrelated ones by a :class:`Sampler` of their own stream,
correlated ones through a Gaussian copula (independent standard normal scores, multiplied by
the Cholesky factor of their Pearson matrix, then mapped through each parameter's quantile
function). In paired runs each parameter has its own stream keyed by its name, so scenarios
draw the same numbers for the parameters they share (common random numbers).

The drawn values drive foreground entries: an entry whose exchange formula uses random
parameters takes the formula's value in every sample. Where the exchange also has its own
distribution, its own draw is an independent factor around the formula's value:
``amount_i = formula_i(parameters) x own_draw_i / static_amount``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

import numpy as np
from scipy.special import ndtri

from ...model.formula import FormulaProblem
from ...model.objects import ProductModel
from ...model.parameters import ParameterModel
from ..ranks import spearman
from .distributions import GAUSSIAN
from .formulas import FormulaProgram
from .sampling import BLOCK_SIZE, Sampler, block_generator, draw_range
from .statistics import ParameterCorrelation
from .structure import ModelStructure, MonteCarloError
from .transforms import loops, scratch

PARAMETER_STREAM = 3  # independent (log)normal parameters (unpaired runs)
COPULA_STREAM = 4  # normal scores of correlated parameters (unpaired runs)
OTHER_STREAM = 5  # independent uniform and triangular parameters (unpaired runs)
CORRELATION_ITERATIONS = 1 << 14  # iterations whose draws the achieved correlation is taken on
FOREGROUND_SETS = ("fg_tech", "interface", "fg_bio")


def float64_uncertainty() -> np.dtype:
    """stats_arrays fields as float64: parameters never pass through bw_processing's float32
    (imported here, where a sampler is built, not where an engine is read)."""
    import bw_processing as bwp

    return np.dtype([(n, np.float64 if t == np.float32 else t) for n, t in bwp.UNCERTAINTY_DTYPE])


def parameter_identity(name: str) -> int:
    """A 64-bit key of a parameter's name: its random stream in paired runs."""
    digest = hashlib.blake2b(f"parameter|{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little")


class ParameterSampler:
    """Draws of a model's random parameters, (k, BLOCK_SIZE) per block, in their units."""

    def __init__(self, parameters: ParameterModel, paired: bool = False, held: Sequence[int] = ()):
        self.parameters = parameters
        self.k = len(parameters.random)
        # parameters left at their values (assumptions in a run of the data sources)
        self.held = np.asarray(held, dtype=np.int64)
        from ...brightway.datapackages import uncertainty_row

        self.correlated, self.factor = parameters.correlation_factor()
        rows = np.array(
            [uncertainty_row(p.uncertainty, p.value) for p in parameters.random],
            dtype=float64_uncertainty(),
        )
        values = parameters.static_values
        keys = np.array([parameter_identity(n) for n in parameters.names], dtype=np.uint64)
        self.keys = keys if paired else None
        gauss = np.isin(rows["uncertainty_type"], GAUSSIAN)
        alone = np.ones(self.k, dtype=bool)
        alone[self.correlated] = False
        # independent parameters: (log)normals drawn in place in one pass, the others apart
        self.groups: list[tuple[np.ndarray, Sampler]] = []
        for stream, mask in ((PARAMETER_STREAM, alone & gauss), (OTHER_STREAM, alone & ~gauss)):
            idx = np.flatnonzero(mask)
            if idx.size:
                own_keys = None if self.keys is None else keys[idx]
                sampler = Sampler.from_arrays(rows[idx], values[idx], stream, own_keys)
                self.groups.append((idx, sampler))
        # correlated parameters: normal scores through the copula, then each one's quantiles
        self.copula: list[tuple[np.ndarray, np.ndarray, Sampler]] = []
        for mask in (gauss, ~gauss):
            local = np.flatnonzero(mask[self.correlated])
            if local.size:
                idx = self.correlated[local]
                self.copula.append((idx, local, Sampler.from_arrays(rows[idx], values[idx])))

    def draw_block_into(self, seed: int, block: int, out: np.ndarray) -> np.ndarray:
        """The parameters of one block of iterations written into ``out`` (k, BLOCK_SIZE)."""
        for idx, sampler in self.groups:
            buf = scratch("parameters", idx.size, BLOCK_SIZE)
            out[idx] = sampler.draw_block_into(seed, block, buf)
        if self.copula and self.keys is None:  # as correlated_block, in reused buffers
            c = self.correlated.size
            scores = scratch("copula-scores", c, BLOCK_SIZE)
            loops().standard_normal_into(block_generator(seed, COPULA_STREAM, block), scores)
            z = np.matmul(self.factor, scores, out=scratch("copula", c, BLOCK_SIZE))
            for idx, local, sampler in self.copula:
                out[idx] = sampler.from_normal_scores(z[local])
        elif self.copula:
            out[self.correlated] = self.correlated_block(seed, block)
        return self._hold(out)

    def _hold(self, out: np.ndarray) -> np.ndarray:
        """``out`` with the held parameters' rows at their values."""
        if self.held.size:
            out[self.held] = self.parameters.static_values[self.held, None]
        return out

    def draw_counts(self) -> list[tuple[int, int, int]]:
        """(stream, standard normals, uniforms) drawn per iteration, unpaired streams."""
        out = [(s.stream, *s.draw_counts()) for _, s in self.groups]
        if self.correlated.size:
            out.append((COPULA_STREAM, int(self.correlated.size), 0))
        return out

    def correlated_block(self, seed: int, block: int) -> np.ndarray:
        """(c, BLOCK_SIZE) values of the correlated parameters (order of ``correlated``)."""
        z = self.factor @ self.normal_scores(seed, block)
        out = np.empty_like(z)
        for _, local, sampler in self.copula:
            out[local] = sampler.from_normal_scores(z[local])
        return out

    def draw_block(self, seed: int, block: int) -> np.ndarray:
        """(k, BLOCK_SIZE) parameter values of one block."""
        return self.draw_block_into(seed, block, np.empty((self.k, BLOCK_SIZE)))

    def quantiles(self, u: np.ndarray, joint: bool = True) -> np.ndarray:
        """(k, N) parameter values at probabilities ``u`` (k, N): each parameter's own quantile
        function; with ``joint``, ``u`` of correlated parameters are taken as independent
        uniforms and coupled through the copula (so that, drawn uniformly, they are drawn as
        in the Monte Carlo), else each one's marginal quantile."""
        out = np.empty_like(u, dtype=np.float64)
        for idx, sampler in self.groups:
            out[idx] = sampler.ppf(u[idx])
        if self.correlated.size:
            z = ndtri(u[self.correlated])
            if joint:
                z = self.factor @ z
            for idx, local, sampler in self.copula:
                out[idx] = sampler.from_normal_scores(z[local])
        return self._hold(out)

    def normal_scores(self, seed: int, block: int) -> np.ndarray:
        """Independent standard normal scores of the correlated parameters for one block:
        one stream for all of them, or in paired runs one stream per parameter name."""
        if self.keys is None:
            rng = block_generator(seed, COPULA_STREAM, block)
            return rng.standard_normal((self.correlated.size, BLOCK_SIZE))
        u = np.empty((self.correlated.size, BLOCK_SIZE))
        for j, key in enumerate(self.keys[self.correlated].tolist()):
            block_generator(seed, key, block).random(out=u[j])
        np.clip(u, 1e-300, 1.0 - 1e-16, out=u)
        return ndtri(u)

    def draw(self, seed: int, start: int, stop: int) -> np.ndarray:
        """(k, stop - start) parameter values of iterations ``start`` to ``stop``."""
        return draw_range(self.draw_block, self.k, seed, start, stop)


class ParameterLayer:
    """The random parameters of one model in the fast engine and the entries they drive.

    ``extended(uncertain)`` lists, per foreground entry set, the entries with own draws
    followed by those driven by parameters only; :meth:`complete` turns the own draws and the
    parameter values of some samples into the values of all those entries.
    """

    def __init__(
        self,
        model: ProductModel,
        structure: ModelStructure,
        paired: bool = False,
        held: Sequence[int] = (),
    ):
        self.model = model.parameters
        self.held = tuple(held)  # parameters left at their values (see ParameterModel.held)
        self.sampler = ParameterSampler(self.model, paired, held)
        self.entries = driven_entries(model, structure)
        self.structure = structure
        self.own: dict[str, np.ndarray] = {}
        self.rows: dict[str, list[tuple[int, int, float, bool]]] = {}
        self.sizes: dict[str, int] = {}  # rows of each completed set
        self.program: FormulaProgram | None = None  # the formulas, for whole blocks

    @property
    def names(self) -> tuple[str, ...]:
        """The random parameters' names (rows of the draws)."""
        return self.model.names

    def extended(self, uncertain: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Per entry set, the entries given per sample: own draws, then driven-only ones."""
        out = dict(uncertain)
        factor = [x.factor for x in self.model.driven]
        for name in FOREGROUND_SETS:
            es = self.structure.sets[name]
            own = np.asarray(uncertain.get(name, np.zeros(0, dtype=np.int64)), dtype=np.int64)
            driven = [(i, k) for k, s, i in self.entries if s == name]
            if not driven:
                continue
            extra = sorted({i for i, _ in driven} - set(own.tolist()))
            order = [*own.tolist(), *extra]
            position = {e: p for p, e in enumerate(order)}
            self.own[name] = own
            self.rows[name] = [
                _row(position[i], k, factor[k], float(es.amount[i] * es.sign[i]),
                     float(es.sign[i]), i in extra)
                for i, k in driven
            ]  # fmt: skip
            out[name] = np.array(order, dtype=np.int64)
            self.sizes[name] = len(order)
        try:
            self.program = FormulaProgram(self.model, self.rows)
        except (FormulaProblem, KeyError, ValueError, TypeError, ArithmeticError):
            self.program = None  # the formulas' own errors, raised as they are evaluated
        return out

    def complete(self, values: dict[str, np.ndarray], params: np.ndarray) -> dict[str, np.ndarray]:
        """``values`` (own draws in matrix sign, per set) completed with the driven entries for
        the samples of ``params`` (k, ...), by the formula evaluator (the block kernel runs
        :attr:`program` instead, with the same numbers)."""
        magnitudes = self.model.magnitudes(params)
        shape = params.shape[1:]
        for name, rows in self.rows.items():
            own = self.own[name]
            full = np.empty((self.sizes[name], *shape))
            if own.size:
                full[: own.size] = values[name]
            for pos, k, coef, alone in rows:
                if alone:  # the formula's value, as stored, in matrix sign
                    np.multiply(magnitudes[k], coef, out=full[pos])
                else:  # own draw x formula / static amount
                    full[pos] *= magnitudes[k]
                    full[pos] *= coef
            values[name] = full
        return values


def _row(position: int, k: int, factor: float, static: float, sign: float, alone: bool) -> tuple:
    """(row, driven exchange, coefficient of the formula's base-unit value, driven only): a
    driven-only row is the stored amount (value x factor) in matrix sign; a row with its own
    draw is scaled by the stored amount over the static one."""
    if alone:
        return (position, k, factor * sign, True)
    return (position, k, factor / static, False)


def driven_entries(model: ProductModel, structure: ModelStructure) -> list[tuple[int, str, int]]:
    """(driven exchange, entry set, entry index) of each driven exchange of ``model`` found by
    its nodes. An exchange whose amount is no longer the formula's static value (changed after
    loading, as a scenario difference file does) is the number it was given, not driven."""
    found: dict[tuple, list[tuple[str, int, float]]] = {}
    for name in FOREGROUND_SETS:
        es = structure.sets[name]
        for i, edge in enumerate(es.edges):
            found.setdefault(edge, []).append((name, i, float(es.amount[i] * es.sign[i])))
    taken: set[tuple[str, int]] = set()
    out = []
    activities = {a.code: a for a in model.activities}
    for k, x in enumerate(model.parameters.driven):
        exchanges = activities[x.activity].exchanges if x.activity in activities else ()
        if x.index >= len(exchanges) or exchanges[x.index].amount != x.amount:
            continue
        activity, exchange = activities[x.activity], exchanges[x.index]
        edge = ((exchange.database, exchange.code), (model.database, activity.code))
        match = _match(found.get(edge, []), exchange.amount, taken)
        if match is None:
            raise MonteCarloError(f"{x.origin}: the exchange is not in the project's matrices")
        taken.add(match)
        out.append((k, *match))
    return out


def _match(
    candidates: Sequence[tuple[str, int, float]], amount: float, taken: set[tuple[str, int]]
) -> tuple[str, int] | None:
    """The first entry not yet taken with exactly this amount (edges in writing order)."""
    for name, i, value in candidates:
        if (name, i) not in taken and value == amount:
            return name, i
    return None


def achieved_correlations(
    sampler: ParameterSampler, seed: int, n: int
) -> tuple[ParameterCorrelation, ...]:
    """Each declared correlation with the Spearman correlation of the draws of a run with
    ``seed`` (its first ``n`` iterations, at most CORRELATION_ITERATIONS): the same numbers
    the run drew, since draws depend only on (seed, block)."""
    declared = sampler.parameters.correlations
    if not declared or n < 3:
        return ()
    m = min(n, CORRELATION_ITERATIONS)
    draws = draw_range(sampler.correlated_block, sampler.correlated.size, seed, 0, m)
    names = sampler.parameters.names
    row = {names[i]: k for k, i in enumerate(sampler.correlated.tolist())}
    out = []
    for c in declared:
        a, b = (draws[row[name]] for name in c.parameters)
        rho = spearman(a, b)
        out.append(ParameterCorrelation(c.parameters, c.spearman, rho, m))
    return tuple(out)
