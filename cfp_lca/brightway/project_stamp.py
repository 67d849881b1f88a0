"""What a Brightway project folder holds on disk, as one digest, read without importing bw2data.

A result kept on disk (``api.kept``) is reused only while the project is the one it was
computed in: every file of the project folder (databases, methods, processed data,
cfp_lca's float64 packages, the SQLite files) is named with its size and modification time.
bw2data writes a file at every change of a database or method, so any write is a new stamp;
reading a project writes nothing there. Left out: SQLite's shared-memory index (``-shm``),
which readers touch, and cfp_lca's float64 copies of the databases (``FLOAT64_FOLDER``),
written on first use and named by the database versions they copy. A folder that cannot be
read has no stamp (nothing is reused).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

SKIPPED_SUFFIXES = ("-shm",)  # written by readers of a SQLite file in WAL mode
FLOAT64_FOLDER = "cfp_lca_float64"  # datapackages.CACHE_FOLDER: derived, keyed by versions


def folder_stamp(folder: Path) -> str | None:
    """A digest of the relative path, size and modification time of every file under
    ``folder``; None when it is missing or a part cannot be read."""
    digest = hashlib.sha256()
    try:
        if not folder.is_dir():
            return None
        for top, dirs, files in os.walk(folder, onerror=_raise):
            if Path(top) == folder and FLOAT64_FOLDER in dirs:
                dirs.remove(FLOAT64_FOLDER)
            dirs.sort()
            for name in sorted(files):
                if name.endswith(SKIPPED_SUFFIXES):
                    continue
                path = Path(top, name)
                info = path.stat()
                relative = path.relative_to(folder).as_posix()
                digest.update(f"{relative}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    except OSError:
        return None
    return digest.hexdigest()


def _raise(error: OSError) -> None:
    """os.walk's error handler: a folder that cannot be listed makes no stamp."""
    raise error
