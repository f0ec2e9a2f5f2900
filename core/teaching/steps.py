"""Step-by-step symbolic differentiation: the derivative as a sequence of named rules.

SymPy's `diff` gives the answer but no steps, so our own rule engine (`step_rules`) walks
the validated tree. Steps come in the order a student works by hand, outermost rule
first: the first step splits d/dx f by f's outermost operation, leaving the derivatives
of its parts pending; each later step works out the first derivative still pending
(depth first, left to right). A last "simplify" step rewrites the rules' result as the
symbolic engine writes f′, so `steps[-1].after == symbolic_derivatives(parsed, 1)[1]`,
and says what it changed and how the two were checked equal.

    >>> import core
    >>> [step.rule for step in derivative_steps(core.parse_expression("x^2*sin(x)"))]
    ['product rule', 'power rule', 'trigonometric rule', 'simplify']
"""

from __future__ import annotations

import numpy as np
import sympy

from core.engines.symbolic import run_in_worker
from core.errors import BudgetExceeded
from core.language.expression import ParsedExpression
from core.teaching import equality
from core.teaching.step_walk import Step, Walked, differentiate_in_steps

__all__ = ["MAX_SIZE", "MAX_STEPS", "Step", "derivative_steps"]

MAX_STEPS = 120  # more than a student can follow; the parser allows ~250 nodes
MAX_SIZE = 5_000  # nodes of SymPy's tree of any intermediate derivative
BUDGET_SECONDS = 4.0  # the walk and SymPy's derivative (0.5 s for 55 nested sines here)


def derivative_steps(parsed: ParsedExpression, variable: str = "x") -> list[Step]:
    """The derivative of `parsed` with respect to `variable`, one rule at a time.

    Every other name (parameters, other variables) is a constant. The rules: constants
    and the variable, sum/difference, constant multiple, product, quotient, power
    (constant exponent), exponential (a^v, e^v), general power u^v (logarithmic
    differentiation), the chain rule, log, trigonometric, inverse trigonometric,
    hyperbolic and inverse hyperbolic functions, sqrt, |u|′ = sign(u)·u′, floor, ceil
    and sign (0 away from their jumps), and max, min and where (piecewise).

    Args:
        parsed: a parsed expression.
        variable: one of `parsed.variables`.

    Returns:
        The steps, outermost rule first; the last one ("simplify") has as `.after`
        exactly the symbolic engine's f′ (for `variable`), e.g. for x²·sin x::

            d/dx(x² sin x) = sin x · d/dx(x²) + x² · d/dx(sin x)    product rule
            d/dx(x²) = 2x                                           power rule
            d/dx(sin x) = cos x                                     trigonometric rule
            2x sin x + x² cos x = 2x sin x + x² cos x               simplify

    Raises:
        ValueError: if `variable` is not one of the expression's variables.
        BudgetExceeded: beyond MAX_STEPS steps or MAX_SIZE nodes, or when the walk and
            SymPy's derivative take longer than BUDGET_SECONDS (they run in a killable
            worker). Simplifying the difference from SymPy's form has its own budget; when
            it runs out, the last step says so and relies on the values.
    """
    if variable not in parsed.variables:
        raise ValueError(
            f"{variable!r} is not a variable of {parsed.text}; "
            f"differentiate with respect to one of: {', '.join(parsed.variables)}."
        )
    xs = equality.sample_points()
    rng = np.random.default_rng(equality.SEED)
    names = parsed.variables + parsed.parameters
    samples = (
        [parsed.symbols[name] for name in names],
        [xs if name == variable else float(rng.uniform(0.5, 2.0)) for name in names],
    )
    walked = run_in_worker(
        differentiate_in_steps,
        (parsed.tree, variable, dict(parsed.symbols), (MAX_STEPS, MAX_SIZE), samples),
        budget=BUDGET_SECONDS,
        what="Differentiating this expression step by step",
    )
    return [*walked.steps, _simplify_step(walked, xs)]


def _simplify_step(walked: Walked, xs: np.ndarray) -> Step:
    raw, result = walked.rules_result, walked.sympys_result
    if raw == result:
        return Step(
            "simplify", raw, result, "Nothing to simplify: this is already SymPy's form of it."
        )
    try:
        simplified = run_in_worker(
            equality.simplify_difference,
            (raw, result),
            what="Simplifying the difference from SymPy's derivative",
        )
    except BudgetExceeded:
        simplified = None
    f, ours, sympys = walked.values
    if f is None or ours is None or sympys is None:
        comparison = equality.Comparison(0, False, None, 0.0, None)
    else:  # where f itself is defined
        comparison = equality.compare_values(np.where(np.isfinite(f), sympys, np.nan), ours, xs)
    explanation = f"{_what_changed(walked)}; {_how_checked(simplified, comparison)}."
    return Step("simplify", raw, result, explanation)


def _what_changed(walked: Walked) -> str:
    raw, result = walked.rules_result, walked.sympys_result
    before, after = walked.operations
    sentence = f"Rewrote the result as SymPy writes it ({before} operations before, {after} after)"
    notes = []
    if result.has(sympy.DiracDelta) and not raw.has(sympy.DiracDelta):
        notes.append("it writes the derivative of sign as a Dirac delta δ, 0 away from the jumps")
    if result.has(sympy.Heaviside) and not raw.has(sympy.Heaviside):
        notes.append("it picks the pieces of max and min with Heaviside steps θ")
    if result.has(sympy.Subs):
        notes.append("it leaves floor's and ceil's derivative as Subs(0, …), which is 0")
    return f"{sentence}: {'; '.join(notes)}" if notes else sentence


def _how_checked(simplified, comparison: equality.Comparison) -> str:
    points = f"{comparison.points} random points"
    agree = comparison.decided and comparison.agree
    if simplified is not None and simplified.kind == "zero":
        also = f", and the two agree at {points}" if agree else ""
        return f"the difference simplifies to 0{also}"
    if agree:
        why = (
            "SymPy could not simplify the difference within its time budget"
            if simplified is None
            else "SymPy's simplification did not reach 0: they can differ only outside f's "
            "domain or at isolated points such as jumps"
        )
        return f"the two agree at {points} ({why})"
    if not comparison.decided:
        return "SymPy could not show the two equal, and they could not be compared at enough points"
    return (
        f"careful: the rules' result and SymPy's differ by {comparison.difference:.3g} at "
        f"x = {comparison.worst_point:.3g}; SymPy's is the one shown"
    )
