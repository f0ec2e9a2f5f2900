"""Figures of the descent page: paths over the contours of f, and f against iteration."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from core.figures.plotting import MARKER_SYMBOLS, dash_of, figure_from_traces, masked

METHOD_COLOURS = (
    "#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C564B",
    "#7F7F7F", "#BCBD22", "#17BECF", "#1F1F1F", "#AA3377", "#4477AA", "#228833",
)  # fmt: skip
CONTOUR_FILL = [[0.0, "#FFFFFF"], [1.0, "#DADDE2"]]  # low f -> high f
CONTOUR_LINE = "rgba(90, 100, 115, 0.45)"
CLICK_GRID = 31  # invisible points per axis that make the contour plot clickable


def colour_of(index: int) -> str:
    return METHOD_COLOURS[index % len(METHOD_COLOURS)]


def _style(index: int, width: float = 2) -> dict:
    """The index-th method's line: its colour and its own dash, so that methods differ by
    more than colour (up to 14 of them can share a plot)."""
    return {"color": colour_of(index), "width": width, "dash": dash_of(index)}


def contour_figure(
    xs: np.ndarray,
    ys: np.ndarray,
    z: np.ndarray,
    paths: Mapping[str, np.ndarray],
    steps: int | None = None,
    minima: Sequence[Sequence[float]] = (),
    log_scale: bool = False,
) -> go.Figure:
    """Contours of f with each method's path, drawn up to `steps` iterations.

    Args:
        xs, ys, z: the grid and f on it (z[i, j] = f(xs[j], ys[i])).
        paths: method name -> (n, 2) array of iterates from the start.
        steps: draw each path up to this iteration (None: all of it).
        minima: known minima, marked with stars.
        log_scale: contour log10(f - min f + tiny), which reads better for valleys.
    """
    shown = np.array(z, dtype=np.float64)
    if log_scale:
        finite = shown[np.isfinite(shown)]
        floor = finite.min() if finite.size else 0.0
        shown = np.log10(shown - floor + 1e-3)
    # A pale fill (white in the valleys, light grey on the walls) and thin grey lines:
    # the paths, in strong colours, must stay the brightest thing on the plot.
    traces = [
        {"type": "contour", "x": xs, "y": ys, "z": masked(shown.ravel()).reshape(shown.shape),
         "colorscale": CONTOUR_FILL, "ncontours": 30, "showscale": False,
         "contours": {"coloring": "fill"}, "line": {"color": CONTOUR_LINE, "width": 0.6},
         "hoverinfo": "skip", "name": "log10 f" if log_scale else "f"},
    ]  # fmt: skip
    gx, gy = np.meshgrid(
        np.linspace(xs[0], xs[-1], CLICK_GRID), np.linspace(ys[0], ys[-1], CLICK_GRID)
    )
    traces.append(
        {"type": "scatter", "x": gx.ravel(), "y": gy.ravel(), "mode": "markers",
         "marker": {"size": 14, "opacity": 0.0}, "name": "click to start here",
         "showlegend": False, "hovertemplate": "start at (%{x:.2f}, %{y:.2f})<extra></extra>"}
    )  # fmt: skip
    for index, (name, points) in enumerate(paths.items()):
        drawn = points if steps is None else points[: max(1, steps + 1)]
        colour = colour_of(index)
        traces.append(
            {"type": "scatter", "x": drawn[:, 0], "y": drawn[:, 1], "mode": "lines+markers",
             "name": name, "line": _style(index),
             "marker": {"color": colour, "size": 5,
                        "symbol": MARKER_SYMBOLS[index % len(MARKER_SYMBOLS)]}}
        )  # fmt: skip
    if paths:
        start = next(iter(paths.values()))[0]
        traces.append(
            {"type": "scatter", "x": [start[0]], "y": [start[1]], "mode": "markers",
             "name": "start", "marker": {"color": "black", "size": 12, "symbol": "circle-open"}}
        )  # fmt: skip
    if len(minima):
        minima = np.asarray(minima, dtype=np.float64)
        traces.append(
            {"type": "scatter", "x": minima[:, 0], "y": minima[:, 1], "mode": "markers",
             "name": "minimum", "marker": {"color": "gold", "size": 16, "symbol": "star",
                                           "line": {"color": "black", "width": 1}}}
        )  # fmt: skip
    return figure_from_traces(
        traces, height=560,
        xaxis={"range": [float(xs[0]), float(xs[-1])], "title": {"text": "x"}},
        yaxis={"range": [float(ys[0]), float(ys[-1])], "title": {"text": "y"}, "scaleanchor": "x"},
        legend={"orientation": "h", "y": -0.15}, margin={"l": 10, "r": 10, "t": 30, "b": 10},
        uirevision="contours", clickmode="event+select",
    )  # fmt: skip


def loss_figure(values: Mapping[str, np.ndarray], steps: int | None = None) -> go.Figure:
    """f (minus its smallest value seen, plus a floor) against iteration, log scale."""
    finite = [v[np.isfinite(v)] for v in values.values()]
    best = min((float(v.min()) for v in finite if v.size), default=0.0)
    traces = []
    for index, (name, series) in enumerate(values.items()):
        drawn = series if steps is None else series[: max(1, steps + 1)]
        gap = np.maximum(np.asarray(drawn, dtype=np.float64) - best, 1e-16)
        traces.append(
            {"type": "scatter", "x": np.arange(len(drawn)), "y": masked(gap), "name": name,
             "mode": "lines", "line": _style(index)}
        )  # fmt: skip
    # Powers of ten on the log axis (10⁻⁴), never Plotly's SI prefixes (100µ, 10n, 1p).
    return figure_from_traces(
        traces, xaxis_title="iteration", height=560, legend={"orientation": "h", "y": -0.15},
        yaxis={"type": "log", "exponentformat": "power", "title": {"text": "f − best f seen"}},
        margin={"l": 10, "r": 10, "t": 30, "b": 10}, uirevision="loss",
    )  # fmt: skip
