"""The static result of one functional unit and its partitions: what the tables, figures
and the result cache hold, importable without bw2calc (a command that shows a kept result
does not pay for the calculation's imports)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model.objects import Flow
from .coverage import Coverage

GROUPS = ("fossil", "biogenic", "land_use_change", "aircraft", "precharacterized")
OTHER_GROUP = "other"
CO2_CAS = "124-38-9"


@dataclass(frozen=True)
class StaticResult:
    """Deterministic GWP of one functional unit, with its partitions."""

    model: str
    method: str
    method_name: tuple[str, ...]
    unit: str
    functional_unit: str
    total: float
    stages: dict[str, float]  # stage code -> kgCO2e per functional unit
    activities: dict[str, float]  # foreground activity code -> kgCO2e
    parts: dict[str, float]  # part label -> kgCO2e (unlabelled activities passed downstream)
    background: dict[tuple[str, str], float]  # purchased background product -> kgCO2e
    unit_scores: dict[tuple[str, str], float] = field(repr=False)  # score per unit of product
    annual_output: float | None = None
    # stage code ("" for none) -> kgCO2e of activities in no part (transport, use, end of life)
    outside_parts: dict[str, float] = field(default_factory=dict)

    separate: tuple[str, ...] = ()  # stages reported beside the comparable total
    supply: dict[str, float] = field(default_factory=dict, repr=False)  # foreground activity
    flows: dict[str, float] = field(default_factory=dict)  # elementary flow code -> kgCO2e
    groups: dict[str, float] = field(default_factory=dict)  # ISO 14067 7.3 group -> kgCO2e
    burdens: dict[str, float] = field(default_factory=dict)  # stage code -> stage - credits
    credits: dict[str, float] = field(default_factory=dict)  # stage code -> credit exchanges
    # foreground activity code -> {flow code: kgCO2e} of its own (direct) emissions
    direct: dict[str, dict[str, float]] = field(default_factory=dict, repr=False)
    factors: dict[str, float] = field(default_factory=dict, repr=False)  # flow code -> CF
    inventory: dict[str, float] = field(default_factory=dict, repr=False)  # flow code -> amount
    direct_amounts: dict[str, dict[str, float]] = field(default_factory=dict, repr=False)
    flow_info: dict[str, Flow] = field(default_factory=dict, repr=False)  # name, unit, group
    # purchased background product -> what a reader knows it by (name, product, location)
    labels: dict[tuple[str, str], str] = field(default_factory=dict, repr=False)
    coverage: Coverage | None = None  # the method's greenhouse gases against the inventory

    @property
    def comparable_total(self) -> float:
        """The total without separately reported stages (e.g. use, outside the report scope)."""
        return self.total - sum(self.stages[s] for s in self.separate)

    @property
    def has_credits(self) -> bool:
        """True when any stage holds a credit."""
        return any(self.credits.values())

    def share(self, value: float) -> float:
        """Percentage of the total."""
        return 100.0 * value / self.total if self.total else float("nan")


def reporting_group(flow: Flow | None) -> str:
    """The ISO 14067 7.3 group a flow is reported in ("other" when it has none)."""
    return flow.group if flow is not None and flow.group in GROUPS else OTHER_GROUP


def is_biogenic_co2(flow: Flow | None) -> bool:
    """Biogenic CO2, emitted or taken up (group 'biogenic', CAS of CO2)."""
    return flow is not None and flow.group == "biogenic" and (flow.cas or "").lstrip("0") == CO2_CAS


def biogenic_co2(amounts: dict[str, float], info: dict[str, Flow]) -> tuple[float, float]:
    """(emitted, taken up) biogenic CO2 in kg of CO2 from inventory ``amounts`` by flow code:
    a flow from nature (categories 'natural resource') is taken up, as a negative emission
    is; the second figure is negative or zero. Methods net the two at 0/0 (ISO 14067:2018
    6.4.9.2), so only the inventory can say how much of each there is (7.3)."""
    emitted = taken = 0.0
    for code, amount in amounts.items():
        flow = info.get(code)
        if not is_biogenic_co2(flow):
            continue
        if (flow.categories and "resource" in flow.categories[0]) or amount < 0:
            taken -= abs(amount)
        else:
            emitted += amount
    return emitted, taken
