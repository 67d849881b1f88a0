"""Units, formulas and uncertainty fields, checked against hand calculations."""

from __future__ import annotations

import math

import pytest

from cfp_lca.model.formula import FormulaProblem, evaluate
from cfp_lca.model.schema import PedigreeSpec, UncertaintySpec
from cfp_lca.model.uncertainty import pedigree_sigma, stats_arrays_fields
from cfp_lca.model.units import UnitProblem, brightway_unit, convert, quantity


def test_conversions():
    assert convert(quantity(1, "t"), "kg") == 1000
    assert convert(quantity(1, "MWh"), "kWh") == 1000
    assert convert(quantity(2, "t*km"), "kg*km") == 2000
    assert convert(quantity(0.5366, "kg/kWh") * quantity(2.5, "kWh"), "kg") == pytest.approx(1.3415)
    assert convert(quantity(1, "kg CO2e / t"), "kg CO2e / kg") == pytest.approx(1e-3)


def test_unit_mismatch_is_an_error_never_a_factor():
    with pytest.raises(UnitProblem, match="unit mismatch"):
        convert(quantity(0.0726, "kg/MJ") * quantity(1, "kg"), "kg")
    with pytest.raises(UnitProblem, match="unit mismatch"):
        convert(quantity(1, "kg CO2e"), "kg")  # CO2e is its own dimension
    with pytest.raises(UnitProblem, match="unknown unit"):
        convert(quantity(1, "kg"), "kgg")


def test_brightway_unit_names():
    assert brightway_unit("kWh") == "kilowatt hour"
    assert brightway_unit("kg") == "kilogram"
    assert brightway_unit("unit") == "unit"


def test_diesel_formula_from_guideline_parameters():
    """20.2 tC/TJ x 98 % x 44/12 x 42.652 GJ/t = 3.0959 t CO2 / t diesel (by hand)."""
    names = {
        "carbon_content": quantity(20.2, "t/TJ"),
        "oxidation_rate": quantity(0.98, "dimensionless"),
        "ncv": quantity(42.652, "GJ/t"),
    }
    q = evaluate("carbon_content * oxidation_rate * 44 / 12 * ncv", names)
    assert convert(q, "kg/kg") == pytest.approx(20.2e-3 * 0.98 * 44 / 12 * 42.652, rel=1e-12)


def test_formula_rejects_anything_but_arithmetic():
    with pytest.raises(FormulaProblem, match="unknown parameter 'x'"):
        evaluate("x * 2", {})
    with pytest.raises(FormulaProblem, match="may only use"):
        evaluate("__import__('os')", {})


def test_pedigree_sigma_by_hand():
    """Weidema 2013: (2,3,1,1,5) + basic 0.0006 -> var = 0.0006+0.0006+0+0+0.12+0.0006."""
    p = PedigreeSpec(reliability=2, completeness=3, temporal=1, geographical=1, technological=5,
                     basic_variance=0.0006)  # fmt: skip
    assert pedigree_sigma(p) == pytest.approx(math.sqrt(0.0006 + 0.0006 + 0.12 + 0.0006))


def test_lognormal_fields_for_a_credit():
    fields = stats_arrays_fields(
        -2.0, 1.0, UncertaintySpec(distribution="lognormal", gsd=1.5), None
    )
    assert fields["uncertainty type"] == 2
    assert fields["loc"] == pytest.approx(math.log(2.0))
    assert fields["scale"] == pytest.approx(math.log(1.5))
    assert fields["negative"] is True


def test_triangular_scales_with_the_amount():
    """Bounds given per year in kWh, amount allocated per unit: bounds scale the same way."""
    spec = UncertaintySpec(distribution="triangular", minimum=900, maximum=1200)
    fields = stats_arrays_fields(1000 / 4, 1 / 4, spec, None)
    assert (fields["minimum"], fields["maximum"]) == (225, 300)


def test_uncertainty_spec_validation():
    with pytest.raises(ValueError, match="exactly one of gsd or sigma"):
        UncertaintySpec(distribution="lognormal")
    with pytest.raises(ValueError, match="minimum must be below maximum"):
        UncertaintySpec(distribution="uniform", minimum=2, maximum=1)


def test_formula_over_sample_arrays_equals_the_formula_per_sample():
    """The evaluator of quantities runs over plain magnitudes and numpy arrays alike: all
    samples at once give, per sample, what the scalar evaluation gives."""
    import numpy as np

    from cfp_lca.model.formula import evaluate_magnitudes, formula_names

    text = "(a + 2 * b) ** 2 / c - a"
    rng = np.random.default_rng(0)
    names = {"a": rng.uniform(1, 2, 50), "b": rng.uniform(0, 1, 50), "c": 4.0}
    got = evaluate_magnitudes(text, names)
    for i in range(50):
        a, b = names["a"][i], names["b"][i]
        assert got[i] == pytest.approx((a + 2 * b) ** 2 / 4.0 - a, rel=1e-15)
    assert formula_names(text) == {"a", "b", "c"}
    # a sample that divides by zero is left non-finite, not an error for all samples
    out = evaluate_magnitudes("1 / x", {"x": np.array([2.0, 0.0])})
    assert out[0] == 0.5 and not np.isfinite(out[1])
    with pytest.raises(FormulaProblem, match="division by zero"):
        evaluate_magnitudes("1 / x", {"x": 0.0})


def test_mean_centred_lognormal_fields():
    """lognormal_centre: mean: loc = ln a - s^2 / 2, so E[X] = a (a credit mirrored)."""
    spec = UncertaintySpec(distribution="lognormal", gsd=1.5)
    s = math.log(1.5)
    fields = stats_arrays_fields(-2.0, 1.0, spec, None, "mean")
    assert fields["loc"] == pytest.approx(math.log(2.0) - s * s / 2, rel=1e-15)
    assert fields["negative"] is True
    median = stats_arrays_fields(2.0, 1.0, spec, None)
    assert median["loc"] == pytest.approx(math.log(2.0), rel=1e-15)
    with pytest.raises(ValueError, match="lognormal centre"):
        stats_arrays_fields(2.0, 1.0, spec, None, "mode")
