"""Scenario comparison under uncertainty, paired by common random numbers.

Every scenario's engine draws each exchange from a stream keyed by the exchange's identity,
so exchanges the scenarios share get the same numbers in the same iteration: the difference
between two scenarios then carries only the uncertainty of what differs between them. An
unpaired run (independent streams per scenario) is computed beside it for contrast, and
bw2calc's MultiLCA Monte Carlo is the reference.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import bw2calc as bc
import bw2data as bd
import numpy as np

from ..model.objects import Method, ProductModel
from .montecarlo import BLOCK_SIZE, SOURCES, FastEngine, reference_packages


@dataclass(frozen=True)
class Comparison:
    """Totals of S scenarios over N iterations, paired and unpaired."""

    names: tuple[str, ...]
    deterministic: np.ndarray  # (S,)
    paired: np.ndarray  # (S, N)
    unpaired: np.ndarray  # (S, N)
    seed: int
    sources: tuple[str, ...]

    @property
    def n(self) -> int:
        return self.paired.shape[1]

    def probability_lower(self, samples: np.ndarray | None = None) -> np.ndarray:
        """(S, S): share of iterations where row's total is below column's."""
        x = self.paired if samples is None else samples
        return (x[:, None, :] < x[None, :, :]).mean(axis=2)

    def difference(self, i: int, j: int, paired: bool = True) -> np.ndarray:
        x = self.paired if paired else self.unpaired
        return x[i] - x[j]


def _run(engines: Sequence[FastEngine], seeds: Sequence[int], n: int,
         progress: Callable[[int], None] | None) -> np.ndarray:  # fmt: skip
    out = np.empty((len(engines), n))
    for lo in range(0, n, 16 * BLOCK_SIZE):
        hi = min(n, lo + 16 * BLOCK_SIZE)
        for k, (engine, seed) in enumerate(zip(engines, seeds, strict=True)):
            scores, _ = engine.chunk(seed, lo, hi)
            out[k, lo:hi] = scores[0]
        if progress:
            progress(hi)
    return out


def compare(
    models: Mapping[str, ProductModel],
    method: Method,
    n: int,
    seed: int,
    sources: Sequence[str] = ("foreground",),
    progress: Callable[[int], None] | None = None,
) -> Comparison:
    """Paired (common random numbers) and unpaired Monte Carlo of several scenarios."""
    engines = [FastEngine(m, method, sources, paired=True) for m in models.values()]
    det = np.array([e.deterministic["total"] for e in engines])
    paired = _run(engines, [seed] * len(engines), n, progress)
    unpaired = _run(engines, [seed + 1 + k for k in range(len(engines))], n, None)
    return Comparison(tuple(models), det, paired, unpaired, seed, tuple(sources))


def reference_compare(
    models: Mapping[str, ProductModel],
    method: Method,
    n: int,
    seed: int,
    sources: Sequence[str] = SOURCES,
) -> np.ndarray:
    """(S, n) totals from bw2calc's MultiLCA Monte Carlo over all scenario databases."""
    demands = {
        name: {bd.get_node(database=m.database, code=m.reference).id: m.functional_amount}
        for name, m in models.items()
    }
    mlca = bc.MultiLCA(
        demands,
        {"impact_categories": [method.name]},
        data_objs=reference_packages(list(models.values()), method, seed, sources),
        use_distributions=True,
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
