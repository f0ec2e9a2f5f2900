"""The finite-differences lab's core: error sweeps, their models, stencils and their view."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from core import parse_expression
from core.fd_lab.error_curves import (
    FORMULAS,
    STEPS,
    error_against_step,
    leading_error,
    make_stencil,
    richardson_stencil,
)
from core.fd_lab.stencil_view import parse_offsets, stencil_latex, stencil_view

SINE = parse_expression("sin(x)")
EXP_SIN = parse_expression("exp(sin(x))")


def _curves(sweep):
    return {curve.key: curve for curve in sweep.curves}


@pytest.mark.parametrize("order", [1, 2, 3, 4])
@pytest.mark.parametrize("expression", [SINE, EXP_SIN], ids=["sin", "exp(sin)"])
def test_measured_slopes_match_the_theoretical_orders(expression, order):
    curves = _curves(error_against_step(expression, 0.7, order))
    measured = {key: curve.slope for key, curve in curves.items() if curve.slope is not None}
    # The low-order formulas always have a wide truncation region to measure in.
    assert {"forward", "backward", "central"} <= set(measured)
    for key, slope in measured.items():
        assert abs(slope - curves[key].accuracy) < 0.2, (key, slope, curves[key].accuracy)


def test_richardson_raises_the_order_of_the_central_difference():
    curves = _curves(error_against_step(EXP_SIN, 0.3, 1))
    assert curves["central"].accuracy == 2
    assert curves["richardson"].accuracy == 4
    assert abs(curves["richardson"].slope - 4) < 0.2
    assert curves["richardson"].best_error < curves["central"].best_error / 10


def test_complex_step_reaches_rounding_level():
    sweep = error_against_step(EXP_SIN, 0.3, 1)
    complex_step = _curves(sweep)["complex"]
    assert complex_step.best_error <= 4 * np.finfo(np.float64).eps * abs(sweep.exact)
    # No subtraction, so no round-off floor: tiny steps stay accurate.
    assert complex_step.error[0] <= 4 * np.finfo(np.float64).eps * abs(sweep.exact)


def test_lower_precision_moves_the_optimal_step_up_and_the_best_error_up():
    double = _curves(error_against_step(SINE, 0.7, 1, precision="float64"))["central"]
    single = _curves(error_against_step(SINE, 0.7, 1, precision="float32"))["central"]
    half = _curves(error_against_step(SINE, 0.7, 1, precision="float16"))["central"]
    assert double.best_h < single.best_h < half.best_h
    assert double.best_error < single.best_error < half.best_error
    # The model's optimum for the central difference is h* ~ eps^(1/3).
    assert single.model_h == pytest.approx(np.finfo(np.float32).eps ** (1 / 3), rel=2.0)


def test_complex_step_only_for_first_derivatives_and_complex_precisions():
    assert "complex" not in _curves(error_against_step(SINE, 0.7, 2))
    assert "complex" not in _curves(error_against_step(SINE, 0.7, 1, precision="float16"))
    assert len(error_against_step(SINE, 0.7, 1).curves) == len(FORMULAS)


def test_the_sweep_spans_the_issue_range_and_flags_undefined_steps():
    sweep = error_against_step(SINE, 0.7, 1, formulas=["central"])
    assert sweep.steps[0] == pytest.approx(1e-16)
    assert sweep.steps[-1] == pytest.approx(1.0)
    assert len(sweep.curves[0].error) == len(STEPS)
    half = error_against_step(SINE, 0.7, 4, precision="float16", formulas=["central"])
    # h^4 underflows in half precision: those steps are undefined, never an exception.
    assert np.isnan(half.curves[0].error[0])


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"order": 5}, "orders 1 to 4"),
        ({"order": 1, "precision": "float128"}, "Unknown precision"),
        ({"order": 1, "formulas": ["magic"]}, "Unknown formulas"),
    ],
)
def test_bad_settings_are_rejected(arguments, message):
    with pytest.raises(ValueError, match=message):
        error_against_step(SINE, 0.7, **arguments)


def test_stencils_and_their_leading_error_terms_are_exact():
    central = make_stencil(1, [-1, 0, 1])
    assert central.weights == (Fraction(-1, 2), 0, Fraction(1, 2))
    assert (central.accuracy, central.error_coefficient) == (2, Fraction(1, 6))
    second = make_stencil(2, [-1, 0, 1])
    assert (second.accuracy, second.error_coefficient) == (2, Fraction(1, 12))
    forward = make_stencil(1, [0, 1])
    assert (forward.accuracy, forward.error_coefficient) == (1, Fraction(1, 2))
    five = make_stencil(1, [-2, -1, 0, 1, 2])
    assert (five.accuracy, five.error_coefficient) == (4, Fraction(-1, 30))


def test_richardson_is_a_stencil_with_the_known_error_term():
    stencil = richardson_stencil(1)
    offsets = (Fraction(-1), Fraction(-1, 2), Fraction(1, 2), Fraction(1))
    assert stencil.offsets == offsets
    assert stencil.weights == (Fraction(1, 6), Fraction(-4, 3), Fraction(4, 3), Fraction(-1, 6))
    assert (stencil.accuracy, stencil.error_coefficient) == (4, Fraction(-1, 480))


def test_leading_error_of_an_exact_rule_is_zero():
    assert leading_error(0, [Fraction(0)], [Fraction(1)]) == (0, Fraction(0))


def test_stencil_latex_shows_weights_points_and_error_term():
    latex = stencil_latex(make_stencil(1, [-1, 0, 1]))
    assert r"\frac{1}{h}" in latex
    assert r"\tfrac{1}{2}f(x + h)" in latex
    assert r"\tfrac{1}{2}f(x - h)" in latex
    assert r"- \tfrac{1}{6}\,h^{2}\,f'''(x)" in latex
    assert "f^{(6)}(x)" in stencil_latex(make_stencil(4, [-2, -1, 0, 1, 2]))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1", "between 2 and 15"),
        ("0, 1, 1", "only once"),
        ("0, x", "not a whole number"),
        ("0, 1.5", "not a whole number"),
        ("0, 99", "between -20 and 20"),
        (", ".join(str(k) for k in range(16)), "between 2 and 15"),
    ],
)
def test_bad_offsets_get_a_specific_message(text, message):
    with pytest.raises(ValueError, match=message):
        parse_offsets(text)


def test_offsets_are_read_in_any_spacing_and_sorted():
    assert parse_offsets("2, -1 0,−2  1") == [-2, -1, 0, 1, 2]


@pytest.mark.parametrize(("order", "offsets"), [(1, [0, 1]), (1, [-1, 0, 1]), (2, [-1, 0, 1, 2])])
def test_stencil_view_estimate_is_the_polynomial_derivative(order, offsets):
    h, x0 = 0.3, 0.7
    stencil, view = stencil_view(SINE, x0, offsets, order, h)
    weights = np.array([float(w) for w in stencil.weights])
    assert view.estimate == pytest.approx(np.sum(weights * np.sin(view.points_x)) / h**order)
    assert view.exact == pytest.approx([np.cos, lambda t: -np.sin(t)][order - 1](x0))
    # The polynomial through the points has the estimate as its m-th derivative at x0.
    coefficients = np.polyfit(view.xs - x0, view.polynomial, len(offsets) - 1)
    derivative = np.polyder(np.poly1d(coefficients), order)(0.0)
    assert derivative == pytest.approx(view.estimate, rel=1e-6)
    np.testing.assert_allclose(view.points_y, np.sin(view.points_x))


def test_stencil_view_rejects_a_bad_step():
    with pytest.raises(ValueError, match="positive"):
        stencil_view(SINE, 0.7, [-1, 0, 1], 1, 0.0)
