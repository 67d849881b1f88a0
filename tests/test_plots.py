"""The plotting layer: every figure is written as a real PNG and SVG, in English and Chinese.

Small synthetic data only; no Brightway project is needed.
"""

from __future__ import annotations

import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import matplotlib as mpl
import matplotlib.image as mpimg
import numpy as np
import pytest

from cfp_lca.present import fonts, plots
from cfp_lca.present.fonts import CJKFontMissing

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

_rng = np.random.default_rng(7)
_SAMPLES = _rng.lognormal(np.log(20.0), 0.15, 600)
_N = np.arange(1, _SAMPLES.size + 1)
_RUNNING = np.cumsum(_SAMPLES) / _N
_SD = np.array([_SAMPLES[:k].std(ddof=1) if k > 1 else np.nan for k in _N])
_SCEN = [_rng.normal(m, 1.5, 400) for m in (20.0, 17.0, 15.0)]
_STAGES = [
    ("Raw materials", 12.4),
    ("Production", 3.1),
    ("Distribution", 0.8),
    ("Use", 6.2),
    ("End of life", -1.7),
]


def _draw(name: str, out: Path, lang: str) -> list[Path]:
    """Call one plot function on small synthetic data."""
    u = "kg CO2e"
    if name == "stage_bars":
        return plots.stage_bars(_STAGES, u, out, "Stages", lang=lang)
    if name == "stage_donut":
        return plots.stage_donut(_STAGES, u, out, "Stage shares", lang=lang)
    if name == "pareto_bars":
        items = [(f"part {i}", float(v)) for i, v in enumerate(_rng.lognormal(0, 1, 20))]
        return plots.pareto_bars(items, u, out, "Parts", lang=lang, max_items=12)
    if name == "mc_histogram":
        return plots.mc_histogram(_SAMPLES, 20.3, u, out, "Monte Carlo", lang=lang)
    if name == "convergence":
        hw = 1.96 * _SD / np.sqrt(_N)
        return plots.convergence(_N, _RUNNING, hw, u, out, "Convergence", lang=lang)
    if name == "tornado":
        rows = [("steel", 19.0, 22.0), ("distance", 20.1, 20.8), ("recycling", 21.0, 19.6)]
        return plots.tornado(20.4, rows, u, out, "Tornado", lang=lang)
    if name == "sensitivity_bars":
        return plots.sensitivity_bars(
            ["steel", "power", "distance", "recycling"],
            [0.62, 0.31, 0.05, -0.4],
            out,
            "Spearman",
            "Spearman rho",
            lang=lang,
        )
    if name == "sobol_bars":
        return plots.sobol_bars(
            ["steel", "power", "distance"],
            [0.5, 0.2, 0.02],
            [0.05, 0.04, 0.03],
            [0.58, 0.25, 0.03],
            [0.06, 0.05, 0.02],
            out,
            "Sobol",
            lang=lang,
        )
    if name == "scenario_boxes":
        return plots.scenario_boxes(
            ["base", "recycled", "green power"], _SCEN, [20.2, 17.1, 15.3], u, out, "Scen", lang
        )
    if name == "scenario_changes":
        changes = [s - _SCEN[0] for s in _SCEN[1:]]
        return plots.scenario_boxes(
            ["recycled", "green power"], changes, [-3.1, -4.9], u, out, "Changes", lang,
            threshold=0.2,
        )  # fmt: skip
    if name == "probability_heatmap":
        m = np.array([[np.mean(a < b) for b in _SCEN] for a in _SCEN])
        return plots.probability_heatmap(["base", "recycled", "green"], m, out, "P", lang=lang)
    if name == "boundary_diagram":
        modules = ["A1-A3", "A3", "A4", "B6", "C1-C4"]
        stages = [{"name": n, "module": m, "share": 100 * v / 20.2, "separate": n == "Use"}
                  for (n, v), m in zip(_STAGES, modules, strict=True)]  # fmt: skip
        return plots.boundary_diagram(stages, ["installation", "maintenance"], out, "Boundary",
                                      lang=lang, credits="benefits beyond")  # fmt: skip
    if name == "supply_tree":
        rows = [{"id": -1, "parent": None, "depth": 0, "name": "product", "score": 10.0,
                 "share": 100.0},
                {"id": 1, "parent": -1, "depth": 1, "name": "steel", "score": 6.0, "share": 60.0},
                {"id": 2, "parent": -1, "depth": 1, "name": "credit", "score": -2.0,
                 "share": -20.0}]  # fmt: skip
        return plots.supply_tree(rows, u, out, "Tree", lang=lang)
    raise AssertionError(name)


FUNCS = [
    "stage_bars",
    "stage_donut",
    "pareto_bars",
    "mc_histogram",
    "convergence",
    "tornado",
    "sensitivity_bars",
    "sobol_bars",
    "scenario_boxes",
    "scenario_changes",
    "probability_heatmap",
    "boundary_diagram",
    "supply_tree",
]


def _check_files(paths: list[Path], out: Path) -> None:
    png, svg = out.with_suffix(".png"), out.with_suffix(".svg")
    assert paths == [png, svg]
    data = png.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    assert len(data) > 2000
    img = mpimg.imread(png)
    assert img.ndim == 3 and img.shape[0] > 300 and img.shape[1] > 500
    rgb = np.round(img[::2, ::2, :3] * 255).astype(np.int32).reshape(-1, 3)
    codes = (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2]
    assert len(np.unique(codes)) >= 3, "figure looks blank"
    assert (rgb.min(axis=1) < 200).mean() > 0.01, "almost nothing drawn"
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    assert svg.stat().st_size > 2000


@pytest.mark.parametrize("name", FUNCS)
def test_english_figure_written(name, tmp_path):
    out = tmp_path / name
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no stray warnings from matplotlib either
        paths = _draw(name, out, "en")
    _check_files(paths, out)


# every function goes through the same language/font set-up; these cover legends with titles,
# footnotes, a figure legend, in-axes text and a colour bar
ZH_FUNCS = ["stage_bars", "stage_donut", "mc_histogram", "sobol_bars", "probability_heatmap"]


@pytest.mark.parametrize("name", ZH_FUNCS)
def test_chinese_without_cjk_font_warns_and_still_writes(name, tmp_path, monkeypatch):
    monkeypatch.setattr(fonts, "cjk_font", lambda: None)
    monkeypatch.setattr(fonts, "_warned", [])  # a process that has not warned yet
    out = tmp_path / name
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        paths = _draw(name, out, "zh")
        again = _draw(name, tmp_path / "again", "zh")  # a second figure: no second warning
    _check_files(paths, out)
    _check_files(again, tmp_path / "again")
    cjk = [w for w in caught if issubclass(w.category, CJKFontMissing)]
    assert len(cjk) == 1
    msg = str(cjk[0].message)
    assert "No CJK font is installed" in msg and "apt-get install fonts-noto-cjk" in msg
    assert cjk[0].filename == __file__  # points at the caller, not into plots.py
    # one clear warning instead of one per missing glyph
    assert [w for w in caught if "Glyph" in str(w.message)] == []


@pytest.mark.parametrize("name", ["stage_bars", "scenario_boxes"])
def test_chinese_with_a_font_does_not_warn(name, tmp_path, monkeypatch):
    # any installed family stands in for a CJK font: what matters is that it is used, quietly
    monkeypatch.setattr(fonts, "cjk_font", lambda: "DejaVu Sans")
    out = tmp_path / name
    with warnings.catch_warnings():
        warnings.simplefilter("error", CJKFontMissing)
        warnings.filterwarnings("ignore", message="Glyph")  # DejaVu has no CJK glyphs
        paths = _draw(name, out, "zh")
    _check_files(paths, out)


@pytest.mark.skipif(fonts.cjk_font() is None, reason="no CJK font installed on this machine")
def test_chinese_with_real_cjk_font_has_no_missing_glyphs(tmp_path):
    out = tmp_path / "zh_real"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        paths = plots.stage_bars(
            [("原材料获取", 3.0), ("寿命终止", -0.5)], "kg CO2e", out, "阶段", "zh"
        )
    _check_files(paths, out)


def test_rc_params_do_not_leak(tmp_path, monkeypatch):
    monkeypatch.setattr(fonts, "cjk_font", lambda: "DejaVu Sans")
    before = {k: mpl.rcParams[k] for k in ("font.family", "axes.spines.top", "svg.hashsalt")}
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph")
        plots.sensitivity_bars(["a", "b"], [0.5, -0.2], tmp_path / "a", "t", "rho", lang="zh")
    after = {k: mpl.rcParams[k] for k in before}
    assert after == before


def test_output_names(tmp_path):
    # a dotted stem is kept whole; a .png/.svg suffix given by mistake is dropped
    p1 = plots.stage_bars(_STAGES[:2], "kg", tmp_path / "sub" / "zw32_1.5m", "t")
    assert [p.name for p in p1] == ["zw32_1.5m.png", "zw32_1.5m.svg"]
    p2 = plots.stage_bars(_STAGES[:2], "kg", tmp_path / "fig.png", "t")
    assert [p.name for p in p2] == ["fig.png", "fig.svg"]
    assert all(p.exists() for p in p1 + p2)


def test_bad_input_is_refused(tmp_path):
    with pytest.raises(ValueError, match="lang"):
        plots.stage_bars(_STAGES, "kg", tmp_path / "x", "t", lang="de")
    with pytest.raises(ValueError, match="finite"):
        plots.mc_histogram(np.array([np.nan]), 1.0, "kg", tmp_path / "x", "t")
    with pytest.raises(ValueError):
        plots.probability_heatmap(["a", "b"], np.zeros((3, 3)), tmp_path / "x", "t")
    with pytest.raises(ValueError):
        plots.sensitivity_bars(["a"], [1.0, 2.0], tmp_path / "x", "t", "rho")


def test_donut_with_only_credits_still_writes(tmp_path):
    out = tmp_path / "credits_only"
    paths = plots.stage_donut([("End of life", -1.0)], "kg CO2e", out, "t")
    assert all(p.exists() for p in paths)


def test_labels_and_number_format():
    from cfp_lca.present.i18n import FIGURE_TEXT

    assert plots.label("median", "zh") == "中位数"
    assert plots.label("median") == "median"
    assert plots.label("no such key", "zh") == "no such key"
    for key in ("share", "iterations", "kg CO2e per unit", "running mean", "95 % interval"):
        assert len(FIGURE_TEXT[key]) == 2 and all(FIGURE_TEXT[key])
    assert plots._fmt(-1.7) == "\u22121.70"
    assert plots._fmt(1234.4) == "1,234"
    assert plots._fmt(0.8) == "0.800"


def test_cjk_font_preference_order():
    names = {"DejaVu Sans", "Droid Sans Fallback", "Noto Sans CJK JP", "WenQuanYi Zen Hei"}
    assert fonts._match(names) == "Noto Sans CJK JP"
    assert fonts._match({"DejaVu Sans", "wenquanyi micro hei"}) == "wenquanyi micro hei"
    assert fonts._match({"DejaVu Sans"}) is None


def test_scenario_totals_draws_each_kind_and_refuses_ragged_input(tmp_path):
    rng = np.random.default_rng(1)
    samples = [rng.normal(m, 1, 500) for m in (10.0, 8.0, 12.0)]
    paths = plots.scenario_totals(["baseline", "lighter", "other grid"], samples,
                                  [10.0, 8.0, 12.0], ["baseline", "design", "method"],
                                  "kg CO2e", tmp_path / "totals", "t")  # fmt: skip
    assert [p.suffix for p in paths] == [".png", ".svg"] and all(p.stat().st_size for p in paths)
    import matplotlib.image as mpimg

    rgb = np.round(mpimg.imread(paths[0])[..., :3] * 255).astype(int).reshape(-1, 3)
    seen = {"#" + "".join(f"{v:02x}" for v in c) for c in np.unique(rgb, axis=0)}
    assert set(plots.style.PALETTE[:3]) <= seen  # one colour per kind, in order of first use
    with pytest.raises(ValueError, match="same length"):
        plots.scenario_totals(["a"], samples, [1.0], ["design"], "kg", tmp_path / "x", "t")
