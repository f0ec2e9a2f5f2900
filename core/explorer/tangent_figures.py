"""Figures of the tangent and secant at x0, and of Taylor polynomials and their remainder.

Colours are Okabe and Ito's (safe for colour-blind readers) and every curve has its own
line style too: f solid, the tangent dashed, the secant dash-dotted, T_n dotted-dashed
("longdash"), the tolerance dotted.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.explorer.tangents import EPSILON, SecantView, TaylorView, line_through
from core.figures.plotting import figure_from_traces, masked, robust_range

F_STYLE = {"color": "#0072B2", "width": 2.5}  # blue, solid
TANGENT_STYLE = {"color": "#D55E00", "width": 2, "dash": "dash"}  # vermilion
SECANT_STYLE = {"color": "#009E73", "width": 2, "dash": "dashdot"}  # bluish green
TAYLOR_STYLE = {"color": "#CC79A7", "width": 2.5, "dash": "longdash"}  # reddish purple
REMAINDER_STYLE = {"color": "#E69F00", "width": 2}  # orange, solid
REFERENCE_STYLE = {"color": "#555555", "width": 1.5, "dash": "dot"}
BAND_COLOUR = "rgba(86, 180, 233, 0.18)"  # sky blue, see-through
MARGIN = {"l": 10, "r": 10, "t": 30, "b": 10}
LEGEND = {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0}
FLOOR = 1e-17  # exact agreement would be log(0): drawn at the bottom instead
CLICK_POINTS = 250  # invisible markers along f that a click selects


def _line(name: str, x, y, style: dict, **trace) -> dict:
    return {"type": "scatter", "mode": "lines", "name": name, "x": x, "y": masked(y),
            "line": style, **trace}  # fmt: skip


def _points(name: str, x, y, colour: str, symbol: str, **trace) -> dict:
    return {"type": "scatter", "mode": "markers", "name": name, "x": list(x), "y": list(y),
            "marker": {"color": colour, "size": 11, "symbol": symbol,
                       "line": {"color": "white", "width": 1}},
            "unselected": {"marker": {"opacity": 1}}, **trace}  # fmt: skip


def _click_layer(xs: np.ndarray, values: np.ndarray, **trace) -> dict:
    """Invisible markers along f, which hovering and clicking pick up.

    Plotly selects markers only, never a bare line: a click (hover follows x) selects the
    marker under the pointer, and the page moves x0 there.
    """
    stride = max(1, len(xs) // CLICK_POINTS)
    hidden = {"marker": {"opacity": 0}}
    return {"type": "scatter", "mode": "markers", "name": "click to move x₀", "showlegend": False,
            "x": np.asarray(xs)[::stride], "y": masked(np.asarray(values)[::stride]),
            "marker": {"size": 12, "opacity": 0, "color": F_STYLE["color"]},
            "selected": hidden, "unselected": hidden,
            "hovertemplate": "x = %{x:.4g}<br>f = %{y:.6g}<extra>click: x₀ here</extra>",
            **trace}  # fmt: skip


def _y_range_of(values: np.ndarray) -> list[float] | None:
    """f's own y-range (robust to poles), widened where f is (nearly) constant."""
    limits = robust_range([values])
    if limits is None:
        return None
    low, high = limits
    if high - low < 1e-9 * max(1.0, abs(low)):
        middle = (low + high) / 2
        return [middle - 1.0, middle + 1.0]
    return limits


def tangent_name(secant: SecantView) -> str:
    """The tangent's legend entry: its slope only where there is a tangent line."""
    if not np.isfinite(secant.value):
        return "no tangent: f(x₀) is undefined"
    if np.isinf(secant.derivative):
        infinity = "∞" if secant.derivative > 0 else "−∞"
        return f"vertical tangent: f′(x₀) = {infinity}, no finite slope"
    if not np.isfinite(secant.derivative):
        return "no tangent: f′(x₀) is undefined"
    return f"tangent, slope f′(x₀) = {secant.derivative:.6g}"


def secant_name(secant: SecantView) -> str:
    """The secant's legend entry: its slope only where both points are on f."""
    if not np.isfinite(secant.slope):
        return "no secant: f is undefined at x₀ or x₀ + h"
    return f"secant, slope {secant.slope:.6g}"


def tangent_figure(xs: np.ndarray, values: np.ndarray, secant: SecantView) -> go.Figure:
    """f with its tangent at x0 and the secant through x0 and x0 + h, both points marked.

    The y-axis is f's own range, so that a steep line leaves the frame rather than
    squashing f. Hovering follows x, and a click anywhere selects the point of f below
    the pointer (`_click_layer`; the page moves x0 there).
    """
    xs = np.asarray(xs, dtype=np.float64)
    ends = np.array([xs[0], xs[-1]])
    x0, h = secant.x0, secant.h
    traces = [
        _line("f", xs, values, F_STYLE, hoverinfo="skip"),
        _line(tangent_name(secant), ends,
              line_through(x0, secant.value, secant.derivative, ends), TANGENT_STYLE,
              hoverinfo="skip"),
        _line(secant_name(secant), ends,
              line_through(x0, secant.value, secant.slope, ends), SECANT_STYLE, hoverinfo="skip"),
        _points("x₀", [x0], [secant.value], TANGENT_STYLE["color"], "circle", hoverinfo="skip"),
        _points("x₀ + h", [x0 + h], [secant.value_at_step], SECANT_STYLE["color"], "diamond",
                hoverinfo="skip"),
        _click_layer(xs, values),
    ]  # fmt: skip
    yaxis = {"title": {"text": "y"}, "exponentformat": "power"}
    limits = _y_range_of(values)
    if limits is not None:
        yaxis["range"] = limits
    return figure_from_traces(
        traces, xaxis={"title": {"text": "x"}, "range": [float(xs[0]), float(xs[-1])]},
        yaxis=yaxis, hovermode="x", legend=LEGEND, margin=MARGIN, height=420,
        uirevision="tangent",
    )  # fmt: skip


def secant_slope_figure(secant: SecantView) -> go.Figure:
    """The secant slope against h (top) and its error |slope − f′(x0)| (bottom, log-log).

    h shrinks to the right. The error follows h |f″(x0)|/2 until rounding, about
    2ε|f(x0)|/h, takes over: the finite difference as a picture.
    """
    steps, h = secant.steps, secant.h
    errors = np.maximum(secant.errors, FLOOR)
    truncation = np.abs(secant.second_derivative) * steps / 2
    rounding = 2 * EPSILON * max(abs(secant.value), EPSILON) / steps
    current_error = max(abs(secant.error), FLOOR)
    bottom = {"xaxis": "x2", "yaxis": "y2"}
    traces = [
        _line("secant slope", steps, secant.slopes, SECANT_STYLE | {"dash": "solid"},
              hovertemplate="h = %{x:.3g}<br>slope = %{y:.10g}<extra></extra>"),
        _line(f"f′(x₀) = {secant.derivative:.10g} (AD)", [steps[0], steps[-1]],
              [secant.derivative] * 2, TANGENT_STYLE, hoverinfo="skip"),
        _points(f"h = {h:g}", [h], [secant.slope], SECANT_STYLE["color"], "diamond",
                hoverinfo="skip"),
        _line("|slope − f′(x₀)|", steps, errors, REMAINDER_STYLE, **bottom,
              hovertemplate="h = %{x:.3g}<br>error = %{y:.3g}<extra></extra>"),
        _line("h·|f″(x₀)|/2", steps, np.where(truncation > 0, truncation, np.nan),
              TANGENT_STYLE | {"width": 1.5}, hoverinfo="skip", **bottom),
        _line("rounding ≈ 2ε|f(x₀)|/h", steps, rounding, REFERENCE_STYLE, hoverinfo="skip",
              **bottom),
        _points("error at this h", [h], [current_error], SECANT_STYLE["color"], "diamond",
                hoverinfo="skip", showlegend=False, **bottom),
    ]  # fmt: skip
    finite = errors[np.isfinite(errors)]
    high = float(finite.max()) if finite.size else 1.0
    low_error = {"title": {"text": "|error|"}, "type": "log", "exponentformat": "power",
                 "domain": [0.0, 0.44], "anchor": "x2",
                 "range": [np.log10(FLOOR) - 0.5, np.log10(max(high, 1e-12)) + 0.5]}  # fmt: skip
    common_x = {"type": "log", "autorange": "reversed", "exponentformat": "power"}
    return figure_from_traces(
        traces,
        xaxis={**common_x, "anchor": "y", "showticklabels": False},
        xaxis2={**common_x, "anchor": "y2", "matches": "x", "title": {"text": "h (shrinks →)"}},
        yaxis={"title": {"text": "slope"}, "domain": [0.54, 1.0], "anchor": "x",
               "exponentformat": "power"},
        yaxis2=low_error, hovermode="x", legend=LEGEND, margin=MARGIN, height=520,
        uirevision="secant",
    )  # fmt: skip


def taylor_figure(view: TaylorView) -> go.Figure:
    """f with T_n overlaid (top, on f's y-range) and |f − T_n| on a log axis (bottom).

    The band shades |x − x0| < r, where the remainder stays below the tolerance (its
    dotted line in the bottom panel).
    """
    xs, x0, radius = view.xs, view.x0, view.radius.radius
    name = f"T{_subscript(view.degree)}"
    bottom = {"xaxis": "x2", "yaxis": "y2"}
    traces = [
        _line("f", xs, view.values, F_STYLE, hoverinfo="skip"),
        _line(f"{name}, Taylor polynomial of degree {view.degree}", xs, view.polynomial,
              TAYLOR_STYLE, hovertemplate=f"x = %{{x:.4g}}<br>{name} = %{{y:.6g}}<extra></extra>"),
        _points("x₀", [x0], [view.coefficients[0]], TAYLOR_STYLE["color"], "circle",
                hoverinfo="skip"),
        _line(f"|f − {name}|", xs, np.maximum(view.remainder, FLOOR), REMAINDER_STYLE,
              hovertemplate=f"x = %{{x:.4g}}<br>|f − {name}| = %{{y:.3g}}<extra></extra>",
              **bottom),
        _line(f"tolerance {view.tolerance:g}", [xs[0], xs[-1]], [view.tolerance] * 2,
              REFERENCE_STYLE, hoverinfo="skip", **bottom),
        _click_layer(xs, view.values),
    ]  # fmt: skip
    shapes = []
    if radius > 0:
        low, high = max(x0 - radius, xs[0]), min(x0 + radius, xs[-1])
        for axis in ("y", "y2"):
            shapes.append({"type": "rect", "xref": "x", "yref": f"{axis} domain", "x0": low,
                           "x1": high, "y0": 0, "y1": 1, "fillcolor": BAND_COLOUR,
                           "line": {"width": 0}, "layer": "below"})  # fmt: skip
    top = {"title": {"text": "y"}, "domain": [0.42, 1.0], "anchor": "x", "exponentformat": "power"}
    limits = _y_range_of(view.values)
    if limits is not None:
        top["range"] = limits
    finite = view.remainder[np.isfinite(view.remainder)]
    high = float(finite.max()) if finite.size else 1.0
    upper = np.log10(min(max(high, 10 * view.tolerance), 1e12)) + 0.5
    x_range = [float(xs[0]), float(xs[-1])]
    return figure_from_traces(
        traces,
        xaxis={"anchor": "y", "showticklabels": False, "range": x_range},
        xaxis2={"anchor": "y2", "matches": "x", "title": {"text": "x"}, "range": x_range},
        yaxis=top,
        yaxis2={"title": {"text": f"|f − {name}|"}, "type": "log", "domain": [0.0, 0.34],
                "anchor": "x2", "exponentformat": "power",
                "range": [np.log10(FLOOR) - 0.5, upper]},
        shapes=shapes, hovermode="x", legend=LEGEND, margin=MARGIN, height=560,
        uirevision="taylor",
    )  # fmt: skip


SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _subscript(number: int) -> str:
    return str(number).translate(SUBSCRIPTS)
