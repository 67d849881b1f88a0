"""`cfp-lca mc`: JSON statistics, reproducible whatever the chunk size, samples saved on request."""

from __future__ import annotations

import json

import numpy as np
import pytest

from cfp_lca.cli import main
from conftest import TEST_PROJECT


def run_json(capsys, *args) -> dict:
    assert main(["mc", *args, "--json", "--project", TEST_PROJECT]) == 0
    return json.loads(capsys.readouterr().out)


def test_mc_json_statistics(built, capsys):
    out = run_json(capsys, "zw32-report", "-n", "20000", "--seed", "1", "--sources", "all")
    total = out["total"]
    # deterministic value: the report's total (summary page), not a Monte Carlo figure
    assert total["deterministic"] == pytest.approx(1345.6139, abs=0.5e-4)
    assert total["p2_5"] < total["p5"] < total["p25"] < total["median"] < total["p75"]
    assert total["p75"] < total["p95"] < total["p97_5"]
    assert total["cv"] == pytest.approx(total["std"] / total["mean"], rel=1e-12)
    assert set(out["stages"]) == {"raw material acquisition", "raw material transport",
                                  "production", "product transport", "end of life"}  # fmt: skip
    assert out["iterations"] == out["valid"] == 20000
    assert out["sources"] == ["foreground", "background", "characterization"]


def test_mc_same_seed_same_numbers_whatever_the_chunk(built, capsys):
    a = run_json(capsys, "zw32", "-n", "9000", "--seed", "7", "--chunk-size", "4096")
    b = run_json(capsys, "zw32", "-n", "9000", "--seed", "7", "--chunk-size", "100000")
    c = run_json(capsys, "zw32", "-n", "9000", "--seed", "8")
    assert a["total"] == b["total"] and a["stages"] == b["stages"]
    assert a["total"]["mean"] != c["total"]["mean"]


def test_mc_saves_samples_and_refuses_to_overwrite(built, capsys, tmp_path):
    path = tmp_path / "samples.npy"
    out = run_json(capsys, "zw32", "-n", "5000", "--seed", "3", "--save-samples", str(path))
    samples = np.load(path)
    assert samples.shape[0] == 5000
    assert np.median(samples[:, 0]) == pytest.approx(out["total"]["median"], rel=1e-9)
    assert out["sources"] == ["foreground", "background", "characterization"]  # the default
    below = 100 * np.mean(samples[:, 0] < out["total"]["deterministic"])
    assert out["deterministic_percentile"] == pytest.approx(below, abs=1e-9)
    assert (
        main(["mc", "zw32", "-n", "100", "--save-samples", str(path), "--project", TEST_PROJECT])
        == 2
    )
    assert "exists already" in capsys.readouterr().err
