"""The one error type that user-facing input problems raise (and several of one file at once)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from pathlib import Path


class InputError(Exception):
    """Bad input: names the file, the entry and what is wrong, in one line."""

    def __init__(self, file: str | Path | None, entry: str | None, problem: str):
        self.file = str(file) if file is not None else None
        self.entry = entry
        self.problem = problem
        super().__init__(self.message)

    @property
    def message(self) -> str:
        parts = [p for p in (self.file, f"entry {self.entry}" if self.entry else None) if p]
        where = ": ".join(parts)
        return f"{where}: {self.problem}" if where else self.problem


class InputErrors(InputError):
    """Independent problems of one file: the first as the message (one line), the others
    counted; ``errors`` holds them all for ``cfp-lca check``."""

    def __init__(self, errors: Sequence[InputError]):
        self.errors = list(errors)
        first, more = self.errors[0], len(self.errors) - 1
        tail = f" (and {more} more problem{'s' if more > 1 else ''}: `cfp-lca check` lists them)"
        super().__init__(first.file, first.entry, first.problem + (tail if more else ""))


class Problems:
    """Problems gathered while reading one file, so that independent ones are all found."""

    def __init__(self) -> None:
        self.errors: list[InputError] = []

    @contextlib.contextmanager
    def each(self) -> Iterator[None]:
        """Run the block; an input problem in it is kept, and reading goes on after it."""
        try:
            yield
        except InputErrors as exc:
            self.errors.extend(exc.errors)
        except InputError as exc:
            self.errors.append(exc)

    def raise_any(self) -> None:
        """The problems kept so far, raised: one as itself, several together."""
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            raise InputErrors(self.errors)


def printable(text: str) -> str:
    """A text for a message: characters that do not show (controls, format characters such
    as a zero-width space, surrogates, separators other than the space) as escapes."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else _escape(c) for c in text)


def _escape(char: str) -> str:
    """``\\x1b``, ``\\u200b``, ``\\U000e0001``: a character by its code point."""
    point = ord(char)
    if point < 0x100:
        return f"\\x{point:02x}"
    return f"\\u{point:04x}" if point < 0x10000 else f"\\U{point:08x}"
