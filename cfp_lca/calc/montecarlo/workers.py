"""What runs in a Dask worker process: a plugin that opens the caller's Brightway project when
the worker starts and keeps the engines built there, and the tasks that use them.

Imported only where a cluster is used (``distributed`` takes a while to import). The plugin
is registered on the client (``register``) under a name of the Brightway data directory;
every worker, including one started later to replace a lost one, sets it up before it runs
a task. Brightway is reached through bw2data's public API only: its project directory, and
``change_base_directories`` where a remote worker starts elsewhere.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from distributed import WorkerPlugin, get_worker
from distributed.worker import Worker


class EngineCache(WorkerPlugin):
    """On each worker: the caller's Brightway data directory and project opened (``setup``),
    and the engines (or input spaces) built there, by their spec's key."""

    idempotent = True  # registered again by each run: workers keep theirs, engines included

    def __init__(self, bw_dir: str, project: str):
        self.bw_dir = bw_dir
        self.project = project
        self.engines: dict[tuple, object] = {}

    def setup(self, worker: Worker) -> None:
        """Brightway opened where the caller's project is."""
        open_brightway(self.bw_dir, self.project)

    def teardown(self, worker: Worker) -> None:
        """The engines let go with the plugin."""
        self.engines.clear()

    def engine(self, spec):
        """The engine of ``spec`` (an ``EngineSpec``), built on first use in its project."""
        if spec.key not in self.engines:
            open_brightway(spec.bw_dir, spec.project)
            self.engines[spec.key] = spec.build()
        return self.engines[spec.key]


def plugin_name(bw_dir: str) -> str:
    """The plugin's name for a Brightway data directory: one plugin per directory."""
    return "cfp-lca-engines-" + hashlib.sha256(bw_dir.encode()).hexdigest()[:16]


def open_brightway(bw_dir: str, project: str) -> None:
    """bw2data at data directory ``bw_dir`` (a local cluster's workers start there, their
    environment says so; another worker is moved there) and ``project`` current."""
    import bw2data as bd

    if Path(bd.projects.dir).parent != Path(bw_dir):  # a project's folder is in the directory
        bd.projects.change_base_directories(Path(bw_dir), project_name=project)
    bd.projects.set_current(project)


def register(client, spec) -> None:
    """The plugin for ``spec``'s Brightway data directory on every worker of ``client``."""
    plugin = EngineCache(spec.bw_dir, spec.project)
    client.register_plugin(plugin, name=plugin_name(spec.bw_dir))


def built(spec):
    """The engine of ``spec`` on the worker running this task."""
    return get_worker().plugins[plugin_name(spec.bw_dir)].engine(spec)


def remote_chunk(spec, seed: int, start: int, stop: int):
    """A chunk computed on a worker (the task Dask runs)."""
    return built(spec).chunk(seed, start, stop)


def remote_call(spec, method: str, *args):
    """``method(*args)`` of the engine (or input space) of ``spec`` on a worker."""
    return getattr(built(spec), method)(*args)


def engine_keys() -> list[tuple]:
    """The keys of the engines the workers of this process hold (for ``Client.run``, which
    runs outside tasks: no ``get_worker`` there)."""
    return [
        key
        for worker in list(Worker._instances)
        for plugin in worker.plugins.values()
        if isinstance(plugin, EngineCache)
        for key in plugin.engines
    ]
