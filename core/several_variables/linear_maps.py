"""The Jacobian as a linear map: a tangent pushed forward, a covector pulled back, a circle's image.

At a point p the Jacobian J = J_f(p) (m × d) is the best linear approximation of f:

    f(q) = f(p) + J (q − p) + O(|q − p|²).

It acts two ways. A tangent vector v at p (a direction in the input space) is pushed
forward to J v at f(p), one forward sweep (`jax.jvp`); a covector u at f(p) (a linear
function on the output space) is pulled back to uᵀ J at p, one reverse sweep
(`jax.vjp`). For the lecture's f(x) = (x1² + x2², x1 x2),
J = [[2 x1, 2 x2], [x2, x1]], so e1 is pushed to J e1 = (2 x1, x2) and e1 is pulled back
to e1ᵀ J = (2 x1, 2 x2).

For a map of the plane to the plane, the image of a small circle around p under f is
nearly the ellipse it becomes under the linearisation f(p) + J (q − p): the two differ
by the second-order term, ½ (q − p)ᵀ H_i (q − p) in component i, so the largest gap
shrinks like r² with the radius r.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from numpy.typing import ArrayLike

from core.language.expression import ParsedExpression
from core.language.vector import ParsedVector
from core.several_variables.arguments import is_whole_number
from core.several_variables.derivatives import jacobian, jvp, vjp
from core.several_variables.point_function import Function, as_vector_function, require_function

MIN_POINTS, MAX_POINTS = 8, 2001
PLANE_EXAMPLE = "[x^2 + y^2, x*y]"


class PushPull(NamedTuple):
    """A tangent pushed forward and a covector pulled back through J = J_f(p)."""

    value: np.ndarray  # f(p), (m,)
    jacobian: np.ndarray  # J, (m, d)
    tangent: np.ndarray  # v, (d,)
    pushed: np.ndarray  # J v, (m,): one forward sweep
    cotangent: np.ndarray  # u, (m,)
    pulled: np.ndarray  # uᵀ J, (d,): one reverse sweep
    point: np.ndarray  # p, (d,)


class CircleImage(NamedTuple):
    """A circle around p, its image under f and under the linearisation of f at p."""

    circle: np.ndarray  # (n, 2): p + r (cos t, sin t), t from 0 to 2π (closed)
    image: np.ndarray  # (n, 2): f(circle)
    linear: np.ndarray  # (n, 2): f(p) + J (circle − p)
    radius: float
    max_gap: float  # max |image − linear| over the circle (shrinks like r²)
    point: np.ndarray  # p, (2,)
    value: np.ndarray  # f(p), (2,)


def push_and_pull(
    f: Function,
    point: ArrayLike,
    tangent: ArrayLike,
    cotangent: ArrayLike,
    params: Mapping[str, float] | None = None,
) -> PushPull:
    """f(p), J, J v by `jax.jvp` and uᵀ J by `jax.vjp`, for any numbers of inputs and outputs.

    Args:
        f: a vector function of d variables with m components, or an expression (m = 1).
        point: p, d numbers ordered as `f.variables`.
        tangent: v, d numbers: a direction at p.
        cotangent: u, m numbers: a covector at f(p).
        params: values of the parameters; missing ones are 1.0.

    Returns:
        The `PushPull` record.

    Raises:
        ValueError: for a point, tangent or cotangent of the wrong length, or a bad parameter.

    Example:
        >>> from core.language.vector import parse_vector
        >>> result = push_and_pull(parse_vector("[x^2 + y^2, x*y]"), [3, 2], [1, 0], [1, 0])
        >>> result.pushed.tolist(), result.pulled.tolist()
        ([6.0, 2.0], [6.0, 4.0])
    """
    value, pushed = jvp(f, point, tangent, params)
    _, pulled = vjp(f, point, cotangent, params)
    d = len(f.variables)
    return PushPull(
        value=value,
        jacobian=jacobian(f, point, params=params),
        tangent=np.asarray(tangent, dtype=np.float64).reshape(d),
        pushed=pushed,
        cotangent=np.asarray(cotangent, dtype=np.float64).reshape(len(value)),
        pulled=pulled,
        point=np.asarray(point, dtype=np.float64).reshape(d),
    )


def circle_image(
    f: Function,
    point: ArrayLike,
    radius: float,
    params: Mapping[str, float] | None = None,
    n: int = 181,
) -> CircleImage:
    """The circle |q − p| = r, its image under f, and under q ↦ f(p) + J (q − p).

    Args:
        f: a map of the plane to the plane: two components of two variables.
        point: p, two numbers.
        radius: r > 0.
        params: values of the parameters; missing ones are 1.0.
        n: points on the circle, 8 to 2001; the first and last are the same point.

    Returns:
        The `CircleImage`; where f is undefined on the circle its image is nan and
        `max_gap` is taken over the rest (nan if nothing is left).

    Raises:
        ValueError: for f not of the plane to the plane, a bad radius, n, point or parameter.

    Example:
        >>> from core.language.vector import parse_vector
        >>> result = circle_image(parse_vector("[x^2 + y^2, x*y]"), [1, 0], 0.1, n=9)
        >>> round(result.max_gap, 12)  # the gap is (r², r² cos t sin t)
        0.011180339887
    """
    require_plane_map(f)
    if not is_whole_number(n, MIN_POINTS, MAX_POINTS):
        raise ValueError(
            f"n (points on the circle) must be a whole number from {MIN_POINTS} to "
            f"{MAX_POINTS}, got {n!r}."
        )
    radius = _radius(radius)
    J = jacobian(f, point, params=params)  # validates the point and the parameters
    p = np.asarray(point, dtype=np.float64).reshape(2)
    function = as_vector_function(f, params)
    value = np.asarray(function(jnp.asarray(p)), dtype=np.float64)
    angles = np.linspace(0.0, 2.0 * np.pi, n)
    offsets = radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    circle = p + offsets
    image = np.array(jax.vmap(function)(jnp.asarray(circle)), dtype=np.float64)
    image[~np.isfinite(image).all(axis=1)] = np.nan
    linear = value + offsets @ J.T
    gaps = np.hypot(*(image - linear).T)
    max_gap = float(np.nanmax(gaps)) if np.isfinite(gaps).any() else float("nan")
    return CircleImage(circle, image, linear, radius, max_gap, p, value)


def require_plane_map(f: Function) -> None:
    """Check that f maps the plane to the plane (2 variables, 2 components) for the pictures.

    Raises:
        ValueError: one sentence saying what f is instead, and what to type.
        TypeError: for anything that is not a parsed function.
    """
    require_function(f, "circle_image", ParsedExpression | ParsedVector)
    m = 1 if isinstance(f, ParsedExpression) else len(f.components)
    d = len(f.variables)
    if m != 2:
        raise ValueError(
            f"The pictures need a map of the plane to the plane: f has {m} "
            f"component{'s' * (m != 1)}; type two, as {PLANE_EXAMPLE}."
        )
    if d != 2:
        raise ValueError(
            f"The pictures need a map of the plane to the plane: f is a function of {d} "
            f"variable{'s' * (d != 1)} ({', '.join(f.variables)}); use two, as {PLANE_EXAMPLE}."
        )


def _radius(radius) -> float:
    try:
        value = float(radius)
    except (TypeError, ValueError):
        raise ValueError(f"The radius must be a positive number; got {radius!r}.") from None
    if isinstance(radius, bool) or not np.isfinite(value) or value <= 0:
        raise ValueError(f"The radius must be a positive number; got {radius!r}.")
    return value
