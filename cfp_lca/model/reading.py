"""Reading a data file: a regular file within the size limit, UTF-8 text, YAML parsed by
libyaml with strict rules (no duplicate keys, the YAML 1.2 core schema, no alias bombs), a
mapping at the top, every text in one Unicode form. Kept apart from the model's assembly so
that a command that only reads files (and a catalog read from the cache) does not import
units, formulas or pydantic schemas.

Files and folders. Only regular files are read (a symbolic link to one is fine), each within
the size limit; anything else named ``*.yaml`` in a data folder (a FIFO, a device, a socket, a
directory, a dangling link) is refused with its path and what it is, and is never opened, so
no command can block on it. A data folder that cannot be listed is refused with the OS's
reason (permission denied), never skipped: a background that should replace a shipped one
must not vanish without a word.

Plain (unquoted) values follow the YAML 1.2 core schema, not PyYAML's YAML 1.1:

- integers: ``[-+]?[0-9]+`` in decimal (``017`` is 17, not octal 15), ``0o17``, ``0x1F``;
- floats: ``[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?`` (``1e3``, ``.5``, ``2.``),
  ``.inf``, ``-.inf``, ``.nan`` (and their ``Inf``/``INF``, ``NaN``/``NAN`` spellings);
- booleans: ``true``, ``True``, ``TRUE``, ``false``, ``False``, ``FALSE``;
- null: ``~``, ``null``, ``Null``, ``NULL`` or nothing; ``<<`` merges a mapping.

Everything else is a text: ``1:30`` (not 90 in base 60), ``1_000``, ``0b101``, ``yes``, ``on``,
``2021-01-01`` (not a date). A text where a number belongs is then refused by the schema,
never read as another number. Tags outside the core schema (``!!timestamp``, ``!!binary``,
``!!set``) are refused.

Texts. Every text, key or value, is brought to Unicode normalization form NFC, so that a code
typed as ``é`` and one written ``e`` + combining accent are one code. A text holding an
unpaired surrogate (``"\\ud800"``: not a character, it breaks every later print) or a control
character other than tab and line breaks (``"\\e[31m"``: it would drive the terminal) is
refused. Messages show invisible characters escaped (``printable``).
"""

from __future__ import annotations

import math
import os
import re
import stat
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

import yaml

from ..errors import InputError, printable

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


def read_text(path: Path, kind: str = "YAML") -> str:
    """A data file's text: a regular file, size-checked before reading, UTF-8, not binary."""
    limit = max_file_bytes()
    with open_regular(path, limit) as handle:
        try:
            raw = handle.read(limit + 1)
        except OSError as exc:
            raise InputError(path, None, f"cannot read file: {reason(exc)}") from None
    if len(raw) > limit:
        raise InputError(path, None, f"file grew above the limit of {limit / 1e6:g} MB")
    return decode_text(path, raw, kind)


@contextmanager
def open_regular(path: Path, limit: int | None = None) -> Iterator[BinaryIO]:
    """A data file opened for reading: checked to be a regular file within ``limit`` bytes
    (the size limit by default) before it is opened, and opened without blocking, so that a
    FIFO or a device can never hang a command (not even one swapped in after the check)."""
    limit = max_file_bytes() if limit is None else limit
    _check_size(path, regular_stat(path), limit)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise InputError(path, None, f"cannot read file: {reason(exc)}") from None
    with os.fdopen(fd, "rb") as handle:
        found = os.fstat(fd)
        if not stat.S_ISREG(found.st_mode):
            raise InputError(
                path,
                None,
                f"{_kind(found.st_mode)}, not a regular file: only regular files are read as data",
            )
        _check_size(path, found, limit)
        yield handle


def _check_size(path: Path, found: os.stat_result, limit: int) -> None:
    """Refuse a file above the size limit, saying how to raise it."""
    if found.st_size > limit:
        raise InputError(
            path,
            None,
            f"file is {found.st_size / 1e6:.3g} MB, above the limit of {limit / 1e6:g} MB for a "
            f"data file (set {MAX_FILE_MB_VARIABLE} to a larger number of MB to raise it)",
        )


def regular_stat(path: Path) -> os.stat_result:
    """The status of a data file, links followed; anything but a regular file is refused,
    named for what it is (a FIFO, a device, a directory, a dangling link)."""
    try:
        found = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise InputError(
                path,
                None,
                f"a symbolic link to '{_target(path)}', which does "
                "not exist (a dangling link, not a data file)",
            ) from None
        raise InputError(path, None, "file not found") from None
    except OSError as exc:
        raise InputError(path, None, f"cannot read file: {reason(exc)}") from None
    if not stat.S_ISREG(found.st_mode):
        what = _kind(found.st_mode)
        if os.path.islink(path):
            what = f"a symbolic link to '{_target(path)}', {what}"
        raise InputError(
            path, None, f"{what}, not a regular file: only regular files are read as data"
        )
    return found


def has_file(path: Path) -> bool:
    """Whether an optional data file (``flows.yaml``, a declared-figures file) is there; one
    that is there but is no regular file, or cannot be looked at, is an InputError."""
    try:
        os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as exc:
        raise InputError(path, None, f"cannot read file: {reason(exc)}") from None
    regular_stat(path)
    return True


def has_folder(folder: Path) -> bool:
    """Whether a data folder (``background``, ``scenarios``) is there; a path that is there
    but is no folder, or cannot be looked at, is an InputError (never taken as missing)."""
    try:
        found = os.stat(folder)
    except (FileNotFoundError, NotADirectoryError):
        if os.path.islink(folder):
            raise InputError(
                folder,
                None,
                f"a symbolic link to '{_target(folder)}', which "
                "does not exist (a dangling link, not a folder)",
            ) from None
        return False
    except OSError as exc:
        raise InputError(folder, None, f"cannot read the folder: {reason(exc)}") from None
    if not stat.S_ISDIR(found.st_mode):
        raise InputError(folder, None, f"{_kind(found.st_mode)}, not a folder of data files")
    return True


def yaml_files(folder: Path, recursive: bool = False,
               suffixes: tuple[str, ...] = (".yaml",)) -> list[Path]:  # fmt: skip
    """The ``*.yaml`` entries (or those ending in ``suffixes``) of a data folder and its
    subfolders, sorted; none for a missing folder. A folder that cannot be listed is an
    InputError naming it and the OS's reason; entries are not opened here (``open_regular``
    refuses what is no regular file)."""
    if not has_folder(folder):
        return []
    found: list[Path] = []
    _collect(folder, recursive, found, {_identity(folder)}, suffixes)
    return sorted(found)


def _collect(folder: Path, recursive: bool, found: list[Path], seen: set,
             suffixes: tuple[str, ...] = (".yaml",)) -> None:  # fmt: skip
    """Add the entries of ``folder`` ending in ``suffixes``; recurse into subfolders (links
    to folders followed, each folder once) when ``recursive``."""
    try:
        with os.scandir(folder) as listing:
            entries = list(listing)
    except OSError as exc:
        raise InputError(folder, None, f"cannot read the folder: {reason(exc)}") from None
    for entry in entries:
        path = folder / entry.name
        if entry.name.endswith(suffixes):
            found.append(path)
        elif recursive and _is_folder(entry, path):
            key = _identity(path)
            if key not in seen:
                seen.add(key)
                _collect(path, recursive, found, seen, suffixes)


def _is_folder(entry: os.DirEntry, path: Path) -> bool:
    """Whether a listed entry is a folder (links followed; a dangling link is not)."""
    try:
        return entry.is_dir()
    except OSError as exc:
        raise InputError(path, None, f"cannot read: {reason(exc)}") from None


def _identity(folder: Path) -> tuple[int, int]:
    """(device, inode) of a folder: a folder reached twice through links is walked once."""
    try:
        found = os.stat(folder)
    except OSError as exc:
        raise InputError(folder, None, f"cannot read the folder: {reason(exc)}") from None
    return found.st_dev, found.st_ino


KINDS = (
    (stat.S_ISREG, "a regular file"),
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _kind(mode: int) -> str:
    """What a file system entry is, in words."""
    return next((name for test, name in KINDS if test(mode)), "a special file")


def _target(path: Path) -> str:
    """Where a symbolic link points, as written in it."""
    try:
        return os.readlink(path)
    except OSError:
        return "?"


def reason(exc: OSError) -> str:
    """The OS's reason for an error, in its words (``Permission denied``)."""
    return exc.strerror or str(exc)


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

# The YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution)
INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
INFINITY = re.compile(r"[-+]?\.(?:inf|Inf|INF)")
NAN = re.compile(r"\.(?:nan|NaN|NAN)")
BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
NULL = re.compile(r"~|null|Null|NULL|")
TAG = "tag:yaml.org,2002:"
CORE_TAGS = {f"{TAG}{name}" for name in ("null", "bool", "int", "float", "str", "seq", "map")}


def _pattern(*patterns: re.Pattern | str) -> re.Pattern:
    """One anchored pattern matching any of ``patterns`` whole (``$`` would allow a newline)."""
    texts = (p.pattern if isinstance(p, re.Pattern) else p for p in patterns)
    return re.compile("(?:" + "|".join(f"(?:{t})" for t in texts) + r")\Z")


RESOLVERS = (  # tag, pattern, first characters; tried in this order
    ("bool", _pattern(*(re.escape(b) for b in BOOLS)), "tTfF"),
    ("int", _pattern(INT), "-+0123456789"),
    ("float", _pattern(FLOAT, INFINITY, NAN), "-+0123456789."),
    ("null", _pattern(NULL), ["~", "n", "N", ""]),
    ("merge", _pattern("<<"), "<"),
)


def construct_int(loader: yaml.BaseLoader, node: yaml.ScalarNode) -> int:
    """A YAML 1.2 integer: decimal (a leading 0 is not octal), ``0o`` octal, ``0x`` hex."""
    text = loader.construct_scalar(node)
    if not INT.fullmatch(text):
        raise _not_a(node, text, "an integer (decimal digits, 0o17 or 0x1F)")
    try:
        if text.startswith(("0o", "0x")):
            return int(text[2:], 8 if text[1] == "o" else 16)
        return int(text, 10)
    except ValueError:  # more digits than Python converts
        raise _not_a(node, text[:20] + "...", "an integer of a sensible length") from None


def construct_float(loader: yaml.BaseLoader, node: yaml.ScalarNode) -> float:
    """A YAML 1.2 float: digits with a point or an exponent, ``.inf`` or ``.nan``."""
    text = loader.construct_scalar(node)
    if INFINITY.fullmatch(text):
        return -math.inf if text.startswith("-") else math.inf
    if NAN.fullmatch(text):
        return math.nan
    if not FLOAT.fullmatch(text):
        raise _not_a(node, text, "a number (like 1.5, 1e-3, .inf)")
    return float(text)


def construct_bool(loader: yaml.BaseLoader, node: yaml.ScalarNode) -> bool:
    """A YAML 1.2 boolean: true or false (yes, no, on and off are texts)."""
    text = loader.construct_scalar(node)
    if text not in BOOLS:
        raise _not_a(node, text, "true or false")
    return BOOLS[text]


def _not_a(node: yaml.Node, text: str, wanted: str) -> yaml.constructor.ConstructorError:
    """A value tagged explicitly (``!!int 1_000``) that is not of its tag's form."""
    return yaml.constructor.ConstructorError(
        None,
        None,
        f"{node.tag.removeprefix(TAG)} '{printable(text)}' is not {wanted}",
        node.start_mark,
    )


class StrictKeys:
    """Loader rules: a key given twice in one mapping is refused, also in another spelling of
    the same value (``017`` and ``17``, two Unicode forms of a text). PyYAML keeps the last of
    two equal keys silently, which would pass a typo."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        """The mapping, once every key is known to be new; merge keys ``<<`` may override."""
        spelled: dict = {}
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != f"{TAG}merge":
                key = self.construct_object(key_node)
                if isinstance(key, str):
                    key = unicodedata.normalize("NFC", key)
                if key in spelled:
                    raise yaml.constructor.ConstructorError(
                        None, None, _duplicate(key_node.value, spelled[key]), key_node.start_mark
                    )
                spelled[key] = key_node.value
        return super().construct_mapping(node, deep=deep)


def _duplicate(text: str, before: str) -> str:
    """The message of a key given twice, saying how the two spellings differ."""
    problem = f"duplicate key '{printable(text)}'"
    if text == before:
        return problem
    if unicodedata.normalize("NFC", text) == unicodedata.normalize("NFC", before):
        return f"{problem} (the same text as an earlier key, in another Unicode form)"
    return f"{problem} (the same value as the earlier key '{printable(before)}')"


def data_loader(base: type) -> type:
    """A PyYAML safe loader class (libyaml's or the pure-Python one) with the YAML 1.2 core
    schema (see the module's text) and strict keys; tags outside the core schema refused."""
    constructors = {
        tag: make
        for tag, make in yaml.constructor.SafeConstructor.yaml_constructors.items()
        if tag in CORE_TAGS or tag is None  # None: any other tag, refused
    }
    loader = type(
        "DataLoader",
        (StrictKeys, base),
        {"yaml_implicit_resolvers": {}, "yaml_constructors": constructors},
    )
    for tag, regexp, first in RESOLVERS:
        loader.add_implicit_resolver(f"{TAG}{tag}", regexp, list(first))
    for tag, make in (("int", construct_int), ("float", construct_float), ("bool", construct_bool)):
        loader.add_constructor(f"{TAG}{tag}", make)
    return loader


DataLoader = data_loader(_SAFE_LOADER)


def parse_yaml(path: Path, text: str) -> Any:
    """YAML text to Python data; a syntax error names the line and column."""
    try:
        return yaml.load(text, Loader=DataLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.reader.ReaderError as exc:
        # libyaml counts bytes of UTF-8, not characters: find the character itself
        found = text.find(chr(exc.character)) if isinstance(exc.character, int) else -1
        line = text.count("\n", 0, found if found >= 0 else exc.position) + 1
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
        if "invalid Unicode character escape" in str(problem):
            problem = f"{problem} (\\ud800 to \\udfff are halves of UTF-16 pairs, not characters)"
        raise InputError(path, None, f"YAML syntax error{where}: {one_line(problem)}") from None
    except RecursionError:
        raise InputError(path, None, "YAML nested too deeply") from None


def one_line(text: Any) -> str:
    """Collapse whitespace and line breaks, escape what does not show: a message is one line."""
    return printable(" ".join(str(text).split()))


def read_yaml(path: Path) -> Any:
    """Parse one data file into a mapping; size, encoding, syntax and shape are checked."""
    data = parse_yaml(path, read_text(path))
    if data is None:
        raise InputError(path, None, "the file is empty (expected a mapping of fields)")
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a single value ({one_line(data)[:40]})"
        raise InputError(
            path, None, f"expected a mapping of fields at the top of the file, got {kind}"
        )
    check_expansion(path, data)
    return clean_texts(path, data)


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


def clean_texts(path: Path, data: Any) -> Any:
    """The data with every text (keys too) in Unicode form NFC; a text holding an unpaired
    surrogate or a control character other than tab and line breaks is refused, naming the
    entry. Objects shared through aliases stay shared (each is cleaned once)."""
    done: dict[int, Any] = {}

    def clean(node: Any, loc: list) -> Any:
        """One node, cleaned; containers rebuilt once each."""
        if isinstance(node, str):
            return _clean_text(path, data, loc, node)
        if not isinstance(node, dict | list) or id(node) in done:
            return done.get(id(node), node)
        if isinstance(node, list):
            done[id(node)] = out = []
            out.extend(clean(item, [*loc, i]) for i, item in enumerate(node))
            return out
        done[id(node)] = mapping = {}
        for key, value in node.items():
            new = _clean_text(path, data, loc, key, is_key=True) if isinstance(key, str) else key
            if new in mapping:  # two spellings of one text (the parser compares them too)
                raise InputError(
                    path,
                    entry_label(data, loc) or None,
                    f"duplicate key '{printable(new)}' (two Unicode forms)",
                )
            mapping[new] = clean(value, [*loc, key])
        return mapping

    try:
        return clean(data, [])
    except RecursionError:
        raise InputError(path, None, "YAML nested too deeply") from None


# C0 and C1 control characters but tab, line feed and carriage return (YAML's own reader
# refuses them written out; escapes like "\e" or "\x07" would let them in)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
SURROGATE = re.compile(r"[\ud800-\udfff]")


def _clean_text(path: Path, data: Any, loc: list, text: str, is_key: bool = False) -> str:
    """One text in NFC; refused when it holds a surrogate or a control character."""
    bad = SURROGATE.search(text)
    why = "a surrogate code point, half of a UTF-16 pair and not a character"
    if bad is None:
        bad = CONTROL.search(text)
        why = "a control character, which cannot be shown or typed"
    if bad is not None:
        shown = f"'{printable(text)[:60]}'"
        field = loc[-1] if loc and isinstance(loc[-1], str) and not is_key else None
        what = f"the key {shown}" if is_key else f"the text {shown}"
        where = loc if is_key or field is None else loc[:-1]
        problem = f"{what} contains {printable(bad.group())} ({why}): {_fix(text, bad.start())}"
        raise InputError(
            path, entry_label(data, where) or None, f"{field}: {problem}" if field else problem
        )
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def _fix(text: str, at: int) -> str:
    """How to mend a bad character: a UTF-16 pair written as two escapes (as JSON writes
    ``"\\ud83d\\udc5c"``) is one character, written itself or as ``\\U0001f45c``."""
    pair = text[at : at + 2]
    if len(pair) == 2 and "\ud800" <= pair[0] <= "\udbff" and "\udc00" <= pair[1] <= "\udfff":
        char = pair.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
        return f"write the character itself ({char}) or \\U{ord(char):08x}"
    return "remove it"


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
            parts.append(printable(str(key)))
            node = node.get(key) if isinstance(node, dict) else None
    return " > ".join(parts)


def _item_name(item: Any) -> str | None:
    if isinstance(item, dict):
        for field in ("code", "id", "flow", "input", "model"):
            if isinstance(item.get(field), str):
                return printable(item[field])
    return None
