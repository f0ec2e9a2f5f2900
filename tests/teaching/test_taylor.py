"""Taylor polynomials (`core.taylor_polynomial`) against closed-form series, exact polynomial
re-expansion, SymPy's derivatives and Lagrange's remainder bound."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import ExpressionError, parse_expression, taylor_polynomial
from core.teaching.taylor import MAX_DEGREE, taylor_values

FACTORIALS = np.array([math.factorial(k) for k in range(MAX_DEGREE + 1)], dtype=np.float64)


@pytest.mark.parametrize("degree", [0, 1, 5, 10, MAX_DEGREE])
def test_exp_at_zero_is_one_over_k_factorial(degree):
    coefficients = taylor_polynomial(parse_expression("exp(x)"), 0.0, degree)
    assert coefficients.shape == (degree + 1,)
    assert coefficients.dtype == np.float64
    np.testing.assert_allclose(coefficients, 1 / FACTORIALS[: degree + 1], rtol=1e-13)


@given(st.floats(-3.0, 3.0))
@settings(max_examples=20, deadline=None)
def test_exp_anywhere_is_exp_x0_over_k_factorial(x0):
    coefficients = taylor_polynomial(parse_expression("e^x"), x0, 10)
    np.testing.assert_allclose(coefficients, math.exp(x0) / FACTORIALS[:11], rtol=1e-13)


def test_sin_and_cos_at_zero():
    k = np.arange(12)
    sine = np.where(k % 2 == 1, (-1.0) ** ((k - 1) // 2), 0.0) / FACTORIALS[:12]
    cosine = np.where(k % 2 == 0, (-1.0) ** (k // 2), 0.0) / FACTORIALS[:12]
    np.testing.assert_allclose(taylor_polynomial(parse_expression("sin(x)"), 0, 11), sine,
                               rtol=1e-13, atol=1e-16)  # fmt: skip
    np.testing.assert_allclose(taylor_polynomial(parse_expression("cos(x)"), 0, 11), cosine,
                               rtol=1e-13, atol=1e-16)  # fmt: skip


def test_log_and_geometric_series_at_zero():
    k = np.arange(1, 11)
    log_series = taylor_polynomial(parse_expression("log(1 + x)"), 0.0, 10)
    np.testing.assert_allclose(log_series[1:], (-1.0) ** (k + 1) / k, rtol=1e-13)
    assert log_series[0] == pytest.approx(0.0, abs=1e-16)
    np.testing.assert_allclose(taylor_polynomial(parse_expression("1/(1 - x)"), 0.0, 10),
                               np.ones(11), rtol=1e-13)  # fmt: skip


def test_a_polynomial_is_its_own_taylor_polynomial():
    # pyprobml's x^3 + 2x^2 - 3x + 1: f, f', f'', f''' at 1 are 1, 4, 10, 6
    coefficients = taylor_polynomial(parse_expression("x^3 + 2x^2 - 3x + 1"), 1.0, 6)
    np.testing.assert_allclose(coefficients, [1.0, 4.0, 5.0, 1.0, 0.0, 0.0, 0.0], atol=1e-13)
    np.testing.assert_allclose(taylor_polynomial(parse_expression("x^3 + 2x^2 - 3x + 1"), 0.0, 3),
                               [1.0, -3.0, 2.0, 1.0], atol=1e-13)  # fmt: skip


@given(
    st.lists(st.integers(-9, 9), min_size=1, max_size=7),
    st.fractions(-3, 3, max_denominator=8),
)
@settings(max_examples=40, deadline=None)
def test_polynomials_re_expand_exactly(integer_coefficients, centre):
    # Exact truth: the coefficients of p(t + x0) in t, in rational arithmetic.
    x = sympy.Symbol("x", real=True)
    t = sympy.Symbol("t")
    polynomial = sum(c * x**k for k, c in enumerate(integer_coefficients))
    text = " + ".join(f"({c})*x^{k}" for k, c in enumerate(integer_coefficients))
    x0 = sympy.Rational(centre.numerator, centre.denominator)
    shifted = sympy.Poly(sympy.expand(polynomial.subs(x, t + x0)), t)
    degree = len(integer_coefficients) - 1
    want = [float(shifted.coeff_monomial(t**k)) for k in range(degree + 2)]
    got = taylor_polynomial(parse_expression(text), float(Fraction(centre)), degree + 1)
    scale = max(1.0, max(abs(w) for w in want))
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-13 * scale)


_SMOOTH = ("sin", "cos", "atan", "exp", "tanh", "sinh")


def _smooth_expressions():
    leaves = st.sampled_from(["x", "x", "2", "0.5", "pi"])

    def extend(children):
        unary = st.builds(lambda f, a: f"{f}({a})", st.sampled_from(_SMOOTH), children)
        positive = st.builds(lambda f, a: f"{f}(1 + ({a})^2)", st.sampled_from(("log", "sqrt")),
                             children)  # fmt: skip
        binary = st.builds(lambda a, op, b: f"({a}){op}({b})", children, st.sampled_from("+-*"),
                           children)  # fmt: skip
        quotient = st.builds(lambda a, b: f"({a})/(2 + cos({b}))", children, children)
        return unary | positive | binary | quotient

    return st.recursive(leaves, extend, max_leaves=4)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_smooth_expressions(), st.floats(-1.5, 1.5))
def test_coefficients_match_sympy_derivatives(text, x0):
    parsed = parse_expression(text)
    (x,) = (parsed.symbols[name] for name in parsed.variables)
    degree = 5
    want, derivative = [], parsed.sympy
    for k in range(degree + 1):
        want.append(float(derivative.subs(x, x0).evalf(30)) / math.factorial(k))
        derivative = sympy.diff(derivative, x)
    want = np.array(want)
    got = taylor_polynomial(parsed, x0, degree)
    mask = np.abs(want) < 1e8
    scale = max(1.0, float(np.max(np.abs(want[mask]), initial=0.0)))
    np.testing.assert_allclose(got[mask], want[mask], rtol=1e-9, atol=1e-10 * scale, err_msg=text)


@pytest.mark.parametrize("degree", [1, 3, 6, 10])
def test_lagrange_remainder_bounds_the_error_of_exp(degree):
    # |e^x − T_n(x)| <= e^max(0, x) |x|^(n+1) / (n+1)! for the expansion at 0
    xs = np.linspace(-1.0, 1.0, 41)
    coefficients = taylor_polynomial(parse_expression("exp(x)"), 0.0, degree)
    error = np.abs(np.exp(xs) - taylor_values(coefficients, 0.0, xs))
    bound = np.exp(np.maximum(xs, 0.0)) * np.abs(xs) ** (degree + 1) / math.factorial(degree + 1)
    assert np.all(error <= bound * (1 + 1e-9) + 1e-15)


def test_taylor_values_is_the_polynomial():
    coefficients = [2.0, -1.0, 0.5, 3.0]
    xs = np.linspace(-2, 3, 11)
    want = sum(c * (xs - 1.5) ** k for k, c in enumerate(coefficients))
    np.testing.assert_allclose(taylor_values(coefficients, 1.5, xs), want, rtol=1e-13)
    with pytest.raises(ValueError, match="non-empty 1-D"):
        taylor_values([], 0.0, xs)


def test_parameters_default_to_one_and_can_be_set():
    parsed = parse_expression("a*x^2 + b")
    np.testing.assert_allclose(taylor_polynomial(parsed, 2.0, 2), [5.0, 4.0, 1.0], atol=1e-13)
    np.testing.assert_allclose(taylor_polynomial(parsed, 2.0, 2, {"a": 3.0, "b": -1.0}),
                               [11.0, 12.0, 3.0], atol=1e-13)  # fmt: skip
    with pytest.raises(ValueError, match="c is not a parameter"):
        taylor_polynomial(parsed, 2.0, 2, {"c": 1.0})


def test_degree_zero_and_a_constant():
    assert taylor_polynomial(parse_expression("cos(x)"), 0.0, 0).tolist() == pytest.approx([1.0])
    np.testing.assert_allclose(taylor_polynomial(parse_expression("5"), 3.0, 3), [5, 0, 0, 0])


def test_undefined_derivatives_are_not_errors():
    coefficients = taylor_polynomial(parse_expression("sqrt(x)"), 0.0, 3)
    assert coefficients[0] == 0.0
    assert not np.isfinite(coefficients[1:]).any()


@pytest.mark.parametrize(
    ("degree", "message"),
    [(-1, "between 0 and 16"), (MAX_DEGREE + 1, "between 0 and 16"), (2.5, "whole number"),
     (True, "whole number"), ("3", "whole number")],
)  # fmt: skip
def test_a_bad_degree(degree, message):
    with pytest.raises(ValueError, match=message):
        taylor_polynomial(parse_expression("exp(x)"), 0.0, degree)


def test_numpy_integer_degree_is_accepted():
    assert taylor_polynomial(parse_expression("exp(x)"), 0.0, np.int64(3)).shape == (4,)


@pytest.mark.parametrize(("x0", "message"), [(math.inf, "finite"), (math.nan, "finite"),
                                             ("zero", "must be a number")])  # fmt: skip
def test_a_bad_centre(x0, message):
    with pytest.raises(ValueError, match=message):
        taylor_polynomial(parse_expression("exp(x)"), x0, 3)


def test_several_variables_or_not_an_expression():
    with pytest.raises(ValueError, match="one variable; x\\*y is a function of x, y"):
        taylor_polynomial(parse_expression("x*y", ("x", "y")), 0.0, 3)
    with pytest.raises(TypeError, match="parse_expression"):
        taylor_polynomial("exp(x)", 0.0, 3)
    assert issubclass(ExpressionError, ValueError)
