"""Data libraries: which directories a catalog is read from, in which order, and their versions.

The shipped ``databases/`` is a library (flows, methods, background databases) that every data
directory stacks on without copying. A data directory may name further libraries, a default
model and the models the main job reports, in ``cfp_lca.toml`` or in the ``[tool.cfp_lca]``
section of a ``pyproject.toml`` beside its files; a library names itself in ``library.yaml``.
"""

from __future__ import annotations

import hashlib
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import InputError
from .reading import (
    has_file,
    has_folder,
    max_file_bytes,
    open_regular,
    read_text,
    read_yaml,
    reason,
    regular_stat,
    yaml_files,
)

LIBRARY_FILE = "library.yaml"
CONFIG_FILE = "cfp_lca.toml"
PACKAGE_ROOT = Path(__file__).resolve().parents[1]


class LibraryFile(BaseModel):
    """``library.yaml``: the name and version of a data library and its settings."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    name: str = Field(min_length=1, description="the library's name, recorded with its data")
    version: str = Field(min_length=1, description="the library's version (a text: '2026.1')")
    description: str | None = Field(default=None, description="what the library holds")
    default_model: str | None = Field(
        default=None, description="the model a command uses when none is named"
    )
    report_models: list[str] = Field(
        default=[], description="models the main job writes a study report for (default: all)"
    )


class DirectoryConfig(BaseModel):
    """``cfp_lca.toml`` (or ``[tool.cfp_lca]`` of ``pyproject.toml``) in a data directory."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    libraries: list[str] = Field(
        default=[], description="library directories stacked under this one, relative to it"
    )
    shipped_library: bool | None = Field(
        default=None,
        description="stack the shipped library (flows, methods, backgrounds) first; by default "
        "only when no directory of the stack has its own flows.yaml (a complete library)",
    )
    default_model: str | None = Field(
        default=None, description="the model a command uses when none is named"
    )
    report_models: list[str] = Field(
        default=[], description="models the main job writes a study report for (default: all)"
    )


@dataclass(frozen=True)
class Layer:
    """One directory of a stacked catalog; ``models`` says whether its product models count."""

    root: Path
    name: str
    version: str
    models: bool = True
    role: str = "data"  # "data" (a directory given) or "library" (stacked under one)
    settings: dict = field(default_factory=dict, hash=False, compare=False)

    def describe(self) -> dict:
        """The layer as recorded in a catalog and in Brightway metadata (plain JSON types)."""
        return {"name": self.name, "version": self.version, "path": str(self.root),
                "role": self.role}  # fmt: skip


def shipped_library() -> Path:
    """CFP_LCA_DATA if set, else the repository's databases/, else the copy in the package."""
    if os.environ.get("CFP_LCA_DATA"):
        return Path(os.environ["CFP_LCA_DATA"])
    repo = PACKAGE_ROOT.parent / "databases"
    return repo if repo.is_dir() else PACKAGE_ROOT / "_data" / "databases"


def content_digest(root: Path) -> str:
    """A sha256 of every YAML file under ``root`` (relative path and bytes), in name order."""
    digest = hashlib.sha256()
    add_files(digest, root)
    return digest.hexdigest()


def add_files(digest: Any, root: Path, prefix: str = "") -> None:
    """Feed every YAML and JSON file under ``root`` to a digest: its relative path (after
    ``prefix``) and its bytes, read in blocks so that a stray large file costs no memory.
    Only regular files are opened (``reading.open_regular``); a file above the size limit,
    which loading refuses, is keyed by its size and time instead of read; a folder that
    cannot be listed is an InputError, never skipped."""
    limit = max_file_bytes()
    # JSON: PACT footprints a background reads (model/pact_files.py), beside its YAML file
    for path in yaml_files(root, recursive=True, suffixes=(".yaml", ".json")):
        digest.update((prefix + str(path.relative_to(root))).encode())
        found = regular_stat(path)
        if found.st_size > limit:  # refused when read: keyed without reading it
            digest.update(f"\0{found.st_size}\0{found.st_mtime_ns}".encode())
            continue
        with open_regular(path, limit) as handle:
            try:
                while block := handle.read(1 << 20):
                    digest.update(block)
            except OSError as exc:
                raise InputError(path, None, f"cannot read file: {reason(exc)}") from None


def library_file(root: Path) -> LibraryFile | None:
    """The directory's ``library.yaml``, validated; None when it has none."""
    from .validation import validate

    path = root / LIBRARY_FILE
    return validate(path, read_yaml(path), LibraryFile) if has_file(path) else None


def directory_config(root: Path) -> DirectoryConfig:
    """The directory's ``cfp_lca.toml``, else ``[tool.cfp_lca]`` of its pyproject.toml."""
    for name, section in ((CONFIG_FILE, ()), ("pyproject.toml", ("tool", "cfp_lca"))):
        path = root / name
        if not has_file(path):
            continue
        try:
            data = tomllib.loads(read_text(path, "TOML"))
        except tomllib.TOMLDecodeError as exc:
            raise InputError(path, None, f"TOML syntax error: {exc}") from None
        for key in section:
            data = data.get(key, {}) if isinstance(data, dict) else {}
        if section and not data:
            continue
        try:
            return DirectoryConfig.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(k) for k in (*section, *first["loc"]))
            raise InputError(path, where or None, first["msg"]) from None
    return DirectoryConfig()


def layer(root: Path, role: str = "data", models: bool = True) -> Layer:
    """A directory as a layer: named by its ``library.yaml``, else by its name and content."""
    if not has_folder(root):
        raise InputError(root, None, "data directory not found")
    info = library_file(root)
    if info is None:
        return Layer(root, root.resolve().name, content_digest(root)[:12], models, role)
    settings = {"default_model": info.default_model, "report_models": list(info.report_models)}
    return Layer(root, info.name, info.version, models, role, settings)


def data_layers(data: Path | list[Path] | tuple[Path, ...] | None) -> list[Layer]:
    """The layers a catalog is read from, bottom first: the shipped library (flows, methods and
    backgrounds; its models only when it is the data directory itself), the libraries each
    data directory names, then the data directories in the order given."""
    if data is None:
        roots: list[Path] = []
    else:
        roots = [Path(data)] if isinstance(data, str | Path) else [Path(p) for p in data]
    shipped = shipped_library()
    if not roots:
        return [layer(shipped)]
    given = [layer(r) for r in roots]
    configs = [directory_config(r) for r in roots]
    out: list[Layer] = []
    for root, config, top in zip(roots, configs, given, strict=True):
        for name in config.libraries:
            out.append(layer((root / name).expanduser(), "library", models=False))
        chosen = config.model_dump(include={"default_model", "report_models"})
        settings = {**top.settings, **{k: v for k, v in chosen.items() if v}}
        out.append(Layer(top.root, top.name, top.version, True, "data", settings))
    if _stacks_on_shipped([*out, *given], configs) and not _holds_shipped(given, shipped):
        out.insert(0, layer(shipped, "library", models=False))
    return _without_repeats(out)


def _stacks_on_shipped(layers: list[Layer], configs: list[DirectoryConfig]) -> bool:
    """As the configurations say; else only when no directory has its own flows file (one
    that has is a complete library, as a copy of the shipped one or a test's data)."""
    said = [c.shipped_library for c in configs if c.shipped_library is not None]
    if said:
        return all(said)
    return not any(has_file(item.root / "flows.yaml") for item in layers)


def _holds_shipped(given: list[Layer], shipped: Path) -> bool:
    """Whether a data directory is the shipped library or a copy of it (same library name)."""
    if not has_folder(shipped):
        return True
    own = library_file(shipped)
    for g in given:
        if g.root.resolve() == shipped.resolve():
            return True
        if own is not None and has_file(g.root / LIBRARY_FILE) and g.name == own.name:
            return True
    return False


def _without_repeats(layers: list[Layer]) -> list[Layer]:
    """Each directory once, where it last appears (a data directory over a library of it)."""
    last = {layer.root.resolve(): i for i, layer in enumerate(layers)}
    return [layer for i, layer in enumerate(layers) if last[layer.root.resolve()] == i]


def settings_of(layers: list[Layer]) -> dict:
    """Default model and report models: the topmost layer that sets each wins."""
    out: dict = {"default_model": None, "report_models": []}
    for item in layers:
        if not item.models:
            continue
        for key, value in item.settings.items():
            if value:
                out[key] = value
    return out


def scenario_dirs(layers: list[Layer]) -> list[Path]:
    """Where scenarios of the data directories are: ``scenarios/`` in each, and beside the
    shipped library when it is a data directory (the repository's layout)."""
    out = [i.root / "scenarios" for i in layers if i.models]
    shipped = shipped_library().resolve()
    out += [i.root.parent / "scenarios" for i in layers
            if i.models and i.root.resolve() == shipped]  # fmt: skip
    return [d for d in dict.fromkeys(out) if has_folder(d)]
