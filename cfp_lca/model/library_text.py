"""Finding processes of the library by text: every word typed must occur in the process's
code, name, product, category or location (case folded). ``cfp-lca search`` and the reader of
data-collection workbooks find them the same way."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .objects import Process


def words_of(text: str) -> list[str]:
    """The words a text must all contain (case and accents as typed; case folded)."""
    return [w.casefold() for w in text.split()]


def hit(words: Sequence[str], *fields: object) -> bool:
    """Whether every word occurs in the fields taken together."""
    haystack = " ".join(str(f) for f in fields if f).casefold()
    return all(w in haystack for w in words)


def library_matches(backgrounds: Mapping[str, Mapping[str, Process]], text: str) -> list[Process]:
    """The library's processes matching every word of ``text``, in the library's order."""
    words = words_of(text)
    return [p for db in backgrounds.values() for p in db.values()
            if hit(words, p.code, p.name, p.meta.get("reference product"),
                   p.meta.get("category"), p.location, p.meta.get("name_zh"))]  # fmt: skip
