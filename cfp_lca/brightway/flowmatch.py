"""Which greenhouse gas an elementary flow of any database is, and in which ISO 14067 7.3
group it is reported: the rules by which cfp_lca's methods characterize flows they did not
write (biosphere3, USLCI/FEDEFL, openLCA, a practitioner's own).

Rules, in order (names compared as ``flownames.normalized_name`` does: case, whitespace and
punctuation ignored, a trailing bracketed category dropped):

1. Direction. A resource (``natural resource`` type, or a resource compartment) is matched
   only to a resource flow (CO2 taken up from air by biomass). An emission is matched when
   its compartment is air (any sub-compartment) or when the database gives it no
   compartment: greenhouse gases are gases, emitted to air (stated in every coverage line
   that counts such flows). Emissions to water or soil are not greenhouse-gas emissions.
2. The whole name: a flow of ``flows.yaml`` of that name, or a synonym (``synonyms.yaml``).
3. A designation that is one comma-separated part of the name (HCFC-22 in "Methane,
   chlorodifluoro-, HCFC-22"), as a synonym.
4. The CAS number; for CO2 and methane, whose CAS number does not tell the origin, the
   origin words of the name (fossil; biogenic, non-fossil, biotic; land transformation,
   from soil or biomass stock, land use change), else the unqualified flow's rule (synonyms).
5. The first part of the name (the substance, "Carbon dioxide" of "Carbon dioxide, from
   ...") with the origin words of the rest, as in 4.

The group is the matched flow's (fossil, biogenic, land_use_change, precharacterized), or
``aircraft`` for an emission to the upper troposphere or stratosphere (ISO 14067:2018 7.3
asks for GHG emissions from aircraft transport documented separately). A name that looks
like a halocarbon (a designation such as HFC-245fa) but matches nothing is returned as a
greenhouse gas without a factor, so it is reported, never dropped silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..model.flownames import compartment, designations, is_aircraft, normalized_name
from ..model.objects import Flow, Synonym

RESOURCE = "natural resource"
ORIGINS = (  # checked in this order: "from soil or biomass stock" before "biomass",
    # "non fossil" before "fossil"
    ("land_use_change", ("land transformation", "land use change", "soil or biomass stock",
                         "luc")),
    ("biogenic", ("non fossil", "biogenic", "biotic", "short cycle", "biomass", "renewable")),
    ("fossil", ("fossil",)),
)  # fmt: skip
# a name stating another quantity than the gas's mass ("n butane, kg C", "Methane (in MJ)")
_OTHER_BASIS = re.compile(r"\b(kg c|as c|as carbon|in mj|mj)\b")
_HALOCARBON = re.compile(r"\b(h?c?fc|hfe|hfo|pfc|halon|hcc)[\s-]?\d", re.IGNORECASE)


@dataclass(frozen=True)
class GasMatch:
    """A greenhouse gas: the flow of ``flows.yaml`` it is (None: a gas without a GWP in
    the tables, a mixture), its ISO 14067 group, the rule that matched, and whether the
    database gave no compartment (the flow taken as an emission to air)."""

    flow: str | None
    group: str
    rule: str
    no_compartment: bool = False


class FlowMatcher:
    """The greenhouse gases of ``flows`` and their synonyms, ready to match other flows."""

    def __init__(self, flows: Mapping[str, Flow], synonyms: Sequence[Synonym] = ()):
        self.flows = dict(flows)
        self.names: dict[str, str | None] = {}
        for f in flows.values():
            self.names.setdefault(normalized_name(f.name), f.code)
        for s in synonyms:
            self.names[normalized_name(s.name)] = s.flow
        self.by_cas: dict[str, list[str]] = {}
        for f in flows.values():
            if f.cas and f.group != "precharacterized":
                self.by_cas.setdefault(_cas(f.cas), []).append(f.code)
        # the substance part of the names of gases whose flows differ by origin ("carbon
        # dioxide" of "Carbon dioxide, fossil"), for rule 5
        self.substances: dict[str, list[str]] = {}
        for codes in self.by_cas.values():
            for code in codes if len(codes) > 1 else ():
                first = designations(self.flows[code].name)[:1]
                if first:
                    self.substances.setdefault(first[0], codes)

    def _resource(self, code: str | None) -> bool:
        flow = self.flows.get(code) if code else None
        return flow is not None and flow.categories[:1] == (RESOURCE,)

    def match(self, name: str, categories: Iterable[str] | None = None, cas: str | None = None,
              kind: str | None = None) -> GasMatch | None:  # fmt: skip
        """The gas a flow is, or None when it is not a greenhouse-gas emission or uptake."""
        top, _ = compartment(tuple(categories or ()))
        resource = kind == RESOURCE or top == RESOURCE
        if not resource and top not in ("air", None):
            return None
        found = None
        for rule in (self._by_name, self._by_cas, self._by_substance):
            hit = rule(name, cas, resource)
            if hit is not None and (hit[0] is None or resource == self._resource(hit[0])):
                found = hit  # a resource is matched to a resource flow, an emission to one
                break
        if found is None:
            if resource or not _HALOCARBON.search(str(name or "")):
                return None
            found = (None, "looks like a halocarbon, no synonym")
        if found[0] is not None and _OTHER_BASIS.search(normalized_name(name)):
            found = (None, f"{found[0]} stated on another basis (kg C, MJ): no factor applies")
        code, rule = found
        group = self.flows[code].group if code else None
        if not resource and is_aircraft(tuple(categories or ())):
            group = "aircraft"
        return GasMatch(code, group or "fossil", rule, no_compartment=top is None)

    def _by_name(self, name: str, cas: str | None, resource: bool) -> tuple | None:
        """Rules 2 and 3: the whole name, then a designation part."""
        whole = normalized_name(name)
        if whole in self.names:
            return self.names[whole], "name"
        for part in designations(name)[1:]:
            if part in self.names and not self._is_origin_gas(self.names[part]):
                return self.names[part], "designation"
        return None

    def _is_origin_gas(self, code: str | None) -> bool:
        """CO2 and methane: the gases whose flows differ by origin."""
        flow = self.flows.get(code) if code else None
        return flow is not None and flow.cas is not None and len(self.by_cas.get(
            _cas(flow.cas), [])) > 1  # fmt: skip

    def _by_cas(self, name: str, cas: str | None, resource: bool) -> tuple | None:
        """Rule 4."""
        codes = self.by_cas.get(_cas(cas)) if cas else None
        if not codes:
            return None
        if len(codes) == 1:
            return codes[0], "CAS number"
        return self._by_origin(codes, name, resource, "CAS number")

    def _by_substance(self, name: str, cas: str | None, resource: bool) -> tuple | None:
        """Rule 5: the first part of the name names the gas, the rest its origin."""
        parts = designations(name)
        if not parts or not all(_origin_of(p) or p in RESOURCE_WORDS or _OTHER_BASIS.search(p)
                                for p in parts[1:]):  # fmt: skip
            return None  # more than the gas and its origin or basis ("Methane, chloro-")
        codes = self.substances.get(parts[0])
        if codes:
            return self._by_origin(codes, name, resource, "substance and origin words")
        code = self.names.get(parts[0])
        return (code, "substance") if code is not None else None

    def _by_origin(self, codes: list[str], name: str, resource: bool, how: str) -> tuple | None:
        """Among flows of one gas, the one whose group the name's origin words say; the
        resource among them for a resource; else the gas's unqualified rule."""
        if resource:
            hits = [c for c in codes if self._resource(c)]
            return (hits[0], f"{how}, resource") if len(hits) == 1 else None
        emissions = [c for c in codes if not self._resource(c)]
        text = f" {normalized_name(name)} "
        for group, words in ORIGINS:
            if any(f" {w} " in text for w in words):
                hits = [c for c in emissions if self.flows[c].group == group]
                if len(hits) == 1:
                    return hits[0], f"{how}, origin '{group}'"
        base = designations(name)[0] if designations(name) else ""
        unqualified = self.names.get(base)
        if unqualified in emissions:
            return unqualified, f"{how}, unqualified"
        fossil = [c for c in emissions if self.flows[c].group == "fossil"]
        return (fossil[0], f"{how}, unqualified taken as fossil") if len(fossil) == 1 else None


RESOURCE_WORDS = ("in air", "air", "resource")


def _origin_of(part: str) -> str | None:
    """The group an origin word of a name part says, or None."""
    text = f" {part} "
    return next((g for g, words in ORIGINS if any(f" {w} " in text for w in words)), None)


_MATCHERS: dict[tuple, FlowMatcher] = {}


def matcher_of(catalog) -> FlowMatcher:
    """The matcher of a catalog's flows and synonyms, built once per catalog content (its
    fingerprint, flows and synonyms): a static LCIA asks for it twice, a method write once
    per method."""
    key = (catalog.fingerprint, tuple(catalog.flows.items()), catalog.synonyms)
    found = _MATCHERS.get(key)
    if found is None:
        _MATCHERS.clear()
        found = _MATCHERS[key] = FlowMatcher(catalog.flows, catalog.synonyms)
    return found


def _cas(text: str | None) -> str:
    """A CAS number without leading zeros or spaces."""
    return str(text or "").strip().lstrip("0")
