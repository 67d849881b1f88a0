"""Load a data directory, or a stack of them on the shipped library: every file read and
cross-checked into a Catalog, a later directory's entries replacing those of the same name below.

Every problem raises InputError naming the file, the entry and what is wrong; nothing is
written anywhere, so bad input can never damage a Brightway project.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from ..errors import InputError
from .assembly import load_model
from .data_files import load_background, load_declared, load_flows, load_method, load_synonyms
from .libraries import LIBRARY_FILE, Layer, add_files, data_layers, settings_of
from .objects import Catalog, Flow, Method, Process, ProductModel
from .reading import has_file, yaml_files
from .structure import check_technosphere
from .validation import check_unique
from .variants import model_variant  # noqa: F401 - where its callers import it


def load_catalog(root: Path | Sequence[Path] | None = None) -> Catalog:
    """Read and cross-check every file of one data directory or a stack of them.

    ``root`` is a directory or a list, bottom first; each stacks on the shipped library (see
    ``libraries.data_layers``). Flows, methods, background databases and models of a later
    directory replace those of the same code, id or name below; each replacement is a notice
    in ``Catalog.notices`` (the core never prints).
    """
    layers = data_layers(root)
    notices: list[str] = []
    biosphere, flows = _stacked_flows(layers, notices)
    methods: dict[str, Method] = {}
    backgrounds: dict[str, dict[str, Process]] = {}
    translations: dict[str, dict[str, str]] = {}
    for item in layers:
        _stack(methods, _layer_methods(item.root, flows), "method", item, notices)
        own_bg = _layer_backgrounds(item.root, biosphere, flows, translations)
        _stack(backgrounds, own_bg, "background database", item, notices)
    models: dict[str, ProductModel] = {}
    for item in (i for i in layers if i.models):
        own_models = _layer_models(item.root, biosphere, flows, methods, backgrounds)
        _stack(models, own_models, "model", item, notices)
    for model in models.values():
        if model.database in backgrounds or model.database == biosphere:
            raise InputError(model.path, "database", f"database name '{model.database}' is taken")
    check_unique(layers[-1].root, "database", [m.database for m in models.values()])
    return Catalog(
        layers[-1].root, biosphere, flows, methods, backgrounds, models, _fingerprint(layers),
        libraries=tuple(i.describe() for i in layers), notices=tuple(notices),
        settings=settings_of(layers), synonyms=load_synonyms(layers, flows),
        translations=translations,
    )  # fmt: skip


DATA_FILES = ("flows.yaml", "synonyms.yaml", LIBRARY_FILE)  # top-level files that are not models


def model_files(root: Path) -> list[Path]:
    """A directory's product model files: ``foreground/*.yaml`` and top-level ``*.yaml`` other
    than the flows and library files (declared-figure files go with their model)."""
    found = yaml_files(root / "foreground")
    found += [p for p in yaml_files(root) if p.name not in DATA_FILES]
    return [p for p in found if not p.name.endswith(".declared.yaml")]


def _layer_methods(root: Path, flows: Mapping[str, Flow]) -> dict[str, Method]:
    """The methods of one directory, by id (an id given twice is an error)."""
    own: dict[str, Method] = {}
    for path in yaml_files(root / "methods"):
        method = load_method(path, flows)
        if method.id in own:
            raise InputError(path, "id", f"duplicate method id '{method.id}'")
        own[method.id] = method
    return own


def _layer_backgrounds(
    root: Path, biosphere: str, flows: Mapping[str, Flow], translations: dict
) -> dict[str, dict[str, Process]]:
    """The background databases of one directory, by name, each's technosphere checked; their
    translations added to ``translations`` (a later file's replacing an earlier one's)."""
    own: dict[str, dict[str, Process]] = {}
    for path in yaml_files(root / "background"):
        spec, processes = load_background(path, biosphere, flows)
        if spec.database in own:
            raise InputError(path, "database", f"duplicate database name '{spec.database}'")
        check_technosphere(processes.values(), path, "processes")
        own[spec.database] = processes
        for lang, texts in spec.translations.items():
            translations.setdefault(lang, {}).update(texts)
    return own


def _layer_models(
    root: Path,
    biosphere: str,
    flows: Mapping[str, Flow],
    methods: Mapping[str, Method],
    backgrounds: Mapping[str, Mapping[str, Process]],
) -> dict[str, ProductModel]:
    """The product models of one directory, each with its declared figures where given."""
    models: dict[str, ProductModel] = {}
    for path in model_files(root):
        model = load_model(path, biosphere, flows, methods, backgrounds)
        if model.name in models:
            raise InputError(path, "model", f"duplicate model name '{model.name}'")
        declared_path = path.with_name(path.stem + ".declared.yaml")
        if has_file(declared_path):
            declared = load_declared(declared_path, model, methods)
            model = replace(model, declared=declared, declared_path=declared_path)
        models[model.name] = model
    return models


def _stacked_flows(layers: Sequence[Layer], notices: list[str]) -> tuple[str, dict[str, Flow]]:
    """The biosphere database and its flows: each layer's flows file adds flows or replaces
    those of the same code; every layer's file must name the same biosphere database."""
    biosphere: str | None = None
    flows: dict[str, Flow] = {}
    for item in layers:
        path = item.root / "flows.yaml"
        if not has_file(path):
            continue
        name, own = load_flows(path)
        if biosphere is not None and name != biosphere:
            raise InputError(
                path, "database", f"biosphere database '{name}' differs from '{biosphere}' of "
                "the library below: stacked flows files name the same database",
            )  # fmt: skip
        biosphere = name
        _stack(flows, own, "flow", item, notices)
    if biosphere is None:
        path = layers[-1].root / "flows.yaml"
        raise InputError(path, None, "the flows file is missing (and no library below has one)")
    return biosphere, flows


def _stack(below: dict, own: Mapping, kind: str, item: Layer, notices: list[str]) -> None:
    """Add one layer's entries; an entry replacing one of the same name below is a notice."""
    for name, value in own.items():
        if name in below and below[name] != value:
            notices.append(f"{item.root}: {kind} '{name}' replaces the one of a library below")
        below[name] = value


def _fingerprint(layers: Sequence[Layer]) -> str:
    """A digest of every YAML file of every layer (one layer: as for a single directory)."""
    digest = hashlib.sha256()
    for i, item in enumerate(layers):
        add_files(digest, item.root, f"{i}/" if len(layers) > 1 else "")
    return digest.hexdigest()
