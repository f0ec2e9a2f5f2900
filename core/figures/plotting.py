"""Plotting helpers shared by every page's figures: colours, names, masks, ranges."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

# Okabe & Ito, "Color Universal Design" (2008): colours told apart under every common
# colour-vision deficiency. Yellow is left out of the line palettes: too pale on white.
OKABE_ITO = {
    "black": "#000000", "orange": "#E69F00", "sky blue": "#56B4E9", "bluish green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "reddish purple": "#CC79A7",
}  # fmt: skip
# The three ways of differentiating are told apart by line style, never by colour alone:
# every page draws AD solid, symbolic dashed and finite differences dotted (or as markers).
METHOD_DASHES = {"AD": "solid", "symbolic": "dash", "finite differences": "dot"}
# Line styles for series that would otherwise differ only by colour (a method per path,
# a formula per curve); "dot" comes last, as pages use it for models and references.
LINE_DASHES = ("solid", "dash", "dashdot", "longdash", "longdashdot", "5px,3px,1px,3px,1px,3px")
MARKER_SYMBOLS = ("circle", "square", "diamond", "triangle-up", "cross", "x", "star")


def dash_of(index: int) -> str:
    """The line style of the index-th series of a figure (cycling through LINE_DASHES)."""
    return LINE_DASHES[index % len(LINE_DASHES)]


# One colour per order (colour-blind-safe Okabe-Ito, then Tableau); the Explorer tells
# orders apart by legend group and panel too, and methods by METHOD_DASHES.
ORDER_COLOURS = (
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00",
    "#56B4E9", "#8C564B", "#7F7F7F", "#BCBD22", "#17BECF", "#1F1F1F",
)  # fmt: skip
# layout.meta[LEGEND_HEIGHT]: the pixels a figure gave its legend (core.figures.projector
# grows them).
LEGEND_HEIGHT = "legend_height"
PRIME_NAMES = ("f", "f′", "f″", "f‴")
SUPERSCRIPT_DIGITS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def order_name(order: int) -> str:
    """f, f′, f″, f‴, then f⁽⁴⁾, f⁽¹⁰⁾: the order written all in superscript, as in print."""
    if order < len(PRIME_NAMES):
        return PRIME_NAMES[order]
    return f"f⁽{str(order).translate(SUPERSCRIPT_DIGITS)}⁾"


def order_latex(order: int) -> str:
    """f, f', f'', f''', then f^{(4)}: the order in LaTeX, as the symbolic panels print it."""
    return "f" + ("'" * order if order <= 3 else f"^{{({order})}}")


def masked(values: np.ndarray) -> np.ndarray:
    """Values with inf replaced by nan, so Plotly leaves a gap there.

    Kept as a float64 array: Plotly sends arrays as compact binary, where a list of
    Python floats costs ten times as long to build and serialise.
    """
    values = np.array(values, dtype=np.float64)
    values[~np.isfinite(values)] = np.nan
    return values


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


SCREEN_POINTS = 500  # points per curve a chart a few hundred pixels wide can show
FLOAT32_LIMIT = 3e38  # beyond this float32 would turn a value into infinity


def for_screen(figure: go.Figure, points: int = SCREEN_POINTS) -> go.Figure:
    """The figure as a browser needs it: each long line at most about `points` points,
    every array in float32 (7 significant digits) where its values fit.

    A 1,000-point float64 curve costs 10.7 kB in the page's message; 500 float32 points,
    2.7 kB, and its x-values on a uniform grid only a start and a step (`x0`, `dx`).
    Curves are thinned by taking every k-th point, which keeps a smooth curve's shape
    on screen (a grid of k·points + 1 keeps both ends); markers and short traces are left
    as they are.
    Changes `figure` in place and returns it.
    """
    for trace in figure.data:
        x, y = getattr(trace, "x", None), getattr(trace, "y", None)
        if x is None or y is None or len(x) != len(y):
            continue
        x, y = np.asarray(x), np.asarray(y)
        if len(x) > points and "markers" not in (getattr(trace, "mode", None) or "lines"):
            stride = _stride(len(x) - 1, points)
            x, y = x[::stride], y[::stride]
        trace.y = _compact(y)
        step = _uniform_step(x)
        if step is None:
            trace.x = _compact(x)
        else:  # a uniform grid is sent as its start and step, not as numbers
            trace.x, trace.x0, trace.dx = None, float(x[0]), step
    return figure


def _stride(intervals: int, points: int) -> int:
    """Every how many points to keep: the smallest k giving at most `points` intervals,
    or a slightly larger one that divides the grid, so the last point is kept too."""
    least = -(-intervals // points)
    for stride in range(least, 2 * least + 1):
        if intervals % stride == 0:
            return stride
    return least


def _uniform_step(x: np.ndarray) -> float | None:
    if x.dtype.kind != "f" or len(x) < 3 or not np.isfinite(x).all():
        return None
    steps = np.diff(x)
    if np.ptp(steps) > 1e-9 * abs(steps[0]) or steps[0] == 0:
        return None
    return float((x[-1] - x[0]) / (len(x) - 1))


def _compact(values: np.ndarray) -> np.ndarray:
    if values.dtype.kind != "f":
        return values
    finite = values[np.isfinite(values)]
    if finite.size and np.abs(finite).max() >= FLOAT32_LIMIT:
        return values
    return values.astype(np.float32)
