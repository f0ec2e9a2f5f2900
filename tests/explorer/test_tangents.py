"""Tangent, secant and Taylor radius (`core.explorer.tangents`) and their figures, against
closed forms, mpmath and Lagrange's remainder bound."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest

from core import parse_expression
from core.explorer.derivatives import GRID_SIZE
from core.explorer.tangent_figures import (
    F_STYLE,
    SECANT_STYLE,
    TANGENT_STYLE,
    TAYLOR_STYLE,
    secant_slope_figure,
    tangent_figure,
    taylor_figure,
)
from core.explorer.tangents import (
    CURVE_STEPS,
    line_through,
    numpy_function,
    polynomial_latex,
    remainder,
    secant_slopes,
    secant_view,
    taylor_radius,
    taylor_view,
)
from core.figures.plotting import for_screen, robust_range

FACTORIALS = np.array([math.factorial(k) for k in range(11)], dtype=np.float64)
mpmath.mp.dps = 40


def _root(function, high: float) -> float:
    """The root of `function` in (0, high), where it goes from negative to positive once:
    bisection in 40-digit arithmetic, to far below the tolerances asserted."""
    low, high = mpmath.mpf(0), mpmath.mpf(high)
    assert function(low) < 0 < function(high)
    for _ in range(100):
        middle = (low + high) / 2
        low, high = (middle, high) if function(middle) < 0 else (low, middle)
    return float(low)


# -- tangent and secant --------------------------------------------------------------------


def test_the_tangent_of_a_cubic_is_its_closed_form():
    view = secant_view(parse_expression("x^3"), 2.0, 0.5)
    assert (view.value, view.derivative, view.second_derivative) == pytest.approx((8, 12, 12))
    xs = np.linspace(-1, 3, 9)
    np.testing.assert_allclose(line_through(2.0, view.value, view.derivative, xs),
                               8 + 12 * (xs - 2), rtol=1e-13)  # fmt: skip


@pytest.mark.parametrize("h", [2.0, 0.5, 1e-2, 1e-4])
def test_the_secant_slope_of_x_squared_is_2x0_plus_h(h):
    # ((x0 + h)² − x0²)/h = 2 x0 + h exactly: the error is h·f″/2 with f″ = 2
    view = secant_view(parse_expression("x^2"), 1.5, h)
    assert view.slope == pytest.approx(3.0 + h, rel=1e-10)
    assert view.error == pytest.approx(view.predicted_error, rel=1e-6, abs=1e-11)
    assert view.value_at_step == pytest.approx((1.5 + h) ** 2, rel=1e-13)


def test_derivatives_at_x0_match_mpmath():
    parsed = parse_expression("sin(x) e^(-x^2)")
    view = secant_view(parsed, 0.7, 0.1)
    exact = [float(mpmath.diff(lambda x: mpmath.sin(x) * mpmath.exp(-(x**2)), 0.7, n))
             for n in (1, 2)]  # fmt: skip
    assert view.derivative == pytest.approx(exact[0], rel=1e-12)
    assert view.second_derivative == pytest.approx(exact[1], rel=1e-12)


def _order(errors: np.ndarray, steps: np.ndarray) -> float:
    return float(np.polyfit(np.log(steps), np.log(errors), 1)[0])


def test_the_secant_slope_error_is_first_order_in_h():
    view = secant_view(parse_expression("exp(x)"), 0.5, 1e-3)
    window = (CURVE_STEPS >= 1e-5) & (CURVE_STEPS <= 1e-1)
    assert abs(_order(view.errors[window], view.steps[window]) - 1) < 0.02
    # and its leading term is h·f″(x0)/2, f″(0.5) = e^0.5
    assert view.second_derivative == pytest.approx(math.exp(0.5), rel=1e-13)
    assert view.error == pytest.approx(1e-3 * math.exp(0.5) / 2, rel=1e-3)


def test_where_f_second_is_zero_the_error_is_second_order():
    view = secant_view(parse_expression("sin(x)"), 0.0, 1e-2)
    window = (CURVE_STEPS >= 1e-3) & (CURVE_STEPS <= 1e-1)
    assert abs(_order(view.errors[window], view.steps[window]) - 2) < 0.05
    assert view.predicted_error == 0


def test_a_secant_into_a_pole_is_undefined_not_an_error():
    view = secant_view(parse_expression("log(x)"), 0.5, -1.0)
    assert math.isnan(view.value_at_step)
    assert math.isnan(view.slope)
    assert view.derivative == pytest.approx(2.0)


@pytest.mark.parametrize(("h", "message"), [(0.0, "nonzero"), (math.inf, "finite")])
def test_a_bad_step(h, message):
    with pytest.raises(ValueError, match=message):
        secant_view(parse_expression("x"), 0.0, h)
    with pytest.raises(ValueError, match="h ≠ 0"):
        secant_slopes(numpy_function(parse_expression("x")), 0.0, [1.0, 0.0])


def test_parameters_and_constants():
    view = secant_view(parse_expression("a x^2"), 1.0, 0.5, {"a": 3.0})
    assert view.slope == pytest.approx(3 * 2.5)
    assert numpy_function(parse_expression("5"))(np.zeros(3)).tolist() == [5.0, 5.0, 5.0]
    with pytest.raises(ValueError, match="one variable"):
        numpy_function(parse_expression("x y", ("x", "y")))


# -- Taylor polynomials and their radius ---------------------------------------------------


def test_exp_coefficients_are_one_over_k_factorial():
    view = taylor_view(parse_expression("exp(x)"), 0.0, 10, 1e-3, (-4.0, 4.0))
    np.testing.assert_allclose(view.coefficients, 1 / FACTORIALS, rtol=1e-13)
    assert view.xs.shape == view.polynomial.shape == (GRID_SIZE,)


def test_sin_coefficients_alternate_over_odd_factorials():
    view = taylor_view(parse_expression("sin(x)"), 0.0, 9, 1e-3, (-4.0, 4.0))
    k = np.arange(10)
    want = np.where(k % 2 == 1, (-1.0) ** ((k - 1) // 2), 0.0) / FACTORIALS[:10]
    np.testing.assert_allclose(view.coefficients, want, rtol=1e-13, atol=1e-16)


@pytest.mark.parametrize(("degree", "tolerance"), [(1, 1e-1), (2, 1e-3), (4, 1e-3), (6, 1e-8),
                                                   (10, 1e-4)])  # fmt: skip
def test_exp_radius_is_where_the_remainder_reaches_the_tolerance(degree, tolerance):
    view = taylor_view(parse_expression("exp(x)"), 0.0, degree, tolerance, (-4.0, 4.0))

    # On x > 0 the remainder is sum_{k>n} x^k/k!, larger than on x < 0 and increasing.
    def remainder_at(r):
        return mpmath.exp(r) - sum(r**k / mpmath.factorial(k) for k in range(degree + 1))

    exact = _root(lambda r: remainder_at(r) - tolerance, 4.0)
    assert view.radius.radius == pytest.approx(exact, rel=1e-6)
    assert not view.radius.whole_range
    # Lagrange: |R_n(x)| <= e^|x| |x|^(n+1)/(n+1)!, so the true radius is at least the bound's.
    bound = _root(lambda r: mpmath.exp(r) * r ** (degree + 1)
                  / mpmath.factorial(degree + 1) - tolerance, 4.0)  # fmt: skip
    assert view.radius.radius >= bound


@pytest.mark.parametrize(("degree", "tolerance"), [(1, 1e-2), (3, 1e-3), (4, 1e-3), (7, 1e-6)])
def test_sin_radius_against_mpmath_and_the_lagrange_bound(degree, tolerance):
    view = taylor_view(parse_expression("sin(x)"), 0.0, degree, tolerance, (-4.0, 4.0))
    series = lambda r: sum(mpmath.taylor(mpmath.sin, 0, degree)[k] * r**k  # noqa: E731
                           for k in range(degree + 1))  # fmt: skip
    exact = _root(lambda r: abs(mpmath.sin(r) - series(r)) - tolerance, 3.0)
    assert view.radius.radius == pytest.approx(exact, rel=1e-6)
    bound = (tolerance * math.factorial(degree + 1)) ** (1 / (degree + 1))  # |R| <= r^(n+1)/(n+1)!
    assert view.radius.radius >= bound * (1 - 1e-9)


def test_the_geometric_series_stops_before_its_pole():
    # 1/(1 − x) − sum_{k<=n} x^k = x^(n+1)/(1 − x); the grid holds the pole x = 1 itself.
    degree, tolerance = 5, 1e-2
    view = taylor_view(parse_expression("1/(1 - x)"), 0.0, degree, tolerance, (-4.0, 4.0))
    exact = _root(lambda r: r ** (degree + 1) / (1 - r) - tolerance, 0.999)
    assert view.radius.radius == pytest.approx(exact, rel=1e-6)
    assert np.isnan(view.remainder[np.argmin(np.abs(view.xs - 1.0))])


def test_log_stops_before_the_edge_of_its_domain():
    degree, tolerance = 3, 1e-3
    view = taylor_view(parse_expression("log(x)"), 1.0, degree, tolerance, (-2.0, 4.0))
    assert np.isnan(view.values[view.xs < 0]).all()
    series = lambda u: sum((-1) ** (k + 1) * u**k / k for k in range(1, degree + 1))  # noqa: E731
    exact = _root(lambda r: abs(mpmath.log(1 - r) - series(-r)) - tolerance, 0.999)
    assert view.radius.radius == pytest.approx(exact, rel=1e-6)


def test_a_tolerance_met_everywhere_gives_a_lower_bound():
    view = taylor_view(parse_expression("5 + 2x"), 1.0, 1, 1e-3, (-4.0, 4.0))
    assert view.radius.whole_range
    assert view.radius.radius == pytest.approx(5.0)


def test_a_radius_leaving_the_range_says_so():
    view = taylor_view(parse_expression("exp(x)"), 3.9, 10, 1e-1, (-4.0, 4.0))
    assert view.radius.beyond_range
    assert view.radius.radius > 2.0


def test_no_taylor_polynomial_where_a_derivative_is_infinite():
    view = taylor_view(parse_expression("sqrt(x)"), 0.0, 2, 1e-3, (0.0, 4.0))
    assert not np.isfinite(view.coefficients[1:]).any()
    assert view.radius.radius == 0
    assert np.isnan(view.remainder).all()


def test_x0_off_the_grid_is_checked_too():
    function = numpy_function(parse_expression("exp(x)"))
    xs = np.linspace(-4.0, 4.0, 11)  # 0.1 is not a grid point
    radius = taylor_radius(function, [math.exp(0.1), math.exp(0.1)], 0.1, 1e-2, xs)
    exact = _root(lambda r: mpmath.exp(0.1) * (mpmath.exp(r) - 1 - r) - 1e-2, 2.0)
    assert radius.radius == pytest.approx(exact, rel=1e-6)


@pytest.mark.parametrize(
    ("degree", "tolerance", "message"),
    [(0, 1e-3, "between 1 and 10"), (11, 1e-3, "between 1 and 10"), (2.0, 1e-3, "whole number"),
     (2, 0.0, "positive"), (2, math.nan, "finite")],
)  # fmt: skip
def test_bad_degree_or_tolerance(degree, tolerance, message):
    with pytest.raises(ValueError, match=message):
        taylor_view(parse_expression("exp(x)"), 0.0, degree, tolerance, (-1.0, 1.0))


def test_remainder_is_nan_where_either_side_is_undefined():
    got = remainder([1.0, np.inf, np.nan, 2.0], [1.5, 1.0, 1.0, np.inf])
    assert got[0] == 0.5
    assert np.isnan(got[1:]).all()


def test_polynomial_latex():
    assert polynomial_latex([1.0, 1.0, 0.5], 0.0) == "1 + x + 0.5 x^{2}"
    assert polynomial_latex([0.0, 1.0, 1e-17, -1 / 6], 0.5) == ("(x - 0.5) - 0.16667 (x - 0.5)^{3}")
    assert polynomial_latex([-2.0, 3e-7], -1.25) == r"-2 + 3 \cdot 10^{-7} (x + 1.25)"
    assert polynomial_latex([0.0, 0.0], 1.0) == "0"
    with pytest.raises(ValueError, match="finite"):
        polynomial_latex([1.0, np.inf], 0.0)


# -- figures -------------------------------------------------------------------------------


def _traces(figure) -> dict:
    return {trace.name.split(",")[0].split(" =")[0]: trace for trace in figure.data}


def test_tangent_figure_marks_both_points_and_keeps_f_range():
    parsed = parse_expression("sin(x)")
    view = secant_view(parsed, 1.0, 0.5)
    xs = np.linspace(-4, 4, GRID_SIZE)
    figure = for_screen(tangent_figure(xs, np.sin(xs), view))
    traces = _traces(figure)
    assert {"f", "tangent", "secant", "x₀", "x₀ + h"} <= set(traces)
    styles = [traces[n].line for n in ("f", "tangent", "secant")]
    assert len({(s.color, s.dash) for s in styles}) == 3  # colour and dash both differ
    assert list(traces["x₀ + h"].x) == [1.5]
    assert list(traces["x₀ + h"].y) == pytest.approx([math.sin(1.5)])
    tangent = math.sin(1) + math.cos(1) * (np.array([-4, 4]) - 1)
    np.testing.assert_allclose(list(traces["tangent"].y), tangent, rtol=1e-6)
    assert list(figure.layout.yaxis.range) == pytest.approx(robust_range([np.sin(xs)]))


def test_secant_slope_figure_has_log_h_and_the_error_reference():
    view = secant_view(parse_expression("exp(x)"), 0.0, 1e-2)
    figure = secant_slope_figure(view)
    assert figure.layout.xaxis.type == figure.layout.xaxis2.type == "log"
    assert figure.layout.yaxis2.type == "log"
    traces = _traces(figure)
    assert list(traces["f′(x₀)"].y) == pytest.approx([1.0, 1.0])
    assert list(traces["h"].y) == pytest.approx([view.slope])
    np.testing.assert_allclose(traces["h·|f″(x₀)|/2"].y, CURVE_STEPS / 2, rtol=1e-12)


def test_taylor_figure_clips_to_f_and_shades_the_radius():
    view = taylor_view(parse_expression("sin(x)"), 0.0, 9, 1e-3, (-8.0, 8.0))
    figure = taylor_figure(view)
    traces = _traces(figure)
    assert np.nanmax(np.abs(traces["T₉"].y)) > 100  # T₉ runs far off f's range...
    assert figure.layout.yaxis.range[1] < 1.2  # ...and the axis stays f's
    assert traces["T₉"].line.dash == TAYLOR_STYLE["dash"] != F_STYLE.get("dash")
    band = figure.layout.shapes[0]
    r = view.radius.radius
    assert (band.x0, band.x1) == pytest.approx((-r, r))
    assert figure.layout.yaxis2.type == "log"
    assert list(traces["tolerance 0.001"].y) == [1e-3, 1e-3]
    assert {TANGENT_STYLE["color"], SECANT_STYLE["color"], TAYLOR_STYLE["color"]} <= {
        "#D55E00", "#009E73", "#CC79A7"}  # Okabe–Ito  # fmt: skip


def test_a_click_anywhere_selects_a_point_of_f():
    # Plotly selects markers, never a bare line: each chart that moves x0 carries an
    # invisible marker layer along f, hovered by x.
    view = taylor_view(parse_expression("x^2"), 0.0, 2, 1e-3, (-4.0, 4.0))
    secant = secant_view(parse_expression("x^2"), 0.0, 1.0)
    for figure in (taylor_figure(view), tangent_figure(view.xs, view.values, secant)):
        layer = _traces(figure)["click to move x₀"]
        assert layer.mode == "markers"
        assert layer.marker.opacity == 0
        assert figure.layout.hovermode == "x"
        np.testing.assert_allclose(layer.y, np.asarray(layer.x) ** 2, rtol=1e-12)
