"""The house rules, checked on the source: no import circle, no layer importing one above it,
no module over MAX_LINES lines, no function above MAX_COMPLEXITY (radon's cyclomatic
complexity) except the compiled kernel's opcode dispatch, whose comment says why.

The import graph is tools/import_graph.py's (``python tools/import_graph.py`` prints it).
"""

from __future__ import annotations

import importlib.util

import pytest

from conftest import REPO

MAX_LINES = 600
MAX_COMPLEXITY = 20
# functions allowed above MAX_COMPLEXITY: each must carry a comment with this word saying why
EXCEPTED = {"cfp_lca/calc/montecarlo/compiled.py": ("run_rows", "dispatch")}
SOURCES = sorted((REPO / "cfp_lca").rglob("*.py"))


def import_graph():
    """tools/import_graph.py as a module (tools/ is not a package)."""
    spec = importlib.util.spec_from_file_location(
        "import_graph", REPO / "tools" / "import_graph.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_import_graph_has_no_circle():
    tool = import_graph()
    assert tool.circles(tool.graph()) == []


def test_no_layer_imports_one_above_it():
    tool = import_graph()
    assert tool.broken_rules(tool.graph()) == []


def test_the_graph_tool_finds_a_circle_and_an_upward_import(tmp_path):
    """The check can fail: a package where model imports calc and calc imports model."""
    tool = import_graph()
    package = tmp_path / "cfp_lca"
    (package / "model").mkdir(parents=True)
    (package / "calc").mkdir()
    for path in (package, package / "model", package / "calc"):
        (path / "__init__.py").write_text("")
    (package / "model" / "a.py").write_text("def f():\n    from ..calc import b\n")
    (package / "calc" / "b.py").write_text("from ..model.a import f\n")
    edges = tool.graph(tmp_path)
    assert tool.circles(edges) == [["cfp_lca.calc.b", "cfp_lca.model.a"]]
    assert tool.broken_rules(edges) == ["cfp_lca.model.a -> cfp_lca.calc.b: model/ is below calc/"]


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(REPO)))
def test_no_module_is_over_the_line_limit(path):
    lines = path.read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{path.relative_to(REPO)}: {lines} lines"


def flattened(blocks):
    """radon's blocks with the methods of classes and the closures of functions."""
    for block in blocks:
        yield block
        yield from flattened(getattr(block, "methods", ()))
        yield from flattened(getattr(block, "closures", ()))


def test_no_function_is_too_complex():
    from radon.complexity import cc_visit

    too_complex = []
    for path in SOURCES:
        relative = str(path.relative_to(REPO))
        text = path.read_text(encoding="utf-8")
        for block in flattened(cc_visit(text)):
            if block.complexity <= MAX_COMPLEXITY:
                continue
            excepted = EXCEPTED.get(relative)
            if excepted and block.name == excepted[0]:
                body = "\n".join(text.splitlines()[block.lineno - 1 : block.endline])
                assert excepted[1] in body, f"{relative}:{block.name} lost its comment"
                continue
            too_complex.append(f"{relative}:{block.lineno} {block.fullname} {block.complexity}")
    assert too_complex == []
