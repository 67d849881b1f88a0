"""Validated catalogs kept on disk, keyed by the content of every file they were read from.

Reading and validating the library (YAML, schemas, units, formulas) takes most of a small
command's time, and gives the same catalog as long as no file changed. The catalog is kept
as a pickle under a key made of: the bytes of every YAML file of every directory of the stack
(``libraries.add_files``, as the catalog's fingerprint), the directories themselves, and the
source of cfp_lca's ``model`` package (a new version of the code reads the files again). Any
change of any file is a new key. A data file or folder that cannot be read makes no key: it is
an error (``libraries.add_files``), never left out of the key. A cache file is written whole (a
temporary file renamed into place, so two commands at once never read half a file) and one that
cannot be read is ignored (computed again). A catalog that resolved links by name in a
Brightway project is never kept: its links depend on the project, not only on the files.

The folder is ``$CFP_LCA_CACHE_DIR`` (``off``: no cache), else the user's cache folder
(``platformdirs``). It is kept under ``$CFP_LCA_CACHE_MB`` megabytes (512 by default): after a
save, the entries read or written longest ago are removed until the rest fit (a read renews an
entry's time), so kept results and engines of edited projects do not pile up.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import uuid
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from .cache_folder import CACHE_VARIABLE, cache_dir  # noqa: F401 - CACHE_VARIABLE: tests

FORMAT = 1
MODEL_PACKAGE = Path(__file__).resolve().parent
#: the size the cache folder is kept under, in MB, unless $CFP_LCA_CACHE_MB says otherwise
LIMIT_VARIABLE, DEFAULT_LIMIT_MB = "CFP_LCA_CACHE_MB", 512.0


def code_digest() -> str:
    """A digest of the model package's source: what turns files into a catalog."""
    return source_digest("model")


@lru_cache(maxsize=8)
def source_digest(package: str) -> str:
    """A digest of the source of one package of cfp_lca (``model``, ``calc``, its
    subpackages included): a new version of the code computes its entries again."""
    digest = hashlib.sha256(str(FORMAT).encode())
    root = MODEL_PACKAGE.parent / package
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def key_of(kind: str, content: str, *parts: str) -> str:
    """The cache key of an entry: its kind, the files' content digest, and other parts."""
    text = "\0".join((kind, code_digest(), content, *parts))
    return hashlib.sha256(text.encode()).hexdigest()


def load(key: str) -> Any | None:
    """The entry kept under ``key``, or None (absent, unreadable, cut short)."""
    folder = cache_dir()
    if folder is None:
        return None
    path = folder / f"{key}.pickle"
    try:
        with open(path, "rb") as handle:
            value = pickle.load(handle)
    except Exception:  # noqa: BLE001 - a broken or foreign file is read again, never trusted
        return None
    with contextlib.suppress(OSError):  # recently used: the last to be trimmed
        os.utime(path)
    return value


def save(key: str, value: Any) -> None:
    """Keep ``value`` under ``key``, whole or not at all; a folder that cannot be written
    (read-only, full) only means no cache."""
    folder = cache_dir()
    if folder is None:
        return
    tmp = folder / f".tmp-{uuid.uuid4().hex}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open(tmp, "xb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, folder / f"{key}.pickle")
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        return
    trim(folder, limit_bytes())


def limit_bytes() -> int:
    """The cache folder's bound: ``$CFP_LCA_CACHE_MB`` (a number of MB), else 512 MB."""
    text = os.environ.get(LIMIT_VARIABLE, "").strip()
    try:
        megabytes = float(text) if text else DEFAULT_LIMIT_MB
    except ValueError:
        megabytes = DEFAULT_LIMIT_MB  # a cache bound is no reason to stop a command
    return int(max(megabytes, 0.0) * 1e6)


def trim(folder: Path, limit: int) -> list[Path]:
    """Remove the entries of ``folder`` used longest ago until the rest take at most
    ``limit`` bytes (the newest is always kept); the removed ones. Another command may
    remove or replace an entry meanwhile: what is gone is simply skipped."""
    entries = []
    with contextlib.suppress(OSError), os.scandir(folder) as found:
        for entry in found:
            with contextlib.suppress(OSError):
                if entry.name.endswith(".pickle") and entry.is_file():
                    info = entry.stat()
                    entries.append((info.st_mtime_ns, info.st_size, Path(entry.path)))
    entries.sort(reverse=True)  # newest first
    total, removed = 0, []
    for k, (_, size, path) in enumerate(entries):
        total += size
        if k and total > limit:
            with contextlib.suppress(OSError):
                path.unlink()
                removed.append(path)
    return removed


def cached(key: str, compute: Callable[[], Any], keep: Callable[[Any], bool]) -> Any:
    """The entry under ``key``, else ``compute()``, kept when ``keep`` says so."""
    found = load(key)
    if found is not None:
        return found
    value = compute()
    if keep(value):
        save(key, value)
    return value


def layers_key(kind: str, layers, extra_dirs=()) -> str:
    """The key of what is read from ``layers`` (libraries.Layer, bottom first) and from the
    folders ``extra_dirs`` (scenarios): every file's bytes, each layer's place, role and
    settings, and the file size limit (a file refused under a lower limit must be refused)."""
    from .libraries import add_files
    from .reading import max_file_bytes

    digest = hashlib.sha256()
    for i, item in enumerate(layers):
        add_files(digest, item.root, f"{i}/")
    for j, folder in enumerate(extra_dirs):
        add_files(digest, folder, f"s{j}/")
    where = [f"{item.root.resolve()}|{item.role}|{item.models}|{sorted(item.settings.items())}"
             for item in layers]  # fmt: skip
    extra = [str(Path(d).resolve()) for d in extra_dirs]
    return key_of(kind, digest.hexdigest(), *where, *extra, str(max_file_bytes()))


def catalog(root=None):
    """``loading.load_catalog(root)``, from the cache when no file changed since it was kept
    (the catalog is the same object as loading gives, fingerprint included)."""
    from .libraries import data_layers

    layers = data_layers(root)
    key = layers_key("catalog", layers)
    found = load(key)
    if found is not None:
        return found
    from . import links
    from .loading import load_catalog

    before = links.resolutions()
    value = load_catalog(root)
    if links.resolutions() == before:  # no link was resolved in a project
        save(key, value)
    return value


def checked(data=None) -> tuple[list, list[str]]:
    """``checking.check_data(data)``: (problems, notices); a result without problems is kept
    under the content of every file checked (the scenario files included) and reused."""
    from ..errors import InputError
    from .libraries import data_layers, scenario_dirs

    try:
        layers = data_layers(data)
    except InputError as exc:
        return [exc], []
    key = layers_key("check", layers, scenario_dirs(layers))
    found = load(key)
    if found is not None:
        return [], found
    from . import links
    from .checking import check_data

    before = links.resolutions()
    problems, notices = check_data(data)
    if not problems and links.resolutions() == before:
        save(key, list(notices))
    return problems, notices
