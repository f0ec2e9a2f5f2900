"""Figures of the regression page: fitted lines and curves, loss histories, descent paths
over the loss surface, and logistic decision boundaries. Data in, Figure out."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.figures.plotting import figure_from_traces, masked
from core.regression.line_fit import LinearFits, LossGrid
from core.regression.logistic import LogisticComparison, decision_boundary
from core.regression.per_example import PerExampleTable
from core.regression.polynomial import PolynomialComparison

DATA_COLOUR = "#7F7F7F"
TRUTH_COLOUR = "#1F1F1F"
CLOSED_FORM_COLOUR = "#009E73"
FIXED_COLOUR = "#D55E00"
BB_COLOUR = "#0072B2"
CLASS_COLOURS = ("#E69F00", "#56B4E9")
CLASS_SYMBOLS = ("circle", "diamond")  # the classes differ by shape, not by colour alone
# Each descent keeps one line style on every plot, so it is told apart without colour.
DASHES = {FIXED_COLOUR: "dash", BB_COLOUR: "dashdot"}
FLOOR = 1e-17  # an excess loss of exactly 0 would be log(0): it is drawn here instead
MARKED_ITERATIONS = 60  # a loss history shorter than this marks every iteration
_LAYOUT = {
    "legend": {"orientation": "h", "y": -0.2},
    "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
    "height": 420,
}


def _line(x, y, name: str, colour: str, dash: str = "solid", mode: str = "lines") -> dict:
    return {"type": "scatter", "x": masked(x), "y": masked(y), "name": name, "mode": mode,
            "line": {"color": colour, "width": 2, "dash": dash}}  # fmt: skip


def _points(x, y, name: str, colour: str, **marker) -> dict:
    return {"type": "scatter", "x": masked(x), "y": masked(y), "name": name, "mode": "markers",
            "marker": {"color": colour, "size": 6, **marker}}  # fmt: skip


def _excess_loss_figure(
    curves: list[tuple[str, np.ndarray, float, str]],
    y_title: str,
    title: str,
    uirevision: str,
    markers: bool = True,
) -> go.Figure:
    """L_k − L* per iteration on a log axis, a trace for each (name, losses, L*, colour).

    The ticks are powers of ten (10⁻⁶), as a mathematician reads them, not Plotly's SI
    prefixes (1µ). With `markers`, a short history also marks each iteration.
    """
    traces = [
        _line(np.arange(len(losses)), np.maximum(np.asarray(losses) - best, FLOOR), name,
              colour, DASHES.get(colour, "solid"),
              mode="lines+markers" if markers and len(losses) < MARKED_ITERATIONS else "lines")
        for name, losses, best, colour in curves
    ]  # fmt: skip
    return figure_from_traces(
        traces, xaxis_title="iteration", title={"text": title}, uirevision=uirevision,
        yaxis={"type": "log", "exponentformat": "power", "title": {"text": y_title}}, **_LAYOUT,
    )  # fmt: skip


def line_fit_figure(fits: LinearFits) -> go.Figure:
    """The samples, the closed-form line, the two descents' final lines and the truth."""
    x = fits.data.x
    ends = np.array([x.min(), x.max()])
    traces = [_points(x, fits.data.y, "data", DATA_COLOUR, opacity=0.7)]
    if fits.data.truth is not None:
        traces.append(_line(ends, np.polyval(fits.data.truth, ends), "truth", TRUTH_COLOUR, "dot"))
    for name, (alpha, beta), colour, dash in (
        ("closed form (lstsq)", fits.closed_form, CLOSED_FORM_COLOUR, "solid"),
        ("gradient descent, fixed step", fits.fixed.path[-1], FIXED_COLOUR, "dash"),
        ("gradient descent, Barzilai–Borwein", fits.bb.path[-1], BB_COLOUR, "dashdot"),
    ):
        traces.append(_line(ends, alpha * ends + beta, name, colour, dash))
    return figure_from_traces(
        traces, xaxis_title="x", yaxis_title="y", title={"text": "Fitted lines"},
        uirevision="regression-lines", **_LAYOUT,
    )  # fmt: skip


def loss_history_figure(fits: LinearFits) -> go.Figure:
    """L(θ_k) − L(θ*) per iteration on a log axis; the loss itself would flatten at L(θ*)."""
    best = fits.closed_form_loss
    return _excess_loss_figure(
        [("fixed step", fits.fixed.losses, best, FIXED_COLOUR),
         ("Barzilai–Borwein", fits.bb.losses, best, BB_COLOUR)],
        "loss − closed-form loss", "Loss per iteration", "regression-loss",
    )  # fmt: skip


def loss_path_figure(fits: LinearFits, grid: LossGrid) -> go.Figure:
    """Contours of log₁₀ L(α, β) with both descent paths, ending at the closed-form star.

    Log levels, because a line's loss is a long narrow valley: linear levels would put
    every contour far from the minimum.
    """
    traces = [
        {"type": "contour", "x": grid.alphas, "y": grid.betas,
         "z": np.log10(np.maximum(grid.losses, FLOOR)), "colorscale": "Greys", "reversescale": True,
         "ncontours": 25, "contours": {"coloring": "lines"}, "showscale": False,
         "name": "log₁₀ loss", "hoverinfo": "skip"},
    ]  # fmt: skip
    for name, result, colour in (("fixed step", fits.fixed, FIXED_COLOUR),
                                 ("Barzilai–Borwein", fits.bb, BB_COLOUR)):  # fmt: skip
        path = result.path
        traces.append(_line(path[:, 0], path[:, 1], name, colour, DASHES[colour], "lines+markers"))
        traces[-1]["marker"] = {"color": colour, "size": 4}
    traces.append(_points([fits.closed_form[0]], [fits.closed_form[1]], "closed form",
                          CLOSED_FORM_COLOUR, size=16, symbol="star"))  # fmt: skip
    return figure_from_traces(
        traces, title={"text": "Descent over the loss"},
        xaxis={"title": {"text": "α"}, "range": [float(grid.alphas[0]), float(grid.alphas[-1])]},
        yaxis_title="β", yaxis_range=[float(grid.betas[0]), float(grid.betas[-1])],
        uirevision="regression-path", **_LAYOUT,
    )  # fmt: skip


def polynomial_figure(comparison: PolynomialComparison) -> go.Figure:
    """The samples, polyfit's curve, and the descents on raw and on scaled x."""
    data, curve_x = comparison.data, comparison.curve_x
    traces = [_points(data.x, data.y, "data", DATA_COLOUR, opacity=0.7)]
    if data.truth is not None:
        traces.append(_line(curve_x, np.polyval(data.truth, curve_x), "truth", TRUTH_COLOUR, "dot"))
    traces += [
        _line(curve_x, comparison.reference_curve, "np.polyfit", CLOSED_FORM_COLOUR),
        _line(curve_x, comparison.raw.curve, "descent, raw x", FIXED_COLOUR, "dash"),
        _line(curve_x, comparison.scaled.curve, "descent, x scaled to [−1, 1]", BB_COLOUR,
              "dashdot"),
    ]  # fmt: skip
    low, high = data.y.min(), data.y.max()
    pad = 0.15 * max(high - low, 1e-9)
    return figure_from_traces(
        traces, xaxis_title="x", yaxis_title="y",
        title={"text": f"Degree {comparison.degree} polynomial"},
        yaxis_range=[float(low - pad), float(high + pad)],  # a stalled fit may be far off
        uirevision="regression-polynomial", **_LAYOUT,
    )  # fmt: skip


def polynomial_loss_figure(comparison: PolynomialComparison) -> go.Figure:
    """Loss above polyfit's per iteration: on scaled x it falls away, on raw x it stalls."""
    raw, scaled = comparison.raw, comparison.scaled
    return _excess_loss_figure(
        [("raw x", raw.descent.losses, raw.reference_loss, FIXED_COLOUR),
         ("x scaled to [−1, 1]", scaled.descent.losses, scaled.reference_loss, BB_COLOUR)],
        "loss − polyfit's loss", "Loss per iteration", "regression-polynomial-loss",
        markers=False,
    )  # fmt: skip


def logistic_figure(comparison: LogisticComparison, iteration: int, method: str = "newton"
                    ) -> go.Figure:  # fmt: skip
    """Points coloured by class, `method`'s decision boundary after `iteration` steps, and
    BFGS's final boundary for reference. The axes are fixed to the data's box, so the
    boundary does not rescale the plot as it moves.

    Raises:
        ValueError: for a method other than "newton" or "gradient descent".
    """
    fits = {"newton": comparison.newton, "gradient descent": comparison.gradient_descent}
    if method not in fits:
        raise ValueError(f"Unknown method {method!r}: choose one of {sorted(fits)}.")
    fit, data = fits[method], comparison.data
    traces = [
        _points(data.points[data.labels == label, 0], data.points[data.labels == label, 1],
                f"class {int(label)}", CLASS_COLOURS[int(label)], line={"width": 0.5},
                symbol=CLASS_SYMBOLS[int(label)])
        for label in (0.0, 1.0)
    ]  # fmt: skip
    bfgs = decision_boundary(comparison.bfgs.weights, fit.box)
    traces.append(_line(bfgs.x, bfgs.y, "BFGS (SciPy), final", CLOSED_FORM_COLOUR, "dot"))
    shown = min(max(int(iteration), 0), fit.iterations)
    boundary = fit.boundary_at(shown)
    traces.append(
        _line(boundary.x, boundary.y, f"{method}, iteration {shown}", BB_COLOUR, DASHES[BB_COLOUR])
    )
    return figure_from_traces(
        traces, xaxis={"title": {"text": "p₁"}, "range": list(fit.box[:2])}, yaxis_title="p₂",
        title={"text": f"Decision boundary σ(z) = ½ — {method}, iteration {shown}"},
        yaxis_range=list(fit.box[2:]),
        uirevision="regression-logistic", **_LAYOUT,
    )  # fmt: skip


def logistic_loss_figure(comparison: LogisticComparison) -> go.Figure:
    """L(w_k) − L(w_BFGS) per iteration for Newton and gradient descent, log axis."""
    best = comparison.bfgs.loss
    return _excess_loss_figure(
        [("Newton", comparison.newton.losses, best, BB_COLOUR),
         ("gradient descent", comparison.gradient_descent.losses, best, FIXED_COLOUR)],
        "loss − BFGS's loss", "Negative log-likelihood per iteration",
        "regression-logistic-loss",
    )  # fmt: skip


def per_example_table_figure(table: PerExampleTable) -> go.Figure:
    """The examples that pull hardest on w, their σ(z) and ∇ℓᵢ, then mean ∇ℓᵢ against ∇L."""

    def column(values, digits: int = 4) -> list[str]:
        return [f"{v:.{digits}g}" for v in values]

    mean, full = table.mean_gradient, table.full_gradient
    cells = [
        [*(str(i) for i in table.indices), "mean over all", "∇L (jax.grad)"],
        [*(f"({p[0]:.3g}, {p[1]:.3g})" for p in table.points), "", ""],
        [*(str(int(y)) for y in table.labels), "", ""],
        [*column(table.probabilities, 3), "", ""],
        *([*column(table.gradients[:, j]), *column([mean[j], full[j]])] for j in range(3)),
    ]
    header = ["example", "point", "label", "σ(z)", "∂ℓ/∂w₀", "∂ℓ/∂w₁", "∂ℓ/∂w₂"]
    trace = {"type": "table", "header": {"values": header, "align": "left"},
             "cells": {"values": cells, "align": "left"}}  # fmt: skip
    return figure_from_traces(
        [trace], margin={"l": 10, "r": 10, "t": 30, "b": 10},
        height=60 + 28 * (len(table.indices) + 3), title={"text": "Per-example gradients"},
    )  # fmt: skip
