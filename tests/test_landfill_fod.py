"""Landfill gas of wood by IPCC 2006 first-order decay (Vol. 5 Ch. 3) in the shipped
end-of-life database, against a hand calculation with the IPCC defaults the data cites:
DOC 0.43, DOCf 0.5, MCF 1.0, F 0.5, OX 0.1, k 0.03 per year, over 100 years."""

from __future__ import annotations

import math

import pytest

from cfp_lca.model.loading import load_catalog
from conftest import DATA

DOC, DOCF, MCF, F, OX, K, YEARS = 0.43, 0.5, 1.0, 0.5, 0.1, 0.03, 100


def test_first_order_decay_by_hand():
    process = load_catalog(DATA).backgrounds["cfp-china-end-of-life"]["landfill_wood_fod_cn"]
    emitted = {x.code: x.amount for x in process.exchanges if x.kind == "biosphere"}
    carbon = DOC * DOCF * MCF * (1 - math.exp(-K * YEARS))  # kg C decayed per kg wood
    assert emitted["ch4_non_fossil"] == pytest.approx(
        carbon * F * (1 - OX) * 16.04 / 12.011, rel=1e-12
    )
    assert emitted["co2_non_fossil"] == pytest.approx(
        carbon * (1 - F + F * OX) * 44.01 / 12.011, rel=1e-12
    )
    # 0.123 kg CH4 per kg: 3.3 kg CO2e with the AR6 non-fossil GWP 27.0
    assert 27.0 * emitted["ch4_non_fossil"] == pytest.approx(3.31, abs=0.01)
    inputs = [x.code for x in process.exchanges if x.kind == "technosphere"]
    assert inputs == ["landfill_inert_cn"]  # the site operation, as for inert waste
