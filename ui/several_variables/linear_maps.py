"""Section: JVP and VJP as pictures: a tangent pushed forward, a covector pulled back."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from core.figures.plotting import for_screen
from core.several_variables.code_view import jvp_vjp_code
from core.several_variables.linear_map_figures import push_pull_figure
from ui import charts, old_links
from ui import several_variables_cached as cached
from ui.several_variables.inputs import (
    SECTION_WIDGET,
    XY,
    coordinate_input,
    function_input,
    point_inputs,
    vector_function,
)
from ui.widgets import code_behind, number

P = "v_p"  # the URL names: v_pf, v_px, v_py, v_pvx, v_pvy, v_pux, v_puy, v_pr (radius)
DEFAULT_F = "[x^2 + y^2, x*y]"
RADII = [0.01, 0.03, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0]
# Old links wrote a radius as the shortest number ("1"); the slider writes it as shown ("1.0").
OLD_LINKS = {f"{P}r": old_links.number_option(RADII, str)}


def render() -> None:
    c1, c2, c3, c4 = st.columns([3, 1, 1, 2])
    text = function_input(
        c1, "f(x, y) = [f₁, f₂]", f"{P}f", DEFAULT_F, "e.g. [x^2 + y^2, x*y]", vector=True
    )
    point = point_inputs((c2, c3), P, (1.0, 0.5))
    radius = c4.select_slider("Circle radius r", RADII, value=0.3, key=f"{P}r", **SECTION_WIDGET)
    d = st.columns(4)
    v = (coordinate_input(d[0], "Tangent v: v₁", f"{P}vx", 1.0),
         coordinate_input(d[1], "Tangent v: v₂", f"{P}vy", 0.0))  # fmt: skip
    u = (coordinate_input(d[2], "Covector u: u₁", f"{P}ux", 1.0),
         coordinate_input(d[3], "Covector u: u₂", f"{P}uy", 0.0))  # fmt: skip
    # Two components: the covector u has one number per component, and the output plane
    # can be drawn only for two.
    vector = vector_function(text, XY, components=2, key=f"{P}f", default=DEFAULT_F)
    tangent, cotangent = (float(v[0]), float(v[1])), (float(u[0]), float(u[1]))
    result = cached.push_and_pull(vector.text, point, tangent, cotangent)
    circle = cached.circle_image(vector.text, point, float(radius))
    st.latex(rf"f(x, y) = {vector.latex}")
    charts.show(for_screen(push_pull_figure(result, circle)), key=f"{P}_figure")
    st.caption(
        f"Left, the input plane: a circle of radius r = {radius:g} around p, the tangent v "
        "at p and the pulled-back covector uᵀJ. Right, the output plane: the circle's image "
        "under f (solid) and under its linearisation f(p) + J(q − p) (dashed), with Jv and u "
        f"at f(p). The two images differ by at most {circle.max_gap:.2e}, about r² times a "
        "second derivative: shrink r and they merge."
    )
    _numbers(result)
    code_behind(("JAX: jax.jvp and jax.vjp, J never formed",
                 jvp_vjp_code(vector, point, tangent, cotangent)))  # fmt: skip


def _numbers(result) -> None:
    def vector_text(values) -> str:
        return "(" + ", ".join(number(v, ".8g") for v in np.ravel(values)) + ")"

    st.table(
        pd.DataFrame(
            [
                {"": "f(p)", "value": vector_text(result.value),
                 "how": "the function at the point"},
                {"": "J v (JVP)", "value": vector_text(result.pushed),
                 "how": "jax.jvp(f, (p,), (v,)): one forward sweep, J never formed"},
                {"": "uᵀ J (VJP)", "value": vector_text(result.pulled),
                 "how": "jax.vjp(f, p), then the pull-back applied to u: one reverse sweep"},
                {"": "J", "value": "; ".join(vector_text(row) for row in result.jacobian),
                 "how": "rows ∂fᵢ/∂(x, y), for checking: J v and uᵀ J by hand"},
            ]
        ).set_index("")
    )  # fmt: skip
