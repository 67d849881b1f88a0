"""Greenhouse gases recognised in other databases' spellings: names as USLICI/FEDEFL, openLCA,
biosphere3 and GaBi-style exports write them (the spellings are copied from the USLCI
excerpts in tests/fixtures/uslci and from bw2io's biosphere3), compartments as each format
writes them, and the ISO 14067 7.3 group each gas is reported in."""

import pytest

from cfp_lca.brightway.flowmatch import FlowMatcher
from cfp_lca.model.flownames import compartment, normalized_name

# (name as written, categories, CAS, node type) -> (cfp_lca flow, group): what a practitioner
# reads the name as (IPCC gas, fossil / biogenic / dLUC origin, aircraft by sub-compartment)
CASES = [
    (("Carbon dioxide, fossil ", (), None, "emission"), ("co2_fossil", "fossil")),
    (("carbon dioxide", (), None, "emission"), ("co2_fossil", "fossil")),
    (
        ("Carbon dioxide [Inorganic emissions to air]", (), None, "emission"),
        ("co2_fossil", "fossil"),
    ),
    (("Carbon dioxide, biogenic", (), None, "emission"), ("co2_non_fossil", "biogenic")),
    (
        (
            "Carbon dioxide, non-fossil",
            ("air", "urban air close to ground"),
            "124-38-9",
            "emission",
        ),
        ("co2_non_fossil", "biogenic"),
    ),
    (("Carbon dioxide, land transformation", (), None, "emission"), ("co2_luc", "land_use_change")),
    (
        ("Carbon dioxide, from soil or biomass stock", ("air",), None, "emission"),
        ("co2_luc", "land_use_change"),
    ),
    (
        ("Carbon dioxide, in air", ("natural resource", "in air"), None, "natural resource"),
        ("co2_biogenic_uptake", "biogenic"),
    ),
    (
        ("Carbon dioxide", ("resource", "air"), "124-38-9", "natural resource"),
        ("co2_biogenic_uptake", "biogenic"),
    ),
    (("Methane", ("emission", "air"), "74-82-8", "emission"), ("ch4_fossil", "fossil")),
    (("Methane, biogenic", (), None, "emission"), ("ch4_non_fossil", "biogenic")),
    (("Methane [Organic emissions to air]", (), None, "emission"), ("ch4_fossil", "fossil")),
    (("Nitrous oxide", ("troposphere", "rural"), "10024-97-2", "emission"), ("n2o", "fossil")),
    (
        ("Nitrous oxide (laughing gas) [Inorganic emissions to air]", (), None, "emission"),
        ("n2o", "fossil"),
    ),
    (("Methane, difluromonochloro-, HCFC-22", (), None, "emission"), ("hcfc22", "fossil")),
    (("Methane, chlorodifluoro-, HCFC-22", ("air",), "75-45-6", "emission"), ("hcfc22", "fossil")),
    (("Methane, tetrafluoro-, CFC-14", (), None, "emission"), ("cf4", "fossil")),
    (("Methane, tetrafluoro-, FC-14", (), None, "emission"), ("cf4", "fossil")),
    (("1,1,1,3,3-Pentafluoropropane, HFC-245fa", (), None, "emission"), ("hfc245fa", "fossil")),
    (("Ethane, trifluoro-, HFC-143", (), None, "emission"), ("hfc143", "fossil")),
    (("Methane, bromotrifluoro-, Halon 1301", (), None, "emission"), ("halon1301", "fossil")),
    (
        (
            "Carbon dioxide, fossil",
            ("air", "lower stratosphere + upper troposphere"),
            "124-38-9",
            "emission",
        ),
        ("co2_fossil", "aircraft"),
    ),
]
NOT_GASES = [
    ("Dinitrogen monoxide", ("water",), "10024-97-2", "emission"),  # emitted to water
    ("Sulfur dioxide", (), None, "emission"),
    ("Pit Methane (in MJ)", ("natural resource", "in ground"), None, "natural resource"),
    ("Carbon dioxide, fossil", ("soil",), "124-38-9", "emission"),
]


@pytest.fixture(scope="module")
def matcher(catalog):
    return FlowMatcher(catalog.flows, catalog.synonyms)


@pytest.mark.parametrize(("flow", "expected"), CASES, ids=[c[0][0].strip() for c in CASES])
def test_spellings_of_other_databases_are_the_gas_they_name(matcher, flow, expected):
    found = matcher.match(*flow)
    assert found is not None, flow
    assert (found.flow, found.group) == expected
    assert found.no_compartment == (not flow[1])


@pytest.mark.parametrize("flow", NOT_GASES, ids=[f[0] for f in NOT_GASES])
def test_other_substances_and_compartments_are_not_greenhouse_gas_emissions(matcher, flow):
    assert matcher.match(*flow) is None


def test_mixtures_and_unknown_halocarbons_are_gases_without_a_factor(matcher):
    """A mixture of unstated composition has no GWP; a halocarbon designation nobody listed is
    still recognised as a gas: both reach the coverage line instead of being dropped."""
    for name in ("CFCs, unspecified", "Perfluorocarbons, unspecified"):
        found = matcher.match(name, (), None, "emission")
        assert found is not None and found.flow is None, name
    found = matcher.match("Propane, 1,1,1,2,3-pentafluoro-, HFC-999zz", ("air",), None, "emission")
    assert found is not None and found.flow is None
    # USLCI's butane is stated in kg of carbon: the gas's factor per kg does not apply
    found = matcher.match("n butane, kg C", (), None, "emission")
    assert found is not None and found.flow is None


def test_names_and_compartments_compare_as_a_reader_reads_them():
    assert normalized_name("Carbon dioxide, fossil ") == normalized_name("carbon  dioxide,fossil")
    assert normalized_name("Methane [Organic emissions to air]") == "methane"
    assert compartment(("emission", "air")) == ("air", None)
    assert compartment(("troposphere", "rural")) == ("air", "rural")
    assert compartment("Elementary flows/Emission to air/unspecified") == ("air", None)
    assert compartment(("natural resource", "in ground")) == ("natural resource", "in ground")
    assert compartment(("water", "surface water")) == ("water", "surface water")
    assert compartment(()) == (None, None)
