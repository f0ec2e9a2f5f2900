"""The gradient field and the partials at a point (`core.several_variables.fields`)
against closed forms, NumPy, SymPy and each other."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings

from core import parse_expression, parse_vector
from core.several_variables.directional import directional_derivative
from core.several_variables.fields import STEP_FACTOR, gradient_field, partials_at, warm_up
from tests.several_variables.sympy_oracle import (
    assert_close_where_moderate,
    points,
    smooth_expressions,
    sympy_gradient,
)

XY = ("x", "y")
SIN_COS = parse_expression("sin(x)*cos(y)", XY)


def _moderate(parsed, point) -> bool:
    """Whether central differences can be held to 1e-5 here: f and ∇f of moderate size
    (the difference's error is about ε|f|/h + h²|f'''|/6, with h ≈ 6e-6)."""
    partials = partials_at(parsed, point)
    return abs(partials.value) < 1e4 and bool(np.all(np.abs(partials.ad) < 100))


# -- gradient_field ----------------------------------------------------------------------


def test_the_grid_is_f_by_numpy_with_rows_along_y():
    field = gradient_field(SIN_COS, (-3, 2), (-1, 4), n=31, arrows=5)
    assert field.xs.shape == field.ys.shape == (31,)
    assert field.z.shape == (31, 31)
    np.testing.assert_allclose(field.xs, np.linspace(-3, 2, 31))
    np.testing.assert_allclose(field.ys, np.linspace(-1, 4, 31))
    x, y = np.meshgrid(field.xs, field.ys)
    np.testing.assert_allclose(field.z, np.sin(x) * np.cos(y), rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(field.z, SIN_COS.numpy({"x": x, "y": y}), rtol=1e-15)


def test_arrow_tails_are_the_centres_of_a_k_by_k_grid_of_cells():
    k = 4
    field = gradient_field(SIN_COS, (0, 8), (-2, 2), arrows=k)
    assert field.arrow_x.shape == field.arrow_y.shape == field.gx.shape == (k * k,)
    np.testing.assert_allclose(field.arrow_x[:k], [1, 3, 5, 7])  # entry i*k + j: x_j, y_i
    np.testing.assert_allclose(field.arrow_y[::k], [-1.5, -0.5, 0.5, 1.5])
    assert np.all(field.arrow_x[:k] == field.arrow_x[k : 2 * k])


def test_gradient_of_x2_plus_y_is_2x_and_1():
    field = gradient_field(parse_expression("x^2 + y", XY), (-2, 3), (-1, 1), arrows=7)
    np.testing.assert_allclose(field.gx, 2 * field.arrow_x, rtol=1e-14, atol=1e-14)
    np.testing.assert_allclose(field.gy, 1.0, rtol=1e-14)
    x, y = np.meshgrid(field.xs, field.ys)
    np.testing.assert_allclose(field.z, x**2 + y, rtol=1e-14, atol=1e-14)


def test_gradient_of_sin_x_cos_y_against_its_closed_form():
    field = gradient_field(SIN_COS, (-3, 3), (-3, 3), arrows=15)
    x, y = field.arrow_x, field.arrow_y
    np.testing.assert_allclose(field.gx, np.cos(x) * np.cos(y), atol=1e-14)
    np.testing.assert_allclose(field.gy, -np.sin(x) * np.sin(y), atol=1e-14)


def test_parameters_take_their_values_and_default_to_one():
    f = parse_expression("a*x^2 + b*y", XY)
    field = gradient_field(f, (-1, 1), (-1, 1), params={"a": 2.0, "b": 3.0}, arrows=3)
    np.testing.assert_allclose(field.gx, 4 * field.arrow_x, atol=1e-14)
    np.testing.assert_allclose(field.gy, 3.0)
    default = gradient_field(f, (-1, 1), (-1, 1), arrows=3)
    np.testing.assert_allclose(default.gx, 2 * default.arrow_x, atol=1e-14)


def test_a_constant_has_a_zero_gradient():
    field = gradient_field(parse_expression("5", XY), (-1, 1), (-1, 1), n=5, arrows=3)
    np.testing.assert_array_equal(field.z, np.full((5, 5), 5.0))
    np.testing.assert_array_equal(field.gx, np.zeros(9))
    np.testing.assert_array_equal(field.gy, np.zeros(9))


def test_nan_where_f_is_undefined():
    # d/dx log(x) = 1/x is finite at x < 0, but f is not defined there: no arrow either.
    field = gradient_field(parse_expression("log(x) + y", XY), (-1, 1), (0, 2), n=21, arrows=4)
    left = field.xs <= 0
    assert np.isnan(field.z[:, left]).all()
    assert np.isfinite(field.z[:, ~left]).all()
    inside = field.arrow_x > 0
    assert np.isnan(field.gx[~inside]).all()
    assert np.isnan(field.gy[~inside]).all()
    np.testing.assert_allclose(field.gx[inside], 1 / field.arrow_x[inside], rtol=1e-14)
    np.testing.assert_allclose(field.gy[inside], 1.0)


@given(smooth_expressions())
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_gradient_field_against_sympy(text):
    parsed = parse_expression(text, XY)
    field = gradient_field(parsed, (-1.5, 1.5), (-1, 1.2), n=5, arrows=2)
    want = np.array(
        [sympy_gradient(parsed, p) for p in zip(field.arrow_x, field.arrow_y, strict=True)]
    )
    assert_close_where_moderate(np.stack([field.gx, field.gy], axis=1), want, rtol=1e-9, label=text)


@pytest.mark.parametrize(
    ("parsed", "message"),
    [
        (parse_expression("x^2", ("x",)), "needs a function of x and y"),
        (parse_expression("x + y + z", ("x", "y", "z")), "needs a function of x and y"),
        (parse_vector("[x, y]"), "scalar function"),
    ],
)
def test_gradient_field_needs_a_scalar_function_of_two_variables(parsed, message):
    with pytest.raises(ValueError, match=message):
        gradient_field(parsed, (-1, 1), (-1, 1))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"arrows": 1}, "arrows"),
        ({"arrows": 2.5}, "arrows"),
        ({"n": 1}, "n must"),
        ({"x_range": (1, 1)}, "x_range"),
        ({"y_range": (0, np.inf)}, "y_range"),
    ],
)
def test_gradient_field_rejects_bad_grids(kwargs, message):
    arguments = {"x_range": (-1, 1), "y_range": (-1, 1), **kwargs}
    with pytest.raises(ValueError, match=message):
        gradient_field(SIN_COS, **arguments)


# -- partials_at ------------------------------------------------------------------------


def test_partials_of_x2_plus_y_at_2_3():
    partials = partials_at(parse_expression("x^2 + y", XY), [2, 3])
    assert partials.value == pytest.approx(7.0, abs=1e-12)
    np.testing.assert_allclose(partials.ad, [4.0, 1.0], atol=1e-12)
    np.testing.assert_allclose(partials.finite_differences, [4.0, 1.0], atol=1e-6)


def test_partials_in_three_variables():
    f = parse_expression("x^3 + 2y^2 - 3z + 1", ("x", "y", "z"))
    partials = partials_at(f, (1, 2, 3))
    assert partials.value == pytest.approx(1.0, abs=1e-12)
    np.testing.assert_allclose(partials.ad, [3.0, 8.0, -3.0], atol=1e-12)
    np.testing.assert_allclose(partials.finite_differences, [3.0, 8.0, -3.0], atol=1e-6)


def test_one_variable_works_too():
    partials = partials_at(parse_expression("sin(x)"), 0.5)
    np.testing.assert_allclose(partials.ad, [np.cos(0.5)], rtol=1e-15)
    np.testing.assert_allclose(partials.finite_differences, [np.cos(0.5)], rtol=1e-8)


def test_steps_are_cube_root_of_epsilon_scaled_and_exact():
    p = np.array([0.25, -3.0, 1e4])
    partials = partials_at(parse_expression("x*y + z", ("x", "y", "z")), p)
    np.testing.assert_allclose(
        partials.steps, np.cbrt(np.finfo(float).eps) * np.array([1.0, 3.0, 1e4]), rtol=1e-9
    )
    np.testing.assert_allclose(STEP_FACTOR, 6.055e-6, rtol=1e-3)
    np.testing.assert_array_equal((p + partials.steps) - p, partials.steps)


@given(smooth_expressions(), points)
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_central_differences_agree_with_ad_for_smooth_functions(text, point):
    parsed = parse_expression(text, XY)
    assume(_moderate(parsed, point))
    partials = partials_at(parsed, point)
    scale = max(1.0, float(np.max(np.abs(partials.ad))))
    np.testing.assert_allclose(
        partials.finite_differences, partials.ad, rtol=1e-5, atol=1e-5 * scale, err_msg=text
    )


@pytest.mark.parametrize(
    ("text", "variables", "point", "where"),
    [
        ("log(x) + y", XY, (-1, 2), "(x, y) = (-1, 2)"),
        ("1/(x*y)", XY, (0, 2), "(x, y) = (0, 2)"),
        ("sqrt(z) + x + y", ("x", "y", "z"), (1, 2.5, -3), "(x, y, z) = (1, 2.5, -3)"),
        ("log(x)", ("x",), -1, "x = -1"),
    ],
)
def test_an_undefined_point_is_a_sentence_naming_it(text, variables, point, where):
    parsed = parse_expression(text, variables)
    for compute in (
        partials_at,
        lambda f, p: directional_derivative(f, p, np.ones(len(f.variables))),
    ):
        with pytest.raises(ValueError, match="f is not defined at") as error:
            compute(parsed, point)
        assert where in str(error.value)
        assert str(error.value).count(". ") == 0  # one sentence


def test_a_point_of_the_wrong_length_is_an_error():
    with pytest.raises(ValueError, match="needs 2 numbers"):
        partials_at(SIN_COS, [1, 2, 3])


def test_warm_up_runs_every_function_of_the_language_inside_its_domain():
    warm_up(arrows=3, dimensions=(1, 2))  # partials_at would raise at an undefined point
