"""Figures of the "Beyond grad" page: the root x*(a) with its tangent, and expression swell.

Data in, Figure out: `root_figure` takes a `RootCurve` and a `RootReport`
(core.beyond_grad.root_comparison), `swell_figure` a `Swell` (core.beyond_grad.swell).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go

from core.figures.plotting import figure_from_traces, masked, robust_range

if TYPE_CHECKING:
    from core.beyond_grad.root_comparison import RootCurve, RootReport
    from core.beyond_grad.swell import Swell

# Okabe-Ito colours, safe for colour-blind readers, one role each.
CURVE_COLOUR = "#0072B2"  # blue
TANGENT_COLOUR = "#D55E00"  # vermillion
BISECTION_COLOUR = "#7F7F7F"  # grey: the wrong answer stays in the background
POINT_COLOUR = "#000000"
TANGENT_WINDOW = 0.4  # the tangent is drawn over ±0.4 of the curve's a-range around a
# (attribute of SwellRow, legend name, colour, dash)
SWELL_SERIES = (
    ("sympy_ops", "SymPy: the formula as a tree (count_ops)", "#D55E00", "solid"),
    ("sympy_cse_ops", "SymPy with shared subexpressions (cse)", "#E69F00", "dash"),
    ("jaxpr_equations", "JAX: nested jax.grad (jaxpr equations)", "#0072B2", "solid"),
    ("taylor_equations", "JAX: Taylor mode, jet (jaxpr equations)", "#009E73", "dash"),
)
HEIGHT = 440
MARGIN = {"l": 10, "r": 10, "t": 40, "b": 10}
LEGEND = {"orientation": "h", "y": -0.2}


def root_figure(
    curve: RootCurve, report: RootReport, unknown: str = "x", parameter: str = "a"
) -> go.Figure:
    """x*(a) against a, with the tangent line of slope dx*/da at the chosen a, the flat
    line of the slope `jax.grad` finds through a bisection, and the point (a, x*).

    Args:
        curve: the roots on a grid of a (nan where the bracket holds no root).
        report: the derivatives at the chosen a.
        unknown, parameter: the names of x and a, for the axes and the legend.
    """
    a, root = curve.value, report.root
    half = TANGENT_WINDOW * float(curve.values[-1] - curve.values[0])
    window = np.array([a - half, a + half])
    slope_name = f"d{unknown}*/d{parameter}"
    traces = [
        {"type": "scatter", "x": curve.values, "y": masked(curve.roots), "mode": "lines",
         "name": f"{unknown}*({parameter}), the root", "line": {"color": CURVE_COLOUR, "width": 2}},
        {"type": "scatter", "x": window, "y": root + report.implicit * (window - a),
         "mode": "lines", "name": f"tangent: {slope_name} = {report.implicit:.6g} (implicit)",
         "line": {"color": TANGENT_COLOUR, "width": 2, "dash": "dash"}},
        {"type": "scatter", "x": window, "y": root + report.through_bisection * (window - a),
         "mode": "lines", "name": f"grad through bisection: slope {report.through_bisection:.3g}",
         "line": {"color": BISECTION_COLOUR, "width": 2, "dash": "dot"}},
        {"type": "scatter", "x": [a], "y": [root], "mode": "markers",
         "name": f"({parameter}, {unknown}*) = ({a:.4g}, {root:.6g})",
         "marker": {"color": POINT_COLOUR, "size": 10}},
    ]  # fmt: skip
    layout = {"yaxis_range": robust_range([curve.roots, np.array([root])])}
    return figure_from_traces(
        traces, xaxis_title=parameter, yaxis_title=f"{unknown}*", height=HEIGHT, margin=MARGIN,
        legend=LEGEND, uirevision="root-curve", **{k: v for k, v in layout.items() if v},
    )  # fmt: skip


def swell_figure(swell: Swell) -> go.Figure:
    """The sizes of the k-th derivative against k on a log axis, one line per method.

    Missing sizes (past SymPy's budget, or nested grad past its cap) leave the line
    stopped; zero sizes (f = x has no operations) are not drawn on the log axis.
    """
    orders = np.array([row.order for row in swell.rows], dtype=np.float64)
    traces = []
    for attribute, name, colour, dash in SWELL_SERIES:
        sizes = np.array(
            [np.nan if (size := getattr(row, attribute)) is None or size <= 0 else size
             for row in swell.rows], dtype=np.float64,
        )  # fmt: skip
        traces.append(
            {"type": "scatter", "x": orders, "y": sizes, "mode": "lines+markers", "name": name,
             "line": {"color": colour, "width": 2, "dash": dash},
             "marker": {"color": colour, "size": 7},
             "hovertemplate": f"{name}<br>order %{{x}}: %{{y:,}}<extra></extra>"}
        )  # fmt: skip
    return figure_from_traces(
        traces, height=HEIGHT, margin=MARGIN, legend=LEGEND, uirevision="swell",
        xaxis={"title": {"text": "order k of the derivative"}, "dtick": 1},
        yaxis={"type": "log", "exponentformat": "power",
               "title": {"text": "size (operations or equations)"}},
    )  # fmt: skip
