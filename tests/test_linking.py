"""Links to databases cfp_lca did not write: activities found by code or by fields with the
candidates named, Brightway unit names through pint (flows: test_flowmatch)."""

import bw2data as bd
import pytest

from cfp_lca.brightway.linking import LinkProblem, find_activity, pint_unit


@pytest.fixture()
def project(tmp_path):
    previous = bd.projects.current
    bd.projects.set_current(f"link-{tmp_path.name}")
    bd.Database("bio3").write(
        {
            ("bio3", "a"): {"name": "Carbon dioxide, fossil", "categories": ("air", "urban"),
                            "unit": "kilogram", "type": "emission"},
            ("bio3", "b"): {"name": "Carbon dioxide, fossil", "categories": ("water",),
                            "unit": "kilogram", "type": "emission"},
            ("bio3", "c"): {"name": "Methane, fossil", "categories": ("air",),
                            "unit": "kilogram", "type": "emission"},
        }
    )  # fmt: skip
    proc = {"type": "process", "unit": "kilowatt hour", "reference product": "electricity"}
    bd.Database("ei").write(
        {
            ("ei", "p1"): {**proc, "name": "market for electricity", "location": "CN-ZJ"},
            ("ei", "p2"): {**proc, "name": "market for electricity", "location": "CN-JS"},
            ("ei", "p3"): {**proc, "name": "market group for electricity", "location": "CN"},
        }
    )
    yield
    bd.projects.set_current(previous)


def test_find_by_code_or_fields(project):
    assert find_activity("ei", code="p2")["location"] == "CN-JS"
    node = find_activity("ei", name="market for electricity", location="CN-ZJ")
    assert node["code"] == "p1"
    with pytest.raises(LinkProblem, match="is .*CN-JS.* not"):
        find_activity("ei", code="p2", location="CN-ZJ")


def test_none_or_several_matches_name_the_candidates(project):
    with pytest.raises(LinkProblem, match="2 activities of 'ei' match") as err:
        find_activity("ei", name="market for electricity")
    assert "CN-ZJ" in str(err.value) and "CN-JS" in str(err.value)
    with pytest.raises(LinkProblem, match="no activity of 'ei' matches") as err:
        find_activity("ei", name="market for electricity", location="DE")
    assert "code p1" in str(err.value)
    with pytest.raises(LinkProblem, match="not in project"):
        find_activity("ecoinvent", code="x")


def test_units(project):
    assert pint_unit("kilowatt hour") == "kWh"
    assert pint_unit("ton kilometer") == "t*km"
    assert pint_unit("kg") == "kg"
    with pytest.raises(LinkProblem, match="no pint equivalent"):
        pint_unit("livestock unit")
