"""Figures of the finite-differences lab: error against h, and a stencil on its curve."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.fd_lab.error_curves import StepSweep
from core.fd_lab.stencil_view import StencilView
from core.figures.plotting import LINE_DASHES, figure_from_traces, order_name

FORMULA_COLOURS = {
    "forward": "#E69F00",
    "backward": "#56B4E9",
    "central": "#0072B2",
    "central4": "#009E73",
    "central6": "#CC79A7",
    "central8": "#8C564B",
    "richardson": "#D55E00",
    "complex": "#1F1F1F",
}
# A dash per formula as well as a colour (forward's orange and Richardson's vermillion are
# close for some readers); the central difference, the reference, is solid, and dotted
# lines are the models.
FORMULA_DASHES = dict(
    zip(
        ("central", "forward", "central4", "backward", "central6", "richardson"),
        LINE_DASHES,
        strict=True,
    ),
    central8="12px,4px",
    complex="2px,2px,8px,2px",
)
X_RANGE = (-16.2, 0.2)  # log10 of the h axis in float64: the sweep runs from 1e-16 to 1
X_MARGIN = 0.2  # decades of axis left beside the first and last step
FLOOR = 1e-20  # exact agreement drawn at the bottom of the log axis, not at log(0)


def _finite(values: np.ndarray) -> np.ndarray:
    values = np.array(values, dtype=np.float64)
    values[~np.isfinite(values)] = np.nan
    return values


def x_range(sweep: StepSweep) -> tuple[float, float]:
    """log10 of the h axis: from the first step where any formula's error is defined to 1.

    In float16 the steps below about 1e-4 vanish ((x0 + h) − x0 = 0): an axis from 1e-16
    would be three-quarters empty.
    """
    defined = np.zeros(len(sweep.steps), dtype=bool)
    for curve in sweep.curves:
        defined |= np.isfinite(curve.error)
    first = sweep.steps[int(np.argmax(defined))] if defined.any() else sweep.steps[0]
    return (float(np.log10(first)) - X_MARGIN, float(np.log10(sweep.steps[-1])) + X_MARGIN)


def shaded_formula(sweep: StepSweep, reference: str = "central") -> str | None:
    """The formula whose round-off and truncation regions are shaded: `reference` when it
    is drawn and has a model optimum, else the first formula that has one."""
    keys = [curve.key for curve in sweep.curves if curve.model_h]
    if reference in keys:
        return reference
    return keys[0] if keys else None


def error_figure(sweep: StepSweep, reference: str = "central") -> go.Figure:
    """|FD - exact| against h on log-log axes, one curve per formula.

    Model curves (truncation ∝ h^p plus round-off ∝ ε/h^m) are dotted; a star marks each
    formula's best h; the truncation- and round-off-dominated regions of the
    `reference` formula (shaded_formula) are shaded and labelled with its name: each
    formula has its own boundary, where its model is least. In float32 and float16 a
    grey line marks the derivative itself rounded to that precision, which no formula
    can beat.
    """
    traces = []
    for curve in sweep.curves:
        colour = FORMULA_COLOURS[curve.key]
        traces.append(
            {"type": "scatter", "x": sweep.steps, "y": _finite(np.maximum(curve.error, FLOOR)),
             "name": curve.label, "mode": "lines",
             "line": {"color": colour, "width": 2.5, "dash": FORMULA_DASHES[curve.key]},
             "legendgroup": curve.key}
        )  # fmt: skip
        if curve.truncation is not None:
            model = curve.truncation + curve.roundoff
            traces.append(
                {"type": "scatter", "x": sweep.steps, "y": _finite(np.maximum(model, FLOOR)),
                 "name": f"{curve.label}: model", "mode": "lines", "showlegend": False,
                 "line": {"color": colour, "width": 1, "dash": "dot"}, "legendgroup": curve.key,
                 "hoverinfo": "skip"}
            )  # fmt: skip
        if curve.best_h is not None:
            traces.append(
                {"type": "scatter", "x": [curve.best_h], "y": [max(curve.best_error, FLOOR)],
                 "name": f"{curve.label}: best h", "mode": "markers", "showlegend": False,
                 "marker": {"color": colour, "size": 13, "symbol": "star"},
                 "legendgroup": curve.key}
            )  # fmt: skip
    if sweep.rounding is not None and sweep.precision != "float64":
        name = f"{order_name(sweep.order)}(x₀) rounded to {sweep.precision}"
        traces.append(
            {"type": "scatter", "x": [sweep.steps[0], sweep.steps[-1]],
             "y": [max(sweep.rounding, FLOOR)] * 2, "name": name, "mode": "lines",
             "line": {"color": "#777777", "width": 1.5, "dash": "longdash"},
             "hovertemplate": f"{name}: %{{y:.2g}}<extra></extra>"}
        )  # fmt: skip
    axis = x_range(sweep)
    shapes, annotations = [], []
    shaded = shaded_formula(sweep, reference)
    curve = next((c for c in sweep.curves if c.key == shaded), None)
    boundary = curve.model_h if curve is not None else None
    if boundary is not None:
        # Positions as fractions of the plot width ("paper"), which mean the same on
        # every Plotly version, unlike shape coordinates on a log axis.
        middle = (np.log10(boundary) - axis[0]) / (axis[1] - axis[0])
        # Each label hugs the boundary from its own side, so that on a narrow screen (a
        # phone) the two never run into each other.
        # The formula's name under each label: the boundary is that formula's alone.
        label = f"<span style='font-size:11px'>{curve.label}</span>"
        for x0, x1, colour, text, side in (
            (0.0, middle, "rgba(213, 94, 0, 0.07)", f"round-off dominates<br>{label}", "right"),
            (middle, 1.0, "rgba(0, 114, 178, 0.07)", f"truncation dominates<br>{label}", "left"),
        ):
            shapes.append(
                {"type": "rect", "xref": "paper", "yref": "paper", "x0": x0, "x1": x1,
                 "y0": 0, "y1": 1, "fillcolor": colour, "line": {"width": 0}, "layer": "below"}
            )  # fmt: skip
            annotations.append(
                {"x": middle, "y": 1.0, "xref": "paper", "yref": "paper", "text": text,
                 "xanchor": side, "xshift": -4 if side == "right" else 4, "showarrow": False,
                 "yanchor": "bottom", "font": {"size": 12, "color": "#555"}}
            )  # fmt: skip
    measured = np.concatenate([c.error[np.isfinite(c.error) & (c.error > 0)] for c in sweep.curves])
    y_range = None
    if measured.size:  # frame the measured curves; the models may run far off the top
        low = measured.min()
        if sweep.rounding is not None and sweep.precision != "float64":
            low = min(low, sweep.rounding)  # the rounding line stays in view
        y_range = [np.log10(max(low, FLOOR)) - 0.5, np.log10(measured.max()) + 0.5]
    return figure_from_traces(
        traces,
        xaxis={"type": "log", "title": {"text": "step h"}, "exponentformat": "power",
               "range": list(axis)},
        yaxis={"type": "log", "title": {"text": "|FD − exact|"}, "exponentformat": "power",
               "range": y_range},
        shapes=shapes, annotations=annotations, height=520,
        legend={"orientation": "h", "y": -0.2}, margin={"l": 10, "r": 10, "t": 56, "b": 10},
        uirevision="fd-lab",
    )  # fmt: skip


def stencil_figure(view: StencilView, order: int) -> go.Figure:
    """f near x0, the stencil's points, the polynomial through them, and for f′ the lines."""
    traces = [
        {"type": "scatter", "x": view.xs, "y": _finite(view.f), "name": "f", "mode": "lines",
         "line": {"color": "#0072B2", "width": 3}},
        {"type": "scatter", "x": view.xs, "y": _finite(view.polynomial),
         "name": "polynomial through the points", "mode": "lines",
         "line": {"color": "#D55E00", "dash": "dash"}},
        {"type": "scatter", "x": view.points_x, "y": _finite(view.points_y),
         "name": "stencil points", "mode": "markers",
         "marker": {"color": "#D55E00", "size": 11, "line": {"color": "white", "width": 1}}},
    ]  # fmt: skip
    if order == 1:
        x0 = float(np.mean([view.xs[0], view.xs[-1]]))
        for slope, name, colour, dash in (
            (view.estimate, "line with the estimated slope", "#D55E00", "dot"),
            (view.exact, "tangent (exact slope)", "#000000", "dashdot"),
        ):
            line = view.value_at_x0 + slope * (view.xs - x0)
            traces.append(
                {"type": "scatter", "x": view.xs, "y": _finite(line), "name": name,
                 "mode": "lines", "line": {"color": colour, "width": 1.5, "dash": dash}}
            )  # fmt: skip
    finite = view.f[np.isfinite(view.f)]
    y_range = None
    if finite.size:
        low, high = float(finite.min()), float(finite.max())
        pad = 0.25 * max(high - low, 1e-9)
        y_range = [low - pad, high + pad]
    return figure_from_traces(
        traces,
        xaxis={"title": {"text": "x"}}, yaxis={"title": {"text": "f(x)"}, "range": y_range},
        height=420, legend={"orientation": "h", "y": -0.25},
        margin={"l": 10, "r": 10, "t": 30, "b": 10}, uirevision="stencil",
    )  # fmt: skip
