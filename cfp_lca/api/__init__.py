"""The public Python API: load data, compute a model, get results as dicts or DataFrames.

The command line (``cfp_lca.cli``) and the notebooks call this module. The Brightway project
is opened and brought up to date as needed, under the project lock; bad input raises
``InputError`` (file, entry, problem), a project cfp_lca may not change ``ProjectError``.
Nothing is printed: Brightway's messages go to stderr. Here: ``load``; the workspace is
:mod:`.workspace`, a model of it :mod:`.product`, their results :mod:`.results`.

Example::

    >>> from cfp_lca import api
    >>> workspace = api.load("bench")               # doctest: +SKIP
    >>> workspace.models                            # doctest: +SKIP
    ['bench']
    >>> model = workspace.model()                   # doctest: +SKIP
    >>> round(model.lcia().total, 4)                # doctest: +SKIP
    77.4581
    >>> model.lcia().to_frame()                     # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..brightway.project import DEFAULT_PROJECT, configure_data_dir
from ..errors import InputError
from .inputs import parse_options, parse_sources, parse_threshold
from .product import Model, Progress
from .quiet import quiet_brightway
from .results import (
    AuditResult,
    ComparisonResult,
    LciaResult,
    MonteCarloResult,
    Result,
    SensitivityResult,
    check_coverage,
)
from .workspace import KEPT_IN_MEMORY, Workspace

__all__ = [
    "DEFAULT_PROJECT",
    "KEPT_IN_MEMORY",
    "AuditResult",
    "ComparisonResult",
    "InputError",
    "LciaResult",
    "Model",
    "MonteCarloResult",
    "Progress",
    "Result",
    "SensitivityResult",
    "Workspace",
    "check_coverage",
    "configure_data_dir",
    "load",
    "parse_options",
    "parse_sources",
    "parse_threshold",
    "quiet_brightway",
    "resolve_links_in",
]


def resolve_links_in(project: str) -> None:
    """Resolve the models' links by name to other databases (``input: {database, name, ...}``)
    in the Brightway project ``project`` from now on."""
    from ..model.links import set_resolver

    def resolve(link) -> str:
        quiet_brightway()  # before bw2data is imported: its import logs
        from ..brightway.linking import resolve_link
        from ..brightway.project import ProjectError, open_project

        try:
            open_project(project, create=False)
        except ProjectError as exc:
            raise LookupError(str(exc)) from None
        return resolve_link(link)

    set_resolver(resolve)


def load(
    data: str | Path | Sequence[str | Path] | None = None,
    project: str = DEFAULT_PROJECT,
    bw_dir: str | Path | None = None,
) -> Workspace:
    """Read and validate the data (one directory or a stack, on the shipped library).

    Nothing is written until a result is asked for. ``bw_dir``: the Brightway data directory
    (before bw2data is first imported; else $BRIGHTWAY2_DIR or Brightway's standard one).

    Example::

        >>> ws = api.load("my_product")               # doctest: +SKIP
        >>> ws.model().lcia().total                   # doctest: +SKIP
    """
    from ..model.cache import catalog

    configure_data_dir(bw_dir)
    resolve_links_in(project)
    if isinstance(data, str | Path) or data is None:
        roots = None if data is None else [Path(data)]
    else:
        roots = [Path(p) for p in data]
    return Workspace(catalog(roots), project, roots=roots or [])
