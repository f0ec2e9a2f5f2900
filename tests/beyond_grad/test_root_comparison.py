"""The three derivatives of a root (`root_report`) and the curve x*(a) (`root_curve`) against
the lecture's number, the closed form −x³/(3ax² − 1), SymPy's implicit derivative at mpmath's
root, and each other."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import parse_expression, root_derivative
from core.beyond_grad.root_comparison import (
    MAX_BISECTION_ITERATIONS,
    RootCurve,
    RootReport,
    bisection_iterations,
    root_curve,
    root_report,
)
from tests.beyond_grad.test_implicit import sympy_root_and_derivative

LECTURE = parse_expression("a*x^3 - x - 2")


def closed_form(a: float, root: float) -> float:
    # a x³ = x + 2 at the root; differentiating in a: x³ + 3a x² x' = x', so x' = −x³/(3ax² − 1)
    return -(root**3) / (3 * a * root**2 - 1)


# -- the lecture ---------------------------------------------------------------------------


def test_the_lecture_number_and_its_record():
    report = root_report(LECTURE, "x", "a", 2.0, (1.0, 2.0))
    assert isinstance(report, RootReport)
    assert report.implicit == pytest.approx(-0.22139914, abs=5e-8)  # the lecture's 8 digits
    assert 2 * report.root**3 - report.root - 2 == pytest.approx(0.0, abs=1e-13)
    assert report.dF_dx == pytest.approx(3 * 2 * report.root**2 - 1, rel=1e-13)
    assert report.dF_da == pytest.approx(report.root**3, rel=1e-13)
    assert report.implicit == pytest.approx(-report.dF_da / report.dF_dx, rel=1e-15)
    assert all(isinstance(number, float) for number in report[:5] + report[6:])
    assert isinstance(report.bisection_iterations, int)


def test_the_report_agrees_with_root_derivative_and_sympy():
    report = root_report(LECTURE, "x", "a", 2.0, (1.0, 2.0))
    assert (report.root, report.implicit) == root_derivative(LECTURE, "x", "a", 2.0, (1.0, 2.0))
    want_root, want_slope = sympy_root_and_derivative(LECTURE, "x", "a", 2.0, 1.5)
    assert report.root == pytest.approx(want_root, rel=1e-14)
    assert report.implicit == pytest.approx(want_slope, rel=1e-12)


@given(st.floats(0.25, 18.0))
@settings(max_examples=15, deadline=None)
def test_implicit_equals_the_closed_form_and_the_finite_difference(a):
    report = root_report(LECTURE, "x", "a", a, (0.5, 3.0))
    assert report.implicit == pytest.approx(closed_form(a, report.root), rel=1e-12)
    assert report.finite_difference == pytest.approx(report.implicit, rel=1e-6)
    assert report.fd_step == pytest.approx(np.cbrt(np.finfo(float).eps) * max(1.0, a))


@pytest.mark.parametrize(
    ("text", "variables", "value", "bracket", "others"),
    [
        ("cos(x) - a*x", ("x",), 0.7, (0.0, math.pi / 2), None),
        ("exp(-a*x) - x", ("x",), 1.3, (0.0, 1.0), None),
        ("a*tanh(x) + x^3 - b", ("x",), 2.0, (-3.0, 3.0), {"b": 0.5}),
        ("log(x) + x - a*s", ("x", "s"), 0.8, (0.1, 5.0), {"s": 2.5}),
    ],
)
def test_typed_equations_three_ways(text, variables, value, bracket, others):
    equation = parse_expression(text, variables)
    report = root_report(equation, "x", "a", value, bracket, others)
    _, want = sympy_root_and_derivative(equation, "x", "a", value, sum(bracket) / 2, others)
    assert report.implicit == pytest.approx(want, rel=1e-11)
    assert report.finite_difference == pytest.approx(want, rel=1e-6)


# -- through the bisection: the right root, the wrong derivative ----------------------------


@pytest.mark.parametrize(
    ("text", "value", "bracket"),
    [("a*x^3 - x - 2", 2.0, (1.0, 2.0)), ("x^2 - a", 3.0, (0.0, 5.0)), ("x - a", 0.3, (-1, 1))],
)
def test_grad_through_bisection_is_zero_not_the_derivative(text, value, bracket):
    report = root_report(parse_expression(text), "x", "a", value, bracket)
    assert report.through_bisection == 0.0  # a enters only through sign tests
    assert abs(report.implicit) > 0.1  # so 0 is far from the answer
    assert abs(report.through_bisection - report.implicit) > 0.5 * abs(report.implicit)


def test_the_bisection_runs_to_brentq_tolerance_within_its_cap():
    assert bisection_iterations(1.0, 2.0) == math.ceil(math.log2(1 / (1e-14 + 8.9e-16 * 2)))
    # width / (XTOL + RTOL max|end|) is at most about 2 / RTOL: never more than 52 halvings
    for bracket in [(-1e6, 1e6), (0.0, 1e300), (-11.0, 11.0), (0.0, 1e-20)]:
        assert 1 <= bisection_iterations(*bracket) <= min(52, MAX_BISECTION_ITERATIONS)


# -- the finite difference ---------------------------------------------------------------


def test_a_root_at_the_end_of_the_bracket_has_no_finite_difference():
    # x* = a = 1 is the bracket's low end: at a − h the root leaves the bracket
    report = root_report(parse_expression("x - a"), "x", "a", 1.0, (1.0, 2.0))
    assert (report.root, report.implicit) == (1.0, 1.0)
    assert math.isnan(report.finite_difference)


# -- the curve -----------------------------------------------------------------------------


def test_the_curve_of_the_lecture():
    curve = root_curve(LECTURE, "x", "a", 2.0, (0.5, 3.0), span=1.0, n=41)
    assert isinstance(curve, RootCurve)
    assert curve.values.shape == curve.roots.shape == (41,)
    np.testing.assert_allclose(curve.values[[0, 20, -1]], [1.0, 2.0, 3.0])
    np.testing.assert_allclose(curve.values * curve.roots**3 - curve.roots - 2, 0, atol=1e-12)
    assert np.all(np.diff(curve.roots) < 0)  # dx*/da < 0 everywhere
    assert curve.roots[20] == pytest.approx(curve.root, rel=1e-14)
    assert curve.derivative == pytest.approx(closed_form(2.0, curve.root), rel=1e-12)
    assert curve.value == 2.0


def test_the_curve_against_its_closed_form():
    curve = root_curve(parse_expression("x^2 - a"), "x", "a", 4.0, (0.0, 3.0), span=3.5, n=71)
    # √a is in [0, 3] for a ≤ 9; for a < 0 there is no root
    inside = curve.values >= 0
    np.testing.assert_allclose(curve.roots[inside], np.sqrt(curve.values[inside]), rtol=1e-13)
    assert np.isnan(curve.roots[~inside]).all()
    assert curve.derivative == pytest.approx(0.25)


def test_the_curve_is_nan_across_a_jump():
    # for a > 3/2 the left piece has the root 3/2; for 1 < a < 3/2 F jumps from
    # negative to positive at x = a without a root; for a ≤ 1 it is positive on [1, 2]
    equation = parse_expression("where(x < a, x - 1.5, x + 1)")
    curve = root_curve(equation, "x", "a", 1.8, (1.0, 2.0), span=0.8, n=5)
    np.testing.assert_allclose(curve.values, [1.0, 1.4, 1.8, 2.2, 2.6])
    assert np.isnan(curve.roots[:2]).all()
    np.testing.assert_allclose(curve.roots[2:], 1.5, rtol=1e-14)


def test_the_curve_is_nan_where_f_is_undefined():
    curve = root_curve(parse_expression("log(x - a) + x"), "x", "a", 0.0, (0.1, 2.0), n=5)
    assert np.isnan(curve.roots[0])  # a = -1: the root, about -0.2, is left of the bracket
    roots = curve.roots[1:3]  # a = -0.5, 0
    np.testing.assert_allclose(np.log(roots - curve.values[1:3]) + roots, 0, atol=1e-14)
    assert np.isnan(curve.roots[3:]).all()  # a = 0.5, 1: log of a negative number at x = 0.1


@pytest.mark.parametrize(
    ("span", "n", "message"),
    [(0.0, 81, "span must be a positive"), ("wide", 81, "span must be a number"),
     (1.0, 2, "n must be a whole number"), (1.0, 2.5, "n must be a whole number"),
     (1.0, True, "n must be a whole number")],
)  # fmt: skip
def test_bad_curve_arguments(span, n, message):
    with pytest.raises(ValueError, match=message):
        root_curve(LECTURE, "x", "a", 2.0, (1.0, 2.0), span=span, n=n)


# -- errors: one sentence that says what to do -----------------------------------------------


def one_sentence(message: str) -> bool:
    return message.count(". ") == 0 and message.endswith(".")


@pytest.mark.parametrize("function", [root_report, root_curve])
@pytest.mark.parametrize(
    ("text", "unknown", "parameter", "value", "bracket", "message"),
    [
        ("a*x^3 - x - 2", "x", "a", 2.0, (2.0, 3.0), "same sign at both ends"),
        ("x^3 - a + 1", "x", "a", 1.0, (0.0, 1.0), "∂F/∂x = 0 at the root"),
        ("x^3 - a", "x", "a", 0.0, (-1.0, 2.0), "not simple"),
        ("x^5 + a", "x", "a", 0.0, (-0.7, 1.3), "not simple"),
        ("a*x^3 - x - 2", "x", "b", 2.0, (1.0, 2.0), "parameter 'b' is not a name"),
        ("a*x^3 - x - 2", "z", "a", 2.0, (1.0, 2.0), "unknown 'z' is not a name"),
        ("a*x^3 - x - 2", "x", "a", math.nan, (1.0, 2.0), "must be finite"),
        ("a*x^3 - x - 2", "x", "a", 2.0, (2.0, 1.0), "low < high"),
    ],
)
def test_errors(function, text, unknown, parameter, value, bracket, message):
    with pytest.raises(ValueError, match=message) as error:
        function(parse_expression(text), unknown, parameter, value, bracket)
    if message == "not simple":
        assert one_sentence(str(error.value))
