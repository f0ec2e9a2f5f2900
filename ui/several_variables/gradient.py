"""Section: partial derivatives and the gradient of f(x, y), over its contours."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from core.figures.plotting import for_screen
from core.several_variables.code_view import gradient_code
from core.several_variables.directional import direction_from_angle
from core.several_variables.gradient_figures import (
    directional_slice_figure,
    gradient_figure,
    tangent_plane_figure,
)
from ui import charts, old_links, symbolic_jobs
from ui import several_variables_cached as cached
from ui.several_variables.inputs import (
    SECTION_WIDGET,
    XY,
    function_input,
    point_from_click,
    point_inputs,
    scalar_function,
)
from ui.widgets import code_behind, difference, example_picker, number

P = "v_g"  # the URL names: v_gf, v_gx, v_gy, v_gr (range), v_ga (angle), v_gv (view)
DEFAULT_F = "x^2 + y"
DEFAULT_POINT = (2.0, 3.0)
EXAMPLES = {
    "x^2 + y": "the lecture's example: at (2, 3), f = 7, ∂f/∂x = 4, ∂f/∂y = 1",
    "sin(x) cos(y)": "an egg box: maxima, minima and saddles in a grid",
    "x exp(-x^2 - y^2)": "a hill and a hollow side by side",
    "(1 - x)^2 + 100(y - x^2)^2": "Rosenbrock's banana valley",
    "sqrt(x^2 + y^2)": "a cone: no gradient at its tip",
}
RANGES = [1, 2, 3, 4, 5, 6, 8, 10]
VIEWS = {"plane": "tangent plane", "slice": "directional derivative"}
# Old links named the view by its code; the radio writes it as shown.
OLD_LINKS = {f"{P}v": old_links.codes(VIEWS)}


def render() -> None:
    c1, c2, c3 = st.columns([3, 2, 2])
    text = function_input(
        c1, "f(x, y) =", f"{P}f", DEFAULT_F, "e.g. x^2 + y, sin(x) cos(y), x e^(−x²−y²)"
    )
    example_picker(c2, EXAMPLES, P)
    half = c3.select_slider(
        "Plot range: x, y ∈ [−R, R]", RANGES, value=4, key=f"{P}r", **SECTION_WIDGET
    )
    parsed = scalar_function(text, key=f"{P}f", default=DEFAULT_F)
    p1, p2, p3, p4 = st.columns([1, 1, 2, 2])
    point = point_inputs((p1, p2), P, DEFAULT_POINT)
    angle = p3.slider(
        "Direction u: angle from the x-axis (°)", 0, 355, value=45, step=5, key=f"{P}a",
        **SECTION_WIDGET,
    )  # fmt: skip
    view = p4.radio(
        "Beside the contours", list(VIEWS.values()), key=f"{P}v", horizontal=True,
        **SECTION_WIDGET,
    )  # fmt: skip
    box = (-float(half), float(half))
    field = cached.gradient_field(parsed.text, box, box)
    try:
        partials = cached.partials_at(parsed.text, XY, point)
    except ValueError as error:  # f undefined at the point: the contours still show
        st.error(str(error), icon=":material/error:")
        charts.show(
            for_screen(gradient_figure(field, point, np.full(2, np.nan))), key=f"{P}_contour",
            on_select=_move, selection_mode="points",
        )  # fmt: skip
        return
    unit = direction_from_angle(angle)
    directional = cached.directional_derivative(parsed.text, point, tuple(unit))
    job = cached.symbolic_partials_job(parsed, point)
    drawn = job.done  # read once: a job done later is polled, not lost
    symbolic = job.value() if drawn else None

    left, right = st.columns([1, 1])
    with left:
        charts.show(
            for_screen(gradient_figure(field, point, partials.ad, unit)), key=f"{P}_contour",
            on_select=_move, selection_mode="points",
        )  # fmt: skip
    if view == VIEWS["plane"]:
        plane = cached.tangent_plane(parsed.text, point, box, box)
        with right:  # 3-D: float32 already
            charts.show(tangent_plane_figure(plane), key=f"{P}_plane")
    else:
        t, values = cached.directional_slice(parsed.text, point, tuple(unit), float(half))
        figure = directional_slice_figure(t, values, partials.value, directional.by_gradient)
        with right:
            charts.show(for_screen(figure), key=f"{P}_slice")
    st.caption(
        "Arrows: ∇f, which points uphill, across the contours, and is longest where f is "
        "steepest. Click the contour plot to move the point."
    )
    _partials_table(point, partials, symbolic)
    _directional(directional, unit, symbolic)
    if symbolic is not None and symbolic.message:
        st.info(symbolic.message, icon=":material/hourglass_disabled:")
    if symbolic is not None and symbolic.gradient_latex:
        st.latex(
            rf"\frac{{\partial f}}{{\partial x}} = {symbolic.gradient_latex[0]}, \qquad "
            rf"\frac{{\partial f}}{{\partial y}} = {symbolic.gradient_latex[1]}"
        )
    symbolic_jobs.when_pending([] if drawn else [job])
    code_behind(("JAX: value_and_grad, a JVP, and a central-difference check",
                 gradient_code(parsed, point, direction=tuple(unit))))  # fmt: skip


def _move() -> None:
    point_from_click(f"{P}_contour", f"{P}x", f"{P}y")


def _partials_table(point, partials, symbolic) -> None:
    exact = None if symbolic is None or symbolic.gradient is None else symbolic.gradient
    rows = []
    for i, name in enumerate(("∂f/∂x", "∂f/∂y")):
        sym = None if exact is None else float(exact[i])
        ad, fd = float(partials.ad[i]), float(partials.finite_differences[i])
        rows.append(
            {"": name, "AD (JAX)": number(ad), "symbolic (SymPy)": number(sym),
             "finite differences": number(fd), "AD − SymPy": difference(ad, sym),
             "FD − SymPy": difference(fd, sym)}
        )  # fmt: skip
    st.markdown(f"**At p = ({point[0]:.4g}, {point[1]:.4g}):** f(p) = {number(partials.value)}")
    st.table(pd.DataFrame(rows).set_index(""))
    st.caption(
        "AD: jax.value_and_grad, one reverse sweep for both partials. Finite differences: "
        f"central, h = {partials.steps[0]:.1e} along x and {partials.steps[1]:.1e} along y; "
        "their error is about h², AD's and SymPy's only rounding."
    )


def _directional(directional, unit: np.ndarray, symbolic) -> None:
    exact = ""
    if symbolic is not None and symbolic.gradient is not None:
        exact = f", symbolically {number(float(np.dot(symbolic.gradient, unit)))}"
    st.markdown(
        f"**Directional derivative** along u = ({unit[0]:.4f}, {unit[1]:.4f}): "
        f"D_u f(p) = ∇f(p)·u = {number(directional.by_gradient)}; by one JVP "
        f"(jax.jvp, no gradient formed) {number(directional.by_jvp)}; by a central "
        f"difference along u {number(directional.finite_difference)}{exact}."
    )
