"""SymPy's partial derivatives, Hessian and Jacobian in a worker (`symbolic_partials`),
against the closed forms, the SymPy oracle evaluated by mpmath, and AD."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from core import hessian, jacobian, parse_expression, parse_vector
from core.engines.bounded_parse import parse_vector_bounded
from core.errors import BudgetExceeded, ExpressionError
from core.several_variables import symbolic_partials as symbolic_partials_module
from core.several_variables.derivatives import gradient
from core.several_variables.symbolic_partials import symbolic_jacobian, symbolic_partials
from tests.several_variables.sympy_oracle import (
    assert_close_where_moderate,
    points,
    smooth_expressions,
    sympy_gradient,
    sympy_hessian,
    sympy_jacobian,
)

XY = ("x", "y")


def test_the_lectures_partials_of_x2_plus_y():
    result = symbolic_partials(parse_expression("x^2 + y", XY), [2.0, 3.0])
    assert result.message is None
    assert result.gradient_latex == ("2 x", "1")
    np.testing.assert_allclose(result.gradient, [4.0, 1.0], rtol=1e-14)
    assert result.hessian is None


def test_rosenbrocks_hessian_at_its_minimum():
    rosenbrock = parse_expression("(1 - x)^2 + 100(y - x^2)^2", XY)
    result = symbolic_partials(rosenbrock, [1.0, 1.0], second=True)
    np.testing.assert_allclose(result.gradient, [0.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(result.hessian, [[802.0, -400.0], [-400.0, 200.0]], rtol=1e-13)
    assert result.hessian_latex[1][1] == "200"
    assert result.hessian_latex[0][1] == result.hessian_latex[1][0]


def test_three_variables_as_in_the_pytorch_lecture():
    f = parse_expression("x^3 + 2y^2 - 3z + 1", ("x", "y", "z"))
    np.testing.assert_allclose(symbolic_partials(f, [1, 2, 3]).gradient, [3, 8, -3], rtol=1e-14)


def test_the_pycse_jacobian():
    result = symbolic_jacobian(parse_vector("[x^2*y, 5x + sin(y)]"), [0.5, 0.5])
    assert result.message is None
    np.testing.assert_allclose(result.values, [[0.5, 0.25], [5.0, np.cos(0.5)]], rtol=1e-14)
    assert result.latex[1][0] == "5"


def test_parameters_default_to_one_and_can_be_set():
    f = parse_expression("a x^2 + b y", XY)
    np.testing.assert_allclose(symbolic_partials(f, [2, 3]).gradient, [4, 1])
    np.testing.assert_allclose(symbolic_partials(f, [2, 3], {"a": 3, "b": -2}).gradient, [12, -2])
    vector = parse_vector("[a x, y]")
    np.testing.assert_allclose(symbolic_jacobian(vector, [1, 1], {"a": 5}).values, [[5, 0], [0, 1]])


def test_values_are_nan_where_the_derivative_is_not_real():
    result = symbolic_partials(parse_expression("sqrt(x) + y", XY), [-1.0, 0.0])
    assert np.isnan(result.gradient[0])
    assert result.gradient[1] == 1.0


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=smooth_expressions(), point=points)
def test_gradient_and_hessian_equal_the_oracle_and_ad(text, point):
    parsed = parse_expression(text, XY)
    result = symbolic_partials(parsed, point, second=True, budget=30.0)
    assert result.message is None
    assert_close_where_moderate(result.gradient, sympy_gradient(parsed, point), 1e-9, "∇f")
    assert_close_where_moderate(result.hessian, sympy_hessian(parsed, point), 1e-9, "H")
    assert_close_where_moderate(gradient(parsed, point), result.gradient, 1e-9, "AD ∇f")
    assert_close_where_moderate(hessian(parsed, point), result.hessian, 1e-8, "AD H")


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=smooth_expressions(), second=smooth_expressions(), point=points)
def test_jacobian_equals_the_oracle_and_both_ad_modes(first, second, point):
    vector = parse_vector(f"[{first}, {second}]")
    result = symbolic_jacobian(vector, point, budget=30.0)
    assert result.message is None
    assert_close_where_moderate(result.values, sympy_jacobian(vector, point), 1e-9, "J")
    for mode in ("forward", "reverse"):
        assert_close_where_moderate(jacobian(vector, point, mode), result.values, 1e-9, mode)


@pytest.mark.parametrize("transient", [False, True])
def test_a_budget_that_runs_out_gives_a_message_not_an_error(monkeypatch, transient):
    # The budget's enforcement (RLIMIT_CPU in the worker) is tested in tests/engines; here,
    # what these functions make of it.
    def out_of_budget(*_args, **_kwargs):
        raise BudgetExceeded("SymPy's part needed more than its budget.", transient=transient)

    monkeypatch.setattr(symbolic_partials_module, "run_in_worker", out_of_budget)
    result = symbolic_partials(parse_expression("x^x^x^x + y", XY), [1.0, 1.0])
    assert result.gradient is None
    assert result.gradient_latex == ()
    assert "budget" in result.message
    assert "AD and finite differences are still shown" in result.message
    assert result.transient is transient  # a busy server's result is not kept by the queue
    jacobian_result = symbolic_jacobian(parse_vector("[x, y]"), [1, 1])
    assert jacobian_result.values is None
    assert "budget" in jacobian_result.message
    assert jacobian_result.transient is transient


def test_what_sympy_raises_ends_in_a_sentence(monkeypatch):
    def fails(*_args, **_kwargs):
        raise RecursionError("deep")

    monkeypatch.setattr(symbolic_partials_module, "run_in_worker", fails)
    result = symbolic_partials(parse_expression("x + y", XY), [1.0, 1.0], second=True)
    assert result.message.startswith("The second partial derivatives are beyond what SymPy")


def test_a_point_of_the_wrong_length():
    with pytest.raises(ValueError, match=r"needs 2 numbers, one per variable \(x, y\); got 3"):
        symbolic_partials(parse_expression("x + y", XY), [1, 2, 3])
    with pytest.raises(ValueError, match="needs 2 numbers"):
        symbolic_jacobian(parse_vector("[x, y]"), [1])


def test_vector_parsing_in_a_worker_gives_the_parsers_errors_and_positions():
    vector = parse_vector_bounded("[x^2*y, 5x + sin(y)]")
    assert vector.text == parse_vector("[x^2*y, 5x + sin(y)]").text
    with pytest.raises(ExpressionError) as raised:
        parse_vector_bounded("[x, , y]")
    assert raised.value.position == 3
    assert "Component 2 is empty" in raised.value.message
    with pytest.raises(ExpressionError, match="must be text"):
        parse_vector_bounded(None)
