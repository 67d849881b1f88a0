"""The steps of long work (a study, a report), timed and logged, so that the command line
can say what it is doing and how long each step took. The core only logs (to the logger
``cfp_lca.steps``); the CLI decides where the lines go."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator

logger = logging.getLogger(__name__)


@contextlib.contextmanager
def step(what: str) -> Iterator[None]:
    """Log ``what`` when it starts, and with its time when it ends."""
    logger.info("%s ...", what)
    start = time.perf_counter()
    yield
    logger.info("%s: done in %.1f s", what, time.perf_counter() - start)


def reused(what: str) -> None:
    """Log that ``what`` was not computed again: a result kept from an earlier run."""
    logger.info("%s: reused (kept from an earlier run; files, project and code unchanged)", what)
