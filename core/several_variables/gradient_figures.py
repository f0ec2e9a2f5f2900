"""Figures of the "Several variables" page: the gradient field over f's contours, the
tangent plane in 3-D, and f along a line through p with its tangent line.

∇f(p) points the way f climbs fastest and is perpendicular to the contour through p,
which only looks so when x and y have the same scale: the contour figure fixes the
aspect ratio. Arrows are line segments (shaft and two barbs) in one trace, separated by
nan gaps, so a field of 15 × 15 arrows costs one trace of float64 arrays, not 225 Plotly
annotations (and no `plotly.figure_factory`, which is slow).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from core.descent.figures import CONTOUR_FILL, CONTOUR_LINE
from core.figures.plotting import FLOAT32_LIMIT, figure_from_traces, masked, robust_range
from core.several_variables.directional import TangentPlane
from core.several_variables.fields import GradientField

# Okabe-Ito colours, safe for colour-blind readers, one role each.
FIELD_COLOUR = "rgba(0, 114, 178, 0.6)"  # blue, translucent: the field is background
GRADIENT_COLOUR = "#D55E00"  # vermillion
DIRECTION_COLOUR = "#000000"  # black and dashed: told from ∇f by more than red against green
POINT_COLOUR = "#000000"
PLANE_COLOUR = "#E69F00"  # orange
SURFACE_COLOURS = [[0.0, "#3B4E66"], [0.5, "#8A9BB0"], [1.0, "#E3E8EE"]]  # muted slate
# kind -> (legend name, colour, marker symbol)
MARK_STYLES = {
    "minimum": ("local minimum", "#E69F00", "star"),
    "maximum": ("local maximum", "#CC79A7", "triangle-up"),
    "saddle": ("saddle point", "#56B4E9", "x"),
    "degenerate": ("degenerate (second-derivative test fails)", "#F0E442", "square"),
}
CLICK_NAME = "click to move the point"
CLICK_GRID = 31  # clickable points per axis
FIELD_FILL = 0.9  # the longest arrow is this fraction of the arrow spacing
BOLD_FRACTION = 0.2  # ∇f(p) and u are drawn this fraction of the window's shorter side long
HEAD_FRACTION = 0.3  # barb length as a fraction of the arrow's length
HEAD_ANGLE = math.radians(25)
OUTLIER_FACTOR = 1.5  # |∇f| beyond 1.5 × its 90th percentile (near a pole) is capped
PLANE_PATCH = 0.3  # the tangent plane is drawn within 0.3 of the window's width of p
HEIGHT = 520
MARGIN = {"l": 10, "r": 10, "t": 40, "b": 10}


def gradient_figure(
    field: GradientField,
    point: Sequence[float],
    gradient: Sequence[float],
    direction: Sequence[float] | None = None,
    marks: Sequence[tuple[float, float, str]] = (),
    title: str | None = None,
) -> go.Figure:
    """Contours of f, its gradient field, p with ∇f(p) and a direction u, and marked points.

    Field arrows are proportional to |∇f|, the longest 0.9 of the arrow spacing; where a
    few are far longer than the rest (beyond 1.5 × the 90th percentile: near a pole, on
    Rosenbrock's walls), those are capped at that length, so that they do not shrink all
    the others to dots. For a bowl, a saddle, sin x cos y or exp(x) nothing is capped.
    ∇f(p) and u are drawn at one fixed length, so the angle between them reads at a glance.

    Args:
        field: from `gradient_field`.
        point: p = (x, y).
        gradient: ∇f(p), two numbers (drawn from p; nothing is drawn if zero or not finite).
        direction: a 2-vector u (normalised here), or None for no direction arrow.
        marks: stationary points as (x, y, kind), kind one of MARK_STYLES.
        title: a figure title, or None.

    Returns:
        The figure; its trace named CLICK_NAME is an invisible grid of markers, so a
        click selects a point (x, y) there.

    Raises:
        ValueError: for an unknown kind of mark or a zero direction.
    """
    xs, ys = field.xs, field.ys
    span = min(xs[-1] - xs[0], ys[-1] - ys[0])
    traces = [_contour_trace(field), _click_trace(field), _field_trace(field)]
    for kind, (name, colour, symbol) in MARK_STYLES.items():
        chosen = _marks_of_kind(marks, kind)
        if chosen.size:
            traces.append(
                {"type": "scatter", "x": chosen[:, 0], "y": chosen[:, 1], "mode": "markers",
                 "name": name, "marker": {"color": colour, "size": 15, "symbol": symbol,
                                          "line": {"color": "black", "width": 1}},
                 "hovertemplate": f"{name} (%{{x:.4g}}, %{{y:.4g}})<extra></extra>"}
            )  # fmt: skip
    p = np.asarray(point, dtype=np.float64)
    g = np.asarray(gradient, dtype=np.float64)
    g_length = float(np.hypot(*g)) if np.isfinite(g).all() else 0.0
    name = "∇f(p)" if g_length > 0 else "∇f(p) = 0" if np.isfinite(g).all() else "∇f(p) undefined"
    traces.append(
        _bold_arrow(p, g, span, name, GRADIENT_COLOUR,
                    f"∇f(p) = ({g[0]:.4g}, {g[1]:.4g}), |∇f(p)| = {g_length:.4g}")
    )  # fmt: skip
    if direction is not None:
        u = _unit_2d(direction)
        traces.append(
            _bold_arrow(p, u, span, "direction u", DIRECTION_COLOUR,
                        f"u = ({u[0]:.3f}, {u[1]:.3f})", dash="dash")
        )  # fmt: skip
    traces.append(
        {"type": "scatter", "x": p[:1], "y": p[1:2], "mode": "markers", "name": "p",
         "marker": {"color": POINT_COLOUR, "size": 13, "line": {"color": "white", "width": 2}},
         "hovertemplate": "p = (%{x:.4g}, %{y:.4g})<extra></extra>"}
    )  # fmt: skip
    layout = {"title": {"text": title, "x": 0.5}} if title else {}
    return figure_from_traces(
        traces, height=HEIGHT, margin=MARGIN,
        xaxis={"range": [float(xs[0]), float(xs[-1])], "title": {"text": "x"},
               "constrain": "domain"},
        yaxis={"range": [float(ys[0]), float(ys[-1])], "title": {"text": "y"},
               "scaleanchor": "x", "scaleratio": 1, "constrain": "domain"},
        legend={"orientation": "h", "y": -0.15}, uirevision="gradient-field",
        clickmode="event+select", **layout,
    )  # fmt: skip


def tangent_plane_figure(plane: TangentPlane) -> go.Figure:
    """The surface z = f(x, y), its tangent plane at p (translucent) and the point p, in 3-D.

    The plane is drawn on a patch around p (PLANE_PATCH of the window each way: it is a
    local approximation) and cut off where it leaves the surface's height range (robustly,
    so that a pole does not flatten the picture), which keeps both in view. Its grids are already
    float32; do not pass it to core.figures.plotting.for_screen (3-D surfaces have no x0, dx).
    """
    low, high = robust_range([plane.surface.ravel()]) or [plane.value - 1.0, plane.value + 1.0]
    limits = [min(low, plane.value), max(high, plane.value)]
    surface, tangent = masked(plane.surface), masked(plane.plane)
    surface[(surface < limits[0]) | (surface > limits[1])] = np.nan
    tangent[(tangent < limits[0]) | (tangent > limits[1])] = np.nan
    xs, ys, p = plane.xs, plane.ys, plane.point
    far_x = np.abs(xs - p[0]) > PLANE_PATCH * (xs[-1] - xs[0])
    far_y = np.abs(ys - p[1]) > PLANE_PATCH * (ys[-1] - ys[0])
    tangent[far_y[:, None] | far_x[None, :]] = np.nan
    value, g = plane.value, plane.gradient
    traces = [
        {"type": "surface", "x": plane.xs, "y": plane.ys, "z": _screen_grid(surface),
         "name": "f(x, y)", "colorscale": SURFACE_COLOURS, "showscale": False, "showlegend": True,
         "hovertemplate": "f(%{x:.3g}, %{y:.3g}) = %{z:.4g}<extra></extra>"},
        {"type": "surface", "x": plane.xs, "y": plane.ys, "z": _screen_grid(tangent),
         "name": "tangent plane", "colorscale": [[0.0, PLANE_COLOUR], [1.0, PLANE_COLOUR]],
         "opacity": 0.55, "showscale": False, "showlegend": True,
         "hovertemplate": "tangent plane %{z:.4g}<extra></extra>"},
        {"type": "scatter3d", "x": p[:1], "y": p[1:2], "z": np.array([value]), "mode": "markers",
         "name": f"p, f(p) = {value:.4g}",
         "marker": {"color": POINT_COLOUR, "size": 7, "line": {"color": "white", "width": 2}},
         "hovertemplate": f"p = ({p[0]:.4g}, {p[1]:.4g}), f(p) = {value:.4g}, "
                          f"∇f(p) = ({g[0]:.4g}, {g[1]:.4g})<extra></extra>"},
    ]  # fmt: skip
    return figure_from_traces(
        traces, height=HEIGHT, margin={"l": 0, "r": 0, "t": 30, "b": 0},
        scene={"xaxis": {"title": {"text": "x"}}, "yaxis": {"title": {"text": "y"}},
               "zaxis": {"title": {"text": "f(x, y)"}, "range": limits},
               "aspectmode": "manual", "aspectratio": {"x": 1, "y": 1, "z": 0.7},
               "camera": {"eye": {"x": 1.5, "y": -1.6, "z": 0.9}}},
        legend={"orientation": "h", "y": -0.05}, uirevision="tangent-plane",
    )  # fmt: skip


def directional_slice_figure(
    t: np.ndarray, values: np.ndarray, value: float, slope: float, title: str | None = None
) -> go.Figure:
    """f along the line t -> f(p + t u), its tangent line f(p) + t · D_u f(p), and p at t = 0.

    Args:
        t, values: from `directional_slice`.
        value: f(p).
        slope: D_u f(p), e.g. `directional_derivative(...).by_jvp`.
        title: a figure title, or None.
    """
    t = np.asarray(t, dtype=np.float64)
    line = value + slope * t if math.isfinite(slope) else np.full_like(t, np.nan)
    traces = [
        {"type": "scatter", "x": t, "y": masked(values), "mode": "lines",
         "name": "f(p + t u)", "line": {"color": "#0072B2", "width": 2.5}},
        {"type": "scatter", "x": t, "y": masked(line), "mode": "lines",
         "name": f"tangent line, slope D_u f(p) = {slope:.4g}",
         "line": {"color": GRADIENT_COLOUR, "width": 2, "dash": "dash"}},
        {"type": "scatter", "x": np.zeros(1), "y": np.array([value], dtype=np.float64),
         "mode": "markers", "name": "p (t = 0)", "marker": {"color": POINT_COLOUR, "size": 11}},
    ]  # fmt: skip
    layout = {"title": {"text": title, "x": 0.5}} if title else {}
    y_range = robust_range([np.asarray(values, dtype=np.float64), np.array([value])])
    if y_range is not None:
        layout["yaxis_range"] = y_range
    return figure_from_traces(
        traces, height=420, margin=MARGIN, xaxis_title="t (distance along u)",
        yaxis_title="f(p + t u)", legend={"orientation": "h", "y": -0.2},
        uirevision="directional-slice", **layout,
    )  # fmt: skip


# -- pieces ----------------------------------------------------------------------------


def _contour_trace(field: GradientField) -> dict:
    # A pale fill and thin grey lines, as on the descent page: the arrows stay on top.
    return {
        "type": "contour", "x": field.xs, "y": field.ys, "z": _screen_grid(field.z),
        "colorscale": CONTOUR_FILL, "ncontours": 25, "showscale": False,
        "contours": {"coloring": "fill"}, "line": {"color": CONTOUR_LINE, "width": 0.6},
        "hoverinfo": "skip", "name": "f",
    }  # fmt: skip


def _click_trace(field: GradientField) -> dict:
    """Invisible markers on a subgrid of the contour grid, showing f where the mouse is."""
    columns = np.unique(np.linspace(0, len(field.xs) - 1, CLICK_GRID).round().astype(int))
    rows = np.unique(np.linspace(0, len(field.ys) - 1, CLICK_GRID).round().astype(int))
    grid_x, grid_y = np.meshgrid(field.xs[columns], field.ys[rows])
    return {
        "type": "scatter", "x": grid_x.ravel(), "y": grid_y.ravel(), "mode": "markers",
        "marker": {"size": 14, "opacity": 0.0}, "name": CLICK_NAME, "showlegend": False,
        "customdata": _screen_grid(field.z[np.ix_(rows, columns)].ravel()),
        "hovertemplate": "(%{x:.3g}, %{y:.3g}): f = %{customdata:.4g}<extra>click to move p"
                         "</extra>",
    }  # fmt: skip


def _field_trace(field: GradientField) -> dict:
    spacing = min(_spacing(field.arrow_x), _spacing(field.arrow_y))
    dx, dy = field.gx, field.gy
    lengths = np.hypot(dx, dy)
    drawn = np.isfinite(lengths) & (lengths > 0)
    x, y = np.empty(0), np.empty(0)
    if drawn.any():
        kept = lengths[drawn]
        reference = min(float(kept.max()), OUTLIER_FACTOR * float(np.percentile(kept, 90)))
        shown = np.minimum(kept / reference, 1.0) * FIELD_FILL * spacing
        scale = shown / kept
        x, y = _arrows(field.arrow_x[drawn], field.arrow_y[drawn], dx[drawn] * scale,
                       dy[drawn] * scale)  # fmt: skip
    # Invisible "markers" tell core.figures.plotting.for_screen this is no curve to thin out.
    return {
        "type": "scatter", "x": x, "y": y, "mode": "lines+markers", "name": "∇f (field)",
        "line": {"color": FIELD_COLOUR, "width": 1.2}, "marker": {"size": 1, "opacity": 0.0},
        "hoverinfo": "skip",
    }  # fmt: skip


def _bold_arrow(p, vector, span: float, name: str, colour: str, hover: str, dash="solid") -> dict:
    x, y = np.empty(0), np.empty(0)
    length = float(np.hypot(*vector)) if np.isfinite(vector).all() else 0.0
    if length > 0:
        step = vector / length * BOLD_FRACTION * span
        x, y = _arrows(p[:1], p[1:2], step[:1], step[1:2])
    return {
        "type": "scatter", "x": x, "y": y, "mode": "lines", "name": name,
        "line": {"color": colour, "width": 3.5, "dash": dash},
        "hovertemplate": f"{hover}<extra></extra>",
    }  # fmt: skip


def _arrows(x, y, dx, dy) -> tuple[np.ndarray, np.ndarray]:
    """Arrows from (x, y) to (x + dx, y + dy) as one polyline each: tail, tip, left barb,
    tip, right barb, then a nan gap; all arrows in two float64 arrays."""
    tip_x, tip_y = x + dx, y + dy
    back = np.arctan2(-dy, -dx)  # from the tip back along the shaft
    barb = HEAD_FRACTION * np.hypot(dx, dy)
    left_x, left_y = (
        tip_x + barb * np.cos(back + HEAD_ANGLE),
        tip_y + barb * np.sin(back + HEAD_ANGLE),
    )
    right_x, right_y = (
        tip_x + barb * np.cos(back - HEAD_ANGLE),
        tip_y + barb * np.sin(back - HEAD_ANGLE),
    )
    gap = np.full_like(x, np.nan)
    xs = np.stack([x, tip_x, left_x, tip_x, right_x, gap], axis=1).ravel()
    ys = np.stack([y, tip_y, left_y, tip_y, right_y, gap], axis=1).ravel()
    return xs, ys


def _screen_grid(values: np.ndarray) -> np.ndarray:
    """A grid of values as the browser needs it: nan for non-finite, float32 where it fits.

    core.figures.plotting.for_screen compacts x and y only; a 101 × 101 grid is 10,201 numbers,
    which float32 halves (7 digits are plenty for contours and surfaces).
    """
    shown = masked(values)
    finite = shown[np.isfinite(shown)]
    if finite.size and np.abs(finite).max() >= FLOAT32_LIMIT:
        return shown
    return shown.astype(np.float32)


def _spacing(tails: np.ndarray) -> float:
    positions = np.unique(tails)
    return float(np.diff(positions).min()) if len(positions) > 1 else 1.0


def _marks_of_kind(marks, kind: str) -> np.ndarray:
    chosen = []
    for mark in marks:
        x, y, mark_kind = mark
        if mark_kind not in MARK_STYLES:
            raise ValueError(
                f"A mark's kind must be one of {', '.join(MARK_STYLES)}; got {mark_kind!r}."
            )
        if mark_kind == kind:
            chosen.append((float(x), float(y)))
    return np.array(chosen, dtype=np.float64).reshape(-1, 2)


def _unit_2d(direction) -> np.ndarray:
    u = np.asarray(direction, dtype=np.float64).reshape(-1)
    length = float(np.hypot(*u)) if u.shape == (2,) and np.isfinite(u).all() else 0.0
    if length == 0:
        raise ValueError(
            "The direction must be two finite numbers, not the zero vector; got "
            f"{np.asarray(direction).tolist()}."
        )
    return u / length
