"""Names and compartments of elementary flows as different databases write them, reduced to
one comparable form: the same gas or substance written "Carbon dioxide, fossil ",
"carbon dioxide, fossil" or "Carbon dioxide [Inorganic emissions to air]" compares equal,
and ("air", "urban air close to ground"), ("emission", "air"), ("troposphere", "rural") or
"Elementary flows/Emission to air/unspecified" are all emissions to air.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

_BRACKETS = re.compile(r"\s*\[[^\]]*\]\s*$")  # a trailing "[Inorganic emissions to air]"
_NOT_WORD = re.compile(r"[^0-9a-z]+")

# top-level compartments, and the words that place a category element in one (checked in
# this order: "resource" first, so "resource, in air" is a resource, not an emission to air)
TOPS = ("natural resource", "air", "water", "soil")
_TOP_WORDS = (
    ("natural resource", ("resource", "in ground", "in air", "in water", "land", "biotic")),
    ("air", ("air", "atmosph", "troposph", "stratosph")),
    ("water", ("water", "ocean", "river", "sea", "lake", "aquatic")),
    ("soil", ("soil", "ground", "agricultur", "forestry", "industrial")),
)
# sub-compartments that place an emission above the troposphere: aircraft (ISO 14067 7.3)
AIRCRAFT = ("lower stratosphere + upper troposphere", "stratosphere")


def normalized_name(name: str) -> str:
    """A flow name for comparison: Unicode NFKC, case folded, a trailing bracketed category
    dropped, every run of punctuation and spaces one space."""
    text = unicodedata.normalize("NFKC", str(name or "")).casefold()
    text = _BRACKETS.sub("", text)
    return _NOT_WORD.sub(" ", text).strip()


def designations(name: str) -> list[str]:
    """The comma-separated parts of a name, normalized (a part may be an industrial
    designation such as HCFC-22 or Halon 1301)."""
    return [normalized_name(p) for p in str(name or "").split(",") if normalized_name(p)]


def compartment(categories: Sequence[str] | str | None) -> tuple[str | None, str | None]:
    """(top, sub) of a category path: top one of TOPS or None when the path says nothing
    (no compartment given); sub the last element below it (lower case), or None."""
    if isinstance(categories, str):
        categories = [p for p in re.split(r"[/|]", categories) if p]
    parts = [unicodedata.normalize("NFKC", str(c)).strip().casefold() for c in categories or ()]
    parts = [p for p in parts if p and p not in ("elementary flows", "unspecified")]
    for top, words in _TOP_WORDS:
        for k, part in enumerate(parts):
            if any(w in part for w in words):
                rest = parts[k + 1 :]
                return top, (rest[-1] if rest else None)
    return None, (parts[-1] if parts else None)


def is_aircraft(categories: Sequence[str] | None) -> bool:
    """True for emissions to the upper troposphere or stratosphere (aircraft)."""
    text = " ".join(str(c).casefold() for c in categories or ())
    return any(a in text for a in AIRCRAFT)
