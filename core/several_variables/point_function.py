"""A typed function as a JAX function of the point vector p = (p_1, ..., p_d).

`ParsedExpression.jax` is a function of an environment (name -> array); the derivatives
of several variables need a function of one array whose entries are ordered as the
declared `variables`. This builds it from `lax` primitives only (no `jnp` wrappers, so
nothing is compiled anew per expression), for a scalar expression (output shape ()) or
a vector function (output shape (m,)). Pages can time it or jit it themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import jax
from jax import lax

from core.engines.autodiff import resolve_parameters  # importing it switches JAX to float64
from core.language.expression import REFERENCE, ParsedExpression
from core.language.vector import ParsedVector

Function = ParsedExpression | ParsedVector


def as_jax_function(
    f: Function, params: Mapping[str, float] | None = None
) -> Callable[[jax.Array], jax.Array]:
    """`f` as a JAX-traceable function of the point vector, built from `lax` primitives.

    Args:
        f: a parsed expression (the function returns a scalar, shape ()) or a parsed
            vector function (it returns shape (m,)).
        params: values of the parameters; missing ones are 1.0.

    Returns:
        A function of a float64 array of shape (d,), d = len(f.variables).

    Raises:
        ValueError: for a parameter name `f` does not have, or a function of no variables.

    Example:
        >>> import jax.numpy as jnp
        >>> from core.language.vector import parse_vector
        >>> F = as_jax_function(parse_vector("[x*y, x + y]"))
        >>> jax.jacfwd(F)(jnp.array([2.0, 3.0])).tolist()
        [[3.0, 2.0], [1.0, 1.0]]
    """
    require_function(f, "as_jax_function", ParsedExpression | ParsedVector)
    values = resolve_parameters(f, params)
    if isinstance(f, ParsedExpression):
        return _component_function(f, values)
    components = [_component_function(component, values) for component in f.components]

    def vector_function(point):
        return lax.concatenate([lax.expand_dims(c(point), (0,)) for c in components], 0)

    return vector_function


def _component_function(parsed: ParsedExpression, values: Mapping[str, float]) -> Callable:
    variables = parsed.variables
    parameters = {name: values[name] for name in parsed.parameters}

    def component(point):
        coordinates = [lax.index_in_dim(point, i, keepdims=False) for i in range(len(variables))]
        env = {REFERENCE: coordinates[0], **dict(zip(variables, coordinates, strict=True))}
        env.update({name: lax.full_like(coordinates[0], v) for name, v in parameters.items()})
        return parsed.jax(env)

    return component


def as_vector_function(f: Function, params: Mapping[str, float] | None = None) -> Callable:
    """Like `as_jax_function`, but a scalar expression returns shape (1,): an R^1 vector."""
    function = as_jax_function(f, params)
    if isinstance(f, ParsedVector):
        return function
    return lambda point: lax.expand_dims(function(point), (0,))


def require_function(f, name: str, allowed: type | tuple) -> None:
    """Check that `name` was given a parsed function of the `allowed` kinds, of >= 1 variable.

    Raises:
        ValueError: for a vector function where a scalar one is needed, or no variables.
        TypeError: for anything that is not a parsed function (text, a callable, ...).
    """
    if isinstance(f, allowed):
        if not f.variables:
            raise ValueError(f"{name} needs a function of at least one variable.")
        return
    if isinstance(f, ParsedVector):
        raise ValueError(
            f"{name} needs a scalar function, but {f.text} is a vector function of "
            f"{len(f)} components: type one expression (parse_expression), or pass one "
            "of its components."
        )
    raise TypeError(
        f"{name} needs a parsed function (parse_expression or parse_vector), "
        f"got {type(f).__name__}."
    )
