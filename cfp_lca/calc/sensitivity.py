"""Global and local sensitivity of a model's total, on the fast Monte Carlo engine.

Global: Spearman rank correlation of each uncertain input with the total and its share of the
squared rank correlations (a ranking); Sobol first-order and total indices (SALib, inputs
optionally grouped).
Local: elasticities and a tornado (each input at two quantiles or +/- a percentage).

The inputs are the model's random parameters (the eco-design levers: masses, distances,
rates), labelled by their description, with every other independent uncertain value of the
selected sources (exchanges' own distributions, background, factors). Where parameters are
correlated, Sobol indices are given for the group of correlated parameters (indices of
dependent inputs are not defined one by one), sampled jointly through the copula; tornado
and elasticities move one parameter alone along its own distribution. With ``exchanges``
the inputs are the matrix entries with distributions of their own, parameters at their values.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..brightway.datapackages import node_keys
from ..brightway.linking import node_labels
from ..model.objects import Method, ProductModel
from ..model.parameters import correlated_groups
from .lcia import model_lca
from .montecarlo import FastEngine, finite_engine
from .montecarlo.cluster import EngineSpec, cluster_client, map_blocks
from .montecarlo.structure import SOURCES, check_sources
from .ranks import rankdata

PARAMETER = "parameter"  # UncertainInput.set_name of a random parameter
# columns per evaluation block: fixed (not per worker), so that the totals of Spearman and Sobol
# samples are the same whether the blocks run here or on a Dask cluster of any size
EVAL_BLOCK = 2048


@dataclass(frozen=True)
class UncertainInput:
    """One uncertain input: a matrix entry (where it sits) or a random parameter (its row in
    the parameter draws), what it is called, how it is grouped."""

    label: str
    group: str
    set_name: str  # the entry set, or PARAMETER
    sampler: int  # which sampler of the engine (-1 for a parameter)
    row: int  # row in that sampler's draws, or in the parameter draws
    static: float  # value in matrix sign (a parameter: its value in its unit)
    sign: float  # matrix sign / data sign (-1 for technosphere inputs; 1 for a parameter)

    @property
    def is_parameter(self) -> bool:
        return self.set_name == PARAMETER


@dataclass(frozen=True)
class InputSpace:
    """The uncertain inputs of one engine and a way to evaluate the total for given values."""

    engine: FastEngine
    inputs: tuple[UncertainInput, ...]
    # (model, method, sources, exchanges) of ``input_space``: how a Dask worker rebuilds it
    origin: tuple[ProductModel, Method, tuple[str, ...], bool] | None = field(
        default=None, repr=False, compare=False
    )

    @property
    def labels(self) -> list[str]:
        return [i.label for i in self.inputs]

    @property
    def signs(self) -> np.ndarray:
        return np.array([i.sign for i in self.inputs])

    def _parameters(self) -> list[int]:
        """Positions of the parameter inputs (in parameter row order)."""
        return [j for j, i in enumerate(self.inputs) if i.is_parameter]

    def static_matrix(self, n: int) -> np.ndarray:
        """(m, n) copies of the static values (matrix sign)."""
        return np.repeat(np.array([i.static for i in self.inputs])[:, None], n, axis=1)

    def quantiles(self, u: np.ndarray, joint: bool = True) -> np.ndarray:
        """(m, N) values in matrix sign at probabilities ``u`` (m, N); correlated parameters
        through their copula with ``joint``, else each at its own marginal quantile."""
        out = np.empty_like(u, dtype=np.float64)
        for k, (sampler, _) in enumerate(self.engine.samplers):
            rows = [j for j, i in enumerate(self.inputs) if i.sampler == k and not i.is_parameter]
            if rows:
                order = [self.inputs[j].row for j in rows]
                values = sampler.ppf(u[rows][np.argsort(order)])
                out[rows] = values[np.argsort(np.argsort(order))] * self.signs[rows, None]
        rows = self._parameters()
        if rows:
            layer = self.engine.parameters
            full = np.full((layer.sampler.k, u.shape[1]), 0.5)  # others: not used
            index = [self.inputs[j].row for j in rows]
            full[index] = u[rows]
            out[rows] = layer.sampler.quantiles(full, joint)[index]
        return out

    def evaluate(self, values: np.ndarray) -> np.ndarray:
        """Totals (N,) for input values (m, N) in matrix sign; parameters that are not inputs
        stay at their values."""
        n = values.shape[1]
        by_set: dict[str, list[tuple[int, np.ndarray]]] = {}
        for j, i in enumerate(self.inputs):
            if i.is_parameter:
                continue
            layout = {name: lo for name, lo, _ in self.engine.samplers[i.sampler][1]}
            by_set.setdefault(i.set_name, []).append((i.row - layout[i.set_name], values[j]))
        arrays = {
            name: np.vstack([v for _, v in sorted(rows, key=lambda t: t[0])])
            for name, rows in by_set.items()
        }
        layer = self.engine.parameters
        if layer is not None:
            params = np.repeat(layer.model.static_values[:, None], n, axis=1)
            rows = self._parameters()
            params[[self.inputs[j].row for j in rows]] = values[rows]
            layer.complete(arrays, params)
        scores, _ = self.engine.evaluator.scores(arrays, n)
        return scores[0]

    def totals(self, values: np.ndarray, uniform: bool = False) -> np.ndarray:
        """``evaluate`` of values, or with ``uniform`` of the values at probabilities ``values``
        (``quantiles``, joint)."""
        return self.evaluate(self.quantiles(values) if uniform else values)

    def draw(self, n: int, seed: int) -> np.ndarray:
        """(m, n) Monte Carlo draws, the engine's own (same seed, same draws)."""
        values = self.engine.draw_values(seed, 0, n)
        out = np.empty((len(self.inputs), n))
        rows = self._parameters()
        if rows:
            params = self.engine.parameters.sampler.draw(seed, 0, n)
            out[rows] = params[[self.inputs[j].row for j in rows]]
        for j, i in enumerate(self.inputs):
            if not i.is_parameter:
                layout = {name: lo for name, lo, _ in self.engine.samplers[i.sampler][1]}
                out[j] = values[i.set_name][i.row - layout[i.set_name]]
        return out


@dataclass(frozen=True)
class SpaceSpec(EngineSpec):
    """What a Dask worker needs to rebuild a sensitivity input space (``exchanges``: the
    matrix entries as inputs, as ``input_space`` takes it)."""

    exchanges: bool = False

    @property
    def key(self) -> tuple:
        """The engine spec's key, marked as an input space's."""
        return ("space", *super().key, self.exchanges)

    def build(self) -> InputSpace:
        """The input space, built on the worker."""
        return input_space(self.model, self.method, self.sources, self.exchanges)


MATRIX_OF = {
    "fg_tech": "technosphere", "bg_tech": "technosphere", "interface": "technosphere",
    "fg_bio": "biosphere", "bg_bio": "biosphere", "cf": "characterization",
}  # fmt: skip


def input_space(
    model: ProductModel, method: Method, sources: Sequence[str], exchanges: bool = False
) -> InputSpace:
    """The uncertain inputs of ``model`` for the selected sources, labelled and grouped: its
    random parameters and the other independent inputs, or with ``exchanges`` the matrix
    entries with distributions of their own (parameters at their values); ``sources`` as the
    entry point checked them."""
    engine = finite_engine(model, method, tuple(sources))
    inputs = entry_inputs(model, method, engine)
    if engine.parameters is not None and not exchanges:
        inputs += parameter_inputs(engine)
    return InputSpace(engine, tuple(inputs), (model, method, tuple(sources), exchanges))


def entry_inputs(model: ProductModel, method: Method, engine: FastEngine) -> list[UncertainInput]:
    """The matrix entries the engine draws, labelled ``owner <- input`` and grouped by part."""
    lca = model_lca(model, method)
    lca.lci()
    product = {v: k for k, v in lca.dicts.product.items()}
    activity = {v: k for k, v in lca.dicts.activity.items()}
    flow = {v: k for k, v in lca.dicts.biosphere.items()}
    keys = node_keys({*lca.dicts.activity, *lca.dicts.product, *lca.dicts.biosphere})
    names = node_labels(keys.values())

    def code(node_id: int) -> str:
        return keys[node_id][1]

    own = {a.code: a.name for a in model.activities}

    def label_of(node_id: int) -> str:
        """What a reader knows the node by (name, product, location), never its code; the
        model's own activities by their names."""
        db, c = keys[node_id]
        return own[c] if db == model.database and c in own else names.get((db, c), c)

    parts = {a.code: a.part or a.name for a in model.activities}
    inputs = []
    seen: dict[str, int] = {}
    for k, (_, layout) in enumerate(engine.samplers):
        for name, lo, _hi in layout:
            es = engine.structure.sets[name]
            for r, e in enumerate(engine.own[name]):
                row, col = int(es.matrix_row[e]), int(es.matrix_col[e])
                kind = MATRIX_OF[name]
                if kind == "characterization":
                    label, group = (
                        f"GWP factor of {label_of(flow[row])}",
                        "characterization factors",
                    )
                else:
                    owner = code(activity[col])
                    other = label_of(product[row] if kind == "technosphere" else flow[row])
                    arrow = "<-" if kind == "technosphere" else "->"
                    label = f"{label_of(activity[col])} {arrow} {other}"
                    group = parts.get(owner, f"background: {label_of(activity[col])}")
                seen[label] = seen.get(label, 0) + 1
                if seen[label] > 1:  # two entries a reader would name alike
                    label = f"{label} ({seen[label]})"
                static, sign = float(es.amount[e]), float(es.sign[e])
                inputs.append(UncertainInput(label, group, name, k, lo + r, static, sign))
    return inputs


def parameter_inputs(engine: FastEngine) -> list[UncertainInput]:
    """The engine's random parameters that drive some exchange (with their correlated
    partners), labelled by their description; correlated parameters share a group (their
    Sobol indices are given together)."""
    model = engine.parameters.model
    labels = [p.label for p in model.random]
    group = {i: labels[i] for i in range(len(labels))}
    kept = set(model.used())
    for linked in correlated_groups(model.names, model.correlations):
        group.update(dict.fromkeys(linked, " + ".join(labels[i] for i in linked)))
        if kept & set(linked):
            kept |= set(linked)
    held = set(engine.parameters.held)  # at their values: no input of this analysis
    return [
        UncertainInput(p.label, group[i], PARAMETER, -1, i, p.value, 1.0)
        for i, p in enumerate(model.random)
        if i in kept and i not in held
    ]


# ---------------------------------------------------------------- global


@dataclass(frozen=True)
class RankResult:
    labels: tuple[str, ...]
    spearman: np.ndarray  # (m,) rank correlation with the total
    # (m,) rho² over the sum of all rho², sums to 1: a ranking, not a variance decomposition
    # (correlated or interacting inputs share their effect; Sobol indices apportion variance)
    variance_share: np.ndarray
    n: int


Totals = Callable[[np.ndarray, bool], np.ndarray]  # (values or probabilities, uniform) -> (N,)


@contextlib.contextmanager
def evaluation(
    space: InputSpace, workers: int | None = None, scheduler: str | None = None
) -> Iterator[Totals]:
    """``totals(values, uniform)`` of ``space`` for (m, N) values, computed in fixed blocks of
    ``EVAL_BLOCK`` columns: here, or with ``workers`` (processes of a local Dask cluster) or
    ``scheduler`` (the address of one) on the cluster, each worker rebuilding the input space
    once; the same blocks either way, so the same numbers."""
    with cluster_client(workers, scheduler) as client:
        spec = None
        if client is not None:
            if space.origin is None:
                raise ValueError("this input space was not built by input_space: no cluster")
            model, method, sources, exchanges = space.origin
            spec = SpaceSpec.here(model, method, sources, exchanges=exchanges)

        def totals(values: np.ndarray, uniform: bool = False) -> np.ndarray:
            n = values.shape[1]
            blocks = [np.ascontiguousarray(values[:, lo : lo + EVAL_BLOCK])
                      for lo in range(0, n, EVAL_BLOCK)]  # fmt: skip
            if spec is None:
                parts = [space.totals(b, uniform) for b in blocks]
            else:
                parts = map_blocks(client, spec, "totals", blocks, uniform)
            return np.concatenate(parts) if parts else np.empty(0)

        yield totals


def _ranking(space: InputSpace, n: int, seed: int, totals: Totals) -> RankResult:
    x = space.draw(n, seed)
    y = totals(x, False)
    x = x * space.signs[:, None]
    ok = np.isfinite(y)
    ry = rankdata(y[ok])
    ry = (ry - ry.mean()) / ry.std()
    rx = np.apply_along_axis(rankdata, 1, x[:, ok])
    rx = (rx - rx.mean(axis=1, keepdims=True)) / rx.std(axis=1, keepdims=True)
    rho = rx @ ry / ok.sum()
    share = rho**2 / np.sum(rho**2)
    return RankResult(tuple(space.labels), rho, share, int(ok.sum()))


def spearman_ranking(space: InputSpace, n: int, seed: int, workers: int | None = None,
                     scheduler: str | None = None) -> RankResult:  # fmt: skip
    """Rank correlation of each input (as a data amount) with the total over ``n`` draws
    (totals evaluated as ``evaluation`` says, on a Dask cluster with ``workers``/``scheduler``)."""
    with evaluation(space, workers, scheduler) as totals:
        return _ranking(space, n, seed, totals)


@dataclass(frozen=True)
class SobolResult:
    names: tuple[str, ...]
    s1: np.ndarray
    s1_conf: np.ndarray
    st: np.ndarray
    st_conf: np.ndarray
    evaluations: int


def bootstrap_seed(seed: int) -> int:
    """The seed of SALib's bootstrap of the confidence intervals, never 0: SALib seeds only
    ``if seed:``, so seed 0 drew from numpy's unseeded generator and the intervals changed
    from run to run."""
    return int(np.random.SeedSequence(seed).generate_state(1)[0]) or 1


def sobol_indices(
    names: Sequence[str],
    groups: Sequence[str] | None,
    to_values: Callable[[np.ndarray], np.ndarray],
    evaluate: Callable[[np.ndarray], np.ndarray],
    n: int,
    seed: int,
    resamples: int = 200,
) -> SobolResult:
    """First-order and total Sobol indices (Saltelli/Jansen via SALib), with 95 % bootstrap
    intervals. ``to_values`` maps uniform (m, N) to input values; ``evaluate`` values -> (N,)."""
    from SALib.analyze import sobol as analyze

    problem = {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}
    if groups is not None and len(set(groups)) == 1 < len(names):
        groups = None  # one group is the whole model (its index is 1): the inputs instead
    if groups is not None and len(set(groups)) < len(names):
        problem["groups"] = list(groups)
    u = saltelli_sample(problem, n, seed)
    u = np.clip(u, 1e-12, 1 - 1e-12).T
    y = evaluate(to_values(u))
    res = analyze.analyze(problem, y, calc_second_order=False, num_resamples=resamples,
                          conf_level=0.95, seed=bootstrap_seed(seed))  # fmt: skip
    labels = tuple(dict.fromkeys(groups)) if groups is not None else tuple(names)
    return SobolResult(labels, np.asarray(res["S1"]), np.asarray(res["S1_conf"]),
                       np.asarray(res["ST"]), np.asarray(res["ST_conf"]), int(y.size))  # fmt: skip


def saltelli_sample(problem: dict, n: int, seed: int) -> np.ndarray:
    """SALib's ``sample.sobol.sample(problem, n, calc_second_order=False, scramble=True,
    seed=seed)`` on the unit cube, the same numbers (copied from the same scrambled Sobol'
    sequence), built with array operations: SALib fills the matrix element by element in
    Python, 20 s of zw32's 27 s ``gsa`` at n = 2048 with its hundred inputs. Groups as SALib
    takes them: none when absent, equal to the names or all one."""
    from scipy.stats import qmc

    d, names = problem["num_vars"], problem["names"]
    base = qmc.Sobol(d=2 * d, scramble=True, seed=seed).random(n)
    a, b = base[:, :d], base[:, d:]
    groups = problem.get("groups")
    if groups and groups != names and len(set(groups)) > 1:  # in order of first appearance
        members = np.array([[g == u for g in groups] for u in dict.fromkeys(groups)])
    else:
        members = np.eye(d, dtype=bool)
    out = np.empty((n, len(members) + 2, d))
    out[:, 0] = a
    out[:, 1:-1] = np.where(members[None, :, :], b[:, None, :], a[:, None, :])
    out[:, -1] = b
    return out.reshape(-1, d)


def _sobol(space: InputSpace, n: int, seed: int, group: bool, totals: Totals) -> SobolResult:
    groups = [i.group if group or i.is_parameter else i.label for i in space.inputs]
    return sobol_indices(space.labels, groups, lambda u: u, lambda u: totals(u, True), n, seed)


def model_sobol(
    space: InputSpace,
    n: int,
    seed: int,
    group: bool = True,
    workers: int | None = None,
    scheduler: str | None = None,
) -> SobolResult:
    """Sobol indices of the total, entries grouped by part (or background process) with
    ``group``; correlated parameters are always grouped together. The Saltelli matrix is
    evaluated in fixed blocks (``evaluation``), on a Dask cluster with ``workers`` (processes
    of a local one) or ``scheduler`` (the address of one), with the same numbers as here."""
    with evaluation(space, workers, scheduler) as totals:
        return _sobol(space, n, seed, group, totals)


# ---------------------------------------------------------------- local


def elasticities(space: InputSpace, step: float = 0.01) -> np.ndarray:
    """(dY/Y)/(dx/x) of the total for each input, by a forward step of ``step`` (relative)."""
    m = len(space.inputs)
    values = space.static_matrix(m + 1)
    values[np.arange(m), np.arange(m)] *= 1 + step
    y = space.evaluate(values)
    base = y[-1]
    return (y[:m] - base) / base / step


@dataclass(frozen=True)
class TornadoRow:
    label: str
    low_setting: float
    high_setting: float
    low: float  # total with the input at its low setting
    high: float


def tornado(space: InputSpace, quantiles: tuple[float, float] | None = (0.05, 0.95),
            percent: float | None = None) -> tuple[float, list[TornadoRow]]:  # fmt: skip
    """Each input alone at two settings (quantiles, or +/- percent), the rest static."""
    m = len(space.inputs)
    static = space.static_matrix(1)[:, 0]
    if percent is not None:
        low_set, high_set = static * (1 - percent / 100), static * (1 + percent / 100)
    else:
        u = np.repeat(np.array(quantiles)[None, :], m, axis=0)
        settings = space.quantiles(u, joint=False)
        low_set, high_set = settings[:, 0], settings[:, 1]
    values = space.static_matrix(2 * m + 1)
    values[np.arange(m), np.arange(m)] = low_set
    values[np.arange(m), m + np.arange(m)] = high_set
    y = space.evaluate(values)
    sign = space.signs
    rows = [TornadoRow(space.inputs[j].label, float(low_set[j] * sign[j]),
                       float(high_set[j] * sign[j]), float(y[j]), float(y[m + j]))
            for j in range(m)]  # fmt: skip
    rows.sort(key=lambda r: -abs(r.high - r.low))
    return float(y[-1]), rows


@dataclass(frozen=True)
class SensitivityResult:
    """Every method's result for one model, over the same uncertain inputs."""

    labels: tuple[str, ...]
    ranks: RankResult
    sobol: SobolResult
    elasticity: np.ndarray
    tornado_base: float
    tornado: list[TornadoRow]
    sources: tuple[str, ...] = ()  # the uncertainty sources drawn


WORKING_COPIES = 4  # float64 arrays of a sample's size alive at once (sample, clip, values, ...)


def check_fits(floats: int, option: str, value: int) -> None:
    """Refuse, before allocating anything, a sample that cannot fit in this machine's memory."""
    need = floats * 8 * WORKING_COPIES
    have = physical_memory()
    if have is not None and need > have:
        raise ValueError(
            f"{option} {value} needs about {need / 2**30:.3g} GiB of memory, more than this "
            f"machine's {have / 2**30:.3g} GiB: choose a smaller {option}"
        )


def physical_memory() -> int | None:
    """Bytes of physical memory, where the system says (None elsewhere)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


def _nothing_uncertain(model: ProductModel, method: Method, sources: Sequence[str],
                       exchanges: bool) -> str:  # fmt: skip
    """Why there is nothing to rank, and which other sources (or parameters instead of
    exchanges) have uncertain inputs."""
    what = "exchanges" if exchanges else "inputs"
    others = [s for s in SOURCES if s not in sources
              and input_space(model, method, (s,), exchanges).inputs]  # fmt: skip
    text = f"no uncertain {what} in the sources {', '.join(sources)}"
    if others:
        return f"{text}; these have some: --sources {','.join(others)}"
    if exchanges and input_space(model, method, SOURCES, False).inputs:
        return f"{text}; the model's random parameters have: drop --exchanges"
    return f"{text}, nor in any other source"


def analyse(
    model: ProductModel,
    method: Method,
    sources: Sequence[str],
    n: int,
    sobol_n: int,
    seed: int,
    group: bool = True,
    exchanges: bool = False,
    workers: int | None = None,
    scheduler: str | None = None,
) -> SensitivityResult:
    """Spearman, Sobol, elasticities and tornado of ``model``'s total, over its random
    parameters and other independent inputs (``exchanges``: over matrix entries). ``workers``
    or ``scheduler``: Spearman's and Sobol's samples are evaluated on a Dask cluster (one for
    both), with the same numbers as here."""
    sources = check_sources(sources)
    space = input_space(model, method, sources, exchanges)
    if not space.inputs:
        raise ValueError(_nothing_uncertain(model, method, sources, exchanges))
    d = len(space.inputs)
    check_fits(n * d, "-n", n)
    check_fits(sobol_n * (d + 2) * d, "--sobol-n", sobol_n)
    with evaluation(space, workers, scheduler) as totals:
        ranks = _ranking(space, n, seed, totals)
        sobol = _sobol(space, sobol_n, seed, group, totals)
    base, rows = tornado(space)
    return SensitivityResult(tuple(space.labels), ranks, sobol, elasticities(space), base, rows,
                             tuple(sources))  # fmt: skip
