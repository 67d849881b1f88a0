"""``python -m cfp_lca.cli``: the ``cfp-lca`` command."""

import sys

from . import main

sys.exit(main())
