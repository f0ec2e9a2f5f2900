"""SymPy derivatives under a budget (`core.engines.symbolic`, `core.engines.symbolic_worker`).

The worker pool is module-global (forkserver); it is started once here, and the budget
tests check that it keeps serving after a worker is killed.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
import sympy

from core import BudgetExceeded, parse_expression
from core.engines import symbolic as core_symbolic
from core.engines.symbolic import ordinal, symbolic_derivatives, symbolic_report
from core.engines.symbolic_worker import LATEX_LIMIT, TERMS_SHOWN, evaluate, short_latex

TOWER = "x^x^x^x^x"  # its derivatives swell past any budget long before order 10
STILL_SHOWN = "AD and finite differences are still shown"


@pytest.fixture(scope="module", autouse=True)
def pool():
    core_symbolic.warm_up()


def lambdified_rows(parsed, orders: int, xs, params) -> np.ndarray:
    """Rows 0..orders of SymPy's own derivatives, lambdified independently of the worker."""
    symbols = [parsed.symbols[name] for name in parsed.variables + parsed.parameters]
    values = [xs] + [params[name] for name in parsed.parameters]
    x = parsed.symbols[parsed.variables[0]]
    rows = []
    for k in range(orders + 1):
        function = sympy.lambdify(symbols, sympy.diff(parsed.sympy, x, k), "numpy")
        rows.append(np.broadcast_to(np.asarray(function(*values), dtype=np.float64), xs.shape))
    return np.stack(rows)


# -- derivatives -------------------------------------------------------------------------


def test_parametrised_power_keeps_its_parameters_as_symbols():
    parsed = parse_expression("(a*x+b)^m")
    derivatives = symbolic_derivatives(parsed, 6)
    assert len(derivatives) == 7
    x, a, b, m = (parsed.symbols[name] for name in "xabm")
    assert derivatives[0] == parsed.sympy
    for k, derivative in enumerate(derivatives):
        assert sympy.simplify(derivative - sympy.diff(parsed.sympy, x, k)) == 0, k
    assert {a, m} <= derivatives[6].free_symbols
    assert b in derivatives[6].free_symbols
    # the closed form: a^6 m (m-1)...(m-5) (a x + b)^(m-6)
    closed = a**6 * sympy.ff(m, 6) * (a * x + b) ** (m - 6)
    assert sympy.simplify(derivatives[6] - closed) == 0


@pytest.mark.parametrize("max_order", [-1, 11])
def test_symbolic_derivatives_rejects_orders_out_of_range(max_order):
    with pytest.raises(ValueError, match=rf"between 0 and 10, got {max_order}"):
        symbolic_derivatives(parse_expression("x^2"), max_order)


@pytest.mark.parametrize(
    ("text", "params"),
    [
        ("sin(x)*exp(-x^2/3) + a*x^3", {"a": 2.0}),
        ("(a*x+b)^m", {"a": 2.0, "b": 3.0, "m": 7.5}),
        ("log(x^2 + 1)/(x + 3)", {}),
    ],
)
def test_report_values_equal_sympys_lambdified_values(text, params):
    parsed = parse_expression(text)
    xs = np.linspace(-1.0, 2.0, 31)
    result = symbolic_report(parsed, 4, xs, params)
    assert result.message is None
    assert len(result.derivatives) == len(result.latex) == 5
    assert result.values.shape == (5, xs.size)
    np.testing.assert_allclose(
        result.values, lambdified_rows(parsed, 4, xs, params), rtol=1e-12, atol=1e-12
    )
    for derivative, latex in zip(result.derivatives, result.latex, strict=True):
        assert latex == sympy.latex(derivative)  # small: not shortened


def test_missing_parameters_default_to_one():
    parsed = parse_expression("a*x^2")
    xs = np.array([0.0, 1.0, 2.0])
    result = symbolic_report(parsed, 2, xs)
    np.testing.assert_allclose(result.values, [xs**2, 2 * xs, [2.0, 2.0, 2.0]])


def test_report_without_points_has_no_values():
    result = symbolic_report(parse_expression("x^3"), 3)
    assert result.values is None
    assert result.message is None
    assert result.derivatives[-1] == 6


def test_values_are_nan_where_the_derivative_is_not_real():
    xs = np.array([-1.0, 4.0])
    result = symbolic_report(parse_expression("sqrt(x)"), 1, xs)
    assert np.isnan(result.values[:, 0]).all()
    np.testing.assert_allclose(result.values[:, 1], [2.0, 0.25])


def test_absolute_value_derivatives_evaluate_with_a_delta_at_zero():
    """d|x|/dx = sign(x), then DiracDelta: nan exactly at 0, 0 elsewhere."""
    xs = np.array([-1.5, -0.25, 0.0, 0.25, 1.5])
    result = symbolic_report(parse_expression("|x|"), 3, xs)
    assert result.message is None
    x = sympy.Symbol("x", real=True)
    assert result.derivatives[1] == sympy.sign(x)
    assert result.derivatives[2].has(sympy.DiracDelta)
    np.testing.assert_array_equal(result.values[0], np.abs(xs))
    np.testing.assert_array_equal(result.values[1], np.sign(xs))
    for order in (2, 3):
        row = result.values[order]
        assert np.isnan(row[2])
        np.testing.assert_array_equal(row[xs != 0], 0.0)


def test_evaluate_broadcasts_a_constant_to_the_grid():
    x = sympy.Symbol("x", real=True)
    np.testing.assert_array_equal(evaluate(sympy.Integer(6), [x], [np.zeros(4)]), np.full(4, 6.0))


# -- the budget --------------------------------------------------------------------------


def test_report_stops_at_the_budget_with_partial_results_and_a_message():
    parsed = parse_expression(TOWER)
    xs = np.linspace(0.5, 1.5, 11)
    start = time.monotonic()
    result = symbolic_report(parsed, 10, xs, budget=1.0)
    elapsed = time.monotonic() - start
    assert elapsed < 15, f"the budget of 1 s took {elapsed:.1f} s"
    done = len(result.derivatives)
    assert 1 <= done <= 10
    assert len(result.latex) == done
    assert result.values.shape == (done, xs.size)
    assert "derivative" in result.message
    assert STILL_SHOWN in result.message
    assert f"The {ordinal(done)} derivative is too large" in result.message


def test_budget_exceeded_carries_the_partial_list_and_first_missing_order():
    parsed = parse_expression(TOWER)
    start = time.monotonic()
    with pytest.raises(BudgetExceeded) as caught:
        symbolic_derivatives(parsed, 10)
    assert time.monotonic() - start < 20
    error = caught.value
    assert STILL_SHOWN in error.message
    assert 1 <= error.order <= 10
    assert len(error.partial) == error.order
    assert error.partial[0] == parsed.sympy
    x = parsed.symbols["x"]
    assert sympy.simplify(error.partial[1] - sympy.diff(parsed.sympy, x)) == 0


def test_zero_budget_reports_the_function_itself_as_too_large():
    result = symbolic_report(parse_expression("x^2"), 3, budget=0.0)
    assert result.derivatives == ()
    assert result.values is None
    assert result.message.startswith("The function is too large")


def test_the_pool_serves_normal_requests_right_after_a_budget_kill():
    killed = symbolic_report(parse_expression(TOWER), 10, budget=0.5)
    assert killed.message is not None
    xs = np.linspace(-1, 1, 5)
    for _ in range(3):  # more requests than workers: every worker is alive
        result = symbolic_report(parse_expression("x^4"), 4, xs)
        assert result.message is None
        np.testing.assert_allclose(result.values[4], 24.0)


# -- text --------------------------------------------------------------------------------


def test_short_latex_leaves_small_expressions_alone():
    expr = sympy.sin(sympy.Symbol("x")) ** 2
    assert short_latex(expr) == sympy.latex(expr)


def test_short_latex_summarises_a_long_sum():
    x = sympy.Symbol("x")
    expr = sum(sympy.Rational(1, k + 2) * x**k for k in range(200))
    assert isinstance(expr, sympy.Add)
    assert len(sympy.latex(expr)) > LATEX_LIMIT
    text = short_latex(expr)
    assert len(text) <= LATEX_LIMIT + 100
    assert f"({200 - TERMS_SHOWN} more terms)" in text
    assert r"\cdots" in text


def test_short_latex_reports_the_size_of_a_long_non_sum():
    symbols = sympy.symbols("y0:300")
    expr = sympy.Mul(*[sympy.sin(s) for s in symbols])
    assert not isinstance(expr, sympy.Add)
    assert len(sympy.latex(expr)) > LATEX_LIMIT
    text = short_latex(expr)
    assert "too long to show" in text
    assert "operations" in text
    assert len(text) < 200


def test_short_latex_of_a_sum_whose_first_terms_are_too_long():
    x = sympy.Symbol("x")
    big = sympy.Mul(*[sympy.sin(x + k) for k in range(200)])
    expr = big + sympy.cos(big) + x
    assert "too long to show" in short_latex(expr)


ORDINALS = (
    "1st 2nd 3rd 4th 5th 6th 7th 8th 9th 10th 11th 12th 13th 14th 15th 16th 17th 18th 19th "
    "20th 21st 22nd 23rd"
)


@pytest.mark.parametrize(
    ("n", "text"),
    [
        *zip(range(1, 24), ORDINALS.split(" "), strict=True),
        (101, "101st"), (111, "111th"), (112, "112th"), (113, "113th"), (122, "122nd"),
    ],
)  # fmt: skip
def test_ordinal(n, text):
    assert ordinal(n) == text
