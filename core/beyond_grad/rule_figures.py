"""Figures of the custom-rule sections: softplus's gradient, the TD update, round(x)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go

from core.figures.plotting import figure_from_traces, for_screen, masked

if TYPE_CHECKING:
    from core.beyond_grad.custom_rules import SoftplusComparison
    from core.beyond_grad.stop_gradient import TDUpdate
    from core.beyond_grad.straight_through import RoundingPicture

# Okabe-Ito, safe for colour-blind readers; lines that meet also differ by dash or width,
# and bars by a hatch.
BLUE, VERMILLION, PURPLE, BLACK = "#0072B2", "#D55E00", "#CC79A7", "#000000"
HEIGHT = 400
MARGIN = {"l": 10, "r": 10, "t": 50, "b": 10}
LEGEND = {"orientation": "h", "y": -0.2}
WRONG_RELATIVE = 1e-3  # a finite naive gradient this far from σ(x) is called wrong
MAX_JUMP_MARKERS = 100
NO_THINNING = 1_000_000  # for_screen only compacts: thinning would close the gaps at jumps


def softplus_figure(comparison: SoftplusComparison) -> go.Figure:
    """The gradient of log(1 + eˣ) against x: naive, by the custom rule, and exact σ(x).

    Where the naive gradient is not finite it leaves a gap; a dotted vertical line marks
    the first such grid point, with the annotation "naive gradient = nan from x ≈ …".
    """
    xs, naive, exact = comparison.xs, comparison.naive, comparison.exact
    hover = "x = %{x:.6g}<br>gradient = %{y:.8g}<extra>%{fullData.name}</extra>"
    traces = [
        {"type": "scatter", "x": xs, "y": masked(naive), "mode": "lines", "hovertemplate": hover,
         "name": "naive: jax.grad of log(1 + exp(x))", "line": {"color": VERMILLION, "width": 4}},
        {"type": "scatter", "x": xs, "y": masked(comparison.custom), "mode": "lines",
         "name": "custom_jvp rule: stable σ(x)", "hovertemplate": hover,
         "line": {"color": BLUE, "width": 2, "dash": "dash"}},
        {"type": "scatter", "x": xs, "y": masked(exact), "mode": "lines", "hovertemplate": hover,
         "name": "exact σ(x) = 1/(1 + e⁻ˣ)", "line": {"color": BLACK, "width": 1.5, "dash": "dot"}},
    ]  # fmt: skip
    shapes, annotations = [], []
    breaks_at = comparison.breaks_at
    if math.isfinite(breaks_at):
        text = f"naive gradient = nan from x ≈ {breaks_at:.4g}"
        wrong = np.isfinite(naive) & (np.abs(naive - exact) > WRONG_RELATIVE * np.abs(exact))
        wrong_before = np.flatnonzero(wrong & (xs < breaks_at))
        if wrong_before.size:  # eˣ's reciprocal underflows to 0 just before eˣ overflows
            text += f"<br>(already wrong from x ≈ {xs[wrong_before[0]]:.4g})"
        shapes.append(
            {"type": "line", "x0": breaks_at, "x1": breaks_at, "yref": "paper", "y0": 0, "y1": 1,
             "line": {"color": VERMILLION, "width": 1.5, "dash": "dot"}}
        )  # fmt: skip
        annotations.append(
            {"x": breaks_at, "y": 0.5, "yref": "y", "text": text, "showarrow": False,
             "xanchor": "right", "align": "right", "font": {"color": VERMILLION}}
        )  # fmt: skip
    title = f"The gradient of log(1 + eˣ) in {comparison.dtype}"
    figure = figure_from_traces(
        traces, height=HEIGHT, margin=MARGIN, legend=LEGEND, shapes=shapes,
        annotations=annotations, title={"text": title},
        xaxis_title="x", yaxis_title="d/dx log(1 + eˣ)", yaxis_range=[-0.05, 1.1],
    )  # fmt: skip
    return for_screen(figure, NO_THINNING)


def td_figure(update: TDUpdate) -> go.Figure:
    """Grouped bars per component of θ: the gradient with stop_gradient and without."""
    components = [f"∂L/∂θ{'₁₂₃₄₅₆₇₈₉'[i]}" for i in range(len(update.semi_gradient))]
    bar = {"type": "bar", "x": components, "texttemplate": "%{y:.3g}", "textposition": "outside",
           "hovertemplate": "%{x} = %{y:.6g}<extra>%{fullData.name}</extra>"}  # fmt: skip
    traces = [
        {**bar, "y": masked(update.semi_gradient), "marker": {"color": BLUE},
         "name": "with stop_gradient (semi-gradient −δ·s_prev)"},
        {**bar, "y": masked(update.full_gradient),
         "marker": {"color": VERMILLION, "pattern": {"shape": "/", "fgcolor": "white"}},
         "name": "without (full gradient δ·(s − s_prev))"},
    ]  # fmt: skip
    values = np.concatenate([update.semi_gradient, update.full_gradient])
    reach = float(np.abs(values[np.isfinite(values)]).max(initial=0.0)) or 1.0
    title = f"∂L/∂θ with and without stop_gradient (TD error δ = {update.td_error:.4g})"
    figure = figure_from_traces(
        traces, height=HEIGHT, margin=MARGIN, legend=LEGEND, barmode="group", title={"text": title},
        xaxis_title="component of θ", yaxis_title="∂L/∂θᵢ",
        yaxis_range=[-1.25 * reach, 1.25 * reach],  # room for the labels outside the bars
    )  # fmt: skip
    return for_screen(figure, NO_THINNING)


def rounding_figure(picture: RoundingPicture) -> go.Figure:
    """round(x) as a staircase, with its derivative by `jax.grad` (0) and by the estimator (1).

    The staircase is broken at its jumps (no vertical risers), and the jumps x = k + ½
    inside the range are marked on the zero line: there round has no derivative at all.
    """
    xs, rounded = picture.xs, picture.rounded
    rises = np.flatnonzero(np.diff(rounded) != 0) + 1
    stairs_x = np.insert(xs, rises, 0.5 * (xs[rises - 1] + xs[rises]))
    stairs_y = np.insert(np.asarray(rounded, dtype=np.float64), rises, np.nan)
    traces = [
        {"type": "scatter", "x": stairs_x, "y": stairs_y, "mode": "lines", "name": "round(x)",
         "line": {"color": BLUE, "width": 2.5}},
        {"type": "scatter", "x": xs, "y": masked(picture.true_derivative), "mode": "lines",
         "name": "jax.grad(round): 0", "line": {"color": VERMILLION, "width": 3}},
        {"type": "scatter", "x": xs, "y": masked(picture.ste_derivative), "mode": "lines",
         "name": "straight-through: 1", "line": {"color": PURPLE, "width": 3, "dash": "dash"}},
    ]  # fmt: skip
    low, high = float(xs[0]), float(xs[-1])
    first, last = math.ceil(low - 0.5), math.floor(high - 0.5)
    jumps = []
    if last - first < MAX_JUMP_MARKERS:  # a wide range would be a forest of markers
        jumps = [k + 0.5 for k in range(first, last + 1) if low < k + 0.5 < high]
    if jumps:
        traces.append(
            {"type": "scatter", "x": jumps, "y": [0.0] * len(jumps), "mode": "markers",
             "name": "jumps: no derivative",
             "marker": {"color": BLACK, "size": 9, "symbol": "circle-open"}}
        )  # fmt: skip
    figure = figure_from_traces(
        traces, height=HEIGHT, margin=MARGIN, legend=LEGEND,
        title={"text": "round(x) and its two “derivatives”"},
        xaxis_title="x", yaxis_title="value",
    )  # fmt: skip
    return for_screen(figure, NO_THINNING)
