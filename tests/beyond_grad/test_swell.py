"""Expression swell (`expression_swell`): SymPy's sizes against SymPy in this process, the
growth of each column (SymPy's tree and nested grad swell, Taylor mode grows like k²), the
budget's message, and the figure; also the root figure of core.beyond_grad.figures."""

from __future__ import annotations

import itertools
import json
import math
import subprocess
import sys

import numpy as np
import pytest
import sympy

from core import parse_expression
from core.beyond_grad import swell as swell_module
from core.beyond_grad.figures import root_figure
from core.beyond_grad.root_comparison import root_curve, root_report
from core.beyond_grad.swell import (
    DEFAULT_FUNCTION,
    NESTED_GRAD_EQUATIONS,
    Swell,
    SwellRow,
    count_equations,
    expression_swell,
    swell_figure,
)
from core.beyond_grad.swell_sympy import cse_ops, derivative_sizes
from core.errors import BudgetExceeded

GENEROUS = 60.0  # CPU seconds: these tests check the sizes, not the server's budget


@pytest.fixture(scope="module")
def default_swell() -> Swell:
    return expression_swell(parse_expression(DEFAULT_FUNCTION), 8, budget=GENEROUS)


def no_worker(*_args, **_kwargs):
    raise AssertionError("SymPy's worker was called")


# -- the table -------------------------------------------------------------------------------


def test_the_default_function_swells_in_sympy(default_swell):
    assert default_swell.message is None
    rows = default_swell.rows
    assert [row.order for row in rows] == list(range(9))
    assert all(isinstance(row, SwellRow) for row in rows)
    assert rows[8].sympy_ops > 20 * rows[1].sympy_ops  # 17 -> 1,247 here
    for row in rows:
        assert 0 < row.sympy_cse_ops <= row.sympy_ops  # sharing never costs more
    assert rows[8].sympy_cse_ops < rows[8].sympy_ops / 2


def test_sympy_sizes_match_sympy_in_this_process(default_swell):
    parsed = parse_expression(DEFAULT_FUNCTION)
    x = parsed.symbols["x"]
    derivative = parsed.sympy
    for order in range(5):
        # one order at a time, as the worker does: diff(f, x, k) collects terms differently
        derivative = sympy.diff(derivative, x) if order else derivative
        row = default_swell.rows[order]
        assert row.sympy_ops == sympy.count_ops(derivative)
        assert row.sympy_cse_ops == cse_ops(derivative)


def test_taylor_mode_grows_like_a_polynomial(default_swell):
    taylor = np.array([row.taylor_equations for row in default_swell.rows], dtype=float)
    assert np.all(np.diff(taylor) > 0)
    # a log-log slope near 2 (k² work), nowhere near the ≥ 1.5× per order of an exponential
    slope = math.log(taylor[8] / taylor[4]) / math.log(8 / 4)
    assert slope < 2.5
    assert taylor[8] / taylor[7] < 1.5
    assert default_swell.rows[8].sympy_ops > taylor[8]  # here SymPy's tree ends up larger


@pytest.mark.parametrize("text", [DEFAULT_FUNCTION, "tanh(x)", "sin(x)*exp(-x^2/2)"])
def test_nested_grad_grows_geometrically_until_its_cap(text):
    rows = expression_swell(parse_expression(text), 8, with_sympy=False).rows
    nested = [row.jaxpr_equations for row in rows]
    computed = [size for size in nested if size is not None]
    assert nested == computed + [None] * (len(nested) - len(computed))  # stops for good
    assert len(computed) >= 4
    for previous, size in itertools.pairwise(computed[1:]):
        assert size > 1.8 * previous  # reverse over reverse: no sharing across levels
    assert max(computed) <= 2 * NESTED_GRAD_EQUATIONS
    assert rows[0].jaxpr_equations == rows[0].taylor_equations  # order 0: f's own program


def test_parameters_are_symbols_for_sympy_and_one_for_jax():
    rows = expression_swell(parse_expression("a*sin(x)/(1 + x^2)"), 3, budget=GENEROUS).rows
    assert rows[0].sympy_ops == sympy.count_ops(parse_expression("a*sin(x)/(1 + x^2)").sympy)
    assert all(row.taylor_equations > 0 for row in rows)


def test_constant_and_linear_functions():
    rows = expression_swell(parse_expression("x"), 2, budget=GENEROUS).rows
    assert [row.sympy_ops for row in rows] == [0, 0, 0]
    assert all(row.jaxpr_equations >= 1 for row in rows)


def test_count_equations_counts_sub_jaxprs():
    import jax
    from jax import lax

    flat = jax.make_jaxpr(lambda x: lax.sin(x) + 1.0)(0.5)
    nested = jax.make_jaxpr(lambda x: jax.jit(lambda y: lax.sin(lax.cos(y)))(x) + 1.0)(0.5)
    assert count_equations(flat) == len(flat.jaxpr.eqns) == 2
    assert len(nested.jaxpr.eqns) == 2  # the pjit call and the add
    assert count_equations(nested) == 4  # ... and cos, sin inside the call


def test_the_worker_step_itself():
    x = sympy.Symbol("x")
    expr, ops, shared, seconds = derivative_sizes(sympy.sin(x) ** 2, x, True)
    assert expr == 2 * sympy.sin(x) * sympy.cos(x)
    assert (ops, shared) == (sympy.count_ops(expr), cse_ops(expr))
    assert seconds >= 0


def test_the_worker_module_imports_neither_jax_nor_streamlit():
    script = (
        "import sys, json, core.beyond_grad.swell_sympy\nprint(json.dumps(sorted(sys.modules)))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    modules = set(json.loads(completed.stdout.splitlines()[-1]))
    assert "core.beyond_grad.swell_sympy" in modules
    assert not {name.split(".")[0] for name in modules} & {"jax", "streamlit"}


# -- the budget ------------------------------------------------------------------------------


def test_a_budget_of_zero_stops_before_the_worker(monkeypatch):
    monkeypatch.setattr(swell_module, "run_in_worker", no_worker)
    result = expression_swell(parse_expression("tanh(x)"), 4, budget=0)
    assert result.message.startswith("SymPy ran out of its budget at order 0")
    assert "none of its sizes are shown" in result.message
    assert all(row.sympy_ops is None and row.sympy_cse_ops is None for row in result.rows)
    assert all(row.taylor_equations > 0 for row in result.rows)
    assert result.transient is False


@pytest.mark.parametrize("transient", [False, True])
def test_running_out_keeps_the_rows_done(monkeypatch, transient):
    real = swell_module.run_in_worker
    calls = []

    def out_of_budget_at_order_three(function, args, budget, what):
        calls.append(budget)
        if len(calls) == 4:  # orders 0, 1, 2 done; order 3 runs out
            raise BudgetExceeded(f"{what} needed more than its budget.", transient=transient)
        return real(function, args, budget, what)

    monkeypatch.setattr(swell_module, "run_in_worker", out_of_budget_at_order_three)
    result = expression_swell(parse_expression("tanh(x)"), 6, budget=GENEROUS)
    assert result.message == (
        "SymPy ran out of its budget at order 3 (the 3rd derivative needed more than its "
        "budget), so its sizes stop at order 2; JAX's are shown for every order."
    )
    assert result.message.count(". ") == 0  # one sentence
    assert [row.sympy_ops for row in result.rows[:3]] == [1, 3, 7]  # tanh, 1 − tanh², ...
    assert all(row.sympy_ops is None for row in result.rows[3:])
    assert result.transient is transient
    assert calls[0] == GENEROUS
    assert all(left <= GENEROUS for left in calls)


def test_sympy_failing_is_a_message_too(monkeypatch):
    def fails(*_args, **_kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(swell_module, "run_in_worker", fails)
    result = expression_swell(parse_expression("tanh(x)"), 2)
    assert result.message.startswith("SymPy could not compute f itself (RecursionError)")


def test_without_sympy_no_worker_runs(monkeypatch):
    monkeypatch.setattr(swell_module, "run_in_worker", no_worker)
    result = expression_swell(parse_expression("tanh(x)"), 3, with_sympy=False)
    assert result.message is None
    assert [row.sympy_ops for row in result.rows] == [None] * 4


@pytest.mark.parametrize(
    ("text", "variables", "max_order", "budget", "message"),
    [
        ("x*y", ("x", "y"), 8, None, "one variable; x\\*y is declared in 2"),
        ("x", ("x",), 0, None, "max_order must be a whole number from 1 to 10"),
        ("x", ("x",), 11, None, "max_order"),
        ("x", ("x",), True, None, "max_order"),
        ("x", ("x",), 8, -1.0, "budget must be a number of seconds"),
        ("x", ("x",), 8, math.nan, "budget"),
        ("x", ("x",), 8, "2", "budget"),
    ],
)
def test_errors(text, variables, max_order, budget, message):
    with pytest.raises(ValueError, match=message):
        expression_swell(parse_expression(text, variables), max_order, budget)


def test_text_is_not_an_expression():
    with pytest.raises(TypeError, match="parsed expression"):
        expression_swell("tanh(x)")


# -- figures -----------------------------------------------------------------------------


def test_the_swell_figure(default_swell):
    figure = swell_figure(default_swell)
    assert len(figure.data) == 4
    names = [trace.name for trace in figure.data]
    for name, words in zip(names, ["SymPy", "cse", "nested jax.grad", "Taylor"], strict=True):
        assert words in name
    assert figure.layout.yaxis.type == "log"
    sympy_trace, _, nested_trace, taylor_trace = figure.data
    np.testing.assert_array_equal(sympy_trace.x, np.arange(9))
    np.testing.assert_array_equal(sympy_trace.y, [row.sympy_ops for row in default_swell.rows])
    missing = [row.jaxpr_equations is None for row in default_swell.rows]
    assert np.array_equal(np.isnan(np.asarray(nested_trace.y, dtype=float)), missing)
    assert np.isfinite(np.asarray(taylor_trace.y, dtype=float)).all()


def test_the_swell_figure_skips_zero_sizes():
    figure = swell_figure(expression_swell(parse_expression("x"), 2, with_sympy=False))
    assert np.isnan(np.asarray(figure.data[0].y, dtype=float)).all()  # no SymPy sizes


def test_the_root_figure():
    equation = parse_expression("a*x^3 - x - 2")
    curve = root_curve(equation, "x", "a", 2.0, (0.5, 3.0), span=1.0, n=41)
    report = root_report(equation, "x", "a", 2.0, (0.5, 3.0))
    figure = root_figure(curve, report)
    line, tangent, bisection, point = figure.data
    np.testing.assert_array_equal(line.x, curve.values)
    slope = np.diff(tangent.y) / np.diff(tangent.x)
    assert slope[0] == pytest.approx(report.implicit, rel=1e-12)
    assert np.ptp(bisection.y) == 0.0  # the flat line of slope 0
    assert (point.x[0], point.y[0]) == (2.0, report.root)
    assert tangent.x[0] < 2.0 < tangent.x[-1]
    assert "-0.221399" in tangent.name
    assert figure.layout.xaxis.title.text == "a"
    low, high = figure.layout.yaxis.range
    assert low < np.nanmin(curve.roots)
    assert np.nanmax(curve.roots) < high
