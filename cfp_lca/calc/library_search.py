"""Which factor is there for X: the processes and flows of the library, and the processes of
databases the project holds (an import, ecoinvent), matching a text, each with its GWP per
unit under a method, its unit, location, source and year.

A process's factor is its cradle-to-gate score per unit of its product: every matched
process's score comes from one solve of the transposed technosphere of the databases searched
(A^T h = (C B)^T 1, as :func:`.lcia.characterized_unit_scores`), through bw2calc's matrices of
the written project. A flow's factor is the method's characterization factor.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import bw2data as bd

from ..brightway.datapackages import (
    dependency_order,
    foreground_nodes,
    inventory_datapackage,
    method_datapackage,
)
from ..model.library_text import hit, library_matches, words_of
from ..model.objects import Catalog, Method
from .lcia import FactorizedLCA, characterized_unit_scores


@dataclass(frozen=True)
class Found:
    """One process or flow that matches, with what a practitioner asks of a factor."""

    kind: str  # "process" or "flow"
    database: str
    code: str
    name: str
    unit: str
    factor: float | None  # method unit per unit (a process's score, a flow's factor)
    location: str | None = None
    reference_product: str | None = None
    source: str | None = None
    year: int | None = None
    gwp_set: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Search:
    """What a search found, and the method its factors are in."""

    text: str
    method: str
    unit: str
    found: list[Found]

    def to_dict(self) -> dict:
        return {"query": self.text, "method": self.method, "unit": self.unit,
                "found": [f.to_dict() for f in self.found]}  # fmt: skip


def search(catalog: Catalog, text: str, method: Method,
           databases: Sequence[str] = ()) -> Search:  # fmt: skip
    """The library's processes and flows matching every word of ``text``, then those of the
    project's ``databases``; processes with their score per unit under ``method``."""
    words = words_of(text)
    library = library_matches(catalog.backgrounds, text)
    linked = _project_matches(words, databases)
    keys = [p.key for p in library] + [(row["database"], row["code"]) for row in linked]
    searched = list(catalog.backgrounds) + list(databases)
    scores = unit_scores(searched, method, keys) if keys else {}
    found = [_library_process(p, scores) for p in library]
    found += [Found("process", row["database"], row["code"], row["name"], row["unit"],
                    scores.get((row["database"], row["code"])), row["location"],
                    row["reference product"], row["source"], row["year"])
              for row in linked]  # fmt: skip
    factors = {f.flow: f.value for f in method.factors}
    found += [Found("flow", catalog.biosphere, f.code, f.name, f.unit, factors.get(f.code, 0.0),
                    "/".join(f.categories), None, f.comment)
              for f in catalog.flows.values() if hit(words, f.code, f.name, f.cas,
                                                      "/".join(f.categories))]  # fmt: skip
    return Search(text, method.id, method.unit, found)


def _library_process(p, scores: dict) -> Found:
    meta = p.meta
    return Found("process", p.database, p.code, p.name, p.unit, scores.get(p.key), p.location,
                 meta.get("reference product"), meta.get("source"), meta.get("year"),
                 meta.get("gwp_set"))  # fmt: skip


def _project_matches(words: Sequence[str], databases: Sequence[str]) -> list[dict]:
    """Processes of the project's ``databases`` whose name, product or location holds every
    word (one query per database, the words matched by SQLite's LIKE, then checked here)."""
    from bw2data.backends import ActivityDataset as AD

    out = []
    kinds = list(bd.labels.process_node_types)
    for db in databases:
        query = AD.select(AD.code, AD.name, AD.location, AD.product, AD.data).where(
            (AD.database == db) & (AD.type.in_(kinds) | AD.type.is_null()))  # fmt: skip
        for word in words:
            query = query.where(AD.name.contains(word) | AD.product.contains(word)
                                | AD.location.contains(word))  # fmt: skip
        for code, name, location, product, data in query.order_by(AD.name).tuples():
            if hit(words, name, product, location):
                out.append({"database": db, "code": code, "name": name, "location": location,
                            "reference product": product, "unit": data.get("unit", ""),
                            "source": data.get("comment") or data.get("source"),
                            "year": None})  # fmt: skip
    return out


def unit_scores(databases: Sequence[str], method: Method,
                keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], float]:  # fmt: skip
    """Score per unit of each process ``keys`` names, over ``databases`` and what they
    depend on, in one factorization."""
    order: list[str] = []
    for db in databases:
        order += [d for d in dependency_order(db) if d not in order]
    ids = {}
    for db in {k[0] for k in keys}:
        ids |= {(db, code): i for i, code in foreground_nodes(db).items()}
    first = ids[keys[0]]
    lca = FactorizedLCA({first: 1.0}, data_objs=[inventory_datapackage(order),
                                                 method_datapackage(method.name)])  # fmt: skip
    lca.lci()
    lca.lcia()
    h = characterized_unit_scores(lca)
    return {k: float(h[lca.dicts.product[ids[k]]]) for k in keys if k in ids}
