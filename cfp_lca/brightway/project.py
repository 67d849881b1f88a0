"""Where Brightway keeps its data, and opening a named project safely across processes."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .locking import ProjectLock, lock_for

DEFAULT_PROJECT = "cfp_lca"
MARKER = "cfp_lca"  # key in database and method metadata: written by cfp_lca


class ProjectError(Exception):
    """A Brightway project or database that cfp_lca must not or cannot change."""


def configure_data_dir(path: str | Path | None = None) -> Path | None:
    """Point bw2data at ``path``, or at $BRIGHTWAY_DIR when only that is set.

    bw2data reads BRIGHTWAY2_DIR once, when it is imported, so this must run before; calling
    it later with a different directory is an error rather than a silent switch.
    """
    target = path or (
        os.environ.get("BRIGHTWAY_DIR") if not os.environ.get("BRIGHTWAY2_DIR") else None
    )
    if target is None:
        return None
    target = Path(target).expanduser().absolute()
    if target.exists() and not target.is_dir():
        raise ProjectError(f"Brightway data directory {target} is not a directory")
    if "bw2data" in sys.modules:
        import bw2data as bd

        if Path(bd.projects._base_data_dir).absolute() != target:
            raise ProjectError(
                f"bw2data was already imported with data directory {bd.projects._base_data_dir}; "
                f"cannot switch to {target}"
            )
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ProjectError(f"cannot create Brightway data directory {target}: {exc}") from None
    os.environ["BRIGHTWAY2_DIR"] = str(target)
    return target


def base_dir() -> Path:
    """The directory bw2data uses (or will use once imported) for its projects."""
    if "bw2data" in sys.modules:
        import bw2data as bd

        return Path(bd.projects._base_data_dir)
    env = os.environ.get("BRIGHTWAY2_DIR")
    if env:
        path = Path(env).expanduser()
        if not path.is_dir():
            raise ProjectError(
                f"BRIGHTWAY2_DIR={env}: not a directory (create it, or unset the variable)"
            )
        return path.absolute()
    from platformdirs import PlatformDirs

    return Path(PlatformDirs("Brightway3", "pylca").user_data_dir)


def project_lock() -> ProjectLock:
    """The inter-process lock of the Brightway data directory in use."""
    return lock_for(base_dir())


def import_brightway() -> None:
    """Import bw2data, holding the lock alone when the import creates the data directory's files.

    bw2data creates ``projects.db`` and the default project on first import; two processes
    doing that at once on a fresh directory break each other.
    """
    if "bw2data" in sys.modules:
        return
    lock = project_lock()
    fresh = not (base_dir() / "projects.db").is_file()
    with lock.exclusive() if fresh else lock.shared():
        import bw2data  # noqa: F401


def open_project(name: str, create: bool = True) -> None:
    """Make ``name`` the current project; with create=False a missing project is an error.

    An existing project is opened with the lock shared; creating one holds it alone.
    """
    import_brightway()
    import bw2data as bd

    lock = project_lock()
    with lock.shared():
        if name in bd.projects:
            if bd.projects.current != name:  # switching reopens every SQLite file (and runs
                bd.projects.set_current(name, update=False)  # gc: 0.25 s per call)
            return
    if not create:
        raise ProjectError(f"Brightway project '{name}' does not exist (run `cfp-lca build`)")
    with lock.exclusive():
        bd.projects.set_current(name)


def data_dir() -> Path:
    """The directory bw2data writes projects to."""
    import bw2data as bd

    return Path(bd.projects._base_data_dir)
