"""Every slip issue 24 names is found by a rule, with positive and negative examples: the
slips `core.teaching.slips` knows, and the four the class names apart
(`core.classroom.more_slips`)."""

from __future__ import annotations

import pytest

from core import parse_expression
from core.classroom import more_slips
from core.classroom.more_slips import class_slip, extra_slip
from core.teaching import slips

# The issue's list -> the name the dashboard shows.
ISSUE_SLIPS = {
    "chain rule missing the inner derivative": slips.CHAIN,
    "sign error": slips.SIGN,
    "product rule written as f′g′": slips.PRODUCT,
    "quotient rule with the numerator reversed": slips.QUOTIENT,
    "power rule exponent not lowered": slips.POWER,
    "power rule coefficient missing": more_slips.POWER_COEFFICIENT,
    "derivative of a constant kept": more_slips.CONSTANT_KEPT,
    "e^(kx) without its factor": slips.EXPONENTIAL,
    "a^x without its factor": more_slips.BASE_FACTOR,
    "ln u as 1/u": more_slips.LOG,
}

# (f, a wrong answer, order, the slip the class names)
SLIPPED = [
    ("sin(x^2)", "cos(x^2)", 1, slips.CHAIN),
    ("(3x + 1)^4", "4(3x + 1)^3", 1, slips.CHAIN),
    ("cos(x)", "sin(x)", 1, slips.SIGN),
    ("x^2 + cos(x)", "2x + sin(x)", 1, slips.SIGN),
    ("x^2 sin(x)", "2x cos(x)", 1, slips.PRODUCT),
    ("x e^x", "e^x", 1, slips.PRODUCT),
    ("sin(x)/x", "(sin(x) - x cos(x))/x^2", 1, slips.QUOTIENT),
    ("x^2/(x + 1)", "(x^2 - 2x(x + 1))/(x + 1)^2", 1, slips.QUOTIENT),
    ("x^3", "3x^3", 1, slips.POWER),
    ("x^4 + x", "4x^4 + 1", 1, slips.POWER),
    ("x^3", "x^2", 1, more_slips.POWER_COEFFICIENT),
    ("x^5 + sin(x)", "x^4 + cos(x)", 1, more_slips.POWER_COEFFICIENT),
    ("sqrt(x)", "x^(-1/2)", 1, more_slips.POWER_COEFFICIENT),
    ("x^2 + 5", "2x + 5", 1, more_slips.CONSTANT_KEPT),
    ("sin(x) - 7", "cos(x) - 7", 1, more_slips.CONSTANT_KEPT),
    ("(x^2 + 3)^2", "2(x^2 + 3)(2x + 3)", 1, more_slips.CONSTANT_KEPT),
    ("e^(3x)", "e^(3x)", 1, slips.EXPONENTIAL),
    ("e^(-x^2)", "e^(-x^2)", 1, slips.EXPONENTIAL),
    ("2^x", "2^x", 1, more_slips.BASE_FACTOR),
    ("3^(2x)", "2*3^(2x)", 1, more_slips.BASE_FACTOR),
    ("5^x + x^2", "5^x + 2x", 1, more_slips.BASE_FACTOR),
    ("ln(x^2 + 1)", "1/(x^2 + 1)", 1, more_slips.LOG),
    ("ln(sin(x))", "1/sin(x)", 1, more_slips.LOG),
    ("ln(3x)", "1/(3x)", 1, more_slips.LOG),
]

# (f, the right derivative, order): no slip is named for a right answer
RIGHT = [
    ("x^3", "3x^2", 1),
    ("x^2 + 5", "2x", 1),
    ("2^x", "2^x ln(2)", 1),
    ("3^(2x)", "2 ln(3) 3^(2x)", 1),
    ("ln(x^2 + 1)", "2x/(x^2 + 1)", 1),
    ("ln(x)", "1/x", 1),  # u = x: 1/u is right
    ("sqrt(x)", "1/(2 sqrt(x))", 1),
    ("x^4 + 2", "12x^2", 2),
]

# (f, a wrong answer no rule explains, order)
UNRELATED = [
    ("x^3", "x^3 + 1", 1),
    ("x^2 + 5", "2x + 6", 1),
    ("2^x", "x 2^(x - 1) + 1", 1),
    ("ln(x^2 + 1)", "1/(x^2 + 2)", 1),
    ("sqrt(x)", "x^(-1/3)", 1),
    ("x^5 + sin(x)", "x^4 - cos(x)", 1),
]


def name(f: str, answer: str, order: int) -> str | None:
    parsed_f, parsed_answer = parse_expression(f), parse_expression(answer)
    variable = parsed_f.symbols["x"]
    found = class_slip(parsed_f.sympy, parsed_answer.sympy, variable, order, {})
    return None if found is None else found.name


def test_every_slip_of_the_issue_is_named_and_tested_twice():
    named = [slip for *_, slip in SLIPPED]
    for slip in ISSUE_SLIPS.values():
        assert slip in more_slips.ALL_SLIPS
        assert named.count(slip) >= 2, slip
    assert set(more_slips.EXTRA_SLIPS) <= set(ISSUE_SLIPS.values())


@pytest.mark.parametrize(("f", "answer", "order", "slip"), SLIPPED)
def test_the_slip_is_named(f, answer, order, slip):
    assert name(f, answer, order) == slip


@pytest.mark.parametrize(("f", "answer", "order"), RIGHT)
def test_a_right_answer_names_no_slip(f, answer, order):
    assert name(f, answer, order) is None


@pytest.mark.parametrize(("f", "answer", "order"), UNRELATED)
def test_an_unrelated_wrong_answer_names_no_slip(f, answer, order):
    assert name(f, answer, order) is None


@pytest.mark.parametrize(("f", "answer", "order", "slip"), SLIPPED)
def test_a_new_rule_never_fires_for_another_slip(f, answer, order, slip):
    parsed_f, parsed_answer = parse_expression(f), parse_expression(answer)
    found = extra_slip(parsed_f.sympy, parsed_answer.sympy, parsed_f.symbols["x"], order, {})
    expected = slip if slip in more_slips.EXTRA_SLIPS else None
    assert (None if found is None else found.name) == expected


def test_a_slip_the_teaching_module_named_is_kept_when_known():
    f, answer = parse_expression("x^2 sin(x)"), parse_expression("2x cos(x)")
    kept = class_slip(f.sympy, answer.sympy, f.symbols["x"], 1, {}, slips.PRODUCT)
    assert kept.name == slips.PRODUCT
    assert kept.explanation == slips.EXPLANATIONS[slips.PRODUCT]
