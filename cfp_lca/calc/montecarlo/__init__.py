"""Monte Carlo uncertainty of a product model: bw2calc's own iteration, and a fast engine.

``engine="brightway"`` iterates bw2calc's stochastic LCA: slow, and the reference.
``engine="fast"`` reads the same matrix entries and distributions from a bw2calc LCA and:

1. pre-solves the background once: the characterized score per unit of every background
   product bought by the foreground (``h``); per sample only when background values vary;
2. draws all samples of the uncertain values at once, chunk by chunk
   (:mod:`.sampling`), sign flips and duplicate sums as matrix_utils applies them;
3. solves the foreground supply for all samples at once (:mod:`.solvers`);
4. attributes each foreground activity its own characterized emissions plus
   amount x ``h`` of each background product it buys (as ``lcia.foreground_contributions``),
   sums them into stages and the total, and streams the statistics.

The score algebra: with the foreground (F) and the background reachable from it (R),
``A_FF s = f``, ``h_R = A_RR^-T (C B_R)^T 1``, ``u_F = (C B_F)^T 1 - A_RF^T h_R`` and the
contribution of foreground activity j is ``s_j u_j``; their sum is bw2calc's score.

The parts, one module each:

* :mod:`.structure`: the model's matrix entries, classified into foreground, interface and
  background sets, in a canonical order (``ModelStructure``, ``build_structure``);
* :mod:`.sampling`: vectorized stats_arrays draws, one generator per block of iterations;
  :mod:`.distributions`: the distributions by stats_arrays' ids, and which cannot be drawn;
  :mod:`.external`: the distributions stats_arrays draws itself (beta, gamma, ...);
* :mod:`.parameters`: the model's random parameters (correlated through a Gaussian copula),
  drawn per block, and the foreground entries their formulas drive; :mod:`.formulas`: their
  formulas as a row program;
* :mod:`.solvers`: one small system solved for many samples (substitution or batched LU);
* :mod:`.evaluate`: scores of many samples from entry values (``Evaluator``);
* :mod:`.transforms`, :mod:`.compiled`: draws transformed in place, and the compiled loops
  (numba) that draw numpy's own numbers and run row programs;
* :mod:`.program`, :mod:`.opcodes`: row programs, instructions on the rows of one register
  array, and their one opcode table;
* :mod:`.kernel`: the same scores as one row program run on whole blocks;
* :mod:`.engines`: ``FastEngine`` and bw2calc's reference (``BrightwayEngine``);
* :mod:`.statistics`: streamed statistics, convergence and ``MonteCarloResult``;
* :mod:`.scheduling`: chunks computed one ahead and ``run_monte_carlo``;
* :mod:`.cluster`, :mod:`.workers`: chunks on a Dask cluster, and the worker plugin that
  keeps the engines on each worker;
* :mod:`.threads`: the worker threads they share.

Uncertainty sources are checked once, where they enter (``run_monte_carlo``, the
comparison's and the sensitivity analysis's entry points), and passed inward as checked.
"""

from __future__ import annotations

from .engines import BrightwayEngine, FastEngine, reference_lca, reference_packages
from .evaluate import Evaluator, fast_scores_from_matrices
from .parameters import ParameterLayer, ParameterSampler
from .sampling import BLOCK_SIZE, Sampler, UnsupportedDistribution, draw_samples
from .scheduling import DEFAULT_CHUNK, finite_engine, run_monte_carlo
from .solvers import BatchedSystem
from .statistics import (
    FLOAT64_STORE_BYTES,
    MAX_REPORTED_SINGULAR,
    PERCENTILES,
    Z95,
    Convergence,
    MonteCarloResult,
    ParameterCorrelation,
    QuantityStats,
)
from .structure import (
    DATA_SOURCES,
    MATRIX_SOURCES,
    SOURCES,
    EntrySet,
    ModelStructure,
    MonteCarloError,
    build_structure,
    entry_identity,
)

__all__ = [
    "BLOCK_SIZE",
    "DEFAULT_CHUNK",
    "FLOAT64_STORE_BYTES",
    "MAX_REPORTED_SINGULAR",
    "PERCENTILES",
    "DATA_SOURCES",
    "MATRIX_SOURCES",
    "SOURCES",
    "Z95",
    "BatchedSystem",
    "BrightwayEngine",
    "finite_engine",
    "Convergence",
    "EntrySet",
    "Evaluator",
    "FastEngine",
    "ModelStructure",
    "MonteCarloError",
    "MonteCarloResult",
    "ParameterCorrelation",
    "ParameterLayer",
    "ParameterSampler",
    "QuantityStats",
    "Sampler",
    "UnsupportedDistribution",
    "build_structure",
    "draw_samples",
    "entry_identity",
    "fast_scores_from_matrices",
    "reference_lca",
    "reference_packages",
    "run_monte_carlo",
]
