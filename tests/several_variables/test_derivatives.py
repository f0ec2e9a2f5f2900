"""Gradient, Jacobian, Hessian, JVP and VJP (`core.several_variables`) against closed forms,
the lectures' numbers, SymPy, central differences, and each other."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from core import (
    gradient,
    hessian,
    jacobian,
    jvp,
    parse_expression,
    parse_vector,
    vjp,
)
from core.several_variables.derivatives import value_and_gradient
from core.several_variables.point_function import as_jax_function
from tests.several_variables.sympy_oracle import (
    assert_close_where_moderate,
    points,
    smooth_expressions,
    sympy_gradient,
    sympy_hessian,
    sympy_jacobian,
    sympy_values,
    well_conditioned,
)

XY = ("x", "y")
LECTURE = parse_vector("[x1^2 + x2^2, x1*x2]", ("x1", "x2"))
PYCSE = parse_vector("[x^2*y, 5x + sin(y)]")
ROSENBROCK = parse_expression("(1 - x)^2 + 100(y - x^2)^2", XY)
plane_points = st.tuples(st.floats(-3, 3), st.floats(-3, 3))


# -- the lectures' numbers -----------------------------------------------------------------


def test_value_and_gradient_of_x2_plus_y():
    f = parse_expression("x^2 + y", XY)
    result = value_and_gradient(f, [2.0, 3.0])
    assert result.value == pytest.approx(7.0, abs=1e-12)
    np.testing.assert_allclose(result.gradient, [4.0, 1.0], atol=1e-12)
    np.testing.assert_allclose(gradient(f, (2, 3)), [4.0, 1.0], atol=1e-12)


@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_the_pycse_jacobian(mode):
    J = jacobian(PYCSE, [0.5, 0.5], mode=mode)
    assert J.shape == (2, 2)
    assert J.dtype == np.float64
    np.testing.assert_allclose(J, [[0.5, 0.25], [5.0, 0.87758256]], atol=5e-9)
    np.testing.assert_allclose(J[1, 1], np.cos(0.5), rtol=1e-14)


@given(plane_points)
@settings(max_examples=25, deadline=None)
def test_the_lectures_jvp_and_vjp_along_e1(point):
    x1, x2 = point
    value, pushed = jvp(LECTURE, point, [1.0, 0.0])
    np.testing.assert_allclose(value, [x1**2 + x2**2, x1 * x2], rtol=1e-14, atol=1e-14)
    np.testing.assert_allclose(pushed, [2 * x1, x2], rtol=1e-14, atol=1e-14)
    value, pulled = vjp(LECTURE, point, [1.0, 0.0])
    np.testing.assert_allclose(value, [x1**2 + x2**2, x1 * x2], rtol=1e-14, atol=1e-14)
    np.testing.assert_allclose(pulled, [2 * x1, 2 * x2], rtol=1e-14, atol=1e-14)


@given(plane_points)
@settings(max_examples=15, deadline=None)
def test_hessian_of_the_paraboloid_is_twice_the_identity(point):
    np.testing.assert_allclose(
        hessian(parse_expression("x^2 + y^2", XY), point), 2 * np.eye(2), atol=1e-13
    )


def test_hessian_of_rosenbrock_at_its_minimum():
    np.testing.assert_allclose(
        hessian(ROSENBROCK, [1.0, 1.0]), [[802.0, -400.0], [-400.0, 200.0]], rtol=1e-13
    )
    np.testing.assert_allclose(gradient(ROSENBROCK, [1.0, 1.0]), [0.0, 0.0], atol=1e-13)


@given(plane_points)
@settings(max_examples=15, deadline=None)
def test_hessian_of_rosenbrock_matches_its_closed_form(point):
    x, y = point
    want = [[2 - 400 * (y - x**2) + 800 * x**2, -400 * x], [-400 * x, 200.0]]
    np.testing.assert_allclose(hessian(ROSENBROCK, point), want, rtol=1e-12, atol=1e-9)


def test_three_variables_as_in_the_pytorch_lecture():
    f = parse_expression("x^3 + 2y^2 - 3z + 1", ("x", "y", "z"))
    np.testing.assert_allclose(gradient(f, [1.0, 2.0, 3.0]), [3.0, 8.0, -3.0], atol=1e-12)
    assert hessian(f, [1.0, 2.0, 3.0]).shape == (3, 3)


def test_polar_map_jacobian_determinant_is_rho():
    polar = parse_vector("[r*cos(t), r*sin(t)]", ("r", "t"))
    for rho, theta in [(0.5, 0.3), (2.0, -2.0), (1.0, np.pi)]:
        J = jacobian(polar, [rho, theta])
        np.testing.assert_allclose(np.linalg.det(J), rho, rtol=1e-13)


# -- SymPy as the independent truth --------------------------------------------------------


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(smooth_expressions(), points)
def test_gradient_and_hessian_match_sympy(text, point):
    f = parse_expression(text, XY)
    assume(well_conditioned(f, point))
    assert_close_where_moderate(gradient(f, point), sympy_gradient(f, point), 1e-9, text)
    assert_close_where_moderate(hessian(f, point), sympy_hessian(f, point), 1e-9, text)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(smooth_expressions(), min_size=1, max_size=4), points)
def test_jacobian_both_modes_match_sympy_and_each_other(texts, point):
    f = parse_vector(", ".join(texts))
    assume(all(well_conditioned(component, point) for component in f.components))
    forward = jacobian(f, point, mode="forward")
    reverse = jacobian(f, point, mode="reverse")
    assert forward.shape == reverse.shape == (len(texts), 2)
    assert_close_where_moderate(forward, reverse, 1e-12, f.text)
    assert_close_where_moderate(forward, sympy_jacobian(f, point), 1e-9, f.text)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(smooth_expressions(), min_size=1, max_size=4),
    points,
    st.tuples(st.floats(-2, 2), st.floats(-2, 2)),
    st.lists(st.floats(-2, 2), min_size=4, max_size=4),
)
def test_jvp_is_j_times_v_and_vjp_is_u_times_j(texts, point, tangent, cotangent):
    f = parse_vector(", ".join(texts))
    u = np.array(cotangent[: len(texts)])
    J = jacobian(f, point)
    value, pushed = jvp(f, point, tangent)
    value_again, pulled = vjp(f, point, u)
    assert_close_where_moderate(value, sympy_values(f, point), 1e-12, f.text)
    np.testing.assert_allclose(value_again, value, rtol=1e-14, atol=1e-300)
    assert_close_where_moderate(pushed, J @ np.array(tangent), 1e-11, f.text)
    assert_close_where_moderate(pulled, u @ J, 1e-11, f.text)


@pytest.mark.parametrize(
    ("texts", "point"),
    [
        (["exp(x)*cos(y)", "log(x^2 + y^2)", "atan(y/x)"], [1.3, -0.7]),
        (["x^y", "sqrt(x*y)", "tan(x - y)"], [1.2, 0.4]),
    ],
)
def test_jacobian_matches_central_differences(texts, point):
    f = parse_vector(", ".join(texts))
    h = 1e-6
    columns = []
    for j in range(2):
        step = np.eye(2)[j] * h
        plus = [c.numpy(dict(zip(XY, np.add(point, step), strict=True))) for c in f.components]
        minus = [
            c.numpy(dict(zip(XY, np.subtract(point, step), strict=True))) for c in f.components
        ]
        columns.append((np.array(plus) - np.array(minus)) / (2 * h))
    np.testing.assert_allclose(jacobian(f, point), np.stack(columns, axis=1), rtol=1e-7)


# -- shapes, scalars, parameters, non-finite values ---------------------------------------------


def test_a_scalar_expression_is_a_one_row_jacobian():
    f = parse_expression("x*y + sin(x)", XY)
    for mode in ("forward", "reverse"):
        J = jacobian(f, [0.4, 2.0], mode=mode)
        assert J.shape == (1, 2)
        np.testing.assert_allclose(J[0], gradient(f, [0.4, 2.0]), rtol=1e-14)
    value, pushed = jvp(f, [0.4, 2.0], [0.0, 1.0])
    assert value.shape == pushed.shape == (1,)
    np.testing.assert_allclose(pushed, [0.4], rtol=1e-14)


def test_one_variable_accepts_a_plain_number():
    f = parse_expression("x^3")
    np.testing.assert_allclose(gradient(f, 2.0), [12.0], rtol=1e-14)
    np.testing.assert_allclose(hessian(f, [2.0]), [[12.0]], rtol=1e-14)


def test_inputs_of_any_numeric_type_give_float64():
    f = parse_expression("x^2*y", XY)
    for point in ([1, 2], (1.0, 2.0), np.array([1, 2], dtype=np.float32), np.array([1, 2])):
        for result in (gradient(f, point), hessian(f, point), jacobian(f, point)):
            assert result.dtype == np.float64
        np.testing.assert_allclose(gradient(f, point), [4.0, 1.0], rtol=1e-14)


def test_float64_is_used_throughout():
    # 1 + 1e-10 is 1 in float32: a float32 computation would give the gradient 0
    f = parse_expression("(x - 1)^2", XY)
    np.testing.assert_allclose(gradient(f, [1.0 + 1e-10, 0.0]), [2e-10, 0.0], rtol=1e-5)


def test_constant_components_have_zero_derivatives():
    f = parse_vector("[5, a, x]")
    np.testing.assert_allclose(jacobian(f, [1.0, 2.0]), [[0, 0], [0, 0], [1, 0]], atol=0)
    np.testing.assert_allclose(hessian(parse_expression("7", XY), [1.0, 2.0]), np.zeros((2, 2)))


def test_parameters_default_to_one_and_can_be_set():
    f = parse_vector("[a*x + b*y, a*b]")
    np.testing.assert_allclose(jacobian(f, [0.0, 0.0]), [[1, 1], [0, 0]], atol=0)
    np.testing.assert_allclose(jacobian(f, [0.0, 0.0], params={"a": 3.0, "b": -2.0}),
                               [[3, -2], [0, 0]], atol=0)  # fmt: skip
    value, _ = jvp(f, [1.0, 1.0], [1.0, 0.0], params={"a": 2.0})
    np.testing.assert_allclose(value, [3.0, 2.0], atol=1e-14)
    g = parse_expression("k*x^2*y", XY)
    np.testing.assert_allclose(hessian(g, [1.0, 1.0], {"k": 0.5}), [[1, 1], [1, 0]], atol=1e-14)


def test_undefined_derivatives_are_inf_or_nan_not_errors():
    f = parse_expression("sqrt(x) + y", XY)
    grad = gradient(f, [0.0, 1.0])
    assert np.isinf(grad[0])
    assert grad[1] == pytest.approx(1.0)
    assert not np.isfinite(hessian(f, [0.0, 1.0])[0, 0])
    value, _ = jvp(parse_vector("[log(x), y]"), [-1.0, 1.0], [1.0, 0.0])
    assert np.isnan(value[0])


def test_as_jax_function_is_a_function_of_the_point():
    import jax
    import jax.numpy as jnp

    F = as_jax_function(PYCSE)
    p = jnp.array([0.5, 0.5])
    np.testing.assert_allclose(F(p), [0.125, 2.5 + np.sin(0.5)], rtol=1e-15)
    np.testing.assert_allclose(jax.jit(jax.jacrev(F))(p), jacobian(PYCSE, p), rtol=1e-14)


# -- errors that tell the person what to do -------------------------------------------------


def test_a_vector_where_a_scalar_is_needed():
    for function in (gradient, hessian):
        with pytest.raises(
            ValueError,
            match=r"needs a scalar function, but .* is a vector function of 2 components",
        ):
            function(PYCSE, [1.0, 2.0])


def test_something_that_is_not_a_parsed_function():
    with pytest.raises(TypeError, match="parse_expression or parse_vector"):
        jacobian("x^2 + y", [1.0, 2.0])


@pytest.mark.parametrize(
    ("point", "message"),
    [
        ([1.0], r"needs 2 numbers \(f is a function of 2 variables \(x, y\)\); got shape \(1,\)"),
        ([1.0, 2.0, 3.0], "needs 2 numbers"),
        (1.0, "got a single number"),
        ([[1.0, 2.0]], r"shape \(1, 2\)"),
        (["a", "b"], "must be numbers"),
        ([1.0, np.nan], "must be finite"),
        ([np.inf, 0.0], "must be finite"),
    ],
)
def test_a_bad_point(point, message):
    f = parse_expression("x*y", XY)
    for call in (lambda: gradient(f, point), lambda: hessian(f, point),
                 lambda: jacobian(f, point), lambda: jvp(f, point, [1.0, 0.0])):  # fmt: skip
        with pytest.raises(ValueError, match=message):
            call()


def test_a_bad_tangent_or_cotangent():
    with pytest.raises(ValueError, match=r"tangent needs 2 numbers"):
        jvp(PYCSE, [1.0, 2.0], [1.0, 0.0, 0.0])
    with pytest.raises(ValueError, match=r"cotangent needs 2 numbers \(f has 2 components\)"):
        vjp(PYCSE, [1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="cotangent must be finite"):
        vjp(PYCSE, [1.0, 2.0], [1.0, np.nan])


def test_an_unknown_mode():
    with pytest.raises(ValueError, match=r"'forward' \(jax.jacfwd\) or 'reverse'"):
        jacobian(PYCSE, [1.0, 2.0], mode="backward")


def test_an_unknown_parameter():
    with pytest.raises(ValueError, match=r"b is not a parameter.*its parameters are: a"):
        gradient(parse_expression("a*x + y", XY), [1.0, 2.0], {"b": 2.0})
    with pytest.raises(ValueError, match="its parameters are: none"):
        jacobian(PYCSE, [1.0, 2.0], params={"a": 2.0})
