"""The audit in words, in the report's language: a claim's finding (``cf_<finding>``) and what
explains a figure that disagrees (``an_<key>``) are the catalog's sentences for their keys,
with their values shown: lists joined, shares and ratios to a few significant digits,
boundaries, bases, quantities and library categories from the catalog, names and data texts
from the data."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .i18n import TEXT, t, verbatim


@dataclass(frozen=True)
class Words:
    """How one finding's values are shown: the language, names by code, data texts."""

    lang: str
    names: Mapping[str, str]
    text: Callable[[str], str] | None

    @property
    def sep(self) -> str:
        """Between the items of a list."""
        return "、" if self.lang == "zh" else ", "

    @property
    def semicolon(self) -> str:
        """Between the longer items of a list."""
        return "；" if self.lang == "zh" else "; "

    def data(self, value: str) -> str:
        """A data text in the report's language (quoted as it is where it has none)."""
        return self.text(value) if self.text is not None else verbatim(value, self.lang)

    def named(self, entry: Mapping[str, Any]) -> str:
        """An activity, process or model: its own name in the language, else by code, else
        its name in the data."""
        own = entry.get(f"name_{self.lang}") if self.lang != "en" else None
        return own or self.names.get(entry["code"]) or self.data(entry["name"])

    def bought(self, entry: Mapping[str, Any]) -> str:
        """One input outside the claimed categories."""
        kind = category(entry["category"], self.lang)
        return t("cf_bought", self.lang, amount=f"{entry['amount']:.6g}", unit=entry["unit"],
                 name=self.named(entry), category=kind)  # fmt: skip

    def quantity(self, what: Mapping[str, Any]) -> str:
        """A declared quantity ("the raw material acquisition stage"), its stage, activity and
        input named (a stage by ``stage/<code>`` in the names)."""
        named = {k: self.names.get(f"stage/{v}" if k == "stage" else v, v)
                 for k, v in what.items() if k != "quantity" and v}  # fmt: skip
        return t(f"aq_{what['quantity']}", self.lang, **named)

    def factor(self, entry: Mapping[str, Any]) -> str:
        """One factor that is not a life-cycle factor, with the boundary it states."""
        return t("cf_factor", self.lang, name=self.named(entry), stated=self.data(entry["stated"]))


#: how each value of a finding is shown, by its name
SHOWN: dict[str, Callable[[Words, Any], object]] = {
    "held": lambda w, v: w.sep.join(v) or t("cf_no_gas", w.lang),
    "missing": lambda w, v: w.sep.join(v),  # gases and EN 15804 modules, as they are written
    "lacking": lambda w, v: w.sep.join(v),
    "reached": lambda w, v: w.sep.join(v),
    "categories": lambda w, v: w.sep.join(category(c, w.lang) for c in v),
    "activity": Words.named,
    "model": Words.named,
    "bought": lambda w, v: w.semicolon.join(w.bought(b) for b in v),
    "factors": lambda w, v: w.semicolon.join(w.factor(f) for f in v),
    "boundary": lambda w, v: t(f"cf_{v}", w.lang),
    "basis": lambda w, v: t(f"cf_basis_{v}", w.lang),
    "item": Words.data,
    "where": Words.data,
    "share": lambda w, v: f"{v:.3g}",
    "below": lambda w, v: f"{v:g}",
    # what explains a declared figure
    "method": lambda w, v: " / ".join(w.data(part) for part in v),
    "input": Words.named,
    "what": Words.quantity,
    "ratio": lambda w, v: f"{v:.4g}",
    "value": lambda w, v: f"{v:g}",
    "parameter": lambda w, v: f"`{v}`",
}


def worded(key: str, values: Mapping[str, Any], lang: str,
           names: Mapping[str, str] | None = None,
           text: Callable[[str], str] | None = None) -> str:  # fmt: skip
    """The catalog's sentence ``key`` with ``values`` shown: activities, processes and
    stages (``stage/<code>``) named by code from ``names`` (else their names in the data),
    data texts (an item, a place in the document, a stated boundary) through ``text``."""
    words = Words(lang, names or {}, text)
    shown = {k: SHOWN[k](words, v) if k in SHOWN else v for k, v in values.items()}
    return t(key, lang, **shown)


def finding_text(check: Mapping[str, Any], lang: str, names: Mapping[str, str] | None = None,
                 text: Callable[[str], str] | None = None) -> str:  # fmt: skip
    """The finding of one checked claim (``finding_key`` and ``values`` of its ``--json``
    entry), as :func:`worded` shows it."""
    return worded(f"cf_{check['finding_key']}", check["values"], lang, names, text)


def note_text(finding: Mapping[str, Any], lang: str, names: Mapping[str, str] | None = None,
              text: Callable[[str], str] | None = None) -> str:  # fmt: skip
    """What explains a declared figure that disagrees (``note_key`` and ``note_values`` of its
    ``--json`` entry), as :func:`worded` shows it; empty when nothing does."""
    if not finding.get("note_key"):
        return ""
    return worded(f"an_{finding['note_key']}", finding["note_values"], lang, names, text)


def quantity_text(what: Mapping[str, Any], lang: str,
                  names: Mapping[str, str] | None = None) -> str:  # fmt: skip
    """A declared quantity in words (``what`` of a conflict in ``--json``)."""
    return Words(lang, names or {}, None).quantity(what)


def category(code: str, lang: str) -> str:
    """A library category ("metals/steel") in words, part by part; a part the catalog does
    not know (a user's own category) as it is written."""
    parts = [t(f"cat_{p}", lang) if f"cat_{p}" in TEXT else verbatim(p, lang)
             for p in code.split("/")]  # fmt: skip
    return "/".join(parts)
