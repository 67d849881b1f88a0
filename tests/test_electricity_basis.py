"""One electricity basis in the component model (ISO 14067:2018 6.4.9.4, issue #12 finding 2):
every electricity exchange of zw32, in every option variant, buys a factor whose stated system
boundary (``boundary`` in its background file) is the life-cycle one."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import yaml

DATA = Path(__file__).resolve().parents[1] / "databases"
LIFE_CYCLE = "life cycle"  # how the background files begin a life-cycle boundary


def _processes() -> dict[str, dict]:
    """Every background process by code, read with plain yaml."""
    out = {}
    for path in sorted((DATA / "background").glob("*.yaml")):
        for proc in yaml.safe_load(path.read_text(encoding="utf-8"))["processes"]:
            out[proc["code"]] = proc | {"file": path.name}
    return out


def _electricity_exchanges() -> list[tuple[str, str]]:
    """(activity, input) of every exchange of zw32.yaml that buys a process in kWh."""
    model = yaml.safe_load((DATA / "foreground" / "zw32.yaml").read_text(encoding="utf-8"))
    processes = _processes()
    return [
        (a["code"], x["input"])
        for a in model["activities"]
        for x in a.get("inputs", [])
        if processes.get(x["input"], {}).get("unit") == "kWh"
    ]


def test_the_model_buys_electricity_in_every_stage_that_uses_it():
    activities = {a for a, _ in _electricity_exchanges()}
    assert {"production", "use_stage", "breaker_housing", "copper_conductors"} <= activities


@pytest.mark.parametrize(("activity", "code"), _electricity_exchanges())
def test_every_electricity_factor_is_life_cycle(activity, code):
    process = _processes()[code]
    boundary = process.get("boundary")
    assert boundary, f"{process['file']}: {code} (bought by {activity}) states no boundary"
    assert boundary.lower().startswith(LIFE_CYCLE), (
        f"{activity} buys {code} whose boundary is '{boundary}', not the life-cycle basis"
    )


def test_every_variant_buys_only_life_cycle_electricity(catalog):
    """Through cfp_lca: every option combination's written exchanges in kWh."""
    from cfp_lca.model.loading import model_variant

    base = catalog.models["zw32"]
    processes = _processes()
    choices = {k: spec["choices"] for k, spec in base.option_specs.items()}
    for combo in itertools.product(*choices.values()):
        model = model_variant(catalog, "zw32", dict(zip(choices, combo, strict=True)))
        codes = {x.code for a in model.activities for x in a.exchanges if x.unit == "kWh"}
        assert codes, combo
        for code in codes:
            assert processes[code]["boundary"].lower().startswith(LIFE_CYCLE), (combo, code)
