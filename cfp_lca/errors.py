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
