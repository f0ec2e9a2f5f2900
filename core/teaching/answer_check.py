"""Check your answer: does a typed expression equal the n-th derivative of f?

Two independent checks. Numerically, f^(n) by automatic differentiation (JAX, Taylor
mode) and the answer by its NumPy form are compared at fixed random points wherever
f^(n) is defined; symbolically, SymPy simplifies f^(n) − answer in a killable worker,
under the time budget. A proof that the difference is 0 settles it (so rounding in
the answer's form cannot fail a right answer); otherwise the numbers decide, and the
message says when SymPy gave up. A wrong answer gets the point where the two differ
most on the plotted grid (`core.teaching.answer_grid`: the number said is the gap
drawn), the largest difference, and a hint: the known slip that explains it when one
does (`core.teaching.slips`: the product rule written as f′g′, the chain rule without
the inner derivative, ...), else a constant off, a constant factor, the wrong sign or
the wrong order.

    >>> import core
    >>> core.check_answer(core.parse_expression("sin(x)^2"), "sin(2x)").correct
    True
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import NamedTuple

import numpy as np

from core.engines.autodiff import MAX_ORDER, resolve_parameters
from core.engines.symbolic import run_in_worker, symbolic_derivatives
from core.errors import BudgetExceeded, ExpressionError
from core.language.expression import ParsedExpression, parse_expression
from core.language.text_input import normalise
from core.language.tokens import tokenize
from core.teaching import equality, slips
from core.teaching.answer_grid import WARMED_SIZE, ad_rows, answer_values, gap_on_plot
from core.teaching.answer_hints import Numbers, difference_phrase, hint, label

__all__ = ["WARMED_SIZE", "AnswerCheck", "ad_rows", "check_answer"]

PARAMETER_TRIALS = 2  # extra random parameter values: an answer right only for a = 1 fails


class AnswerCheck(NamedTuple):
    """The verdict on an answer.

    Attributes:
        correct: whether the answer equals f^(n) (see `message` for how it was decided).
        worst_point: when not correct, the x where the two differ most (or where the
            answer is undefined although f^(n) is defined); else None.
        difference: when not correct, the largest absolute difference there (inf
            where the answer is undefined); else None.
        message: one sentence for the student.
        points: how many random points the two were compared at.
        proven: True when SymPy simplified the difference to 0, False when it did not,
            None when it ran out of its time budget.
        slip: when not correct, the known slip that explains the answer (one of
            `core.teaching.slips.SLIPS`, e.g. "product rule written as f′g′"), else None.
    """

    correct: bool
    worst_point: float | None
    difference: float | None
    message: str
    points: int = 0
    proven: bool | None = None
    slip: str | None = None


def check_answer(
    parsed: ParsedExpression,
    answer: str,
    order: int = 1,
    *,
    params: Mapping[str, float] | None = None,
) -> AnswerCheck:
    """Whether `answer` (typed text) is the `order`-th derivative of `parsed`.

    Args:
        parsed: f, an expression of one variable.
        answer: the student's derivative, in the same language as f; it may use f's
            parameters, which stay symbols for SymPy and take the values `params` (1.0
            when not given) for the numbers.
        order: which derivative, 1 to MAX_ORDER (10).
        params: the parameters' values, as on the page's sliders.

    Returns:
        The verdict. At points where f^(n) is defined and the answer is not, the answer
        is wrong there; points where f^(n) is undefined are skipped.

    Raises:
        ExpressionError: for an answer that does not parse (with its position in
            `answer`, as for f), or that uses a parameter f does not have.
        ValueError: for an order out of range, unknown parameter names in `params`, or
            an f of more than one variable.
        TypeError: for an order that is not an integer.
    """
    if len(parsed.variables) != 1:
        raise ValueError("check_answer checks derivatives of functions of one variable.")
    if isinstance(order, bool) or not isinstance(order, int | np.integer):
        raise TypeError(f"order must be an integer from 1 to {MAX_ORDER}.")
    if not 1 <= order <= MAX_ORDER:
        raise ValueError(f"order must be between 1 and {MAX_ORDER}, got {order}.")
    values = resolve_parameters(parsed, params)
    typed = parse_expression(answer, parsed.variables)
    _reject_new_parameters(parsed, typed, answer)
    xs = equality.sample_points()
    rows = ad_rows(parsed, xs, min(order + 1, MAX_ORDER), values)
    answers = answer_values(typed, xs, values)
    comparison = equality.compare_values(rows[order], answers, xs)
    numbers = Numbers(
        order=order,
        xs=xs,
        comparison=comparison,
        rows=rows,
        answer=answers,
        elsewhere=_other_parameters(parsed, typed, xs, order),
        plotted=gap_on_plot(parsed, typed, order, values) if not comparison.agree else None,
    )
    simplified = _simplify(parsed, typed, order)
    check = _verdict(numbers, simplified)
    if check.correct or comparison.agree or comparison.undefined_at is not None:
        return check
    slip = _slip(parsed, typed, order, values)
    if slip is None:
        return check
    if slip.name in slips.WRONG_ORDER:  # the hint already says which derivative it is
        return check._replace(slip=slip.name)
    message = (
        f"Not quite: this looks like a known slip, {slip.name}: {slip.explanation} Your "
        f"answer {difference_phrase(numbers)}."
    )
    return check._replace(message=message, slip=slip.name)


def _slip(parsed: ParsedExpression, typed: ParsedExpression, order: int, values):
    """The known slip behind a wrong answer (`core.teaching.slips`), or None; its SymPy
    work runs in a killable worker, and a budget run out names no slip."""
    variable = parsed.symbols[parsed.variables[0]]
    numbers = {parsed.symbols[name]: float(values[name]) for name in parsed.parameters}
    try:
        return run_in_worker(
            slips.slip_between,
            (parsed.sympy, typed.sympy, variable, order, numbers),
            what="Looking for a known slip",
        )
    except BudgetExceeded:
        return None


def _reject_new_parameters(parsed: ParsedExpression, typed: ParsedExpression, text: str) -> None:
    new = sorted(set(typed.parameters) - set(parsed.parameters))
    if not new:
        return
    ascii_text, origin = normalise(text)
    position = next(
        (
            origin[token.position]
            for token in tokenize(ascii_text)
            if token.kind == "name" and token.text == new[0]
        ),
        None,
    )
    known = ", ".join(parsed.parameters) or "none"
    raise ExpressionError(
        f"Your answer uses {new[0]}, which f does not have: the derivative can use only "
        f"{parsed.variables[0]} and f's parameters ({known}).",
        position,
    )


def _other_parameters(parsed: ParsedExpression, typed: ParsedExpression, xs, order: int):
    """The first parameter values (random) at which the answer fails, with the comparison."""
    rng = np.random.default_rng(equality.SEED)
    for _ in range(PARAMETER_TRIALS if parsed.parameters else 0):
        values = {name: float(rng.uniform(0.5, 2.5)) for name in parsed.parameters}
        expected = ad_rows(parsed, xs, min(order + 1, MAX_ORDER), values)[order]
        comparison = equality.compare_values(expected, answer_values(typed, xs, values), xs)
        if comparison.decided and not comparison.agree:
            return values, comparison
    return None


def _simplify(parsed: ParsedExpression, typed: ParsedExpression, order: int):
    """SymPy's verdict on f^(n) − answer, or None when it ran out of budget."""
    try:
        derivative = symbolic_derivatives(parsed, order)[order]
        return run_in_worker(
            equality.simplify_difference,
            (derivative, typed.sympy),
            what="Simplifying the difference from your answer",
        )
    except BudgetExceeded:
        return None


def _verdict(numbers: Numbers, simplified: equality.Simplified | None) -> AnswerCheck:
    comparison, order = numbers.comparison, numbers.order
    proven = None if simplified is None else simplified.kind == "zero"
    points = comparison.points
    what = label(order)
    if comparison.undefined_at is not None:
        x = comparison.undefined_at
        value = numbers.rows[order][np.argmin(np.abs(numbers.xs - x))]
        message = (
            f"Not quite: your answer is undefined at x = {x:.4g}, where {what} is defined "
            f"({what}({x:.4g}) = {value:.4g})."
        )
        return AnswerCheck(False, x, math.inf, message, points, proven)
    if proven:
        also = f" and the two agree at {points} random points" if comparison.agree else ""
        message = f"Correct: SymPy simplifies {what} − your answer to 0{also}."
        return AnswerCheck(True, None, None, message, points, proven)
    if not comparison.decided:
        message = (
            f"Could not check: {what} is defined at only {points} of the "
            f"{len(numbers.xs)} random points, and SymPy could not show the two equal."
        )
        return AnswerCheck(False, None, None, message, points, proven)
    if not comparison.agree:
        worst, difference = comparison.worst_point, comparison.difference
        if numbers.plotted is not None:  # the gap the figure draws, not a point off it
            worst, difference = numbers.plotted.worst_point, numbers.plotted.difference
        return AnswerCheck(False, worst, difference, hint(numbers), points, proven)
    if numbers.elsewhere is not None:
        values, other = numbers.elsewhere
        at = ", ".join(f"{name} = {value:.3g}" for name, value in values.items())
        message = (
            f"Not quite: your answer matches {what} for these parameter values but not for "
            f"others: at {at} they differ by up to {other.difference:.3g} (at x = "
            f"{other.worst_point:.4g})."
        )
        return AnswerCheck(False, other.worst_point, other.difference, message, points, proven)
    if simplified is not None and simplified.kind == "constant":
        c = -simplified.value  # answer − f^(n)
        message = (
            f"Not quite: your answer is {what} {'+' if c > 0 else '−'} {abs(c):.4g}: "
            "a constant is off."
        )
        return AnswerCheck(
            False, comparison.worst_point, abs(simplified.value), message, points, proven
        )
    why = (
        "SymPy ran out of time simplifying the difference"
        if simplified is None
        else "SymPy could not simplify the difference to 0, so they may differ at isolated "
        "points such as jumps"
    )
    message = (
        f"Correct as far as numbers tell: your answer agrees with {what} at {points} random "
        f"points ({why})."
    )
    return AnswerCheck(True, None, None, message, points, proven)
