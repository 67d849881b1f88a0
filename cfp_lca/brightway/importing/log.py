"""What an import decided, entry by entry: every dataset or exchange not written as the
files state it (skipped, allocated, cut, repaired, kept as the source's own flow) is one
entry, so that nothing is lost without a line saying so."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path


class ImportProblem(Exception):
    """An import that cannot be written: unreadable file, existing name, unlinked exchanges,
    multi-output datasets without a rule, invalid uncertainty when refused."""


# kinds of entries, with the sentence that introduces them in the summary
KINDS = {
    "file repaired": "repairs of file metadata a parser cannot read (inventory untouched)",
    "no product": "datasets with no product, not imported (nothing can buy from them)",
    "zero product": "products with amount 0, dropped from their datasets",
    "allocated": "multi-output datasets allocated",
    "by-product dropped": "by-products dropped (--multi-output reference)",
    "source cut-off": "inputs the source marks as cut off (CUTOFF, Dummy), left out",
    "cut": "exchanges linking to nothing, cut (--cut-unlinked)",
    "uncertainty repaired": "invalid uncertainty distributions set to none (amount kept)",
    "lognormal centred": "lognormal distributions centred on the amount (median = amount)",
    "own flow": "elementary flows kept as the source's own (no unique match in the project)",
    "matched flow": "elementary flows linked to a project flow by name or CAS number",
}


@dataclass(frozen=True)
class Entry:
    """One decision: its kind, the dataset, the exchange (or ''), and what was done."""

    kind: str
    dataset: str
    exchange: str
    detail: str


@dataclass
class ImportLog:
    """Every decision of one import, in order."""

    entries: list[Entry] = field(default_factory=list)

    def add(self, kind: str, dataset: str, exchange: str = "", detail: str = "") -> None:
        """Record one decision (``kind`` one of KINDS)."""
        self.entries.append(Entry(kind, dataset, exchange, detail))

    def counts(self) -> Counter:
        """Entries by kind."""
        return Counter(e.kind for e in self.entries)

    def of(self, kind: str) -> list[Entry]:
        """The entries of one kind."""
        return [e for e in self.entries if e.kind == kind]

    def summary(self) -> list[str]:
        """One line per kind that occurred: the count and what it means."""
        counts = self.counts()
        return [f"{counts[k]:,} {text}" for k, text in KINDS.items() if counts[k]]

    def csv_text(self) -> str:
        """The entries as CSV (kind, dataset, exchange, detail)."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["kind", "dataset", "exchange", "detail"])
        for e in self.entries:
            writer.writerow([e.kind, e.dataset, e.exchange, e.detail])
        return out.getvalue()

    def write(self, path: Path) -> None:
        """Write the entries to ``path`` (a new file, UTF-8 with BOM for spreadsheets)."""
        with open(path, "x", encoding="utf-8-sig", newline="") as f:
            f.write(self.csv_text())


def listed(lines: list[str], shown: int) -> str:
    """The first ``shown`` lines joined, and how many more there are."""
    more = f" (and {len(lines) - shown} more)" if len(lines) > shown else ""
    return "; ".join(lines[:shown]) + more


def describe(ds: dict) -> str:
    """A dataset as a reader knows it: name, location and the file it came from."""
    return f"{ds.get('name')!r} [{ds.get('location') or '-'}] ({ds.get('source file', '')})"


def describe_exchange(x: dict) -> str:
    """An exchange as a reader knows it: kind, name, compartment or location, unit."""
    where = "/".join(x.get("categories") or ()) or x.get("location") or ""
    where = f" {where}" if where else ""
    return f"{x.get('type')} {x.get('name')!r}{where} [{x.get('unit')}]"
