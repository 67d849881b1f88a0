"""How cfp_lca factorizes sparse systems with SuperLU: the column orderings, and the LU of a
technosphere matrix as bw2calc factors it.

bw2calc factorizes ``A^T`` (the CSR technosphere seen as CSC) with COLAMD: technosphere
matrices have far less fill transposed, and COLAMD on ``A`` itself can take minutes on an
imported database (bw2calc ``utils.lu_solver``; brightway2-calc issue 176). A system whose
orientation is not known gets an ordering on the pattern of ``A + A^T``, the same either way.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import splu

# a system whose orientation is not known: the pattern of A + A^T, the same for A and A^T
PERMC_SPEC = "MMD_AT_PLUS_A"
# a transposed technosphere matrix A^T (the system of the unit scores, A^T h = d)
TRANSPOSED_PERMC_SPEC = "COLAMD"


def technosphere_lu(matrix: sp.spmatrix):
    """SuperLU factors of ``A^T`` for a technosphere matrix ``A``: ``.solve(b, trans="T")``
    solves ``A x = b``, ``.solve(d)`` solves ``A^T h = d``."""
    transposed = sp.csr_matrix(matrix).T.tocsc()
    return splu(transposed.astype(np.float64), permc_spec=TRANSPOSED_PERMC_SPEC)


def scored_products(matrix: sp.spmatrix, direct: np.ndarray) -> np.ndarray:
    """Which products (rows of the technosphere ``A``) can carry a unit score: those whose
    supply chain reaches an activity with a direct score (``direct``, by column).

    The structure of ``h = A^-T d`` is what reaches the nonzeros of ``d`` through the inputs
    of each product's producer (Gilbert 1994, the structure of a sparse solve); the producer
    of each product is the column matched to its row (a perfect matching exists for any
    nonsingular ``A``). Elsewhere the solve's rounding (a few 1e-16) is all there is."""
    from scipy.sparse.csgraph import breadth_first_order, maximum_bipartite_matching

    columns = sp.csc_matrix(matrix, dtype=np.float64)
    columns.eliminate_zeros()
    n = columns.shape[0]
    producer = maximum_bipartite_matching(columns, perm_type="column")  # row -> its column
    if producer.size != columns.shape[1] or (producer < 0).any():  # not square, or singular
        return np.ones(n, dtype=bool)
    # edge i -> r where product i is an input of r's producer: who passes a score on to r
    passes = sp.csr_matrix(columns[:, producer])
    sources = np.flatnonzero(direct[producer] != 0)
    start = sp.csr_matrix((np.ones(sources.size), (np.full(sources.size, 0), sources)),
                          shape=(1, n))  # fmt: skip
    graph = sp.hstack([sp.vstack([passes, start]), sp.csr_matrix((n + 1, 1))], format="csr")
    reached = breadth_first_order(graph, n, directed=True, return_predecessors=False)
    scored = np.zeros(n, dtype=bool)
    scored[reached[reached < n]] = True
    return scored
