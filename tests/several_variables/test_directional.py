"""Directional derivatives, the slice along a direction and the tangent plane
(`core.several_variables.directional`) against closed forms, NumPy and each other."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from core import parse_expression
from core.several_variables.derivatives import value_and_gradient
from core.several_variables.directional import (
    direction_from_angle,
    directional_derivative,
    directional_slice,
    tangent_plane,
    warm_up,
)
from core.several_variables.fields import partials_at
from tests.several_variables.sympy_oracle import points, smooth_expressions

XY = ("x", "y")
SIN_COS = parse_expression("sin(x)*cos(y)", XY)
angles = st.floats(-360, 360)


# -- directional derivatives ------------------------------------------------------------


def test_directional_derivative_of_x2_plus_y():
    slope = directional_derivative(parse_expression("x^2 + y", XY), [2, 3], [3, 4])
    np.testing.assert_allclose(slope.unit, [0.6, 0.8], rtol=1e-15)
    assert slope.by_gradient == pytest.approx(3.2, abs=1e-12)
    assert slope.by_jvp == pytest.approx(3.2, abs=1e-12)
    assert slope.finite_difference == pytest.approx(3.2, abs=1e-6)


def test_the_direction_is_normalised_so_its_length_does_not_matter():
    short = directional_derivative(SIN_COS, [0.3, 0.7], [1, -2])
    long = directional_derivative(SIN_COS, [0.3, 0.7], [7, -14])
    assert np.linalg.norm(short.unit) == pytest.approx(1.0, rel=1e-15)
    np.testing.assert_allclose(long.unit, short.unit, rtol=1e-15)
    assert long.by_jvp == pytest.approx(short.by_jvp, rel=1e-14)


def test_direction_from_angle():
    np.testing.assert_allclose(direction_from_angle(0), [1, 0], atol=1e-15)
    np.testing.assert_allclose(direction_from_angle(90), [0, 1], atol=1e-15)
    np.testing.assert_allclose(direction_from_angle(-135), [-(0.5**0.5), -(0.5**0.5)], atol=1e-15)
    with pytest.raises(ValueError, match="finite"):
        direction_from_angle(float("nan"))


@given(angles, points)
@settings(max_examples=30, deadline=None)
def test_the_slope_along_an_angle_is_cos_times_fx_plus_sin_times_fy(degrees, point):
    x, y = point
    slope = directional_derivative(SIN_COS, point, direction_from_angle(degrees))
    theta = np.radians(degrees)
    want = np.cos(theta) * np.cos(x) * np.cos(y) - np.sin(theta) * np.sin(x) * np.sin(y)
    assert slope.by_gradient == pytest.approx(want, abs=1e-14)
    assert slope.by_jvp == pytest.approx(want, abs=1e-14)
    assert slope.finite_difference == pytest.approx(want, abs=1e-8)


def test_steepest_along_the_gradient_and_flat_across_it():
    f = parse_expression("x^2 + 3x*y", XY)
    p = np.array([1.0, 2.0])
    g = partials_at(f, p).ad  # (8, 3)
    assert directional_derivative(f, p, g).by_jvp == pytest.approx(np.hypot(*g), rel=1e-14)
    assert directional_derivative(f, p, [-g[1], g[0]]).by_jvp == pytest.approx(0.0, abs=1e-13)


@given(smooth_expressions(), points, angles)
@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_gradient_jvp_and_difference_agree(text, point, degrees):
    parsed = parse_expression(text, XY)
    value, gradient = value_and_gradient(parsed, point)
    # f and ∇f of moderate size, so that a central difference can be held to 1e-5
    assume(abs(value) < 1e4 and bool(np.all(np.abs(gradient) < 100)))
    slope = directional_derivative(parsed, point, direction_from_angle(degrees))
    scale = max(1.0, float(np.max(np.abs(gradient))))
    assert slope.by_jvp == pytest.approx(slope.by_gradient, rel=1e-12, abs=1e-12 * scale)
    assert slope.finite_difference == pytest.approx(slope.by_jvp, rel=1e-5, abs=1e-5 * scale)


def test_directional_derivative_in_three_variables():
    f = parse_expression("x^3 + 2y^2 - 3z + 1", ("x", "y", "z"))
    slope = directional_derivative(f, [1, 2, 3], [1, 1, 1])
    assert slope.by_jvp == pytest.approx((3 + 8 - 3) / np.sqrt(3), rel=1e-14)


@pytest.mark.parametrize(
    ("direction", "message"),
    [
        ([0, 0], "must not be the zero vector"),
        ([1, 2, 3], "2 finite numbers"),
        ([1, np.nan], "finite"),
    ],
)
def test_bad_directions(direction, message):
    with pytest.raises(ValueError, match=message):
        directional_derivative(SIN_COS, [0.1, 0.2], direction)


# -- the slice along u --------------------------------------------------------------------


def test_directional_slice_is_f_along_the_line():
    p, u = np.array([0.5, -0.25]), direction_from_angle(30)
    t, values = directional_slice(SIN_COS, p, u, 2.0, n=201)
    np.testing.assert_allclose(t, np.linspace(-2, 2, 201))
    line = p + t[:, None] * u
    np.testing.assert_allclose(values, np.sin(line[:, 0]) * np.cos(line[:, 1]), atol=1e-15)
    # its slope at t = 0 (a central difference on the grid, O(dt²)) is D_u f(p)
    slope = (values[101] - values[99]) / (t[101] - t[99])
    assert slope == pytest.approx(directional_derivative(SIN_COS, p, u).by_jvp, abs=1e-3)


def test_directional_slice_is_nan_outside_the_domain_and_checks_its_arguments():
    _, values = directional_slice(parse_expression("log(x) + y", XY), [0.5, 0], [1, 0], 1, n=5)
    assert np.isnan(values[:2]).all()  # x = -0.5 and 0
    assert np.isfinite(values[2:]).all()
    with pytest.raises(ValueError, match="half_width"):
        directional_slice(SIN_COS, [0, 0], [1, 0], 0)
    with pytest.raises(ValueError, match="zero vector"):
        directional_slice(SIN_COS, [0, 0], [0, 0], 1)


# -- tangent plane --------------------------------------------------------------------


def test_the_tangent_plane_touches_f_at_p_with_its_slope():
    f = parse_expression("sin(x)*cos(y) + x^2*y", XY)
    plane = tangent_plane(f, [0.5, -0.25], (-1, 1), (-1, 1), n=41)  # p is on the grid
    row, column = 15, 30
    assert (plane.xs[column], plane.ys[row]) == pytest.approx((0.5, -0.25), abs=1e-15)
    assert plane.plane[row, column] == pytest.approx(plane.value, abs=1e-15)
    assert plane.surface[row, column] == pytest.approx(plane.value, abs=1e-14)
    fx = np.cos(0.5) * np.cos(0.25) + 2 * 0.5 * -0.25
    fy = np.sin(0.5) * np.sin(0.25) + 0.25
    np.testing.assert_allclose(plane.gradient, [fx, fy], atol=1e-14)
    np.testing.assert_allclose(np.diff(plane.plane, axis=1) / np.diff(plane.xs), fx, rtol=1e-9)
    np.testing.assert_allclose(
        np.diff(plane.plane, axis=0) / np.diff(plane.ys)[:, None], fy, rtol=1e-9
    )


def test_surface_minus_plane_is_second_order_in_the_distance():
    f = parse_expression("sin(x)*cos(y) + x^2*y", XY)
    p = np.array([0.5, -0.25])
    radii = np.array([0.2, 0.1, 0.05, 0.025])
    gaps = []
    for r in radii:
        plane = tangent_plane(f, p, (p[0] - r, p[0] + r), (p[1] - r, p[1] + r), n=11)
        gaps.append(np.max(np.abs(plane.surface - plane.plane)))
    slope = np.polyfit(np.log(radii), np.log(gaps), 1)[0]
    assert abs(slope - 2) < 0.2


def test_tangent_plane_errors():
    with pytest.raises(ValueError, match=r"f is not defined at \(x, y\) = \(-1, 2\)"):
        tangent_plane(parse_expression("log(x) + y", XY), [-1, 2], (-2, 2), (-2, 2))
    with pytest.raises(ValueError, match="no tangent plane"):
        tangent_plane(parse_expression("sqrt(x^2 + y^2)", XY), [0, 0], (-1, 1), (-1, 1))
    with pytest.raises(ValueError, match="needs a function of x and y"):
        tangent_plane(parse_expression("x*y*z", ("x", "y", "z")), [0, 0, 0], (-1, 1), (-1, 1))


def test_warm_up_runs_every_function_of_the_language_inside_its_domain():
    warm_up(dimensions=(1, 2))  # directional_derivative would raise at an undefined point
