"""Automatic differentiation of a parsed expression: every order 0..n in one call.

Taylor mode (`jax.experimental.jet`) propagates a truncated Taylor series through
each primitive: order n costs O(n^2) work, where nested forward mode costs O(2^n)
without common-subexpression elimination and nested reverse mode worse still.

Whether to compile is chosen by measurement (see benchmarks/): on the page's small
grid, un-jitted Taylor mode answers a new expression in a few tens of milliseconds
once JAX's primitives are warm, where compiling costs 0.5-1.5 s; on large grids the
fused compiled form wins and is cached per canonical expression, order and length.
"""

from __future__ import annotations

from collections.abc import Mapping

import jax
import jax.numpy as jnp
import numpy as np

from core.engines import autodiff_compiled
from core.engines.domain import mask_rows
from core.engines.taylor_mode import elementwise_function, taylor_derivatives
from core.language import functions
from core.language.expression import ParsedExpression, parse_expression

MAX_ORDER = 10
COMPILE_FROM_LENGTH = 20_000  # grids at least this long use the compiled, cached form


def resolve_parameters(
    parsed: ParsedExpression, params: Mapping[str, float] | None
) -> dict[str, float]:
    """Every parameter of `parsed` with its value; those not given default to 1.0.

    Raises:
        ValueError: for a name that is not a parameter of the expression.
    """
    params = dict(params or {})
    unknown = sorted(set(params) - set(parsed.parameters))
    if unknown:
        verb = "is not a parameter" if len(unknown) == 1 else "are not parameters"
        raise ValueError(
            f"{', '.join(unknown)} {verb} of {parsed.text}; "
            f"its parameters are: {', '.join(parsed.parameters) or 'none'}."
        )
    return {name: float(params.get(name, 1.0)) for name in parsed.parameters}


def _validate(parsed: ParsedExpression, xs, max_order: int) -> np.ndarray:
    if len(parsed.variables) != 1:
        raise ValueError("ad_derivatives differentiates functions of one variable.")
    if isinstance(max_order, bool) or not isinstance(max_order, int | np.integer):
        raise TypeError("max_order must be an integer.")
    if not 0 <= max_order <= MAX_ORDER:
        raise ValueError(f"max_order must be between 0 and {MAX_ORDER}, got {max_order}.")
    xs = np.asarray(xs, dtype=np.float64)
    if xs.ndim != 1:
        raise ValueError(f"xs must be one-dimensional, got shape {xs.shape}.")
    return xs


def ad_derivatives(
    parsed: ParsedExpression,
    xs,
    max_order: int,
    params: Mapping[str, float] | None = None,
) -> np.ndarray:
    """Derivatives 0..max_order of `parsed` at the points `xs`, by JAX in float64.

    Args:
        parsed: an expression of one variable.
        xs: 1-D points.
        max_order: highest derivative order, 0 to MAX_ORDER.
        params: values of the expression's parameters; missing ones are 1.0.

    Returns:
        Array of shape (max_order + 1, len(xs)); row k is the k-th derivative. Points
        where a derivative is undefined hold nan or inf; where f itself is nan (outside
        its real domain: log(−1)) every row is nan (`core.engines.domain`), though
        Taylor mode's local rules would give a number there (log's 1/x).

    Raises:
        ValueError: for a bad order, shape or parameter name.
    """
    xs = _validate(parsed, xs, max_order)
    values = resolve_parameters(parsed, params)
    if len(xs) >= COMPILE_FROM_LENGTH:
        rows = autodiff_compiled.derivatives(
            parsed, xs, max_order, values, lambda points: _eager(parsed, points, max_order, values)
        )
    else:
        rows = _eager(parsed, xs, max_order, values)
    return mask_rows(rows)


def _eager(parsed: ParsedExpression, xs: np.ndarray, max_order: int, values) -> np.ndarray:
    rows = taylor_derivatives(elementwise_function(parsed, values), jnp.asarray(xs), max_order)
    return np.stack([np.asarray(row, dtype=np.float64) for row in rows])


def derivatives_at(
    parsed: ParsedExpression, x0: float, max_order: int, params: Mapping[str, float] | None = None
) -> np.ndarray:
    """Derivatives 0..max_order at one point, for orders beyond MAX_ORDER too (up to 16).

    Error models need f^(m+p) for high-accuracy stencils (m + p up to 12). Where f(x0)
    is nan (outside its domain), every order is nan, as in `ad_derivatives`.
    """
    if not 0 <= max_order <= 16:
        raise ValueError(f"max_order must be between 0 and 16, got {max_order}.")
    xs = _validate(parsed, [float(x0)], 0)
    values = resolve_parameters(parsed, params)
    rows = taylor_derivatives(elementwise_function(parsed, values), jnp.asarray(xs), max_order)
    return mask_rows([float(np.asarray(row)[0]) for row in rows])


def device_name() -> str:
    """Where JAX computes: e.g. 'CPU' or 'GPU (NVIDIA H100)'."""
    device = jax.devices()[0]
    if device.platform == "cpu":
        return "CPU"
    return f"{device.platform.upper()} ({device.device_kind})"


WARM_UP_EXPRESSIONS = (
    "2*x - x/3 + 1",
    "x**x + 2**x + x**0.5 + x**3 + x**-2",
    "5",
    "max(x, 0.5) + min(x, 0.5) + where(x < 0.5, x, 1)",
)
# Powers at a zero base take their own branch of the pow rule (core.engines.taylor_rules).
WARM_UP_AT_ZERO = "x**0.5 + 0**x + x**x"


def warm_up(grid_size: int) -> None:
    """Run every primitive the expression language can produce through Taylor mode once.

    JAX compiles each primitive for each shape the first time it runs eagerly (about
    0.5 s for a new expression's worth); doing it at start-up on the page's grid and
    on single points means a user's first expression does not pay for it.
    """
    for size in (grid_size, 1):
        x = jnp.linspace(0.1, 0.9, size)
        for name in functions.FUNCTION_NAMES:
            function = functions.jax_function(name)
            taylor_derivatives(function, x, 3)
        for text in WARM_UP_EXPRESSIONS:
            for order in (0, 3):  # order 0 runs the primitives alone, outside jet (lax.max)
                ad_derivatives(parse_expression(text), x, order, {})
        ad_derivatives(parse_expression(WARM_UP_AT_ZERO), np.linspace(0.0, 0.9, size), 3, {})
