"""``cfp-lca check``: every problem of every data file at once, not only the first.

Each file is checked on its own (all its schema errors, else every reference or unit error
of its activities, exchanges and processes, one each), against the files below it that are
valid; the whole stack is then cross-checked as ``load_catalog`` does when no file has a
problem.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from ..errors import InputError, InputErrors
from .assembly import load_model
from .data_files import load_background, load_declared, load_flows, load_method
from .flow_schema import FlowsFile, MethodFile
from .libraries import Layer, data_layers, scenario_dirs
from .loading import load_catalog, model_files
from .objects import Catalog
from .reading import has_file, read_yaml, yaml_files
from .scenario_schema import ScenarioFile
from .schema import BackgroundFile, ModelFile
from .structure import check_technosphere
from .validation import schema_problems

T = TypeVar("T")


def check_data(data: Path | list[Path] | None = None) -> tuple[list[InputError], list[str]]:
    """(problems, notices) of the data directories stacked as ``load_catalog`` stacks them."""
    try:
        layers = data_layers(data)
    except InputError as exc:
        return [exc], []
    problems: list[InputError] = []
    flows: dict = {}
    biosphere = "biosphere"
    for item in layers:
        path = item.root / "flows.yaml"
        if _noted(problems, False, has_file, path):
            loaded = _checked(problems, path, FlowsFile, lambda p: load_flows(p))
            if loaded is not None:
                biosphere, own = loaded
                flows.update(own)
    methods: dict = {}
    backgrounds: dict = {}
    for item in layers:
        for path in _noted(problems, [], yaml_files, item.root / "methods"):
            method = _checked(problems, path, MethodFile, lambda p: load_method(p, flows))
            if method is not None:
                methods[method.id] = method
        for path in _noted(problems, [], yaml_files, item.root / "background"):
            loaded = _checked(problems, path, BackgroundFile,
                              lambda p: _background(p, biosphere, flows))  # fmt: skip
            if loaded is not None:
                backgrounds[loaded[0]] = loaded[1]
    for item in (i for i in layers if i.models):
        for path in _noted(problems, [], model_files, item.root):
            _checked(problems, path, ModelFile,
                     lambda p: _model(p, biosphere, flows, methods, backgrounds))  # fmt: skip
    if problems:
        return problems, []
    try:
        catalog = load_catalog([i.root for i in layers if i.role == "data"] or None)
    except InputError as exc:
        return [exc], []
    problems += _scenario_problems(catalog, layers)
    return problems, list(catalog.notices)


def _noted(problems: list[InputError], default: T, find: Callable[..., T], *args: Any) -> T:
    """``find(*args)``: a folder's files, whether a file is there; when the folder or file
    cannot be read, ``default`` with its error in ``problems`` (never skipped silently)."""
    try:
        return find(*args)
    except InputError as exc:
        problems.append(exc)
        return default


def _checked(problems: list[InputError], path: Path, schema: type, load: Callable) -> Any:
    """Load one file: all its schema errors, else its other errors (every activity's and
    exchange's, where the loader gathers them), go to ``problems``."""
    try:
        found = schema_problems(path, read_yaml(path), schema)
        if found:
            problems.extend(found)
            return None
        return load(path)
    except InputErrors as exc:
        problems.extend(exc.errors)
        return None
    except InputError as exc:
        problems.append(exc)
        return None


def _background(path: Path, biosphere: str, flows: dict) -> tuple[str, dict]:
    """A background file with its technosphere checked, as (database, processes)."""
    spec, processes = load_background(path, biosphere, flows)
    check_technosphere(processes.values(), path, "processes")
    return spec.database, processes


def _model(path: Path, biosphere: str, flows: dict, methods: dict, backgrounds: dict) -> None:
    """A model file and its declared-figures file, if any."""
    model = load_model(path, biosphere, flows, methods, backgrounds)
    declared = path.with_name(path.stem + ".declared.yaml")
    if has_file(declared):
        load_declared(declared, model, methods)


def _scenario_problems(catalog: Catalog, layers: list[Layer]) -> list[InputError]:
    """Every scenario file checked on its own against the catalog (its first error)."""
    from .scenarios import apply_scenario
    from .validation import validate

    problems: list[InputError] = []
    for folder in _noted(problems, [], scenario_dirs, layers):
        for path in _noted(problems, [], yaml_files, folder, True):
            try:
                data = read_yaml(path)
                found = schema_problems(path, data, ScenarioFile)
                if found:
                    problems.extend(found)
                    continue
                spec = validate(path, data, ScenarioFile)
                if spec.model not in catalog.models:
                    raise InputError(path, "model", f"unknown model '{spec.model}'")
                apply_scenario(catalog, spec, path)
            except InputErrors as exc:
                problems.extend(exc.errors)
            except InputError as exc:
                problems.append(exc)
    return problems
