"""The Jacobian as a picture: the input plane at p beside the output plane at f(p).

Left, the input plane: p, the tangent v as an arrow from p, the pulled-back covector uᵀJ
as an arrow from p (a covector drawn as the vector of its coefficients), and a circle
around p. Right, the output plane: f(p), the pushed-forward J v and the covector u as
arrows from f(p), and the circle's image under f and under the linearisation
f(p) + J (q − p). Both planes keep x and y at the same scale, so angles and lengths
read true: the linearisation maps the arrow p → p + v exactly onto f(p) → f(p) + J v,
and the circle onto an ellipse that f's image nearly follows for a small radius.

Arrows are a shaft and two barbs in one line trace each (no annotations), so each has
its legend entry; each panel's range is set to hold everything drawn in it.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from core.figures.plotting import figure_from_traces, masked
from core.several_variables.linear_maps import PLANE_EXAMPLE, CircleImage, PushPull

# Okabe-Ito colours, safe for colour-blind readers: blue for the tangent and its push,
# vermillion for the covector and its pull, green and purple for the two images.
TANGENT_COLOUR = "#0072B2"
COVECTOR_COLOUR = "#D55E00"
IMAGE_COLOUR = "#009E73"
LINEAR_COLOUR = "#CC79A7"
CIRCLE_COLOUR = "#555555"
POINT_COLOUR = "#000000"
HEAD_FRACTION = 0.25  # barb length as a fraction of the arrow's length ...
HEAD_SPAN = 0.04  # ... but at least this fraction of the panel, so short arrows show
HEAD_ANGLE = math.radians(25)
GAP = 0.1  # between the two panels, as a fraction of the figure's width
PAD = 0.12  # around the drawn things in each panel, as a fraction of their extent
HEIGHT = 480
NAMES = {
    "point": "p",
    "tangent": "v (tangent)",
    "pulled": "uᵀJ (pulled back)",
    "circle": "circle around p",
    "value": "f(p)",
    "pushed": "J v (pushed forward)",
    "cotangent": "u (covector)",
    "image": "f(circle)",
    "linear": "f(p) + J(q − p)",
}


def push_pull_figure(
    result: PushPull,
    circle: CircleImage | None = None,
    variables: tuple[str, str] = ("x", "y"),
) -> go.Figure:
    """Two panels side by side: the input plane around p and the output plane around f(p).

    Args:
        result: from `push_and_pull`, for a map of the plane to the plane.
        circle: from `circle_image` at the same point, or None for the arrows alone.
        variables: the names of the input coordinates, for the left panel's axes.

    Returns:
        The figure: traces named as in NAMES, the input plane on axes (x, y), the output
        plane on (x2, y2), each with equal scales.

    Raises:
        ValueError: if f does not map the plane to the plane, or `circle` is around
            another point.
    """
    if result.point.shape != (2,) or result.value.shape != (2,):
        m, d = len(result.value), len(result.point)
        raise ValueError(
            f"The pictures need a map of the plane to the plane: f maps {d} variable"
            f"{'s' * (d != 1)} to {m} component{'s' * (m != 1)}; type two components of "
            f"two variables, as {PLANE_EXAMPLE}."
        )
    if circle is not None and not np.allclose(circle.point, result.point):
        raise ValueError(
            "The circle must be around the point the arrows start from: compute both at "
            "the same point."
        )
    p, fp = result.point, result.value
    with_circle = circle is not None
    left_traces, left_range = _panel(
        p, NAMES["point"],
        [(result.tangent, NAMES["tangent"], TANGENT_COLOUR),
         (result.pulled, NAMES["pulled"], COVECTOR_COLOUR)],
        [(circle.circle, NAMES["circle"], CIRCLE_COLOUR, "solid")] if with_circle else [],
        "",
    )  # fmt: skip
    right_traces, right_range = _panel(
        fp, NAMES["value"],
        [(result.pushed, NAMES["pushed"], TANGENT_COLOUR),
         (result.cotangent, NAMES["cotangent"], COVECTOR_COLOUR)],
        [(circle.image, NAMES["image"], IMAGE_COLOUR, "solid"),
         (circle.linear, NAMES["linear"], LINEAR_COLOUR, "dash")] if with_circle else [],
        "2",
    )  # fmt: skip
    half = (1.0 - GAP) / 2
    first, second = variables
    return figure_from_traces(
        left_traces + right_traces, height=HEIGHT,
        xaxis={"domain": [0.0, half], "range": left_range[0], "title": {"text": first},
               "constrain": "domain", "zeroline": False},
        yaxis={"range": left_range[1], "title": {"text": second}, "scaleanchor": "x",
               "scaleratio": 1, "constrain": "domain", "zeroline": False},
        xaxis2={"domain": [half + GAP, 1.0], "range": right_range[0], "anchor": "y2",
                "title": {"text": "f₁"}, "constrain": "domain", "zeroline": False},
        yaxis2={"range": right_range[1], "anchor": "x2", "title": {"text": "f₂"},
                "scaleanchor": "x2", "scaleratio": 1, "constrain": "domain",
                "zeroline": False},
        annotations=[
            _panel_title(f"input plane ({first}, {second})", half / 2),
            _panel_title("output plane (f₁, f₂)", half + GAP + half / 2),
        ],
        legend={"orientation": "h", "x": 0.5, "xanchor": "center", "y": -0.16,
                "yanchor": "top", "groupclick": "toggleitem"},
        margin={"l": 10, "r": 10, "t": 40, "b": 10}, uirevision="push-pull",
    )  # fmt: skip


def _panel(centre, centre_name, arrows, curves, suffix) -> tuple[list[dict], tuple]:
    """One plane's traces, drawn curves first and the centre's marker on top, listed in
    the legend as one group, centre first; and the (x, y) ranges that hold them."""
    drawn = [centre] + [centre + vector for vector, _, _ in arrows]
    drawn += [points for points, *_ in curves]
    ranges = _ranges(np.vstack(drawn))
    group = "output" if suffix else "input"
    axes = {"xaxis": f"x{suffix}", "yaxis": f"y{suffix}", "legendgroup": group}
    traces = [_curve(points, name, colour, dash) for points, name, colour, dash in curves]
    traces += [_arrow(centre, vector, name, colour, ranges) for vector, name, colour in arrows]
    traces.append(_marker(centre, centre_name))
    order = [centre_name, *(name for _, name, _ in arrows), *(name for _, name, *_ in curves)]
    offset = 10 if suffix else 0  # the input plane's entries first
    for trace in traces:
        trace.update(axes, legendrank=offset + order.index(trace["name"]))
    traces[-1]["legendgrouptitle"] = {"text": f"{group} plane:"}
    return traces, ranges


def _arrow(tail, vector, name, colour, ranges) -> dict:
    """An arrow from `tail` to `tail + vector`: the shaft, then two barbs at the tip.

    A zero or undefined vector has no direction: it is drawn as its shaft alone.
    """
    tip = tail + vector
    xs, ys = [tail[0], tip[0]], [tail[1], tip[1]]
    length = math.hypot(*vector)
    if 0 < length < math.inf:
        span = min(high - low for low, high in ranges)
        barb = min(max(HEAD_FRACTION * length, HEAD_SPAN * span), 0.6 * length)
        back = math.atan2(-vector[1], -vector[0])  # from the tip back along the shaft
        for side in (HEAD_ANGLE, -HEAD_ANGLE):
            xs += [tip[0] + barb * math.cos(back + side), tip[0]]
            ys += [tip[1] + barb * math.sin(back + side), tip[1]]
    return {
        "type": "scatter", "x": masked(xs), "y": masked(ys), "mode": "lines", "name": name,
        "line": {"color": colour, "width": 3},
        "hovertemplate": f"{name}: ({vector[0]:.4g}, {vector[1]:.4g})<extra></extra>",
    }  # fmt: skip


def _curve(points, name, colour, dash) -> dict:
    return {
        "type": "scatter", "x": masked(points[:, 0]), "y": masked(points[:, 1]),
        "mode": "lines", "name": name, "line": {"color": colour, "width": 2, "dash": dash},
        "hoverinfo": "skip",
    }  # fmt: skip


def _marker(point, name) -> dict:
    return {
        "type": "scatter", "x": [float(point[0])], "y": [float(point[1])], "mode": "markers",
        "name": name, "marker": {"color": POINT_COLOUR, "size": 9},
        "hovertemplate": f"{name} = (%{{x:.4g}}, %{{y:.4g}})<extra></extra>",
    }  # fmt: skip


def _ranges(points: np.ndarray) -> tuple[list[float], list[float]]:
    """x and y ranges that hold every finite point with a margin, both of the same length,
    so that equal scales need no extension and each panel is square in data units."""
    finite = points[np.isfinite(points).all(axis=1)]
    if len(finite) == 0:
        return [-1.0, 1.0], [-1.0, 1.0]
    low, high = finite.min(axis=0), finite.max(axis=0)
    centre = (low + high) / 2
    # A single point (all arrows zero) still gets a window around it.
    half = max(float(np.max(high - low)) / 2, 1e-6 * (1.0 + float(np.max(np.abs(centre)))))
    half *= 1 + 2 * PAD
    return (
        [float(centre[0] - half), float(centre[0] + half)],
        [float(centre[1] - half), float(centre[1] + half)],
    )


def _panel_title(text: str, x: float) -> dict:
    return {
        "text": text, "x": x, "y": 1.0, "xref": "paper", "yref": "paper",
        "xanchor": "center", "yanchor": "bottom", "showarrow": False, "font": {"size": 14},
    }  # fmt: skip
