"""What the model's assumptions do to the total, apart from the uncertainty of its data.

A parameter of kind ``assumption`` is a value chosen for want of data (a load rate, a standby
power). The Monte Carlo of the data sources holds it at its value, so the data-uncertainty
interval is not widened by choices; here each assumption is set alone to the low and the high
end of its range (2.5 % and 97.5 % of its distribution), the rest at best estimates, and a
run of the assumptions alone gives each one's share of the variance they cause together
(Huijbregts 1998; ISO 14067:2018 6.6: uncertainty of data apart from choices and scenarios).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model.objects import Method, ProductModel
from .sensitivity import input_space, spearman_ranking, tornado

#: the ends of an assumption's range: those of the data-uncertainty interval
ENDS = (0.025, 0.975)


@dataclass(frozen=True)
class AssumptionRange:
    """One assumption: its settings at the ends of its range and the total at each."""

    label: str
    low_setting: float
    high_setting: float
    low: float  # total with the assumption at its low end, the rest at best estimates
    high: float
    variance_share: float  # its share of the variance of a run of the assumptions alone


@dataclass(frozen=True)
class AssumptionRanges:
    """The total at best estimates and each assumption's range, widest first."""

    base: float
    rows: tuple[AssumptionRange, ...]
    n: int  # draws of the run that gives the shares


def has_assumptions(model: ProductModel) -> bool:
    """Whether the model has random parameters of kind assumption."""
    params = model.parameters
    return params is not None and any(p.kind == "assumption" for p in params.random)


def assumption_ranges(
    model: ProductModel, method: Method, n: int = 20_000, seed: int = 1
) -> AssumptionRanges | None:
    """Each assumption's range of the total, and its share of the assumptions' variance;
    None for a model without assumptions."""
    if not has_assumptions(model):
        return None
    space = input_space(model, method, ("assumptions",))
    if not space.inputs:
        return None
    base, rows = tornado(space, ENDS)
    shares = spearman_ranking(space, n, seed)
    share = dict(zip(shares.labels, shares.variance_share.tolist(), strict=True))
    return AssumptionRanges(base, tuple(
        AssumptionRange(r.label, r.low_setting, r.high_setting, r.low, r.high,
                        share.get(r.label, 0.0)) for r in rows), n)  # fmt: skip
