"""``python -m cfp_lca`` runs the command line."""

from .cli import entry

entry()
