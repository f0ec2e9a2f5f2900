"""The Explorer's figures: f and its derivatives by each method, and where they disagree.

Each order has one colour; the methods differ by line style (AD solid, symbolic dashed,
finite differences as markers). The legend is grouped by order under the order's name,
so one click hides or shows an order.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.figures.plotting import (
    LEGEND_HEIGHT,
    METHOD_DASHES,
    ORDER_COLOURS,
    figure_from_traces,
    masked,
    order_name,
    robust_range,
)

PANEL_HEIGHT = 150  # pixels per order when each order has its own panel
PANEL_GAP = 22  # pixels between panels
MARGIN = {"l": 10, "r": 10, "t": 10, "b": 10}
ERROR_PLOT_HEIGHT, ERROR_AXIS_HEIGHT = 225, 75  # pixels: the error chart's plot, its x-axis
# Above the plot, grouped by order; a click on an entry toggles its whole order.
LEGEND = {"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0, "groupclick": "togglegroup"}


def legend_height(groups: int, lines: int, per_row: int) -> int:
    """Pixels a horizontal legend of `groups` groups of `lines` entries takes.

    Plotly gives a legend above the plot at most part of the figure's height and
    scrolls the rest; the figure grows by this much so that it never has to.
    `per_row` is how many groups fit side by side in a column of about 550 px.
    """
    rows = -(-groups // per_row)
    return rows * (19 * (lines + 1) + 10)


def _scatter(order: int, method: str, first: bool, **trace) -> dict:
    """One trace of `order`, named by `method` inside the order's legend group."""
    name = order_name(order)
    trace = {"type": "scatter", "name": method, "legendgroup": name, **trace}
    trace["hovertemplate"] = f"x = %{{x:.4g}}<br>%{{y:.6g}}<extra>{name} {method}</extra>"
    if first:
        trace["legendgrouptitle"] = {"text": name}
    return trace


def _order_traces(xs, order, ad, symbolic, finite_differences) -> tuple[list[dict], list]:
    """The traces of one order (each method that has it) and the rows they draw."""
    colour = ORDER_COLOURS[order % len(ORDER_COLOURS)]
    marker_every = max(1, len(xs) // 60)
    rows, traces = [], []

    def add(method: str, x, y, **style) -> None:
        traces.append(_scatter(order, method, not traces, x=x, y=masked(y), **style))

    if ad is not None:
        add("AD", xs, ad[order], mode="lines", line={"color": colour, "width": 2.5})
        rows.append(ad[order])
    if symbolic is not None and order < len(symbolic):
        add("symbolic", xs, symbolic[order], mode="lines",
            line={"color": colour, "width": 2, "dash": METHOD_DASHES["symbolic"]})  # fmt: skip
        rows.append(symbolic[order])
    if finite_differences and order in finite_differences:
        values = finite_differences[order]
        add("finite diff.", xs[::marker_every], values[::marker_every], mode="markers",
            marker={"color": colour, "size": 6, "symbol": "circle-open"})  # fmt: skip
        rows.append(values)
    return traces, rows


def derivative_figure(
    xs: np.ndarray,
    orders: list[int],
    ad: np.ndarray | None = None,
    symbolic: np.ndarray | None = None,
    finite_differences: dict[int, np.ndarray] | None = None,
    x0: float | None = None,
    *,
    panels: bool = False,
) -> go.Figure:
    """f and its derivatives: AD solid, symbolic dashed, finite differences as markers.

    Args:
        xs: grid.
        orders: which orders to draw.
        ad, symbolic: arrays whose row k is the k-th derivative (symbolic may have
            fewer rows than asked when its budget ran out).
        finite_differences: order -> values.
        x0: a point to mark with a vertical line.
        panels: one panel per order, one above the other with a shared x-axis and
            each its own y-range (f⁽⁴⁾ may reach ±400 where f stays within ±1);
            otherwise every order on one axis.

    Returns:
        The figure; each trace is named by its method, in a legend group named by its
        order (`legendgroup`).
    """
    traces, ranges = [], []
    for row, order in enumerate(orders):
        order_traces, drawn = _order_traces(xs, order, ad, symbolic, finite_differences)
        if panels:
            suffix = _axis_suffix(row)
            for trace in order_traces:
                trace.update(xaxis=f"x{suffix}", yaxis=f"y{suffix}")
        traces += order_traces
        ranges.append(drawn)
    shapes = []
    if x0 is not None:
        shapes.append(
            {"type": "line", "x0": x0, "x1": x0, "xref": "x", "y0": 0, "y1": 1, "yref": "paper",
             "line": {"color": "#888", "dash": "dot"}}
        )  # fmt: skip
    legend = legend_height(len(orders), 3, per_row=4)
    common = {"legend": LEGEND, "margin": MARGIN, "uirevision": "derivatives", "shapes": shapes,
              "meta": {LEGEND_HEIGHT: legend}}  # fmt: skip
    if not panels:
        yaxis = {"title": {"text": "value"}, "exponentformat": "power"}
        limits = _union([panel_range(drawn) for drawn in ranges])
        if limits is not None:
            yaxis["range"] = limits
        return figure_from_traces(
            traces, xaxis_title="x", yaxis=yaxis, height=400 + legend, **common
        )
    height = PANEL_HEIGHT * len(orders) + 60 + legend
    axes = _panel_axes([order_name(k) for k in orders], ranges)
    return figure_from_traces(traces, height=height, **common, **axes)


def _union(ranges: list[list[float] | None]) -> list[float] | None:
    """The smallest range holding every order's own range (each robust to its poles)."""
    present = [r for r in ranges if r is not None]
    if not present:
        return None
    return [min(r[0] for r in present), max(r[1] for r in present)]


def _axis_suffix(row: int) -> str:
    return "" if row == 0 else str(row + 1)


def panel_range(rows: list[np.ndarray]) -> list[float] | None:
    """robust_range, widened to ±1 around a constant that is (nearly) 0.

    An order that is exactly 0 (the 4th derivative of a cubic) would otherwise get
    an axis from −5e−14 to 5e−14, and rounding noise would fill its panel.
    """
    limits = robust_range(rows)
    if limits is None:
        return None
    low, high = limits
    middle = (low + high) / 2
    if high - low < 1e-9 * max(1.0, abs(middle)):
        half = max(1.0, 0.1 * abs(middle))
        return [middle - half, middle + half]
    return limits


def _panel_axes(titles: list[str], ranges: list[list]) -> dict:
    """Layout of one row per order: y-axes stacked top to bottom, x-axes matched."""
    count = len(titles)
    plot_height = PANEL_HEIGHT * count + 60 - MARGIN["t"] - MARGIN["b"] - 40
    gap = min(0.08, PANEL_GAP / max(plot_height, 1))
    height = (1 - gap * (count - 1)) / count
    layout = {}
    for row, (title, drawn) in enumerate(zip(titles, ranges, strict=True)):
        suffix = _axis_suffix(row)
        top = 1 - row * (height + gap)
        last = row == count - 1
        yaxis = {
            "domain": [max(0.0, top - height), min(1.0, top)], "anchor": f"x{suffix}",
            "title": {"text": title, "font": {"size": 16}}, "exponentformat": "power",
            "zeroline": True,
        }  # fmt: skip
        limits = panel_range(drawn)
        if limits is not None:
            yaxis["range"] = limits
        xaxis = {"anchor": f"y{suffix}", "showticklabels": last}
        if row:
            xaxis["matches"] = "x"  # zooming one panel zooms them all
        if last:
            xaxis["title"] = {"text": "x"}
        layout[f"yaxis{suffix}"] = yaxis
        layout[f"xaxis{suffix}"] = xaxis
    return layout


def absolute_difference(values: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """|values − reference|: 0 where both are the same infinity, nan where either is nan.

    At sqrt′(0) AD and SymPy both give +∞ and agree; inf − inf alone would be nan.
    """
    values, reference = np.asarray(values, dtype=np.float64), np.asarray(reference)
    with np.errstate(invalid="ignore"):
        return np.where(values == reference, 0.0, np.abs(values - reference))


def error_figure(
    xs: np.ndarray,
    orders: list[int],
    ad: np.ndarray | None,
    symbolic: np.ndarray | None,
    finite_differences: dict[int, np.ndarray] | None,
) -> go.Figure:
    """|AD - symbolic| and |FD - symbolic| per order on a log axis.

    Where the symbolic row is missing (budget), the reference is AD and only
    |FD - AD| is drawn, named so. Traces are named by the difference they show, in a
    legend group per order.
    """
    traces = []
    floor = 1e-17  # exact agreement would be log(0): draw it at the bottom instead
    for order in orders:
        colour = ORDER_COLOURS[order % len(ORDER_COLOURS)]
        has_symbolic = symbolic is not None and order < len(symbolic)
        reference = symbolic[order] if has_symbolic else (ad[order] if ad is not None else None)
        if reference is None:
            continue
        label = "symbolic" if has_symbolic else "AD"
        first = True
        if ad is not None and has_symbolic:
            error = np.maximum(absolute_difference(ad[order], reference), floor)
            traces.append(
                _scatter(order, "|AD − symbolic|", first, x=xs, y=masked(error), mode="lines",
                         line={"color": colour})
            )  # fmt: skip
            first = False
        if finite_differences and order in finite_differences:
            error = np.maximum(absolute_difference(finite_differences[order], reference), floor)
            traces.append(
                _scatter(order, f"|FD − {label}|", first, x=xs, y=masked(error), mode="lines",
                         line={"color": colour, "dash": METHOD_DASHES["finite differences"]})
            )  # fmt: skip
    yaxis = {"title": {"text": "absolute difference"}, "type": "log", "exponentformat": "power"}
    # Two groups a row, as a phone's column holds them (three on a wide screen); the plot is
    # never shorter than its legend (order 10's legend was taller than its plot, and on a
    # phone ran over it).
    legend = legend_height(len({t["legendgroup"] for t in traces}), 2, per_row=2)
    plot = max(ERROR_PLOT_HEIGHT, round(1.1 * legend))
    return figure_from_traces(
        traces, xaxis_title="x", yaxis=yaxis, legend=LEGEND, margin=MARGIN,
        uirevision="errors", height=legend + plot + ERROR_AXIS_HEIGHT,
        meta={LEGEND_HEIGHT: legend},
    )  # fmt: skip
