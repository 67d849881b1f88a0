"""The import graph of ``cfp_lca``: every module's imports (module level and inside
functions, read from the source with ``ast``, nothing imported), its circles and the layer
rules it breaks.

    python tools/import_graph.py            # the graph, a line per module, then the problems
    python tools/import_graph.py --check    # the problems only; exit status 1 if any

Edges are explicit imports only (``from .x import y`` is an edge to ``x``, or to ``x.y``
where that is a module); the implicit import of a module's parent packages is not an edge,
as in pydeps and import-linter.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "cfp_lca"
# a layer may import the layers after it, never those before it (data flows one way)
LAYERS = ("cli", "api", "present", "calc", "brightway", "model")
FORBIDDEN = {  # (importer prefix, imported prefix): why
    ("cfp_lca.model", "cfp_lca.brightway"): "model/ reads files; it never reaches Brightway",
    ("cfp_lca.model", "cfp_lca.calc"): "model/ is below calc/",
    ("cfp_lca.model", "cfp_lca.present"): "model/ is below present/",
    ("cfp_lca.brightway", "cfp_lca.calc"): "brightway/ is below calc/",
    ("cfp_lca.brightway", "cfp_lca.present"): "brightway/ is below present/",
    ("cfp_lca.calc", "cfp_lca.present"): "calc/ computes, present/ shows",
    ("cfp_lca.calc.montecarlo", "cfp_lca.calc.sensitivity"): "the engine is below its uses",
}


def modules(root: Path = ROOT) -> dict[str, Path]:
    """Module name -> source file of every module of the package."""
    out = {}
    for path in sorted((root / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def imports(name: str, path: Path, known: Iterable[str]) -> set[str]:
    """The package's modules that module ``name`` imports, anywhere in its source."""
    known = set(known)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, package)
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base
                       for a in node.names]  # fmt: skip
        else:
            continue
        found.update(_nearest(t, known) for t in targets if t.startswith(PACKAGE))
    found.discard(None)
    found.discard(name)
    return found


def _absolute(node: ast.ImportFrom, package: str) -> str:
    """The absolute module of a ``from ... import``."""
    if not node.level:
        return node.module or ""
    base = package.split(".")
    base = base[: len(base) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def _nearest(target: str, known: set[str]) -> str | None:
    """``target`` or its nearest enclosing module of the package."""
    while target and target not in known:
        target = target.rpartition(".")[0]
    return target or None


def graph(root: Path = ROOT) -> dict[str, set[str]]:
    """Module -> the package's modules it imports."""
    mods = modules(root)
    return {name: imports(name, path, mods) for name, path in mods.items()}


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(10_000, sys.getrecursionlimit()))
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return sorted(found)


def broken_rules(edges: dict[str, set[str]]) -> list[str]:
    """Each import that goes up a layer, as 'importer -> imported: why'."""
    out = []
    for importer, targets in sorted(edges.items()):
        for target in sorted(targets):
            for (low, high), why in FORBIDDEN.items():
                if _within(importer, low) and _within(target, high):
                    out.append(f"{importer} -> {target}: {why}")
    return out


def _within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def problems(root: Path = ROOT) -> list[str]:
    """Every circle and every broken layer rule, one line each."""
    edges = graph(root)
    lines = [f"circle: {' <-> '.join(c)}" for c in circles(edges)]
    return lines + [f"upward: {line}" for line in broken_rules(edges)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="problems only; exit 1 if any")
    args = parser.parse_args(argv)
    if not args.check:
        for name, targets in sorted(graph().items()):
            print(f"{name}: {', '.join(sorted(targets)) or '-'}")
        print()
    found = problems()
    for line in found:
        print(line)
    if not found:
        print("no circle, no upward import")
    return 1 if found and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
