"""What the command line says on stderr besides its result: cfp_lca's loggers, configured here
only (the library logs and never prints). Default: warnings and notices, and the steps of the
long commands (the main job, ``report``); ``-q``: errors only; ``-v``: every step of every
command; ``-vv``: debugging detail too."""

from __future__ import annotations

import logging
import sys

LONG_COMMANDS = ("run", "report")  # their steps are announced without -v
PREFIX = "cfp-lca: "


class _Stderr(logging.StreamHandler):
    """A handler that writes to the stderr of the moment (a caller or a test may swap it),
    never to one kept from before, which may be closed by now."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        """StreamHandler's own assignment: the stream is always the current stderr."""


def configure(command: str, verbose: int = 0, quiet: bool = False) -> None:
    """cfp_lca's loggers to stderr at the level the options ask for (again on every call)."""
    root = logging.getLogger("cfp_lca")
    steps = logging.getLogger("cfp_lca.steps")  # passes its records up to root's handler
    for logger in (root, steps):
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
    root.propagate, steps.propagate = False, True
    handler = _Stderr()
    handler.setFormatter(logging.Formatter(PREFIX + ("%(name)s: " if verbose > 1 else "")
                                           + "%(message)s"))  # fmt: skip
    root.addHandler(handler)
    if quiet:
        level = steps_level = logging.ERROR
    else:
        level = logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING
        steps_level = logging.INFO if verbose or command in LONG_COMMANDS else logging.WARNING
        steps_level = min(steps_level, level)
    root.setLevel(level)
    steps.setLevel(steps_level)


def notice(text: str) -> None:
    """A notice to the user (a replaced entry, a folded activity, a wait): hidden by -q."""
    logging.getLogger("cfp_lca.cli").warning(text)
