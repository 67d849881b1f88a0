"""`cfp-lca plot`: every figure of a model, each a valid, non-trivial image named for it."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
from matplotlib.image import imread

from cfp_lca.cli import main
from conftest import TEST_PROJECT

KINDS = ("stage_contributions", "greenhouse_gases", "stage_shares_donut", "parts_pareto",
         "monte_carlo_total",
         "monte_carlo_convergence", "tornado", "spearman", "contribution_to_variance",
         "sobol_indices", "supply_tree", "system_boundary")  # fmt: skip


def test_plot_writes_every_figure(built, tmp_path, capsys):
    args = ["plot", "zw32", "--out", str(tmp_path), "-n", "1000", "--sobol-n", "128"]
    assert main([*args, "--project", TEST_PROJECT]) == 0
    printed = capsys.readouterr().out.split()
    assert len(printed) == 2 * len(KINDS)
    for kind in KINDS:
        png, svg = tmp_path / f"zw32_{kind}.png", tmp_path / f"zw32_{kind}.svg"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000
        pixels = imread(png)[..., :3].reshape(-1, 3)
        colours = np.unique((pixels * 255).astype(np.uint8), axis=0)
        assert len(colours) > 20, kind  # more than a blank canvas and a frame
        assert (np.abs(pixels - 1.0).sum(axis=1) > 0.1).mean() > 0.02, kind
        assert ET.parse(svg).getroot().tag.endswith("svg")
