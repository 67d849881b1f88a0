"""Arithmetic formulas over named pint quantities: no names but parameters, no calls.

Evaluation is bounded: the text is at most MAX_LENGTH characters and MAX_DEPTH levels deep,
numbers are floats (never Python's unbounded integers, so ``10 ** 10 ** 10`` cannot run for
ever), an exponent is at most MAX_EXPONENT in size, and every intermediate result must be a
finite real number: division by zero or an overflow to inf is an error naming the sub-term.

The same evaluator runs over plain magnitudes: :func:`evaluate_magnitudes` takes floats or
numpy arrays (one value per Monte Carlo sample) for the names and evaluates all samples at
once. Scalars are checked as above; an array value that is not finite in some samples (a
division by a draw of zero) stays NaN or inf there, so those samples are flagged downstream
instead of failing the whole run.

:class:`Evaluator` is the one walker of a formula's tree (``parse``) and ``BINARY``/``UNARY``
the one table of its operations: the Monte Carlo engine compiles formulas into instructions
with a subclass of it, never with a walk of its own.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pint

MAX_LENGTH = 2000  # characters; the longest shipped formula has about 420
MAX_DEPTH = 100  # nested operations (a sum of n terms is n levels deep)
MAX_EXPONENT = 100.0  # |b| in a ** b; physical formulas use squares, roots, years of growth

# the one table of operations a formula may use, read by every walker of its tree (the
# loader's evaluator here, the Monte Carlo program compiler in calc/montecarlo/parameters.py)
BINARY: Mapping[type[ast.operator], Callable] = MappingProxyType({
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
})  # fmt: skip
UNARY: Mapping[type[ast.unaryop], Callable] = MappingProxyType(
    {ast.USub: operator.neg, ast.UAdd: operator.pos}
)


class FormulaProblem(ValueError):
    """A formula that is not plain arithmetic over known parameters, or has no finite value."""


Value = "pint.Quantity | float | np.ndarray"  # a formula's value (annotations only)


def evaluate(text: str, names: Mapping[str, pint.Quantity | float]) -> pint.Quantity | float:
    """Evaluate ``text`` with +, -, *, /, **, numbers and the given names."""
    return Evaluator(text, names).evaluate()


def evaluate_magnitudes(text: str, names: Mapping[str, float | np.ndarray]) -> float | np.ndarray:
    """``text`` over plain magnitudes: floats, or arrays of samples evaluated all at once."""
    with np.errstate(all="ignore"):
        return Evaluator(text, names).evaluate()


def formula_names(text: str) -> frozenset[str]:
    """The names a formula uses (its parameters), to know what it depends on."""
    return frozenset(n.id for n in ast.walk(parse(text)) if isinstance(n, ast.Name))


def with_names_replaced(text: str, replace: Callable[[ast.Name], ast.expr]) -> str:
    """``text`` written again with each name replaced by ``replace(name)`` (a name, a product
    with a factor): the one rewriter of a formula's names, for formulas as Brightway holds them."""

    class Replace(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.AST:
            return ast.copy_location(replace(node), node)

    tree = Replace().visit(ast.parse(text, mode="eval"))
    return ast.unparse(ast.fix_missing_locations(tree))


@lru_cache(maxsize=4096)
def parse(text: str) -> ast.Expression:
    """The syntax tree of a formula (cached: Monte Carlo evaluates each formula per block); too
    long or not arithmetic syntax is a FormulaProblem."""
    if len(text) > MAX_LENGTH:
        raise FormulaProblem(
            f"formula of {len(text)} characters is longer than the limit of {MAX_LENGTH}: "
            "split it into parameters"
        )
    line = " ".join(text.split())  # YAML block scalars may break a formula over lines
    try:
        tree = ast.parse(line, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        raise FormulaProblem(f"formula '{_shown(line)}' is not valid arithmetic") from exc
    return tree


class Evaluator:
    """Walks the syntax tree of one formula, checking every step: the one walker of formula
    trees. Subclasses change what a leaf or an operation gives (``constant``, ``name``,
    ``binary``, ``unary``), never the walk: the Monte Carlo compiler turns operations on
    per-sample values into instructions and leaves the rest to these checked steps."""

    def __init__(self, text: str, names: Mapping[str, Value]):
        self.formula = text
        self.names = names

    @property
    def text(self) -> str:
        """The formula as messages quote it."""
        return _shown(" ".join(self.formula.split()))

    def problem(self, node: ast.AST | None, what: str) -> FormulaProblem:
        """A FormulaProblem naming the formula and, where useful, the offending sub-term."""
        term = f" ('{ast.unparse(node)}')" if node is not None else ""
        return FormulaProblem(f"formula '{self.text}': {what}{term}")

    def evaluate(self) -> Value:
        """The value of the whole formula."""
        return self.value(parse(self.formula).body, 0)

    def value(self, node: ast.AST, depth: int) -> Value:
        """The value of one node: a number, a parameter, or an operation on values."""
        if depth > MAX_DEPTH:
            raise self.problem(None, f"nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.BinOp) and type(node.op) in BINARY:
            left = self.value(node.left, depth + 1)
            right = self.value(node.right, depth + 1)
            return self.binary(node, left, right)
        if isinstance(node, ast.UnaryOp) and type(node.op) in UNARY:
            return self.unary(node, self.value(node.operand, depth + 1))
        raise FormulaProblem(
            f"formula '{self.text}' may only use numbers, parameters and + - * / ** "
            f"('{ast.unparse(node)}' is not allowed)"
        )

    def unary(self, node: ast.UnaryOp, operand: Value) -> Value:
        """``-x`` or ``+x`` (no check: a sign change cannot overflow)."""
        return UNARY[type(node.op)](operand)

    def constant(self, node: ast.Constant) -> float:
        """A number literal, as a finite float (True, strings and complex are not numbers)."""
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise FormulaProblem(
                f"formula '{self.text}' may only use numbers, parameters and + - * / ** "
                f"('{ast.unparse(node)}' is not a number)"
            )
        try:
            number = float(node.value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            raise self.problem(node, "number too large for a float")
        return number

    def name(self, node: ast.Name) -> Value:
        """A parameter's value; an unknown name lists the known ones."""
        if node.id not in self.names:
            known = ", ".join(sorted(self.names)) or "none"
            raise FormulaProblem(
                f"formula '{self.text}' uses unknown parameter '{node.id}' (known: {known})"
            )
        return self.names[node.id]

    def binary(self, node: ast.BinOp, left, right) -> Value:
        """One checked operation: no zero divisor, bounded exponent, a finite real result
        (per-sample arrays are left unchecked: a sample that fails is flagged downstream)."""
        import pint

        if isinstance(left, np.ndarray) or isinstance(right, np.ndarray):
            return BINARY[type(node.op)](left, right)
        if isinstance(node.op, ast.Div) and _magnitude(right) == 0:
            raise self.problem(node.right, "division by zero")
        if isinstance(node.op, ast.Pow):
            right = self.exponent(node, right)
        try:
            result = BINARY[type(node.op)](left, right)
        except pint.errors.DimensionalityError as exc:
            raise FormulaProblem(f"formula '{self.text}': {exc}") from None
        except pint.errors.PintError as exc:
            raise self.problem(node, str(exc)) from None
        except ZeroDivisionError:
            raise self.problem(node, "division by zero") from None
        except OverflowError:
            raise self.problem(node, "overflows: the result is not a finite number") from None
        except (ValueError, TypeError) as exc:
            raise self.problem(node, f"cannot be computed ({exc})") from None
        magnitude = _magnitude(result)
        if isinstance(magnitude, complex):
            raise self.problem(node, "a negative number to a fractional power is not real")
        if not math.isfinite(magnitude):
            raise self.problem(node, "overflows: the result is not a finite number")
        return result

    def exponent(self, node: ast.BinOp, right) -> float:
        """An exponent is a dimensionless number of at most MAX_EXPONENT in size."""
        import pint

        if isinstance(right, pint.Quantity):
            if not right.dimensionless:
                raise self.problem(
                    node.right, f"an exponent must be dimensionless, not {right.units:~}"
                )
            right = float(right.to("dimensionless").magnitude)
        if abs(right) > MAX_EXPONENT:
            raise self.problem(
                node.right, f"exponent {right:g} is larger than the limit of {MAX_EXPONENT:g}"
            )
        return right


def _shown(line: str) -> str:
    """A formula as messages quote it: at most 120 characters."""
    return line if len(line) <= 120 else line[:117] + "..."


def _magnitude(value) -> float | complex:
    """The plain number of a quantity or float."""
    import pint

    return value.magnitude if isinstance(value, pint.Quantity) else value
