"""Plotly figures of derivatives and their disagreements: data in, Figure out."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

# One colour per order (colour-blind-safe Okabe-Ito, then Tableau).
ORDER_COLOURS = (
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00",
    "#56B4E9", "#8C564B", "#7F7F7F", "#BCBD22", "#17BECF", "#1F1F1F",
)  # fmt: skip
PRIME_NAMES = ("f", "f′", "f″", "f‴")


def order_name(order: int) -> str:
    return PRIME_NAMES[order] if order < len(PRIME_NAMES) else f"f⁽{order}⁾"


def masked(values: np.ndarray) -> np.ndarray:
    """Values with inf replaced by nan, so Plotly leaves a gap there.

    Kept as a float64 array: Plotly sends arrays as compact binary, where a list of
    Python floats costs ten times as long to build and serialise.
    """
    values = np.array(values, dtype=np.float64)
    values[~np.isfinite(values)] = np.nan
    return values


def _scatter(**trace) -> dict:
    return {"type": "scatter", **trace}


def figure_from_traces(traces: list[dict], **layout) -> go.Figure:
    """A Figure from plain trace dicts, skipping Plotly's per-property validation.

    Validation took about 70 ms per figure of 1,000-point traces, most of a page's
    rerun; the dicts here are fixed by this module and covered by its tests.
    """
    axis_titles = {
        key.split("_")[0]: {"title": {"text": layout.pop(key)}}
        for key in [k for k in layout if k.endswith("_title")]
    }
    if "yaxis_range" in layout:
        axis_titles.setdefault("yaxis", {})["range"] = layout.pop("yaxis_range")
    if "yaxis_type" in layout:
        axis_titles.setdefault("yaxis", {})["type"] = layout.pop("yaxis_type")
    return go.Figure(data=traces, layout={**layout, **axis_titles}, _validate=False)


_figure = figure_from_traces  # the former private name, kept for existing callers


def robust_range(rows: list[np.ndarray]) -> list[float] | None:
    """A y-range that shows the curves, ignoring poles and isolated huge values."""
    finite = np.concatenate([np.asarray(r)[np.isfinite(r)] for r in rows]) if rows else []
    if len(finite) == 0:
        return None
    low, high = np.percentile(finite, [1, 99])
    full_low, full_high = finite.min(), finite.max()
    # Use the full range unless a few points are far outside the bulk (a pole).
    span = max(high - low, 1e-12)
    low = full_low if full_low > low - 0.5 * span else low - 0.1 * span
    high = full_high if full_high < high + 0.5 * span else high + 0.1 * span
    pad = 0.05 * max(high - low, 1e-12)
    return [float(low - pad), float(high + pad)]


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
