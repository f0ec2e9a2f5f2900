"""Figures of an interpolation view: the interpolants through the knots, and their slopes."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.figures.plotting import figure_from_traces, masked, robust_range
from core.kinks.interpolation import InterpolationView

TRUE_COLOUR = "#1F1F1F"
LINEAR_COLOUR = "#D55E00"
SPLINE_COLOUR = "#0072B2"
KNOT_COLOUR = "#009E73"
_LAYOUT = {
    "legend": {"orientation": "h", "y": -0.2},
    "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
    "height": 380,
    "xaxis_title": "x",
}


def _line(xs, ys, name: str, colour: str, **extra) -> dict:
    line = {"color": colour, "width": 2, **extra.pop("line", {})}
    return {"type": "scatter", "x": xs, "y": masked(ys), "name": name, "mode": "lines",
            "line": line, **extra}  # fmt: skip


def values_figure(view: InterpolationView) -> go.Figure:
    """f, the knots, the linear interpolant and the cubic spline through them."""
    traces = [
        _line(view.xs, view.true, "f", TRUE_COLOUR, line={"width": 3}),
        _line(view.xs, view.linear, "linear interpolant (jnp.interp)", LINEAR_COLOUR),
        _line(view.xs, view.spline, "cubic spline", SPLINE_COLOUR, line={"dash": "dash"}),
        {"type": "scatter", "x": view.knots_x, "y": view.knots_y, "name": "knots",
         "mode": "markers", "marker": {"color": KNOT_COLOUR, "size": 8}},
    ]  # fmt: skip
    return figure_from_traces(
        traces, yaxis_title="value", title={"text": "Values"},
        yaxis_range=robust_range([view.true, view.knots_y]), uirevision="interp-values",
        **_LAYOUT,
    )  # fmt: skip


def derivative_figure(view: InterpolationView) -> go.Figure:
    """f' against the derivatives of both interpolants; knots marked on f'.

    The linear interpolant's derivative is drawn as steps (`line_shape="hv"`): it is
    the secant slope of each interval and jumps at the knots.
    """
    knot_slopes = np.interp(view.knots_x, view.xs, view.true_derivative)
    traces = [
        _line(view.xs, view.true_derivative, "f′ (autodiff of f)", TRUE_COLOUR,
              line={"width": 3}),
        _line(view.xs, view.linear_derivative, "linear interpolant′ (grad + vmap)",
              LINEAR_COLOUR, line={"shape": "hv"}),
        _line(view.xs, view.spline_derivative, "cubic spline′", SPLINE_COLOUR,
              line={"dash": "dash"}),
        {"type": "scatter", "x": view.knots_x, "y": masked(knot_slopes), "name": "knots",
         "mode": "markers", "marker": {"color": KNOT_COLOUR, "size": 7, "symbol": "circle-open"}},
    ]  # fmt: skip
    return figure_from_traces(
        traces, yaxis_title="derivative", title={"text": "Derivatives"},
        yaxis_range=robust_range([view.true_derivative, view.linear_derivative]),
        uirevision="interp-derivatives", **_LAYOUT,
    )  # fmt: skip
