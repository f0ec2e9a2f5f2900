"""The Sparse Jacobians section's figures: the pattern, its colouring, compression, and the timings.

Each is a pure function of a `SparseView` or of `JacobianTiming` rows (data in, Plotly
figure out). Heatmaps show the top-left block the view kept; rows run down the page, as a
matrix is written. Colours are Okabe-Ito's, told apart under colour-vision deficiencies;
the lines of the timing chart differ by dash and marker as well.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from core.figures.plotting import LINE_DASHES, MARKER_SYMBOLS, OKABE_ITO, figure_from_traces
from core.several_variables.sparse_comparison import JacobianTiming, SparseView

# One colour per column colour (3 in 1-D, 5 in 2-D; a 2 x 2 grid needs 4).
COLOUR_CYCLE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000")
NONZERO = OKABE_ITO["blue"]
METHODS = {  # key of JacobianTiming.passes -> (legend name, colour)
    "jacfwd": ("dense jax.jacfwd: n JVPs", OKABE_ITO["vermillion"]),
    "jacrev": ("dense jax.jacrev: n VJPs", OKABE_ITO["reddish purple"]),
    "coloured": ("coloured: one JVP per colour", OKABE_ITO["blue"]),
}
HEIGHT = 420
SMALL_BLOCK = 40  # up to this many rows the cells get a visible gap


def _matrix_axes(suffix: str = "", **x_extra) -> dict:
    """Axes of a heatmap of a matrix block: row 0 at the top, square cells."""
    x, y = f"xaxis{suffix}", f"yaxis{suffix}"
    return {
        x: {"title": {"text": "column j"}, "side": "top", "constrain": "domain", **x_extra},
        y: {"title": {"text": "row i"}, "autorange": "reversed", "scaleanchor": f"x{suffix}",
            "scaleratio": 1, "constrain": "domain"},
    }  # fmt: skip


def _gaps(block: int) -> dict:
    return {"xgap": 1, "ygap": 1} if block <= SMALL_BLOCK else {}


def pattern_figure(view: SparseView) -> go.Figure:
    """The detected sparsity pattern's top-left block: a filled cell where J_ij can be nonzero."""
    heatmap = {
        "type": "heatmap", "z": view.pattern.astype(np.int8), "name": "pattern",
        "colorscale": [[0.0, "#FFFFFF"], [1.0, NONZERO]], "zmin": 0, "zmax": 1,
        "showscale": False,
        "hovertemplate": "J[%{y}, %{x}]: %{z} (1 = can be nonzero)<extra></extra>",
        **_gaps(view.block),
    }  # fmt: skip
    return figure_from_traces(
        [heatmap], height=HEIGHT, margin={"l": 10, "r": 10, "t": 40, "b": 10},
        **_matrix_axes(), uirevision="sparse-pattern",
    )  # fmt: skip


def _discrete_scale(count: int) -> list[list]:
    """A colour scale of `count` flat bands, band c for z = c (z from 0 to count - 1)."""
    scale = []
    for colour in range(count):
        shade = COLOUR_CYCLE[colour % len(COLOUR_CYCLE)]
        scale += [[colour / count, shade], [(colour + 1) / count, shade]]
    return scale


def colouring_figure(view: SparseView) -> go.Figure:
    """The pattern's block with each nonzero coloured by its column's colour: no row holds
    two cells of one colour, which is why one JVP per colour recovers them all."""
    count = view.n_passes
    colours = view.colors[: view.block].astype(np.float64)
    z = np.where(view.pattern, colours[None, :], np.nan)
    heatmap = {
        "type": "heatmap", "z": z, "name": "colour of the column",
        "colorscale": _discrete_scale(count), "zmin": -0.5, "zmax": count - 0.5,
        "colorbar": {"title": {"text": "colour"}, "tickvals": list(range(count)),
                     "ticktext": [str(c + 1) for c in range(count)], "len": 0.8},
        "hovertemplate": "J[%{y}, %{x}]: column colour %{z}<extra></extra>",
        **_gaps(view.block),
    }  # fmt: skip
    return figure_from_traces(
        [heatmap], height=HEIGHT, margin={"l": 10, "r": 10, "t": 40, "b": 10},
        **_matrix_axes(), uirevision="sparse-colouring",
    )  # fmt: skip


def compression_figure(view: SparseView) -> go.Figure:
    """Left, the compressed Jacobian B = J S (one column per JVP); right, J decompressed
    from it: J_ij = B[i, colour(j)] wherever the pattern has (i, j)."""
    limit = float(np.nanmax(np.abs(view.compressed), initial=0.0)) or 1.0
    shared = {"colorscale": "RdBu", "zmin": -limit, "zmax": limit, **_gaps(view.block)}
    matrix = np.where(view.pattern, view.matrix, np.nan)  # structural zeros left blank
    traces = [
        {"type": "heatmap", "z": view.compressed, "name": "compressed B = J S",
         "x": [str(c + 1) for c in range(view.n_passes)], "showscale": False,
         "hovertemplate": "B[%{y}, colour %{x}] = %{z:.6g}<extra></extra>", **shared},
        {"type": "heatmap", "z": matrix, "name": "J decompressed", "xaxis": "x2", "yaxis": "y2",
         "colorbar": {"title": {"text": "value"}, "len": 0.8},
         "hovertemplate": "J[%{y}, %{x}] = %{z:.6g}<extra></extra>", **shared},
    ]  # fmt: skip
    axes = _matrix_axes(type="category", title={"text": "JVP (colour)"})
    axes["xaxis"]["domain"] = [0.0, 0.16]
    axes["yaxis"]["scaleanchor"] = None  # a narrow block: its cells are not square
    right = _matrix_axes("2")
    right["xaxis2"]["domain"] = [0.24, 1.0]
    right["yaxis2"]["anchor"] = "x2"
    right["xaxis2"]["anchor"] = "y2"
    return figure_from_traces(
        traces, height=HEIGHT + 40, margin={"l": 10, "r": 10, "t": 40, "b": 10},
        **axes, **right, uirevision="sparse-compression",
    )  # fmt: skip


def timing_figure(timings: Sequence[JacobianTiming]) -> go.Figure:
    """Left, the measured milliseconds of each way against n; right, the passes it needs
    (n, n, and the colours), both on log-log axes."""
    ns = [t.n for t in timings]
    seconds = {
        "jacfwd": [t.dense_forward_seconds for t in timings],
        "jacrev": [t.dense_reverse_seconds for t in timings],
        "coloured": [t.coloured_seconds for t in timings],
    }
    traces = []
    for index, (key, (name, colour)) in enumerate(METHODS.items()):
        style = {"mode": "lines+markers", "legendgroup": key,
                 "line": {"color": colour, "width": 2, "dash": LINE_DASHES[index]},
                 "marker": {"symbol": MARKER_SYMBOLS[index], "size": 8}}  # fmt: skip
        traces.append(
            {"type": "scatter", "x": ns, "y": 1e3 * np.asarray(seconds[key]), "name": name,
             "hovertemplate": "n = %{x}: %{y:.3g} ms<extra></extra>", **style}
        )  # fmt: skip
        passes = [t.passes[key] for t in timings]
        traces.append(
            {"type": "scatter", "x": ns, "y": passes, "name": f"{name} (passes)",
             "xaxis": "x2", "yaxis": "y2", "showlegend": False,
             "hovertemplate": "n = %{x}: %{y} passes<extra></extra>", **style}
        )  # fmt: skip
    log = {"type": "log", "dtick": 1}
    return figure_from_traces(
        traces, height=HEIGHT,
        xaxis={"title": {"text": "unknowns n"}, "domain": [0.0, 0.46], **log},
        yaxis={"title": {"text": "time (ms, measured on this server)"}, **log},
        xaxis2={"title": {"text": "unknowns n"}, "domain": [0.56, 1.0], "anchor": "y2", **log},
        yaxis2={"title": {"text": "passes (JVPs or VJPs)"}, "anchor": "x2", **log},
        legend={"orientation": "h", "x": 0.5, "xanchor": "center", "y": -0.22, "yanchor": "top"},
        margin={"l": 10, "r": 10, "t": 10, "b": 10}, uirevision="sparse-timing",
    )  # fmt: skip
