"""Name the slip behind a wrong derivative: which known wrong rule gives the answer.

Most known slips are a wrong rule of differentiation (the product rule written as f′g′,
the chain rule without the inner derivative, (ln u)′ written as 1/u, ...): the derivative
the slip would produce is built from f's own SymPy expression (itself built from the
validated tree, never from typed text) by a differentiator that applies the wrong rule
(`core.teaching.slip_rules`), either at every place it fits (a student who forgets the
chain rule forgets it everywhere) or at one place only. The others are another
derivative of f: f itself, one order too many or too few, an antiderivative. The answer
is compared with each numerically, at the random points `core.check_answer` uses, the
wrong rules first in the order of RULES (a sharper name before the one it refines); a
slip is named only when its wrong derivative differs from the right one and the answer
matches it at every point.

SymPy and NumPy only (no JAX, no Streamlit), so the search can run in a killable SymPy
worker (`core.engines.symbolic.run_in_worker`): its cost grows with the size of f.

    >>> import core
    >>> name_slip(core.parse_expression("x^2 sin(x)"), core.parse_expression("2x cos(x)"))
    'product rule written as f′g′'
    >>> name_slip(core.parse_expression("ln(x^2 + 1)"), core.parse_expression("1/(x^2+1)"))
    'ln u written as 1/u (u′ missing)'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import numpy as np
import sympy

from core.engines.symbolic_worker import evaluate
from core.language.expression import ParsedExpression, parse_expression
from core.teaching import equality
from core.teaching.slip_rules import (
    BASE_FACTOR,
    CHAIN,
    CONSTANT,
    CONSTANT_KEPT,
    EXPONENTIAL,
    LOG,
    POWER,
    POWER_COEFFICIENT,
    PRODUCT,
    QUOTIENT,
    QUOTIENT_DIVIDED,
    SIGN,
    wrong_derivatives,
)

ITSELF = "answer is f itself"
ANTIDERIVATIVE = "answer is an antiderivative"
TOO_MANY = "one order too many"
TOO_FEW = "one order too few"

EXPLANATIONS = {
    PRODUCT: "(uv)′ = u′v + uv′, not u′v′.",
    QUOTIENT: "(u/v)′ = (u′v − uv′)/v²: the numerator is u′v − uv′, in that order.",
    QUOTIENT_DIVIDED: "(u/v)′ = (u′v − uv′)/v², not u′/v′.",
    EXPONENTIAL: "(e^u)′ = e^u·u′: multiply by the inner derivative u′.",
    BASE_FACTOR: "(a^u)′ = a^u·ln(a)·u′: a base other than e brings the factor ln a.",
    POWER: "(uⁿ)′ = n·uⁿ⁻¹·u′: the exponent goes down by one.",
    POWER_COEFFICIENT: "(uⁿ)′ = n·uⁿ⁻¹·u′: the exponent n comes down as a factor.",
    CHAIN: "(g(u))′ = g′(u)·u′: multiply by the inner derivative u′.",
    LOG: "(ln u)′ = u′/u: divide u′ by u, not 1 by u.",
    SIGN: "check the signs, e.g. (cos u)′ = −sin(u)·u′ and (sin u)′ = +cos(u)·u′.",
    CONSTANT: "(c·u)′ = c·u′: a constant factor stays.",
    CONSTANT_KEPT: "the derivative of a constant is 0: (u + c)′ = u′.",
    ITSELF: "you wrote f again: differentiate it.",
    ANTIDERIVATIVE: "the derivative of your answer is f: you integrated instead.",
    TOO_MANY: "you differentiated once more than asked.",
    TOO_FEW: "you differentiated once less than asked.",
}
SLIPS = tuple(EXPLANATIONS)  # every name `name_slip` can return
WRONG_ORDER = (ITSELF, TOO_MANY, TOO_FEW)  # another derivative of f, not a wrong rule
# The wrong rules in the order they are tried: the first the answer matches is named, and
# only then another derivative of f. So e^(3x) for (e^(3x))′ is the exponential's slip,
# though it is also f itself, and sin(x) for cos′ a sign, though it is also an
# antiderivative. The four sharper rules (LOG ... BASE_FACTOR) come before the chain rule,
# which LOG refines: 1/(x² + 1) for (ln(x² + 1))′ is also the chain rule without u′ (and
# 2^x for (2^x)′ is also f itself).
RULES = (
    PRODUCT,
    QUOTIENT,
    QUOTIENT_DIVIDED,
    SIGN,
    EXPONENTIAL,
    POWER,
    LOG,
    CONSTANT_KEPT,
    POWER_COEFFICIENT,
    BASE_FACTOR,
    CHAIN,
    CONSTANT,
)


class Slip(NamedTuple):
    """A named slip: `name` (one of SLIPS) and the right rule in one sentence."""

    name: str
    explanation: str


def name_slip(
    parsed_f: ParsedExpression,
    answer: ParsedExpression | sympy.Expr,
    order: int = 1,
    *,
    params: Mapping[str, float] | None = None,
) -> str | None:
    """The known slip that explains a wrong `order`-th derivative of f, or None.

    Args:
        parsed_f: f, an expression of one variable.
        answer: the student's derivative, parsed in the same language (or a SymPy
            expression in f's symbols).
        order: which derivative was asked for, 1 or more.
        params: values of f's parameters for the numbers (1.0 when not given).

    Returns:
        One of SLIPS, or None: for a right answer, or a wrong one no known slip explains.

    Example:
        >>> import core
        >>> f = core.parse_expression("sin(3x)")
        >>> name_slip(f, core.parse_expression("cos(3x)"))
        'chain rule: the inner derivative is missing'
        >>> name_slip(f, core.parse_expression("3cos(3x)")) is None
        True
    """
    slip = find_slip(parsed_f, answer, order, params=params)
    return None if slip is None else slip.name


def find_slip(
    parsed_f: ParsedExpression,
    answer: ParsedExpression | sympy.Expr,
    order: int = 1,
    *,
    params: Mapping[str, float] | None = None,
) -> Slip | None:
    """Like `name_slip`, with the right rule's sentence."""
    if isinstance(answer, str):  # typed text goes through the validated parser only
        answer = parse_expression(answer, parsed_f.variables)
    answer_expr = answer.sympy if isinstance(answer, ParsedExpression) else answer
    variable = parsed_f.symbols[parsed_f.variables[0]]
    values = {parsed_f.symbols[name]: 1.0 for name in parsed_f.parameters}
    for name, value in (params or {}).items():
        if name in parsed_f.parameters:
            values[parsed_f.symbols[name]] = float(value)
    return slip_between(parsed_f.sympy, answer_expr, variable, order, values)


def slip_between(
    f: sympy.Expr,
    answer: sympy.Expr,
    variable: sympy.Symbol,
    order: int,
    values: Mapping[sympy.Symbol, float],
) -> Slip | None:
    """Worker: the slip that turns f's `order`-th derivative into `answer`, or None.

    Args:
        f, answer: SymPy expressions (built from validated trees).
        variable: the symbol f is differentiated in.
        order: n ≥ 1.
        values: a value for every other symbol of f and of the answer.
    """
    matches = _Matcher(answer, variable, values)
    right = sympy.diff(f, variable, order)
    if not matches.differs(right):
        return None  # right (or undecided): nothing to name
    before = sympy.diff(f, variable, order - 1)
    for name in RULES:
        if name == SIGN and matches.same(-right, right):
            return Slip(SIGN, f"your answer is −(the right derivative): {EXPLANATIONS[SIGN]}")
        for candidate in wrong_derivatives(before, variable, name):
            if matches.same(candidate, right):
                return Slip(name, EXPLANATIONS[name])
    whole = (
        (ITSELF, f),
        (TOO_FEW, before if order > 1 else None),
        (TOO_MANY, sympy.diff(right, variable)),
    )
    for name, candidate in whole:
        if candidate is not None and matches.same(candidate, right):
            return Slip(name, EXPLANATIONS[name])
    if matches.integrates_to(before, order):
        return Slip(ANTIDERIVATIVE, EXPLANATIONS[ANTIDERIVATIVE])
    return None


class _Matcher:
    """Compares expressions with the answer at `core.check_answer`'s random points."""

    def __init__(self, answer: sympy.Expr, variable: sympy.Symbol, values) -> None:
        self.xs = equality.sample_points()
        self.variable = variable
        self.values = dict(values)
        self.answer_expr = answer
        self.answer = self.evaluate(answer)

    def evaluate(self, expr: sympy.Expr) -> np.ndarray:
        symbols = [self.variable, *self.values]
        try:
            values = evaluate(expr, symbols, [self.xs, *self.values.values()])
        except Exception:  # SymPy's printer or NumPy cannot evaluate it: no values
            return np.full_like(self.xs, np.nan)
        return np.broadcast_to(values, self.xs.shape)

    def _agree(self, expected: np.ndarray, actual: np.ndarray) -> bool:
        comparison = equality.compare_values(expected, actual, self.xs)
        return comparison.decided and comparison.agree and comparison.undefined_at is None

    def differs(self, right: sympy.Expr) -> bool:
        comparison = equality.compare_values(self.evaluate(right), self.answer, self.xs)
        return comparison.decided and not comparison.agree

    def same(self, candidate: sympy.Expr, right: sympy.Expr) -> bool:
        """Whether the answer is `candidate`, and `candidate` is not the right derivative."""
        values = self.evaluate(candidate)
        return self._agree(values, self.answer) and not self._agree(self.evaluate(right), values)

    def integrates_to(self, target: sympy.Expr, order: int) -> bool:
        """Whether the answer's derivative is `target` (f^(n−1)): f integrated, not
        differentiated, at the last step (order 1: the answer is an antiderivative of f)."""
        if order != 1:
            return False
        derivative = self.evaluate(sympy.diff(self.answer_expr, self.variable))
        return self._agree(self.evaluate(target), derivative)
