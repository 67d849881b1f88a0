"""Every exchange of an import linked to a node, by stated rules, or listed.

Technosphere inputs, in this order:
1. the provider the file names (EcoSpold 2 ``activityLinkId``, openLCA ``defaultProvider``)
   and the product flow;
2. the product flow: the one activity of the import producing that flow (where several do,
   the one for which it is the reference product of its dataset);
3. the name, unit and location of the product (then name and unit, when one activity has
   them), within the import and then in the databases linked to (``--link-to``).
An input none of these finds, or finds several times, is unlinked: the import refuses, or
with ``--cut-unlinked`` leaves it out and lists it.

Elementary flows: the flow of a linked biosphere database with the file's flow id as code;
else the one with the same name (or CAS number) and compartment, where the file gives one;
where it gives none (openLCA's EcoSpold 2 exports), the one flow of that name in its one
top-level compartment (air, water, soil or resource, by the exchange's direction). Every other
flow is kept as the source's own, in a biosphere database written beside the import: no
elementary flow is dropped. bw2io's biosphere strategies need a compartment to link and delete
or leave unlinked what they cannot: hence these rules.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable

from ...model.flownames import compartment, normalized_name
from .log import ImportLog, describe, describe_exchange

BIOSPHERE_TYPES = ("emission", "natural resource", "inventory indicator", "economic",
                   "social")  # fmt: skip


class Index:
    """Lookup tables of the import's activities by product flow, provider and name."""

    def __init__(self, activities: list[dict], database: str):
        self.database = database
        self.by_flow: dict[str, list[dict]] = defaultdict(list)
        self.by_dataset: dict[tuple, dict] = {}
        self.by_name: dict[tuple, list[dict]] = defaultdict(list)
        for a in activities:
            product = a["exchanges"][0]
            if product.get("flow"):
                self.by_flow[product["flow"]].append(a)
            self.by_dataset[(a["dataset"], product.get("flow"))] = a
            self.by_dataset.setdefault((a["dataset"], None), a)
            for key in _name_keys(a["reference product"], a.get("unit"), a.get("location")):
                self.by_name[key].append(a)
            if a.get("name") != a["reference product"]:
                for key in _name_keys(a["name"], a.get("unit"), a.get("location")):
                    self.by_name[key].append(a)

    def provider(self, x: dict) -> tuple[dict | None, str]:
        """The activity supplying input ``x``, or (None, why not)."""
        if x.get("provider"):
            hit = self.by_dataset.get((x["provider"], x.get("flow")))
            if hit is not None:
                return hit, ""
        if x.get("flow") and x["flow"] in self.by_flow:
            hits = self.by_flow[x["flow"]]
            if len(hits) > 1:
                hits = [h for h in hits if h["exchanges"][0].get("dataset reference", True)]
            if len(hits) == 1:
                return hits[0], ""
            return None, f"{len(self.by_flow[x['flow']])} activities produce this flow"
        return _by_name(self.by_name, x)


def _name_keys(name: str, unit: str | None, location: str | None) -> list[tuple]:
    n = normalized_name(name)
    return [(n, str(unit or "").lower(), str(location or "").lower()), (n, str(unit or "").lower())]


def _by_name(index: dict[tuple, list], x: dict) -> tuple:
    """The one entry of ``index`` with the exchange's name, unit (and location)."""
    keys = _name_keys(x.get("name", ""), x.get("unit"), x.get("location"))
    for key in keys if x.get("location") else keys[1:]:
        hits = {id(h): h for h in index.get(key, [])}
        if len(hits) == 1:
            return next(iter(hits.values())), ""
        if len(hits) > 1:
            return None, f"{len(hits)} activities have this name and unit"
    return None, "no activity produces it"


def _external(index: dict[tuple, list], x: dict) -> dict | None:
    """The one activity of the databases linked to with the input's name (or reference
    product), unit and location: all three, as bw2io's ``match_database`` links."""
    key = _name_keys(x.get("name", ""), x.get("unit"), x.get("location"))[0]
    hits = {id(h): h for h in index.get(key, [])} if x.get("location") else {}
    return next(iter(hits.values())) if len(hits) == 1 else None


def external_index(databases: Iterable[str]) -> dict[tuple, list]:
    """Activities of the databases linked to, by name or reference product, unit, location."""
    import bw2data as bd

    index: dict[tuple, list] = defaultdict(list)
    for db in databases:
        for node in bd.Database(db):
            if node.get("type", "process") not in bd.labels.process_node_types:
                continue
            entry = {"key": (db, node["code"])}
            for name in {node.get("name"), node.get("reference product")} - {None}:
                for key in _name_keys(name, node.get("unit"), node.get("location")):
                    index[key].append(entry)
    return index


# inputs the source itself marks as cut off: USLCI's "CUTOFF ..." and "Dummy ..." flows (and
# its EcoSpold 1 category "CUTOFF Flows") have no provider by design (US Federal LCA Commons
# data conventions); openLCA leaves them open
SOURCE_CUTOFF = re.compile(r"^\s*(cut-?off|dummy)\b[\s_:-]*", re.IGNORECASE)


def _marked_cut_off(x: dict) -> bool:
    """The source marks the input as cut off: by its name, or its flow's category."""
    category = str(x.get("flow category") or "").split("/")[-1]
    return bool(SOURCE_CUTOFF.match(str(x.get("name", ""))) or SOURCE_CUTOFF.match(category))


def link_technosphere(activities: list[dict], database: str, external: dict[tuple, list],
                      log: ImportLog, cut: bool) -> list[str]:  # fmt: skip
    """Set ``input`` on every technosphere input; returns one line per unlinked input (left
    in place) or, with ``cut``, removes them and logs each. Inputs the source marks as cut
    off (SOURCE_CUTOFF) are left out and logged whatever ``cut`` says."""
    index = Index(activities, database)
    unlinked = []
    for a in activities:
        a["exchanges"][0]["input"] = (database, a["code"])
        kept = []
        for x in a["exchanges"]:
            if x["type"] == "technosphere" and _marked_cut_off(x):
                hit, _ = index.provider(x)
                if hit is None:
                    log.add("source cut-off", describe(a), describe_exchange(x),
                            "marked as cut off by the source; no provider")  # fmt: skip
                    continue
            if x["type"] == "technosphere":
                hit, why = index.provider(x)
                if hit is not None:
                    x["input"] = (database, hit["code"])
                else:
                    found = _external(external, x)
                    if found is not None:
                        x["input"] = found["key"]
                    else:
                        line = f"{describe(a)}: {describe_exchange(x)}: {why}"
                        if cut:
                            log.add("cut", describe(a), describe_exchange(x), why)
                            continue
                        unlinked.append(line)
            kept.append(x)
        a["exchanges"] = kept
    return unlinked


class Biosphere:
    """The elementary flows exchanges can link to: the linked biosphere databases' flows,
    and the source's own flows kept in ``own`` (database ``own_name``)."""

    def __init__(self, databases: Iterable[str], own_name: str):
        import bw2data as bd

        self.own_name = own_name
        self.own: dict[str, dict] = {}
        self._logged: set[tuple] = set()
        self.codes: dict[str, tuple] = {}
        self.by_name: dict[tuple, list[tuple]] = defaultdict(list)
        self.by_cas: dict[tuple, list[tuple]] = defaultdict(list)
        for db in databases:
            for node in bd.Database(db):
                if node.get("type") not in BIOSPHERE_TYPES:
                    continue
                key = (db, node["code"])
                self.codes.setdefault(node["code"], key)
                top, sub = compartment(node.get("categories"))
                entry = (key, top, sub, str(node.get("unit", "")).lower())
                self.by_name[(normalized_name(node.get("name", "")), top)].append(entry)
                cas = str(node.get("CAS number") or "").lstrip("0")
                if cas:
                    self.by_cas[(cas, top)].append(entry)

    def link(self, a: dict, x: dict, log: ImportLog) -> None:
        """Set ``input`` on elementary exchange ``x`` of activity ``a``."""
        if x.get("flow") and x["flow"] in self.codes:
            x["input"] = self.codes[x["flow"]]
            return
        found, how = self._match(x)
        if found is not None:
            x["input"] = found
            if how and found not in self._logged:  # a rule beyond name and compartment
                self._logged.add(found)
                log.add("matched flow", describe(a), describe_exchange(x),
                        f"linked to {found[0]} flow {found[1]} ({how})")  # fmt: skip
            return
        x["input"] = self._own(a, x, log)

    def _match(self, x: dict) -> tuple[tuple | None, str]:
        """The one project flow of the exchange's name (or CAS) and compartment, or None;
        and the rule used where it is more than the same name and compartment."""
        top, sub = compartment(x.get("categories"))
        unit = str(x.get("unit", "")).lower()
        name = normalized_name(x.get("name", ""))
        cas = str(x.get("CAS number") or "").lstrip("0")
        tops = [top] if top else (["natural resource"] if x.get("input") else
                                  ["air", "water", "soil"])  # fmt: skip
        for table, value, rule in ((self.by_name, name, "name"), (self.by_cas, cas, "CAS number")):
            if not value:
                continue
            hits = [e for t in tops for e in table.get((value, t), []) if e[3] == unit]
            if len({e[1] for e in hits}) != 1:
                continue  # none, or the name in several top compartments
            same = [e for e in hits if e[2] == sub]
            found = same or [e for e in hits if e[2] is None]
            if len(found) == 1:
                notes = [rule] if rule != "name" else []
                if top is None:
                    notes.append(f"no compartment in the file: the name's only one, {hits[0][1]}")
                elif not same:
                    notes.append(f"sub-compartment {sub!r} not in the project: unspecified")
                return found[0][0], "; ".join(notes)
        return None, ""

    def _own(self, a: dict, x: dict, log: ImportLog) -> tuple:
        """The source's own flow for ``x`` (created once, logged once)."""
        code = x.get("flow") or hashlib.sha256(
            repr((normalized_name(x.get("name", "")), tuple(x.get("categories") or ()),
                  x.get("unit"))).encode()
        ).hexdigest()[:32]  # fmt: skip
        if code not in self.own:
            top, _ = compartment(x.get("categories"))
            resource = top == "natural resource" or (top is None and bool(x.get("input")))
            self.own[code] = {
                "name": str(x.get("name", "")).strip(),
                "categories": tuple(x.get("categories") or ()),
                "unit": x.get("unit"),
                "type": "natural resource" if resource else "emission",
                **({"CAS number": x["CAS number"]} if x.get("CAS number") else {}),
            }
            where = "/".join(x.get("categories") or ()) or "no compartment in the file"
            log.add("own flow", describe(a), describe_exchange(x), f"kept as {self.own_name} "
                    f"flow {code} ({where})")  # fmt: skip
        return (self.own_name, code)


def link_biosphere(activities: list[dict], biosphere: Biosphere, log: ImportLog) -> None:
    """Link every elementary exchange (see :class:`Biosphere`)."""
    for a in activities:
        for x in a["exchanges"]:
            if x["type"] == "biosphere":
                biosphere.link(a, x, log)
