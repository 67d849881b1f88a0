"""Scores of many samples from the values of a model's matrix entries.

:class:`Evaluator` applies the score algebra (see :mod:`cfp_lca.calc.montecarlo`) to all
samples at once with sparse products; it is the general path, for any sources and any
foreground or background. :func:`fast_scores_from_matrices` feeds it given matrices (bw2calc's
own draws) to check it against bw2calc.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from ..factorization import TRANSPOSED_PERMC_SPEC, technosphere_lu
from .solvers import BatchedSystem
from .structure import ModelStructure


def _sum_matrix(
    targets: np.ndarray, n_targets: int, weights: np.ndarray | None = None
) -> sp.csr_matrix:
    """Sparse (n_targets, len(targets)) matrix summing entries into their targets."""
    w = np.ones(targets.size) if weights is None else weights
    return sp.csr_matrix((w, (targets, np.arange(targets.size))), shape=(n_targets, targets.size))


class Evaluator:
    """Total and stage scores for many samples; ``uncertain[name]`` lists the entries of each
    set whose values are given per sample, the other entries keep their static amount."""

    def __init__(
        self,
        structure: ModelStructure,
        uncertain: dict[str, np.ndarray],
        bg_static_inverse: np.ndarray | None = None,
    ):
        """``bg_static_inverse``: that of another evaluator of ``structure`` (the static
        background's solve, shared rather than factorized again)."""
        self.s = structure
        S = structure.sets
        self.unc = {k: np.asarray(uncertain.get(k, np.zeros(0)), dtype=np.int64) for k in S}
        self.static_mask = {}
        for k, es in S.items():
            m = np.ones(es.size, dtype=bool)
            m[self.unc[k]] = False
            self.static_mask[k] = m
        nF, nR, nfl = structure.n_foreground, structure.n_background, structure.n_flows
        p = structure.interface.size
        # characterization factors per flow
        cf = S["cf"]
        sm = self.static_mask["cf"]
        self.cf_static = np.bincount(cf.target[sm], cf.amount[sm], minlength=nfl)[:, None]
        self.cf_sum = _sum_matrix(cf.target[self.unc["cf"]], nfl)
        # direct characterized emissions: static biosphere entries x c, uncertain ones
        self.bio = {}
        for name, n_act in (("fg_bio", nF), ("bg_bio", nR)):
            es, sm, un = S[name], self.static_mask[name], self.unc[name]
            static_map = sp.csr_matrix(
                (es.amount[sm], (es.target[sm], es.other[sm])), shape=(n_act, nfl)
            )
            self.bio[name] = (static_map, _sum_matrix(es.target[un], n_act), es.other[un])
        # with static characterization factors: the static part of each set's direct emissions
        # as one column, and the uncertain entries summed with their factor as weight
        self.bio_static_c = {}
        if self.unc["cf"].size == 0:
            c = self.cf_static[:, 0]
            for name, n_act in (("fg_bio", nF), ("bg_bio", nR)):
                static_map, _, flows = self.bio[name]
                un = self.unc[name]
                self.bio_static_c[name] = (
                    np.asarray(static_map @ self.cf_static),
                    _sum_matrix(S[name].target[un], n_act, c[flows]) if flows.size else None,
                )
        # interface purchases: u_F -= A_RF^T h
        es, sm, un = S["interface"], self.static_mask["interface"], self.unc["interface"]
        self.if_static = sp.csr_matrix(
            (es.amount[sm], (es.target[sm], es.other[sm])), shape=(nF, p)
        )
        self.if_sum = _sum_matrix(es.target[un], nF)
        self.if_other = es.other[un]
        # foreground and background systems
        fg = S["fg_tech"]
        self.fg_system = BatchedSystem(nF, fg.target, fg.other, fg.amount, self.unc["fg_tech"])
        bg = S["bg_tech"]
        self.bg_system = BatchedSystem(nR, bg.target, bg.other, bg.amount, self.unc["bg_tech"])
        self.bg_transposed = self.bg_system.transposed(TRANSPOSED_PERMC_SPEC)
        self.bg_static_inverse = None
        if self.unc["bg_tech"].size == 0 and bg_static_inverse is not None:
            self.bg_static_inverse = bg_static_inverse
        elif self.unc["bg_tech"].size == 0 and nR:
            A = sp.csr_matrix((bg.amount, (bg.target, bg.other)), shape=(nR, nR))
            rhs = np.zeros((nR, p))
            rhs[structure.interface, np.arange(p)] = 1.0
            # h_int = (A^-1 E)^T d_R
            inverse = technosphere_lu(A).solve(rhs, trans="T")
            self.bg_static_inverse = np.atleast_2d(inverse).reshape(nR, p).T.copy()

    def characterization(self, values: np.ndarray | None) -> np.ndarray:
        """(n_flows, 1 or N) characterization factors: static, plus the sampled ones."""
        if self.unc["cf"].size == 0:
            return self.cf_static
        return self.cf_static + self.cf_sum @ values

    def _direct(self, name: str, c: np.ndarray, values: np.ndarray | None) -> np.ndarray:
        """Characterized direct emissions per activity of set ``name`` ("fg_bio"/"bg_bio")."""
        if name in self.bio_static_c:
            static, weighted = self.bio_static_c[name]
            if weighted is None:
                return static
            d = weighted @ values
            d += static
            return d
        static_map, unc_sum, flows = self.bio[name]
        d = static_map @ c
        if flows.size:
            d = d + unc_sum @ (values * c[flows])
        return np.asarray(d)

    def scores(
        self, values: dict[str, np.ndarray], n_samples: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """(1 + n_stages, N) scores and the (N,) singular mask. ``values[name]`` is
        (len(uncertain[name]), N) in matrix sign."""
        s = self.s
        N = n_samples
        c = self.characterization(values.get("cf"))
        bad = np.zeros(N, dtype=bool)
        p = s.interface.size
        if p:
            d_R = self._direct("bg_bio", c, values.get("bg_bio"))
            if self.bg_static_inverse is not None:
                h = self.bg_static_inverse @ d_R
            else:
                rhs = d_R if d_R.shape[1] in (1, N) else np.broadcast_to(d_R, (d_R.shape[0], N))
                h_R, bad_R = self.bg_transposed.solve(values.get("bg_tech"), rhs, N)
                h = h_R[s.interface]
                bad |= bad_R
        else:
            h = np.zeros((0, 1))
        u = self._direct("fg_bio", c, values.get("fg_bio"))
        if p:
            u = u - np.asarray(self.if_static @ h)
            if self.if_other.size:
                u = u - self.if_sum @ (values["interface"] * h[self.if_other])
        supply, bad_F = self.fg_system.solve(values.get("fg_tech"), s.demand[:, None], N)
        bad |= bad_F
        contrib = supply * u
        out = np.empty((1 + len(s.stages), N))
        out[0] = contrib.sum(axis=0)
        out[1:] = s.stage_matrix @ contrib
        bad |= ~np.isfinite(out).all(axis=0)
        out[:, bad] = np.nan
        return out, bad


def fast_scores_from_matrices(
    structure: ModelStructure,
    technosphere: Sequence[sp.spmatrix],
    biosphere: Sequence[sp.spmatrix],
    characterization: Sequence[sp.spmatrix],
) -> np.ndarray:
    """(1 + n_stages, N) fast-engine scores of N given matrix triples (e.g. bw2calc's draws).

    Each entry takes the matrix value at its position (the first of duplicate entries takes
    the summed value, the others zero), then the fast solver runs on all N at once.
    """
    matrices = {
        "fg_tech": technosphere,
        "interface": technosphere,
        "bg_tech": technosphere,
        "fg_bio": biosphere,
        "bg_bio": biosphere,
        "cf": characterization,
    }
    values, uncertain = {}, {}
    for name, es in structure.sets.items():
        pos = es.matrix_row * (1 << 32) + es.matrix_col
        _, first = np.unique(pos, return_index=True)
        is_first = np.zeros(es.size, dtype=bool)
        is_first[first] = True
        cols = []
        for m in matrices[name]:
            m = sp.csr_matrix(m)
            v = np.asarray(m[es.matrix_row, es.matrix_col]).ravel() if es.size else np.zeros(0)
            cols.append(np.where(is_first, v, 0.0))
        values[name] = np.array(cols).T.reshape(es.size, len(cols))
        uncertain[name] = np.arange(es.size)
    scores, _ = Evaluator(structure, uncertain).scores(values, len(technosphere))
    return scores
