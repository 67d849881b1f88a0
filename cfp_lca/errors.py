"""The one error type that user-facing input problems raise."""

from __future__ import annotations

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
