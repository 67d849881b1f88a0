"""The Monte Carlo engines: the fast vectorized one and bw2calc's own iteration.

An engine has a ``structure``, the ``deterministic`` scores, and ``chunk(seed, start, stop)``
returning the (labels, stop - start) scores and the singular mask of those iterations.
:class:`FastEngine` draws whole blocks and evaluates them with the block kernel where it
applies, with the Evaluator elsewhere; :class:`BrightwayEngine` iterates a stochastic bw2calc
LCA on :func:`reference_packages`, the reference the fast engine is checked against. Entries
driven by random parameters reach bw2calc as array resources holding the fast engine's values
(one column per iteration), so both engines compute the same iterations for them.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ...model.objects import Method, ProductModel
from . import threads
from .distributions import UnsupportedDistribution, invalid_entries
from .evaluate import Evaluator
from .kernel import BlockKernel
from .parameters import ParameterLayer
from .sampling import BLOCK_SIZE, Sampler
from .structure import (
    DATA_SOURCES,
    MATRIX_SOURCES,
    MonteCarloError,
    build_structure,
    invalid_distributions,
    node_keys_or_error,
)

if TYPE_CHECKING:  # Brightway is imported where an engine is built, not where one is read
    import bw2calc as bc
    import bw_processing as bwp


class FastEngine:
    """Vectorized sampling and solving of one model for the selected sources."""

    STREAMS = {"foreground": 0, "background": 1, "characterization": 2}

    def __init__(
        self,
        model: ProductModel,
        method: Method,
        sources: tuple[str, ...] = DATA_SOURCES,
        paired: bool = False,
    ):
        """``sources``: the uncertainty sources drawn, as the entry point that took them
        checked them (``structure.check_sources``); ``paired``: one random stream per
        exchange, keyed by its identity, and per random parameter, keyed by its name, so
        engines of different scenarios draw the same numbers for the exchanges and
        parameters they share."""
        from ..lcia import model_lca

        self.sources = tuple(sources)
        lca = model_lca(model, method)
        # the matrices only: the static scores come from the evaluator below, so the whole
        # system (an imported background, say) is never factorized here
        lca.load_lci_data()
        lca.build_demand_array()
        lca.load_lcia_data()
        self.structure = build_structure(model, lca, identities=paired)
        st = self.structure
        self.own: dict[str, np.ndarray] = {}  # per set, the entries with draws of their own
        self.samplers: list[tuple[Sampler, list[tuple[str, int, int]]]] = []
        for source in MATRIX_SOURCES:
            if source in self.sources:
                self._add_sampler(lca, source, paired)
        # random parameters: data with the foreground source, assumptions with their own;
        # those not drawn stay at their values
        self.parameters: ParameterLayer | None = None
        uncertain = dict(self.own)
        held = model.parameters.held(self.sources) if model.parameters is not None else ()
        if model.parameters is not None and len(held) < len(model.parameters.random):
            self.parameters = ParameterLayer(model, st, paired, held)
            uncertain = self.parameters.extended(uncertain)
        static = Evaluator(st, {})
        self.evaluator = Evaluator(st, uncertain, static.bg_static_inverse)
        det, _ = static.scores({}, 1)
        self.deterministic = dict(zip(st.labels, det[:, 0].tolist(), strict=True))
        # per sampler: the matrix sign of each drawn row (None: all +1)
        self._signs = [self._matrix_signs(layout) for _, layout in self.samplers]
        # samplers too large to draw whole blocks go the general way, a part at a time
        self.part = min([BLOCK_SIZE] + [s.part_size for s, _ in self.samplers])
        self._kernel = None
        if self.part == BLOCK_SIZE:
            layouts = [(s.n_uncertain, layout) for s, layout in self.samplers]
            self._kernel = BlockKernel.build(self.evaluator, layouts, self.parameters)
        self._local = threading.local()

    def __getstate__(self) -> dict:
        """Pickled without its threads' register arrays (made again on first use)."""
        state = dict(self.__dict__)
        del state["_local"]
        return state

    def __setstate__(self, state: dict) -> None:
        """The state read back, with no register arrays yet."""
        self.__dict__.update(state)
        self._local = threading.local()

    def _add_sampler(self, lca: bc.LCA, source: str, paired: bool) -> None:
        """The sampler of one source's uncertain entries (where it has some), its sets laid
        out as row ranges; each set's entries with draws of their own into ``own``. A
        distribution that cannot be drawn is an error naming its exchange."""
        st = self.structure
        dists, amounts, keys, layout, offset = [], [], [], [], 0
        for name in [k for k, es in st.sets.items() if es.source == source]:
            es, idx = st.sets[name], st.uncertain_entries(name)
            self.own[name] = idx
            # draws are made on the stored (unflipped) amount, then flipped
            dists.append(es.distributions[idx])
            amounts.append(es.amount[idx] * es.sign[idx])
            if paired:  # identities exist only for paired runs
                keys.append(es.identity[idx])
            layout.append((name, offset, offset + idx.size))
            offset += idx.size
        if not offset:
            return
        try:
            sampler = Sampler.from_arrays(
                np.concatenate(dists),
                np.concatenate(amounts),
                stream=self.STREAMS[source],
                keys=np.concatenate(keys) if paired else None,
            )
        except UnsupportedDistribution as exc:
            where = [(name, self.own[name][i - lo]) for i, _ in exc.entries
                     for name, lo, hi in layout if lo <= i < hi]  # fmt: skip
            raise invalid_distributions(lca, st, where, exc.entries) from None
        self.samplers.append((sampler, layout))

    def _matrix_signs(self, layout: list[tuple[str, int, int]]) -> np.ndarray | None:
        """The matrix sign of each row a sampler draws (its sets as row ranges), or None
        where all are +1 (nothing to multiply)."""
        sets = self.structure.sets
        sign = np.concatenate([sets[name].sign[self.own[name]] for name, _, _ in layout])
        return None if (sign == 1.0).all() else sign

    def random_draws(self) -> list[tuple[int, int, int]]:
        """(stream, standard normals, uniforms) that each iteration draws from each block
        generator (unpaired runs, bounds redraws aside): what bounds the speed of drawing."""
        out = [(sampler.stream, *sampler.draw_counts()) for sampler, _ in self.samplers]
        if self.parameters is not None:
            out += self.parameters.sampler.draw_counts()
        return out

    def draw_values(self, seed: int, start: int, stop: int) -> dict[str, np.ndarray]:
        """Per entry set, the (uncertain entries, stop - start) values in matrix sign: own
        draws, and the entries driven by random parameters."""
        values: dict[str, np.ndarray] = {}
        for (sampler, layout), sign in zip(self.samplers, self._signs, strict=True):
            draws = sampler.draw(seed, start, stop, factor=sign)  # in matrix sign
            for name, lo, hi in layout:
                values[name] = draws[lo:hi]
        if self.parameters is not None:
            params = self.parameters.sampler.draw(seed, start, stop)
            self.parameters.complete(values, params)
        return values

    def chunk(
        self, seed: int, start: int, stop: int, out: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(q, stop - start) scores and the singular mask of iterations ``start`` to ``stop``;
        the scores are written into ``out`` when given (e.g. a slice of the statistics' store).

        Block by block: each block of ``BLOCK_SIZE`` iterations is drawn into the rows of a
        register array reused by its thread and scored there by the kernel's row program,
        blocks shared among threads (numpy's and the compiled loops release the GIL); a
        sample's numbers depend only on its block, never on the chunk.
        """
        if self._kernel is None or stop <= start:
            return self._general(seed, start, stop, out)
        N = stop - start
        kernel = self._kernel
        if out is None:
            out = np.empty((kernel.q, N))
        bad = np.empty(N, dtype=bool)
        rows = slice(kernel.out_rows[0], kernel.out_rows[-1] + 1)

        def work(blocks: list[int]) -> None:
            R, bad_block = self._registers()
            for b in blocks:
                self._block(seed, b, R, bad_block)
                lo, hi = max(start, b * BLOCK_SIZE), min(stop, (b + 1) * BLOCK_SIZE)
                a, z = lo - b * BLOCK_SIZE, hi - b * BLOCK_SIZE
                out[:, lo - start : hi - start] = R[rows, a:z]
                bad[lo - start : hi - start] = bad_block[a:z]

        blocks = list(range(start // BLOCK_SIZE, (stop - 1) // BLOCK_SIZE + 1))
        workers = min(threads.WORKERS, len(blocks))
        if workers > 1:
            list(threads.pool().map(work, [blocks[w::workers] for w in range(workers)]))
        else:
            work(blocks)
        return out, bad

    def _general(
        self, seed: int, start: int, stop: int, out: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`chunk` by the evaluator, a part of ``self.part`` iterations at a time (the
        largest sampler's parts: its draws never held for more iterations than that), parts
        shared among threads (each writes its own columns: the numbers do not change)."""
        N = stop - start
        if out is None:
            out = np.empty((len(self.structure.labels), N))
        bad = np.zeros(N, dtype=bool)
        first = start // self.part * self.part
        bounds = [
            (max(lo, start), min(lo + self.part, stop)) for lo in range(first, stop, self.part)
        ]

        def work(lo: int, hi: int) -> None:
            scores, bad_part = self.evaluator.scores(self.draw_values(seed, lo, hi), hi - lo)
            out[:, lo - start : hi - start] = scores
            bad[lo - start : hi - start] = bad_part

        if len(bounds) > 1 and threads.WORKERS > 1:
            list(threads.pool().map(lambda b: work(*b), bounds))
        else:
            for lo, hi in bounds:
                work(lo, hi)
        return out, bad

    def _registers(self) -> tuple[np.ndarray, np.ndarray]:
        """This thread's register array of one block and its singular mask, reused."""
        regs = getattr(self._local, "registers", None)
        if regs is None:
            regs = self._local.registers = (
                self._kernel.registers(BLOCK_SIZE),
                np.zeros(BLOCK_SIZE, dtype=bool),
            )
        return regs

    def _block(self, seed: int, block: int, R: np.ndarray, bad: np.ndarray) -> None:
        """Draws (in matrix sign) of one block into the kernel's rows of ``R``, then its
        scores."""
        kernel = self._kernel
        for (sampler, _), sign, row in zip(
            self.samplers, self._signs, kernel.draw_rows, strict=True
        ):
            sampler.draw_block_into(seed, block, R[row : row + sampler.n_uncertain], factor=sign)
        if self.parameters is not None:
            rows = kernel.param_rows
            self.parameters.sampler.draw_block_into(seed, block, R[rows[0] : rows[-1] + 1])
        kernel.run(R, bad)


def reference_packages(
    model: ProductModel | Sequence[ProductModel],
    method: Method,
    seed: int,
    sources: tuple[str, ...] = DATA_SOURCES,
    iterations: int | None = None,
    paired: bool = False,
    supply_chain: frozenset[int] | None = None,
    supply_chain_only: bool = False,
) -> list[bwp.Datapackage]:
    """The model's datapackages for bw2calc's Monte Carlo, one per matrix with its own seed.

    bw2calc draws every entry of the databases loaded; a distribution that cannot be drawn
    is one error naming each entry and whether it lies in ``supply_chain`` (the activities
    the model reaches); ``supply_chain_only`` draws only those (what the result depends on).

    ``seed_override`` would give every resource group the same seed, and so the same normal
    draws to the technosphere and biosphere groups (correlated parameters); separate packages
    seeded from ``SeedSequence(seed)`` keep them independent. Distributions of sources not
    selected are set to undefined (type 0: the static amount).

    Entries driven by random parameters get their values from array packages (see
    :func:`parameter_packages`): ``iterations`` columns, the fast engine's values for
    ``seed`` (``paired``: keyed by name, as in comparisons), so bw2calc computes the very
    iterations of the fast engine for them. ``sources`` as the entry point checked them.
    """
    import bw_processing as bwp

    from ...brightway.datapackages import method_datapackage
    from ...brightway.foreground import model_datapackage, model_nodes

    models = [model] if isinstance(model, ProductModel) else list(model)
    arrays = []
    if "foreground" in sources or "assumptions" in sources:
        arrays = parameter_packages(models, method, seed, iterations, paired, sources)
    fg = {i for m in models for i in model_nodes(m)}
    seeds = np.random.SeedSequence(seed).generate_state(3).tolist()
    inventory = model_datapackage(models)
    cf = method_datapackage(method.name)
    out = []
    for k, (dp, label) in enumerate(
        ((inventory, "technosphere"), (inventory, "biosphere"), (cf, "characterization"))
    ):
        indices = dp.get_resource(f"{label}.indices")[0]
        try:
            dist = dp.get_resource(f"{label}.distributions")[0].copy()
        except KeyError:  # bw_processing leaves out an all-undefined array
            dist = np.zeros(indices.size, dtype=bwp.UNCERTAINTY_DTYPE)
            dist["loc"] = dp.get_resource(f"{label}.data")[0]
        if label == "characterization":
            keep = np.full(dist.size, "characterization" in sources)
        else:
            in_fg = np.isin(indices["col"], list(fg))
            keep = np.where(in_fg, "foreground" in sources, "background" in sources)
        data = dp.get_resource(f"{label}.data")[0]
        if supply_chain_only and supply_chain is not None and label != "characterization":
            keep &= np.isin(indices["col"], list(supply_chain))
        # an undefined distribution draws its ``loc``: the static amount, not ln(amount)
        dist["uncertainty_type"][~keep] = 0
        dist["loc"][~keep] = data[~keep]
        _check_drawable(label, indices, dist, supply_chain)
        try:
            flip = dp.get_resource(f"{label}.flip")[0]
        except KeyError:
            flip = np.zeros(indices.size, dtype=bool)
        # canonical entry order, so bw2calc's draws do not depend on the ids given at writing
        keys = node_keys_or_error(set(indices["row"].tolist()) | set(indices["col"].tolist()))
        order = np.array(
            sorted(
                range(indices.size),
                key=lambda k: (keys[indices["col"][k]], keys[indices["row"][k]], k),
            ),
            dtype=np.int64,
        )
        indices, data, flip, dist = indices[order], data[order], flip[order], dist[order]
        new = bwp.create_datapackage(
            sum_intra_duplicates=True, sum_inter_duplicates=False, seed=int(seeds[k])
        )
        extra = {"identifier": list(method.name)} if label == "characterization" else {}
        drawn = _drawn_positions(indices, dist)
        for name, part in ((label, drawn), (f"{label}-static", ~drawn)):
            if part.any():
                new.add_persistent_vector(
                    matrix=f"{label}_matrix",
                    name=name,
                    indices_array=indices[part],
                    data_array=data[part],
                    flip_array=flip[part],
                    **({"distributions_array": dist[part]} if name == label else {}),
                    **extra,
                )
        out.append(new)
    return out + arrays


def _check_drawable(label: str, indices: np.ndarray, dist: np.ndarray,
                    supply_chain: frozenset[int] | None) -> None:  # fmt: skip
    """One MonteCarloError naming every entry bw2calc would fail to draw, and whether it
    lies in the model's supply chain."""
    from ...brightway.linking import node_labels

    bad = invalid_entries(dist)
    if not bad:
        return
    rows = [(int(indices["row"][i]), int(indices["col"][i]), why) for i, why in bad]
    keys = node_keys_or_error({i for r, c, _ in rows for i in (r, c)})
    labels = node_labels(keys.values())
    inside = sum(1 for _, c, _ in rows if supply_chain is None or c in supply_chain)

    def where(col: int) -> str:
        if supply_chain is None or col in supply_chain:
            return "in the model's supply chain"
        return "outside the model's supply chain"

    shown = "; ".join(
        f"database '{keys[c][0]}', activity {labels.get(keys[c], keys[c][1])!r}, exchange "
        f"{labels.get(keys[r], keys[r][1])!r} ({where(c)}): {why}"
        for r, c, why in rows[:5]
    )
    more = f" (and {len(rows) - 5} more)" if len(rows) > 5 else ""
    hint = ("" if inside == len(rows) else "; --supply-chain-only draws only the supply chain, "
            "as the fast engine does")  # fmt: skip
    raise MonteCarloError(
        f"{len(rows)} {label} distributions cannot be drawn by bw2calc ({inside} in the "
        f"model's supply chain): {shown}{more}{hint}"
    )


def _drawn_positions(indices: np.ndarray, dist: np.ndarray) -> np.ndarray:
    """Entries at a matrix position where something is drawn. The others go to a resource
    without distributions, so bw2calc takes their float64 amount, not the float32 ``loc``
    that stats_arrays returns for an undefined distribution; a position is never split
    (its entries are summed within one resource, not overwritten across two)."""
    drawn = ~np.isin(dist["uncertainty_type"], (0, 1))
    position = indices["row"].astype(np.int64) * (1 << 32) + indices["col"].astype(np.int64)
    return np.isin(position, position[drawn])


def parameter_packages(
    models: Sequence[ProductModel],
    method: Method,
    seed: int,
    iterations: int | None,
    paired: bool = False,
    sources: Sequence[str] = ("foreground",),
) -> list[bwp.Datapackage]:
    """Array packages (one column per iteration, read in order) that overwrite the matrix
    entries driven by random parameters with the fast engine's values for ``seed``: one
    package per matrix, so that each matrix steps its own column once per iteration; the
    parameters ``sources`` hold (see ``ParameterModel.held``) keep their values."""
    import bw_processing as bwp

    columns: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {}
    for model in models:
        if model.parameters is None:
            continue
        if iterations is None:
            raise MonteCarloError(
                f"model '{model.name}' has random parameters: the reference engine needs the "
                "number of iterations to draw them ahead"
            )
        drawn = tuple(x for x in ("foreground", "assumptions") if x in sources)
        engine = FastEngine(model, method, drawn, paired=paired)
        if engine.parameters is None:
            continue
        values = engine.draw_values(seed, 0, iterations)
        for name in engine.parameters.rows:
            matrix = "biosphere_matrix" if name == "fg_bio" else "technosphere_matrix"
            columns.setdefault(matrix, []).append(_position_values(engine, name, values[name]))
    out = []
    for matrix, parts in columns.items():
        dp = bwp.create_datapackage(
            sum_intra_duplicates=True, sum_inter_duplicates=False, sequential=True
        )
        indices = np.concatenate([p[0] for p in parts])
        dp.add_persistent_array(
            matrix=matrix,
            name=f"parameters-{matrix}",
            indices_array=indices,
            data_array=np.concatenate([p[1] for p in parts]),
            flip_array=np.zeros(indices.size, dtype=bool),
        )
        out.append(dp)
    return out


def _position_values(
    engine: FastEngine, name: str, values: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(indices, (positions, iterations) values in matrix sign) of every matrix position of
    set ``name`` that holds a driven entry: all entries there summed, as bw2calc sums them."""
    import bw_processing as bwp

    es = engine.structure.sets[name]
    unc = engine.evaluator.unc[name]
    driven = {tuple(es.nodes[unc[pos]]) for pos, *_ in engine.parameters.rows[name]}
    positions = sorted(driven)
    index = {p: k for k, p in enumerate(positions)}
    data = np.zeros((len(positions), values.shape[1]))
    row_of = {int(e): r for r, e in enumerate(unc.tolist())}
    for e in range(es.size):
        k = index.get(tuple(es.nodes[e]))
        if k is not None:
            data[k] += values[row_of[e]] if e in row_of else es.amount[e]
    indices = np.array(positions, dtype=bwp.INDICES_DTYPE)
    return indices, data


def reference_lca(
    model: ProductModel,
    method: Method,
    seed: int,
    sources: tuple[str, ...] = DATA_SOURCES,
    iterations: int | None = None,
    supply_chain: frozenset[int] | None = None,
    supply_chain_only: bool = False,
) -> bc.LCA:
    """bw2calc's stochastic LCA of the model (lci and lcia done: already the first draw);
    ``iterations``: how many the random parameters are drawn for (see reference_packages)."""
    import bw2calc as bc

    from ...brightway.foreground import reference_id

    packages = reference_packages(model, method, seed, sources, iterations,
                                  supply_chain=supply_chain,
                                  supply_chain_only=supply_chain_only)  # fmt: skip
    lca = bc.LCA(
        {reference_id(model): model.functional_amount},
        data_objs=packages,
        use_distributions=True,
        use_arrays=True,
    )
    lca.lci()
    lca.lcia()
    return lca


class BrightwayEngine:
    """bw2calc's own Monte Carlo: one LCA iterated with ``next``; stages as in static LCIA.

    Deterministic for a seed: each matrix's package has its own seed (``reference_packages``),
    entries come in a canonical order, and the stage sums add activities in code order.
    """

    def __init__(
        self,
        model: ProductModel,
        method: Method,
        seed: int,
        sources: tuple[str, ...] = DATA_SOURCES,
        iterations: int | None = None,
        supply_chain_only: bool = False,
    ):
        """``iterations``: how many will be run, needed ahead where random parameters drive
        entries (their values come as arrays, see :func:`reference_packages`);
        ``supply_chain_only``: draw only the activities the model reaches; ``sources`` as
        the entry point checked them."""
        from ...brightway.foreground import model_nodes

        self.sources = tuple(sources)
        self.model = model
        fast = FastEngine(model, method, self.sources)
        self.structure = fast.structure
        self.deterministic = fast.deterministic
        self.parameters = fast.parameters
        self.lca = reference_lca(model, method, seed, self.sources, iterations,
                                 self.structure.supply_chain, supply_chain_only)  # fmt: skip
        # by code: the stages sum their activities in this order, which must not change
        # between runs (bw2data iterates a database in random order), so the same seed gives
        # the very same numbers
        self.nodes = model_nodes(model)
        self.stage_of = {a.code: a.stage for a in model.activities}
        self.first = True

    def chunk(self, seed: int, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        """Scores and singular mask of bw2calc's next ``stop - start`` iterations (the LCA
        carries its own seed; ``seed`` is not used)."""
        from ..lcia import foreground_contributions

        del seed
        labels = self.structure.labels
        out = np.full((len(labels), stop - start), np.nan)
        bad = np.zeros(stop - start, dtype=bool)
        for k in range(stop - start):
            try:
                if not self.first:
                    next(self.lca)
                self.first = False
                by_activity, _ = foreground_contributions(self.lca, self.nodes)
                stages = np.zeros(len(labels) - 1)
                for code, value in by_activity.items():
                    stage = self.stage_of.get(code)
                    if stage is not None:
                        stages[labels.index(stage) - 1] += value
                out[0, k] = self.lca.score
                out[1:, k] = stages
            except Exception:  # noqa: BLE001 - a failed iteration is reported, not fatal
                bad[k] = True
            if not np.isfinite(out[:, k]).all():
                bad[k] = True
        out[:, bad] = np.nan
        return out, bad
