"""Scenario comparison under uncertainty, paired by common random numbers.

Every scenario's engine draws each exchange from a stream keyed by the exchange's identity,
so exchanges the scenarios share get the same numbers in the same iteration: the difference
between two scenarios then carries only the uncertainty of what differs between them. An
unpaired run (independent streams per scenario) is computed beside it for contrast, and
bw2calc's MultiLCA Monte Carlo is the reference.

Decisions use a relevance threshold t: a scenario is a reduction where its paired change
against its baseline is below -t, an increase where it is above +t; a change within +-t is no
decision either way. Scenarios are compared only with a baseline of the same system boundary
(the model options marked ``boundary``): a scenario that switches a stage on is compared with
the baseline that has it on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import bw2calc as bc
import numpy as np

from ..brightway.foreground import reference_id
from ..errors import InputError
from ..model.objects import Catalog, Method, ProductModel
from ..model.scenarios import Scenario
from ..model.variants import model_variant
from .montecarlo import (
    BLOCK_SIZE,
    DATA_SOURCES,
    FastEngine,
    finite_engine,
    reference_packages,
)
from .montecarlo.cluster import DaskChunks, EngineSpec, cluster_client
from .montecarlo.structure import check_sources

OVERLAYS = ("parameters", "swaps", "changes", "additions")  # what a scenario changes in a model


@dataclass(frozen=True)
class Threshold:
    """The relevance threshold: an amount in the method's unit, or a share of the baseline's
    deterministic total (``relative``)."""

    value: float
    relative: bool = True

    def of(self, baseline: float) -> float:
        """t for a baseline whose deterministic total is ``baseline``."""
        return self.value * abs(baseline) if self.relative else self.value

    def text(self, unit: str) -> str:
        """How t is set, in words."""
        if self.relative:
            return f"{100 * self.value:g} % of the baseline's deterministic total"
        return f"{self.value:g} {unit}"


DEFAULT_THRESHOLD = Threshold(0.01)


@dataclass(frozen=True)
class Group:
    """Scenarios of one system boundary; the first name is their baseline."""

    boundary: dict[str, Any]
    names: tuple[str, ...]

    @property
    def baseline(self) -> str:
        return self.names[0]

    @property
    def label(self) -> str:
        return boundary_label(self.boundary)


@dataclass(frozen=True)
class Comparison:
    """Totals of S scenarios over N iterations, paired and unpaired, in boundary groups."""

    names: tuple[str, ...]
    deterministic: np.ndarray  # (S,)
    paired: np.ndarray  # (S, N)
    unpaired: np.ndarray  # (S, N)
    seed: int
    sources: tuple[str, ...]
    groups: tuple[Group, ...]
    threshold: Threshold = field(default=DEFAULT_THRESHOLD)

    @property
    def n(self) -> int:
        return self.paired.shape[1]

    def index(self, name: str) -> int:
        return self.names.index(name)

    def threshold_of(self, group: Group) -> float:
        """t of ``group``: from its baseline's deterministic total when relative."""
        return self.threshold.of(float(self.deterministic[self.index(group.baseline)]))

    def difference(self, i: int, j: int, paired: bool = True) -> np.ndarray:
        x = self.paired if paired else self.unpaired
        return x[i] - x[j]

    def beyond(self, i: int, j: int, t: float, paired: bool = True) -> tuple[float, float]:
        """(P(x_i - x_j < -t), P(x_i - x_j > +t)): a relevant reduction, a relevant increase."""
        d = self.difference(i, j, paired)
        return float((d < -t).mean()), float((d > t).mean())

    def reduction_matrix(self, group: Group) -> np.ndarray:
        """(k, k) over the group: P(row's total < column's total - t), paired."""
        x = self.paired[[self.index(name) for name in group.names]]
        return (x[:, None, :] - x[None, :, :] < -self.threshold_of(group)).mean(axis=2)


def boundary_label(boundary: Mapping[str, Any]) -> str:
    """Boundary option values as ``name=value`` (true/false bare, as the files write them)."""
    text = {True: "true", False: "false"}
    return ", ".join(f"{k}={text[v] if isinstance(v, bool) else v}" for k, v in boundary.items())


def boundary_options(model: ProductModel) -> tuple[str, ...]:
    """The names of the model's options that change its system boundary."""
    return tuple(k for k, spec in model.option_specs.items() if spec.get("boundary"))


def boundary_of(model: ProductModel) -> dict[str, Any]:
    """The values of the model's boundary options."""
    return {k: model.options[k] for k in boundary_options(model)}


def _same_but_boundary(a: Scenario, b: Scenario) -> bool:
    """Whether two scenarios differ only in the values of boundary options."""
    keep = set(boundary_options(a.built))
    options_a = {k: v for k, v in a.built.options.items() if k not in keep}
    options_b = {k: v for k, v in b.built.options.items() if k not in keep}
    same = a.spec.model_dump(include=set(OVERLAYS)) == b.spec.model_dump(include=set(OVERLAYS))
    return same and options_a == options_b


def _boundary_baseline(
    catalog: Catalog, reference: Scenario, boundary: dict[str, Any], members: Sequence[Scenario]
) -> tuple[str, ProductModel | None]:
    """The baseline of a boundary: a scenario of the group that switches only the boundary of
    the reference, else the reference's model variant with that boundary (name, new model)."""
    same = [s for s in members if _same_but_boundary(s, reference)]
    if same:
        return same[0].name, None
    if any(getattr(reference.spec, k) for k in OVERLAYS):
        label = boundary_label(boundary)
        raise InputError(reference.path, None, f"scenario(s) {', '.join(s.name for s in members)} "
                         f"set {label}, and the baseline '{reference.name}' changes the model: "
                         f"add a scenario with the baseline's changes and {label} to compare "
                         "them with")  # fmt: skip
    options = {**reference.built.options, **boundary}
    name = f"{reference.name}[{boundary_label(boundary)}]"
    return name, model_variant(catalog, reference.model, options)


@dataclass(frozen=True)
class Plan:
    """What a comparison computes: every model (the scenarios and the baselines added for a
    boundary), the groups, and each model's title and kind."""

    models: dict[str, ProductModel]
    groups: tuple[Group, ...]
    titles: dict[str, str]
    kinds: dict[str, str]


def plan_comparison(catalog: Catalog, scenarios: Mapping[str, Scenario]) -> Plan:
    """Group scenarios by system boundary, the first scenario being the baseline; a boundary
    other than the baseline's gets its own baseline (see ``_boundary_baseline``)."""
    reference = next(iter(scenarios.values()))
    by_boundary: dict[tuple, list[Scenario]] = {}
    for s in scenarios.values():
        by_boundary.setdefault(tuple(boundary_of(s.built).items()), []).append(s)
    models = {name: s.built for name, s in scenarios.items()}
    titles = {name: s.title for name, s in scenarios.items()}
    kinds = {name: s.spec.kind for name, s in scenarios.items()}
    groups = []
    for key, members in by_boundary.items():
        boundary, base, added = dict(key), reference.name, None
        if members[0] is not reference:
            base, added = _boundary_baseline(catalog, reference, boundary, members)
        if added is not None:
            models[base] = added
            titles[base] = f"{reference.title}, {boundary_label(boundary)}"
            kinds[base] = reference.spec.kind
        groups.append(Group(boundary, (base, *(s.name for s in members if s.name != base))))
    return Plan(models, tuple(groups), titles, kinds)


def _single_group(models: Mapping[str, ProductModel]) -> tuple[Group, ...]:
    """All models in one group; models of different boundaries are refused."""
    boundaries = {name: boundary_of(m) for name, m in models.items()}
    first = next(iter(boundaries.values()))
    other = [name for name, b in boundaries.items() if b != first]
    if other:
        raise ValueError(f"{', '.join(other)} differ in system boundary from the baseline: "
                         "group them with plan_comparison")  # fmt: skip
    return (Group(first, tuple(models)),)


CHUNK = 16 * BLOCK_SIZE  # iterations per chunk of every scenario
Chunk = Callable[[int, int], tuple[np.ndarray, np.ndarray]]  # (start, stop) -> (scores, singular)


def _chunks(engines: Sequence[FastEngine], specs: Sequence[EngineSpec], seeds: Sequence[int],
            n: int, client) -> list[Chunk]:  # fmt: skip
    """Each scenario's chunk function: its engine's here, or its engine's on the cluster of
    ``client`` (the same bounds and seeds, so the same numbers)."""
    if client is None:
        return [partial(e.chunk, s) for e, s in zip(engines, seeds, strict=True)]
    return [DaskChunks(client, spec, s, n, CHUNK).get for spec, s in zip(specs, seeds, strict=True)]


def _run(chunks: Sequence[Chunk], n: int, progress: Callable[[int], None] | None) -> np.ndarray:
    out = np.empty((len(chunks), n))
    for lo in range(0, n, CHUNK):
        hi = min(n, lo + CHUNK)
        for k, chunk in enumerate(chunks):
            scores, _ = chunk(lo, hi)
            out[k, lo:hi] = scores[0]
        if progress:
            progress(hi)
    return out


def compare(
    models: Mapping[str, ProductModel],
    method: Method,
    n: int,
    seed: int,
    sources: Sequence[str] = DATA_SOURCES,
    progress: Callable[[int], None] | None = None,
    groups: Sequence[Group] | None = None,
    threshold: Threshold = DEFAULT_THRESHOLD,
    workers: int | None = None,
    scheduler: str | None = None,
) -> Comparison:
    """Paired (common random numbers) and unpaired Monte Carlo of several scenarios; without
    ``groups``, one group whose baseline is the first model (all of one boundary).
    ``workers`` (processes of a local Dask cluster) or ``scheduler`` (the address of one): the
    scenarios' chunks are computed there, with the same numbers as here."""
    sources = check_sources(sources)
    engines = [finite_engine(m, method, sources, paired=True) for m in models.values()]
    det = np.array([e.deterministic["total"] for e in engines])
    with cluster_client(workers, scheduler) as client:
        specs = []
        if client is not None:
            specs = [EngineSpec.here(m, method, sources, paired=True) for m in models.values()]
        same = [seed] * len(engines)
        paired = _run(_chunks(engines, specs, same, n, client), n, progress)
        own = [seed + 1 + k for k in range(len(engines))]
        unpaired = _run(_chunks(engines, specs, own, n, client), n, None)
    groups = tuple(groups) if groups is not None else _single_group(models)
    return Comparison(tuple(models), det, paired, unpaired, seed, sources, groups,
                      threshold)  # fmt: skip


def reference_compare(
    models: Mapping[str, ProductModel],
    method: Method,
    n: int,
    seed: int,
    sources: Sequence[str] = DATA_SOURCES,
) -> np.ndarray:
    """(S, n) totals from bw2calc's MultiLCA Monte Carlo over all scenario databases."""
    sources = check_sources(sources)
    demands = {name: {reference_id(m): m.functional_amount} for name, m in models.items()}
    mlca = bc.MultiLCA(
        demands,
        {"impact_categories": [method.name]},
        data_objs=reference_packages(
            list(models.values()), method, seed, sources, iterations=n, paired=True
        ),
        use_distributions=True,
        use_arrays=True,
    )
    mlca.lci()
    mlca.lcia()
    out = np.empty((len(models), n))
    for it in range(n):
        if it:
            next(mlca)
        for k, name in enumerate(models):
            out[k, it] = mlca.scores[(method.name, name)]
    return out
