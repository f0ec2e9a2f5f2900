"""The compiled form of Taylor-mode AD for long grids: every order in one pass over x.

Where the time went (N = 10^6, orders 0-4, f = sin(x) - 2cos(3x)e^(-x^2), 2 cores):
`jit(stack(jet(...)))` took 90-110 ms against 15-18 ms for f alone. XLA's optimised
HLO (`jax.jit(...).lower(x).compile().as_text()`) showed why: the stack became one
loop over the (5, N) output, and a loop over a concatenation evaluates each row's
operand on its own, so every row recomputed sin, cos and exp and all lower orders
(orders 0-8: nine times). Returning the rows as a tuple gave six loops, each with its
own copies of sin and cos. So:

- the rows leave through one variadic `reduce` over a padded axis of length 2 (each
  row plus -0.0, which adds nothing, signed zeros included): XLA emits one loop that
  writes every row at each point, sharing everything below (`_one_pass`);
- divisions are products with one reciprocal (`core.engines.taylor_elementary`), so
  no term becomes a loop of its own;
- powers skip their zero-base limits and say where a base is 0
  (`taylor_rules.flag_zero_bases`); those few points are computed again un-jitted;
- LLVM vectorises that loop over the grid at high orders only with a raised unroll
  threshold, which `import core` puts in XLA_FLAGS (`core.engines.xla_flags`).

`benchmarks/bench.py` measures the result against f alone, SymPy and the others.
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from core.engines import taylor_mode, taylor_rules
from core.language.expression import parse_expression

CACHE_SIZE = 32


def _one_pass(rows: list[jax.Array]) -> tuple[jax.Array, ...]:
    """The rows, unchanged, as the outputs of one variadic reduce: one fused loop writes all.

    Each row is paired along a new axis of length 2 with a value that changes nothing and
    combined over it: -0.0 by addition for numbers (x + (-0.0) is x for every x, +0.0,
    -0.0, inf and nan too), False by `or` for flags.
    """

    def neutral(row):
        return np.array(False if row.dtype == bool else -0.0, dtype=row.dtype)

    def combine(a, b):
        return tuple(
            lax.bitwise_or(p, q) if p.dtype == bool else lax.add(p, q)
            for p, q in zip(a, b, strict=True)
        )

    operands = tuple(jnp.stack([row, jnp.full_like(row, neutral(row))]) for row in rows)
    return lax.reduce(operands, tuple(map(neutral, rows)), combine, (0,))


@functools.lru_cache(maxsize=CACHE_SIZE)
def compiled(text: str, variable: str, parameters: tuple[str, ...], max_order: int):
    """A jitted (x, parameter values) -> (rows 0..max_order, zero-base flags or None).

    Cached per canonical text, variable, parameter names and order; `jit` adds one
    executable per grid length (and device).
    """
    parsed = parse_expression(text, (variable,))

    def run(x, parameter_values):
        params = dict(zip(parameters, parameter_values, strict=True))
        function = taylor_mode.elementwise_function(parsed, params)
        with taylor_rules.flag_zero_bases() as flags:
            rows = taylor_mode.taylor_derivatives(function, x, max_order)
        if not flags:
            return _one_pass(rows), None
        zero_base = functools.reduce(lax.bitwise_or, flags)
        outputs = _one_pass([*rows, zero_base])
        return outputs[:-1], outputs[-1]

    return jax.jit(run)


def derivatives(parsed, xs: np.ndarray, max_order: int, values: dict[str, float], eager):
    """Rows 0..max_order at `xs` (float64) by the compiled form; `eager` redoes zero bases.

    Args:
        parsed: an expression of one variable.
        xs: 1-D float64 points.
        max_order: highest derivative order.
        values: every parameter's value, in `parsed.parameters` order.
        eager: (xs) -> rows, the un-jitted path, for the points where a power's base is 0.
    """
    function = compiled(parsed.text, parsed.variables[0], parsed.parameters, max_order)
    rows, zero_base = function(jnp.asarray(xs), jnp.asarray(list(values.values()), jnp.float64))
    result = np.stack([np.asarray(row) for row in rows])
    if zero_base is not None:
        redo = np.flatnonzero(np.asarray(zero_base))
        if redo.size:
            result[:, redo] = eager(xs[redo])
    return result
