"""Differentiating an interpolant: a piecewise-linear fit's derivative jumps at every knot.

A function known only at knots x_0 < ... < x_{n-1} is often replaced by an interpolant
and that interpolant differentiated. `jnp.interp` is linear between knots, so its
derivative (by `jax.grad`, exact for the interpolant) is the secant slope

    (y_{i+1} - y_i) / (x_{i+1} - x_i)   on (x_i, x_{i+1}),

piecewise constant, jumping at the knots, and within O(h) of f' (h the knot spacing).
A cubic spline is twice continuously differentiable and its derivative is within
O(h^3) of f'. Autodiff differentiates the program it is given, not the function the
data came from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from scipy.interpolate import CubicSpline

from core.engines.autodiff import ad_derivatives, resolve_parameters
from core.language.expression import ParsedExpression

MIN_KNOTS = 2
MAX_KNOTS = 200
MIN_POINTS = 2
MAX_POINTS = 20_000


class InterpolationView(NamedTuple):
    """Knots of f, two interpolants through them and their derivatives on a grid.

    Attributes:
        knots_x, knots_y: the data points (x_i, f(x_i)), equally spaced.
        xs: the grid the curves are drawn on.
        linear, linear_derivative: `jnp.interp` through the knots and its derivative
            by `jax.vmap(jax.grad(...))`: the secant slope of the interval.
        spline, spline_derivative: SciPy's not-a-knot cubic spline and its derivative.
        true, true_derivative: f and f' (Taylor-mode AD of the expression itself).
        linear_derivative_error, spline_derivative_error: max |interpolant' - f'|
            over the grid points where both are finite (nan if there are none).
    """

    knots_x: np.ndarray
    knots_y: np.ndarray
    xs: np.ndarray
    linear: np.ndarray
    linear_derivative: np.ndarray
    spline: np.ndarray
    spline_derivative: np.ndarray
    true: np.ndarray
    true_derivative: np.ndarray
    linear_derivative_error: float
    spline_derivative_error: float

    @property
    def spacing(self) -> float:
        """The knot spacing h."""
        return float(self.knots_x[1] - self.knots_x[0])


def _linear_interpolant(t: jax.Array, knots_x: jax.Array, knots_y: jax.Array) -> jax.Array:
    return jnp.interp(t, knots_x, knots_y)


# `jnp.interp` is jitted inside JAX, so every new knot count compiles anew (~0.3 s
# each, measured); knots are padded to MAX_KNOTS so that a knot slider compiles once.
_linear_derivative = jax.jit(jax.vmap(jax.grad(_linear_interpolant), in_axes=(0, None, None)))
_linear_values = jax.jit(_linear_interpolant)


def _padded_knots(knots_x: np.ndarray, knots_y: np.ndarray) -> tuple[jax.Array, jax.Array]:
    """The knots extended to MAX_KNOTS past the right end along the last segment's line.

    On [x_0, x_{n-1}] the padded interpolant, and its derivative, equal the original:
    at x_{n-1} itself `jnp.interp` takes the segment to its right, which continues
    the last segment's slope (equal to it up to rounding).
    """
    extra = MAX_KNOTS - len(knots_x)
    spacing = knots_x[-1] - knots_x[-2]
    slope = (knots_y[-1] - knots_y[-2]) / spacing
    steps = spacing * np.arange(1, extra + 1)
    padded_x = np.concatenate([knots_x, knots_x[-1] + steps])
    padded_y = np.concatenate([knots_y, knots_y[-1] + slope * steps])
    return jnp.asarray(padded_x), jnp.asarray(padded_y)


def _validate(parsed: ParsedExpression, knots, x_range, points) -> tuple[float, float]:
    if len(parsed.variables) != 1:
        raise ValueError("Interpolation needs a function of one variable.")
    for name, value, low, high in (
        ("knots", knots, MIN_KNOTS, MAX_KNOTS),
        ("points", points, MIN_POINTS, MAX_POINTS),
    ):
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise TypeError(f"The number of {name} must be a whole number.")
        if not low <= value <= high:
            raise ValueError(f"The number of {name} must be between {low} and {high}, got {value}.")
    if len(x_range) != 2:
        raise ValueError("The x-range must be two numbers: (start, end).")
    start, end = float(x_range[0]), float(x_range[1])
    if not (np.isfinite(start) and np.isfinite(end) and start < end):
        raise ValueError("The x-range must be two finite numbers with start < end.")
    return start, end


def _evaluate(parsed: ParsedExpression, xs: np.ndarray, params: dict[str, float]) -> np.ndarray:
    with np.errstate(all="ignore"):  # outside the domain is nan, drawn as a gap
        values = parsed.numpy({parsed.variables[0]: xs, **params})
    # A constant expression ("5") evaluates to a scalar.
    return np.broadcast_to(np.asarray(values, dtype=np.float64), xs.shape).copy()


def _max_error(approximation: np.ndarray, truth: np.ndarray) -> float:
    finite = np.isfinite(approximation) & np.isfinite(truth)
    if not finite.any():
        return float("nan")
    return float(np.max(np.abs(approximation[finite] - truth[finite])))


def interpolation_view(
    parsed: ParsedExpression,
    knots: int,
    x_range: Sequence[float],
    points: int = 400,
    params: Mapping[str, float] | None = None,
) -> InterpolationView:
    """Sample f at equally spaced knots and differentiate two interpolants through them.

    Args:
        parsed: an expression of one variable, from `core.parse_expression`.
        knots: number of data points, 2 to 200.
        x_range: (start, end) of the interval; the knots include both ends.
        points: length of the grid the curves are evaluated on.
        params: values of the expression's parameters; missing ones are 1.0.

    Returns:
        The knots, both interpolants, their derivatives, f, f' and the max errors.

    Raises:
        ValueError: for a bad knot count, range or parameter name, or when f is not
            finite at every knot (an interpolant needs a value at each).
        TypeError: for a knot or point count that is not a whole number.

    Example:
        >>> from core import parse_expression
        >>> view = interpolation_view(parse_expression("cos(2x)"), 20, (0.0, 3.0))
        >>> view.spline_derivative_error < view.linear_derivative_error
        True
    """
    start, end = _validate(parsed, knots, x_range, points)
    values = resolve_parameters(parsed, params)
    knots_x = np.linspace(start, end, int(knots))
    knots_y = _evaluate(parsed, knots_x, values)
    if not np.all(np.isfinite(knots_y)):
        bad = knots_x[~np.isfinite(knots_y)][0]
        raise ValueError(
            f"{parsed.text} is not finite at the knot x = {bad:.4g}: choose an x-range "
            "where the function is defined at every knot."
        )
    xs = np.linspace(start, end, int(points))
    kx, ky = _padded_knots(knots_x, knots_y)
    grid = jnp.asarray(xs)
    linear = np.asarray(_linear_values(grid, kx, ky), dtype=np.float64)
    linear_derivative = np.asarray(_linear_derivative(grid, kx, ky), dtype=np.float64)
    spline = CubicSpline(knots_x, knots_y)  # not-a-knot ends: O(h^3) in the derivative
    true_derivative = ad_derivatives(parsed, xs, 1, values)[1]
    spline_derivative = spline(xs, 1)
    return InterpolationView(
        knots_x=knots_x,
        knots_y=knots_y,
        xs=xs,
        linear=linear,
        linear_derivative=linear_derivative,
        spline=spline(xs),
        spline_derivative=spline_derivative,
        true=_evaluate(parsed, xs, values),
        true_derivative=true_derivative,
        linear_derivative_error=_max_error(linear_derivative, true_derivative),
        spline_derivative_error=_max_error(spline_derivative, true_derivative),
    )
