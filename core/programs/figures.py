"""The figure of a differentiated program: f, and f' computed two ways."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import plotly.graph_objects as go

from core.figures.plotting import figure_from_traces, masked
from core.programs.worker import ProgramReport


def program_figure(
    xs: np.ndarray,
    report: ProgramReport,
    exact_derivative: Callable[[np.ndarray], np.ndarray] | None = None,
) -> go.Figure:
    """f(x); f′ by jit(vmap(grad)) of the rewrite (line) and by grad point by point (dots)."""
    traces = [
        {"type": "scatter", "x": xs, "y": masked(report.values), "name": "f(x)",
         "mode": "lines", "line": {"color": "#0072B2", "width": 3}},
        {"type": "scatter", "x": xs, "y": masked(report.vectorised_gradient),
         "name": "f′: jit(vmap(grad)) of the rewrite", "mode": "lines",
         "line": {"color": "#D55E00", "width": 2}},
        {"type": "scatter", "x": report.pointwise_xs, "y": masked(report.pointwise_gradient),
         "name": "f′: grad point by point", "mode": "markers",
         "marker": {"color": "#D55E00", "size": 8, "symbol": "circle-open"}},
    ]  # fmt: skip
    if exact_derivative is not None:
        with np.errstate(all="ignore"):
            exact = exact_derivative(xs)
        traces.append(
            {"type": "scatter", "x": xs, "y": masked(exact), "name": "f′ exact",
             "mode": "lines", "line": {"color": "#000000", "width": 2, "dash": "dash"}}
        )  # fmt: skip
    return figure_from_traces(
        traces, xaxis_title="x", yaxis_title="value", height=420,
        legend={"orientation": "h", "y": -0.25}, margin={"l": 10, "r": 10, "t": 30, "b": 10},
    )  # fmt: skip
