"""The Hessian-vector product H(p) v by forward-over-reverse, without forming H.

Reverse mode gives the gradient ∇f in one sweep; a forward sweep through that sweep,
with the tangent v, gives its directional derivative

    d/dt ∇f(p + t v) at t = 0  =  H(p) v,

that is `jax.jvp(jax.grad(f), (p,), (v,))`. It costs a small constant multiple of one
evaluation of f, whatever the number of variables d, where the Hessian itself takes d
such products (`jax.jacfwd(jax.jacrev(f))`) and d^2 numbers of memory: Newton-CG and
trust-region methods need only H v, so they scale to large d.

`extended_rosenbrock` is the d-variable test function of such methods, in the chained
form `scipy.optimize.rosen` uses, both as a JAX function of an array (any d) and as a
parsed expression of x1, ..., xd (for the typed-function pages and their checks).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping

import jax
import jax.numpy as jnp
import numpy as np
from numpy.typing import ArrayLike

from core.engines.domain import mask_by_value
from core.language.expression import ParsedExpression, parse_expression
from core.several_variables.arguments import point_vector, variables_phrase, whole_number
from core.several_variables.point_function import as_jax_function, require_function

MAX_ROSENBROCK_VARIABLES = 50  # the typed form; the array form takes any d


def hessian_vector_product(
    parsed: ParsedExpression,
    point: ArrayLike,
    vector: ArrayLike,
    params: Mapping[str, float] | None = None,
) -> np.ndarray:
    """H(p) v, the Hessian of f at p times v, by `jax.jvp` of `jax.grad` (H is never formed).

    Args:
        parsed: an expression of the variables (x_1, ..., x_d).
        point: p, d numbers ordered as `parsed.variables`.
        vector: v, d numbers: the direction the gradient is differentiated along.
        params: values of the parameters; missing ones are 1.0.

    Returns:
        float64 array of shape (d,); nan wherever f(p) is undefined.

    Raises:
        ValueError: for a vector function, a point or vector of the wrong length or a bad
            parameter.

    Example:
        >>> rosenbrock = parse_expression("(1 - x)^2 + 100(y - x^2)^2", ("x", "y"))
        >>> hessian_vector_product(rosenbrock, [1, 1], [1, 0]).tolist()  # H's first column
        [802.0, -400.0]
    """
    require_function(parsed, "hessian_vector_product", ParsedExpression)
    d, phrase = len(parsed.variables), variables_phrase(parsed)
    p = jnp.asarray(point_vector(point, d, "point", phrase))
    v = jnp.asarray(point_vector(vector, d, "vector", phrase))
    value, product = forward_over_reverse(as_jax_function(parsed, params), p, v)
    return mask_by_value(float(value), np.asarray(product, dtype=np.float64))


def forward_over_reverse(
    function: Callable[[jax.Array], jax.Array], point: jax.Array, vector: jax.Array
) -> tuple[jax.Array, jax.Array]:
    """(f(p), H(p) v) for a scalar JAX function of a vector, in one forward-over-reverse pass.

    Traceable (a page may `jax.jit` it, a test may read its jaxpr): no d x d array occurs.

    Example:
        >>> value, product = forward_over_reverse(extended_rosenbrock, jnp.ones(3), jnp.ones(3))
        >>> float(value), product.tolist()
        (0.0, [402.0, 202.0, -200.0])
    """
    (value, _), (_, product) = jax.jvp(jax.value_and_grad(function), (point,), (vector,))
    return value, product


def extended_rosenbrock(x: jax.Array) -> jax.Array:
    """f(x) = sum over i < d of 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2; its minimum is 0 at
    x = (1, ..., 1). The chained form of `scipy.optimize.rosen`, for any d >= 2."""
    head, tail = x[:-1], x[1:]
    return jnp.sum(100.0 * (tail - head**2) ** 2 + (1.0 - head) ** 2)


def extended_rosenbrock_expression(d: int) -> ParsedExpression:
    """`extended_rosenbrock` of d variables x1, ..., xd as a parsed expression.

    The text is written here from whole numbers (never from a user's text) and parsed as
    any typed function is, so core.hessian, core.gradient and the pages take it as well.

    Raises:
        ValueError: unless 2 <= d <= MAX_ROSENBROCK_VARIABLES.

    Example:
        >>> extended_rosenbrock_expression(3).text
        '100*(x2 - x1**2)**2 + (1 - x1)**2 + 100*(x3 - x2**2)**2 + (1 - x2)**2'
    """
    d = whole_number(d, "The number of variables d", 2, MAX_ROSENBROCK_VARIABLES)
    variables = tuple(f"x{i}" for i in range(1, d + 1))
    terms = [
        f"100*({following} - {current}^2)^2 + (1 - {current})^2"
        for current, following in itertools.pairwise(variables)
    ]
    return parse_expression(" + ".join(terms), variables)
