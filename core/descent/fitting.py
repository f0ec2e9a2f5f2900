"""A view and step sizes fitted to a typed surface: where to look, and how far to step.

A named surface comes with its window, start and tuned step sizes; a typed f(x, y) has
none. This module finds them from f itself:

- the window: BFGS (with JAX's exact gradient) from the start finds a minimum; the
  window is the square around the start and that minimum, with a margin, so both are
  on the chart. Without a minimum (f unbounded below, or BFGS not converging) it is a
  square around the start.
- the step of gradient descent and momentum: gradient descent on a quadratic is stable
  for η < 2/L and fastest near η = 1/L, with L the largest curvature (the Hessian's
  largest eigenvalue). So η is the largest offered step not above 1/L, L taken as the
  largest |eigenvalue| at the start and at the minimum.
- the step of Adam and RMSProp: their steps are about η long whatever the gradient, so η
  is a fiftieth of the way from the start to the minimum (or of the window).

Example:
    >>> from core import parse_expression
    >>> fit = fit_view(parse_expression("(x-1)^2 + (y+2)^2", ("x", "y")), (-1.2, 1.0),
    ...                (1e-3, 1e-2, 0.1, 0.5))
    >>> fit.minimum, fit.learning_rate
    ((1.0, -2.0), 0.5)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from core.descent.messages import short_number
from core.descent.objective import jax_derivatives, source_of
from core.descent.optimizers import minimize_path
from core.descent.surfaces import Point
from core.engines.autodiff import resolve_parameters
from core.language.expression import ParsedExpression

SEARCH_STEPS = 200  # BFGS steps for the minimum: a smooth f needs tens
MARGIN = 0.3  # of the larger side of the box around the start and the minimum
SMALLEST_HALF_WIDTH = 1.0
WITHOUT_MINIMUM_HALF_WIDTH = 2.0
ADAPTIVE_FRACTION = 50  # Adam's step: this fraction of the distance to the minimum


class FittedView(NamedTuple):
    """A window and step sizes chosen for one f and start.

    Attributes:
        x_range, y_range: the window (a square).
        minimum: the minimum BFGS found from the start, or None.
        minimum_value: f there, or None.
        curvature: L, the largest |eigenvalue| of the Hessian at the start and the
            minimum (nan where the Hessian is not finite).
        learning_rate: the step of gradient descent and momentum (one of the offered).
        adaptive_rate: the step of Adam and RMSProp (one of the offered).
        sentence: what was fitted and why, for the page.
    """

    x_range: tuple[float, float]
    y_range: tuple[float, float]
    minimum: Point | None
    minimum_value: float | None
    curvature: float
    learning_rate: float
    adaptive_rate: float
    sentence: str


def fit_view(parsed: ParsedExpression, start: Point, rates: Sequence[float]) -> FittedView:
    """The window and step sizes for f from `start`, steps chosen among `rates`.

    Args:
        parsed: f, an expression of two variables (no parameters, or at their defaults).
        start: the optimizers' start (x, y), finite.
        rates: the step sizes the page offers, increasing.

    Returns:
        The fitted view (see `FittedView`).

    Raises:
        ValueError: for an expression not of two variables, or no rates.
    """
    if len(parsed.variables) != 2:
        raise ValueError("A fitted view needs an expression of two variables, x and y.")
    if not rates:
        raise ValueError("rates must offer at least one step size.")
    x0 = np.array(start, dtype=np.float64)
    minimum, minimum_value = _minimum(parsed, x0)
    x_range, y_range = _window(x0, minimum)
    curvature = _curvature(parsed, [x0] if minimum is None else [x0, np.array(minimum)])
    learning_rate = _largest_not_above(rates, 1.0 / curvature if curvature > 0 else math.nan)
    distance = (
        float(np.linalg.norm(np.array(minimum) - x0))
        if minimum is not None
        else x_range[1] - x_range[0]
    )
    adaptive_rate = _largest_not_above(rates, distance / ADAPTIVE_FRACTION)
    sentence = _sentence(minimum, minimum_value, curvature, learning_rate, adaptive_rate)
    return FittedView(
        x_range, y_range, minimum, minimum_value, curvature, learning_rate, adaptive_rate,
        sentence,
    )  # fmt: skip


def _minimum(parsed: ParsedExpression, x0: np.ndarray) -> tuple[Point | None, float | None]:
    path = minimize_path(parsed, x0, "BFGS", max_iter=SEARCH_STEPS)
    end = path.points[-1]
    if not (path.converged and np.all(np.isfinite(end)) and np.isfinite(path.values[-1])):
        return None, None
    return (float(end[0]), float(end[1])), float(path.values[-1])


def _window(x0: np.ndarray, minimum: Point | None):
    if minimum is None:
        half, centre = WITHOUT_MINIMUM_HALF_WIDTH, x0
    else:
        corners = np.stack([x0, np.array(minimum)])
        low, high = corners.min(axis=0), corners.max(axis=0)
        side = float(np.max(high - low))
        half = max(side / 2 + MARGIN * side, SMALLEST_HALF_WIDTH)
        centre = (low + high) / 2
    half = _round_up(half)
    return tuple(
        (round(float(c) - half, 6), round(float(c) + half, 6)) for c in centre
    )  # fmt: skip


def _round_up(value: float) -> float:
    """`value` rounded up to two significant digits, so the axes read 2.6, not 2.5713."""
    scale = 10.0 ** (math.floor(math.log10(value)) - 1)
    return math.ceil(value / scale - 1e-9) * scale


def _curvature(parsed: ParsedExpression, points: list[np.ndarray]) -> float:
    hessian = jax_derivatives(source_of(parsed))[2]
    parameters = np.array(list(resolve_parameters(parsed, None).values()), dtype=np.float64)
    largest = 0.0
    for point in points:
        matrix = np.asarray(hessian(point, parameters), dtype=np.float64)
        if not np.all(np.isfinite(matrix)):
            return math.nan
        largest = max(largest, float(np.max(np.abs(np.linalg.eigvalsh(matrix)))))
    return largest


def _largest_not_above(rates: Sequence[float], limit: float) -> float:
    """The largest of `rates` not above `limit` (the smallest if none is; the largest
    for a limit that is not a finite number: no curvature to fear)."""
    if not math.isfinite(limit):
        return float(rates[-1]) if limit == math.inf else float(rates[0])
    fitting = [rate for rate in rates if rate <= limit * (1 + 1e-9)]
    return float(fitting[-1] if fitting else rates[0])


def _sentence(minimum, minimum_value, curvature, learning_rate, adaptive_rate) -> str:
    if minimum is None:
        where = (
            "BFGS from the start found no minimum (f may fall without bound, or not be "
            "smooth where it is least), so the window is centred on the start"
        )
        adaptive = "a fiftieth of the window's width"
    else:
        where = (
            f"BFGS from the start found a minimum at ({minimum[0]:.4g}, {minimum[1]:.4g}), "
            f"f = {round(minimum_value, 12):.4g}; the window shows it and the start"
        )
        adaptive = "about a fiftieth of the way from the start to that minimum"
    if math.isfinite(curvature) and curvature > 0:
        steps = (
            f"The largest curvature on the way (the Hessian's largest |eigenvalue| at the "
            f"start{'' if minimum is None else ' and the minimum'}) is "
            f"L = {curvature:.3g}: gradient descent is stable for steps below 2/L, so "
            f"the GD and momentum step is {short_number(learning_rate)}, the largest "
            "offered not above 1/L"
        )
    else:
        steps = (
            "The Hessian gives no curvature to go by, so the GD and momentum step is "
            f"{short_number(learning_rate)}"
        )
    return (
        f"Fitted to this f: {where}. {steps}; Adam's and RMSProp's is "
        f"{short_number(adaptive_rate)}, {adaptive}."
    )
