"""One definition each: the row program's opcode table (written by the program, run by the
compiled kernel, which is built from it), the formula walker (the Monte Carlo compiler is
the model's evaluator with other leaves and operations, never a second walk), and no
private name imported across the engine's modules. Dask workers keep their engines on a
worker plugin, not in a module."""

from __future__ import annotations

import ast

import numpy as np

from cfp_lca.calc.montecarlo import cluster, compiled, formulas, opcodes, program
from cfp_lca.model.formula import Evaluator, evaluate_magnitudes
from conftest import REPO

NAMES = ("ADD", "SUB", "MUL", "DIV", "COPY", "NEG", "SQRT", "DIVCHECK", "MADD", "MSUB")


def test_the_program_and_the_kernel_use_the_one_table():
    assert tuple(getattr(opcodes, n) for n in NAMES) == opcodes.TABLE
    assert len(set(opcodes.TABLE)) == len(NAMES)
    for module in (program, compiled):
        assert tuple(getattr(module, n) for n in NAMES) == opcodes.TABLE
    # the kernel's opcodes are its closure: what numba's cache key hashes
    cells = [c.cell_contents for c in compiled.run_rows.py_func.__closure__]
    names = compiled.run_rows.py_func.__code__.co_freevars
    assert dict(zip(names, cells, strict=True)) == dict(zip(NAMES, opcodes.TABLE, strict=True))


def test_a_kernel_built_from_another_table_dispatches_by_it():
    """The kernel reads its opcodes from the table it is built with, nowhere else."""
    table = dict(zip(NAMES, reversed(opcodes.TABLE), strict=True))
    kernel = compiled.row_kernel(*(table[n] for n in NAMES))
    rng = np.random.default_rng(1)
    R = rng.random((6, 37)) + 0.5
    x, y, z = R[0].copy(), R[1].copy(), R[2].copy()
    code = np.array([[table["ADD"], 3, 0, 1, 0], [table["MSUB"], 4, 0, 1, 2],
                     [table["NEG"], 5, 2, 0, 0]], dtype=np.int64)  # fmt: skip
    kernel(R, code, np.zeros((0, 16)), np.zeros(37, dtype=bool))
    assert np.array_equal(R[3], x + y)
    assert np.array_equal(R[4], x - y * z)
    assert np.array_equal(R[5], -z)


def test_the_formula_compiler_is_the_evaluator_with_other_operations():
    assert issubclass(formulas._Symbolic, Evaluator)
    own = {"value", "evaluate"} & set(vars(formulas._Symbolic))
    assert not own, f"the compiler walks formula trees itself: {own}"
    # plain values go through the evaluator's own checked steps
    names = {"a": 2.0, "b": np.array([1.0, 3.0])}
    assert np.array_equal(formulas._Symbolic(None, "-a ** 2 + b / 3", names).evaluate(),
                          evaluate_magnitudes("-a ** 2 + b / 3", names))  # fmt: skip


def test_no_module_imports_a_private_name_of_another():
    found = []
    for path in [*(REPO / "cfp_lca" / "calc").rglob("*.py"), REPO / "cfp_lca/model/formula.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module != "__future__":
                found += [f"{path.name}: {a.name}" for a in node.names
                          if a.name.startswith("_")]  # fmt: skip
    assert found == []


def test_the_cluster_module_holds_no_engines():
    """The engines live on each worker's plugin; ``_ENGINES`` is only a view of them."""
    assert "_ENGINES" not in vars(cluster)
    assert cluster._ENGINES == []  # no worker in this process


def test_the_worker_plugin_builds_each_engine_once_in_the_callers_project():
    import bw2data as bd

    from cfp_lca.calc.montecarlo.workers import EngineCache, plugin_name

    class Spec:
        bw_dir, project, key = cluster.data_dir(), bd.projects.current, ("spec", 1)
        builds = 0

        def build(self):
            Spec.builds += 1
            return object()

    plugin = EngineCache(Spec.bw_dir, Spec.project)
    plugin.setup(worker=None)
    assert plugin.engine(Spec()) is plugin.engine(Spec()) and Spec.builds == 1
    assert bd.projects.current == Spec.project
    assert plugin_name(Spec.bw_dir) == plugin_name(str(bd.projects.dir.parent))
    plugin.teardown(worker=None)
    assert plugin.engines == {}
