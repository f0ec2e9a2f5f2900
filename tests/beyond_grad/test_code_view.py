"""The code behind the Beyond grad page runs on its own and computes the lecture's numbers.

Each snippet is executed in a fresh namespace and the variables it computes are checked
against the lecture's printouts (float32 to its 8 printed digits) and against closed
forms: sin and cos, σ, −δ s_prev, −x³/(3ax² − 1) at the root, −A⁻¹ dA A⁻¹, XᵀSX.
"""

from __future__ import annotations

import ast
import contextlib
import io
import math

import numpy as np
import pytest
import sympy
from scipy import special

from core.beyond_grad.code_typed import implicit_code, swell_code
from core.beyond_grad.code_view import (
    LARGE_X,
    custom_jvp_code,
    has_aux_code,
    inverse_code,
    per_example_code,
    softplus_code,
    stop_gradient_code,
    straight_through_code,
)
from core.language.expression import parse_expression

RTOL = 1e-9
THETA, S_PREV, REWARD, S = (0.1, -0.1, 0.0), (1.0, 2.0, -1.0), 1.0, (2.0, 1.0, 0.0)


def _run(code: str) -> dict:
    # Test only: the snippet is our own text, generated from known arguments (and from the
    # validated tree of a known test expression); running it is the point of the test.
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code, "<snippet>", "exec"), namespace)
    return namespace


def _array(value) -> np.ndarray:
    return np.asarray(value, dtype=np.float64)


# -- custom_jvp ----------------------------------------------------------------------------


def test_custom_jvp_prints_the_lectures_float32_numbers():
    result = _run(custom_jvp_code(2, 3, (1, 0)))
    assert str(result["value32"].dtype) == "float32"
    assert str(result["tangent32"].dtype) == "float32"
    assert f"{float(result['value32']):.8g}" == "2.7278922"
    assert f"{float(result['tangent32']):.8g}" == "-1.2484405"
    assert float(result["value"]) == pytest.approx(3 * math.sin(2), rel=RTOL)
    assert float(result["tangent"]) == pytest.approx(3 * math.cos(2), rel=RTOL)


@pytest.mark.parametrize(("x", "y", "direction"), [(0.7, -1.5, (0.3, 2.0)), (-2.0, 0.5, (0, 1))])
def test_custom_jvp_follows_its_rule(x, y, direction):
    result = _run(custom_jvp_code(x, y, direction))
    dx, dy = direction
    assert float(result["value"]) == pytest.approx(math.sin(x) * y, rel=RTOL)
    want = math.cos(x) * dx * y + math.sin(x) * dy
    assert float(result["tangent"]) == pytest.approx(want, rel=RTOL, abs=1e-15)
    assert float(result["tangent32"]) == pytest.approx(want, rel=1e-6, abs=1e-6)
    by_x, by_y = result["jax"].grad(result["f"], argnums=(0, 1))(*result["point"])
    assert float(by_x) == pytest.approx(math.cos(x) * y, rel=RTOL)
    assert float(by_y) == pytest.approx(math.sin(x), rel=RTOL)


# -- softplus ------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_softplus_naive_gradient_is_nan_and_the_rule_gives_one(dtype):
    result = _run(softplus_code(dtype))
    assert str(result["x"].dtype) == dtype
    assert float(result["x"]) == LARGE_X[dtype]
    assert math.isnan(float(result["naive_gradient"]))
    assert float(result["custom_gradient"]) == 1.0
    assert float(result["custom_value"]) == pytest.approx(LARGE_X[dtype], rel=1e-7)


@pytest.mark.parametrize(("dtype", "rtol"), [("float32", 1e-6), ("float64", RTOL)])
@pytest.mark.parametrize("x", [-3.0, 0.5, 20.0])
def test_softplus_agrees_with_sigmoid_where_nothing_overflows(dtype, rtol, x):
    result = _run(softplus_code(dtype, x))
    for gradient in ("naive_gradient", "custom_gradient"):
        assert float(result[gradient]) == pytest.approx(special.expit(x), rel=rtol)
    assert float(result["custom_value"]) == pytest.approx(np.logaddexp(x, 0.0), rel=rtol)


# -- stop_gradient and the straight-through estimator --------------------------------------


def test_td_semi_gradient_is_the_lectures():
    result = _run(stop_gradient_code(THETA, S_PREV, REWARD, S))
    np.testing.assert_allclose(_array(result["semi_gradient"]), [-1.2, -2.4, 1.2], rtol=RTOL)
    np.testing.assert_allclose(_array(result["full_gradient"]), [1.2, -1.2, 1.2], rtol=RTOL)


def test_td_gradients_match_their_closed_forms():
    rng = np.random.default_rng(7)
    theta, s_prev, s = rng.normal(size=(3, 4))
    result = _run(stop_gradient_code(theta, s_prev, 0.25, s))
    delta = 0.25 + theta @ s - theta @ s_prev
    np.testing.assert_allclose(_array(result["semi_gradient"]), -delta * s_prev, rtol=RTOL)
    np.testing.assert_allclose(_array(result["full_gradient"]), delta * (s - s_prev), rtol=RTOL)


@pytest.mark.parametrize(
    ("w", "y"), [((1.0, 2.0, 3.0), (0.1, 0.2, 0.7)), ((0.5, -2.0, 4.0, 1.0), (3.0, 9.0, -1.0, 2.0))]
)
def test_straight_through_gradient_is_w(w, y):
    result = _run(straight_through_code(w, y))
    largest = w[int(np.argmax(y))]
    assert float(result["value"]) == largest
    assert float(result["ste_value"]) == pytest.approx(largest, rel=RTOL)
    np.testing.assert_array_equal(_array(result["gradient"]), np.zeros(len(w)))
    np.testing.assert_allclose(_array(result["ste_gradient"]), w, rtol=RTOL)


# -- implicit differentiation --------------------------------------------------------------


@pytest.mark.parametrize("variables", [("x", "a"), ("x",)])  # a as a variable or a parameter
def test_implicit_gives_the_lectures_slope(variables):
    equation = parse_expression("a x^3 - x - 2", variables=variables)
    code = implicit_code(equation, "x", "a", 2.0, (1.0, 2.0))
    result = _run(code)
    root, slope = result["root"], float(result["slope"])
    assert 2 * root**3 - root - 2 == pytest.approx(0.0, abs=1e-12)
    assert slope == pytest.approx(-0.22139914, abs=5e-8)  # the lecture prints 8 digits
    assert slope == pytest.approx(-(root**3) / (3 * 2.0 * root**2 - 1), rel=RTOL)
    assert "a x^3" not in code  # printed from the tree: a*x**3 - x - 2
    assert "return a*x**3 - x - 2" in code


def test_implicit_with_other_names_helpers_and_a_clashing_name():
    # F is a parameter here, as is the snippet's function F: the parameter is renamed.
    equation = parse_expression("a x^3 - F cot(x) - 2", variables=("x", "a"))
    code = implicit_code(equation, "x", "a", 2.0, (1.0, 2.0), params={"F": 0.5})
    result = _run(code)
    x, a, big_f = sympy.symbols("x a F", real=True)
    expression = a * x**3 - big_f * sympy.cot(x) - 2
    root = float(sympy.nsolve(expression.subs({a: 2, big_f: 0.5}), x, 1.0, prec=30))
    want = (-sympy.diff(expression, a) / sympy.diff(expression, x)).subs(
        {x: root, a: 2, big_f: 0.5}
    )
    assert result["root"] == pytest.approx(root, rel=1e-12)
    assert float(result["slope"]) == pytest.approx(float(want), rel=RTOL)
    assert "F_ = 0.5" in code


def test_implicit_can_solve_for_a_parameter():
    # x² − c = 0 solved for x with c a parameter: x* = √c, dx*/dc = 1/(2√c).
    result = _run(implicit_code(parse_expression("x^2 - c"), "x", "c", 3.0, (0.0, 5.0)))
    assert result["root"] == pytest.approx(math.sqrt(3.0), rel=1e-12)
    assert float(result["slope"]) == pytest.approx(1 / (2 * math.sqrt(3.0)), rel=RTOL)


# -- matrices, has_aux and vmap ------------------------------------------------------------


@pytest.mark.parametrize("size", [2, 3])
def test_inverse_derivative_by_ad_is_the_formula(size):
    rng = np.random.default_rng(size)
    matrix = rng.normal(size=(size, size)) + size * np.eye(size)
    direction = rng.normal(size=(size, size))
    result = _run(inverse_code(matrix, direction))
    inverse = np.linalg.inv(matrix)
    want = -inverse @ direction @ inverse
    for name in ("formula", "by_jacobian", "by_jvp"):
        np.testing.assert_allclose(_array(result[name]), want, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(("x", "y"), [(2.0, 3.0), (-1.5, 0.25)])
def test_has_aux_returns_value_aux_and_grad(x, y):
    result = _run(has_aux_code(x, y))
    assert float(result["value"]) == pytest.approx(x**2 + y, rel=RTOL)
    assert result["aux"] == 42
    assert float(result["grad"]) == pytest.approx(2 * x, rel=RTOL)


def test_per_example_gradients_and_hessians():
    w, x0 = np.array([0.5, -0.25, 0.1]), np.array([1.0, 2.0, 3.0])
    result = _run(per_example_code(w, x0))
    np.testing.assert_allclose(
        _array(result["per_example_gradients"]), [[1, 2, 3], [2, 4, 6]], rtol=RTOL
    )
    rows = np.stack([x0, 2 * x0])
    p = special.expit(rows @ w)
    want = sum(q * (1 - q) * np.outer(row, row) for q, row in zip(p, rows, strict=True))
    np.testing.assert_allclose(_array(result["summed_hessian"]), want, rtol=1e-9)
    np.testing.assert_allclose(_array(result["gauss_newton"]), want, rtol=1e-9)


# -- expression swell ----------------------------------------------------------------------


def test_swell_counts_are_positive_and_grow():
    parsed = parse_expression("sin(x) e^(x^2)")
    result = _run(swell_code(parsed, 4))
    for name in ("symbolic_sizes", "shared_sizes", "jaxpr_sizes"):
        sizes = result[name]
        assert len(sizes) == 4
        assert all(size > 0 for size in sizes)
    for name in ("symbolic_sizes", "jaxpr_sizes"):
        assert np.all(np.diff(result[name]) > 0)
    assert all(
        shared <= plain
        for shared, plain in zip(result["shared_sizes"], result["symbolic_sizes"], strict=True)
    )


def test_swell_prints_the_tree_for_both_libraries():
    typed = "a x^2 sin(x) + 1/3 + 2^(1/2) x + log10(x) + sec(x)"
    parsed = parse_expression(typed)
    code = swell_code(parsed, 2, params={"a": 1.5})
    assert typed not in code
    assert "x^2" not in code
    result = _run(code)
    a, x = parsed.symbols["a"], parsed.symbols["x"]
    want = parsed.sympy.subs(a, sympy.Float(1.5))
    assert sympy.simplify(result["f_symbolic"] - want) == 0
    assert result["f_symbolic"].has(sympy.Rational(1, 3), sympy.sqrt(2))  # exact, as parsed
    for point in (0.4, 1.3):
        want_value = float(parsed.numpy({"x": point, "a": 1.5}))
        assert float(result["f"](point)) == pytest.approx(want_value, rel=RTOL)
        want_slope = float(sympy.diff(want, x).subs(x, point))
        assert float(result["jax"].grad(result["f"])(point)) == pytest.approx(want_slope, rel=RTOL)


# -- every snippet is Python, and the arguments are checked --------------------------------


def test_every_snippet_parses_and_enables_float64():
    snippets = [
        custom_jvp_code(2, 3, (1, 0)),
        softplus_code("float32"),
        stop_gradient_code(THETA, S_PREV, REWARD, S),
        straight_through_code((1, 2, 3), (0.1, 0.2, 0.7)),
        implicit_code(parse_expression("a x^3 - x - 2", ("x", "a")), "x", "a", 2, (1, 2)),
        inverse_code([[2, 1], [1, 3]], [[0, 1], [0, 0]]),
        has_aux_code(2, 3),
        per_example_code((1, 1, 1), (1, 2, 3)),
        swell_code(parse_expression("exp(x)"), 3),
    ]
    for code in snippets:
        ast.parse(code)
        assert 'jax.config.update("jax_enable_x64", True)' in code


LECTURE_F = parse_expression("a x^3 - x - 2", ("x", "a"))
BAD_CALLS = [
    (custom_jvp_code, (math.nan, 3, (1, 0))),
    (custom_jvp_code, (1e39, 3, (1, 0))),  # not a float32 number
    (custom_jvp_code, (2, 3, (1, 0, 0))),
    (softplus_code, ("float16",)),
    (softplus_code, ("float32", math.inf)),
    (stop_gradient_code, (THETA, (1, 2), REWARD, S)),
    (stop_gradient_code, (THETA, S_PREV, math.nan, S)),
    (straight_through_code, ((1, 2, 3), (0.1, 0.2))),
    (straight_through_code, ((1, 2, 3), (0.7, 0.2, 0.7))),
    (straight_through_code, ((1,), (1,))),
    (implicit_code, (LECTURE_F, "x", "b", 2, (1, 2))),
    (implicit_code, (LECTURE_F, "x", "x", 2, (1, 2))),
    (implicit_code, (LECTURE_F, "x", "a", math.inf, (1, 2))),
    (implicit_code, (LECTURE_F, "x", "a", 2, (2, 1))),
    (implicit_code, (LECTURE_F, "x", "a", 2, (2, 3))),  # no sign change
    (implicit_code, (LECTURE_F, "x", "a", 2, (1, 2), {"q": 1})),
    (inverse_code, ([[1, 2], [2, 4]], [[0, 1], [0, 0]])),  # singular
    (inverse_code, ([[1, 2, 3], [4, 5, 6]], [[0, 1], [0, 0]])),
    (inverse_code, ([[1, 0], [0, 1]], [[0, 1, 0], [0, 0, 0], [0, 0, 0]])),
    (has_aux_code, (2, math.nan)),
    (per_example_code, ((1, 2), (1, 2, 3))),
    (swell_code, (parse_expression("x y", ("x", "y")), 3)),
    (swell_code, (parse_expression("3 + a"), 3)),
    (swell_code, (parse_expression("sin(x)"), 0)),
    (swell_code, (parse_expression("sin(x)"), True)),
]


@pytest.mark.parametrize(("function", "arguments"), BAD_CALLS)
def test_bad_arguments_raise_one_clear_sentence(function, arguments):
    with pytest.raises(ValueError, match=r"\.$") as error:
        function(*arguments)
    assert "\n" not in str(error.value)
