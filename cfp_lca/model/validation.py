"""Validation of a file's data against its pydantic schema, every error as one line that
names the file, the entry (list items by their code) and the problem in a reader's words."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any, TypeVar, get_args

from pydantic import BaseModel, ValidationError

from ..errors import InputError, printable
from .reading import FLOAT, INT, entry_label, one_line
from .schema import Code

T = TypeVar("T", bound=BaseModel)


def validate(path: Path, data: Any, schema: type[T]) -> T:
    """Validate raw YAML data against a schema; the first error becomes an InputError."""
    try:
        spec = schema.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
    else:
        check_codes(path, data, spec)
        return spec
    raise schema_errors(path, data, errors)[0] from None


def schema_problems(path: Path, data: Any, schema: type[BaseModel]) -> list[InputError]:
    """Every schema error of a file's data, one InputError each (none when valid)."""
    try:
        schema.model_validate(data)
    except ValidationError as exc:
        return schema_errors(path, data, exc.errors())
    return []


def schema_errors(path: Path, data: Any, errors: list) -> list[InputError]:
    """pydantic errors as InputErrors naming the entry, one per entry and problem."""
    out: dict[tuple, InputError] = {}
    for error in errors:
        loc = data_location(data, error["loc"], error["type"] == "missing")
        field = loc[-1] if loc and isinstance(loc[-1], str) else None
        if error["type"] == "missing":
            problem = f"required field '{field}' is missing"
        elif error["type"] == "extra_forbidden":
            problem = f"unknown field '{field}'"
        else:
            same = [e for e in errors if data_location(data, e["loc"], False) == loc]
            problem = error_text(same[0], same)
            problem = f"{field}: {printable(problem)}" if field else printable(problem)
        if field:
            loc = loc[:-1]
        entry = entry_label(data, loc) or None
        out.setdefault((entry, problem), InputError(path, entry, problem))
    return list(out.values())


def data_location(data: Any, loc: Iterable, missing: bool) -> list:
    """The part of a pydantic error location that exists in the data (drops union tags)."""
    loc = list(loc)
    out: list = []
    node = data
    for i, key in enumerate(loc):
        found, child = _child(node, key)
        if found:
            node = child
        elif not (missing and i == len(loc) - 1):
            continue
        out.append(key)
    return out


def _child(node: Any, key: Any) -> tuple[bool, Any]:
    """(True, node[key]) where the data have that key or index, else (False, None)."""
    if isinstance(node, dict) and key in node:
        return True, node[key]
    if isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
        return True, node[key]
    return False, None


EXPECTED = {
    "float_type": "a number",
    "int_type": "a whole number",
    "bool_type": "true or false",
    "string_type": "a text",
    "model_type": "a mapping of fields",
    "model_attributes_type": "a mapping of fields",
    "dict_type": "a mapping",
    "list_type": "a list",
}


def error_text(first: Mapping, same: list[Mapping]) -> str:
    """One pydantic error as a sentence; a wrong type says what was expected and what came."""
    if first["type"] in EXPECTED:
        wanted = " or ".join(dict.fromkeys(EXPECTED.get(e["type"], "?") for e in same))
        return f"expected {wanted}, got {describe(first.get('input'))}{_hint(first)}"
    if first["type"] == "finite_number":
        return f"must be a finite number, got {describe(first.get('input'))}"
    if first["type"] == "literal_error":
        return f"{describe(first.get('input'))} is not one of {first['ctx']['expected']}"
    if first["type"] == "too_short":
        least = first["ctx"]["min_length"]
        return f"needs at least {least} item{'s' if least > 1 else ''}, got none"
    msg = first["msg"].removeprefix("Value error, ")
    if msg.startswith("Input should be "):
        return f"must be {msg.removeprefix('Input should be ')}, got {describe(first.get('input'))}"
    return msg


def describe(value: Any) -> str:
    """A value as the file shows it, for 'got ...' in messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing (null)"
    if isinstance(value, str):
        return f"the text '{one_line(value)[:60]}'"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return one_line(repr(value))[:60]


def _hint(error: Mapping) -> str:
    """How to fix a text where a number or true/false belongs: a number in quotes, or a YAML
    1.1 form that YAML 1.2 reads as a text (``1_000``, ``1:30``, ``0b101``, ``yes``)."""
    value = error.get("input")
    if not isinstance(value, str):
        return ""
    if error["type"] == "bool_type" and value.lower() in YAML11_BOOLS:
        return " (write true or false)"
    if error["type"] not in ("float_type", "int_type"):
        return ""
    text = value.strip()
    if INT.fullmatch(text) or FLOAT.fullmatch(text):
        return " (a number in quotes: remove the quotes)"
    if "_" in text and (INT.fullmatch(bare := text.replace("_", "")) or FLOAT.fullmatch(bare)):
        return f" (write the number without '_': {bare})"
    if SEXAGESIMAL.fullmatch(text):
        return " (a number in base 60 is not read: write the value as one number)"
    if BINARY.fullmatch(text):
        return f" (a binary number is not read: write {int(text.replace('0b', ''), 2)})"
    return ""


YAML11_BOOLS = {"yes", "no", "on", "off", "y", "n"}  # YAML 1.1 booleans: texts in YAML 1.2
SEXAGESIMAL = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?")
BINARY = re.compile(r"[-+]?0b[01_]+")


def check_codes(path: Path, data: Any, spec: BaseModel) -> None:
    """Refuse a code holding a character that does not show (a zero-width space, a format or
    control character): it would print like another code and cannot be typed as it prints."""
    for loc, code in _codes(spec, []):
        hidden = next((c for c in code if not c.isprintable()), None)
        if hidden is not None:
            entry = entry_label(data, loc[:-1]) or None
            shown = f"the code '{printable(code)}' contains {printable(hidden)}"
            raise InputError(
                path, entry, f"{loc[-1]}: {shown}, which prints as nothing or as a space: a "
                "code must be typed as it prints (remove it)",
            )  # fmt: skip


def _codes(node: Any, loc: list) -> Iterator[tuple[list, str]]:
    """(location, code) of every field typed as a code in a validated spec."""
    if isinstance(node, BaseModel):
        codes = _code_fields(type(node))
        for name in type(node).model_fields:
            value = getattr(node, name)
            if name in codes and isinstance(value, str):
                yield [*loc, name], value
            else:
                yield from _codes(value, [*loc, name])
    elif isinstance(node, list | tuple):
        for i, item in enumerate(node):
            yield from _codes(item, [*loc, i])
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _codes(value, [*loc, key])


@cache
def _code_fields(schema: type[BaseModel]) -> frozenset[str]:
    """The fields of a schema typed as ``schema.Code`` (possibly optional)."""
    rule = get_args(Code)[1]
    return frozenset(
        name
        for name, info in schema.model_fields.items()
        if rule in info.metadata or _mentions(info.annotation, rule)
    )


def _mentions(annotation: Any, rule: Any) -> bool:
    """Whether a type annotation holds the validator ``rule`` (``Code | None``)."""
    return any(arg == rule or _mentions(arg, rule) for arg in get_args(annotation))


def check_unique(path: Path, kind: str, codes: Iterable[str]) -> None:
    """Duplicate codes make references ambiguous: refuse them."""
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            raise InputError(path, f"{kind} '{code}'", f"duplicate {kind} code '{code}'")
        seen.add(code)
