"""Implicit differentiation of a root (`core.root_derivative`) against the lecture's number,
SymPy's implicit derivative at mpmath's root, closed forms and finite differences of roots."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize

from core import parse_expression, root_derivative
from core.beyond_grad.implicit import RootDerivative

LECTURE = parse_expression("a*x^3 - x - 2")  # a is a free parameter
LECTURE_IN_TWO_VARIABLES = parse_expression("a*x^3 - x - 2", ("x", "a"))


def sympy_root_and_derivative(parsed, unknown, parameter, value, guess, others=None):
    """mpmath's root (30 digits) and SymPy's implicit derivative −F_a/F_x evaluated there."""
    x, a = parsed.symbols[unknown], parsed.symbols[parameter]
    fixed = {parsed.symbols[name]: v for name, v in (others or {}).items()}
    fixed.update({s: 1 for name, s in parsed.symbols.items()
                  if name not in (unknown, parameter) and s not in fixed})  # fmt: skip
    equation = parsed.sympy.subs(fixed)
    root = sympy.nsolve(equation.subs(a, value), x, guess, prec=30)
    slope = -sympy.diff(equation, a) / sympy.diff(equation, x)
    return float(root), float(slope.subs({x: root, a: value}).evalf(30))


def brentq_root(parsed, unknown, parameter, value, bracket):
    def residual(t):
        return float(parsed.numpy({unknown: t, parameter: value}))

    return optimize.brentq(residual, *bracket, xtol=1e-15, rtol=4 * np.finfo(float).eps)


# -- the lecture ---------------------------------------------------------------------------


@pytest.mark.parametrize("equation", [LECTURE, LECTURE_IN_TWO_VARIABLES])
def test_the_lecture_number(equation):
    root, slope = root_derivative(equation, "x", "a", 2.0, (1.0, 2.0))
    assert slope == pytest.approx(-0.22139914, abs=5e-8)  # the lecture prints 8 digits
    assert 2 * root**3 - root - 2 == pytest.approx(0.0, abs=1e-13)


@pytest.mark.parametrize("equation", [LECTURE, LECTURE_IN_TWO_VARIABLES])
def test_the_lecture_against_sympy(equation):
    want_root, want_slope = sympy_root_and_derivative(equation, "x", "a", 2.0, 1.5)
    result = root_derivative(equation, "x", "a", 2.0, (1.0, 2.0))
    assert isinstance(result, RootDerivative)
    assert isinstance(result.root, float)
    assert isinstance(result.derivative, float)
    assert result.root == pytest.approx(want_root, rel=1e-14)
    assert result.derivative == pytest.approx(want_slope, rel=1e-12)


def test_the_lecture_against_a_central_difference_of_roots():
    h = 1e-5
    plus = brentq_root(LECTURE, "x", "a", 2.0 + h, (1.0, 2.0))
    minus = brentq_root(LECTURE, "x", "a", 2.0 - h, (1.0, 2.0))
    _, slope = root_derivative(LECTURE, "x", "a", 2.0, (1.0, 2.0))
    assert slope == pytest.approx((plus - minus) / (2 * h), rel=1e-8)


@given(st.floats(0.25, 18.0))
@settings(max_examples=30, deadline=None)
def test_the_lecture_family_against_its_closed_form(a):
    # x^3 a = x + 2 at the root; differentiating in a: dx/da = −x^3 / (3 a x^2 − 1)
    root, slope = root_derivative(LECTURE, "x", "a", a, (0.5, 3.0))
    assert a * root**3 - root - 2 == pytest.approx(0.0, abs=1e-12)
    assert slope == pytest.approx(-(root**3) / (3 * a * root**2 - 1), rel=1e-12)


# -- other equations --------------------------------------------------------------------


@given(st.floats(0.01, 50.0))
@settings(max_examples=25, deadline=None)
def test_square_root_as_a_root(a):
    root, slope = root_derivative(parse_expression("x^2 - a"), "x", "a", a, (0.0, 10.0))
    assert root == pytest.approx(math.sqrt(a), rel=1e-12)
    assert slope == pytest.approx(1 / (2 * math.sqrt(a)), rel=1e-11)


@pytest.mark.parametrize(
    ("text", "variables", "unknown", "parameter", "value", "bracket", "others"),
    [
        ("cos(x) - a*x", ("x",), "x", "a", 0.7, (0.0, math.pi / 2), None),
        ("exp(-t*x) - x", ("x", "t"), "x", "t", 1.3, (0.0, 1.0), None),
        ("k*tanh(y) + y^3 - b", ("y",), "y", "k", 2.0, (-3.0, 3.0), {"b": 0.5}),
        ("log(u) + u - c*s", ("u", "s"), "u", "c", 0.8, (0.1, 5.0), {"s": 2.5}),
    ],
)
def test_typed_equations_against_sympy(text, variables, unknown, parameter, value, bracket,
                                       others):  # fmt: skip
    equation = parse_expression(text, variables)
    guess = sum(bracket) / 2
    want_root, want_slope = sympy_root_and_derivative(
        equation, unknown, parameter, value, guess, others
    )
    root, slope = root_derivative(equation, unknown, parameter, value, bracket, others)
    assert root == pytest.approx(want_root, rel=1e-13, abs=1e-14)
    assert slope == pytest.approx(want_slope, rel=1e-11)


def test_a_parameter_that_f_does_not_depend_on_moves_nothing():
    equation = parse_expression("x - 2", ("x", "a"))
    root, slope = root_derivative(equation, "x", "a", 5.0, (0.0, 3.0))
    assert root == pytest.approx(2.0, rel=1e-14)
    assert slope == 0.0


def test_other_parameters_default_to_one():
    equation = parse_expression("x^2 - a*b")
    assert root_derivative(equation, "x", "a", 4.0, (0.0, 5.0)) == pytest.approx((2.0, 0.25))
    root, _ = root_derivative(equation, "x", "a", 4.0, (0.0, 5.0), {"b": 4.0})
    assert root == pytest.approx(4.0)


def test_a_root_at_the_end_of_the_bracket():
    root, slope = root_derivative(parse_expression("x - a"), "x", "a", 1.0, (1.0, 2.0))
    assert (root, slope) == (1.0, 1.0)


# -- errors that tell the person what to do -------------------------------------------------


def test_a_bracket_without_a_sign_change():
    with pytest.raises(ValueError, match=r"same sign at both ends of the bracket \[2, 3\]"):
        root_derivative(LECTURE, "x", "a", 2.0, (2.0, 3.0))


def test_a_zero_partial_at_the_root():
    # x^3 - a + 1 at a = 1 has the triple root 0, at the bracket's end: ∂F/∂x = 0 there
    with pytest.raises(ValueError, match=r"∂F/∂x = 0 at the root x = 0.*simple root"):
        root_derivative(parse_expression("x^3 - a + 1"), "x", "a", 1.0, (0.0, 1.0))


@pytest.mark.parametrize("text", ["1/(x - a)", "sign(x - a)", "where(x < a, -1, 2)"])
def test_a_sign_change_without_a_root(text):
    with pytest.raises(ValueError, match="without passing through zero: it jumps or has a pole"):
        root_derivative(parse_expression(text), "x", "a", math.sqrt(2), (0.0, 3.0))


def test_f_undefined_in_the_bracket():
    with pytest.raises(ValueError, match=r"undefined at x = -1 \(a = 1\)"):
        root_derivative(parse_expression("log(x) - a"), "x", "a", 1.0, (-1.0, 5.0))
    with pytest.raises(ValueError, match="undefined at x = "):
        root_derivative(parse_expression("1/x - a"), "x", "a", 1.0, (0.0, 5.0))


@pytest.mark.parametrize(
    ("unknown", "parameter", "message"),
    [
        ("x", "b", r"parameter 'b' is not a name in F = a\*x\*\*3 - x - 2; its names are: x, a"),
        ("z", "a", "unknown 'z' is not a name"),
        ("x", "x", "must differ"),
    ],
)
def test_names_not_in_the_equation(unknown, parameter, message):
    with pytest.raises(ValueError, match=message):
        root_derivative(LECTURE, unknown, parameter, 2.0, (1.0, 2.0))


def test_an_equation_without_the_unknown():
    with pytest.raises(ValueError, match="does not depend on x"):
        root_derivative(parse_expression("a - 2", ("x", "a")), "x", "a", 2.0, (1.0, 2.0))


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"a": 3.0}, "a is the parameter"),
        ({"x": 3.0}, "x is the unknown"),
        ({"q": 3.0}, "q not in F"),
        ({"b": float("nan")}, "value of b must be finite"),
    ],
)
def test_bad_params(params, message):
    with pytest.raises(ValueError, match=message):
        root_derivative(parse_expression("x^2 - a*b"), "x", "a", 2.0, (0.0, 5.0), params)


@pytest.mark.parametrize(
    ("bracket", "message"),
    [
        ((2.0, 1.0), "low < high"),
        ((1.0, 1.0), "low < high"),
        ((1.0,), "two numbers"),
        (3.0, "two numbers"),
        ((1.0, math.inf), "high end must be finite"),
        (("one", 2.0), "low end must be a number"),
    ],
)
def test_bad_brackets(bracket, message):
    with pytest.raises(ValueError, match=message):
        root_derivative(LECTURE, "x", "a", 2.0, bracket)


def test_a_bad_value_or_equation():
    with pytest.raises(ValueError, match="value of a must be finite"):
        root_derivative(LECTURE, "x", "a", math.nan, (1.0, 2.0))
    with pytest.raises(TypeError, match="parse_expression"):
        root_derivative("a*x^3 - x - 2", "x", "a", 2.0, (1.0, 2.0))
