"""The formulas of a model's random parameters as a row program, for whole blocks of samples.

The formulas are walked by the model's own formula evaluator (:class:`Evaluator` of
:mod:`cfp_lca.model.formula`, the one walker of formula trees): an operation whose operands
are all fixed values is computed and checked by the evaluator itself; one on a value that
varies with the sample (a draw, or a sub-term of one) becomes a node of the program. The
nodes are then written as row-program instructions, each driven value copied into its rows
as soon as it is known.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Mapping, Sequence

import numpy as np

from ...model.formula import BINARY, UNARY, Evaluator
from ...model.parameters import ParameterModel
from .opcodes import COPY, NEG, OPERATORS
from .program import RowProgram


class _Sym:
    """A value of the formula program that varies with the sample: node ``index``."""

    __slots__ = ("index",)

    def __init__(self, index: int):
        self.index = index


def _key(value) -> tuple:
    """What identifies an operand: a node, or a constant by its type and exact value."""
    if isinstance(value, _Sym):
        return ("node", value.index)
    return ("const", type(value), repr(value))


class _Symbolic(Evaluator):
    """The formula evaluator over names some of which are nodes of ``program``: operations on
    nodes become nodes, every other step is the evaluator's own (checked, same numbers)."""

    def __init__(self, program: FormulaProgram, text: str, names: Mapping):
        super().__init__(text, names)
        self.program = program

    def binary(self, node: ast.BinOp, left, right):
        """A node where an operand varies with the sample, else the checked value."""
        if isinstance(left, _Sym) or isinstance(right, _Sym):
            return self.program.node(BINARY[type(node.op)], left, right)
        return super().binary(node, left, right)

    def unary(self, node: ast.UnaryOp, operand):
        """A node where the operand varies with the sample, else the value."""
        if isinstance(operand, _Sym):
            return self.program.node(UNARY[type(node.op)], operand, None)
        return super().unary(node, operand)


class FormulaProgram:
    """:meth:`ParameterModel.magnitudes` and :meth:`ParameterLayer.complete` as instructions
    of a row program (:mod:`.program`), run by the block kernel with the model's algebra: the
    same IEEE operations on the same operands as the formula evaluator (operands in the same
    order, constant sub-terms computed once by the evaluator itself, powers by numpy), so the
    same numbers bit for bit. A sub-term met again with the same operands (``1 - R1``, ``m_a +
    m_b``) is computed once.
    """

    def __init__(self, model: ParameterModel, rows: Mapping[str, Sequence[tuple]]):
        self.k = len(model.random)
        self._nodes: list[tuple] = []  # (function, operand, operand): operands _Sym or scalars
        self._memo: dict[tuple, _Sym] = {}
        model_ns: dict = dict(model.model_static)
        self._apply(model.model_steps, model_ns, model.random)
        spaces: dict[str | None, dict] = {None: model_ns}
        results = []
        for x in model.driven:
            if x.scope not in spaces:
                spaces[x.scope] = dict(model_ns)
                self._apply(model.activity_steps[x.scope], spaces[x.scope], model.random)
            results.append(_Symbolic(self, x.formula, spaces[x.scope]).evaluate())
        self._emit(results, rows)

    def _apply(self, steps, ns: dict, random) -> None:
        """The values of ``steps`` into ``ns``: statics, draws (as nodes), formulas."""
        for s in steps:
            if s.kind == "static":
                ns[s.name] = s.value
            elif s.kind == "random":
                draw = self.node(None, ("draw", s.index), None)
                factor = random[s.index].base_factor
                ns[s.name] = draw if factor == 1.0 else self.node(operator.mul, draw, factor)
            else:
                ns[s.name] = _Symbolic(self, s.formula, ns).evaluate()

    def node(self, func, a, b) -> _Sym:
        """The node ``func(a, b)`` (``func`` None: a draw), made once per operands."""
        key = (func, a if func is None else _key(a), _key(b))
        if key not in self._memo:
            self._memo[key] = _Sym(len(self._nodes))
            self._nodes.append((func, a, b))
        return self._memo[key]

    def _emit(self, results: list, rows: Mapping[str, Sequence[tuple]]) -> None:
        """Instructions (function, a, b, out) over an environment: the k parameter rows,
        buffer rows, the completed rows, constants. Each driven value goes into its rows as
        soon as it is known; a buffer is reused once its value is no longer read."""
        self.targets = [(name, pos) for name, rs in rows.items() for pos, *_ in rs]
        self.names = tuple(rows)
        users, early = self._completions(results, rows)
        live = self._live(users)
        code = _Code(self._nodes, self._last_reads(users, live))
        code.complete(early)
        for i, (func, a, b) in enumerate(self._nodes):
            if func is not None and i in live:
                code.compute(i, func, a, b)
                code.complete(users.get(i, ()))
                code.release(i)
        self._code, self._consts, self.n_slots = code.code, code.consts, code.n_slots

    def _completions(
        self, results: list, rows: Mapping[str, Sequence[tuple]]
    ) -> tuple[dict[int, list[tuple]], list[tuple]]:
        """The completion ops (target, value, coefficient, driven only) of the driven rows:
        per node whose computed value they read, and those reading draws or constants."""
        target = {t: i for i, t in enumerate(self.targets)}
        users: dict[int, list[tuple]] = {}
        early: list[tuple] = []
        for name, rs in rows.items():
            for pos, k, coef, alone in rs:
                value = results[k]
                op = (("full", target[(name, pos)]), value, coef, alone)
                if isinstance(value, _Sym) and self._nodes[value.index][0] is not None:
                    users.setdefault(value.index, []).append(op)
                else:
                    early.append(op)
        return users, early

    def _live(self, users: Mapping[int, list]) -> set[int]:
        """The nodes some driven value needs, found from the last node back."""
        live = set(users)
        for i in range(len(self._nodes) - 1, -1, -1):
            func, a, b = self._nodes[i]
            if i in live and func is not None:
                live.update(x.index for x in (a, b) if isinstance(x, _Sym))
        return live

    def _last_reads(self, users: Mapping[int, list], live: set[int]) -> dict[int, int]:
        """Node -> the last node whose computation reads it (itself where only its own
        completion ops do): when its buffer may be reused."""
        last = {i: i for i in users}
        for i, (func, a, b) in enumerate(self._nodes):
            if i in live and func is not None:
                for x in (a, b):
                    if isinstance(x, _Sym):
                        last[x.index] = i
        return last

    def emit(self, prog: RowProgram, params: Sequence[int], full: Mapping[str, Sequence[int]]):
        """The instructions into ``prog``: ``params``, the rows of the k parameter values;
        ``full[name]``, the rows of each completed set (own draws already there)."""
        slots = prog.rows(self.n_slots)
        targets = [full[name][pos] for name, pos in self.targets]

        def row(x: tuple[str, int]) -> int:
            kind, i = x
            if kind == "const":
                return prog.const(self._consts[i])
            return {"draw": params, "slot": slots, "full": targets}[kind][i]

        for func, a, b, out in self._code:
            if func is operator.pow:  # a constant exponent as numpy's ``**`` gets it
                exponent = float(self._consts[b[1]]) if b[0] == "const" else row(b)
                prog.power(row(out), row(a), exponent)
            elif func is operator.neg:
                prog.op(NEG, row(out), row(a))
            elif func is operator.pos:
                prog.op(COPY, row(out), row(a))
            else:
                prog.op(OPERATORS[func], row(out), row(a), row(b))

    def run(self, params: np.ndarray, full: Mapping[str, np.ndarray]) -> None:
        """The driven rows of ``full`` (per set, (rows, ...) arrays whose own-draw rows are
        filled) from the parameter values ``params`` (k, ...), as the block kernel runs them."""
        prog = RowProgram()
        param_rows = prog.rows(self.k)
        rows = {name: prog.rows(full[name].shape[0]) for name in self.names}
        self.emit(prog, param_rows, rows)
        prog.finish()
        samples = int(np.prod(params.shape[1:]))
        R = prog.registers(samples)
        R[param_rows] = params.reshape(self.k, samples)
        for name, r in rows.items():
            R[r] = full[name].reshape(len(r), samples)
        prog.run(R, np.zeros(samples, dtype=bool))
        for name, r in rows.items():
            full[name][...] = R[r].reshape(full[name].shape)


class _Code:
    """A formula program's instructions as they are written: operands as references (a
    draw, a buffer slot, a completed row, a constant), each buffer slot reused once the value
    it holds is read for the last time (``last``: node -> the node that reads it last)."""

    def __init__(self, nodes: list[tuple], last: Mapping[int, int]):
        self.nodes = nodes
        self.last = last
        self.code: list[tuple] = []
        self.consts: list = []
        self.slot_of: dict[int, int] = {}
        self.free: list[int] = []
        self.n_slots = 0

    def ref(self, x) -> tuple[str, int]:
        """The reference of an operand: a draw or a node's slot, else a new constant."""
        if isinstance(x, _Sym):
            func, a, _ = self.nodes[x.index]
            return ("draw", a[1]) if func is None else ("slot", self.slot_of[x.index])
        self.consts.append(x)
        return ("const", len(self.consts) - 1)

    def complete(self, ops) -> None:
        """The completion ops: driven rows set from (or scaled by) their formula's value."""
        for full, value, coef, alone in ops:
            if alone:  # the formula's value, as stored, in matrix sign
                self.code.append((operator.mul, self.ref(value), self.ref(coef), full))
            else:  # own draw x formula / static amount
                self.code.append((operator.mul, full, self.ref(value), full))
                self.code.append((operator.mul, full, self.ref(coef), full))

    def compute(self, i: int, func, a, b) -> None:
        """Node ``i`` into a slot: its operands' slots freed first where this is their last
        read, a freed slot taken before a new one."""
        ins = (self.ref(a), self.ref(0.0 if b is None else b))
        for x in {x.index for x in (a, b) if isinstance(x, _Sym)}:
            if self.last.get(x) == i and x in self.slot_of:  # read for the last time
                self.free.append(self.slot_of[x])
        if self.free:
            slot = self.free.pop()
        else:
            slot, self.n_slots = self.n_slots, self.n_slots + 1
        self.slot_of[i] = slot
        self.code.append((func, *ins, ("slot", slot)))

    def release(self, i: int) -> None:
        """Node ``i``'s slot freed at once where only its own completion ops read it."""
        if self.last.get(i) == i:
            self.free.append(self.slot_of[i])
