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


def test_only_the_command_line_and_the_presentation_print():
    """The core logs (``cfp_lca`` loggers) and never prints: print() is called only in cli/
    and present/ (found in the syntax tree, so a print in a string or comment is no call)."""
    import ast

    printing = []
    for path in SOURCES:
        relative = path.relative_to(REPO / "cfp_lca").as_posix()
        if relative.startswith(("cli/", "present/")):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "print":
                printing.append(f"{relative}:{node.lineno}")
    assert printing == []


def test_importing_the_api_changes_nothing_of_the_process():
    """In a new process: importing cfp_lca.api leaves the environment, the warning filters
    and every logger's handlers and levels as they were (the CLI configures them, not the
    library)."""
    import subprocess
    import sys

    script = (
        "import logging, os, warnings\n"
        "def state():\n"
        "    loggers = {n: (tuple(l.handlers), l.level) for n, l in\n"
        "               logging.root.manager.loggerDict.items() if isinstance(l, logging.Logger)}\n"
        "    return dict(os.environ), list(warnings.filters), tuple(logging.root.handlers),\\\n"
        "        {n: v for n, v in loggers.items() if v != ((), 0)}\n"
        "before = state()\n"
        "import cfp_lca.api\n"
        "after = state()\n"
        "assert after[0] == before[0], 'environment'\n"
        "assert after[1] == before[1], 'warning filters'\n"
        "assert after[2] == before[2], 'root handlers'\n"
        "assert after[3] == before[3], {n: v for n, v in after[3].items() if n not in before[3]}\n"
        "print('unchanged')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True,
                          text=True)  # fmt: skip
    assert done.returncode == 0 and done.stdout.strip() == "unchanged", done.stderr
