"""Figures of the result by gas and of burdens and credits by stage, for the widget model of
test_lcia_breakdown (real project, real bw2calc), in English and Chinese."""

from __future__ import annotations

import warnings
import xml.etree.ElementTree as ET

import matplotlib.image as mpimg
import numpy as np
import pytest
from test_lcia_breakdown import widget  # noqa: F401  (the module fixture)

from cfp_lca.present import fonts


def _check(paths, out) -> None:
    """A PNG with something drawn on it and a parseable SVG, named after ``out``."""
    png, svg = out.with_suffix(".png"), out.with_suffix(".svg")
    assert paths == [png, svg]
    img = mpimg.imread(png)
    assert img.shape[0] > 300 and img.shape[1] > 500
    rgb = np.round(img[::2, ::2, :3] * 255).astype(np.int32).reshape(-1, 3)
    assert len(np.unique((rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2])) > 20
    assert ET.parse(svg).getroot().tag.endswith("svg")


def _svg_text(path) -> str:
    return path.with_suffix(".svg").read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_gas_and_credit_figures_are_written(widget, tmp_path, lang):  # noqa: F811
    from cfp_lca.present.figures import gas_figure, stage_figure

    if lang == "zh" and fonts.cjk_font() is None:
        pytest.skip("no CJK font installed")
    _, model, static = widget
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gases = gas_figure(model, static, tmp_path / "gases", lang)
        stages = stage_figure(model, static, tmp_path / "stages", lang)
    _check(gases, tmp_path / "gases")
    _check(stages, tmp_path / "stages")


def test_figures_show_credits_apart_and_every_group(widget, tmp_path):  # noqa: F811
    """SVG text kept as text: the labels can be read back."""
    import matplotlib as mpl

    from cfp_lca.present.figures import gas_figure, stage_figure

    _, model, static = widget
    with mpl.rc_context({"svg.fonttype": "none"}):
        from cfp_lca.present import plots

        old = plots._RC["svg.fonttype"]
        plots._RC["svg.fonttype"] = "none"
        try:
            gas_figure(model, static, tmp_path / "gases")
            stage_figure(model, static, tmp_path / "stages")
        finally:
            plots._RC["svg.fonttype"] = old
    gases = _svg_text(tmp_path / "gases")
    # every ISO 14067 7.3 group in the legend, biogenic at zero; the SF6 leak with its share
    for text in ("fossil: 92.7", "biogenic: 0", "land-use change: 0.50", "pre-characterized"):
        assert text in gases, text
    assert "Sulfur hexafluoride" in gases and "23.5 (22.3 %)" in gases
    stages = _svg_text(tmp_path / "stages")
    # end of life: burdens 4.06, credits -8 drawn apart, net -3.94 (-3.73 % of 105.56)
    assert "\u22128.00" in stages and "\u22123.94 (\u22123.73 %)" in stages
    assert "zw32" not in gases + stages and "h2widget" not in gases + stages


def test_donut_rings_the_burdens_and_lists_the_credits_apart(widget, tmp_path):  # noqa: F811
    from cfp_lca.present import plots
    from cfp_lca.present.figures import _donut_items

    _, model, static = widget
    items = _donut_items(model, static, "en")
    # the ring: burdens 56.5, 53, 4.06; the footnote: the end-of-life credit of -8
    assert [n for n, _ in items] == ["making", "use", "end of life", "end of life"]
    assert [v for _, v in items] == pytest.approx([56.5, 53.0, 4.06, -8.0])
    _check(plots.stage_donut(items, "kg CO2e", tmp_path / "d", "t"), tmp_path / "d")


def test_flow_names_in_chinese(widget):  # noqa: F811
    from cfp_lca.present.figures import flow_label

    _, model, _ = widget
    assert flow_label(model, "Sulfur hexafluoride", "zh") == "六氟化硫"
    assert flow_label(model, "A gas without a group", "zh") == "A gas without a group"
    assert flow_label(model, "Sulfur hexafluoride", "en") == "Sulfur hexafluoride"
