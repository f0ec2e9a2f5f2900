"""What the Step-by-step page draws from core: the steps' LaTeX, the queue's jobs, the
numbers' verdict before SymPy's, the answer's figure and the code behind the check.

Oracles: hand-written derivatives in NumPy, `core.check_answer` itself for the verdict
the numbers must anticipate, and SymPy running the generated snippets.
"""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest
import sympy

from core import parse_expression
from core.engines import symbolic as core_symbolic
from core.explorer.derivatives import GRID_SIZE
from core.teaching import check_figures, equality
from core.teaching.answer_check import check_answer
from core.teaching.check_code import check_code, steps_code
from core.teaching.page_jobs import checked_answer, shown_steps
from core.teaching.step_latex import step_latex, write_steps
from core.teaching.steps import derivative_steps

X = sympy.Symbol("x", real=True)


@pytest.fixture(scope="module", autouse=True)
def pool():
    core_symbolic.warm_up()


def pending(expr: sympy.Expr) -> sympy.Derivative:
    return sympy.Derivative(expr, X, evaluate=False)


# -- the steps' LaTeX ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "latex"),
    [
        (pending(X**2), r"\frac{d}{dx} \left(x^{2}\right)"),
        (pending(X), r"\frac{d}{dx} x"),
        (pending(sympy.sin(X)), r"\frac{d}{dx} \sin{\left(x \right)}"),
        (pending(X + 1), r"\frac{d}{dx} \left(x + 1\right)"),
        (X**2 * pending(sympy.sin(X)), r"x^{2} \frac{d}{dx} \sin{\left(x \right)}"),
        (sympy.Derivative(sympy.sin(X), (X, 2), evaluate=False), sympy.latex(
            sympy.Derivative(sympy.sin(X), (X, 2), evaluate=False))),
    ],
)  # fmt: skip
def test_a_pending_derivative_is_written_as_a_student_writes_it(expr, latex):
    assert step_latex(expr) == latex


def test_a_long_sum_shows_its_first_terms():
    long_sum = sympy.Add(*(sympy.Symbol(f"a{k}") * X**k for k in range(400)))
    text = step_latex(long_sum)
    assert len(text) < 200
    assert r"\cdots \text{ (397 more terms)}" in text


def test_a_long_product_shows_its_size():
    product = sympy.Mul(*(sympy.sin(k * X + sympy.Symbol(f"a{k}")) for k in range(1, 120)))
    text = step_latex(product)
    assert text.startswith(r"\text{(an expression too long to show:")


def test_the_steps_as_shown_for_x2_sin_x():
    shown, derivative = write_steps(derivative_steps(parse_expression("x^2*sin(x)")))
    assert [step.rule for step in shown] == [
        "product rule", "power rule", "trigonometric rule", "simplify",
    ]  # fmt: skip
    first = shown[0].latex
    assert first.startswith(r"\frac{d}{dx} \left(x^{2} \sin{\left(x \right)}\right) = ")
    assert r"\frac{d}{dx} \sin{\left(x \right)}" in first.split(" = ")[1]
    assert shown[0].explanation == "(u·v)′ = u′·v + u·v′."
    # nothing to simplify: the result is written once, not as "a = a"
    assert shown[-1].latex == derivative
    assert derivative == sympy.latex(2 * X * sympy.sin(X) + X**2 * sympy.cos(X))


def test_a_simplify_step_that_changes_the_form_shows_both():
    shown, derivative = write_steps(derivative_steps(parse_expression("tanh(x)^3")))
    before, after = shown[-1].latex.split(" = ")
    assert after == derivative
    assert before != after
    assert "the difference simplifies to 0" in shown[-1].explanation


# -- the queue's jobs ----------------------------------------------------------------------


def test_shown_steps_end_with_sympys_derivative():
    shown = shown_steps(parse_expression("atan(sqrt(x))"))
    assert shown.message is None
    assert [step.rule for step in shown.steps] == [
        "inverse trigonometric rule + chain rule", "square root rule", "simplify",
    ]  # fmt: skip
    expected = sympy.diff(sympy.atan(sympy.sqrt(X)), X)
    assert shown.derivative == sympy.latex(expected)


def test_too_many_steps_is_a_sentence_not_an_error():
    text = " + ".join(f"sin({k}x)*e^({k}x)" for k in range(2, 22))
    shown = shown_steps(parse_expression(text))
    assert shown.steps == ()
    assert shown.derivative is None
    assert "more than 120 steps" in shown.message
    assert shown.transient is False  # f's size, not the server's state: kept


def test_checked_answer_is_check_answer_or_its_refusal():
    f = parse_expression("sin(x)^2")
    assert checked_answer(f, "sin(2x)", 1).check == check_answer(f, "sin(2x)", 1)
    refused = checked_answer(f, "2 b sin(x) cos(x)", 1)
    assert refused.check is None
    assert "uses b, which f does not have" in refused.message


# -- the numbers' verdict, before SymPy's ------------------------------------------------------


def verdict(f: str, answer: str, order: int = 1) -> check_figures.NumericVerdict:
    return check_figures.numeric_verdict(parse_expression(f), parse_expression(answer), order)


@pytest.mark.parametrize(
    ("f", "answer", "order"),
    [("sin(x)^2", "sin(2x)", 1), ("sin(x)^2", "2 sin(x) cos(x)", 1), ("exp(2x)", "4e^(2x)", 2)],
)
def test_right_answers_agree_by_the_numbers(f, answer, order):
    result = verdict(f, answer, order)
    assert result.agree is True
    assert result.comparison.points == equality.SAMPLES
    assert result.message.startswith("By the numbers: your answer agrees with")


def test_a_near_miss_differs_where_check_answer_says():
    result = verdict("sin(x)^2", "2x cos(x)")
    xs = equality.sample_points()
    gap = np.abs(2 * xs * np.cos(xs) - np.sin(2 * xs))  # by hand
    assert result.agree is False
    assert result.comparison.worst_point == xs[np.argmax(gap)]
    assert result.comparison.difference == pytest.approx(gap.max(), rel=1e-9)
    final = check_answer(parse_expression("sin(x)^2"), "2x cos(x)")
    # both report the gap on the plotted grid (the random points reach x = ±20)
    assert result.plotted.worst_point == final.worst_point
    assert result.plotted.difference == final.difference
    assert result.message.removeprefix("By the numbers: ") in final.message


@pytest.mark.parametrize(
    ("f", "answer", "order", "words"),
    [
        ("sin(3x)", "cos(3x)", 1, "your answer is 0.3333 times f′"),
        ("x^3", "6x", 1, "your answer is f″, the 2nd derivative"),
        ("x^2", "2 sqrt(x)^2", 1, "your answer is undefined at x = "),
    ],
)
def test_the_numbers_give_check_answers_hints(f, answer, order, words):
    result = verdict(f, answer, order)
    assert result.agree is False
    assert words in result.message


def test_a_function_defined_almost_nowhere_leaves_it_to_sympy():
    result = verdict("sqrt(-1 - x^2)", "0")
    assert result.agree is None
    assert "too few to decide" in result.message


# -- the figure ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("worst", "half"), [(None, 5.0), (0.0, 5.0), (-4.4, 5.0), (8.0, 10.0), (-18.8, 25.0)]
)
def test_the_plot_is_as_wide_as_the_worst_point_needs(worst, half):
    assert check_figures.plot_range(worst) == (-half, half)


def test_the_curves_are_f_prime_and_the_answer():
    f, answer = parse_expression("sin(x)^2"), parse_expression("2x cos(x)")
    curves = check_figures.answer_curves(f, answer, 1, worst_point=-18.8)
    xs = curves.xs
    assert (xs[0], xs[-1], len(xs)) == (-25.0, 25.0, GRID_SIZE)
    np.testing.assert_allclose(curves.expected, np.sin(2 * xs), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(curves.answer, 2 * xs * np.cos(xs), rtol=1e-12)
    x, expected, typed = curves.worst
    assert (x, expected, typed) == pytest.approx((-18.8, np.sin(-37.6), -37.6 * np.cos(-18.8)))


def test_off_fs_domain_nothing_is_drawn():
    curves = check_figures.answer_curves(parse_expression("log(x)"), parse_expression("1/x"), 1)
    assert np.isnan(curves.expected[curves.xs <= 0]).all()
    np.testing.assert_allclose(curves.expected[curves.xs > 0], 1 / curves.xs[curves.xs > 0])


def test_the_figure_tells_the_lines_apart_without_colour():
    f, answer = parse_expression("sin(x)^2"), parse_expression("2x cos(x)")
    figure = check_figures.answer_figure(check_figures.answer_curves(f, answer, 1, 3.0))
    expected, typed, gap = figure.data
    assert expected.name == "f′(x) by automatic differentiation"
    assert typed.name == "your answer"
    assert gap.name == "largest difference, at x = 3"
    assert [t.line.dash for t in figure.data] == [None, "dash", "dot"]
    assert len({t.line.color for t in figure.data}) == 3
    low, high = figure.layout.yaxis.range
    assert low <= min(gap.y)
    assert max(gap.y) <= high


# -- the code behind -----------------------------------------------------------------------------


def run(code: str) -> dict:
    # Test only: the snippet is our own text, generated from the validated trees of known
    # test expressions; running it is the point of the test.
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code, "<snippet>", "exec"), namespace)
    return namespace


@pytest.mark.parametrize(
    ("f", "answer", "order"),
    [
        ("sin(x)^2", "sin(2x)", 1),
        ("a*x^(1/3) + log10(x)", "a/3 x^(-2/3) + 1/(x ln(10))", 1),
        ("e^(-x^2)", "(4x^2 - 2) e^(-x^2)", 2),
        ("|x|*x", "2|x|", 1),
    ],
)
def test_the_snippet_proves_a_right_answer(f, answer, order):
    namespace = run(check_code(parse_expression(f), parse_expression(answer), order))
    assert namespace["difference"] == 0
    assert np.nanmax(namespace["gaps"]) < 1e-9


def test_the_snippet_finds_a_near_miss():
    namespace = run(check_code(parse_expression("sin(x)^2"), parse_expression("2x cos(x)"), 1))
    assert namespace["difference"] != 0
    xs, gaps = namespace["xs"], namespace["gaps"]
    np.testing.assert_allclose(gaps, np.abs(np.sin(2 * xs) - 2 * xs * np.cos(xs)), rtol=1e-9)


def test_the_steps_snippet_gives_sympys_derivative():
    namespace = run(steps_code(parse_expression("x^2*sin(x)")))
    x = namespace["x"]
    assert (
        sympy.simplify(namespace["derivative"] - (2 * x * sympy.sin(x) + x**2 * sympy.cos(x))) == 0
    )
