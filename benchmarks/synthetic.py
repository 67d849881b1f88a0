"""A synthetic ecoinvent-like background database, written with bw2data, for benchmarks.

``write_synthetic(n)`` writes ``bench-biosphere`` (200 flows, the first four of them CO2,
CH4, N2O, SF6 under their ecoinvent names, with an AR6 GWP100 method ``("bench", "GWP100")``)
and ``bench-background-N``: ``n``
processes, each producing 1 unit and taking about 14 inputs from other processes (cyclic, as
in ecoinvent: 10 from its own sector, processes within 100 places of it, and 4 from a core of
markets every sector buys from, the first 2 % of processes, as electricity, heat, fuels and
transport) and about 8 biosphere exchanges, every exchange with a lognormal uncertainty
(sigma 0.1-0.4). Column sums of the inputs stay below 0.6, so the matrix is an M-matrix and
every draw is solvable. Seeded: the same ``n`` and ``seed`` write the same database.
"""

from __future__ import annotations

import math

import bw2data as bd
import numpy as np

BIOSPHERE = "bench-biosphere"
METHOD = ("bench", "GWP100")
# code: (ecoinvent / biosphere3 name, so cfp_lca's methods characterize it; AR6 GWP100)
GASES = {
    "co2": ("Carbon dioxide, fossil", 1.0),
    "ch4": ("Methane, fossil", 29.8),
    "n2o": ("Dinitrogen monoxide", 273.0),
    "sf6": ("Sulfur hexafluoride", 25200.0),
}
N_FLOWS = 200
INPUTS = 14
EMISSIONS = 8


def _lognormal(amount: float, sigma: float) -> dict:
    """stats_arrays lognormal fields around ``amount`` (its median), sign kept."""
    return {
        "amount": amount,
        "uncertainty type": 2,
        "loc": math.log(abs(amount)),
        "scale": sigma,
        "negative": amount < 0,
    }


def write_biosphere() -> None:
    """The benchmark's elementary flows and its GWP method (idempotent)."""
    if BIOSPHERE in bd.databases:
        return
    names = list(GASES) + [f"flow-{i}" for i in range(len(GASES), N_FLOWS)]
    bd.Database(BIOSPHERE).write(
        {
            (BIOSPHERE, code): {
                "name": GASES[code][0] if code in GASES else code,
                "unit": "kg",
                "type": "emission",
                "categories": ("air",),
            }
            for code in names
        }
    )
    bd.Method(METHOD).write([((BIOSPHERE, g), cf) for g, (_, cf) in GASES.items()])


def write_synthetic(n: int, seed: int = 42) -> str:
    """Write (once) the ``n``-process background and return its name."""
    write_biosphere()
    name = f"bench-background-{n}"
    if name in bd.databases:
        return name
    rng = np.random.default_rng(seed)
    data = {}
    for j in range(n):
        k = min(INPUTS, n - 1)
        near = (j + rng.choice(np.r_[-100:0, 1:101], size=k - 4, replace=False)) % n
        far = rng.choice(max(4, n // 50), size=4)
        inputs = np.unique(np.r_[near, far])
        inputs = inputs[inputs != j]
        k = inputs.size
        shares = rng.dirichlet(np.ones(k)) * rng.uniform(0.1, 0.6)
        flows = rng.choice(N_FLOWS, size=EMISSIONS, replace=False)
        exchanges = [{"input": (name, f"p{j}"), "type": "production", "amount": 1.0}]
        exchanges += [
            {"input": (name, f"p{i}"), "type": "technosphere", **_lognormal(float(a), 0.1)}
            for i, a in zip(inputs.tolist(), shares.tolist(), strict=True)
        ]
        exchanges += [
            {
                "input": (BIOSPHERE, _flow_code(f)),
                "type": "biosphere",
                **_lognormal(float(rng.lognormal(-2.0, 1.5)), float(rng.uniform(0.1, 0.4))),
            }
            for f in flows.tolist()
        ]
        data[(name, f"p{j}")] = {
            "name": f"process {j}",
            "reference product": f"product {j}",
            "unit": "kg",
            "location": "GLO",
            "type": "process",
            "exchanges": exchanges,
        }
    bd.Database(name).write(data)
    return name


def _flow_code(i: int) -> str:
    return list(GASES)[i] if i < len(GASES) else f"flow-{i}"


def foreground_yaml(background: str, n: int, activities: int = 20, links: int = 50) -> str:
    """A cfp_lca model of ``activities`` foreground activities buying ``links`` processes of
    the synthetic ``background`` (``n`` processes) by code, every amount lognormal."""
    rng = np.random.default_rng(7)
    lines = [
        "model: bench-fg",
        "database: cfp-bench-fg",
        "name: benchmark foreground",
        'functional_unit: {amount: 1, unit: unit, description: "1 unit"}',
        "reference_activity: a0",
        "method: ipcc-ar6-gwp100",
        f"backgrounds: [{background}]",
        "stages:",
        "  - {code: making, name: making}",
        "activities:",
    ]
    chosen = rng.choice(n, size=links, replace=False).tolist()
    for a in range(activities):
        lines += [f"  - code: a{a}", f"    name: activity {a}", "    stage: making", "    inputs:"]
        if a + 1 < activities:
            lines.append(
                f"      - {{input: a{a + 1}, amount: {{value: 1, unit: unit}}, source: structure}}"
            )
        for p in chosen[a::activities]:
            amount = float(rng.lognormal(0.0, 1.0))
            lines.append(
                f"      - {{input: {{database: {background}, code: p{p}, unit: kg}}, "
                f"amount: {{value: {amount:.6g}, unit: kg}}, source: benchmark, "
                "uncertainty: {distribution: lognormal, gsd: 1.3}}"
            )
    return "\n".join(lines) + "\n"
