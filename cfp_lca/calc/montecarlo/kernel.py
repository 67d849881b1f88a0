"""The block kernel: :meth:`Evaluator.scores` of whole blocks, written into workspaces.

Where it applies (static characterization, acyclic foreground, background acyclic or static)
the fast engine evaluates a few blocks of ``BLOCK_SIZE`` samples at a time row by row with
``out=`` into preallocated arrays, with the same arithmetic operations in the same order as the
Evaluator: the same numbers, without the allocations of sparse products.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import scipy.sparse as sp

from .evaluate import Evaluator
from .sampling import BLOCK_SIZE


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


class Workspace:
    """Preallocated arrays for one block of samples (one per thread): no large allocation, and
    so no page faults, per block."""

    def __init__(
        self,
        kernel: BlockKernel,
        sizes: Sequence[int],
        blocks: int,
        rows: Mapping[str, int] | None = None,
    ):
        """``sizes``: rows drawn by each sampler; ``rows``: further named (n, blocks, B)
        arrays (random parameters, entry sets completed with the entries they drive)."""
        S = (blocks, BLOCK_SIZE)  # a row: one value per sample of each block
        nF, nR, p = kernel.nF, kernel.nR, kernel.p
        self.blocks = blocks
        self.draws = [np.empty((blocks, u, BLOCK_SIZE)) for u in sizes]
        self.rows = {name: np.empty((n, *S)) for name, n in (rows or {}).items()}
        # background rows only where the kernel uses them: with a static background and static
        # direct emissions the background enters through ``h_static`` alone, so memory does
        # not grow with the size of the background database
        d_rows = nR if kernel.p and kernel.direct["bg_bio"][1] is not None else 0
        solve_rows = nR if kernel.p and kernel.ev.bg_static_inverse is None else 0
        h_rows = p if kernel.h_static is None else 0
        self.d = np.empty((d_rows, *S))
        self.x_R = np.empty((solve_rows, *S))
        self.h = np.empty((h_rows, *S))
        self.u = np.empty((nF, *S))
        self.x_F = np.empty((nF, *S))
        self.contrib = np.empty((nF, *S))
        self.out = np.empty((kernel.q, *S))
        self.bad = np.zeros(S, dtype=bool)
        self.bad_part = np.zeros(S, dtype=bool)
        self.tmp = np.empty(S)
        self.tmp2 = np.empty(S)
        self.fin_R = np.empty((solve_rows, *S), dtype=bool)
        self.fin_F = np.empty((nF, *S), dtype=bool)
        self.fin_q = np.empty((kernel.q, *S), dtype=bool)


class BlockKernel:
    """:meth:`Evaluator.scores` of a few whole blocks of ``BLOCK_SIZE`` samples, written into
    a :class:`Workspace`: the same arithmetic operations in the same order, so the same
    numbers bit for bit, row by row with ``out=`` instead of sparse products that allocate.
    A row holds (blocks, BLOCK_SIZE) values: element-wise work, so a block's numbers do not
    depend on the blocks evaluated with it.

    Built only where it applies (static characterization, acyclic foreground, background
    acyclic or static); elsewhere the engine calls the Evaluator.
    """

    @classmethod
    def build(cls, ev: Evaluator) -> BlockKernel | None:
        """The kernel of ``ev``, or None where it does not apply."""
        s = ev.s
        if ev.unc["cf"].size or not ev.bio_static_c or ev.fg_system.order is None:
            return None
        if s.interface.size and ev.bg_static_inverse is None and ev.bg_transposed.order is None:
            return None
        return cls(ev)

    def __init__(self, ev: Evaluator):
        s = ev.s
        self.ev = ev
        self.nF, self.nR, self.p = s.n_foreground, s.n_background, int(s.interface.size)
        self.q = 1 + len(s.stages)
        # direct emissions: static column and weighted sums of the uncertain entries
        self.direct = {}
        for name in ("fg_bio", "bg_bio"):
            static, weighted = ev.bio_static_c[name]
            rows = csr_rows(weighted) if weighted is not None else None
            self.direct[name] = (static[:, 0].tolist(), rows)
        self.h_static = None
        if self.p and ev.bg_static_inverse is not None and self.direct["bg_bio"][1] is None:
            self.h_static = ev.bg_static_inverse @ ev.bio_static_c["bg_bio"][0]
        self.if_static_rows = csr_rows(ev.if_static)
        self.if_unc_rows = csr_rows(ev.if_sum)
        self.if_other = ev.if_other.tolist()
        self.interface = s.interface.tolist()
        self.demand = s.demand[:, None]
        self.stage_rows = [np.flatnonzero(r).tolist() for r in s.stage_matrix]
        if not np.isin(s.stage_matrix, (0.0, 1.0)).all() or (s.stage_matrix.sum(0) > 1).any():
            raise ValueError("stage matrix must be 0/1 with one stage per activity at most")

    def _weighted(self, name: str, values: np.ndarray, out: np.ndarray, tmp: np.ndarray) -> None:
        """``out`` (n, B) = weighted sums of ``values`` rows + static (as ``_direct``)."""
        static, rows = self.direct[name]
        for t, entries in enumerate(rows):
            row = out[t]
            if not entries:
                row.fill(0.0 + static[t])
                continue
            (k, w), rest = entries[0], entries[1:]
            np.multiply(values[k], w, out=row)
            for k, w in rest:
                np.multiply(values[k], w, out=tmp)
                np.add(row, tmp, out=row)
            np.add(row, static[t], out=row)

    def run(self, values: dict[str, np.ndarray], ws: Workspace) -> None:
        """Scores into ``ws.out`` (q, blocks, B) and the singular mask into ``ws.bad``."""
        ev = self.ev
        tmp, tmp2, bad = ws.tmp, ws.tmp2, ws.bad
        bad[...] = False
        h = None
        if self.p:
            if self.direct["bg_bio"][1] is not None:
                self._weighted("bg_bio", values["bg_bio"], ws.d, tmp)
                d = ws.d
            else:
                d = ev.bio_static_c["bg_bio"][0]
            if ev.bg_static_inverse is not None:
                if self.h_static is not None:
                    h = self.h_static
                else:
                    h = ws.h
                    for g in range(ws.blocks):  # block by block, as for one block
                        h[:, g] = ev.bg_static_inverse @ d[:, g]
                h_rows = h
            else:
                ev.bg_transposed.solve_into(
                    values.get("bg_tech"), d, ws.x_R, ws.bad_part, tmp, ws.fin_R
                )
                bad |= ws.bad_part
                h_rows = ws.x_R
                h = None
        iface = self.interface if h is None else range(self.p)
        # u = direct emissions - A_RF^T h
        u = ws.u
        if self.direct["fg_bio"][1] is not None:
            self._weighted("fg_bio", values["fg_bio"], u, tmp)
            u_static = None
        else:
            u_static = self.direct["fg_bio"][0]
        V = values.get("interface")
        for t in range(self.nF):
            row = u[t]
            # the static direct emissions enter as the first subtraction's scalar operand:
            # ``fill`` then ``row - tmp`` in one pass, the same numbers
            start = row if u_static is None else u_static[t]
            if self.p:
                entries = self.if_static_rows[t]
                if entries:
                    (o, a), rest = entries[0], entries[1:]
                    np.multiply(h_rows[iface[o]], a, out=tmp)
                    for o, a in rest:
                        np.multiply(h_rows[iface[o]], a, out=tmp2)
                        np.add(tmp, tmp2, out=tmp)
                    np.subtract(start, tmp, out=row)
                    start = row
                entries = self.if_unc_rows[t]
                if entries:
                    (k, _), rest = entries[0], entries[1:]
                    np.multiply(V[k], h_rows[iface[self.if_other[k]]], out=tmp)
                    for k, _ in rest:
                        np.multiply(V[k], h_rows[iface[self.if_other[k]]], out=tmp2)
                        np.add(tmp, tmp2, out=tmp)
                    np.subtract(start, tmp, out=row)
                    start = row
            if start is not row:
                row.fill(start)
        ev.fg_system.solve_into(
            values.get("fg_tech"), self.demand, ws.x_F, ws.bad_part, tmp, ws.fin_F
        )
        bad |= ws.bad_part
        contrib = np.multiply(ws.x_F, u, out=ws.contrib)
        out = ws.out
        np.sum(contrib, axis=0, out=out[0])
        for i, rows in enumerate(self.stage_rows, start=1):
            row = out[i]
            if not rows:
                row.fill(0.0)
                continue
            row[...] = contrib[rows[0]]
            for r in rows[1:]:
                np.add(row, contrib[r], out=row)
        bad |= ~np.isfinite(out, out=ws.fin_q).all(axis=0)
        if bad.any():
            out[:, bad] = np.nan
