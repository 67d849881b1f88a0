"""Datasets with several products made into single-output activities by a stated rule.

ISO 14067:2018 6.4.6.2 asks that allocation be avoided where possible and, where not, follow
physical relationships, else another relationship such as economic value; the rule is the
data's or the user's, never the importer's silent choice:

- a dataset that carries its own allocation factors (openLCA JSON-LD: physical, economic or
  causal, its default method) is allocated by them;
- otherwise ``--multi-output`` decides: ``refuse`` (default: nothing is written, the datasets
  are listed), ``mass`` (shares of the products' masses; every product in a mass unit) or
  ``reference`` (the reference product carries the whole dataset, by-products are dropped).

Each product becomes an activity with the dataset's name, the product as its reference
product, and every other exchange times the product's factor (its distribution scaled with
it). Datasets with no product are not imported: nothing can buy from them. Every case is an
entry of the import log.
"""

from __future__ import annotations

import math

from .log import ImportLog, ImportProblem, describe, describe_exchange, listed

RULES = ("refuse", "mass", "reference")
SHOWN = 5


def single_output(datasets: list[dict], rule: str, log: ImportLog) -> list[dict]:
    """The activities of ``datasets``: single-output ones as they are, multi-output ones
    allocated (their own factors, else ``rule``); a refusal lists the datasets."""
    if rule not in RULES:
        raise ImportProblem(f"unknown --multi-output rule '{rule}' (one of {', '.join(RULES)})")
    refused: list[str] = []
    out: list[dict] = []
    for ds in datasets:
        products = _products(ds, log)
        if not products:
            log.add("no product", describe(ds), "", "no product output with a non-zero amount")
            continue
        if len(products) == 1:
            out.append(_activity(ds, products[0], 1.0, None))
            continue
        own = _own_factors(ds, products)
        if own is not None:
            out.extend(_allocate(ds, products, own, "the dataset's own factors", log))
        elif rule == "mass":
            masses = _masses(products)
            if masses is None:
                refused.append(f"{describe(ds)}: products not all in mass units")
                continue
            total = sum(masses)
            out.extend(_allocate(ds, products, [m / total for m in masses], "mass", log))
        elif rule == "reference":
            kept = next((p for p in products if p.get("reference")), products[0])
            for p in products:
                if p is not kept:
                    log.add(
                        "by-product dropped",
                        describe(ds),
                        describe_exchange(p),
                        f"the reference product {kept['name']!r} carries the dataset",
                    )
            out.append(_activity(ds, kept, 1.0, None))
        else:
            refused.append(f"{describe(ds)}: {len(products)} products")
    if refused:
        raise ImportProblem(
            f"{len(refused)} multi-output datasets have no allocation factors in the files: "
            f"{listed(refused, SHOWN)}; nothing was written. Choose a rule: --multi-output "
            "mass (by the products' masses) or --multi-output reference (the reference "
            "product carries the dataset), or import an export that carries allocation "
            "factors (JSON-LD)"
        )
    _unique_codes(out)
    return out


def _products(ds: dict, log: ImportLog) -> list[dict]:
    """The dataset's product outputs with a non-zero amount (zero ones logged), reference
    product first."""
    products = []
    for x in ds["exchanges"]:
        if x["type"] != "production":
            continue
        if x["amount"] == 0:
            log.add("zero product", describe(ds), describe_exchange(x), "amount 0")
        else:
            products.append(x)
    return sorted(products, key=lambda p: not p.get("reference"))


def _own_factors(ds: dict, products: list[dict]) -> list | None:
    """Factors the dataset states for its products (per product, or per product and
    exchange for causal allocation), or None."""
    own = ds.get("allocation") or {}
    by_product, by_exchange = own.get("products") or {}, own.get("exchanges") or {}
    if by_exchange:
        return [{"causal": by_exchange, "product": p.get("flow")} for p in products]
    if by_product and all(p.get("flow") in by_product for p in products):
        return [by_product[p["flow"]] for p in products]
    return None


def _masses(products: list[dict]) -> list[float] | None:
    """Each product's amount in kg, or None if one is not in a mass unit."""
    from ...model.units import UnitProblem, convert, quantity
    from ..linking import LinkProblem, pint_unit

    masses = []
    for p in products:
        try:
            masses.append(convert(quantity(abs(p["amount"]), pint_unit(str(p["unit"]))), "kg"))
        except (LinkProblem, UnitProblem, KeyError):
            return None
    return masses if sum(masses) > 0 else None


def _allocate(ds: dict, products: list[dict], factors: list, how: str, log: ImportLog):
    """One activity per product, the other exchanges scaled by its factor."""
    shares = ", ".join(
        f"{p['name']!r} {f if isinstance(f, float) else 'causal'}"
        for p, f in zip(products, factors, strict=True)
    )
    log.add("allocated", describe(ds), "", f"by {how}: {shares}")
    return [_activity(ds, p, f, p) for p, f in zip(products, factors, strict=True)]


def _activity(ds: dict, product: dict, factor, suffix: dict | None) -> dict:
    """The activity of ``product`` of ``ds``: its production, the dataset's other
    exchanges (products aside) times ``factor``. ``suffix``: set for allocated products,
    whose codes are the dataset's code and the product's flow."""
    code = (
        ds["code"] if suffix is None else f"{ds['code']}:{product.get('flow') or product['name']}"
    )
    first = {"dataset reference": bool(product.get("reference")), "reference": True}
    exchanges = [{**product, "type": "production", **first}]
    for x in ds["exchanges"]:
        if x["type"] == "production":
            continue
        f = factor
        if isinstance(factor, dict):  # causal: a factor per exchange
            f = factor["causal"].get((factor["product"], x.get("internal id")), 0.0)
        if f != 0:
            exchanges.append(scaled(x, f))
    return {
        **{k: v for k, v in ds.items() if k not in ("exchanges", "allocation")},
        "code": code,
        "dataset": ds["code"],
        "reference product": (ds.get("reference product") if suffix is None else None)
        or product["name"],
        "unit": product.get("unit") or ds.get("unit"),
        "exchanges": exchanges,
    }


def scaled(x: dict, f: float) -> dict:
    """An exchange times ``f`` (> 0 or < 0), its distribution scaled with its amount."""
    if f == 1:
        return dict(x)
    y = {**x, "amount": x["amount"] * f}
    kind = x.get("uncertainty type", 0)
    if kind == 2 and f > 0:
        y["loc"] = x.get("loc", math.nan) + math.log(f)
    elif kind == 2:
        y.update({"uncertainty type": 0, "loc": y["amount"]})
    else:
        for key in ("loc", "minimum", "maximum"):
            if key in x and x[key] is not None:
                y[key] = x[key] * f
        if kind == 3 and "scale" in x:
            y["scale"] = abs(x["scale"] * f)
        if f < 0 and kind in (4, 5):
            y["minimum"], y["maximum"] = y.get("maximum"), y.get("minimum")
    return y


def _unique_codes(activities: list[dict]) -> None:
    """Two activities with one code would overwrite each other: refuse."""
    seen: dict[str, dict] = {}
    for a in activities:
        if a["code"] in seen:
            raise ImportProblem(
                f"two datasets have the id {a['code']}: {describe(seen[a['code']])} and "
                f"{describe(a)}; nothing was written"
            )
        seen[a["code"]] = a
