"""The slope of f along a direction and its tangent plane at a point, by AD and checked by
finite differences: what the "Several variables" page draws beside the gradient field.

For f: R^d -> R at a point p (ordered as the declared variables):

- the directional derivative D_u f(p) = ∇f(p) · u for a unit vector u, three ways:
  from the gradient, by one forward sweep `jax.jvp(f, (p,), (u,))` that never forms
  ∇f, and by the central difference (f(p + h u) - f(p - h u)) / 2h, h = ∛ε · max(1, |p|);
- f along the line through p in the direction u, t ↦ f(p + t u), whose slope at t = 0
  is D_u f(p);
- the tangent plane of f(x, y) at p: T(q) = f(p) + ∇f(p) · (q - p), which touches the
  surface at p and differs from it by O(|q - p|²) near p (Taylor's theorem).

Nothing is compiled, as in core.several_variables.fields, whose checks these share.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from numpy.typing import ArrayLike

from core.descent.surfaces import contour_grid
from core.language.expression import ParsedExpression, parse_expression
from core.several_variables.arguments import (
    is_whole_number,
    numbers_text,
    point_label,
    unit_vector,
)
from core.several_variables.derivatives import value_and_gradient
from core.several_variables.fields import (
    STEP_FACTOR,
    WARM_UP_EXPRESSIONS,
    evaluate_numpy,
    function_expressions,
    require_defined,
    require_two_variables,
)
from core.several_variables.point_function import as_jax_function, require_function

MAX_SLICE_POINTS = 10_000


class DirectionalDerivative(NamedTuple):
    """D_u f(p), the slope of f along the unit vector u, computed three ways."""

    unit: np.ndarray
    by_gradient: float
    by_jvp: float
    finite_difference: float


class TangentPlane(NamedTuple):
    """The surface z = f(x, y) and its tangent plane at p, on the same n × n grid."""

    xs: np.ndarray
    ys: np.ndarray
    surface: np.ndarray
    plane: np.ndarray
    point: np.ndarray
    value: float
    gradient: np.ndarray


class DirectionalSlice(NamedTuple):
    """f along the line through p in the direction u: values[k] = f(p + t[k] u)."""

    t: np.ndarray
    values: np.ndarray


def direction_from_angle(degrees: float) -> np.ndarray:
    """The unit vector (cos θ, sin θ) at θ degrees counter-clockwise from the x-axis.

    Example:
        >>> direction_from_angle(90).round(12).tolist()
        [0.0, 1.0]
    """
    try:
        angle = float(degrees)
    except (TypeError, ValueError):
        raise ValueError(f"The angle must be a number of degrees, got {degrees!r}.") from None
    if not math.isfinite(angle):
        raise ValueError(f"The angle must be a finite number of degrees, got {angle}.")
    radians = math.radians(angle)
    return np.array([math.cos(radians), math.sin(radians)])


def directional_derivative(
    parsed: ParsedExpression,
    point: ArrayLike,
    direction: ArrayLike,
    params: Mapping[str, float] | None = None,
) -> DirectionalDerivative:
    """D_u f(p) for u = direction / |direction|: by ∇f(p) · u, by `jax.jvp`, by a difference.

    Args:
        parsed: an expression of d >= 1 variables.
        point: p, d numbers ordered as `parsed.variables`.
        direction: d numbers, not all zero (its length does not matter).
        params: values of the parameters; missing ones are 1.0.

    Returns:
        DirectionalDerivative; its finite difference uses h = ∛ε · max(1, |p|).

    Raises:
        ValueError: for the zero direction, a vector of the wrong length, or a point
            where f is undefined.

    Example:
        >>> from core import parse_expression
        >>> slope = directional_derivative(parse_expression("x^2 + y", ("x", "y")), [2, 3], [3, 4])
        >>> slope.unit.tolist(), round(slope.by_gradient, 12), round(slope.by_jvp, 12)
        ([0.6, 0.8], 3.2, 3.2)
    """
    require_function(parsed, "directional_derivative", ParsedExpression)
    value, gradient = value_and_gradient(parsed, point, params)
    p = np.asarray(point, dtype=np.float64).reshape(-1)  # value_and_gradient checked it
    unit = unit_vector(direction, parsed.variables)
    require_defined(parsed, p, value, params)
    _, pushed = jax.jvp(as_jax_function(parsed, params), (jnp.asarray(p),), (jnp.asarray(unit),))
    h = float(STEP_FACTOR * max(1.0, float(np.linalg.norm(p))))
    ahead, behind = evaluate_numpy(parsed, np.stack([p + h * unit, p - h * unit]), params)
    return DirectionalDerivative(
        unit, float(gradient @ unit), float(pushed), float((ahead - behind) / (2 * h))
    )


def directional_slice(
    parsed: ParsedExpression,
    point: ArrayLike,
    unit: ArrayLike,
    half_width: float,
    params: Mapping[str, float] | None = None,
    n: int = 201,
) -> DirectionalSlice:
    """f along the line through p in the direction u, for t in [-half_width, half_width].

    Args:
        parsed: an expression of d >= 1 variables.
        point: p, d numbers.
        unit: the direction u (normalised here if it is not a unit vector; not zero).
        half_width: T > 0, the largest |t|.
        params: values of the parameters; missing ones are 1.0.
        n: points on the line, 2 to 10,000.

    Returns:
        DirectionalSlice (t, values), values[k] = f(p + t[k] u), nan where undefined.

    Raises:
        ValueError: for a bad point, direction, half_width or n.
    """
    require_function(parsed, "directional_slice", ParsedExpression)
    p = np.asarray(point, dtype=np.float64).reshape(len(parsed.variables))
    direction = unit_vector(unit, parsed.variables)
    try:
        width = float(half_width)
    except (TypeError, ValueError):
        raise ValueError(f"half_width must be a positive number, got {half_width!r}.") from None
    if not (math.isfinite(width) and width > 0):
        raise ValueError(f"half_width must be a positive finite number, got {width}.")
    if not is_whole_number(n, 2, MAX_SLICE_POINTS):
        raise ValueError(f"n must be a whole number from 2 to {MAX_SLICE_POINTS}, got {n!r}.")
    t = np.linspace(-width, width, n)
    return DirectionalSlice(t, evaluate_numpy(parsed, p + t[:, None] * direction, params))


def tangent_plane(
    parsed: ParsedExpression,
    point: ArrayLike,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    params: Mapping[str, float] | None = None,
    n: int = 41,
) -> TangentPlane:
    """The surface z = f(x, y) and the plane T(q) = f(p) + ∇f(p) · (q - p) on an n × n grid.

    Args:
        parsed: an expression of two variables.
        point: p = (x, y).
        x_range, y_range: (low, high) of the window.
        params: values of the parameters; missing ones are 1.0.
        n: grid points per axis, 2 to 1000.

    Returns:
        TangentPlane; surface[i, j] = f(xs[j], ys[i]) (nan where undefined), plane likewise.

    Raises:
        ValueError: for a function not of two variables, a point where f is undefined
            or where ∇f is not finite (no tangent plane), a bad range or n.

    Example:
        >>> from core import parse_expression
        >>> bowl = parse_expression("x^2 + y^2", ("x", "y"))
        >>> plane = tangent_plane(bowl, [1, 0], (0, 2), (-1, 1), n=3)
        >>> plane.plane.tolist()  # 1 + 2(x - 1)
        [[-1.0, 1.0, 3.0], [-1.0, 1.0, 3.0], [-1.0, 1.0, 3.0]]
    """
    require_two_variables(parsed, "The tangent plane")
    value, gradient = value_and_gradient(parsed, point, params)
    p = np.asarray(point, dtype=np.float64).reshape(2)  # value_and_gradient checked it
    require_defined(parsed, p, value, params)
    if not np.isfinite(gradient).all():
        raise ValueError(
            f"f has no tangent plane at {point_label(parsed.variables, p)}: its partial "
            f"derivatives there are not finite (∇f = {numbers_text(gradient)}); pick another point."
        )
    xs, ys, surface = contour_grid(parsed, x_range, y_range, n, params)
    plane = value + gradient[0] * (xs[None, :] - p[0]) + gradient[1] * (ys[:, None] - p[1])
    return TangentPlane(xs, ys, surface, plane, p, value, gradient)


def warm_up(dimensions: tuple[int, ...] = (2, 3)) -> None:
    """Run every primitive of the expression language through `directional_derivative`'s
    forward sweep once (see core.several_variables.fields.warm_up, which it follows).

    Args:
        dimensions: numbers of variables (1 to 3) the page asks directional derivatives for.
    """
    for text in (*WARM_UP_EXPRESSIONS, *function_expressions()):
        for d in dimensions:
            parsed = parse_expression(text, ("x", "y", "z")[:d])
            directional_derivative(parsed, np.linspace(0.2, 0.6, d), np.ones(d))
