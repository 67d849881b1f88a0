"""Row programs: instructions on the rows of one register array, run in compiled loops.

A program is written once (rows for its inputs and results, constants, then ``out = a op b``
instructions on whole rows; an operand is a row or a constant) and run on a (rows, samples)
array: in compiled loops over a tile of ``TILE`` samples at a time (each instruction's rows of
a tile stay in cache, and the loops' overhead is paid once a tile), with the rare operation
that numpy must do itself (a power, whose rounding numpy's own loops decide) as a numpy step
between compiled segments. Each sample is computed on its own.
"""

from __future__ import annotations

import operator
from collections.abc import Callable

import numpy as np

from .opcodes import ADD, COPY, DIV, DIVCHECK, MADD, MSUB, MUL, NEG, SQRT, SUB
from .transforms import loops

# the opcodes are :mod:`.opcodes`' (the one table), named here too for the program's writers
__all__ = ["ADD", "COPY", "DIV", "DIVCHECK", "MADD", "MSUB", "MUL", "NEG", "SQRT", "SUB",
           "TILE", "RowProgram"]  # fmt: skip
TILE = 1024  # samples per pass of a compiled segment


class RowProgram:
    """Rows (inputs, results), constants and the instructions that fill the rows. An operand
    is a row (>= 0) or a constant (-1 - its index)."""

    def __init__(self) -> None:
        self.n_rows = 0
        self.consts: list[float] = []
        self.const_values: dict[int, float] = {}  # operand -> value of each constant
        self.segments: list[np.ndarray | Callable[[np.ndarray], None]] = []
        self.size = 0  # instructions
        self._consts: dict[int, int] = {}
        self._code: list[tuple[int, int, int, int, int]] = []
        self._tiles: np.ndarray | None = None  # each constant over one tile (``finish``)

    def rows(self, n: int) -> list[int]:
        """``n`` new rows."""
        lo = self.n_rows
        self.n_rows += n
        return list(range(lo, lo + n))

    def const(self, value: float) -> int:
        """The operand of constant ``value`` (one per value; -0.0 apart from 0.0)."""
        key = int(np.float64(value).view(np.int64))
        if key not in self._consts:
            self._consts[key] = operand = -1 - len(self.consts)
            self.consts.append(float(value))
            self.const_values[operand] = float(value)
        return self._consts[key]

    def op(self, code: int, out: int, a: int, b: int = 0, c: int = 0) -> None:
        """``out = a code b`` row by row (``c``: the tolerance row of a checked division)."""
        self._code.append((code, out, a, b, c))
        self.size += 1

    def numpy(self, step: Callable[[np.ndarray], None]) -> None:
        """A step numpy does on the whole register array, between compiled segments."""
        self._flush()
        self.segments.append(step)
        self.size += 1

    def sum_of_products(self, terms: list[tuple[int, int]], out: int) -> None:
        """``out = a0 b0 + a1 b1 + ...``, added in order (as a sparse product does)."""
        (a, b), rest = terms[0], terms[1:]
        self.op(MUL, out, a, b)
        for a, b in rest:
            self.op(MADD, out, out, a, b)

    def subtract_products(self, out: int, start: int, terms: list[tuple[int, int]], tmp: int):
        """``out = start - (a0 b0 + a1 b1 + ...)``, the products summed first."""
        if len(terms) == 1:
            self.op(MSUB, out, start, *terms[0])
            return
        self.sum_of_products(terms, tmp)
        self.op(SUB, out, start, tmp)

    def power(self, out: int, a: int, exponent: int | float) -> None:
        """``out = a ** exponent`` (an operand given as an int, or a constant given as a
        float) with numpy's own ``**``, its fast paths (2, 0.5, ...) included."""
        self.numpy(PowerStep(self.consts, out, a, exponent))

    def _flush(self) -> None:
        if self._code:
            self.segments.append(np.array(self._code, dtype=np.int64))
            self._code = []

    def registers(self, samples: int) -> np.ndarray:
        """A (rows, samples) register array (uninitialized: inputs are written in, every
        other row is written by an instruction before it is read)."""
        return np.empty((self.n_rows, samples))

    def finish(self) -> RowProgram:
        """The program complete: its last segment and its constants' tiles made, so that
        threads run it without changing it."""
        self._flush()
        self._tiles = np.repeat(np.array(self.consts, dtype=np.float64)[:, None], TILE, axis=1)
        return self

    def run(self, R: np.ndarray, bad: np.ndarray) -> None:
        """Every instruction on ``R`` (the program finished); checked divisions flag their
        samples in ``bad``."""
        if self._code or self._tiles is None:
            raise RuntimeError("a row program runs once finished")
        compiled = loops()
        for segment in self.segments:
            if isinstance(segment, np.ndarray):
                compiled.run_rows(R, segment, self._tiles, bad)
            else:
                segment(R)


class PowerStep:
    """``R[out] = R[a] ** exponent`` on a register array, a constant where an operand is
    negative (``consts[-1 - x]``): a program's numpy step, kept as data so that a program
    pickles (an engine kept on disk)."""

    def __init__(self, consts: list[float], out: int, a: int, exponent: int | float):
        self.consts, self.out, self.a, self.exponent = consts, out, a, exponent

    def value(self, R: np.ndarray, x: int) -> np.ndarray | float:
        """Register row ``x``, or the constant a negative ``x`` names."""
        return R[x] if x >= 0 else self.consts[-1 - x]

    def __call__(self, R: np.ndarray) -> None:
        exponent = self.exponent
        power = exponent if isinstance(exponent, float) else self.value(R, exponent)
        with np.errstate(all="ignore"):  # a NaN or inf is the sample's, flagged later
            R[self.out] = operator.pow(self.value(R, self.a), power)
