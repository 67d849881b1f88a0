"""Distributions of imported exchanges checked as stats_arrays will draw them.

Real databases carry distributions that cannot be sampled: a lognormal of zero or infinite
variance, a triangular whose mode lies outside its bounds, bounds in the wrong order, an
amount outside its own range, a range whose mean lies a factor of ten or more from the
amount (USLCI: an input of 1.07e-6 kg drawn from [0, 9.68]). With ``--uncertainty repair``
(the default) each is set to no distribution, its amount kept (the static result is
unchanged), and listed; ``refuse`` writes nothing and names the first ones. Lognormals are
centred on the amount (the amount is their median: loc = ln|amount|, as bw2io's
``set_lognormal_loc_value`` does for ecoinvent), each change listed. The rules are the ones
:func:`problem` states.
"""

from __future__ import annotations

import math

from .log import ImportLog, ImportProblem, describe, describe_exchange, listed

POLICIES = ("repair", "refuse")
SHOWN = 5
NO_DISTRIBUTION = (0, 1)
LOGNORMAL, NORMAL, UNIFORM, TRIANGULAR = 2, 3, 4, 5
SIGMA_LIMIT = 25.0  # bw2io's own limit on a lognormal's sigma (variance beyond any data)
MEAN_RATIO = 10.0  # a range whose mean is 10 times its amount (or a tenth) is another quantity


def _number(x: dict, key: str) -> float:
    value = x.get(key)
    try:
        return float(value) if value is not None else math.nan
    except (TypeError, ValueError):
        return math.nan


def problem(x: dict) -> str | None:
    """Why the exchange's distribution cannot be drawn, or None when it can."""
    kind = int(_number(x, "uncertainty type") if x.get("uncertainty type") is not None else 0)
    amount = _number(x, "amount")
    if kind in NO_DISTRIBUTION:
        return None
    if not math.isfinite(amount):
        return f"amount {amount} is not finite"
    if kind == LOGNORMAL:
        return _lognormal_problem(amount, _number(x, "scale"))
    if kind == NORMAL:
        return _normal_problem(_number(x, "scale"))
    if kind in (UNIFORM, TRIANGULAR):
        lo, hi, loc = (_number(x, k) for k in ("minimum", "maximum", "loc"))
        return _range_problem(kind, amount, lo, hi, loc)
    return _stats_arrays_problem(x, kind)


def _lognormal_problem(amount: float, sigma: float) -> str | None:
    """A lognormal needs a non-zero amount (its median) and a sigma in (0, SIGMA_LIMIT]."""
    if amount == 0:
        return "lognormal on an amount of 0"
    if not (math.isfinite(sigma) and 0 < sigma <= SIGMA_LIMIT):
        return f"lognormal sigma {sigma:g} is not in (0, {SIGMA_LIMIT:g}]"
    return None


def _normal_problem(sd: float) -> str | None:
    """A normal needs a positive, finite standard deviation."""
    if not (math.isfinite(sd) and sd > 0):
        return f"normal standard deviation {sd:g} is not positive and finite"
    return None


def _range_problem(kind: int, amount: float, lo: float, hi: float, loc: float) -> str | None:
    """A uniform or triangular needs finite increasing bounds that hold its mode and the
    amount, and a mean within a factor MEAN_RATIO of the amount."""
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        return f"bounds [{lo:g}, {hi:g}] are not finite and increasing"
    if kind == TRIANGULAR and not lo <= loc <= hi:
        return f"triangular mode {loc:g} lies outside [{lo:g}, {hi:g}]"
    if not lo <= amount <= hi:
        return f"amount {amount:g} lies outside [{lo:g}, {hi:g}]"
    mean = (lo + hi) / 2 if kind == UNIFORM else (lo + hi + loc) / 3
    if amount != 0 and not 1 / MEAN_RATIO <= mean / amount <= MEAN_RATIO:
        return (
            f"the range [{lo:g}, {hi:g}] has its mean {mean:g} at {mean / amount:.3g} "
            "times the amount: it does not describe this amount"
        )
    return None


def _stats_arrays_problem(x: dict, kind: int) -> str | None:
    """Other distributions: stats_arrays' own validation of the parameters."""
    import numpy as np
    from stats_arrays import uncertainty_choices
    from stats_arrays.errors import InvalidParamsError

    if kind not in uncertainty_choices.id_dict:
        return f"unknown stats_arrays distribution id {kind}"
    params = uncertainty_choices.id_dict[kind].from_dicts(
        {k: x.get(k, np.nan) for k in ("loc", "scale", "shape", "minimum", "maximum",
                                       "negative")} | {"uncertainty_type": kind}
    )  # fmt: skip
    try:
        uncertainty_choices.id_dict[kind].validate(params)
    except InvalidParamsError as exc:
        return str(exc)
    return None


def check_distributions(activities: list[dict], policy: str, log: ImportLog) -> None:
    """Repair (listed) or refuse every distribution that cannot be drawn; centre lognormals
    on their amounts (listed where that changes them)."""
    if policy not in POLICIES:
        raise ImportProblem(f"unknown --uncertainty policy '{policy}' (one of repair, refuse)")
    refused = []
    for a in activities:
        for x in a["exchanges"]:
            why = problem(x)
            if why is None and "invalid uncertainty" in x:  # set to none by bw2io's reader
                why = x["invalid uncertainty"].get("problem", "invalid parameters")
                if policy == "refuse":
                    refused.append(f"{describe(a)}: {describe_exchange(x)}: {why}")
                else:
                    log.add("uncertainty repaired", describe(a), describe_exchange(x), why)
                continue
            if why is not None:
                if policy == "refuse":
                    refused.append(f"{describe(a)}: {describe_exchange(x)}: {why}")
                    continue
                log.add("uncertainty repaired", describe(a), describe_exchange(x), why)
                _drop(x, why)
            elif int(x.get("uncertainty type") or 0) == LOGNORMAL:
                _centre(a, x, log)
    if refused:
        raise ImportProblem(
            f"{len(refused)} distributions cannot be sampled: {listed(refused, SHOWN)}; nothing "
            "was written (--uncertainty repair sets them to none, listed)"
        )


def _drop(x: dict, why: str) -> None:
    """No distribution, the amount kept; the original fields kept under 'invalid uncertainty'."""
    keys = ("uncertainty type", "loc", "scale", "shape", "minimum", "maximum", "negative")
    x["invalid uncertainty"] = {k: x[k] for k in keys if k in x} | {"problem": why}
    for k in keys:
        x.pop(k, None)
    x["uncertainty type"] = 0
    x["loc"] = x["amount"]


def _centre(a: dict, x: dict, log: ImportLog) -> None:
    """loc = ln|amount| and the sign flag of the amount."""
    loc = math.log(abs(float(x["amount"])))
    old = _number(x, "loc")
    if not (math.isfinite(old) and math.isclose(old, loc, rel_tol=1e-9, abs_tol=1e-12)):
        log.add("lognormal centred", describe(a), describe_exchange(x),
                f"loc {old:g} -> ln|amount| {loc:g}")  # fmt: skip
    x["loc"] = loc
    x["negative"] = float(x["amount"]) < 0
