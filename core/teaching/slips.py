"""Name the slip behind a wrong derivative: which known wrong rule gives the answer.

Each known slip is a wrong rule of differentiation (the product rule written as f′g′,
the chain rule without the inner derivative, ...). To recognise one, the derivative the
slip would produce is built from f's own SymPy expression (itself built from the
validated tree, never from typed text) by a differentiator that applies the wrong rule,
either at every place it fits (a student who forgets the chain rule forgets it
everywhere) or at one place only; the answer is then compared with it numerically, at
the random points `core.check_answer` uses. A slip is named only when its wrong
derivative differs from the right one and the answer matches it at every point.

SymPy and NumPy only (no JAX, no Streamlit), so the search can run in a killable SymPy
worker (`core.engines.symbolic.run_in_worker`): its cost grows with the size of f.

    >>> import core
    >>> name_slip(core.parse_expression("x^2 sin(x)"), core.parse_expression("2x cos(x)"))
    'product rule written as f′g′'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import numpy as np
import sympy

from core.engines.symbolic_worker import evaluate
from core.language.expression import ParsedExpression, parse_expression
from core.teaching import equality

PRODUCT = "product rule written as f′g′"
QUOTIENT = "quotient rule: numerator reversed / sign"
QUOTIENT_DIVIDED = "quotient rule written as f′/g′"
EXPONENTIAL = "derivative of e^u written as e^u without u′"
POWER = "power rule: exponent not lowered"
CHAIN = "chain rule: the inner derivative is missing"
SIGN = "sign"
CONSTANT = "constant factor lost"
ITSELF = "answer is f itself"
ANTIDERIVATIVE = "answer is an antiderivative"
TOO_MANY = "one order too many"
TOO_FEW = "one order too few"

EXPLANATIONS = {
    PRODUCT: "(uv)′ = u′v + uv′, not u′v′.",
    QUOTIENT: "(u/v)′ = (u′v − uv′)/v²: the numerator is u′v − uv′, in that order.",
    QUOTIENT_DIVIDED: "(u/v)′ = (u′v − uv′)/v², not u′/v′.",
    EXPONENTIAL: "(e^u)′ = e^u·u′: multiply by the inner derivative u′.",
    POWER: "(uⁿ)′ = n·uⁿ⁻¹·u′: the exponent goes down by one.",
    CHAIN: "(g(u))′ = g′(u)·u′: multiply by the inner derivative u′.",
    SIGN: "check the signs, e.g. (cos u)′ = −sin(u)·u′ and (sin u)′ = +cos(u)·u′.",
    CONSTANT: "(c·u)′ = c·u′: a constant factor stays.",
    ITSELF: "you wrote f again: differentiate it.",
    ANTIDERIVATIVE: "the derivative of your answer is f: you integrated instead.",
    TOO_MANY: "you differentiated once more than asked.",
    TOO_FEW: "you differentiated once less than asked.",
}
SLIPS = tuple(EXPLANATIONS)  # every name `name_slip` can return
WRONG_ORDER = (ITSELF, TOO_MANY, TOO_FEW)  # another derivative of f, not a wrong rule
MAX_SITES = 12  # places one wrong rule is tried at alone; beyond, only everywhere at once
# sin′ = cos and cos′ = −sin: the slip writes the other sign (and cosh′ = −sinh, ...).
_SIGN_SWAPPED = (sympy.sin, sympy.cos, sympy.cot, sympy.csc, sympy.cosh, sympy.sech, sympy.coth)


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
    # The wrong rules first: e^(3x) for (e^(3x))′ is the exponential's slip, though it is
    # also f itself, and sin(x) for cos′ a sign, though it is also an antiderivative.
    for name in (PRODUCT, QUOTIENT, QUOTIENT_DIVIDED, SIGN, EXPONENTIAL, POWER, CHAIN, CONSTANT):
        if name == SIGN and matches.same(-right, right):
            return Slip(SIGN, f"your answer is −(the right derivative): {EXPLANATIONS[SIGN]}")
        for candidate in _wrong_derivatives(before, variable, name):
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


def _wrong_derivatives(expr: sympy.Expr, variable: sympy.Symbol, slip: str):
    """The derivatives of `expr` with `slip` made everywhere it fits, then at each place
    alone (at most MAX_SITES places)."""
    everywhere = _Wrong(variable, slip, None)
    yield everywhere.diff(expr)
    for site in range(min(everywhere.sites, MAX_SITES) if everywhere.sites > 1 else 0):
        yield _Wrong(variable, slip, site).diff(expr)


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


class _Wrong:
    """d/dx that makes one slip: everywhere it fits (`target` None) or at place `target`.

    `sites` counts the places the slip fits, in the order the walk meets them.
    """

    def __init__(self, variable: sympy.Symbol, slip: str, target: int | None) -> None:
        self.x, self.slip, self.target, self.sites = variable, slip, target, 0

    def here(self, slip: str) -> bool:
        if slip != self.slip:
            return False
        site, self.sites = self.sites, self.sites + 1
        return self.target is None or site == self.target

    def diff(self, e: sympy.Expr) -> sympy.Expr:
        x = self.x
        if not e.has(x):
            return sympy.Integer(0)
        if e == x:
            return sympy.Integer(1)
        if e.is_Add:
            return sympy.Add(*(self.diff(term) for term in e.args))
        if e.is_Mul:
            return self.product(e)
        if e.is_Pow:
            return self.power(e)
        if isinstance(e, sympy.exp):
            inner = e.args[0]
            if inner != x and self.here(EXPONENTIAL):
                return e
            return e * self.diff(inner)
        if isinstance(e, sympy.Function) and len(e.args) == 1:
            return self.call(e)
        return sympy.diff(e, x)  # max, min, piecewise, ...: no slip taught for these

    def call(self, e: sympy.Function) -> sympy.Expr:
        inner = e.args[0]
        dummy = sympy.Dummy("u", real=True)
        outer = sympy.diff(e.func(dummy), dummy).subs(dummy, inner)
        if e.func in _SIGN_SWAPPED and self.here(SIGN):
            outer = -outer
        if inner != self.x and self.here(CHAIN):
            return outer
        return outer * self.diff(inner)

    def power(self, e: sympy.Pow) -> sympy.Expr:
        base, exponent = e.args
        x = self.x
        if exponent.has(x) and base.has(x):
            return sympy.diff(e, x)  # u^v: logarithmic differentiation, no slip taught
        if exponent.has(x):  # a^u
            outer = e * sympy.log(base)
            if exponent != x and self.here(CHAIN):
                return outer
            return outer * self.diff(exponent)
        if exponent.is_number and exponent.is_negative and self.slip.startswith("quotient"):
            return self.quotient(sympy.Integer(1), base ** (-exponent))
        if self.here(POWER):
            return exponent * e * self.diff(base)
        outer = exponent * base ** (exponent - 1)
        if base != x and self.here(CHAIN):
            return outer
        return outer * self.diff(base)

    def product(self, e: sympy.Mul) -> sympy.Expr:
        x = self.x
        constant = sympy.Mul(*(factor for factor in e.args if not factor.has(x)))
        varying = [factor for factor in e.args if factor.has(x)]
        if constant != 1 and self.here(CONSTANT):
            constant = sympy.Integer(1)
        if self.slip.startswith("quotient"):
            numerator = [f for f in varying if not _in_denominator(f)]
            denominator = [1 / f for f in varying if _in_denominator(f)]
            if denominator:
                return constant * self.quotient(sympy.Mul(*numerator), sympy.Mul(*denominator))
        if len(varying) == 1:
            return constant * self.diff(varying[0])
        if self.here(PRODUCT):
            return constant * sympy.Mul(*(self.diff(factor) for factor in varying))
        terms = []
        for i, factor in enumerate(varying):
            others = sympy.Mul(*(varying[:i] + varying[i + 1 :]))
            terms.append(self.diff(factor) * others)
        return constant * sympy.Add(*terms)

    def quotient(self, u: sympy.Expr, v: sympy.Expr) -> sympy.Expr:
        du, dv = self.diff(u), self.diff(v)
        if self.here(QUOTIENT):
            return (u * dv - du * v) / v**2
        if self.here(QUOTIENT_DIVIDED):
            return du / dv
        return (du * v - u * dv) / v**2


def _in_denominator(factor: sympy.Expr) -> bool:
    if factor.is_Pow:
        exponent = factor.args[1]
        return bool(exponent.is_number and exponent.is_negative)
    return False
