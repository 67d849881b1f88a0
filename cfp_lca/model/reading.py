"""Reading a data file: a regular file within the size limit, UTF-8 text, YAML parsed by
libyaml with strict rules (no duplicate keys, YAML 1.2 floats, no alias bombs), a mapping at
the top. Kept apart from the model's assembly so that a command that only reads files (and a
catalog read from the cache) does not import units, formulas or pydantic schemas.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError

MAX_FILE_MB_VARIABLE = "CFP_LCA_MAX_FILE_MB"
DEFAULT_MAX_FILE_MB = 5.0
# Entries a file may expand to through YAML aliases (``*name``): far above any real data file,
# far below what a "billion laughs" file (a few aliases of aliases) expands to.
MAX_ENTRIES = 1_000_000


def max_file_bytes() -> int:
    """The size limit for one data file: CFP_LCA_MAX_FILE_MB megabytes, 5 by default."""
    text = os.environ.get(MAX_FILE_MB_VARIABLE, "").strip()
    if not text:
        return int(DEFAULT_MAX_FILE_MB * 1e6)
    try:
        limit = float(text)
    except ValueError:
        limit = math.nan
    if not (math.isfinite(limit) and limit > 0):
        raise InputError(
            f"{MAX_FILE_MB_VARIABLE}={text}", None, "must be a positive number of megabytes"
        )
    return int(limit * 1e6)


def read_text(path: Path) -> str:
    """A data file's text: size-checked before reading, UTF-8, not binary."""
    limit = max_file_bytes()
    try:
        size = path.stat().st_size
        if size > limit:
            raise InputError(
                path,
                None,
                f"file is {size / 1e6:.3g} MB, above the limit of {limit / 1e6:g} MB for a data "
                f"file (set {MAX_FILE_MB_VARIABLE} to a larger number of MB to raise it)",
            )
        with path.open("rb") as handle:
            raw = handle.read(limit + 1)
    except OSError as exc:
        raise InputError(path, None, f"cannot read file: {exc.strerror or exc}") from exc
    if len(raw) > limit:
        raise InputError(path, None, f"file grew above the limit of {limit / 1e6:g} MB")
    return decode_text(path, raw)


def decode_text(path: Path, raw: bytes, kind: str = "YAML") -> str:
    """UTF-8 text (a BOM allowed); a binary or otherwise encoded file names the first bad byte."""
    if b"\x00" in raw:
        where = _line_of(raw, raw.index(b"\x00"))
        raise InputError(path, None, f"binary file, not {kind} text (a NUL byte on line {where})")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        byte = raw[exc.start]
        raise InputError(
            path,
            None,
            f"not UTF-8 text (byte 0x{byte:02x} on line {_line_of(raw, exc.start)}): "
            "save the file as UTF-8",
        ) from None


def _line_of(raw: bytes, offset: int) -> int:
    """1-based line number of a byte offset, for messages."""
    return raw.count(b"\n", 0, offset) + 1


# libyaml's parser where PyYAML was built with it (the wheels are): the same safe constructor
# and resolver, about ten times faster than the pure-Python parser on the library's files
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class DataLoader(_SAFE_LOADER):
    """PyYAML's safe loader, refusing duplicate keys and reading YAML 1.2 numbers like 1e-3.

    PyYAML (YAML 1.1) keeps the last of two equal keys silently and reads ``1e-3`` (no
    decimal point) as a text; both would pass a typo or turn a number into an error.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        """Refuse a key given twice in one mapping (merge keys ``<<`` may still override)."""
        seen: set[str] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                if key_node.value in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key '{key_node.value}'", key_node.start_mark
                    )
                seen.add(key_node.value)
        return super().construct_mapping(node, deep=deep)


DataLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)[eE][-+]?[0-9]+$"),
    list("-+0123456789."),
)


def parse_yaml(path: Path, text: str) -> Any:
    """YAML text to Python data; a syntax error names the line and column."""
    try:
        return yaml.load(text, Loader=DataLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        char = f"#x{exc.character:04x}" if isinstance(exc.character, int) else repr(exc.character)
        problem = (
            f"YAML syntax error at line {line}: character {char} is not allowed ({exc.reason})"
        )
        raise InputError(path, None, problem) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or getattr(exc, "reason", None) or str(exc)
        if "nesting depth" in str(problem):  # libyaml's own limit, as Python's recursion's
            raise InputError(path, None, "YAML nested too deeply") from None
        raise InputError(path, None, f"YAML syntax error{where}: {_one_line(problem)}") from None
    except RecursionError:
        raise InputError(path, None, "YAML nested too deeply") from None


def _one_line(text: str) -> str:
    """Collapse whitespace and line breaks: a message is one line."""
    return " ".join(str(text).split())


def read_yaml(path: Path) -> Any:
    """Parse one data file into a mapping; size, encoding, syntax and shape are checked."""
    data = parse_yaml(path, read_text(path))
    if data is None:
        raise InputError(path, None, "the file is empty (expected a mapping of fields)")
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a single value ({_one_line(data)[:40]})"
        raise InputError(
            path, None, f"expected a mapping of fields at the top of the file, got {kind}"
        )
    check_expansion(path, data)
    return data


def check_expansion(path: Path, data: Any) -> None:
    """Refuse data that YAML aliases expand beyond MAX_ENTRIES entries or into a loop.

    Aliases share objects, so the parsed data are small; validation walks them as a tree,
    so the expanded size is what counts. Counted once per distinct object (memoized).
    """
    sizes: dict[int, int] = {}

    def size(node: Any) -> int:
        """Entries under ``node`` once aliases are expanded (itself included)."""
        if not isinstance(node, dict | list):
            return 1
        key = id(node)
        if key in sizes:
            if sizes[key] < 0:
                raise InputError(path, None, "a YAML alias contains itself (a recursive structure)")
            return sizes[key]
        sizes[key] = -1
        children = node.values() if isinstance(node, dict) else node
        total = 1 + sum(size(child) for child in children)
        if total > MAX_ENTRIES:
            raise InputError(
                path,
                None,
                f"the data expand to more than {MAX_ENTRIES:,} entries (YAML aliases "
                "repeated over and over?): write the entries out",
            )
        sizes[key] = total
        return total

    try:
        size(data)
    except RecursionError:
        raise InputError(path, None, "YAML nested too deeply") from None


def entry_label(data: Any, loc: Iterable) -> str:
    """Human path to an entry, list items named by code: ``activities[2] 'x' > inputs[0]``."""
    parts: list[str] = []
    node = data
    for key in loc:
        if isinstance(key, int) and isinstance(node, list) and parts:
            node = node[key] if 0 <= key < len(node) else None
            name = _item_name(node)
            parts[-1] += f"[{key}]" + (f" '{name}'" if name else "")
        else:
            parts.append(str(key))
            node = node.get(key) if isinstance(node, dict) else None
    return " > ".join(parts)


def _item_name(item: Any) -> str | None:
    if isinstance(item, dict):
        for field in ("code", "id", "flow", "input", "model"):
            if isinstance(item.get(field), str):
                return item[field]
    return None
