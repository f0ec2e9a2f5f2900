"""JAX Taylor-mode derivatives (`core.engines.autodiff`) against hand-written and SymPy truth."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import ExpressionError, parse_expression
from core.engines.autodiff import COMPILE_FROM_LENGTH, MAX_ORDER, ad_derivatives
from core.language import functions as core_functions
from core.language.tree import Binary, Call, Negate
from tests.function_registry import REGISTRY, KnownFunction

X = sympy.Symbol("x", real=True)


def _called_functions(node) -> set[str]:
    if isinstance(node, Call):
        return {node.function} | _called_functions(node.argument)
    if isinstance(node, Negate):
        return _called_functions(node.operand)
    if isinstance(node, Binary):
        return _called_functions(node.left) | _called_functions(node.right)
    return set()


def sympy_derivatives(parsed, xs: np.ndarray, max_order: int, params=None) -> np.ndarray:
    """Rows 0..max_order of SymPy's derivatives, lambdified to NumPy, at `xs`."""
    (variable,) = parsed.variables
    symbols = {name: sympy.Symbol(name, real=True) for name in parsed.variables}
    symbols.update({name: sympy.Symbol(name, real=True) for name in parsed.parameters})
    values = dict.fromkeys(parsed.parameters, 1.0)
    values.update(params or {})
    expr = parsed.sympy.subs({symbols[name]: value for name, value in values.items()})
    rows = []
    with np.errstate(all="ignore"):
        for k in range(max_order + 1):
            derivative = sympy.diff(expr, symbols[variable], k) if k else expr
            function = sympy.lambdify(symbols[variable], derivative, "numpy")
            row = np.asarray(function(xs), dtype=np.complex128)
            row = np.where(np.abs(row.imag) <= 1e-12 * (1 + np.abs(row.real)), row.real, np.nan)
            rows.append(np.broadcast_to(row.astype(np.float64), xs.shape))
    return np.stack(rows)


def assert_rows_close(got, want, rtol, *, label="", finite_only=False):
    """Compare row by row, scaling the absolute tolerance by each row's magnitude."""
    assert got.shape == want.shape
    for k, (row_got, row_want) in enumerate(zip(got, want, strict=True)):
        mask = np.isfinite(row_want) if finite_only else np.ones_like(row_want, dtype=bool)
        if finite_only:
            mask &= np.isfinite(row_got) | ~np.isfinite(row_want)
        if not mask.any():
            continue
        scale = float(np.max(np.abs(row_want[mask]), initial=0.0))
        np.testing.assert_allclose(
            row_got[mask],
            row_want[mask],
            rtol=rtol,
            atol=rtol * max(scale, 1e-300) * 1e-3 + 1e-300,
            err_msg=f"{label}: derivative of order {k}",
        )


# -- the registry: hand-written derivatives ---------------------------------------------


def test_registry_covers_every_allowed_function():
    covered = set()
    for case in REGISTRY:
        covered |= _called_functions(parse_expression(case.text).tree)
    assert set(core_functions.FUNCTION_NAMES) <= covered


@pytest.mark.parametrize("case", REGISTRY, ids=[case.text for case in REGISTRY])
def test_ad_matches_hand_written_derivatives(case: KnownFunction):
    parsed = parse_expression(case.text)
    xs = case.points()
    got = ad_derivatives(parsed, xs, case.max_order, case.params)
    with np.errstate(all="raise"):
        want = np.stack([np.broadcast_to(f(xs), xs.shape) for f in case.derivatives])
    assert np.isfinite(got).all(), f"{case.text}: non-finite AD values on its domain"
    assert_rows_close(got, want, case.rtol, label=case.text)


@pytest.mark.parametrize("case", REGISTRY, ids=[case.text for case in REGISTRY])
def test_numpy_evaluation_matches_registry(case: KnownFunction):
    parsed = parse_expression(case.text)
    xs = case.points()
    values = {"x": xs, **case.params}
    np.testing.assert_allclose(parsed.numpy(values), case.derivatives[0](xs), rtol=1e-12)


@pytest.mark.parametrize("case", REGISTRY, ids=[case.text for case in REGISTRY])
def test_ad_single_point_matches_grid(case: KnownFunction):
    parsed = parse_expression(case.text)
    xs = case.points(9)
    grid = ad_derivatives(parsed, xs, 3, case.params)
    for i in (0, 4, 8):
        point = ad_derivatives(parsed, xs[i : i + 1], 3, case.params)
        np.testing.assert_allclose(point[:, 0], grid[:, i], rtol=1e-13, atol=1e-300)


# -- SymPy as a second truth, to order 6 -------------------------------------------------

SYMPY_CASES = [
    ("sin(x)*exp(x)", (-2.0, 2.0)),
    ("x^x", (0.3, 2.5)),
    ("tan(x)", (-1.0, 1.0)),
    ("cot(x)", (0.5, 2.5)),
    ("sec(x)", (-1.0, 1.0)),
    ("csc(x)", (0.5, 2.5)),
    ("atan(x)", (-2.0, 2.0)),
    ("asin(x)", (-0.8, 0.8)),
    ("acos(x)", (-0.8, 0.8)),
    ("asinh(x)", (-2.0, 2.0)),
    ("acosh(x)", (1.5, 3.0)),
    ("atanh(x)", (-0.7, 0.7)),
    ("tanh(x)", (-2.0, 2.0)),
    ("log(1 + x^2)", (-2.0, 2.0)),
    ("log10(x) + log2(x)", (0.5, 3.0)),
    ("sqrt(1 + x^2)", (-2.0, 2.0)),
    ("e^(-x^2)", (-2.0, 2.0)),
    ("1/(1 + x^2)", (-2.0, 2.0)),
    ("x^2.5 - 3x^-1", (0.5, 3.0)),
    ("cosh(x)/(2 + sin(x))", (-2.0, 2.0)),
]


@pytest.mark.parametrize(("text", "domain"), SYMPY_CASES, ids=[c[0] for c in SYMPY_CASES])
def test_ad_matches_sympy_to_order_6(text, domain):
    parsed = parse_expression(text)
    xs = np.linspace(*domain, 25)
    got = ad_derivatives(parsed, xs, 6)
    want = sympy_derivatives(parsed, xs, 6)
    assert np.isfinite(want).all()
    assert_rows_close(got, want, 1e-8, label=text)


# -- hypothesis: random expressions against SymPy ---------------------------------------

_SMOOTH_FUNCTIONS = ("sin", "cos", "atan", "exp", "sinh", "tanh", "asinh", "sqrt", "log", "cosh")
_LEAVES = st.sampled_from(["x", "2", "3", "0.5", "1.5", "pi", "e", "x", "x"])


def _expression_text():
    def extend(children):
        unary = st.builds(lambda f, a: f"{f}({a})", st.sampled_from(_SMOOTH_FUNCTIONS), children)
        positive = st.builds(
            lambda f, a: f"{f}(1 + ({a})^2)", st.sampled_from(("log", "sqrt")), children
        )
        binary = st.builds(
            lambda a, op, b: f"({a}){op}({b})", children, st.sampled_from("+-*"), children
        )
        quotient = st.builds(lambda a, b: f"({a})/(2 + sin({b}))", children, children)
        power = st.builds(lambda a, n: f"({a})^{n}", children, st.sampled_from(["2", "3", "-1"]))
        return unary | positive | binary | quotient | power

    return st.recursive(_LEAVES, extend, max_leaves=5)


HYPOTHESIS_POINTS = np.linspace(-1.7, 2.3, 11)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(_expression_text())
def test_ad_matches_sympy_on_random_expressions(text):
    try:
        parsed = parse_expression(text)
    except ExpressionError:
        return  # e.g. a constant expression that SymPy finds undefined
    got = ad_derivatives(parsed, HYPOTHESIS_POINTS, 3)
    want = sympy_derivatives(parsed, HYPOTHESIS_POINTS, 3)
    # Compare where both are finite and moderate (far from any singularity). Both must be
    # finite: SymPy rewrites sqrt(x)^2 as x, defined where the typed expression is not.
    mask = (
        np.isfinite(want).all(axis=0)
        & np.isfinite(got).all(axis=0)
        & (np.abs(want) < 1e6).all(axis=0)
    )
    if not mask.any():
        return
    for k in range(4):
        scale = float(np.max(np.abs(want[k, mask])))
        np.testing.assert_allclose(
            got[k, mask],
            want[k, mask],
            rtol=1e-7,
            atol=1e-9 * max(scale, 1.0),
            err_msg=f"{text}: derivative of order {k}",
        )


# -- shapes, dtypes, parameters -----------------------------------------------------------


@pytest.mark.parametrize("max_order", [0, 1, 3, MAX_ORDER])
@pytest.mark.parametrize("length", [1, 2, 50])
def test_shape_and_dtype(max_order, length):
    parsed = parse_expression("sin(x) + x^2")
    result = ad_derivatives(parsed, np.linspace(0.1, 1.0, length), max_order)
    assert isinstance(result, np.ndarray)
    assert result.shape == (max_order + 1, length)
    assert result.dtype == np.float64


def test_accepts_lists_ints_and_float32():
    parsed = parse_expression("x^3")
    from_list = ad_derivatives(parsed, [1, 2, 3], 3)
    from_f32 = ad_derivatives(parsed, np.array([1, 2, 3], dtype=np.float32), np.int64(3))
    np.testing.assert_array_equal(from_list, from_f32)
    expected = [[1, 8, 27], [3, 12, 27], [6, 12, 18], [6, 6, 6]]
    np.testing.assert_allclose(from_list, expected, rtol=1e-13)
    assert from_list.dtype == np.float64


def test_float64_precision_is_kept():
    parsed = parse_expression("x")
    xs = np.array([1.0 + 2.0**-40])
    assert ad_derivatives(parsed, xs, 0)[0, 0] == xs[0]


@pytest.mark.parametrize("text", ["5", "pi", "a", "e^2"])
def test_expressions_without_x_are_constant_on_the_grid(text):
    parsed = parse_expression(text)
    xs = np.linspace(-1, 1, 7)
    result = ad_derivatives(parsed, xs, 3)
    value = float(parsed.numpy({"x": 0.0, **dict.fromkeys(parsed.parameters, 1.0)}))
    np.testing.assert_allclose(result[0], np.full(7, value), rtol=1e-15)
    np.testing.assert_array_equal(result[1:], 0.0)


def test_parameters_default_to_one():
    parsed = parse_expression("(a*x+b)^m")
    assert parsed.parameters == ("a", "b", "m")
    xs = np.linspace(-0.5, 2.0, 9)
    result = ad_derivatives(parsed, xs, 2)
    np.testing.assert_allclose(result[0], xs + 1, rtol=1e-14)
    np.testing.assert_allclose(result[1], 1.0, rtol=1e-14)
    np.testing.assert_allclose(result[2], 0.0, atol=1e-14)
    np.testing.assert_array_equal(result, ad_derivatives(parsed, xs, 2, {}))
    np.testing.assert_array_equal(result, ad_derivatives(parsed, xs, 2, None))


def test_parameter_overrides_sixth_derivative_closed_form():
    a, b, m = 2.0, 3.0, 7.5
    parsed = parse_expression("(a*x+b)^m")
    xs = np.linspace(-1.0, 2.0, 13)
    result = ad_derivatives(parsed, xs, 6, {"a": a, "b": b, "m": m})
    # d^6/dx^6 (a x + b)^m = a^6 m (m-1) ... (m-5) (a x + b)^(m-6)
    coefficient = a**6 * math.prod(m - j for j in range(6))
    np.testing.assert_allclose(result[6], coefficient * (a * xs + b) ** (m - 6), rtol=1e-10)
    np.testing.assert_allclose(result[0], (a * xs + b) ** m, rtol=1e-13)


def test_partial_override_keeps_other_defaults():
    parsed = parse_expression("a*x^2 + b*x")
    xs = np.array([0.0, 1.0, 2.0])
    result = ad_derivatives(parsed, xs, 2, {"a": 3})
    np.testing.assert_allclose(result[0], 3 * xs**2 + xs)
    np.testing.assert_allclose(result[1], 6 * xs + 1)
    np.testing.assert_allclose(result[2], 6.0)


def test_params_are_not_mutated():
    parsed = parse_expression("a*x")
    params = {"a": 2.0}
    ad_derivatives(parsed, [1.0], 1, params)
    assert params == {"a": 2.0}


def test_other_variable_name():
    parsed = parse_expression("t^3 + a*t", variables=("t",))
    assert parsed.parameters == ("a",)
    result = ad_derivatives(parsed, [2.0], 3, {"a": 5.0})
    np.testing.assert_allclose(result[:, 0], [18.0, 17.0, 12.0, 6.0])


# -- non-finite values --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "singular"),
    [("log(x)", 0.0), ("1/x", 0.0), ("sqrt(x)", 0.0), ("x^-2", 0.0), ("log(x)", -1.0)],
)
def test_singular_points_give_non_finite_values_without_raising(text, singular):
    parsed = parse_expression(text)
    xs = np.array([singular, 0.5, 1.0, 2.0])
    result = ad_derivatives(parsed, xs, 3)
    assert result.shape == (4, 4)
    assert not np.isfinite(result[:, 0]).all()
    assert np.isfinite(result[:, 1:]).all()


def test_log_at_zero():
    result = ad_derivatives(parse_expression("log(x)"), np.array([0.0, 1.0]), 2)
    assert result[0, 0] == -np.inf
    assert not np.isfinite(result[1, 0])
    np.testing.assert_allclose(result[:, 1], [0.0, 1.0, -1.0])


def test_reciprocal_at_zero():
    result = ad_derivatives(parse_expression("1/x"), np.array([0.0]), 1)
    assert np.isinf(result[0, 0])
    assert not np.isfinite(result[1, 0])


def test_sqrt_at_zero():
    result = ad_derivatives(parse_expression("sqrt(x)"), np.array([0.0, 4.0]), 2)
    assert result[0, 0] == 0.0
    assert not np.isfinite(result[1, 0])
    np.testing.assert_allclose(result[:, 1], [2.0, 0.25, -1 / 32])


def test_nan_and_inf_inputs_do_not_raise():
    result = ad_derivatives(parse_expression("x^2"), np.array([np.nan, np.inf, 1.0]), 2)
    assert np.isnan(result[0, 0])
    np.testing.assert_allclose(result[:, 2], [1.0, 2.0, 2.0], rtol=1e-13)


def test_empty_grid():
    result = ad_derivatives(parse_expression("sin(x)"), np.array([]), 2)
    assert result.shape == (3, 0)


# -- error cases --------------------------------------------------------------------------


@pytest.mark.parametrize("max_order", [-1, MAX_ORDER + 1, 100])
def test_order_out_of_range(max_order):
    with pytest.raises(ValueError, match="max_order"):
        ad_derivatives(parse_expression("x"), [1.0], max_order)


@pytest.mark.parametrize("max_order", [2.0, "2", None, True, 1.5])
def test_order_must_be_an_integer(max_order):
    with pytest.raises(TypeError, match="max_order"):
        ad_derivatives(parse_expression("x"), [1.0], max_order)


def test_unknown_parameter_name():
    with pytest.raises(ValueError, match="not a parameter"):
        ad_derivatives(parse_expression("a*x"), [1.0], 1, {"b": 2.0})


def test_parameter_for_expression_without_parameters():
    with pytest.raises(ValueError, match="none"):
        ad_derivatives(parse_expression("x^2"), [1.0], 1, {"a": 2.0})


def test_variable_is_not_a_parameter():
    with pytest.raises(ValueError, match="not a parameter"):
        ad_derivatives(parse_expression("a*x"), [1.0], 1, {"x": 2.0})


def test_two_dimensional_grid():
    with pytest.raises(ValueError, match="one-dimensional"):
        ad_derivatives(parse_expression("x"), np.ones((2, 2)), 1)


def test_two_variables():
    parsed = parse_expression("x*y", variables=("x", "y"))
    with pytest.raises(ValueError, match="one variable"):
        ad_derivatives(parsed, [1.0], 1)


# -- the jitted path for long grids -------------------------------------------------------


def test_jitted_path_equals_eager_path():
    text = "(a*x+b)^m + sin(x)*exp(-x^2) + atan(x) + x^x"
    parsed = parse_expression(text)
    params = {"a": 2.0, "b": 3.0, "m": 7.5}
    assert COMPILE_FROM_LENGTH == 20_000
    xs = np.linspace(0.05, 1.95, COMPILE_FROM_LENGTH)
    jitted = ad_derivatives(parsed, xs, 4, params)
    assert jitted.shape == (5, COMPILE_FROM_LENGTH)
    assert jitted.dtype == np.float64
    half = COMPILE_FROM_LENGTH // 2
    eager = np.concatenate(
        [
            ad_derivatives(parsed, xs[:half], 4, params),
            ad_derivatives(parsed, xs[half:], 4, params),
        ],
        axis=1,
    )
    assert np.isfinite(jitted).all()
    np.testing.assert_allclose(jitted, eager, rtol=1e-11, atol=0)
    # A second call with other parameters reuses the compiled function and is still right.
    other = ad_derivatives(parsed, xs, 4, {"a": 1.0, "b": 2.0, "m": 3.0})
    np.testing.assert_allclose(
        other[0],
        (xs + 2.0) ** 3 + np.sin(xs) * np.exp(-(xs**2)) + np.arctan(xs) + xs**xs,
        rtol=1e-12,
    )


# -- asinh near zero (sign(x) * log(|x| + sqrt(x^2 + 1)) in the JAX table) ----------------


def test_asinh_derivatives_at_zero():
    result = ad_derivatives(parse_expression("asinh(x)"), np.array([0.0]), 4)
    # asinh(x) = x - x^3/6 + ...: derivatives at 0 are 0, 1, 0, -1, 0.
    np.testing.assert_allclose(result[:, 0], [0.0, 1.0, 0.0, -1.0, 0.0], atol=1e-12)


def test_asinh_of_expression_through_zero():
    result = ad_derivatives(parse_expression("asinh(x^2)"), np.array([0.0]), 2)
    np.testing.assert_allclose(result[:, 0], [0.0, 0.0, 2.0], atol=1e-12)


@pytest.mark.parametrize("x", [1e-12, -1e-12, 1e-8, -3e-5])
@pytest.mark.parametrize(
    ("text", "reference", "slope"),
    [
        ("asinh(x)", np.arcsinh, lambda x: 1 / np.sqrt(1 + x * x)),
        ("atanh(x)", np.arctanh, lambda x: 1 / (1 - x * x)),
    ],
    ids=["asinh", "atanh"],
)
def test_inverse_hyperbolic_value_is_accurate_near_zero(text, reference, slope, x):
    result = ad_derivatives(parse_expression(text), np.array([x]), 1)
    np.testing.assert_allclose(result[0, 0], reference(x), rtol=1e-9)
    np.testing.assert_allclose(result[1, 0], slope(x), rtol=1e-9)


# -- warm_up covers what the page will run ----------------------------------------------


_COMPILES_AFTER_WARM_UP = """
import jax.monitoring
import numpy as np
from core import parse_expression
from core.engines import autodiff
from core.language import functions

autodiff.warm_up(7)
compiled = []
jax.monitoring.register_event_duration_secs_listener(
    lambda event, _duration, **_kw: compiled.append(event)
    if event == "/jax/core/compile/backend_compile_duration" else None
)
texts = [f"{name}(x^2/3 + 0.3)" for name in functions.FUNCTION_NAMES] + [
    "max(x, 0.2) + min(x, 0.2) + where(x < 0.1, -x, x^2)",
    "0^x + x^2.0 + x^65 + sqrt(x) + x^x + a*x^m + |x|",
    "1/tanh(x) + 7",
]
for text in texts:
    for xs in (np.linspace(-1.0, 1.0, 7), np.zeros(1), np.full(1, 0.5)):
        for order in (0, autodiff.MAX_ORDER):
            autodiff.ad_derivatives(parse_expression(text), xs, order)
print(len(compiled))
"""


def test_warm_up_covers_every_primitive():
    # A fresh process: what earlier tests compiled must not hide a gap in warm_up.
    completed = subprocess.run(
        [sys.executable, "-c", _COMPILES_AFTER_WARM_UP],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=Path(__file__).resolve().parents[2],
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.split()[-1] == "0", "compiled after warm_up: extend warm_up"
