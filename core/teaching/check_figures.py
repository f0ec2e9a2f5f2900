"""What the answer check can show before SymPy answers: the numbers' verdict, and a figure
of the student's answer against f^(n) with the point where they differ most.

Both come from automatic differentiation (JAX) and the answer's NumPy form alone, so a
page draws them at once; SymPy's proof (`core.check_answer`, in the job queue) then
confirms or overrules the numbers. The verdict here compares at the same random points
as `check_answer` does (`core.teaching.equality.sample_points`), with the same hints.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import numpy as np
import plotly.graph_objects as go

from core.engines.autodiff import MAX_ORDER, resolve_parameters
from core.figures.plotting import figure_from_traces, masked, robust_range
from core.language.expression import ParsedExpression
from core.teaching import equality
from core.teaching.answer_grid import (
    PLOT_HALF_WIDTHS,
    PlottedGap,
    ad_rows,
    answer_values,
    gap_on_plot,
    plot_grid,
    plot_range,
)
from core.teaching.answer_hints import Numbers, hint, label

__all__ = ["PLOT_HALF_WIDTHS", "AnswerCurves", "NumericVerdict", "answer_curves",
           "answer_figure", "answer_values", "numeric_verdict", "plot_range"]  # fmt: skip
# Okabe-Ito colours, safe for colour-blind readers; the lines differ by dash as well.
EXPECTED_COLOUR = "#0072B2"  # blue, solid
ANSWER_COLOUR = "#D55E00"  # vermillion, dashed
GAP_COLOUR = "#000000"  # black, dotted
HEIGHT = 420
MARGIN = {"l": 10, "r": 10, "t": 40, "b": 10}
LEGEND = {"orientation": "h", "y": -0.2}


class NumericVerdict(NamedTuple):
    """The numbers' verdict on an answer, before SymPy's.

    Attributes:
        agree: True or False when enough points decided it, None when they did not.
        comparison: f^(n) by AD against the answer at the random points.
        message: one sentence, starting "By the numbers".
        plotted: for a wrong answer, the largest gap on the plotted grid (what the
            message reports and the figure marks), or None.
    """

    agree: bool | None
    comparison: equality.Comparison
    message: str
    plotted: PlottedGap | None = None


class AnswerCurves(NamedTuple):
    """f^(n) and the answer on a plotting grid, and at the point where they differ most.

    Attributes:
        order: n.
        xs: the grid.
        expected: f^(n) by AD (nan where f is undefined).
        answer: the answer's values (nan where it is undefined).
        worst: (x, f^(n)(x), answer(x)) at the largest difference, or None.
    """

    order: int
    xs: np.ndarray
    expected: np.ndarray
    answer: np.ndarray
    worst: tuple[float, float, float] | None


def numeric_verdict(
    parsed: ParsedExpression,
    typed: ParsedExpression,
    order: int,
    params: Mapping[str, float] | None = None,
) -> NumericVerdict:
    """Whether the answer `typed` agrees with f^(order) at `check_answer`'s random points.

    Args:
        parsed: f, of one variable; typed: the answer, of the same variable, with no
            parameter f lacks.
        order: n, 1 to MAX_ORDER.
        params: the parameters' values (1.0 when not given).
    """
    values = resolve_parameters(parsed, params)
    xs = equality.sample_points()
    rows = ad_rows(parsed, xs, min(order + 1, MAX_ORDER), values)
    answer = answer_values(typed, xs, values)
    comparison = equality.compare_values(rows[order], answer, xs)
    what = label(order)
    if comparison.undefined_at is not None:
        x = comparison.undefined_at
        message = f"your answer is undefined at x = {x:.4g}, where {what} is defined."
        return NumericVerdict(False, comparison, f"By the numbers: {message}")
    if not comparison.decided:
        message = (
            f"By the numbers: {what} is defined at only {comparison.points} of the "
            f"{len(xs)} random points, too few to decide; SymPy decides."
        )
        return NumericVerdict(None, comparison, message)
    if comparison.agree:
        message = (
            f"By the numbers: your answer agrees with {what} at {comparison.points} random points."
        )
        return NumericVerdict(True, comparison, message)
    plotted = gap_on_plot(parsed, typed, order, values)
    numbers = Numbers(order, xs, comparison, rows, answer, None, plotted)
    sentence = hint(numbers).removeprefix("Not quite: ")
    return NumericVerdict(False, comparison, f"By the numbers: {sentence}", plotted)


def answer_curves(
    parsed: ParsedExpression,
    typed: ParsedExpression,
    order: int,
    worst_point: float | None = None,
    params: Mapping[str, float] | None = None,
) -> AnswerCurves:
    """f^(order) by AD and the answer on the grid of `plot_range(worst_point)`, and at the
    worst point."""
    values = resolve_parameters(parsed, params)
    _, high = plot_range(worst_point)
    xs = plot_grid(high)
    marked = worst_point is not None and bool(np.isfinite(worst_point))
    # One evaluation of the grid with the point appended (WARMED_SIZE points).
    points = np.append(xs, float(worst_point) if marked else high)
    expected = ad_rows(parsed, points, order, values)[order]
    answer = np.array(answer_values(typed, points, values))
    worst = (float(worst_point), float(expected[-1]), float(answer[-1])) if marked else None
    return AnswerCurves(order, xs, expected[:-1], answer[:-1], worst)


def answer_figure(curves: AnswerCurves) -> go.Figure:
    """f^(n) (solid blue) and the answer (dashed vermillion) against x, and a dotted black
    segment joining them where they differ most."""
    what = label(curves.order)
    traces = [
        {"type": "scatter", "x": curves.xs, "y": masked(curves.expected), "mode": "lines",
         "name": f"{what}(x) by automatic differentiation",
         "line": {"color": EXPECTED_COLOUR, "width": 3}},
        {"type": "scatter", "x": curves.xs, "y": masked(curves.answer), "mode": "lines",
         "name": "your answer", "line": {"color": ANSWER_COLOUR, "width": 2.5, "dash": "dash"}},
    ]  # fmt: skip
    rows = [curves.expected, curves.answer]
    if curves.worst is not None:
        x, expected, answer = curves.worst
        ends = masked(np.array([expected, answer]))
        traces.append(
            {"type": "scatter", "x": [x, x], "y": ends, "mode": "lines+markers",
             "name": f"largest difference, at x = {x:.4g}",
             "line": {"color": GAP_COLOUR, "width": 2, "dash": "dot"},
             "marker": {"color": GAP_COLOUR, "size": 9, "symbol": "x"}}
        )  # fmt: skip
        rows.append(ends)
    layout = {"yaxis_range": robust_range(rows)}
    return figure_from_traces(
        traces, xaxis_title="x", yaxis_title=f"{what}(x)", height=HEIGHT, margin=MARGIN,
        legend=LEGEND, uirevision="answer-check", **{k: v for k, v in layout.items() if v},
    )  # fmt: skip
