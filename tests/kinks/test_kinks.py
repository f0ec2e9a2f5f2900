"""The kink panel against hand-computed values, and the where trap."""

from __future__ import annotations

import math

import pytest

from core import parse_expression
from core.engines.symbolic import warm_up
from core.kinks.kink_report import KINK_EXAMPLES, kink_report, reverse_derivative, where_trap


@pytest.fixture(scope="module", autouse=True)
def _workers():
    warm_up()


def _answers(text: str, x0: float) -> dict[str, float]:
    report = kink_report(parse_expression(text), x0)
    return {answer.method: answer.value for answer in report.answers}


def test_absolute_value_at_zero():
    values = _answers("|x|", 0.0)
    assert values["slope from the left"] == pytest.approx(-1.0)
    assert values["slope from the right"] == pytest.approx(1.0)
    assert values["central difference"] == pytest.approx(0.0, abs=1e-12)
    assert values["SymPy"] == 0.0  # sign(0) = 0
    assert values["JAX forward mode (jvp/jet)"] == 1.0  # abs'(0) = 1 by JAX's rule
    assert values["JAX reverse mode (grad)"] == 1.0


def test_relu_at_zero_splits_the_difference():
    values = _answers("max(x, 0)", 0.0)
    assert values["slope from the left"] == pytest.approx(0.0, abs=1e-12)
    assert values["slope from the right"] == pytest.approx(1.0)
    assert values["central difference"] == pytest.approx(0.5)
    assert values["SymPy"] == 0.5  # Heaviside(0) = 1/2
    assert values["JAX forward mode (jvp/jet)"] == 0.5
    assert values["JAX reverse mode (grad)"] == 0.5


def test_floor_jump_is_named_and_the_central_difference_blows_up():
    report = kink_report(parse_expression("floor(x)"), 1.0)
    values = {a.method: a.value for a in report.answers}
    assert values["slope from the left"] == 0.0
    assert values["slope from the right"] == 0.0
    assert values["central difference"] == pytest.approx(1 / (2 * 1e-5), rel=1e-6)
    assert "jumps" in report.answers[0].explanation


def test_piecewise_one_sided_slopes():
    values = _answers("where(x < 0, -x^2, x + x^2)", 0.0)
    assert values["slope from the left"] == pytest.approx(0.0, abs=1e-6)
    assert values["slope from the right"] == pytest.approx(1.0, abs=1e-6)
    assert values["JAX forward mode (jvp/jet)"] == 1.0  # x = 0 takes the second branch
    assert values["SymPy"] == 1.0


def test_sqrt_at_zero_and_sin_x_over_x_are_flagged_not_fatal():
    sqrt_values = _answers("sqrt(x)", 0.0)
    assert math.isinf(sqrt_values["SymPy"])
    assert not math.isfinite(sqrt_values["JAX forward mode (jvp/jet)"])
    report = kink_report(parse_expression("sin(x)/x"), 0.0)
    assert "undefined at x₀" in report.answers[0].explanation
    assert math.isnan({a.method: a.value for a in report.answers}["JAX reverse mode (grad)"])


def test_smooth_point_agrees_everywhere():
    values = _answers("sin(x)", 0.3)
    for value in values.values():
        assert value == pytest.approx(math.cos(0.3), rel=1e-6)


@pytest.mark.parametrize("example", KINK_EXAMPLES, ids=[e.label for e in KINK_EXAMPLES])
def test_every_example_explains_every_method(example):
    report = kink_report(parse_expression(example.text), example.x0)
    assert len(report.answers) == 6
    assert all(answer.explanation for answer in report.answers)


def test_where_trap_and_its_fix():
    trap = where_trap()
    assert math.isnan(trap.naive_at_zero)
    assert trap.fixed_at_zero == 0.0
    assert trap.naive_forward_at_zero == 0.0
    positive = trap.xs > 0.1
    assert trap.fixed_reverse[positive] == pytest.approx(0.5 / trap.xs[positive] ** 0.5)
    assert reverse_derivative(parse_expression("x^3"), 2.0) == 12.0
