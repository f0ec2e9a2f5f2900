"""Named 2-D test surfaces for the descent page, and their contour grids.

Each surface is expression *text* for the shared parser (never a Python function), so
a surface and a function a person types go through the same pipeline: parse once,
then NumPy for the contour grid and JAX for the optimizers. The registry records what
the page and the tests need: the known minima (and saddle points), a view box that
shows them, a start point that makes the classic picture, and whether the contours
read better on a log scale (surfaces with a narrow curved valley: Rosenbrock, Beale).

Example:
    >>> from core.descent.surfaces import contour_grid, surface
    >>> bowl = surface("bowl", condition=100)
    >>> bowl.text
    'x^2 + 100.0*y^2'
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import NamedTuple

import numpy as np

from core.language.expression import ParsedExpression

Point = tuple[float, float]
MAX_CONDITION = 1e6
MAX_GRID = 1000


class Surface(NamedTuple):
    """A surface f(x, y) with what is known about it.

    Attributes:
        name: registry key, e.g. "rosenbrock".
        title: what the page shows, e.g. "Rosenbrock".
        text: the expression, for `core.parse_expression(text, ("x", "y"))`.
        minima: every local minimum (all global for these surfaces but none listed
            for the saddle, which has no minimum).
        saddle_points: stationary points that are saddles (zero gradient, not minima).
        x_range: default view box along x.
        y_range: default view box along y.
        start: default start point of the optimizers.
        log_contours: whether contour levels read better spaced on a log scale.
        note: one sentence on what the surface teaches.
    """

    name: str
    title: str
    text: str
    minima: tuple[Point, ...]
    saddle_points: tuple[Point, ...]
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    start: Point
    log_contours: bool
    note: str


def quadratic_bowl(condition: float = 10.0) -> Surface:
    """The bowl x² + κy², whose Hessian diag(2, 2κ) has condition number κ.

    Gradient descent needs a step below 2/L = 1/κ to be stable and then about κ steps
    per digit of accuracy along x: the cleanest demonstration of ill-conditioning.

    Args:
        condition: κ, between 1 and 1e6.

    Raises:
        ValueError: for κ outside [1, 1e6] or not a finite number.
    """
    condition = float(condition)
    if not (math.isfinite(condition) and 1.0 <= condition <= MAX_CONDITION):
        raise ValueError(
            f"The condition number must be between 1 and {MAX_CONDITION:g}, got {condition:g}."
        )
    return Surface(
        name="bowl",
        title=f"Quadratic bowl (κ = {condition:g})",
        # repr gives the shortest text that reads back as the same float.
        text=f"x^2 + {condition!r}*y^2",
        minima=((0.0, 0.0),),
        saddle_points=(),
        x_range=(-3.0, 3.0),
        y_range=(-3.0, 3.0),
        start=(-2.5, 1.5),
        log_contours=False,
        note="A convex quadratic: the condition number κ sets how slowly gradient descent goes.",
    )


_FIXED = (
    Surface(
        name="rosenbrock",
        title="Rosenbrock",
        text="(1 - x)^2 + 100*(y - x^2)^2",
        minima=((1.0, 1.0),),
        saddle_points=(),
        x_range=(-2.0, 2.0),
        y_range=(-1.0, 3.0),
        start=(-1.2, 1.0),
        log_contours=True,
        note="A curved, narrow valley: easy to find, slow to follow without curvature.",
    ),
    Surface(
        name="himmelblau",
        title="Himmelblau",
        text="(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
        minima=(
            (3.0, 2.0),
            (-2.805118086952745, 3.131312518250573),
            (-3.779310253377747, -3.2831859912861696),
            (3.5844283403304917, -1.8481265269644036),
        ),
        saddle_points=(),
        x_range=(-5.0, 5.0),
        y_range=(-5.0, 5.0),
        start=(0.0, 0.0),
        log_contours=True,
        note="Four minima of equal height: which one you reach depends on where you start.",
    ),
    Surface(
        name="beale",
        title="Beale",
        text="(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2",
        minima=((3.0, 0.5),),
        saddle_points=((0.0, 1.0),),
        x_range=(-4.5, 4.5),
        y_range=(-4.5, 4.5),
        start=(1.0, 1.5),
        log_contours=True,
        note="Flat plateaus and steep walls: the step size that suits one suits neither.",
    ),
    Surface(
        name="saddle",
        title="Saddle",
        text="x^2 - y^2",
        minima=(),
        saddle_points=((0.0, 0.0),),
        x_range=(-2.0, 2.0),
        y_range=(-2.0, 2.0),
        start=(-1.5, 0.01),
        log_contours=False,
        note="No minimum at all: a zero gradient is not a minimum, and f falls without bound.",
    ),
)

SURFACE_NAMES = ("rosenbrock", "himmelblau", "beale", "bowl", "saddle")


def surface(name: str, condition: float = 10.0) -> Surface:
    """The registered surface `name`; `condition` is the bowl's κ (ignored otherwise).

    Raises:
        ValueError: for an unknown name (the message lists the known ones).
    """
    if name == "bowl":
        return quadratic_bowl(condition)
    for candidate in _FIXED:
        if candidate.name == name:
            return candidate
    raise ValueError(f"Unknown surface {name!r}; choose one of: {', '.join(SURFACE_NAMES)}.")


def surfaces(condition: float = 10.0) -> dict[str, Surface]:
    """Every registered surface by name, in the page's order (the bowl with κ = condition)."""
    return {name: surface(name, condition) for name in SURFACE_NAMES}


def _check_range(name: str, bounds: tuple[float, float]) -> tuple[float, float]:
    low, high = (float(bound) for bound in bounds)
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise ValueError(f"{name} must be two finite numbers, low < high; got {bounds}.")
    return low, high


def contour_grid(
    parsed: ParsedExpression,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    n: int = 120,
    params: Mapping[str, float] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """f on an n × n grid, by NumPy, for a contour plot.

    Args:
        parsed: an expression of two variables (the first along x, the second along y).
        x_range: (low, high) along x.
        y_range: (low, high) along y.
        n: points along each axis, 2 to 1000.
        params: values of the expression's parameters; missing ones are 1.0.

    Returns:
        (xs, ys, Z): xs and ys of length n, and Z of shape (n, n) with
        Z[i, j] = f(xs[j], ys[i]) (rows follow y, as plotly's `go.Contour` expects).
        Z is nan where f is undefined or infinite.

    Raises:
        ValueError: for an expression that is not of two variables, a bad range or n.
    """
    if len(parsed.variables) != 2:
        raise ValueError("A contour plot needs an expression of two variables, x and y.")
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or not 2 <= n <= MAX_GRID:
        raise ValueError(f"n must be an integer from 2 to {MAX_GRID}, got {n!r}.")
    xs = np.linspace(*_check_range("x_range", x_range), n)
    ys = np.linspace(*_check_range("y_range", y_range), n)
    grid_x, grid_y = np.meshgrid(xs, ys)
    # Local import: core.engines.autodiff holds the one rule for parameter defaults (and JAX).
    from core.engines.autodiff import resolve_parameters

    values: dict[str, np.ndarray | float] = dict(resolve_parameters(parsed, params))
    values.update(dict(zip(parsed.variables, (grid_x, grid_y), strict=True)))
    with np.errstate(all="ignore"):  # undefined points become nan below, not warnings
        z = np.broadcast_to(np.asarray(parsed.numpy(values)), grid_x.shape)
    if np.iscomplexobj(z):
        z = np.where(np.imag(z) == 0, np.real(z), np.nan)
    z = np.array(z, dtype=np.float64)
    z[~np.isfinite(z)] = np.nan
    return xs, ys, z
