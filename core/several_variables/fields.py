"""What the "Several variables" page draws: f's gradient field, its partials, directional
derivatives and tangent plane at a point, each by AD and checked by finite differences.

For f: R^d -> R at a point p (ordered as the declared variables):

- the gradient ∇f(p) = (∂f/∂x_1, ..., ∂f/∂x_d) by `jax.grad`; on a grid of arrow tails,
  by `jax.vmap(jax.value_and_grad(f))`, one batched reverse sweep for all of them;
- central differences ∂f/∂x_i ≈ (f(p + h e_i) - f(p - h e_i)) / 2h by NumPy, with the
  near-optimal step h = ∛ε · max(1, |p_i|): the truncation error h²|f'''|/6 and the
  rounding error ε|f|/h balance there, leaving an error of about ε^(2/3) ≈ 4e-11;
- the directional derivative D_u f(p) = ∇f(p) · u for a unit vector u, three ways:
  from the gradient, by one forward sweep `jax.jvp(f, (p,), (u,))` that never forms
  ∇f, and by the central difference (f(p + h u) - f(p - h u)) / 2h;
- the tangent plane of f(x, y) at p: T(q) = f(p) + ∇f(p) · (q - p), which touches the
  surface at p and differs from it by O(|q - p|²) near p (Taylor's theorem).

Nothing is compiled: un-jitted JAX answers a new expression in milliseconds once JAX's
primitives are warm (see core.engines.autodiff.warm_up).
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
from core.engines.autodiff import resolve_parameters
from core.language import functions
from core.language.expression import ParsedExpression, parse_expression
from core.several_variables.derivatives import value_and_gradient
from core.several_variables.point_function import as_jax_function, require_function

STEP_FACTOR = float(np.cbrt(np.finfo(np.float64).eps))  # ∛ε ≈ 6.06e-6
MAX_ARROWS = 50  # arrows per axis
MAX_SLICE_POINTS = 10_000
WARM_UP_EXPRESSIONS = (  # every operation of the language, in x and y
    "2*x - y/3 + 1 + x*y",
    "x^y + 2^x + x^0.5 + y^3 + x^-2 + 5",
    "max(x, y) + min(x, 0.5) + where(x < y, x, 1)",
)


class GradientField(NamedTuple):
    """f on a contour grid and ∇f at a k × k grid of arrow tails.

    Attributes:
        xs, ys: the contour grid, (n,) each.
        z: (n, n), z[i, j] = f(xs[j], ys[i]), nan where f is undefined or infinite.
        arrow_x, arrow_y: (k*k,) arrow tails at the centres of a k × k grid of cells
            covering the range; entry i*k + j is (j-th x, i-th y).
        gx, gy: ∂f/∂x and ∂f/∂y at the tails by AD, nan where f or ∇f is not finite.
    """

    xs: np.ndarray
    ys: np.ndarray
    z: np.ndarray
    arrow_x: np.ndarray
    arrow_y: np.ndarray
    gx: np.ndarray
    gy: np.ndarray


class PointPartials(NamedTuple):
    """f(p) and its partial derivatives at p, by AD and by central differences."""

    value: float
    ad: np.ndarray
    finite_differences: np.ndarray
    steps: np.ndarray


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


def gradient_field(
    parsed: ParsedExpression,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    params: Mapping[str, float] | None = None,
    n: int = 101,
    arrows: int = 15,
) -> GradientField:
    """f on an n × n grid (NumPy) and ∇f at a k × k grid of arrow tails (AD), k = `arrows`.

    Args:
        parsed: an expression of two variables (the first along x, the second along y).
        x_range, y_range: (low, high) of the window.
        params: values of the parameters; missing ones are 1.0.
        n: contour grid points per axis, 2 to 1000.
        arrows: arrows per axis, 2 to 50.

    Returns:
        The GradientField.

    Raises:
        ValueError: for a function not of two variables, a bad range, n or arrows.

    Example:
        >>> from core import parse_expression
        >>> field = gradient_field(parse_expression("x^2 + y", ("x", "y")), (-1, 1), (0, 2),
        ...                        n=3, arrows=2)
        >>> field.arrow_x.tolist(), field.gx.tolist(), field.gy.tolist()
        ([-0.5, 0.5, -0.5, 0.5], [-1.0, 1.0, -1.0, 1.0], [1.0, 1.0, 1.0, 1.0])
    """
    _require_two_variables(parsed, "The gradient field")
    if isinstance(arrows, bool) or not isinstance(arrows, int | np.integer):
        raise ValueError(f"arrows must be a whole number from 2 to {MAX_ARROWS}, got {arrows!r}.")
    if not 2 <= arrows <= MAX_ARROWS:
        raise ValueError(f"arrows must be a whole number from 2 to {MAX_ARROWS}, got {arrows}.")
    xs, ys, z = contour_grid(parsed, x_range, y_range, n, params)
    centres = (np.arange(arrows) + 0.5) / arrows  # cell centres: no arrow starts on the edge
    tail_x, tail_y = np.meshgrid(
        xs[0] + centres * (xs[-1] - xs[0]), ys[0] + centres * (ys[-1] - ys[0])
    )
    tails = np.stack([tail_x.ravel(), tail_y.ravel()], axis=1)
    values, gradients = jax.vmap(jax.value_and_grad(as_jax_function(parsed, params)))(
        jnp.asarray(tails)
    )
    gradients = np.array(gradients, dtype=np.float64).reshape(-1, 2)
    # ∇f is meaningless where f itself is not: d/dx log(x) = 1/x is finite at x < 0.
    values = np.broadcast_to(np.asarray(values, dtype=np.float64), (len(tails),))
    undefined = ~np.isfinite(values) | ~np.isfinite(gradients).all(axis=1)
    gradients[undefined] = np.nan
    return GradientField(
        xs, ys, z, tails[:, 0].copy(), tails[:, 1].copy(), gradients[:, 0], gradients[:, 1]
    )


def partials_at(
    parsed: ParsedExpression, point: ArrayLike, params: Mapping[str, float] | None = None
) -> PointPartials:
    """f(p) and ∇f(p) by AD, next to central differences with a near-optimal step per axis.

    Args:
        parsed: an expression of d >= 1 variables.
        point: p, d numbers ordered as `parsed.variables`.
        params: values of the parameters; missing ones are 1.0.

    Returns:
        PointPartials: value f(p), ad and finite_differences (d,), and the steps h_i =
        ∛ε · max(1, |p_i|) used (rounded so that (p_i + h_i) - p_i is exactly h_i).
        A difference whose stencil leaves f's domain is nan.

    Raises:
        ValueError: for a point of the wrong length, or one where f is undefined.

    Example:
        >>> from core import parse_expression
        >>> partials = partials_at(parse_expression("x^2 + y", ("x", "y")), [2, 3])
        >>> partials.value, partials.ad.tolist(), partials.finite_differences.round(6).tolist()
        (7.0, [4.0, 1.0], [4.0, 1.0])
    """
    require_function(parsed, "partials_at", ParsedExpression)
    value, gradient = value_and_gradient(parsed, point, params)
    p = _as_point(point, len(parsed.variables))
    _require_defined(parsed, p, value, params)
    steps = _exact_steps(p, STEP_FACTOR * np.maximum(1.0, np.abs(p)))
    shifts = np.diag(steps)
    # One NumPy call for all 2d stencil points: rows p + h_i e_i, then p - h_i e_i.
    values = evaluate_numpy(parsed, np.concatenate([p + shifts, p - shifts]), params)
    d = len(p)
    differences = (values[:d] - values[d:]) / (2 * steps)
    return PointPartials(value, gradient, differences, steps)


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
    p = _as_point(point, len(parsed.variables))
    unit = _unit(direction, parsed.variables)
    _require_defined(parsed, p, value, params)
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
    p = _as_point(point, len(parsed.variables))
    direction = _unit(unit, parsed.variables)
    try:
        width = float(half_width)
    except (TypeError, ValueError):
        raise ValueError(f"half_width must be a positive number, got {half_width!r}.") from None
    if not (math.isfinite(width) and width > 0):
        raise ValueError(f"half_width must be a positive finite number, got {width}.")
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or not 2 <= n <= MAX_SLICE_POINTS:
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
    _require_two_variables(parsed, "The tangent plane")
    value, gradient = value_and_gradient(parsed, point, params)
    p = _as_point(point, 2)
    _require_defined(parsed, p, value, params)
    if not np.isfinite(gradient).all():
        raise ValueError(
            f"f has no tangent plane at {_point_label(parsed.variables, p)}: its partial "
            f"derivatives there are not finite (∇f = {_numbers(gradient)}); pick another point."
        )
    xs, ys, surface = contour_grid(parsed, x_range, y_range, n, params)
    plane = value + gradient[0] * (xs[None, :] - p[0]) + gradient[1] * (ys[:, None] - p[1])
    return TangentPlane(xs, ys, surface, plane, p, value, gradient)


def evaluate_numpy(
    parsed: ParsedExpression, points: np.ndarray, params: Mapping[str, float] | None = None
) -> np.ndarray:
    """f at each row of `points` (m, d) by NumPy: (m,) float64, nan where not real and finite."""
    env: dict[str, np.ndarray | float] = dict(resolve_parameters(parsed, params))
    env.update({name: points[:, i] for i, name in enumerate(parsed.variables)})
    with np.errstate(all="ignore"):  # undefined points become nan below, not warnings
        values = np.broadcast_to(np.asarray(parsed.numpy(env)), (len(points),))
    if np.iscomplexobj(values):
        values = np.where(np.imag(values) == 0, np.real(values), np.nan)
    values = np.array(values, dtype=np.float64)
    values[~np.isfinite(values)] = np.nan
    return values


def warm_up(arrows: int = 15, dimensions: tuple[int, ...] = (2, 3)) -> None:
    """Run every primitive of the expression language through this module's sweeps once.

    Eager JAX compiles each primitive for each shape the first time it runs (a new
    function costs 30-150 ms the first time); after this, a new expression answers in
    a few milliseconds. Call it at start-up with the page's number of arrows.

    Args:
        arrows: arrows per axis of the page's gradient field (its batch is arrows²).
        dimensions: numbers of variables (1 to 3) the page asks partials for.
    """
    texts = [
        f"{name}(x/3 + y/5 + {1.5 if name == 'acosh' else 0.5})"  # inside every domain
        for name in functions.FUNCTION_NAMES
    ]
    for text in (*WARM_UP_EXPRESSIONS, *texts):
        gradient_field(
            parse_expression(text, ("x", "y")), (0.1, 0.9), (0.1, 0.9), n=2, arrows=arrows
        )
        for d in dimensions:
            parsed = parse_expression(text, ("x", "y", "z")[:d])
            point = np.linspace(0.2, 0.6, d)
            partials_at(parsed, point)
            directional_derivative(parsed, point, np.ones(d))


# -- validation at the boundary ---------------------------------------------------------


def _require_two_variables(parsed, what: str) -> None:
    require_function(parsed, what, ParsedExpression)
    d = len(parsed.variables)
    if d != 2:
        raise ValueError(
            f"{what} needs a function of x and y (two variables), but {parsed.text} was "
            f"given as a function of {d} variable{'s' * (d != 1)} ({', '.join(parsed.variables)})."
        )


def _as_point(point: ArrayLike, d: int) -> np.ndarray:
    """The point as a float64 (d,) array (value_and_gradient has already validated it)."""
    return np.asarray(point, dtype=np.float64).reshape(d)


def _unit(direction: ArrayLike, variables: tuple[str, ...]) -> np.ndarray:
    d = len(variables)
    try:
        vector = np.asarray(direction, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"The direction must be {d} numbers, got {direction!r}.") from None
    if vector.ndim == 0 and d == 1:
        vector = vector.reshape(1)
    if vector.shape != (d,) or not np.isfinite(vector).all():
        raise ValueError(
            f"The direction must be {d} finite numbers, one per variable "
            f"({', '.join(variables)}); got {np.asarray(vector).tolist()}."
        )
    length = float(np.linalg.norm(vector))
    if length == 0:
        raise ValueError(
            "The direction must not be the zero vector: it has no direction to differentiate "
            "along, so give it a nonzero component."
        )
    return vector / length


def _require_defined(parsed, p: np.ndarray, value: float, params) -> None:
    """ValueError naming p unless f(p) is a finite real number by both AD and NumPy."""
    (numpy_value,) = evaluate_numpy(parsed, p[None, :], params)
    if math.isfinite(value) and np.isfinite(numpy_value):
        return
    if math.isinf(value):
        reason = "infinite there (a pole, like 1/x at x = 0)"
    else:
        reason = "not a real number there (outside its domain, like log of a negative number)"
    raise ValueError(
        f"f is not defined at {_point_label(parsed.variables, p)}: f(p) is {reason}; "
        "pick another point."
    )


def _exact_steps(p: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """Steps rounded to representable differences: (p + h) - p == h exactly."""
    return (p + steps) - p


def _numbers(values) -> str:
    return "(" + ", ".join(f"{float(v):.6g}" for v in values) + ")"


def _point_label(variables: tuple[str, ...], p: np.ndarray) -> str:
    if len(variables) == 1:
        return f"{variables[0]} = {float(p[0]):.6g}"
    return f"({', '.join(variables)}) = {_numbers(p)}"
