"""The EN 15804+A2 (EN 50693) modules a model's stages may map to, in the standard's order.
Module D (benefits and loads beyond the system boundary) is never a stage's: it holds the
credits of every stage (see :mod:`cfp_lca.calc.modules`). Kept free of imports, so results
and tables read it without the schema."""

MODULES = ("A1", "A2", "A3", "A1-A3", "A4", "A5", "B1", "B2", "B3", "B4", "B5", "B6", "B7",
           "C1", "C2", "C3", "C4", "C1-C4")  # fmt: skip
