"""Derivatives of f of several variables at a point: gradient, Jacobian, Hessian, JVP, VJP.

A parsed expression f: R^d -> R or a parsed vector function f: R^d -> R^m becomes a JAX
function of the point p = (p_1, ..., p_d), ordered as the declared `variables`, and JAX's
transformations do the rest, in float64:

- gradient ∇f(p) = (∂f/∂x_1, ..., ∂f/∂x_d): `jax.grad` (one reverse sweep);
- Jacobian J_ij = ∂f_i/∂x_j: `jax.jacfwd` builds it column by column from d JVPs,
  `jax.jacrev` row by row from m VJPs: forward is cheaper when m >= d (tall),
  reverse when m < d (wide); both give the same matrix;
- Hessian H_ij = ∂²f/∂x_i∂x_j: `jax.jacfwd(jax.jacrev(f))`, forward over reverse;
- JVP (f(p), J v): one forward sweep pushes a tangent v forward, J is never formed;
- VJP (f(p), uᵀJ): one reverse sweep pulls a cotangent u back.

Nothing is compiled: a new expression answers at once after JAX's primitives are warm
(see core.engines.autodiff). Undefined derivatives (sqrt at 0) come back as inf or nan,
and where f(p) itself is nan (outside its real domain: log(x y) at (−1, 1)) every
derivative is nan (`core.engines.domain`), though JAX's local rules give numbers there.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from numpy.typing import ArrayLike

from core.engines.domain import mask_by_value
from core.language.expression import ParsedExpression
from core.language.vector import ParsedVector
from core.several_variables.arguments import point_vector, variables_phrase
from core.several_variables.point_function import (
    Function,
    as_jax_function,
    as_vector_function,
    require_function,
)

MODES = {"forward": jax.jacfwd, "reverse": jax.jacrev}


class ValueAndGradient(NamedTuple):
    """f(p) and ∇f(p), as the lectures' `jax.value_and_grad` returns them."""

    value: float
    gradient: np.ndarray


def gradient(
    parsed: ParsedExpression, point: ArrayLike, params: Mapping[str, float] | None = None
) -> np.ndarray:
    """The gradient ∇f(p) = (∂f/∂x_1, ..., ∂f/∂x_d) of a scalar function, by `jax.grad`.

    Args:
        parsed: an expression of the variables (x_1, ..., x_d).
        point: p, d numbers ordered as `parsed.variables`.
        params: values of the parameters; missing ones are 1.0.

    Returns:
        float64 array of shape (d,).

    Raises:
        ValueError: for a vector function, a point of the wrong length or a bad parameter.

    Example:
        >>> from core import parse_expression
        >>> gradient(parse_expression("x^2 + y", ("x", "y")), [2.0, 3.0]).tolist()
        [4.0, 1.0]
    """
    return value_and_gradient(parsed, point, params).gradient


def value_and_gradient(
    parsed: ParsedExpression, point: ArrayLike, params: Mapping[str, float] | None = None
) -> ValueAndGradient:
    """f(p) and ∇f(p) in one reverse sweep (`jax.value_and_grad`); see `gradient`.

    Example:
        >>> from core import parse_expression
        >>> result = value_and_gradient(parse_expression("x^2 + y", ("x", "y")), [2, 3])
        >>> result.value, result.gradient.tolist()
        (7.0, [4.0, 1.0])
    """
    require_function(parsed, "gradient", ParsedExpression)
    p = _on_variables(parsed, point, "point")
    value, grad = jax.value_and_grad(as_jax_function(parsed, params))(p)
    return ValueAndGradient(float(value), mask_by_value(float(value), _numpy(grad)))


def jacobian(
    f: Function,
    point: ArrayLike,
    mode: str = "forward",
    params: Mapping[str, float] | None = None,
) -> np.ndarray:
    """The Jacobian J_ij = ∂f_i/∂x_j at p, by forward (`jacfwd`) or reverse (`jacrev`) mode.

    Forward mode builds J from d Jacobian-vector products (one per column), reverse
    mode from m vector-Jacobian products (one per row); the matrices agree to rounding.

    Args:
        f: a vector function of d variables with m components, or an expression (m = 1).
        point: p, d numbers ordered as `f.variables`.
        mode: "forward" (`jax.jacfwd`) or "reverse" (`jax.jacrev`).
        params: values of the parameters; missing ones are 1.0.

    Returns:
        float64 array of shape (m, d).

    Raises:
        ValueError: for an unknown mode, a point of the wrong length or a bad parameter.

    Example:
        >>> from core.language.vector import parse_vector
        >>> J = jacobian(parse_vector("[x^2*y, 5x + sin(y)]"), [0.5, 0.5], mode="reverse")
        >>> J.round(8).tolist()
        [[0.5, 0.25], [5.0, 0.87758256]]
    """
    require_function(f, "jacobian", ParsedExpression | ParsedVector)
    if mode not in MODES:
        raise ValueError(
            f"mode must be 'forward' (jax.jacfwd) or 'reverse' (jax.jacrev), got {mode!r}."
        )
    p = _on_variables(f, point, "point")
    function = as_jax_function(f, params)
    matrix = _numpy(MODES[mode](function)(p)).reshape(-1, p.shape[0])
    return mask_by_value(_numpy(function(p)).reshape(-1), matrix)  # row i: f_i's domain


def hessian(
    parsed: ParsedExpression, point: ArrayLike, params: Mapping[str, float] | None = None
) -> np.ndarray:
    """The Hessian H_ij = ∂²f/∂x_i∂x_j at p, by `jax.jacfwd(jax.jacrev(f))`.

    Reverse mode gives the gradient in one sweep; forward mode over it gives its d
    columns. H is symmetric wherever f is twice continuously differentiable.

    Args:
        parsed: an expression of the variables (x_1, ..., x_d).
        point: p, d numbers ordered as `parsed.variables`.
        params: values of the parameters; missing ones are 1.0.

    Returns:
        float64 array of shape (d, d).

    Raises:
        ValueError: for a vector function, a point of the wrong length or a bad parameter.

    Example:
        >>> from core import parse_expression
        >>> rosenbrock = parse_expression("(1 - x)^2 + 100(y - x^2)^2", ("x", "y"))
        >>> hessian(rosenbrock, [1, 1]).tolist()
        [[802.0, -400.0], [-400.0, 200.0]]
    """
    require_function(parsed, "hessian", ParsedExpression)
    p = _on_variables(parsed, point, "point")
    function = as_jax_function(parsed, params)
    return mask_by_value(float(function(p)), _numpy(jax.jacfwd(jax.jacrev(function))(p)))


def jvp(
    f: Function,
    point: ArrayLike,
    tangent: ArrayLike,
    params: Mapping[str, float] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Push a tangent vector forward: (f(p), J(p) v) in one forward sweep (`jax.jvp`).

    Args:
        f: a vector function with m components of d variables (an expression counts
            as m = 1).
        point: p, d numbers ordered as `f.variables`.
        tangent: v, d numbers: a direction in the input space.
        params: values of the parameters; missing ones are 1.0.

    Returns:
        (f(p), J v): two float64 arrays of shape (m,).

    Raises:
        ValueError: for a point or tangent of the wrong length or a bad parameter.

    Example:
        >>> from core.language.vector import parse_vector
        >>> f = parse_vector("[x^2 + y^2, x*y]")
        >>> [a.tolist() for a in jvp(f, [3, 2], [1, 0])]
        [[13.0, 6.0], [6.0, 2.0]]
    """
    require_function(f, "jvp", ParsedExpression | ParsedVector)
    p, v = _on_variables(f, point, "point"), _on_variables(f, tangent, "tangent")
    value, pushed = jax.jvp(as_vector_function(f, params), (p,), (v,))
    return _numpy(value), mask_by_value(_numpy(value), _numpy(pushed))


def vjp(
    f: Function,
    point: ArrayLike,
    cotangent: ArrayLike,
    params: Mapping[str, float] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Pull a cotangent vector back: (f(p), uᵀ J(p)) in one reverse sweep (`jax.vjp`).

    Args:
        f: a vector function with m components of d variables (an expression counts
            as m = 1).
        point: p, d numbers ordered as `f.variables`.
        cotangent: u, m numbers: a covector on the output space.
        params: values of the parameters; missing ones are 1.0.

    Returns:
        (f(p), uᵀ J): float64 arrays of shapes (m,) and (d,).

    Raises:
        ValueError: for a point or cotangent of the wrong length or a bad parameter.

    Example:
        >>> from core.language.vector import parse_vector
        >>> f = parse_vector("[x^2 + y^2, x*y]")
        >>> [a.tolist() for a in vjp(f, [3, 2], [1, 0])]
        [[13.0, 6.0], [6.0, 4.0]]
    """
    require_function(f, "vjp", ParsedExpression | ParsedVector)
    p = _on_variables(f, point, "point")
    m = 1 if isinstance(f, ParsedExpression) else len(f.components)
    u = jnp.asarray(point_vector(cotangent, m, "cotangent", f"f has {m} component{'s' * (m != 1)}"))
    value, pull_back = jax.vjp(as_vector_function(f, params), p)
    (pulled,) = pull_back(u)
    # uᵀJ mixes every component's row: f must be defined at p as a whole.
    undefined = bool(np.isnan(_numpy(value)).any())
    return _numpy(value), mask_by_value(np.nan if undefined else 0.0, _numpy(pulled))


# -- validation at the boundary ---------------------------------------------------------


def _on_variables(f: Function, values, name: str) -> jax.Array:
    """`values` as a float64 JAX vector of one number per variable of f (see point_vector)."""
    return jnp.asarray(point_vector(values, len(f.variables), name, variables_phrase(f)))


def _numpy(array) -> np.ndarray:
    return np.asarray(array, dtype=np.float64)
