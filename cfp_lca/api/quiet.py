"""Brightway's chatter kept off stdout (so ``--json`` stays parseable), before its import."""

from __future__ import annotations

import contextlib
import io
import logging
import os
import sys
import warnings


def quiet_brightway() -> None:
    """Keep Brightway's chatter off stdout (so --json stays parseable); bars only on a terminal."""
    os.environ.setdefault("BRIGHTWAY_NO_STRUCTLOG", "1")
    if not sys.stderr.isatty():
        os.environ.setdefault("TQDM_DISABLE", "1")
    warnings.filterwarnings("ignore", message="(?s).*pypardiso")
    # Brightway keeps a float32 copy of each amount in its uncertainty arrays; an amount
    # beyond float32 (3.4e38) overflows there, harmlessly: cfp_lca computes from float64
    # packages and refuses any result that is not finite (calc.lcia.check_finite)
    warnings.filterwarnings("ignore", "overflow encountered in cast", RuntimeWarning,
                            "bw_processing")  # fmt: skip
    warnings.filterwarnings("ignore", "overflow encountered in cast", RuntimeWarning,
                            "cfp_lca.brightway.datapackages")  # fmt: skip
    from ..brightway.project import import_brightway

    with contextlib.redirect_stdout(io.StringIO()):
        import_brightway()  # creates the feedback logger quieted below

    feedback = logging.getLogger("brightway-stdout-feedback")
    for handler in list(feedback.handlers):
        feedback.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("brightway: %(message)s"))
    feedback.addHandler(handler)
    feedback.setLevel(logging.ERROR)
