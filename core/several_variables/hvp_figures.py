"""The Hessian-vector products section's figure: measured time against n, both ways, log-log.

Each way is drawn as its measurements (markers and a line) and as the straight line of
its fitted slope over the sizes it was fitted to (dotted), named with the slope, so the
chart shows where the slope was read and what it is.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.figures.plotting import OKABE_ITO, figure_from_traces
from core.several_variables.hvp_cost import HvpCost

PRODUCT_COLOUR = OKABE_ITO["blue"]
FORMED_COLOUR = OKABE_ITO["vermillion"]
HEIGHT = 440


def _fit_line(sizes, seconds, fitted: tuple[int, ...], slope: float) -> tuple[list, np.ndarray]:
    """The fitted power law c n^slope through the measurements at the `fitted` sizes."""
    chosen = [(n, t) for n, t in zip(sizes, seconds, strict=True) if n in fitted]
    logs = np.log([t for _, t in chosen]) - slope * np.log([n for n, _ in chosen])
    scale = float(np.exp(np.mean(logs)))
    xs = [min(fitted), max(fitted)]
    return xs, 1e3 * scale * np.asarray(xs, float) ** slope


def cost_figure(cost: HvpCost) -> go.Figure:
    """Milliseconds of H v by forward-over-reverse and by forming H, against n (log-log)."""
    points = sorted(cost.points)
    sizes = [p.n for p in points]
    formed = [(p.n, p.formed_seconds) for p in points if np.isfinite(p.formed_seconds)]
    traces = [
        {"type": "scatter", "x": sizes, "y": 1e3 * np.array([p.product_seconds for p in points]),
         "name": "H v by forward-over-reverse (HVP)", "mode": "lines+markers",
         "line": {"color": PRODUCT_COLOUR, "width": 2},
         "marker": {"symbol": "circle", "size": 8},
         "hovertemplate": "n = %{x}: %{y:.3g} ms<extra></extra>"},
        {"type": "scatter", "x": [n for n, _ in formed],
         "y": 1e3 * np.array([t for _, t in formed]),
         "name": "form H (jax.hessian), then H @ v", "mode": "lines+markers",
         "line": {"color": FORMED_COLOUR, "width": 2, "dash": "dash"},
         "marker": {"symbol": "square", "size": 8},
         "hovertemplate": "n = %{x}: %{y:.3g} ms<extra></extra>"},
    ]  # fmt: skip
    for name, colour, xs_ys, fitted, slope in (
        ("HVP", PRODUCT_COLOUR, (sizes, [p.product_seconds for p in points]),
         cost.product_fit, cost.product_slope),
        ("forming H", FORMED_COLOUR, tuple(zip(*formed, strict=True)),
         cost.formed_fit, cost.formed_slope),
    ):  # fmt: skip
        xs, ys = _fit_line(*xs_ys, fitted, slope)
        traces.append(
            {"type": "scatter", "x": xs, "y": ys, "mode": "lines",
             "name": f"{name}: fitted slope {slope:.2f}",
             "line": {"color": colour, "width": 4, "dash": "dot"}, "opacity": 0.55,
             "hoverinfo": "skip"}
        )  # fmt: skip
    log = {"type": "log", "dtick": 1}
    return figure_from_traces(
        traces, height=HEIGHT,
        xaxis={"title": {"text": "number of variables n"}, **log},
        yaxis={"title": {"text": "time (ms, measured on this server)"}, **log},
        legend={"orientation": "h", "x": 0.5, "xanchor": "center", "y": -0.2, "yanchor": "top"},
        margin={"l": 10, "r": 10, "t": 10, "b": 10}, uirevision="hvp-cost",
    )  # fmt: skip
