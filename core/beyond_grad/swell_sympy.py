"""What a SymPy worker computes for the expression-swell table: one derivative and its sizes.

Runs inside a worker process of `core.engines.symbolic` (`run_in_worker`), so it imports
SymPy and the symbolic worker only, never JAX or Streamlit. The sizes are SymPy's
`count_ops` (each +, −, ×, ÷, power and function call counts one; a sum of n terms counts
n − 1) of the derivative as one tree, and of its common-subexpression form: `sympy.cse`
names each repeated subtree once (x₀ = sin(x), ...), and the size is the ops of those
definitions plus the ops of the reduced expression, the size of the derivative as a
program that computes every shared piece once.
"""

from __future__ import annotations

import time

import sympy

from core.engines.symbolic_worker import differentiate


def cse_ops(expr: sympy.Expr) -> int:
    """count_ops of `expr` written with shared subexpressions: definitions plus what is left.

    Example:
        >>> x = sympy.Symbol("x")
        >>> expr = sympy.sin(x + 1) ** 2 + sympy.sin(x + 1)  # x0 = sin(x + 1); x0**2 + x0
        >>> sympy.count_ops(expr), cse_ops(expr)
        (6, 4)
    """
    replacements, reduced = sympy.cse(expr)
    definitions = sum(int(sympy.count_ops(value)) for _, value in replacements)
    return definitions + sum(int(sympy.count_ops(part)) for part in reduced)


def derivative_sizes(
    expr: sympy.Expr, variable: sympy.Symbol, differentiate_it: bool
) -> tuple[sympy.Expr, int, int, float]:
    """One order of the swell table: the next derivative and its two sizes.

    Args:
        expr: the previous derivative (or f itself).
        variable: the symbol to differentiate by.
        differentiate_it: False for order 0 (the sizes of f itself).

    Returns:
        (derivative, its count_ops, its count_ops with shared subexpressions, the CPU
        seconds this took, which the caller subtracts from the budget).
    """
    start = time.process_time()
    result = differentiate(expr, variable) if differentiate_it else expr
    sizes = int(sympy.count_ops(result)), cse_ops(result)
    return result, *sizes, time.process_time() - start
