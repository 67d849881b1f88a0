"""Preloaded in the worker processes of a local cluster (``calc.montecarlo.cluster.connect``,
at the package's top: importing it imports nothing else): their stdout is
the command's stderr, so nothing a worker or a library in it prints (bw2data's "Using
environment variable BRIGHTWAY2_DIR ..." on import) lands in the command's stdout, which
carries ``--json``. Done on import, before the worker unpickles anything."""

from __future__ import annotations

import os
import sys

os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
sys.stdout = sys.stderr


def dask_setup(worker: object) -> None:
    """Dask's preload hook: the redirection above is all there is to do."""
