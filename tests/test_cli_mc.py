"""`cfp-lca mc`: JSON statistics, reproducible whatever the chunk size, samples saved on request.

On the engine tests' fixture model 'lamp' (tests/fixtures/models, README there), in the project
'cfp_fixture' (session fixture ``fixture_catalog``; ``on_fixture`` switches back after each test).
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from fixture_models import LAMP_TOTAL, MODELS, PROJECT

from cfp_lca.cli import main

pytestmark = pytest.mark.usefixtures("on_fixture")
DATA = ("--data", str(MODELS), "--project", PROJECT)


def run_json(capsys, *args) -> dict:
    assert main(["mc", *args, "--json", *DATA]) == 0
    return json.loads(capsys.readouterr().out)


def test_mc_json_statistics(capsys):
    out = run_json(capsys, "lamp", "-n", "20000", "--seed", "1", "--sources", "all")
    total = out["total"]
    # deterministic value: the lamp's total by hand (README), not a Monte Carlo figure
    assert total["deterministic"] == pytest.approx(LAMP_TOTAL, rel=1e-12)
    assert total["p2_5"] < total["p5"] < total["p25"] < total["median"] < total["p75"]
    assert total["p75"] < total["p95"] < total["p97_5"]
    assert total["cv"] == pytest.approx(total["std"] / total["mean"], rel=1e-12)
    assert set(out["stages"]) == {"Materials", "Transport", "Production", "End of life"}
    assert out["iterations"] == out["valid"] == 20000
    assert out["sources"] == ["foreground", "background", "characterization", "assumptions"]


def test_mc_same_seed_same_numbers_whatever_the_chunk(capsys):
    a = run_json(capsys, "lamp", "-n", "9000", "--seed", "7", "--chunk-size", "4096")
    b = run_json(capsys, "lamp", "-n", "9000", "--seed", "7", "--chunk-size", "100000")
    c = run_json(capsys, "lamp", "-n", "9000", "--seed", "8")
    assert a["total"] == b["total"] and a["stages"] == b["stages"]
    assert a["total"]["mean"] != c["total"]["mean"]


def test_mc_saves_samples_and_refuses_to_overwrite(capsys, tmp_path):
    path = tmp_path / "samples.npy"
    out = run_json(capsys, "lamp", "-n", "5000", "--seed", "3", "--save-samples", str(path))
    samples = np.load(path)
    assert samples.shape[0] == 5000
    assert np.median(samples[:, 0]) == pytest.approx(out["total"]["median"], rel=1e-9)
    assert out["sources"] == ["foreground", "background", "characterization"]  # the default
    below = 100 * np.mean(samples[:, 0] < out["total"]["deterministic"])
    assert out["deterministic_percentile"] == pytest.approx(below, abs=1e-9)
    assert main(["mc", "lamp", "-n", "100", "--save-samples", str(path), *DATA]) == 2
    assert "exists already" in capsys.readouterr().err
