"""The block kernel: the score algebra of :class:`Evaluator` as one row program.

Where it applies (static characterization, acyclic foreground, background acyclic or static,
formulas of random parameters that compile) the fast engine draws each block of
``BLOCK_SIZE`` samples into the rows of a register array and runs one row program
(:mod:`.program`) on it: the parameters' formulas, the background's direct emissions and
solve, the foreground's, the contributions and their sums, in compiled loops a tile of
samples at a time. Each sample is computed on its own, so its numbers depend on its block
only; the operations are the Evaluator's, sums taken in order, so the scores equal the
Evaluator's within float64 rounding (its sparse and BLAS products may add in another order).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from .evaluate import Evaluator
from .opcodes import ADD, COPY, DIV, DIVCHECK
from .program import RowProgram
from .solvers import BatchedSystem
from .transforms import loops

MAX_INSTRUCTIONS = 1_000_000  # a larger program (a dense static background solve): the Evaluator


class NotCompiled(ValueError):
    """A model whose algebra the row program does not take (the Evaluator computes it)."""


def csr_rows(m: sp.csr_matrix) -> list[list[tuple[int, float]]]:
    """Per row, the (column, value) pairs of a CSR matrix in its storage order: the order in
    which scipy's sparse-times-dense product adds them up."""
    m = sp.csr_matrix(m)
    m.sort_indices()
    ind, val = m.indices.tolist(), m.data.tolist()
    return [
        list(zip(ind[a:z], val[a:z], strict=True))
        for a, z in zip(m.indptr[:-1].tolist(), m.indptr[1:].tolist(), strict=True)
    ]


def emit_substitution(
    P: RowProgram,
    system: BatchedSystem,
    values: Sequence[int] | None,
    rhs: Sequence[int],
    tmp: int,
    diag: int,
) -> list[int]:
    """Rows of the solution of an acyclic system by substitution in its order, written into
    ``P``: ``rhs`` minus the static then the drawn off-diagonal products, over the diagonal
    (checked against its tolerance where drawn: a sample below it is flagged singular), as
    ``BatchedSystem._substitute``. ``values``: the rows of the system's drawn entries;
    ``tmp``, ``diag``: scratch rows."""
    x = P.rows(system.n)
    for node, s_cols, s_vals, _, _, unc, d_static, d_unc, tol in system._fast_steps:
        row, start = x[node], rhs[node]
        for terms in (
            [(x[c], P.const(v)) for c, v in zip(s_cols, s_vals, strict=True)],
            [(values[k], x[j]) for k, j in unc],
        ):
            if terms:
                P.subtract_products(row, start, terms, tmp)
                start = row
        if start != row and not d_unc and d_static == 1.0 and _finite(P, start):
            x[node] = start  # x = rhs: the rhs row (or constant) itself
            continue
        if start != row:
            P.op(COPY, row, start)
        if d_unc:
            pivot = values[d_unc[0]]
            if len(d_unc) > 1:
                P.op(ADD, diag, pivot, values[d_unc[1]])
                for k in d_unc[2:]:
                    P.op(ADD, diag, diag, values[k])
                P.op(ADD, diag, P.const(d_static), diag)
                pivot = diag
            elif d_static != 0.0:
                P.op(ADD, diag, pivot, P.const(d_static))
                pivot = diag
            P.op(DIVCHECK, row, row, pivot, P.const(tol))
        elif not abs(d_static) > 0:
            raise NotCompiled("a zero static pivot")  # every sample singular
        elif d_static != 1.0:  # x / 1 is x
            P.op(DIV, row, row, P.const(d_static))
    return x


def _finite(P: RowProgram, operand: int) -> bool:
    """Whether ``operand`` is a row, or a finite constant (a non-finite one is copied into a
    row, whose check flags every sample)."""
    return operand >= 0 or bool(np.isfinite(P.const_values[operand]))


class BlockKernel:
    """The row program of one engine: where its samplers and random parameters draw (rows of
    the register array), and the rows of the scores."""

    @classmethod
    def build(
        cls,
        ev: Evaluator,
        samplers: Sequence[tuple[int, Sequence[tuple[str, int, int]]]],
        layer=None,
    ) -> BlockKernel | None:
        """The kernel of ``ev``, or None where it does not apply. ``samplers``: per sampler,
        its rows drawn and its (set, first row, end row) layout; ``layer``: the random
        parameters' ParameterLayer, if any."""
        s = ev.s
        if ev.unc["cf"].size or not ev.bio_static_c or ev.fg_system.order is None:
            return None
        if s.interface.size and ev.bg_static_inverse is None and ev.bg_transposed.order is None:
            return None
        if layer is not None and layer.program is None:
            return None
        try:
            return cls(ev, samplers, layer)
        except NotCompiled:
            return None

    def __init__(self, ev: Evaluator, samplers, layer=None):
        s = ev.s
        self.ev = ev
        P = self.prog = RowProgram()
        self.q = 1 + len(s.stages)
        if not np.isin(s.stage_matrix, (0.0, 1.0)).all() or (s.stage_matrix.sum(0) > 1).any():
            raise ValueError("stage matrix must be 0/1 with one stage per activity at most")
        values: dict[str, list[int]] = {}
        self.draw_rows: list[int] = []
        for n, layout in samplers:
            rows = P.rows(n)
            self.draw_rows.append(rows[0] if rows else 0)
            for name, lo, hi in layout:
                values[name] = rows[lo:hi]
        self.param_rows: list[int] = []
        if layer is not None:
            self.param_rows = P.rows(layer.sampler.k)
            full = {}
            for name, size in layer.sizes.items():
                full[name] = P.rows(size)
                for row, own in zip(full[name], values.get(name, ()), strict=False):
                    P.op(COPY, row, own)  # own draws first, as ``extended`` orders them
            layer.program.emit(P, self.param_rows, full)
            values.update(full)
        self.tmp, self.diag = P.rows(2)
        self.check: list[int] = []
        h = self._background(values) if s.interface.size else []
        u = self._foreground_direct(values, h)
        x = emit_substitution(
            P,
            ev.fg_system,
            values.get("fg_tech"),
            [P.const(v) for v in s.demand],
            self.tmp,
            self.diag,
        )
        self.check += [r for r in x if r >= 0]
        terms = list(zip(x, u, strict=True))  # contribution of activity j: x_j u_j
        self.out_rows = P.rows(self.q)
        self._sum_of_products(terms, self.out_rows[0])
        for i, row in enumerate(s.stage_matrix, start=1):
            self._sum_of_products(
                [terms[k] for k in np.flatnonzero(row).tolist()], self.out_rows[i]
            )
        self.check += self.out_rows
        if P.size > MAX_INSTRUCTIONS:
            raise NotCompiled(f"{P.size} instructions")
        P.finish()
        self._check = np.array(self.check, dtype=np.int64)
        self._blank = np.array(self.out_rows, dtype=np.int64)

    def _weighted(self, name: str, values: dict[str, list[int]]) -> list[int]:
        """Rows of a set's characterized direct emissions per activity: the static column,
        plus the uncertain entries' weighted sum (as ``Evaluator._direct``); constants where
        nothing is drawn."""
        P = self.prog
        static, weighted = self.ev.bio_static_c[name]
        static = static[:, 0].tolist()
        if weighted is None:
            return [P.const(v) for v in static]
        out = []
        for t, entries in enumerate(csr_rows(weighted)):
            if not entries:
                out.append(P.const(0.0 + static[t]))  # ``weighted @ v`` is +0 there
                continue
            (row,) = P.rows(1)
            P.sum_of_products([(values[name][k], P.const(w)) for k, w in entries], row)
            P.op(ADD, row, row, P.const(static[t]))
            out.append(row)
        return out

    def _background(self, values: dict[str, list[int]]) -> list[int]:
        """Rows of ``h``, the characterized background footprint of each interface product."""
        ev, P = self.ev, self.prog
        H = ev.bg_static_inverse
        static, weighted = ev.bio_static_c["bg_bio"]
        if H is not None and weighted is None:  # p constants: nothing per background row
            return [P.const(v) for v in (H @ static[:, 0]).tolist()]
        d = self._weighted("bg_bio", values)
        if H is None:
            x = emit_substitution(
                P, ev.bg_transposed, values.get("bg_tech"), d, self.tmp, self.diag
            )
            self.check += [r for r in x if r >= 0]
            return [x[i] for i in ev.s.interface.tolist()]
        drawn = [r for r, row in enumerate(d) if row not in P.const_values]
        constant = np.array([P.const_values.get(row, 0.0) for row in d])
        h0 = H @ constant  # the constant rows' part, once
        if H.shape[0] * len(drawn) * 2 > MAX_INSTRUCTIONS:
            raise NotCompiled("a dense background solve of many drawn rows")
        h = []
        for i in range(H.shape[0]):
            (row,) = P.rows(1)
            P.sum_of_products([(P.const(H[i, r]), d[r]) for r in drawn], row)
            P.op(ADD, row, P.const(h0[i]), row)
            h.append(row)
        return h

    def _foreground_direct(self, values: dict[str, list[int]], h: list[int]) -> list[int]:
        """Rows of ``u``: each foreground activity's direct emissions minus what its
        purchases from the background emit, ``A_RF^T h``."""
        ev, P = self.ev, self.prog
        u = self._weighted("fg_bio", values)
        if not h:
            return u
        V = values.get("interface", [])
        unc = csr_rows(ev.if_sum)
        other = ev.if_other.tolist()
        for t, entries in enumerate(csr_rows(ev.if_static)):
            start = u[t]
            for terms in (
                [(h[o], P.const(a)) for o, a in entries],
                [(V[k], h[other[k]]) for k, _ in unc[t]],
            ):
                if terms:
                    if start == u[t]:
                        (row,) = P.rows(1)
                    P.subtract_products(row, start, terms, self.tmp)
                    start = row
            u[t] = start
        return u

    def _sum_of_products(self, terms: list[tuple[int, int]], out: int) -> None:
        """``out`` = the products added in order (0 for none), each rounded as ``x * u``."""
        if terms:
            self.prog.sum_of_products(terms, out)
        else:
            self.prog.op(COPY, out, self.prog.const(0.0))

    def registers(self, samples: int) -> np.ndarray:
        """A register array for ``samples`` samples (constant rows filled)."""
        return self.prog.registers(samples)

    def run(self, R: np.ndarray, bad: np.ndarray) -> None:
        """Scores into the ``out_rows`` of ``R`` from its drawn rows; ``bad`` (zeroed here)
        flags the singular samples, whose scores are NaN."""
        bad[...] = False
        self.prog.run(R, bad)
        loops().flag_nonfinite(R, self._check, self._blank, bad)
