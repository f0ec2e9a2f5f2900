"""A readable form of a symbolic derivative: SymPy's result regrouped for a person.

SymPy's `diff` returns whatever its product and chain rules build: d/dx (a x + b)^m
comes out as a m (a x + b)^m / (a x + b), and the second derivative of e^(−x²) as
4x² e^(−x²) − 2 e^(−x²). A person writes a m (a x + b)^(m−1) and (4x² − 2) e^(−x²).
This module tries a few cheap rewrites that keep the value (factor, cancel, together,
powsimp, factor_terms), measures each by how much a reader has to read, and keeps the
shortest; the form as computed stays available beside it.

Runs inside a SymPy worker process (SymPy only, never JAX or Streamlit): the rewrites
can swell like any SymPy work, so the worker's CPU budget, enforced by the kernel,
bounds them, and `readable_step` also stops trying more rewrites once it has used its
share of that budget.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import sympy

# The rewrites tried, cheapest first. Each keeps the expression's value wherever the
# expression as computed is defined (none of them uses force=True or assumes signs).
REWRITES: tuple[tuple[str, Callable[[sympy.Expr], sympy.Expr]], ...] = (
    ("powsimp", sympy.powsimp),
    ("factor_terms", sympy.factor_terms),
    ("together", lambda e: sympy.powsimp(sympy.together(e))),
    ("cancel", sympy.cancel),
    ("factor", lambda e: sympy.powsimp(sympy.factor(e))),
    ("factor after powsimp", lambda e: sympy.factor(sympy.powsimp(e))),
    ("factor_terms after together", lambda e: sympy.factor_terms(sympy.together(e))),
    # −sin(x) + (22 − 8x²) cos(3x) e^(−x²) − …: the terms of each exponential together
    ("collect exponentials", lambda e: sympy.collect(e, sorted(e.atoms(sympy.exp), key=str))),
)
# Rewrites are not tried on expressions this large (count_ops): factor on a page-long
# sum is expensive and the result is no easier to read.
MAX_OPERATIONS = 400
# A rewrite must save at least this share of the reading to replace SymPy's form:
# a rewrite that is barely shorter only shuffles terms.
MIN_SAVING = 0.05


def reading_size(expr: sympy.Expr) -> float:
    """How much a reader reads in `expr`: its operations and its symbols.

    Operations (count_ops) weigh most; a fraction inside a fraction costs extra, as it
    is hard to read in print; the length of the LaTeX breaks ties.
    """
    return sympy.count_ops(expr) + 3 * _nested_fractions(expr) + len(sympy.latex(expr)) / 200


def _nested_fractions(expr: sympy.Expr) -> int:
    """How many fractions sit inside the numerator or denominator of another."""
    count = 0
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, sympy.Mul | sympy.Add):
            numerator, denominator = sympy.fraction(node, exact=True)
            if denominator != 1:
                count += sum(
                    1 for part in sympy.preorder_traversal(numerator)
                    if part is not numerator and sympy.fraction(part, exact=True)[1] != 1
                )  # fmt: skip
    return count


def readable_form(expr: sympy.Expr, seconds: float = float("inf")) -> tuple[sympy.Expr, str | None]:
    """The easiest-to-read form of `expr` found within `seconds` of CPU time.

    Args:
        expr: a derivative as SymPy computed it.
        seconds: CPU time to spend; rewrites not started by then are skipped (one
            already running is not interrupted: the worker's hard budget bounds it).

    Returns:
        (the readable form, the name of the rewrite that gave it), or (expr, None) when
        no rewrite reads shorter.
    """
    if sympy.count_ops(expr) > MAX_OPERATIONS:
        return expr, None
    start = time.process_time()
    best, best_name, best_size = expr, None, reading_size(expr)
    threshold = best_size * (1 - MIN_SAVING)
    for name, rewrite in REWRITES:
        if time.process_time() - start > seconds:
            break
        try:
            candidate = rewrite(expr)
        except (sympy.PolynomialError, sympy.GeneratorsNeeded, ValueError, TypeError):
            continue  # a rewrite that does not apply to this expression
        size = reading_size(candidate)
        if size < min(best_size, threshold) and not _invents_exponentials(candidate, expr):
            best, best_name, best_size = candidate, name, size
    return best, best_name


def _invents_exponentials(candidate: sympy.Expr, expr: sympy.Expr) -> bool:
    """Whether `candidate` holds an exponential `expr` did not: factoring e^(−x²) out of
    −sin(x) + (…) e^(−x²) writes −e^(x²) sin(x) inside the bracket, a shorter count for a
    form no person would write."""
    return not candidate.atoms(sympy.exp) <= expr.atoms(sympy.exp)


def readable_step(expr: sympy.Expr, seconds: float) -> tuple[str, bool, float]:
    """What a worker returns for one derivative: its readable LaTeX.

    Args:
        expr: the derivative as computed.
        seconds: the CPU time it may use (the worker is killed a little after).

    Returns:
        (LaTeX of the readable form, whether it differs from the form as computed, CPU
        seconds used).
    """
    # Imported here, not at the top: symbolic_worker imports this module to preload it.
    from core.engines.symbolic_worker import short_latex

    start = time.process_time()
    form, rewrite = readable_form(expr, seconds / 2)
    return short_latex(form), rewrite is not None, time.process_time() - start
