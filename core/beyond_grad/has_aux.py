"""`jax.value_and_grad(f, has_aux=True)`: a function that returns more than its value.

A loss often computes something worth keeping on the way (predictions, a metric). With
`has_aux=True`, f returns a pair (value, aux): JAX differentiates only the value and
hands aux back untouched, so one call gives ((f(x), aux), ∇f(x)). The lecture's example:
f(x, y) = x² + y returning (x² + y, 42); at (2, 3) the value is 7, aux is 42 and
∂f/∂x = 2x = 4.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp

from core.beyond_grad.arguments import finite_number
from core.engines import autodiff  # noqa: F401  (importing it switches JAX to float64)

LECTURE_AUX = 42.0


class AuxResult(NamedTuple):
    """What `jax.value_and_grad(f, has_aux=True)(x, y)` returns, flattened.

    Attributes:
        value: f(x, y).
        aux: the auxiliary output, passed through undifferentiated.
        gradient: ∂f/∂x (argnums=0, the default).
    """

    value: float
    aux: float
    gradient: float


def lecture_function(x, y):
    """f(x, y) = x² + y, returning (value, aux) with aux = 42."""
    return x**2 + y, jnp.asarray(LECTURE_AUX)


def lecture_has_aux(x: float = 2.0, y: float = 3.0) -> AuxResult:
    """The lecture's `value_and_grad(f, has_aux=True)` at (x, y).

    Raises:
        ValueError: for x or y not a finite number.

    Example:
        >>> lecture_has_aux()
        AuxResult(value=7.0, aux=42.0, gradient=4.0)
    """
    x, y = (
        jnp.asarray(finite_number(v, name), dtype=jnp.float64) for v, name in ((x, "x"), (y, "y"))
    )
    (value, aux), gradient = jax.value_and_grad(lecture_function, has_aux=True)(x, y)
    return AuxResult(float(value), float(aux), float(gradient))
