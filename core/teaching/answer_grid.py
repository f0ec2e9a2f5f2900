"""f^(n) and a typed answer on the points the answer check uses: the random points, and
the plotting grid whose largest gap the check reports, so the number said is the number
drawn.

`core.check_answer` decides right or wrong at the random points (they reach x = ±20 and
sizes from 0.01); a wrong answer's "differs by up to D (at x = X)" is then measured on the
grid the figure draws (`core.teaching.check_figures.answer_curves`), the smallest of
x ∈ [−5, 5], [−10, 10], [−25, 25] on which the two differ.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import numpy as np

from core.engines.autodiff import ad_derivatives
from core.explorer.derivatives import GRID_SIZE
from core.language.expression import ParsedExpression
from core.teaching import equality

WARMED_SIZE = GRID_SIZE + 1  # the shape start-up runs JAX's primitives on (ui.cached.warm_up)
PLOT_HALF_WIDTHS = (5.0, 10.0, 25.0)  # x ∈ [−R, R]: the smallest that shows the difference


class PlottedGap(NamedTuple):
    """Where f^(n) and the answer differ most on the plotted grid.

    Attributes:
        half_width: R, the grid being x ∈ [−R, R] (`plot_grid(R)`).
        worst_point: the grid's x of the largest difference.
        difference: that difference, |answer − f^(n)|.
    """

    half_width: float
    worst_point: float
    difference: float


def ad_rows(parsed: ParsedExpression, xs, order: int, values) -> np.ndarray:
    """f, f′, ..., f^(order) by AD at `xs`, nan off f's domain.

    Outside f's domain AD can still give finite derivatives (log(u)′ = u′/u for u < 0).
    Fewer points than WARMED_SIZE are padded to it: eager JAX compiles each primitive anew
    for each shape (0.5-2 s for a new expression here), and start-up compiled them for
    this one; a thousand points more cost about a millisecond.
    """
    count = len(xs)
    padded = np.concatenate([xs, np.full(max(WARMED_SIZE - count, 0), xs[0])])
    rows = ad_derivatives(parsed, padded, order, values)[:, :count]
    return np.where(np.isfinite(rows[0]), rows, np.nan)


def answer_values(typed: ParsedExpression, xs: np.ndarray, values: Mapping[str, float]):
    """The answer's values at `xs` (nan where undefined), parameters from `values`."""
    env = {typed.variables[0]: xs, **{name: values[name] for name in typed.parameters}}
    with np.errstate(all="ignore"):
        result = np.asarray(typed.numpy(env), dtype=np.float64)
    return np.broadcast_to(result, np.shape(xs))


def plot_grid(half_width: float) -> np.ndarray:
    """The plotting grid on x ∈ [−R, R]: GRID_SIZE points, both ends included."""
    return np.linspace(-half_width, half_width, GRID_SIZE)


def plot_range(worst_point: float | None) -> tuple[float, float]:
    """x ∈ [−R, R]: the grid `gap_on_plot` found `worst_point` on (the smallest R whose
    grid has it as a point), else the smallest of PLOT_HALF_WIDTHS that holds it."""
    if worst_point is None or not np.isfinite(worst_point):
        return -PLOT_HALF_WIDTHS[0], PLOT_HALF_WIDTHS[0]
    size = abs(worst_point)
    for half in PLOT_HALF_WIDTHS:
        if size <= half and np.any(np.abs(plot_grid(half) - worst_point) <= 1e-12 * half):
            return -half, half
    half = next((r for r in PLOT_HALF_WIDTHS if size <= r), PLOT_HALF_WIDTHS[-1])
    return -half, half


def gap_on_plot(
    parsed: ParsedExpression, typed: ParsedExpression, order: int, values: Mapping[str, float]
) -> PlottedGap | None:
    """The largest difference on the smallest plotting grid where the two differ, or None
    when they agree on every grid (they differ only off the plots, e.g. at x near ±0.01).

    `plot_range(worst_point)` is then that grid's range (the worst point of [−R, R] lies
    in it, and a smaller grid had none), so the figure draws this very gap.
    """
    for half in PLOT_HALF_WIDTHS:
        xs = plot_grid(half)
        expected = ad_rows(parsed, xs, order, values)[order]
        comparison = equality.compare_values(expected, answer_values(typed, xs, values), xs)
        if comparison.points and not comparison.agree:
            return PlottedGap(half, comparison.worst_point, comparison.difference)
    return None
