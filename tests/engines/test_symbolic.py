"""SymPy derivatives under a budget (`core.engines.symbolic`, `core.engines.symbolic_worker`).

The worker pool is module-global (forkserver); it is started once here, and the budget
tests check that it keeps serving after a worker is killed.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
import types

import mpmath
import numpy as np
import pytest
import sympy

from core import BudgetExceeded, parse_expression
from core.engines import symbolic as core_symbolic
from core.engines import symbolic_worker
from core.engines.symbolic import ordinal, run_in_worker, symbolic_derivatives, symbolic_report
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


# -- piecewise-constant pieces: floor, ceil, sign of a composite argument ---------------

# f, points inside its domain and away from its jumps (where f is locally constant).
STEPS = [
    # ceil(atan(x^1.5)) jumps where atan(x^1.5) = 1, at x = tan(1)^(2/3) = 1.35...
    ("ceil(atan(x^1.5))", [0.2, 0.7, 1.2, 1.5, 3.0]),
    # sign(1/asin(x/1.3)) = sign(x) on [-1.3, 1.3], jumping through a pole at 0
    ("sign(1/asin(x/1.3))", [-1.2, -0.6, -0.1, 0.1, 0.6, 1.2]),
    # floor(asin(x)) jumps at 0 and at sin(1) = 0.84...
    ("floor(asin(x))", [-0.9, -0.4, 0.3, 0.7, 0.95]),
    ("floor(x)", [-1.5, 0.5, 2.25]),
    ("ceil(sin(x))", [-2.0, -0.5, 0.5, 2.0]),
    ("sign(log(x))", [0.5, 2.0]),
    ("sign(x^1.5 - 1)", [0.5, 2.0]),
]


def numpy_function(parsed):
    return lambda xs: parsed.numpy({"x": xs})


@pytest.mark.parametrize(("text", "points"), STEPS, ids=[text for text, _ in STEPS])
def test_piecewise_constant_functions_have_derivative_zero_away_from_their_jumps(text, points):
    """Every order 1..5 is 0 there, as finite differences of f (NumPy) also say."""
    parsed = parse_expression(text)
    xs = np.array(points)
    result = symbolic_report(parsed, 5, xs)
    assert result.message is None, result.message
    for derivative in result.derivatives:
        assert not derivative.has(sympy.Derivative, sympy.Subs), derivative
    np.testing.assert_array_equal(result.values[0], numpy_function(parsed)(xs))
    np.testing.assert_array_equal(result.values[1:], 0.0)
    # the independent witness: f is locally constant there
    f = numpy_function(parsed)
    np.testing.assert_array_equal(f(xs + 1e-3) - f(xs - 1e-3), 0.0)


def test_a_product_with_floor_keeps_floor_as_a_factor():
    parsed = parse_expression("floor(x)*sin(x)")
    x = parsed.symbols["x"]
    result = symbolic_report(parsed, 2, np.array([0.5, 1.5, 2.5]))
    assert result.message is None
    assert result.derivatives[1] == sympy.floor(x) * sympy.cos(x)
    assert result.derivatives[2] == -sympy.floor(x) * sympy.sin(x)


def mpmath_derivative(function, point: float, order: int) -> float:
    with mpmath.workdps(40):
        return float(mpmath.diff(function, mpmath.mpf(point), order))


# f, the same f written with mpmath by hand (the oracle), and points away from its kinks
KINKED = [
    ("abs(asin(x))", lambda u: abs(mpmath.asin(u)), [-0.8, -0.3, 0.2, 0.7]),
    ("abs(x^1.5 - 0.5)", lambda u: abs(u**1.5 - 0.5), [0.3, 0.5, 0.9, 1.6]),
    ("abs(log(x))", lambda u: abs(mpmath.log(u)), [0.4, 0.8, 1.3, 2.5]),
    ("abs(1/asin(x/1.3))", lambda u: abs(1 / mpmath.asin(u / 1.3)), [-1.1, -0.4, 0.3, 1.2]),
    ("max(asin(x), acos(x))", lambda u: max(mpmath.asin(u), mpmath.acos(u)), [-0.5, 0.3, 0.9]),
    ("min(x^1.5, cos(x))", lambda u: min(u**1.5, mpmath.cos(u)), [0.2, 0.6, 1.2]),
    ("where(asin(x) < 0.2, x^1.5, sin(x))",
     lambda u: u**1.5 if mpmath.asin(u) < 0.2 else mpmath.sin(u), [0.1, 0.15, 0.4, 0.8]),
    ("x*sign(log(x)) + abs(sin(x))", lambda u: u * mpmath.sign(mpmath.log(u)) + abs(mpmath.sin(u)),
     [0.5, 1.5, 4.0]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "oracle", "points"), KINKED, ids=[k[0] for k in KINKED])
def test_abs_max_min_where_of_composites_agree_with_mpmath(text, oracle, points):
    parsed = parse_expression(text)
    result = symbolic_report(parsed, 3, np.array(points))
    assert result.message is None, result.message
    for derivative in result.derivatives:
        assert not derivative.has(sympy.Derivative, sympy.Subs, sympy.re, sympy.im), derivative
    for order, row in enumerate(result.values):
        expected = [mpmath_derivative(oracle, point, order) for point in points]
        np.testing.assert_allclose(row, expected, rtol=1e-9, atol=1e-12, err_msg=f"order {order}")


def test_abs_of_an_argument_not_provably_real_has_the_real_rule():
    """d|asin x|/dx = sign(asin x)/sqrt(1 - x^2): no re(), im() or atan2."""
    parsed = parse_expression("abs(asin(x))")
    x = parsed.symbols["x"]
    (_, first) = symbolic_derivatives(parsed, 1)
    assert sympy.simplify(first - sympy.sign(sympy.asin(x)) / sympy.sqrt(1 - x**2)) == 0


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
    # SymEngine writes x^(x - 1) where SymPy writes x^x / x, which simplify cannot prove
    # equal for a real x: compare them as functions, at points where both are defined.
    xs = np.linspace(0.5, 1.5, 7)
    first = sympy.lambdify(x, error.partial[1], "numpy")(xs)
    np.testing.assert_allclose(first, sympy.lambdify(x, sympy.diff(parsed.sympy, x))(xs))


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


# -- a worker out of memory, and a worker that died ------------------------------------
# Module-level, so a worker can import them by name (it imports this module to run them).


def allocate_beyond_the_cap(*_args):
    """More address space than the worker's cap allows: MemoryError, in the worker."""
    return len(bytearray(core_symbolic.MEMORY_BYTES + 1))


def end_this_process(*_args):
    """The worker process is killed mid-request, as the OOM killer or an operator would."""
    os.kill(os.getpid(), signal.SIGKILL)


def test_run_in_worker_reports_the_memory_cap_and_the_worker_lives_on():
    with pytest.raises(BudgetExceeded) as caught:
        run_in_worker(allocate_beyond_the_cap, what="Simplifying")
    assert caught.value.message == ("Simplifying needed more than the worker's memory cap (2 GiB).")
    assert run_in_worker(symbolic_worker.ping) is True


def test_run_in_worker_reports_a_worker_that_died_and_the_pool_replaces_it():
    with pytest.raises(BudgetExceeded) as caught:
        run_in_worker(end_this_process, what="Solving")
    message = caught.value.message
    assert message.startswith("Solving stopped: its worker process ended unexpectedly")
    assert "killed by SIGKILL" in message
    assert "memory" not in message
    for _ in range(core_symbolic.WORKERS + 1):
        assert run_in_worker(symbolic_worker.ping) is True


def test_run_in_worker_raises_what_the_function_raised():
    with pytest.raises(ZeroDivisionError):
        run_in_worker(divmod, (1, 0))


@pytest.mark.parametrize(
    ("step", "says", "never_says"),
    [
        (allocate_beyond_the_cap, "too large to compute symbolically within the memory budget "
         "(SymPy needed more than the worker's 2 GiB cap)", "stopped"),
        (end_this_process, "was not computed: its SymPy worker process stopped mid-request "
         "(killed by SIGKILL", "memory budget"),
    ],
    ids=["memory cap", "worker died"],
)  # fmt: skip
def test_report_says_what_happened_to_the_worker(monkeypatch, step, says, never_says):
    # The step the report schedules is looked up at call time; the worker imports ours.
    monkeypatch.setattr(symbolic_worker, "derivative_step", step)
    result = symbolic_report(parse_expression("x^2"), 3, np.zeros(3))
    assert result.derivatives == ()
    assert result.message.startswith("The function ")
    assert says in result.message
    assert never_says not in result.message
    assert STILL_SHOWN in result.message
    monkeypatch.undo()
    assert symbolic_report(parse_expression("x^2"), 2).message is None


# -- workers never run the app ------------------------------------------------------------


def test_workers_never_run_the_main_script_another_thread_has_set(tmp_path):
    """Streamlit points `sys.modules["__main__"]` at the page script its thread runs.

    A worker started meanwhile, from any thread, must not run that script (which here
    leaves a mark and fails, as app.py failed in a worker).
    """
    mark = tmp_path / "the-script-ran"
    script = tmp_path / "app_like.py"
    script.write_text(f"open({str(mark)!r}, 'w').close()\nraise SystemExit('ran in a worker')\n")
    script_main = types.ModuleType("__main__")
    script_main.__file__ = str(script)
    original = sys.modules["__main__"]
    stop = threading.Event()

    def script_thread():  # sets __main__ again and again, as each rerun does
        while not stop.is_set():
            sys.modules["__main__"] = script_main
            stop.wait(0.0005)

    answers = []

    def fresh_pool_from_a_thread():
        pool = core_symbolic._new_pool()
        try:
            for _ in range(3 * core_symbolic.WORKERS):
                answers.append(pool.schedule(symbolic_worker.ping).result(timeout=60))
                pool.schedule(end_this_process)  # a respawn each time, as after a kill
        finally:
            pool.stop()
            pool.join()

    holder = threading.Thread(target=script_thread)
    holder.start()
    try:
        user = threading.Thread(target=fresh_pool_from_a_thread)
        user.start()
        user.join(timeout=300)
    finally:
        stop.set()
        holder.join()
        sys.modules["__main__"] = original
    assert not user.is_alive()
    assert answers == [True] * (3 * core_symbolic.WORKERS)
    assert not mark.exists()


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


@pytest.mark.parametrize("text", ["0^x", "0^(x^2 + 1)", "3*0^sin(x + 2) + x"])
def test_zero_to_a_varying_power_is_constant_where_it_is_defined(text):
    # 0^u is identically 0 where u > 0: SymPy's 0^u log(0) u' would give nan there.
    parsed = parse_expression(text)
    derivatives = symbolic_derivatives(parsed, 3)
    x = parsed.symbols["x"]
    for derivative in derivatives[1:]:
        assert not derivative.has(sympy.nan, sympy.zoo)
    assert sympy.simplify(derivatives[1] - (1 if text.endswith("+ x") else 0)) == 0
    assert derivatives[2] == 0
    assert derivatives[0].subs(x, 1) == (1 if text.endswith("+ x") else 0)


# -- the budget is computing time -----------------------------------------------------------


def spin_forever() -> None:
    while True:
        pass


def test_the_budget_is_cpu_time_so_waiting_in_a_worker_does_not_spend_it():
    # 1.5 s asleep is 1.5 s on the clock but almost no computing time: within 0.5 s of CPU.
    assert run_in_worker(time.sleep, (1.5,), budget=0.5) is None


def test_a_worker_computing_past_its_cpu_budget_is_stopped_by_the_kernel():
    started = time.monotonic()
    with pytest.raises(BudgetExceeded) as caught:
        run_in_worker(spin_forever, budget=0.5, what="Spinning")
    assert caught.value.message == (
        "Spinning needed more than its budget of 0.5 s of computing time."
    )
    assert time.monotonic() - started < core_symbolic.WALL_SECONDS
    assert run_in_worker(symbolic_worker.ping) is True


def test_a_request_starved_of_the_cores_ends_at_the_wall_clock_limit(monkeypatch):
    monkeypatch.setattr(core_symbolic, "WALL_SECONDS", 1.0)
    with pytest.raises(BudgetExceeded) as caught:
        run_in_worker(time.sleep, (30.0,), budget=0.2, what="Waiting")
    assert caught.value.message == "Waiting could not finish within 1 s: the server is busy."
    monkeypatch.setattr(symbolic_worker, "derivative_step", sleep_instead)
    result = symbolic_report(parse_expression("x^2"), 2, budget=0.2)
    assert result.transient is True  # the server's state, not the expression: retried later
    assert "the server was too busy to finish it within 1 s" in result.message
    monkeypatch.undo()
    assert symbolic_report(parse_expression("x^2"), 2).transient is False


def sleep_instead(*_args) -> None:
    time.sleep(30)
