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
