"""Figures of the fixed-point section: where the iterations go, and how fast the derivative
through them approaches the implicit function theorem's.

Data in, Figure out: `iterates_figure` takes the iterates of the plain iteration and of
Anderson acceleration (core.beyond_grad.fixed_point_views), `unrolled_error_figure` the
derivatives dz_k/da through k unrolled iterations with the theorem's dz*/da and ∂f/∂z.
Near z* each plain step multiplies an error by about ∂f/∂z, so on a log axis the error of
dz_k/da falls (or grows) along a line of slope log₁₀|∂f/∂z| per step.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from core.figures.plotting import figure_from_traces, masked

# Okabe-Ito colours, safe for colour-blind readers, one role each.
PLAIN_COLOUR = "#0072B2"  # blue: the plain iteration z ← f(a, z)
ANDERSON_COLOUR = "#D55E00"  # vermillion: Anderson acceleration
POINT_COLOUR = "#000000"  # z*, and the theorem's slope
RATE_COLOUR = "#7F7F7F"  # grey: the reference line |∂f/∂z|^k
DIFFERENCE_COLOUR = "#009E73"  # green: the central difference's error
HEIGHT = 420
MARGIN = {"l": 10, "r": 10, "t": 40, "b": 10}
LEGEND = {"orientation": "h", "y": -0.22}
WINDOW = 3.0  # plain iterates beyond this many spans of the rest leave the y-range
SMALLEST = 1e-300  # errors below this (0: exact) are not drawn on the log axis


def iterates_figure(
    plain: np.ndarray,
    anderson: np.ndarray,
    point: float | None = None,
    unknown: str = "z",
) -> go.Figure:
    """The iterates z_k against the step k: the plain iteration, Anderson acceleration, and
    the line z = z* when a fixed point was found.

    The y-range covers Anderson's iterates, z₀ and z*, and the plain iterates near them:
    a plain iteration that runs away leaves the chart instead of flattening the rest.

    Args:
        plain: z₀, f(z₀), f(f(z₀)), ... (finite).
        anderson: Anderson's iterates from the same z₀ (finite).
        point: z*, or None where no fixed point was found.
        unknown: the name of z, for the axis and the legend.
    """
    plain, anderson = np.asarray(plain, np.float64), np.asarray(anderson, np.float64)
    steps = max(plain.size, anderson.size, 2)
    traces = [
        {"type": "scatter", "x": np.arange(plain.size, dtype=np.float64), "y": plain,
         "mode": "lines+markers", "name": f"plain iteration {unknown} ← f(a, {unknown})",
         "line": {"color": PLAIN_COLOUR, "width": 2},
         "marker": {"color": PLAIN_COLOUR, "size": 6}},
        {"type": "scatter", "x": np.arange(anderson.size, dtype=np.float64), "y": anderson,
         "mode": "lines+markers", "name": "Anderson acceleration",
         "line": {"color": ANDERSON_COLOUR, "width": 2, "dash": "dash"},
         "marker": {"color": ANDERSON_COLOUR, "size": 8, "symbol": "diamond"}},
    ]  # fmt: skip
    if point is not None:
        traces.append(
            {"type": "scatter", "x": np.array([0.0, steps - 1.0]), "y": np.array([point, point]),
             "mode": "lines", "name": f"{unknown}* = {point:.10g}",
             "line": {"color": POINT_COLOUR, "width": 1, "dash": "dot"}}
        )  # fmt: skip
    return figure_from_traces(
        traces, xaxis_title="step k", yaxis_title=f"{unknown}_k", height=HEIGHT,
        margin=MARGIN, legend=LEGEND, uirevision="fixed-point-iterates",
        yaxis_range=iterate_range(plain, anderson, point),
    )  # fmt: skip


def iterate_range(
    plain: np.ndarray, anderson: np.ndarray, point: float | None = None
) -> list[float]:
    """A y-range for the iterates: Anderson's, z₀ and z* always; a plain iterate only
    within WINDOW spans of those (a run-away one would squash everything else flat)."""
    plain, anderson = np.asarray(plain, np.float64), np.asarray(anderson, np.float64)
    kept = np.concatenate([anderson, plain[:1], [] if point is None else [point]])
    kept = kept[np.isfinite(kept)]
    if kept.size == 0:
        kept = np.array([0.0])
    low, high = float(kept.min()), float(kept.max())
    span = max(high - low, 1.0)
    near = plain[np.isfinite(plain) & (np.abs(plain - (low + high) / 2) <= WINDOW * span)]
    if near.size:
        low, high = min(low, float(near.min())), max(high, float(near.max()))
    pad = 0.08 * max(high - low, 1e-9)
    return [low - pad, high + pad]


def unrolled_error_figure(
    unrolled: np.ndarray,
    derivative: float,
    by_unknown: float,
    finite_difference: float | None = None,
    parameter: str = "a",
    unknown: str = "z",
) -> go.Figure:
    """|dz_k/da − dz*/da| against k on a log axis, beside the line |dz*/da| · |∂f/∂z|^k.

    dz₀/da = 0 (z₀ does not depend on a), so the error starts at |dz*/da|; each unrolled
    step multiplies it by about ∂f/∂z at z*, hence the reference line from the same start.
    Where |∂f/∂z| ≥ 1 both grow. Errors of 0, nan or inf leave gaps.

    Args:
        unrolled: dz_k/da for k = 0 ... K (jax.jacfwd through the plain iteration).
        derivative: dz*/da by the implicit function theorem.
        by_unknown: ∂f/∂z at (a, z*).
        finite_difference: the central difference of fixed points, drawn as a flat line of
            its error; None leaves it out.
        parameter, unknown: the names of a and z, for the legend.
    """
    unrolled = np.asarray(unrolled, np.float64)
    steps = np.arange(unrolled.size, dtype=np.float64)
    name = f"d{unknown}/d{parameter}"
    with np.errstate(all="ignore"):
        error = _positive(np.abs(unrolled - derivative))
        rate = abs(by_unknown)
        reference = _positive(abs(derivative) * np.power(rate, steps))
    traces = [
        {"type": "scatter", "x": steps, "y": error, "mode": "lines+markers",
         "name": f"|{name} through k iterations − the theorem's|",
         "line": {"color": PLAIN_COLOUR, "width": 2}, "marker": {"color": PLAIN_COLOUR, "size": 5}},
        {"type": "scatter", "x": steps, "y": reference, "mode": "lines",
         "name": f"|d{unknown}*/d{parameter}| · |∂f/∂{unknown}|^k, |∂f/∂{unknown}| = {rate:.4g}",
         "line": {"color": RATE_COLOUR, "width": 2, "dash": "dash"}},
    ]  # fmt: skip
    if finite_difference is not None and math.isfinite(finite_difference):
        gap = abs(finite_difference - derivative)
        traces.append(
            {"type": "scatter", "x": steps[[0, -1]], "y": _positive(np.full(2, gap)),
             "mode": "lines", "name": f"|central difference − the theorem's| = {gap:.1e}",
             "line": {"color": DIFFERENCE_COLOUR, "width": 2, "dash": "dot"}}
        )  # fmt: skip
    return figure_from_traces(
        traces, height=HEIGHT, margin=MARGIN, legend=LEGEND, uirevision="fixed-point-unrolled",
        xaxis={"title": {"text": "unrolled iterations k"}},
        yaxis={"type": "log", "exponentformat": "power",
               "title": {"text": f"error in {name}"}},
    )  # fmt: skip


def _positive(values: np.ndarray) -> np.ndarray:
    """The values with 0, negatives, nan and inf as nan: a log axis cannot draw them."""
    values = masked(values)
    with np.errstate(invalid="ignore"):
        values[~(values >= SMALLEST)] = np.nan
    return values
