"""What the "Several variables" page draws of f's first derivatives: its gradient field,
and its partial derivatives at a point by AD, checked by central differences.

For f: R^d -> R at a point p (ordered as the declared variables):

- the gradient ∇f(p) = (∂f/∂x_1, ..., ∂f/∂x_d) by `jax.grad`; on a grid of arrow tails,
  by `jax.vmap(jax.value_and_grad(f))`, one batched reverse sweep for all of them;
- central differences ∂f/∂x_i ≈ (f(p + h e_i) - f(p - h e_i)) / 2h by NumPy, with the
  near-optimal step h = ∛ε · max(1, |p_i|): the truncation error h²|f'''|/6 and the
  rounding error ε|f|/h balance there, leaving an error of about ε^(2/3) ≈ 4e-11.

The directional derivative and the tangent plane, built on these, are in
core.several_variables.directional. Nothing is compiled: un-jitted JAX answers a new
expression in milliseconds once JAX's primitives are warm (see `warm_up`).
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
from core.several_variables.arguments import is_whole_number, point_label
from core.several_variables.derivatives import value_and_gradient
from core.several_variables.point_function import as_jax_function, require_function

STEP_FACTOR = float(np.cbrt(np.finfo(np.float64).eps))  # ∛ε ≈ 6.06e-6
MAX_ARROWS = 50  # arrows per axis
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
    require_two_variables(parsed, "The gradient field")
    if not is_whole_number(arrows, 2, MAX_ARROWS):
        shown = arrows if isinstance(arrows, int | np.integer) else repr(arrows)
        raise ValueError(f"arrows must be a whole number from 2 to {MAX_ARROWS}, got {shown}.")
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
    p = np.asarray(point, dtype=np.float64).reshape(-1)  # value_and_gradient checked it
    require_defined(parsed, p, value, params)
    steps = _exact_steps(p, STEP_FACTOR * np.maximum(1.0, np.abs(p)))
    shifts = np.diag(steps)
    # One NumPy call for all 2d stencil points: rows p + h_i e_i, then p - h_i e_i.
    values = evaluate_numpy(parsed, np.concatenate([p + shifts, p - shifts]), params)
    d = len(p)
    differences = (values[:d] - values[d:]) / (2 * steps)
    return PointPartials(value, gradient, differences, steps)


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


def function_expressions() -> list[str]:
    """One expression of x and y per function of the language, each inside its domain
    for x, y in [0, 1]: what a warm-up runs to meet every primitive once."""
    return [f"{name}(x/3 + y/5 + {_inside_domain(name)})" for name in functions.FUNCTION_NAMES]


def _inside_domain(name: str) -> float:
    """An offset c with name(c + t) finite for t in [0, 8/15] (x/3 + y/5 on the unit
    square): acosh and acoth need c > 1, asech c + 8/15 <= 1, most anything."""
    span = np.linspace(0.0, 8 / 15, 33)
    with np.errstate(all="ignore"):
        for offset in (0.5, 0.2, 1.5, 3.0):
            if np.all(np.isfinite(functions.numpy_function(name)(offset + span))):
                return offset
    raise ValueError(f"no warm-up argument inside the domain of {name}")


def warm_up(arrows: int = 15, dimensions: tuple[int, ...] = (2, 3)) -> None:
    """Run every primitive of the expression language through this module's sweeps once.

    Eager JAX compiles each primitive for each shape the first time it runs (a new
    function costs 30-150 ms the first time); after this, a new expression answers in
    a few milliseconds. Call it at start-up with the page's number of arrows, and
    core.several_variables.directional.warm_up for the directional derivative.

    Args:
        arrows: arrows per axis of the page's gradient field (its batch is arrows²).
        dimensions: numbers of variables (1 to 3) the page asks partials for.
    """
    for text in (*WARM_UP_EXPRESSIONS, *function_expressions()):
        gradient_field(
            parse_expression(text, ("x", "y")), (0.1, 0.9), (0.1, 0.9), n=2, arrows=arrows
        )
        for d in dimensions:
            partials_at(parse_expression(text, ("x", "y", "z")[:d]), np.linspace(0.2, 0.6, d))


# -- validation at the boundary ---------------------------------------------------------


def require_two_variables(parsed, what: str) -> None:
    """Check that `what` was given a scalar function of two variables (x and y).

    Raises:
        ValueError: one sentence naming the variables f was given with instead.
        TypeError: for anything that is not a parsed function.
    """
    require_function(parsed, what, ParsedExpression)
    d = len(parsed.variables)
    if d != 2:
        raise ValueError(
            f"{what} needs a function of x and y (two variables), but {parsed.text} was "
            f"given as a function of {d} variable{'s' * (d != 1)} ({', '.join(parsed.variables)})."
        )


def require_defined(parsed: ParsedExpression, p: np.ndarray, value: float, params) -> None:
    """ValueError naming p unless f(p) is a finite real number by both AD and NumPy.

    Args:
        parsed: f.
        p: the point, float64 of shape (d,).
        value: f(p) by AD.
        params: values of the parameters; missing ones are 1.0.
    """
    (numpy_value,) = evaluate_numpy(parsed, p[None, :], params)
    if math.isfinite(value) and np.isfinite(numpy_value):
        return
    if math.isinf(value):
        reason = "infinite there (a pole, like 1/x at x = 0)"
    else:
        reason = "not a real number there (outside its domain, like log of a negative number)"
    raise ValueError(
        f"f is not defined at {point_label(parsed.variables, p)}: f(p) is {reason}; "
        "pick another point."
    )


def _exact_steps(p: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """Steps rounded to representable differences: (p + h) - p == h exactly."""
    return (p + steps) - p
