"""The slip detector (issue 21, item 7; issue 24's list for the class's dashboard): each
known slip named for at least two functions, never for a right answer or an unrelated
wrong one, a sharper name before the one it refines; and the answer check's reported
worst difference is the one its figure draws."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from core import check_answer, parse_expression
from core.teaching import check_figures, slips
from core.teaching.slips import find_slip, name_slip

# Issue 24's list of slips -> the name the class's dashboard shows.
ISSUE_SLIPS = {
    "chain rule missing the inner derivative": slips.CHAIN,
    "sign error": slips.SIGN,
    "product rule written as f′g′": slips.PRODUCT,
    "quotient rule with the numerator reversed": slips.QUOTIENT,
    "power rule exponent not lowered": slips.POWER,
    "power rule coefficient missing": slips.POWER_COEFFICIENT,
    "derivative of a constant kept": slips.CONSTANT_KEPT,
    "e^(kx) without its factor": slips.EXPONENTIAL,
    "a^x without its factor": slips.BASE_FACTOR,
    "ln u as 1/u": slips.LOG,
}
# The rules that sharpen a general name: tried before the chain rule and f itself.
SHARPER = (slips.LOG, slips.CONSTANT_KEPT, slips.POWER_COEFFICIENT, slips.BASE_FACTOR)

# (f, a wrong answer, order, the slip that explains it)
SLIPPED = [
    ("x^2 sin(x)", "2x cos(x)", 1, slips.PRODUCT),
    ("e^x cos(x)", "-e^x sin(x)", 1, slips.PRODUCT),
    ("x^3 ln(x)", "3x^2/x", 1, slips.PRODUCT),
    ("x e^x", "e^x", 1, slips.PRODUCT),
    ("sin(3x)", "cos(3x)", 1, slips.CHAIN),
    ("(x^2 + 1)^5", "5(x^2 + 1)^4", 1, slips.CHAIN),
    ("sin(x^2)", "cos(x^2)", 1, slips.CHAIN),
    ("(3x + 1)^4", "4(3x + 1)^3", 1, slips.CHAIN),
    ("ln(x^2 + 1)", "1/(x^2 + 1)", 1, slips.LOG),  # also the chain rule: LOG is sharper
    ("ln(sin(x))", "1/sin(x)", 1, slips.LOG),
    ("ln(3x)", "1/(3x)", 1, slips.LOG),
    ("x^2 cos(x)", "2x cos(x) + x^2 sin(x)", 1, slips.SIGN),
    ("cos(x)", "sin(x)", 1, slips.SIGN),
    ("x^3 - tan(x)", "-3x^2 + sec(x)^2", 1, slips.SIGN),
    ("x^2 + cos(x)", "2x + sin(x)", 1, slips.SIGN),
    ("sin(x)/x", "(sin(x) - x cos(x))/x^2", 1, slips.QUOTIENT),
    ("x^2/(x + 1)", "(x^2 - 2x(x + 1))/(x + 1)^2", 1, slips.QUOTIENT),
    ("sin(x)/x", "cos(x)", 1, slips.QUOTIENT_DIVIDED),
    ("(x^2 + 1)/(x^3 + 2)", "2x/(3x^2)", 1, slips.QUOTIENT_DIVIDED),
    ("x^3", "3x^3", 1, slips.POWER),
    ("x^5 + sin(x)", "5x^5 + cos(x)", 1, slips.POWER),
    ("x^4 + x", "4x^4 + 1", 1, slips.POWER),
    ("x^3", "x^2", 1, slips.POWER_COEFFICIENT),
    ("x^5 + sin(x)", "x^4 + cos(x)", 1, slips.POWER_COEFFICIENT),
    ("sqrt(x)", "x^(-1/2)", 1, slips.POWER_COEFFICIENT),
    ("e^(3x)", "e^(3x)", 1, slips.EXPONENTIAL),
    ("e^(x^2) + x", "e^(x^2) + 1", 1, slips.EXPONENTIAL),
    ("e^(-x^2)", "e^(-x^2)", 1, slips.EXPONENTIAL),
    ("2^x", "2^x", 1, slips.BASE_FACTOR),  # also f itself: BASE_FACTOR is sharper
    ("3^(2x)", "2*3^(2x)", 1, slips.BASE_FACTOR),
    ("5^x + x^2", "5^x + 2x", 1, slips.BASE_FACTOR),
    ("3x^2", "2x", 1, slips.CONSTANT),
    ("5 sin(x)", "cos(x)", 1, slips.CONSTANT),
    ("x^2 + 5", "2x + 5", 1, slips.CONSTANT_KEPT),
    ("sin(x) - 7", "cos(x) - 7", 1, slips.CONSTANT_KEPT),
    ("(x^2 + 3)^2", "2(x^2 + 3)(2x + 3)", 1, slips.CONSTANT_KEPT),
    ("sin(x) + x^2", "sin(x) + x^2", 1, slips.ITSELF),
    ("x ln(x)", "x ln(x)", 1, slips.ITSELF),
    ("x^3", "x^4/4", 1, slips.ANTIDERIVATIVE),
    ("2x + 1", "x^2 + x", 1, slips.ANTIDERIVATIVE),
    ("x^4", "24x", 2, slips.TOO_MANY),
    ("x^3 + 5x", "6x", 1, slips.TOO_MANY),
    ("x^4", "4x^3", 2, slips.TOO_FEW),
    ("sin(2x)", "-4 sin(2x)", 3, slips.TOO_FEW),
]

RIGHT = [
    ("x^2 sin(x)", "2x sin(x) + x^2 cos(x)", 1),
    ("sin(3x)", "3cos(3x)", 1),
    ("sin(x)/x", "(x cos(x) - sin(x))/x^2", 1),
    ("e^(3x)", "3e^(3x)", 1),
    ("x^3", "3x^2", 1),
    ("3x^2", "6x", 1),
    ("cos(x)", "-sin(x)", 1),
    ("x^4", "12x^2", 2),
    ("x^2 + 5", "2x", 1),
    ("2^x", "2^x ln(2)", 1),
    ("3^(2x)", "2 ln(3) 3^(2x)", 1),
    ("ln(x^2 + 1)", "2x/(x^2 + 1)", 1),
    ("ln(x)", "1/x", 1),  # u = x: 1/u is right
    ("sqrt(x)", "1/(2 sqrt(x))", 1),
    ("x^4 + 2", "12x^2", 2),
]

UNRELATED = [
    ("x^2 sin(x)", "2x sin(x) + cos(x)", 1),
    ("x^2 sin(x)", "x^3", 1),
    ("sin(3x)", "3sin(3x) + 1", 1),
    ("x^3", "7", 1),
    ("e^(3x)", "x e^x", 1),
    ("sin(x)/x", "1/x^2", 1),
    ("x^4", "x^2", 2),
    ("tan(x)", "sec(x)", 1),
    ("x^3", "x^3 + 1", 1),
    ("x^2 + 5", "2x + 6", 1),
    ("2^x", "x 2^(x - 1) + 1", 1),
    ("ln(x^2 + 1)", "1/(x^2 + 2)", 1),
    ("sqrt(x)", "x^(-1/3)", 1),
    ("x^5 + sin(x)", "x^4 - cos(x)", 1),
]


def test_every_slip_is_tested_twice():
    named = [slip for *_, slip in SLIPPED]
    assert {slip: named.count(slip) >= 2 for slip in slips.SLIPS} == dict.fromkeys(
        slips.SLIPS, True
    )


def test_every_slip_of_issue_24_is_named():
    assert set(ISSUE_SLIPS.values()) <= set(slips.SLIPS)
    assert set(SHARPER) <= set(ISSUE_SLIPS.values())


@pytest.mark.parametrize(("f", "answer", "order", "slip"), SLIPPED)
def test_the_slip_is_named(f, answer, order, slip):
    assert name_slip(parse_expression(f), parse_expression(answer), order) == slip


@pytest.mark.parametrize(("f", "answer", "order", "slip"), SLIPPED)
def test_a_sharper_rule_never_fires_for_another_slip(f, answer, order, slip, monkeypatch):
    monkeypatch.setattr(slips, "RULES", SHARPER)  # these rules alone, then f's derivatives
    found = name_slip(parse_expression(f), parse_expression(answer), order)
    assert (found if found in SHARPER else None) == (slip if slip in SHARPER else None)


@pytest.mark.parametrize(
    ("f", "answer", "sharper", "general"),
    [("ln(x^2 + 1)", "1/(x^2 + 1)", slips.LOG, slips.CHAIN),
     ("2^x", "2^x", slips.BASE_FACTOR, slips.ITSELF)],
)  # fmt: skip
def test_the_sharper_name_wins(f, answer, sharper, general, monkeypatch):
    parsed, typed = parse_expression(f), parse_expression(answer)
    assert name_slip(parsed, typed) == sharper
    monkeypatch.setattr(slips, "RULES", tuple(rule for rule in slips.RULES if rule != sharper))
    assert name_slip(parsed, typed) == general


@pytest.mark.parametrize(("f", "answer", "order"), RIGHT)
def test_a_right_answer_names_no_slip(f, answer, order):
    assert name_slip(parse_expression(f), parse_expression(answer), order) is None


@pytest.mark.parametrize(("f", "answer", "order"), UNRELATED)
def test_an_unrelated_wrong_answer_names_no_slip(f, answer, order):
    assert name_slip(parse_expression(f), parse_expression(answer), order) is None


def test_a_sympy_answer_and_parameters():
    f = parse_expression("a x^2 sin(x)")
    x, a = f.symbols["x"], f.symbols["a"]
    assert name_slip(f, 2 * a * x * sympy.cos(x), params={"a": 1.7}) == slips.PRODUCT


def test_the_slip_comes_with_the_right_rule():
    slip = find_slip(parse_expression("x^2 sin(x)"), parse_expression("2x cos(x)"))
    assert slip.explanation == "(uv)′ = u′v + uv′, not u′v′."


# -- in the answer check ---------------------------------------------------------------------


def test_check_answer_names_the_forgotten_product_rule():
    check = check_answer(parse_expression("x^2 sin(x)"), "2x cos(x)")
    assert not check.correct
    assert check.slip == slips.PRODUCT
    assert "product rule written as f′g′" in check.message
    assert "(uv)′ = u′v + uv′" in check.message


@pytest.mark.parametrize(
    ("f", "answer", "slip"),
    [("ln(x^2 + 1)", "1/(x^2 + 1)", slips.LOG), ("2^x", "2^x", slips.BASE_FACTOR)],
)
def test_check_answer_names_the_sharper_slip(f, answer, slip):
    check = check_answer(parse_expression(f), answer)
    assert check.slip == slip
    assert check.message.startswith(f"Not quite: this looks like a known slip, {slip}: ")
    assert slips.EXPLANATIONS[slip] in check.message
    assert "Your answer" in check.message


def test_check_answer_names_no_slip_for_a_right_answer():
    check = check_answer(parse_expression("x^2 sin(x)"), "2x sin(x) + x^2 cos(x)")
    assert check.correct
    assert check.slip is None


def test_check_answer_names_no_slip_for_an_unrelated_answer():
    check = check_answer(parse_expression("x^2 sin(x)"), "2x sin(x) + cos(x)")
    assert not check.correct
    assert check.slip is None
    assert "known slip" not in check.message


@pytest.mark.parametrize(
    ("f", "answer", "order"),
    [
        ("x^2 sin(x)", "2x cos(x)", 1),  # the issue's case: 389.8 at x = −18.81 reported
        ("sin(3x)", "cos(3x)", 1),
        ("e^(x/4)", "e^(x/4)", 1),  # grows: the gap is widest at the plot's edge
        ("x^3", "3x^2 + sin(x)/100", 1),
        ("e^(-x^2)", "(4x^2 + 2) e^(-x^2)", 2),
    ],
)
def test_the_reported_difference_is_the_one_plotted(f, answer, order):
    parsed, typed = parse_expression(f), parse_expression(answer)
    check = check_answer(parsed, answer, order)
    assert not check.correct
    curves = check_figures.answer_curves(parsed, typed, order, check.worst_point)
    gaps = np.abs(curves.expected - curves.answer)
    widest = int(np.nanargmax(gaps))
    assert gaps[widest] == pytest.approx(check.difference, rel=1e-9)
    assert curves.xs[widest] == pytest.approx(check.worst_point, abs=1e-12)
    assert curves.xs[0] <= check.worst_point <= curves.xs[-1]
    # the marked segment is that gap
    _, expected, got = curves.worst
    assert abs(got - expected) == pytest.approx(check.difference, rel=1e-9)
    # the numbers' verdict, shown before SymPy answers, reports the same gap
    verdict = check_figures.numeric_verdict(parsed, typed, order)
    assert verdict.plotted.worst_point == pytest.approx(check.worst_point, abs=1e-12)
    assert verdict.plotted.difference == pytest.approx(check.difference, rel=1e-9)
    assert f"{check.difference:.4g}" in check.message
