"""Why AD is not symbolic differentiation: the sizes of the k-th derivative, four ways.

For a typed f(x), order k = 0, 1, ..., max_order:

- SymPy's formula for f⁽ᵏ⁾ as one tree (`count_ops`): each product and quotient rule
  copies its factors, so the tree swells (17 → 1,247 operations for the default f);
- the same formula with its shared subtrees named once (`sympy.cse`): what a program that
  computes each shared piece once costs;
- JAX's program for f⁽ᵏ⁾ by nested `jax.grad` (the number of equations of
  `jax.make_jaxpr(grad(grad(...(f))))`, counting those inside sub-jaxprs too): it is not
  a formula but it is not free either: reverse mode over a reverse-mode program
  re-differentiates the whole program with no sharing across levels, so it grows by a
  factor of about 2.5-3 per order, faster than SymPy's tree here;
- JAX's Taylor mode (`jax.experimental.jet`, what the Explorer uses): one pass that
  carries k + 1 Taylor coefficients through each primitive, O(k²) equations.

SymPy runs in a killable worker under the symbolic engine's CPU budget; the jaxprs are
traced, never compiled.
"""

from __future__ import annotations

import math
import time
from typing import NamedTuple

import jax
import jax.extend.core as jax_core
from jax import lax

from core.beyond_grad import swell_sympy
from core.beyond_grad.figures import swell_figure
from core.engines import symbolic
from core.engines.autodiff import resolve_parameters, taylor_derivatives
from core.engines.symbolic import ordinal, run_in_worker
from core.errors import BudgetExceeded
from core.language.expression import REFERENCE, ParsedExpression

__all__ = ["Swell", "SwellRow", "count_equations", "expression_swell", "swell_figure"]

DEFAULT_FUNCTION = "log(1 + x^2)/(2 + sin(x))"  # SymPy: about 0.6 s for orders 0-8
MAX_ORDER = 10
# Nested grad stops before a program of more equations: tracing costs ~0.2 ms an
# equation, and each order is ~2.7 times the last (orders 0-3 of the default f).
NESTED_GRAD_EQUATIONS = 200
TRACE_POINT = 0.5  # where the jaxprs are traced; their size does not depend on it


class SwellRow(NamedTuple):
    """The sizes of the k-th derivative.

    Attributes:
        order: k (0 is f itself).
        sympy_ops: SymPy's count_ops of f⁽ᵏ⁾, or None past SymPy's budget.
        sympy_cse_ops: count_ops with shared subexpressions (`sympy.cse`), or None.
        jaxpr_equations: equations of the jaxpr of k nested `jax.grad`s, or None where it
            would exceed NESTED_GRAD_EQUATIONS.
        taylor_equations: equations of the jaxpr of Taylor mode to order k.
    """

    order: int
    sympy_ops: int | None
    sympy_cse_ops: int | None
    jaxpr_equations: int | None
    taylor_equations: int


class Swell(NamedTuple):
    """The table of sizes, and why SymPy's part stops early.

    Attributes:
        rows: one `SwellRow` per order 0..max_order (JAX's sizes are always there).
        message: "SymPy ran out of its budget at order k ..." (one sentence), or None.
        transient: True when the server's state (busy, a worker stopped), not the size of
            the derivative, cut SymPy short: the same request later may complete.
    """

    rows: list[SwellRow]
    message: str | None
    transient: bool = False


def expression_swell(
    parsed: ParsedExpression,
    max_order: int = 8,
    budget: float | None = None,
    with_sympy: bool = True,
) -> Swell:
    """The sizes of f, f′, ..., f⁽ᵐᵃˣ⁾ by SymPy (with and without cse) and by JAX (nested
    grad and Taylor mode).

    Args:
        parsed: f, an expression of one variable (parameters are kept as symbols by
            SymPy and set to 1 for JAX: the sizes do not depend on their values).
        max_order: the highest order, 1 to MAX_ORDER.
        budget: CPU seconds for all of SymPy's work (default: the symbolic engine's
            BUDGET_SECONDS, read at call time).
        with_sympy: False leaves SymPy's sizes None (no worker, no message): JAX's
            sizes alone, for a page that draws them before SymPy's arrive.

    Returns:
        A `Swell`; never raises for the budget: its message says where SymPy stopped.

    Raises:
        ValueError: f not of one variable, a bad order or a bad budget.
    """
    function = _checked_function(parsed, max_order, budget)
    sympy_sizes, message, transient = [], None, False
    if with_sympy:
        sympy_sizes, message, transient = _sympy_sizes(parsed, max_order, budget)
    nested = nested_grad_equations(function, max_order)
    taylor = taylor_equations(function, max_order)
    rows = [
        SwellRow(order, *(sympy_sizes[order] if order < len(sympy_sizes) else (None, None)),
                 nested[order], taylor[order])
        for order in range(max_order + 1)
    ]  # fmt: skip
    return Swell(rows, message, transient)


def count_equations(jaxpr) -> int:
    """len(jaxpr.eqns), plus the equations of every sub-jaxpr (pjit, cond, custom rules).

    Example:
        >>> count_equations(jax.make_jaxpr(lambda x: jax.jit(lax.sin)(x) + 1.0)(0.5))
        3
    """
    jaxpr = getattr(jaxpr, "jaxpr", jaxpr)  # a ClosedJaxpr holds a Jaxpr
    return len(jaxpr.eqns) + sum(count_equations(sub) for sub in jax_core.subjaxprs(jaxpr))


def nested_grad_equations(function, max_order: int) -> list[int | None]:
    """Equations of make_jaxpr(grad applied k times to `function`), k = 0..max_order; None
    from the first order predicted (last size × last growth) to exceed the cap."""
    sizes: list[int | None] = []
    derivative = function
    for order in range(max_order + 1):
        if order >= 2 and sizes[-1] ** 2 / max(sizes[-2], 1) > NESTED_GRAD_EQUATIONS:
            return sizes + [None] * (max_order + 1 - order)
        if order:
            derivative = jax.grad(derivative)
        sizes.append(count_equations(jax.make_jaxpr(derivative)(TRACE_POINT)))
    return sizes


def taylor_equations(function, max_order: int) -> list[int]:
    """Equations of make_jaxpr(Taylor mode to order k), k = 0..max_order."""
    return [
        count_equations(
            jax.make_jaxpr(lambda x, k=order: taylor_derivatives(function, x, k))(TRACE_POINT)
        )
        for order in range(max_order + 1)
    ]


def _checked_function(parsed, max_order, budget):
    """f as a JAX function of x (parameters at 1), once the arguments are checked."""
    if not isinstance(parsed, ParsedExpression):
        raise TypeError(f"expression_swell needs a parsed expression, got {type(parsed).__name__}.")
    if len(parsed.variables) != 1:
        raise ValueError(
            f"The swell table differentiates a function of one variable; {parsed.text} is "
            f"declared in {len(parsed.variables)} ({', '.join(parsed.variables)})."
        )
    whole = isinstance(max_order, int) and not isinstance(max_order, bool)
    if not (whole and 1 <= max_order <= MAX_ORDER):
        raise ValueError(
            f"max_order must be a whole number from 1 to {MAX_ORDER}, got {max_order!r}."
        )
    number = isinstance(budget, int | float) and not isinstance(budget, bool)
    if budget is not None and not (number and math.isfinite(budget) and budget >= 0):
        raise ValueError(f"The budget must be a number of seconds, 0 or more; got {budget!r}.")
    variable = parsed.variables[0]
    values = resolve_parameters(parsed, None)

    def function(x):
        env = {name: lax.full_like(x, value) for name, value in values.items()}
        env.update({REFERENCE: x, variable: x})
        return lax.add(parsed.jax(env), lax.full_like(x, 0.0))  # "5" is a function of x too

    return function


def _sympy_sizes(parsed, max_order: int, budget: float | None):
    """[(count_ops, cse ops)] for orders 0.. as far as the budget goes, the message, and
    whether the stop was transient."""
    budget = symbolic.BUDGET_SECONDS if budget is None else float(budget)
    deadline = time.monotonic() + symbolic.WALL_SECONDS
    variable = parsed.symbols[parsed.variables[0]]
    expr, sizes, used = parsed.sympy, [], 0.0
    for order in range(max_order + 1):
        what = "f itself" if order == 0 else f"the {ordinal(order)} derivative"
        out_of_budget = f"SymPy ran out of its budget at order {order}"
        if used >= budget:
            return sizes, _stopped(out_of_budget, f"all {budget:g} s of it are used", order), False
        if time.monotonic() > deadline:
            return sizes, _stopped(out_of_budget, "the server is busy", order), True
        try:
            expr, ops, shared, seconds = run_in_worker(
                swell_sympy.derivative_sizes, (expr, variable, order > 0), budget - used, what
            )
        except BudgetExceeded as error:
            reason = error.message.rstrip(".")
            return sizes, _stopped(out_of_budget, reason, order), error.transient
        except Exception as error:  # SymPy itself failed on this derivative: stop politely
            head = f"SymPy could not compute {what}"
            return sizes, _stopped(head, type(error).__name__, order), False
        used += seconds
        sizes.append((ops, shared))
    return sizes, None, False


def _stopped(head: str, reason: str, order: int) -> str:
    """One sentence: what stopped SymPy, why, and what the table still shows."""
    shown = "none of its sizes are shown" if order == 0 else f"its sizes stop at order {order - 1}"
    return f"{head} ({reason}), so {shown}; JAX's are shown for every order."
