"""cfp_lca: product carbon footprints on Brightway 2.5, from reviewable data files."""

__version__ = "0.1.0"
