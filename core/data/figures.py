"""Figures of the derivatives-of-data page: samples, estimates, errors, sweeps, matrix D."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from core.data.derivatives import METHODS, Estimates
from core.data.samples import Samples
from core.data.sweeps import Sweep, noise_floor
from core.figures.plotting import LINE_DASHES, figure_from_traces, masked, robust_range

METHOD_COLOURS = {
    "gradient1": "#E69F00",
    "gradient2": "#D55E00",
    "fd_matrix": "#CC79A7",
    "polynomial": "#009E73",
    "cubic_spline": "#56B4E9",
    "smoothing_spline": "#0072B2",
}
# A dash per method as well as a colour: orange and vermillion (np.gradient's two edge
# orders) are close for some readers, and six lines share each plot. Dotted is left to
# the noise reference σ/(√2·h).
METHOD_DASHES = dict(zip(METHOD_COLOURS, LINE_DASHES[1:] + LINE_DASHES[:1], strict=True))
TRUTH = {"color": "#1F1F1F", "width": 3}
FLOOR = 1e-17  # an exact zero error would be log(0): draw it at the bottom instead
# Above the plot: a long legend below it collides with the x-axis title.
LEGEND_ROW = 21  # px per row of legend entries, two entries to a row at half-page width
PLOT_HEIGHT = 300  # px of plot area
BELOW_AXIS = 55  # px from the plot's bottom edge to the legend: below the x-axis title


def _frame(traces: list[dict]) -> dict:
    """Legend below the x-axis title, with a bottom margin sized for its rows.

    Sized explicitly: left to Plotly, a legend of several rows covered the axis title.
    """
    bottom = BELOW_AXIS + LEGEND_ROW * ((len(traces) + 1) // 2) + 10
    # Anchored to the figure's bottom edge (yref="container"), not to the plot area.
    legend = {"orientation": "h", "yref": "container", "yanchor": "bottom", "y": 0, "x": 0}
    return {"legend": legend, "margin": {"l": 10, "r": 10, "t": 10, "b": bottom},
            "height": PLOT_HEIGHT + bottom + 10}  # fmt: skip


def _axis(title: str, log: bool = False, **extra) -> dict:
    # On a log axis, one labelled tick per decade: Plotly's default also labels 2 and 5
    # (or every digit over a short range), which crowds the axis into unreadable digits.
    scale = {"type": "log", "dtick": 1} if log else {}
    return {"title": {"text": title}, **scale, **extra}


def _line(method: str, x, y, **extra) -> dict:
    return {
        "type": "scatter", "x": x, "y": masked(y), "name": METHODS[method], "mode": "lines",
        "line": {"color": METHOD_COLOURS[method], "width": 2, "dash": METHOD_DASHES[method]},
        **extra,
    }  # fmt: skip


def samples_figure(samples: Samples) -> go.Figure:
    """The data as markers, over the noise-free function when it is known."""
    traces = []
    if samples.exact is not None:
        traces.append(
            {"type": "scatter", "x": samples.x, "y": masked(samples.exact), "name": "f(x), exact",
             "mode": "lines", "line": TRUTH}
        )  # fmt: skip
    traces.append(
        {"type": "scatter", "x": samples.x, "y": masked(samples.y), "name": "samples y",
         "mode": "markers", "marker": {"color": "#0072B2", "size": 5, "opacity": 0.8}}
    )  # fmt: skip
    return figure_from_traces(
        traces, xaxis=_axis("x"), yaxis=_axis("y"),
        uirevision="data", **_frame(traces),
    )  # fmt: skip


def estimates_figure(estimates: Estimates) -> go.Figure:
    """Each method's dy/dx, with the true derivative as a thick dark line when known."""
    traces, drawn = [], []
    if estimates.true_derivative is not None:
        traces.append(
            {"type": "scatter", "x": estimates.x, "y": masked(estimates.true_derivative),
             "name": "true f′(x)", "mode": "lines", "line": TRUTH}
        )  # fmt: skip
        drawn.append(estimates.true_derivative)
    for method, values in estimates.derivatives.items():
        traces.append(_line(method, estimates.x, values))
        drawn.append(values)
    return figure_from_traces(
        traces, xaxis=_axis("x"),
        yaxis=_axis("dy/dx", range=robust_range(drawn)), uirevision="estimates",
        **_frame(traces),
    )  # fmt: skip


def edge_error_figure(estimates: Estimates) -> go.Figure:
    """|estimate - true f'| against x on a log axis: where each method goes wrong."""
    traces = []
    if estimates.true_derivative is not None:
        for method, values in estimates.derivatives.items():
            error = np.maximum(np.abs(values - estimates.true_derivative), FLOOR)
            traces.append(_line(method, estimates.x, error))
    return figure_from_traces(
        traces, xaxis=_axis("x"),
        yaxis=_axis("|dy/dx − f′(x)|", log=True, exponentformat="power"), uirevision="edges",
        **_frame(traces),
    )  # fmt: skip


def sweep_figure(sweeps: Sequence[Sweep], against: str) -> go.Figure:
    """RMS error per method on log-log axes, against the noise sigma or the sample count.

    Args:
        sweeps: one per method, all along the same sweep.
        against: "noise" (x = sigma) or "counts" (x = n, with the noise in a central
            difference, sigma / (sqrt(2) h), drawn dotted for reference).
    """
    traces = []
    for sweep in sweeps:
        x = sweep.noise if against == "noise" else sweep.counts
        traces.append(
            {**_line(sweep.method, x, np.maximum(sweep.rms, FLOOR)), "mode": "lines+markers",
             "customdata": sweep.spacing,
             "hovertemplate": "n = %{text}, h = %{customdata:.3g}<br>RMS error %{y:.3g}",
             "text": sweep.counts}
        )  # fmt: skip
    if against == "noise":
        x_title = "noise σ"
    else:
        x_title = "number of samples n (finer grid →)"
        if sweeps:
            sweep = sweeps[0]
            traces.append(
                {"type": "scatter", "x": sweep.counts, "name": "σ/(√2·h)",
                 "y": noise_floor(float(sweep.noise[0]), sweep.spacing), "mode": "lines",
                 "line": {"color": "#7F7F7F", "dash": "dot", "width": 2}}
            )  # fmt: skip
    return figure_from_traces(
        traces, xaxis=_axis(x_title, log=True, exponentformat="power"),
        yaxis=_axis("RMS error of dy/dx", log=True, exponentformat="power"),
        uirevision=f"sweep-{against}", **_frame(traces),
    )  # fmt: skip


def matrix_figure(corner: np.ndarray) -> go.Figure:
    """The top-left corner of the derivative matrix D as a heatmap with its entries."""
    size = corner.shape[0]
    labels = [str(k) for k in range(size)]
    limit = float(np.max(np.abs(corner))) or 1.0
    # Rounding leaves ~1e-13 where a uniform grid's centre weight is exactly 0.
    text = [["0" if not v else "≈0" if abs(v) < 1e-9 * limit else f"{v:.4g}" for v in row]
            for row in corner]  # fmt: skip
    heatmap = {
        "type": "heatmap", "z": corner, "x": labels, "y": labels, "text": text,
        "texttemplate": "%{text}", "colorscale": "RdBu", "zmin": -limit, "zmax": limit,
        "showscale": False, "hovertemplate": "D[%{y}, %{x}] = %{z:.6g}<extra></extra>",
        "xgap": 2, "ygap": 2, "textfont": {"size": 13},
    }  # fmt: skip
    return figure_from_traces(
        [heatmap], xaxis=_axis("column j", side="top", type="category"),
        yaxis=_axis("row i", autorange="reversed", type="category"),
        margin={"l": 10, "r": 10, "t": 10, "b": 10}, height=320,
    )  # fmt: skip
