"""Figures of the kinks page: f near a kink with its one-sided slopes, and the where trap."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.figures.plotting import figure_from_traces, masked
from core.kinks.kink_report import KinkReport, WhereTrap
from core.language.expression import ParsedExpression


def kink_figure(parsed: ParsedExpression, report: KinkReport, width: float = 1.0) -> go.Figure:
    """f around x0, with lines of the left and right slopes drawn on their own sides."""
    x0 = report.x0
    xs = np.linspace(x0 - width, x0 + width, 401)
    with np.errstate(all="ignore"):
        f = np.asarray(parsed.numpy({parsed.variables[0]: xs}), dtype=np.float64) * np.ones_like(xs)
    traces = [
        {"type": "scatter", "x": xs, "y": masked(f), "name": "f", "mode": "lines",
         "line": {"color": "#1F1F1F", "width": 3}},
    ]  # fmt: skip
    base = report.value if np.isfinite(report.value) else np.nan
    # Vermillion against blue, dashed against dash-dotted: the two sides differ by more than a
    # red-green contrast some readers cannot see.
    for side, slope, colour, dash, span in (
        ("left slope", report.left, "#D55E00", "dash", np.linspace(x0 - width / 2, x0, 20)),
        ("right slope", report.right, "#0072B2", "dashdot", np.linspace(x0, x0 + width / 2, 20)),
    ):
        if np.isfinite(slope) and np.isfinite(base):
            traces.append(
                {"type": "scatter", "x": span, "y": base + slope * (span - x0),
                 "name": f"{side} {slope:.3g}", "mode": "lines",
                 "line": {"color": colour, "width": 2.5, "dash": dash}}
            )  # fmt: skip
    return figure_from_traces(
        traces, xaxis_title="x", yaxis_title="f(x)", height=380,
        legend={"orientation": "h", "y": -0.25}, margin={"l": 10, "r": 10, "t": 30, "b": 10},
        shapes=[{"type": "line", "x0": x0, "x1": x0, "xref": "x", "y0": 0, "y1": 1,
                 "yref": "paper", "line": {"color": "#888", "dash": "dot"}}],
    )  # fmt: skip


def where_trap_figure(trap: WhereTrap) -> go.Figure:
    """jax.grad of the naive and the double-where form across x (nan drawn as a gap)."""
    zero = np.flatnonzero(trap.xs == 0)
    traces = [
        {"type": "scatter", "x": trap.xs, "y": masked(trap.naive_reverse),
         "name": "grad of where(x > 0, sqrt(x), 0)", "mode": "lines",
         "line": {"color": "#D55E00", "width": 3}},
        {"type": "scatter", "x": trap.xs, "y": masked(trap.fixed_reverse),
         "name": "grad of the double-where form", "mode": "lines",
         "line": {"color": "#0072B2", "width": 2, "dash": "dash"}},
        {"type": "scatter", "x": trap.xs[zero], "y": [0.0] * len(zero), "mode": "markers+text",
         "name": "nan at x = 0 (naive)", "text": ["nan here"], "textposition": "top center",
         "marker": {"color": "#D55E00", "size": 12, "symbol": "x"}},
    ]  # fmt: skip
    return figure_from_traces(
        traces, xaxis_title="x", yaxis_title="jax.grad", height=360,
        yaxis_range=[-0.5, 5.0], legend={"orientation": "h", "y": -0.25},
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
    )  # fmt: skip
