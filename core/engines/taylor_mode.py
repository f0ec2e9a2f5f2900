"""Taylor-mode AD of one elementwise function: the series every engine path propagates.

`jax.experimental.jet` pushes a truncated Taylor series through each primitive, with
this project's rules for the primitives jet lacks or gets wrong (registered here,
before any series is propagated: `core.engines.taylor_rules`).
"""

from __future__ import annotations

import jax

jax.config.update("jax_enable_x64", True)  # every comparison of methods is in float64

import jax.numpy as jnp  # noqa: E402
from jax import lax  # noqa: E402
from jax.experimental import jet  # noqa: E402

from core.engines import taylor_rules  # noqa: E402
from core.language.expression import REFERENCE, ParsedExpression  # noqa: E402

taylor_rules.register()


def taylor_derivatives(function, x: jax.Array, max_order: int) -> list[jax.Array]:
    """Derivatives 0..max_order of an elementwise function at every point of `x`.

    Seeds the input path x(t) = x + t, whose derivatives are (1, 0, 0, ...), so the
    output series of `jet` are f'(x), f''(x), ... (jet's terms are derivatives, not
    Taylor coefficients).

    Returns:
        max_order + 1 arrays shaped like `x` (a list: stacking them eagerly would
        compile a new concatenation for every order).
    """
    if max_order == 0:
        return [function(x)]
    series = [jnp.ones_like(x)] + [jnp.zeros_like(x)] * (max_order - 1)
    primal, terms = jet.jet(function, (x,), (series,))
    return [primal, *terms]


def elementwise_function(parsed: ParsedExpression, params):
    """f(x) on a grid x, with the parameters held at `params` (name -> value)."""
    variable = parsed.variables[0]

    def function(x):
        env = {REFERENCE: x, variable: x}
        env.update({name: lax.full_like(x, value) for name, value in params.items()})
        # Adding zeros makes expressions without x ("5", "a") a function of the grid.
        return lax.add(parsed.jax(env), lax.full_like(x, 0.0))

    return function
