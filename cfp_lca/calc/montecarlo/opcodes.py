"""The row program's opcodes: the one table that :mod:`.program` writes instructions with and
:mod:`.compiled` runs them by (``out = a op b``, row by row; see ``compiled.run_rows``).

This module imports nothing, so the program is written without importing numba; the
compiled loops take the table as the closure of their kernel, which numba's on-disk cache
keys on (see ``compiled.row_kernel``): a changed table is compiled again, never run stale.
"""

from __future__ import annotations

import operator

ADD, SUB, MUL, DIV, COPY, NEG, SQRT, DIVCHECK, MADD, MSUB = range(10)
TABLE = (ADD, SUB, MUL, DIV, COPY, NEG, SQRT, DIVCHECK, MADD, MSUB)  # as the kernel takes it
OPERATORS = {operator.add: ADD, operator.sub: SUB, operator.mul: MUL, operator.truediv: DIV}
