"""Checking a student's derivative (`core.check_answer`).

Which answers are right is decided here by hand (the maths), and the reported worst
point and difference are checked against hand-written NumPy functions.
"""

from __future__ import annotations

import numpy as np
import pytest

import core
from core import BudgetExceeded, ExpressionError, parse_expression
from core.engines import symbolic as core_symbolic
from core.teaching import answer_check, equality
from core.teaching.answer_grid import plot_grid, plot_range


@pytest.fixture(scope="module", autouse=True)
def pool():
    core_symbolic.warm_up()


def check(f: str, answer: str, order: int = 1, **keywords) -> core.AnswerCheck:
    return core.check_answer(parse_expression(f), answer, order, **keywords)


EQUAL = [
    ("sin(x)^2", "sin(2x)", 1),
    ("sin(x)^2", "2 sin(x) cos(x)", 1),
    ("exp(2x)", "4e^(2x)", 2),
    ("x^2*sin(x)", "2x sin(x) + x^2 cos(x)", 1),
    ("x^2*sin(x)", "2x·sin(x) + x²cos(x)", 1),  # typed with unicode, as on the page
    ("tan(x)", "1 + tan(x)^2", 1),
    ("tan(x)", "sec(x)^2", 1),
    ("x^x", "x^x (log(x) + 1)", 1),
    ("x^5", "120", 5),
    ("sin(x)", "sin(x)", 4),
    ("exp(-x^2)", "(4x^2 - 2) e^(-x^2)", 2),
    ("|x|", "sign(x)", 1),
    ("log(x)", "1/x", 1),  # f is defined for x > 0 only
    ("sqrt(x)", "0.5 x^(-0.5)", 1),
    ("log(x - 10)", "1/(x - 10)", 1),  # defined only beyond 10
    ("(a*x+b)^m", "a m (a x + b)^(m-1)", 1),
    ("x", "cosh(x)^2 - sinh(x)^2", 1),  # rounds badly at |x| = 20: SymPy's proof decides
]


@pytest.mark.parametrize(("f", "answer", "order"), EQUAL, ids=[f"{f} | {a}" for f, a, _ in EQUAL])
def test_equal_but_differently_written_answers_are_correct(f, answer, order):
    result = check(f, answer, order)
    assert result.correct, result.message
    assert result.worst_point is None
    assert result.difference is None
    assert result.message.startswith("Correct")
    assert result.proven is True
    assert result.points >= equality.MINIMUM_POINTS


def test_only_points_of_the_domain_are_compared():
    assert 0 < check("log(x)", "1/x").points < equality.SAMPLES
    assert check("x^2", "2x").points == equality.SAMPLES


# (f, answer, order, hint in the message, |answer - f^(n)| by hand)
NEAR_MISSES = [
    ("sin(2x)", "cos(2x)", 1, "chain rule: the inner derivative is missing",
     lambda x: np.abs(np.cos(2 * x))),
    ("sin(2x)", "-2cos(2x)", 1, "known slip, sign: your answer is −",
     lambda x: np.abs(4 * np.cos(2 * x))),
    ("sin(2x)", "3cos(2x)", 1, "1.5 times f′", lambda x: np.abs(np.cos(2 * x))),
    ("x^2", "2x + 1", 1, "f′ + 1 everywhere", lambda x: np.ones_like(x)),
    ("x^2", "2x - 3", 1, "f′ − 3 everywhere", lambda x: 3 * np.ones_like(x)),
    ("x^2 + 1e-3*x", "2x", 1, "f′ − 0.001", lambda x: 1e-3 * np.ones_like(x)),
    ("exp(x)*sin(x)", "exp(x)*cos(x)", 1, "product rule written as f′g′",
     lambda x: np.abs(np.exp(x) * np.sin(x))),
    ("exp(x)*sin(x)", "exp(x)*cos(x) + 1", 1, "differs from f′ by up to",
     lambda x: np.abs(np.exp(x) * np.sin(x) - 1)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("f", "answer", "order", "hint", "gap"), NEAR_MISSES, ids=[m[1] for m in NEAR_MISSES]
)
def test_near_misses_say_where_they_differ_most_and_how(f, answer, order, hint, gap):
    """The largest difference reported is the largest on the plotted grid (issue 21)."""
    result = check(f, answer, order)
    assert not result.correct
    assert hint in result.message
    low, high = plot_range(result.worst_point)
    xs = plot_grid(high)
    assert low == -high
    assert result.worst_point in xs
    assert result.difference == pytest.approx(float(np.max(gap(xs))), rel=1e-9)
    assert result.difference == pytest.approx(float(gap(np.array(result.worst_point))), rel=1e-9)


WRONG_ORDER = [
    ("x^3", "6x", 1, "your answer is f″, the 2nd derivative: you differentiated once more"),
    ("x^3", "x^3", 1, "your answer is f itself, not f′"),
    ("x^4", "12x^2", 3, "your answer is f″, the 2nd derivative, not the 3rd derivative f‴"),
    ("sin(x)", "-cos(x)", 4, "f‴, the 3rd derivative, not the 4th derivative f⁽⁴⁾"),
]


@pytest.mark.parametrize(("f", "answer", "order", "hint"), WRONG_ORDER)
def test_an_answer_of_the_wrong_order_is_named(f, answer, order, hint):
    result = check(f, answer, order)
    assert not result.correct
    assert hint in result.message
    assert result.difference > 0


def test_a_constant_too_small_for_the_numbers_is_caught_by_sympy():
    result = check("x^2", "2x + 1e-12")
    assert not result.correct
    assert "a constant is off" in result.message
    assert result.difference == pytest.approx(1e-12)


# -- parameters ----------------------------------------------------------------------------


def test_parameters_stay_symbols_and_take_the_pages_values():
    assert check("a*x^2", "2a*x").correct
    assert check("a*x^2", "2a*x", params={"a": 3.0}).proven is True


@pytest.mark.parametrize(("answer", "params"), [("2x", None), ("6x", {"a": 3.0})])
def test_an_answer_right_only_for_the_sliders_values_is_wrong(answer, params):
    result = check("a*x^2", answer, params=params)
    assert not result.correct
    assert "for these parameter values but not for others" in result.message
    assert result.difference > 0


def test_a_parameter_f_does_not_have_is_an_input_error():
    with pytest.raises(ExpressionError, match="uses b, which f does not have") as info:
        check("a*x^2", "2a*x + 0*b")
    assert info.value.position == 9


def test_unknown_parameter_names_are_rejected():
    with pytest.raises(ValueError, match="z is not a parameter"):
        check("a*x^2", "2a*x", params={"z": 1.0})


# -- domains and piecewise functions -------------------------------------------------------


def test_an_answer_undefined_where_the_derivative_is_defined_is_wrong():
    result = check("x^2", "2 sqrt(x)^2")  # SymPy's sqrt(x)^2 is x, NumPy's is nan for x < 0
    assert not result.correct
    assert result.worst_point < 0
    assert result.difference == np.inf
    assert "undefined at x = " in result.message


@pytest.mark.parametrize(
    ("f", "answer"), [("log(|x|)", "1/x"), ("sign(sin(x))", "0"), ("floor(x)", "0")]
)
def test_piecewise_and_domain_answers_agree_by_the_numbers(f, answer):
    result = check(f, answer)
    assert result.correct, result.message
    assert result.points >= equality.MINIMUM_POINTS


def test_a_wrong_piece_is_found():
    result = check("max(x, x^2)", "where(x < 0, 2x, 1)")  # 2x is right for x > 1 too
    assert not result.correct
    assert result.worst_point > 1
    assert result.difference == pytest.approx(2 * result.worst_point - 1)


def test_a_function_defined_almost_nowhere_cannot_be_checked():
    result = check("sqrt(-1 - x^2)", "0")
    assert not result.correct
    assert result.message.startswith("Could not check")
    assert result.points == 0


# -- when SymPy gives up -------------------------------------------------------------------


@pytest.mark.parametrize(("answer", "correct"), [("sec(x)^2", True), ("sec(x)", False)])
def test_the_numbers_decide_when_simplify_runs_out(monkeypatch, answer, correct):
    real = answer_check.run_in_worker

    def no_time_to_simplify(function, args=(), budget=None, what="This"):
        if function is equality.simplify_difference:
            raise BudgetExceeded(f"{what} took longer than its budget.")
        return real(function, args, budget, what)

    monkeypatch.setattr(answer_check, "run_in_worker", no_time_to_simplify)
    result = check("tan(x)", answer)
    assert result.correct is correct
    assert result.proven is None
    if correct:
        assert "SymPy ran out of time simplifying the difference" in result.message


# -- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "position"), [("2x +", 4), ("sin(x", 5), ("2x ++ )", 6), ("", None), ("foo(x)", 0)]
)
def test_an_answer_that_does_not_parse_raises_with_its_position(answer, position):
    with pytest.raises(ExpressionError) as info:
        check("x^2", answer)
    assert info.value.position == position
    assert info.value.message


@pytest.mark.parametrize("order", [0, 11, -1])
def test_orders_out_of_range_are_rejected(order):
    with pytest.raises(ValueError, match="order must be between 1 and 10"):
        check("x^2", "2x", order)


def test_functions_of_several_variables_are_rejected():
    with pytest.raises(ValueError, match="one variable"):
        core.check_answer(parse_expression("x*y", ("x", "y")), "y")


def test_the_contract_names_are_importable_from_core():
    assert core.AnswerCheck is answer_check.AnswerCheck
    result = check("x^2", "2x")
    assert result == (True, None, None, result.message, result.points, True, None)
