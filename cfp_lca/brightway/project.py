"""Where Brightway keeps its data, and opening a named project safely."""

from __future__ import annotations

import os
import sys
from pathlib import Path

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
    target.mkdir(parents=True, exist_ok=True)
    if "bw2data" in sys.modules:
        import bw2data as bd

        if Path(bd.projects._base_data_dir).absolute() != target:
            raise ProjectError(
                f"bw2data was already imported with data directory {bd.projects._base_data_dir}; "
                f"cannot switch to {target}"
            )
    os.environ["BRIGHTWAY2_DIR"] = str(target)
    return target


def open_project(name: str, create: bool = True) -> None:
    """Make ``name`` the current project; with create=False a missing project is an error."""
    import bw2data as bd

    if not create and name not in bd.projects:
        raise ProjectError(f"Brightway project '{name}' does not exist (run `cfp-lca build`)")
    bd.projects.set_current(name)


def data_dir() -> Path:
    """The directory bw2data writes projects to."""
    import bw2data as bd

    return Path(bd.projects._base_data_dir)
