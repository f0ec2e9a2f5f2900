"""The wrong rules behind the known slips: d/dx that makes one slip and gets the rest right.

Each slip `core.teaching.slips` names by a wrong rule of differentiation is named here,
and `WrongDiff` differentiates with that one rule wrong: the product rule written as f′g′,
the chain rule without the inner derivative, (ln u)′ written as 1/u, a constant term's
derivative kept, ... A student who makes a slip may make it at every place it fits (one
who forgets the chain rule forgets it everywhere) or at one place only, so
`wrong_derivatives` gives both.

SymPy only, on expressions built from validated trees (never from typed text).

    >>> import sympy
    >>> x = sympy.Symbol("x")
    >>> WrongDiff(x, LOG, None).diff(sympy.log(x**2 + 1))
    1/(x**2 + 1)
    >>> WrongDiff(x, CONSTANT_KEPT, None).diff(x**2 + 5)
    2*x + 5
"""

from __future__ import annotations

from collections.abc import Iterator

import sympy

PRODUCT = "product rule written as f′g′"
QUOTIENT = "quotient rule: numerator reversed / sign"
QUOTIENT_DIVIDED = "quotient rule written as f′/g′"
EXPONENTIAL = "derivative of e^u written as e^u without u′"
POWER = "power rule: exponent not lowered"
POWER_COEFFICIENT = "power rule: the coefficient is missing"
LOG = "ln u written as 1/u (u′ missing)"
BASE_FACTOR = "a^u without its factor ln a"
CHAIN = "chain rule: the inner derivative is missing"
SIGN = "sign"
CONSTANT = "constant factor lost"
CONSTANT_KEPT = "derivative of a constant kept"

MAX_SITES = 12  # places one wrong rule is tried at alone; beyond, only everywhere at once
# sin′ = cos and cos′ = −sin: the slip writes the other sign (and cosh′ = −sinh, ...).
_SIGN_SWAPPED = (sympy.sin, sympy.cos, sympy.cot, sympy.csc, sympy.cosh, sympy.sech, sympy.coth)


def wrong_derivatives(expr: sympy.Expr, variable: sympy.Symbol, slip: str) -> Iterator[sympy.Expr]:
    """The derivatives of `expr` with `slip` made everywhere it fits, then at each place
    alone (at most MAX_SITES places)."""
    everywhere = WrongDiff(variable, slip, None)
    yield everywhere.diff(expr)
    for site in range(min(everywhere.sites, MAX_SITES) if everywhere.sites > 1 else 0):
        yield WrongDiff(variable, slip, site).diff(expr)


class WrongDiff:
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
        if e.is_Add:  # the slip keeps a constant term: (x² + 5)′ = 2x + 5
            constants = [term for term in e.args if not term.has(x)]
            kept = constants if constants and self.here(CONSTANT_KEPT) else []
            return sympy.Add(*(self.diff(term) for term in e.args if term.has(x)), *kept)
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
        if e.func == sympy.log and inner != self.x and self.here(LOG):
            return 1 / inner
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
            if self.here(BASE_FACTOR):  # (2^x)′ = 2^x
                return e * self.diff(exponent)
            outer = e * sympy.log(base)
            if exponent != x and self.here(CHAIN):
                return outer
            return outer * self.diff(exponent)
        if self.here(POWER_COEFFICIENT):  # (x³)′ = x²
            return base ** (exponent - 1) * self.diff(base)
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
