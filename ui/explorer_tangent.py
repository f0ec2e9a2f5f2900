"""The Explorer's "Tangent and secant" and "Taylor polynomial" sections, under its charts.

Each is an expander that computes only while open; inside, a fragment, so that moving
h or the degree reruns the section, not the page. x0 is the Explorer's own (its
number box); a click on either section's chart moves it there.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import pandas as pd
import streamlit as st

from core.explorer.latex_layout import equation
from core.explorer.tangent_figures import (
    SUBSCRIPTS,
    secant_slope_figure,
    tangent_figure,
    taylor_figure,
)
from core.explorer.tangents import MAX_DEGREE, polynomial_latex
from core.figures.plotting import order_name
from ui import charts, old_links
from ui import explorer_tangent_cached as cached
from ui.widgets import number

P = "explorer_"  # prefix of the session keys that are not in the URL
X0 = "x0"  # the Explorer's x0 box (its key is its URL name)
# Bound to the URL (key = URL name): each expander's open state, h, the degree and the
# tolerance. The widgets inside a section keep their values while it is closed, on this
# page ("page"): closing and reopening a section shows the same h.
TANGENT_OPEN, TAYLOR_OPEN = "tan", "taylor"
STEP, DEGREE, TOLERANCE = "sec_h", "deg", "tol"
SECTION = {"bind": "query-params", "persist_state": "page"}
MOVED = f"{P}tangent_moved"  # a click asked for a new x0: the whole page reruns
# h from 2 down to 1e-4 in 1-2-5 steps ("Shrink h" halves it, or 0.5 -> 0.2 -> 0.1), then
# by tens to 1e-12: far enough below 1e-8 to watch rounding in f(x0 + h) - f(x0) take over.
STEPS = (
    *(float(f"1e{e}") for e in range(-12, -4)),
    *(float(f"{m}e{e}") for e in range(-4, 0) for m in (1, 2, 5)),
    1.0,
    2.0,
)
START_STEP = 1.0
TOLERANCES = (1e-1, 1e-2, 1e-3, 1e-4, 1e-6, 1e-8)
START_TOLERANCE = 1e-3
TABLE_ROWS = 8  # the Shrink h table: the last steps taken
SCREEN_POINTS = 400
TAYLOR_WIDTH = 44  # characters per line of Tₙ (latex_layout.equation): fits a projector's column


def short(value: float) -> str:
    """A step or tolerance as people write it: 0.5, 0.01, 5e-3, 1e-4."""
    if value >= 0.01:
        return f"{value:g}"
    mantissa, exponent = f"{value:.0e}".split("e")
    return f"{mantissa}e{int(exponent)}"


# Old links wrote the sections' switches as 1/0 and h and the tolerance as numbers
# ("0.001", "1e-05"); the controls show (and the link now names) them as short() does.
OLD_LINKS = {
    TANGENT_OPEN: old_links.SWITCH,
    TAYLOR_OPEN: old_links.SWITCH,
    STEP: old_links.number_option(STEPS, short),
    TOLERANCE: old_links.number_option(TOLERANCES, short),
}


def render(parsed, x_range: tuple[float, float], x0: float, params: dict) -> None:
    """Both sections, each computed only while its expander is open."""
    items = tuple(sorted((name, float(value)) for name, value in params.items()))
    x_range = (float(x_range[0]), float(x_range[1]))
    tangent = st.expander(
        "Tangent and secant at x₀: the derivative as a limit", key=TANGENT_OPEN,
        on_change="rerun", bind="query-params", icon=":material/show_chart:",
    )  # fmt: skip
    if tangent.open:
        with tangent:
            _tangent_section(parsed.text, x_range, float(x0), items)
    taylor = st.expander(
        "Taylor polynomial at x₀, and where it is accurate", key=TAYLOR_OPEN,
        on_change="rerun", bind="query-params", icon=":material/functions:",
    )  # fmt: skip
    if taylor.open:
        with taylor:
            _taylor_section(parsed.text, x_range, float(x0), items)


@st.fragment
def _tangent_section(text: str, x_range: tuple, x0: float, params: tuple) -> None:
    _follow_click()
    # Room for "Shrink h" and "Reset h" whole in the projector style's larger text.
    c1, c2, c3 = st.columns([3, 1, 1], vertical_alignment="bottom")
    h = c1.select_slider("Secant step h", STEPS, START_STEP, short, key=STEP, **SECTION)
    smallest = STEPS.index(h) == 0
    c2.button("Shrink h", key=f"{P}shrink_h", icon=":material/compress:", on_click=_shrink,
              disabled=smallest,
              help="One step smaller: h → h/2 (or 0.5 → 0.2); below 1e-4, h → h/10")  # fmt: skip
    c3.button("Reset h", key=f"{P}reset_h", icon=":material/replay:", on_click=_reset)
    try:
        view = cached.secant(text, x0, float(h), params)
    except ValueError as error:
        st.error(str(error), icon=":material/error:")
        return
    xs, values = cached.function_on_grid(text, x_range, params)
    left, right = st.columns(2)
    with left:
        charts.show(
            tangent_figure(xs, values, view), key=f"{P}tangent_chart", points=SCREEN_POINTS,
            on_select=functools.partial(_move, f"{P}tangent_chart"), selection_mode="points",
        )  # fmt: skip
    with right:
        charts.show(secant_slope_figure(view), key=f"{P}secant_chart")
    st.markdown(_secant_sentence(view))
    st.caption(
        "As h shrinks the secant turns into the tangent: f(x₀ + h) = f(x₀) + h f′(x₀) + "
        "h² f″(x₀)/2 + …, so the slope errs by about h·f″(x₀)/2 — until h is so small "
        "(below about 1e-8) that rounding in f(x₀ + h) − f(x₀) takes over (right, bottom). "
        "Click the left chart to move x₀."
    )
    _steps_table(text, x0, float(h), view, params)


def _secant_sentence(view) -> str:
    if not math.isfinite(view.value):
        return f"f(x₀) is undefined at x₀ = {view.x0:g}: no tangent or secant there."
    if not math.isfinite(view.value_at_step):
        return (
            f"f(x₀ + h) = f({view.x0 + view.h:g}) is undefined (outside the domain or at a "
            "pole): shrink h."
        )
    sentence = (
        f"**Secant slope** (f(x₀+h) − f(x₀))/h = {number(view.slope)} at h = {short(view.h)}, "
        f"**f′(x₀)** = {number(view.derivative)} (AD)"
    )
    if not (math.isfinite(view.derivative) and math.isfinite(view.second_derivative)):
        return sentence + ": f is not twice differentiable at x₀, so the error need not be ∝ h."
    sentence += (
        f", difference {number(view.error, '.3g')} ≈ h·f″(x₀)/2 = "
        f"{number(view.predicted_error, '.3g')}"
    )
    if view.second_derivative == 0:
        sentence += " (f″(x₀) = 0 here: the error is of order h², smaller still)"
    return sentence + "."


def _steps_table(text: str, x0: float, h: float, view, params: tuple) -> None:
    """The steps taken from h = 1 down to the current h, one Shrink h per row."""
    taken = [s for s in STEPS if h <= s <= START_STEP][::-1][-TABLE_ROWS:] or [h]
    slopes = cached.slopes_at(text, x0, tuple(taken), params)
    rows = []
    for step, slope in zip(taken, slopes, strict=True):
        error = slope - view.derivative
        rows.append({"h": short(step), "secant slope": number(slope),
                     "slope − f′(x₀)": number(error, ".3g"),
                     "(slope − f′(x₀)) / h": number(error / step, ".6g")})  # fmt: skip
    st.table(pd.DataFrame(rows).set_index("h"))
    if math.isfinite(view.second_derivative):
        st.caption(
            f"The last column tends to f″(x₀)/2 = {number(view.second_derivative / 2, '.6g')}: "
            "halving h halves the error — first order."
        )


@st.fragment
def _taylor_section(text: str, x_range: tuple, x0: float, params: tuple) -> None:
    _follow_click()
    c1, c2 = st.columns([3, 2])
    degree = c1.slider("Degree n of Tₙ", 1, MAX_DEGREE, 4, key=DEGREE, **SECTION)
    tolerance = c2.selectbox(
        "Tolerance for |f − Tₙ|", TOLERANCES, TOLERANCES.index(START_TOLERANCE), short,
        key=TOLERANCE, **SECTION,
    )  # fmt: skip
    try:
        view = cached.taylor(text, x0, int(degree), float(tolerance), x_range, params)
    except ValueError as error:
        st.error(str(error), icon=":material/error:")
        return
    charts.show(
        taylor_figure(view), key=f"{P}taylor_chart", points=SCREEN_POINTS,
        on_select=functools.partial(_move, f"{P}taylor_chart"), selection_mode="points",
    )  # fmt: skip
    name = f"T{str(degree).translate(SUBSCRIPTS)}"
    if not np.isfinite(view.coefficients).all():
        k = int(np.flatnonzero(~np.isfinite(view.coefficients))[0])
        st.warning(
            f"f is undefined at x₀ = {x0:g} (outside its domain, or a pole): it has no "
            "derivatives there, so no Taylor polynomial (try another x₀)."
            if k == 0
            else f"{order_name(k)}(x₀) is infinite or undefined at x₀ = {x0:g}: f has no "
            f"Taylor polynomial of degree {degree} there (try another x₀ or a lower degree).",
            icon=":material/warning:",
        )
        return
    st.markdown(_radius_sentence(view, name))
    # Broken into lines like the Explorer's derivatives: T₈ on one line ran off the column.
    st.latex(equation(f"T_{{{degree}}}(x)", polynomial_latex(view.coefficients, x0), TAYLOR_WIDTH))
    st.caption(
        "The coefficients c_k = f⁽ᵏ⁾(x₀)/k! all come from one Taylor-mode pass of JAX "
        "(jax.experimental.jet). Shaded: |x − x₀| < r. The y-axis is f's range, so a "
        "polynomial that runs off it does not squash f. Click the chart to move x₀."
    )


def _radius_sentence(view, name: str) -> str:
    tol, radius = short(view.tolerance), view.radius
    if radius.radius == 0:
        return f"|f − {name}| is not below {tol} even at x₀ (f is undefined there)."
    if radius.whole_range:
        return (
            f"**|f − {name}| < {tol} on the whole plotted range** "
            f"(|x − x₀| ≤ {radius.radius:.4g}): widen the x-range to see it fail."
        )
    sentence = f"**|f − {name}| < {tol} for |x − x₀| < r = {radius.radius:.4g}**"
    if radius.beyond_range:
        sentence += " (checked on the plotted x-range only)"
    return sentence + "."


def _shrink() -> None:
    index = STEPS.index(st.session_state[STEP])
    st.session_state[STEP] = STEPS[max(index - 1, 0)]


def _reset() -> None:
    st.session_state[STEP] = START_STEP


def _move(key: str) -> None:
    """on_select of chart `key`: x0 where it was clicked (the f point under the pointer)."""
    points = st.session_state[key].selection.points
    if points:
        st.session_state[X0] = round(float(points[0]["x"]), 3)
        st.session_state[MOVED] = True


def _follow_click() -> None:
    """A fragment's click moved x0: rerun the page, whose other parts use x0 too."""
    if st.session_state.pop(MOVED, False):
        st.rerun(scope="app")
