"""Which greenhouse gases of a supply chain the method characterizes, and which it misses.

Every elementary flow of the inventory is matched to a gas (:mod:`..brightway.flowmatch`);
a gas the method has no factor for (a mixture such as "CFCs, unspecified", a gas the
method's table lacks, a halocarbon without a synonym) is listed with its amount, so that a
footprint never leaves out a greenhouse gas without saying so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..model.objects import Catalog, Flow

if TYPE_CHECKING:
    import bw2calc as bc

SHOWN = 5


@dataclass(frozen=True)
class Missed:
    """A greenhouse gas of the inventory without a factor: name, compartment, amount, why."""

    name: str
    categories: tuple[str, ...]
    amount: float
    unit: str
    why: str


@dataclass(frozen=True)
class Coverage:
    """Greenhouse gases of one inventory against one method."""

    method: str
    flows: int  # elementary flows with a non-zero amount in the inventory
    gases: int  # of them greenhouse gases (emitted, or CO2 taken up)
    missed: tuple[Missed, ...]
    no_compartment: int  # gases whose database gave no compartment (taken as emitted to air)

    @property
    def complete(self) -> bool:
        """True when the method has a factor for every greenhouse gas of the inventory."""
        return not self.missed

    def line(self) -> str:
        """One sentence: what is characterized, what is not (amounts), the compartment rule."""
        text = (f"coverage: {self.gases - len(self.missed)} of {self.gases} greenhouse-gas "
                f"flows in the supply chain have a factor in {self.method}")  # fmt: skip
        if self.missed:
            shown = ", ".join(f"{m.name} {m.amount:.3g} {m.unit}" for m in self.missed[:SHOWN])
            more = f" and {len(self.missed) - SHOWN} more" if len(self.missed) > SHOWN else ""
            text += f"; not characterized: {shown}{more}"
        if self.no_compartment:
            text += (f"; {self.no_compartment} had no compartment in their database and were "
                     "taken as emissions to air")  # fmt: skip
        return text

    @classmethod
    def from_dict(cls, data: dict) -> Coverage:
        """The coverage ``to_dict`` gave."""
        missed = tuple(Missed(m["name"], tuple(m["categories"]), m["amount"], m["unit"],
                              m["why"]) for m in data["not_characterized"])  # fmt: skip
        return cls(data["method"], data["elementary_flows"], data["greenhouse_gas_flows"],
                   missed, data["no_compartment"])  # fmt: skip

    def to_dict(self) -> dict:
        """Plain JSON types."""
        return {
            "method": self.method,
            "elementary_flows": self.flows,
            "greenhouse_gas_flows": self.gases,
            "complete": self.complete,
            "no_compartment": self.no_compartment,
            "not_characterized": [
                {
                    "name": m.name,
                    "categories": list(m.categories),
                    "amount": m.amount,
                    "unit": m.unit,
                    "why": m.why,
                }  # fmt: skip
                for m in self.missed
            ],
        }


def coverage(lca: bc.LCA, method_id: str, method_name: tuple, catalog: Catalog,
             codes: dict[int, str], info: dict[str, Flow]) -> Coverage:  # fmt: skip
    """The coverage of ``lca``'s inventory (after ``lci``) by the method it characterizes."""
    from bw2data.backends import ActivityDataset as AD

    from ..brightway.datapackages import method_flow_ids
    from ..brightway.flowmatch import matcher_of

    amounts = np.asarray(lca.inventory.sum(axis=1)).ravel()
    characterized = method_flow_ids(method_name)
    matcher = matcher_of(catalog)
    rows = {row: fid for fid, row in lca.dicts.biosphere.items() if amounts[row] != 0}
    kinds = dict(AD.select(AD.id, AD.type).where(AD.id.in_(list(rows.values()))).tuples())
    gases, no_compartment, missed = 0, 0, []
    for row, fid in sorted(rows.items()):
        flow = info[codes[row]]
        found = matcher.match(flow.name, flow.categories, flow.cas, kinds.get(fid))
        if found is None:
            continue
        gases += 1
        no_compartment += found.no_compartment
        if fid in characterized:
            continue
        why = (f"no factor in {method_id}" if found.flow else
               f"a greenhouse gas without a GWP in the tables ({found.rule})")  # fmt: skip
        missed.append(Missed(flow.name, flow.categories, float(amounts[row]), flow.unit, why))
    missed.sort(key=lambda m: -abs(m.amount))
    return Coverage(method_id, len(rows), gases, tuple(missed), no_compartment)
