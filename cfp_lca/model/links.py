"""Inputs from databases cfp_lca did not write (ecoinvent imported with bw2io, any Brightway
database in the project): ``input: {database, code, unit}`` names the activity by its code,
``input: {database, name, reference_product, location, unit}`` by what a practitioner reads.

The model layer reads files only, so a link by name is resolved through a resolver that the
API installs for its Brightway project (:func:`set_resolver`); a link by code needs none. The
activity's existence and unit are checked against the project when the model is written.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..errors import InputError
from .schema import LinkSpec

# (link) -> the activity's code, or an error text naming the candidates
Resolver = Callable[[LinkSpec], str]
_RESOLVER: list[Resolver] = []
_RESOLVED = [0]  # links resolved by the resolver so far (a catalog using them is not cached)


def resolutions() -> int:
    """How many links by name the installed resolver has resolved in this process."""
    return _RESOLVED[0]


def set_resolver(resolver: Resolver | None) -> None:
    """Install (or with None remove) the resolver of links by name."""
    _RESOLVER.clear()
    if resolver is not None:
        _RESOLVER.append(resolver)


def link_code(path: Path, entry: str, link: LinkSpec) -> str:
    """The code of the linked activity: given, or found by the installed resolver."""
    if link.code is not None:
        return link.code
    if not _RESOLVER:
        raise InputError(
            path,
            entry,
            f"a link by name to '{link.database}' is resolved in a Brightway project: load the "
            "data through cfp_lca.api.load or the cfp-lca command, or give the activity's code",
        )
    _RESOLVED[0] += 1
    try:
        return _RESOLVER[0](link)
    except LookupError as exc:
        raise InputError(path, entry, str(exc).strip("'\"")) from None
