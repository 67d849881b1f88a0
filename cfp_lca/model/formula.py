"""Arithmetic formulas over named pint quantities: no names but parameters, no calls."""

from __future__ import annotations

import ast
import operator
from collections.abc import Mapping

import pint

_BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos}


class FormulaProblem(ValueError):
    """A formula that is not plain arithmetic over known parameters."""


def evaluate(text: str, names: Mapping[str, pint.Quantity | float]) -> pint.Quantity | float:
    """Evaluate ``text`` with +, -, *, /, **, numbers and the given names."""
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise FormulaProblem(f"formula '{text}' is not valid arithmetic") from exc
    return _eval(tree.body, names, text)


def _eval(node: ast.AST, names: Mapping, text: str):
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return node.value
    if isinstance(node, ast.Name):
        if node.id not in names:
            known = ", ".join(sorted(names)) or "none"
            raise FormulaProblem(
                f"formula '{text}' uses unknown parameter '{node.id}' (known: {known})"
            )
        return names[node.id]
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        try:
            return _BINARY[type(node.op)](
                _eval(node.left, names, text), _eval(node.right, names, text)
            )
        except pint.errors.DimensionalityError as exc:
            raise FormulaProblem(f"formula '{text}': {exc}") from exc
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _UNARY[type(node.op)](_eval(node.operand, names, text))
    raise FormulaProblem(f"formula '{text}' may only use numbers, parameters and + - * / **")
