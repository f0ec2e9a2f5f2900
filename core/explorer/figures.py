"""The Explorer's figures: f and its derivatives by each method, and where they disagree."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.plotting import ORDER_COLOURS, figure_from_traces, masked, order_name, robust_range


def _scatter(**trace) -> dict:
    return {"type": "scatter", **trace}


def derivative_figure(
    xs: np.ndarray,
    orders: list[int],
    ad: np.ndarray | None = None,
    symbolic: np.ndarray | None = None,
    finite_differences: dict[int, np.ndarray] | None = None,
    x0: float | None = None,
) -> go.Figure:
    """f and its derivatives: AD solid, symbolic dashed, finite differences as markers.

    Args:
        xs: grid.
        orders: which orders to draw.
        ad, symbolic: arrays whose row k is the k-th derivative (symbolic may have
            fewer rows than asked when its budget ran out).
        finite_differences: order -> values.
        x0: a point to mark with a vertical line.
    """
    traces = []
    drawn = []
    marker_every = max(1, len(xs) // 60)
    for order in orders:
        colour = ORDER_COLOURS[order % len(ORDER_COLOURS)]
        name = order_name(order)
        if ad is not None:
            traces.append(
                _scatter(x=xs, y=masked(ad[order]), name=f"{name} AD", mode="lines",
                           line={"color": colour, "width": 2.5}, legendgroup=name)
            )  # fmt: skip
            drawn.append(ad[order])
        if symbolic is not None and order < len(symbolic):
            traces.append(
                _scatter(x=xs, y=masked(symbolic[order]), name=f"{name} symbolic",
                           mode="lines", line={"color": colour, "width": 2, "dash": "dash"},
                           legendgroup=name)
            )  # fmt: skip
            drawn.append(symbolic[order])
        if finite_differences and order in finite_differences:
            values = finite_differences[order]
            traces.append(
                _scatter(x=xs[::marker_every], y=masked(values[::marker_every]),
                           name=f"{name} finite diff.", mode="markers",
                           marker={"color": colour, "size": 6, "symbol": "circle-open"},
                           legendgroup=name)
            )  # fmt: skip
            drawn.append(values)
    shapes = []
    if x0 is not None:
        shapes.append(
            {"type": "line", "x0": x0, "x1": x0, "xref": "x", "y0": 0, "y1": 1, "yref": "paper",
             "line": {"color": "#888", "dash": "dot"}}
        )  # fmt: skip
    return figure_from_traces(
        traces,
        xaxis_title="x", yaxis_title="value", legend={"orientation": "h", "y": -0.2},
        margin={"l": 10, "r": 10, "t": 30, "b": 10}, height=480,
        yaxis_range=robust_range(drawn), uirevision="derivatives", shapes=shapes,
    )  # fmt: skip


def error_figure(
    xs: np.ndarray,
    orders: list[int],
    ad: np.ndarray | None,
    symbolic: np.ndarray | None,
    finite_differences: dict[int, np.ndarray] | None,
) -> go.Figure:
    """|AD - symbolic| and |FD - symbolic| per order on a log axis.

    Where the symbolic row is missing (budget), the reference is AD and only
    |FD - AD| is drawn, named so.
    """
    traces = []
    floor = 1e-17  # exact agreement would be log(0): draw it at the bottom instead
    for order in orders:
        colour = ORDER_COLOURS[order % len(ORDER_COLOURS)]
        name = order_name(order)
        has_symbolic = symbolic is not None and order < len(symbolic)
        reference = symbolic[order] if has_symbolic else (ad[order] if ad is not None else None)
        if reference is None:
            continue
        label = "symbolic" if has_symbolic else "AD"
        if ad is not None and has_symbolic:
            error = np.maximum(np.abs(ad[order] - reference), floor)
            traces.append(
                _scatter(x=xs, y=masked(error), name=f"{name} |AD − symbolic|", mode="lines",
                           line={"color": colour}, legendgroup=name)
            )  # fmt: skip
        if finite_differences and order in finite_differences:
            error = np.maximum(np.abs(finite_differences[order] - reference), floor)
            traces.append(
                _scatter(x=xs, y=masked(error), name=f"{name} |FD − {label}|", mode="lines",
                           line={"color": colour, "dash": "dot"}, legendgroup=name)
            )  # fmt: skip
    return figure_from_traces(
        traces, xaxis_title="x", yaxis_title="absolute difference", yaxis_type="log",
        legend={"orientation": "h", "y": -0.25}, margin={"l": 10, "r": 10, "t": 30, "b": 10},
        height=380, uirevision="errors",
    )  # fmt: skip
