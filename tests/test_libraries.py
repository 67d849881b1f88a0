"""Data libraries: every directory stacks on the shipped library; directories stack in order,
later ones replacing entries by name with a notice; cfp_lca.toml / pyproject name libraries."""

from __future__ import annotations

import pytest

from cfp_lca.cli import main
from cfp_lca.errors import InputError
from cfp_lca.model.libraries import content_digest
from cfp_lca.model.loading import load_catalog
from conftest import DATA

# the commands here switch Brightway's current project: switched back after the module
pytestmark = pytest.mark.usefixtures("restore_project")


# A background database with one process emitting ``{factor}`` kg of fossil CO2 per kg.
BACKGROUND = """\
database: cfp-extra
processes:
  - code: widget_input
    name: widget input
    unit: kg
    source: test data
    emissions:
      - {{flow: co2_fossil, amount: {{value: {factor}, unit: kg/kg}}, source: test data}}
"""
MODEL = """\
model: {name}
database: cfp-{name}
name: {name}
functional_unit: {{amount: 1, unit: unit, description: one {name}}}
reference_activity: make
method: ipcc-ar5-gwp100
backgrounds: [cfp-extra]
stages: [{{code: make, name: Make}}]
activities:
  - code: make
    name: make
    stage: make
    inputs:
      - input: widget_input
        amount: {{value: 3, unit: kg}}
        uncertainty: {{distribution: none}}
        source: test data
"""


def write(folder, relative: str, text: str):
    """Write one file under ``folder``."""
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_folder_with_one_model_stacks_on_the_shipped_library(tmp_path):
    """Only a model file: flows, methods and backgrounds come from the shipped library, whose
    own models stay out; the folder is named after itself with a content hash."""
    write(tmp_path / "lib", "background/extra.yaml", BACKGROUND.format(factor=2))
    write(tmp_path / "lib", "library.yaml", 'name: extras\nversion: "0.3"\n')
    folder = tmp_path / "widget"
    write(folder, "widget.yaml", MODEL.format(name="widget"))
    write(folder, "cfp_lca.toml", 'libraries = ["../lib"]\n')
    catalog = load_catalog([folder])
    assert list(catalog.models) == ["widget"]
    assert "ipcc-ar5-gwp100" in catalog.methods and "cfp-extra" in catalog.backgrounds
    names = [(lib["name"], lib["version"], lib["role"]) for lib in catalog.libraries]
    shipped = load_catalog(DATA).libraries[0]
    assert names == [(shipped["name"], shipped["version"], "library"), ("extras", "0.3", "library"),
                     ("widget", content_digest(folder)[:12], "data")]  # fmt: skip
    assert catalog.notices == ()


def test_later_directories_replace_by_name_with_a_notice(tmp_path, capsys):
    """B's background of the same name replaces A's: the total uses B's factor (3 kg x 5);
    the CLI prints the notice on stderr."""
    a, b = tmp_path / "a", tmp_path / "b"
    write(a, "background/extra.yaml", BACKGROUND.format(factor=2))
    write(a, "widget.yaml", MODEL.format(name="widget"))
    write(b, "background/extra.yaml", BACKGROUND.format(factor=5))
    catalog = load_catalog([a, b])
    assert catalog.backgrounds["cfp-extra"]["widget_input"].exchanges[0].amount == 5
    assert len(catalog.notices) == 1 and "background database 'cfp-extra'" in catalog.notices[0]
    assert main(["lcia", "--data", str(a), "--data", str(b), "--json",
                 "--project", "cfp_stack"]) == 0  # fmt: skip
    out, err = capsys.readouterr()
    assert '"total": 15.0' in out
    assert "notice:" in err and "cfp-extra" in err


def test_quiet_hides_the_notice_and_verbose_says_each_step(tmp_path, capsys):
    """-q: errors only (the result still on stdout); -v: the steps of any command, timed;
    the two together are refused as a usage error."""
    a, b = tmp_path / "a", tmp_path / "b"
    write(a, "background/extra.yaml", BACKGROUND.format(factor=2))
    write(a, "widget.yaml", MODEL.format(name="widget"))
    write(b, "background/extra.yaml", BACKGROUND.format(factor=5))
    data = ["--data", str(a), "--data", str(b), "--project", "cfp_stack"]
    assert main(["lcia", *data, "--json", "-q"]) == 0
    out, err = capsys.readouterr()
    assert '"total": 15.0' in out and err == ""
    assert main(["-v", "lcia", *data]) == 0  # the result of the run before, kept
    err = capsys.readouterr().err.splitlines()
    assert any("notice:" in line and "cfp-extra" in line for line in err)
    assert "cfp-lca: widget: lcia: reused (kept from an earlier run; files, project and code " \
           "unchanged)" in err  # fmt: skip
    assert main(["-v", "lcia", *data, "--method", "ipcc-ar6-gwp100"]) == 0  # computed
    err = capsys.readouterr().err.splitlines()
    assert any(line.startswith("cfp-lca: Brightway project 'cfp_stack' checked: done in ")
               for line in err), err  # fmt: skip
    assert main(["check", *data, "-q", "-v"]) == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_pyproject_section_names_the_default_model(tmp_path):
    """[tool.cfp_lca] in a pyproject.toml: the default model among two."""
    folder = tmp_path / "two"
    write(folder, "background/extra.yaml", BACKGROUND.format(factor=1))
    write(folder, "one.yaml", MODEL.format(name="one"))
    write(folder, "two.yaml", MODEL.format(name="two"))
    config = '[project]\nname = "x"\n[tool.cfp_lca]\ndefault_model = "two"\n'
    write(folder, "pyproject.toml", config)
    assert load_catalog([folder]).settings["default_model"] == "two"


def test_a_copy_of_the_shipped_library_replaces_it(data_copy):
    """A directory with the shipped library's name is that library (no double stacking)."""
    catalog = load_catalog([data_copy])
    assert len(catalog.libraries) == 1 and catalog.notices == ()


def test_config_errors_name_the_file(tmp_path):
    """A TOML syntax error, an unknown key, a library not found: InputError naming it."""
    folder = tmp_path / "bad"
    write(folder, "cfp_lca.toml", "libraries = [\n")
    with pytest.raises(InputError, match="cfp_lca.toml"):
        load_catalog([folder])
    write(folder, "cfp_lca.toml", "librarys = []\n")
    with pytest.raises(InputError, match="librarys"):
        load_catalog([folder])
    write(folder, "cfp_lca.toml", 'libraries = ["../nowhere"]\n')
    with pytest.raises(InputError, match="nowhere.*not found"):
        load_catalog([folder])
    write(folder, "cfp_lca.toml", "shipped_library = false\n")
    with pytest.raises(InputError, match="flows file is missing"):
        load_catalog([folder])
