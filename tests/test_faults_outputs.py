"""Nothing is written outside the path the user named: names from data (a model called
``../../../escape/gadget``) never become path components unescaped, in every command that
writes files named after the model.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from faultkit import replaced, tote_folder

from cfp_lca.cli import main
from cfp_lca.present.figures import MAX_STEM, file_stem

PROJECT = "cfp_faults_outputs"
NAMES = ["../../../escape/gadget", "/tmp/absolute-gadget", "..", "a\\b", "x" * 300]


@pytest.mark.parametrize("name", NAMES, ids=["relative", "absolute", "dots", "backslash", "long"])
def test_a_name_from_data_is_one_file_name_component(name):
    stem = file_stem(name)
    assert stem and "/" not in stem and "\\" not in stem and stem not in (".", "..")
    assert not stem.startswith(".") and len(stem) <= MAX_STEM
    assert Path(stem).name == stem  # one component


def test_option_names_keep_their_readable_form():
    """What the figures of a model variant were called before stays (zw32_use_stage-false)."""
    assert file_stem("zw32[use_stage=false]") == "zw32_use_stage-false"
    assert file_stem("断路器") == "断路器"


@pytest.mark.parametrize("command", ["plot", "report"])
def test_a_model_named_like_a_path_writes_inside_out(command, tmp_path, capsys):
    data = tote_folder(
        tmp_path / "data", replaced("model: tote", 'model: "../../../escape/gadget"')
    )
    work = tmp_path / "work"
    out = work / "a" / "b" / "c" / "plots"
    args = [command, "--out", str(out), "-n", "300", "--sobol-n", "64", "--data", str(data),
            "--project", PROJECT]  # fmt: skip
    assert main(args) == 0, capsys.readouterr().err
    written = [p for p in work.rglob("*") if p.is_file()]
    assert written and all(out in p.parents for p in written), written
    assert not (tmp_path / "escape").exists() and not (work / "a" / "escape").exists()
    assert not list(tmp_path.parent.glob("escape"))
