"""The model layer after its split: names importable where they were, a process of a linked
database read by the Brightway layer, one table of Brightway's unit names for reading and
writing (sizes, complexity and imports: test_architecture)."""

from __future__ import annotations

import pytest


def test_names_stay_importable_where_they_were():
    from cfp_lca.model import loading

    for name in ("load_catalog", "model_variant", "load_background", "load_flows", "model_files"):
        assert callable(getattr(loading, name))


def test_a_linked_database_is_read_by_the_brightway_layer(catalog, monkeypatch):
    """The catalog answers for its own databases only; ``catalog_process`` reads the others
    from the project."""
    from cfp_lca.brightway import linking

    model = catalog.models["zw32"]
    x = next(x for x in model.activities[0].exchanges if x.kind == "technosphere")
    assert catalog.holds(x.database) and not catalog.holds("ecoinvent-3.10-cutoff")
    own = catalog.process(x.database, x.code)
    assert linking.catalog_process(catalog, x.database, x.code) == own
    with pytest.raises(KeyError, match="ecoinvent-3.10-cutoff"):
        catalog.process("ecoinvent-3.10-cutoff", "abc")
    read = []
    monkeypatch.setattr(linking, "linked_process", lambda db, code: read.append((db, code)))
    linking.catalog_process(catalog, "ecoinvent-3.10-cutoff", "abc")
    assert read == [("ecoinvent-3.10-cutoff", "abc")]


@pytest.mark.parametrize(
    ("unit", "written"),
    [("kWh", "kilowatt hour"), ("kg", "kilogram"), ("MJ", "megajoule"), ("unit", "unit"),
     ("item", "unit"), ("t", "ton"), ("t*km", "ton kilometer"), ("km*t", "ton kilometer"),
     ("tkm", "ton kilometer"), ("km", "kilometer"), ("m**3", "meter ** 3"), ("L", "liter")],
)  # fmt: skip
def test_units_are_written_under_the_names_they_always_had(unit, written):
    from cfp_lca.model.units import brightway_unit

    assert brightway_unit(unit) == written


def test_brightway_unit_names_read_through_the_same_table():
    from cfp_lca.brightway.linking import pint_unit
    from cfp_lca.model.units import BRIGHTWAY_UNITS, WRITTEN_NAMES, brightway_unit

    assert all(name in BRIGHTWAY_UNITS for name in WRITTEN_NAMES)
    for name in WRITTEN_NAMES:
        assert brightway_unit(pint_unit(name)) == name
    assert pint_unit(" Kilowatt Hour ") == "kWh" and pint_unit("kg") == "kg"
