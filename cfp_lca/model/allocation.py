"""Multi-output activities: the share of an activity's inputs and emissions that its own
product carries, by the rule its file states (ISO 14067:2018 6.4.6.2).

The share is the own product's value over the value of all products: by mass (the products'
amounts in kg, or their ``mass`` property), or by a property every product states per unit
(``price``: economic allocation; ``energy``; ...), times the amount delivered. Values must
share a dimension (prices in one currency: no exchange rate is assumed). The activity is then
an allocated single-output process: every exchange scaled by the share, which plain bw2calc
computes as cfp_lca does; the co-products leave the system.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError, printable
from .objects import Exchange
from .options import holds
from .schema import ActivitySpec, PropertySpec
from .uncertainty import rescaled
from .units import UnitProblem, quantity

if TYPE_CHECKING:
    import pint


def allocation_share(path: Path, entry: str, a: ActivitySpec,
                     chosen: Mapping[str, Any]) -> tuple[float, dict | None]:  # fmt: skip
    """(share of the activity's own product, what the report states) for the chosen options;
    (1, None) for a single-output activity."""
    import pint

    if not a.co_products:
        if a.allocation:
            raise InputError(path, f"{entry} > allocation", "an allocation rule without "
                             "co_products: name the products the activity shares with")  # fmt: skip
        return 1.0, None
    rules = [r for r in a.allocation if holds(path, entry, r.when, chosen)]
    if len(rules) != 1:
        shown = ", ".join(f"{k}={v}" for k, v in chosen.items()) or "none"
        raise InputError(path, f"{entry} > allocation", f"{len(rules)} allocation rules hold "
                         f"for the options ({shown}): give exactly one, with 'when' where "
                         "options choose (ISO 14067:2018 6.4.6.2)")  # fmt: skip
    rule = rules[0]
    own = _value(path, f"{entry} > properties", rule.by, a.properties, 1.0, a.unit)
    others = [
        _value(path, f"{entry} > co_products[{k}] '{c.name}'", rule.by, c.properties,
               c.amount.value, c.amount.unit)
        for k, c in enumerate(a.co_products)
    ]  # fmt: skip
    try:
        share = float((own / sum(others, own)).to("dimensionless").magnitude)
    except (pint.errors.DimensionalityError, ZeroDivisionError):
        shown = ", ".join(f"{v:~P}" for v in (own, *others))
        raise InputError(
            path,
            f"{entry} > allocation",
            f"the products' values by "
            f"'{rule.by}' cannot be added ({shown}): state them in one unit "
            "(prices in one currency)",
        ) from None
    if not 0.0 < share <= 1.0:
        raise InputError(path, f"{entry} > allocation", f"the own product's share by "
                         f"'{rule.by}' is {share:g}: not in (0, 1]")  # fmt: skip
    return share, {"by": rule.by, "share": share, "reason": rule.reason,
                   "co_products": [c.name for c in a.co_products]}  # fmt: skip


def _value(path: Path, entry: str, by: str, properties: Mapping[str, PropertySpec],
           amount: float, unit: str) -> pint.Quantity:  # fmt: skip
    """A product's value by ``by``: its property per unit times the amount delivered, or
    its amount in kg for ``mass`` without a mass property."""
    import pint

    try:
        delivered = quantity(amount, unit)
        if by in properties:
            p = properties[by]
            return (quantity(p.value, p.unit) * delivered).to_base_units()
        if by == "mass":
            return delivered.to("kg")
    except pint.errors.DimensionalityError:
        raise InputError(
            path,
            entry,
            f"{amount:g} {unit} is not a mass: give a 'mass' "
            "property (kg per unit) to allocate by mass",
        ) from None
    except UnitProblem as exc:
        raise InputError(path, entry, str(exc)) from None
    raise InputError(path, entry, f"no property '{printable(by)}' to allocate by: every "
                     "product states it (per unit of the product)")  # fmt: skip


def allocated(x: Exchange, share: float) -> Exchange:
    """An exchange of a multi-output activity: its own product's share of it."""
    if share == 1.0:
        return x
    amount = x.amount * share
    return replace(x, amount=amount, uncertainty=rescaled(x.uncertainty, x.amount, amount))
