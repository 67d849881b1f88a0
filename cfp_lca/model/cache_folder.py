"""The folder of cfp_lca's caches (validated catalogs, pint's parsed definitions), apart
from what is kept there so that any module may ask where it is without importing the rest."""

from __future__ import annotations

import os
from pathlib import Path

CACHE_VARIABLE = "CFP_LCA_CACHE_DIR"


def cache_dir() -> Path | None:
    """The folder of the cache, or None when it is off."""
    text = os.environ.get(CACHE_VARIABLE, "").strip()
    if text.lower() == "off":
        return None
    if text:
        return Path(text).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("cfp_lca", appauthor=False))
