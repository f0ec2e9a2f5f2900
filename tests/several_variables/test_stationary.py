"""The stationary-point search (`core.several_variables.stationary`) against closed
forms (Himmelblau's nine points, Rosenbrock's minimum) and SymPy's gradient and Hessian
at every point found."""

from __future__ import annotations

import numpy as np
import pytest

from core import parse_expression, parse_vector
from core.several_variables.second_derivative_test import hessian_report
from core.several_variables.stationary import (
    KINDS,
    MARGIN,
    MAX_STARTS,
    StationarySearch,
    stationary_points,
)
from tests.several_variables.sympy_oracle import kind_by_sympy, sympy_gradient, sympy_hessian

XY = ("x", "y")
HIMMELBLAU = parse_expression("(x^2 + y - 11)^2 + (x + y^2 - 7)^2", XY)
ROSENBROCK = parse_expression("(1 - x)^2 + 100(y - x^2)^2", XY)
# The published points, to 8 decimals (SymPy's gradient checks them below too).
HIMMELBLAU_MINIMA = [(3.0, 2.0), (-2.80511809, 3.13131252), (-3.77931025, -3.28318599),
                     (3.58442834, -1.84812653)]  # fmt: skip
HIMMELBLAU_MAXIMUM = (-0.27084459, -0.92303855)
HIMMELBLAU_SADDLES = [(0.08667750, 2.88425470), (-3.07302590, -0.08135304),
                      (3.38515418, 0.07385187), (-0.12796135, -1.95371498)]  # fmt: skip
BOX = (-5.0, 5.0)


def matching(found, expected, tolerance):
    """The found point closest to `expected`, asserted within `tolerance` of it."""
    closest = min(found, key=lambda p: np.linalg.norm(p.point - expected))
    np.testing.assert_allclose(closest.point, expected, atol=tolerance)
    return closest


# -- stationary_points: closed forms -------------------------------------------------------


@pytest.mark.parametrize("starts", [7, 10, 12])
def test_himmelblaus_nine_stationary_points(starts):
    search = stationary_points(HIMMELBLAU, BOX, BOX, starts=starts)
    kinds = [p.kind for p in search.points]
    assert kinds == ["minimum"] * 4 + ["maximum"] + ["saddle"] * 4
    for expected in HIMMELBLAU_MINIMA:
        found = matching(search.points[:4], expected, 1e-6)
        assert found.value == pytest.approx(0.0, abs=1e-12)
    maximum = matching(search.points[4:5], HIMMELBLAU_MAXIMUM, 1e-6)
    assert maximum.value == pytest.approx(181.6165215, abs=1e-6)
    for expected in HIMMELBLAU_SADDLES:
        matching(search.points[5:], expected, 1e-6)
    assert search.starts == starts**2
    assert search.diverged + sum(p.starts for p in search.points) == search.starts
    assert 1 <= search.iterations <= 40


def test_every_point_found_is_stationary_by_sympy_and_of_sympys_kind():
    search = stationary_points(HIMMELBLAU, BOX, BOX)
    for p in search.points:
        assert np.linalg.norm(sympy_gradient(HIMMELBLAU, p.point)) < 1e-8
        assert p.gradient_norm < 1e-8
        assert p.kind == kind_by_sympy(HIMMELBLAU, p.point)
        np.testing.assert_allclose(
            p.eigenvalues, np.linalg.eigvalsh(sympy_hessian(HIMMELBLAU, p.point)), rtol=1e-8
        )


def test_the_points_are_sorted_by_kind_then_value():
    f = parse_expression("sin(x)*cos(y)", XY)
    search = stationary_points(f, (-4, 4), (-4, 4), starts=9)
    keys = [(KINDS.index(p.kind), p.value) for p in search.points]
    assert keys == sorted(keys)
    assert {p.kind for p in search.points} == {"minimum", "maximum", "saddle"}
    for p in search.points:
        assert np.linalg.norm(sympy_gradient(f, p.point)) < 1e-8
        assert p.kind == kind_by_sympy(f, p.point)
        expected_value = {"minimum": -1.0, "maximum": 1.0, "saddle": 0.0}[p.kind]
        assert p.value == pytest.approx(expected_value, abs=1e-12)
        assert hessian_report(f, p.point).kind == p.kind
        assert np.all(np.abs(p.point) <= 4 + MARGIN * 8)  # the box and its margin


def test_the_paraboloid_has_one_minimum_that_every_start_finds():
    search = stationary_points(parse_expression("x^2 + y^2", XY), BOX, BOX)
    assert len(search.points) == 1
    (minimum,) = search.points
    assert minimum.kind == "minimum"
    np.testing.assert_allclose(minimum.point, [0, 0], atol=1e-12)
    assert (minimum.starts, search.diverged) == (49, 0)


def test_the_saddle_and_a_parameter():
    (saddle,) = stationary_points(parse_expression("x^2 - y^2", XY), BOX, BOX).points
    assert saddle.kind == "saddle"
    np.testing.assert_allclose(saddle.point, [0, 0], atol=1e-12)
    shifted = parse_expression("(x - a)^2 + (y - b)^2", XY)
    (minimum,) = stationary_points(shifted, BOX, BOX, params={"a": 2, "b": -1}).points
    np.testing.assert_allclose(minimum.point, [2, -1], atol=1e-10)


def test_rosenbrock_has_one_minimum_at_1_1():
    search = stationary_points(ROSENBROCK, (-2, 2), (-1, 3))
    assert len(search.points) == 1
    (minimum,) = search.points
    assert minimum.kind == "minimum"
    np.testing.assert_allclose(minimum.point, [1, 1], atol=1e-8)
    assert minimum.value == pytest.approx(0.0, abs=1e-14)


@pytest.mark.parametrize("text", ["x^4 + y^4", "x^3 - 3x*y^2"])
def test_a_degenerate_point_is_reported_as_degenerate_if_found(text):
    # Newton converges only linearly at a singular Hessian: whether it gets there in
    # max_iter is not asserted, only what it says about a point it does report.
    search = stationary_points(parse_expression(text, XY), BOX, BOX)
    for p in search.points:
        assert p.kind == "degenerate"
        assert np.linalg.norm(p.point) < 1e-3
    assert search.diverged + sum(p.starts for p in search.points) == search.starts


def test_no_stationary_points_for_a_plane():
    search = stationary_points(parse_expression("x + y", XY), BOX, BOX)
    assert search == StationarySearch([], 49, 49, search.iterations)
    assert search.iterations >= 1


def test_starts_where_f_is_undefined_are_lost_not_errors():
    # f = x − log x + y²: ∂f/∂x = 1 − 1/x, one minimum at (1, 0); log is undefined for x <= 0
    search = stationary_points(parse_expression("x - log(x) + y^2", XY), (-2, 3), (-2, 3))
    assert len(search.points) == 1
    (minimum,) = search.points
    assert minimum.kind == "minimum"
    np.testing.assert_allclose(minimum.point, [1, 0], atol=1e-10)
    assert minimum.value == pytest.approx(1.0, abs=1e-12)
    assert search.diverged >= 14  # at least the 3 columns of starts with x <= 0


def test_huge_values_lose_no_warnings():
    # |∇f| ~ 1e159 at the starts with |x| = 5: its square overflows, which must not warn
    # (pytest turns warnings into errors); the starts on x = 0 find the minimum
    search = stationary_points(parse_expression("exp(14.5x^2) + y^2", XY), BOX, BOX)
    assert [p.kind for p in search.points] == ["minimum"]
    np.testing.assert_allclose(search.points[0].point, [0, 0], atol=1e-12)


def test_points_outside_the_box_and_its_margin_are_not_kept():
    # the only stationary point, (10, 0), lies far outside [-1, 1]²
    search = stationary_points(parse_expression("(x - 10)^2 + y^2", XY), (-1, 1), (-1, 1))
    assert search.points == []
    assert search.diverged == search.starts


# -- validation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"x_range": (1, 1)}, "x_range must be two finite numbers with low < high"),
        ({"y_range": (0, float("nan"))}, "y_range must be two finite numbers"),
        ({"x_range": (1, 2, 3)}, "x_range must be two numbers"),
        ({"starts": 1}, "starts must be a whole number from 2"),
        ({"starts": MAX_STARTS + 1}, "starts must be a whole number"),
        ({"starts": 2.5}, "starts must be a whole number"),
        ({"max_iter": 0}, "max_iter must be a whole number from 1"),
        ({"params": {"q": 1}}, "q is not a parameter"),
    ],
)
def test_bad_arguments_are_one_sentence(kwargs, message):
    arguments = {"x_range": BOX, "y_range": BOX, **kwargs}
    with pytest.raises(ValueError, match=message):
        stationary_points(HIMMELBLAU, **arguments)


def test_the_search_needs_two_variables():
    with pytest.raises(ValueError, match="needs a function of two variables; f is a function of 3"):
        stationary_points(parse_expression("x + y + z", ("x", "y", "z")), BOX, BOX)
    with pytest.raises(ValueError, match="needs a scalar function"):
        stationary_points(parse_vector("[x, y]"), BOX, BOX)
