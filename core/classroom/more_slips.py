"""Slips a class makes that `core.teaching.slips` does not name apart, each a testable rule.

Issue 24 lists the slips a teacher's dashboard must name. `core.teaching.slips` already
knows the chain rule without the inner derivative, the sign, the product rule written as
f′g′, the quotient rule reversed, the power rule's exponent not lowered, a constant factor
lost and e^u without u′. Four more are named here, each by a wrong differentiator built
the same way (the wrong rule applied everywhere it fits, or at one place alone) and
compared with the answer at the same random points:

- LOG: (ln u)′ written as 1/u, without u′ (the teaching module calls it the chain rule;
  the class sees the more telling name);
- CONSTANT_KEPT: the derivative of a constant term kept, (x² + 5)′ = 2x + 5;
- POWER_COEFFICIENT: the power rule's coefficient missing, (x³)′ = x²;
- BASE_FACTOR: a^u′ written without its factor ln a, (2^x)′ = 2^x.

SymPy and NumPy only: `class_slip` runs in a killable SymPy worker.

    >>> import core
    >>> f = core.parse_expression("ln(x^2 + 1)")
    >>> x = f.symbols["x"]
    >>> class_slip(f.sympy, core.parse_expression("1/(x^2+1)").sympy, x, 1, {}).name
    'ln u written as 1/u (u′ missing)'
"""

from __future__ import annotations

from collections.abc import Mapping

import sympy

from core.teaching import slips
from core.teaching.slips import MAX_SITES, Slip

LOG = "ln u written as 1/u (u′ missing)"
CONSTANT_KEPT = "derivative of a constant kept"
POWER_COEFFICIENT = "power rule: the coefficient is missing"
BASE_FACTOR = "a^u without its factor ln a"

EXPLANATIONS = {
    LOG: "(ln u)′ = u′/u: divide u′ by u, not 1 by u.",
    CONSTANT_KEPT: "the derivative of a constant is 0: (u + c)′ = u′.",
    POWER_COEFFICIENT: "(uⁿ)′ = n·uⁿ⁻¹·u′: the exponent n comes down as a factor.",
    BASE_FACTOR: "(a^u)′ = a^u·ln(a)·u′: a base other than e brings the factor ln a.",
}
EXTRA_SLIPS = tuple(EXPLANATIONS)
# Names the teaching module gives where one of these is the sharper name: ln u as 1/u is
# also "the chain rule", 2^x for (2^x)′ is also "f itself".
REFINED = (None, slips.CHAIN, slips.ITSELF)
ALL_SLIPS = slips.SLIPS + EXTRA_SLIPS
UNKNOWN = "not looked for yet"


def class_slip(
    f: sympy.Expr,
    answer: sympy.Expr,
    variable: sympy.Symbol,
    order: int,
    values: Mapping[sympy.Symbol, float],
    known: str | None = UNKNOWN,
) -> Slip | None:
    """Worker: the slip a class dashboard names for a wrong `order`-th derivative, or None.

    Args:
        f, answer, variable, order, values: as `core.teaching.slips.slip_between`.
        known: the name `slip_between` already gave (`core.check_answer`'s `.slip`), or
            UNKNOWN (not known yet: found here).

    Returns:
        The teaching module's slip, unless it is one of REFINED and a rule here matches.
    """
    if known == UNKNOWN:
        found = slips.slip_between(f, answer, variable, order, values)
        known = None if found is None else found.name
    if known not in REFINED:
        return Slip(known, slips.EXPLANATIONS[known])
    extra = extra_slip(f, answer, variable, order, values)
    if extra is not None:
        return extra
    return None if known is None else Slip(known, slips.EXPLANATIONS[known])


def extra_slip(
    f: sympy.Expr,
    answer: sympy.Expr,
    variable: sympy.Symbol,
    order: int,
    values: Mapping[sympy.Symbol, float],
) -> Slip | None:
    """Worker: the first of EXTRA_SLIPS whose wrong derivative the answer equals, or None."""
    matches = slips._Matcher(answer, variable, values)
    right = sympy.diff(f, variable, order)
    if not matches.differs(right):
        return None
    before = sympy.diff(f, variable, order - 1)
    for name in EXTRA_SLIPS:
        everywhere = _Wrong(variable, name, None)
        candidates = [everywhere.diff(before)]
        if everywhere.sites > 1:
            sites = min(everywhere.sites, MAX_SITES)
            candidates += [_Wrong(variable, name, site).diff(before) for site in range(sites)]
        if any(matches.same(candidate, right) for candidate in candidates):
            return Slip(name, EXPLANATIONS[name])
    return None


class _Wrong(slips._Wrong):
    """The teaching module's one-slip differentiator, taught four more slips."""

    def diff(self, e: sympy.Expr) -> sympy.Expr:
        if e.is_Add and e.has(self.x):
            constants = [term for term in e.args if not term.has(self.x)]
            if constants and self.here(CONSTANT_KEPT):
                varying = [term for term in e.args if term.has(self.x)]
                return sympy.Add(*(self.diff(term) for term in varying), *constants)
        return super().diff(e)

    def call(self, e: sympy.Function) -> sympy.Expr:
        inner = e.args[0]
        if e.func == sympy.log and inner != self.x and self.here(LOG):
            return 1 / inner
        return super().call(e)

    def power(self, e: sympy.Pow) -> sympy.Expr:
        base, exponent = e.args
        x = self.x
        if exponent.has(x) and not base.has(x) and self.here(BASE_FACTOR):
            return e * self.diff(exponent)
        if base.has(x) and not exponent.has(x) and self.here(POWER_COEFFICIENT):
            return base ** (exponent - 1) * self.diff(base)
        return super().power(e)
