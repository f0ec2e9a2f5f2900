"""Section: JVP and VJP as pictures: a tangent pushed forward, a covector pulled back."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from core.figures.plotting import for_screen
from core.several_variables.code_view import jvp_vjp_code
from core.several_variables.linear_map_figures import push_pull_figure
from ui import charts, url_state
from ui import several_variables_cached as cached
from ui.several_variables.inputs import XY, point_inputs, vector_function
from ui.widgets import code_behind, number

P = "sv_p_"
RADII = [0.01, 0.03, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0]
DEFAULTS = {
    f"{P}f": "[x^2 + y^2, x*y]",
    f"{P}x": 1.0, f"{P}y": 0.5,
    f"{P}vx": 1.0, f"{P}vy": 0.0,
    f"{P}ux": 1.0, f"{P}uy": 0.0,
    f"{P}radius": 0.3,
}  # fmt: skip
FIELDS = [
    url_state.Field("v_pf", f"{P}f", lambda text: text[:500]),
    *(
        url_state.Field(f"v_p{name}", f"{P}{name}", url_state.finite, url_state.write_number)
        for name in ("x", "y", "vx", "vy", "ux", "uy")
    ),
    url_state.Field("v_pr", f"{P}radius", url_state.number_in(RADII), url_state.write_number),
]


def render() -> None:
    c1, c2, c3, c4 = st.columns([3, 1, 1, 2])
    text = c1.text_input("f(x, y) = [f₁, f₂]", key=f"{P}f", help="e.g. [x^2 + y^2, x*y]")
    point = point_inputs((c2, c3), P)
    radius = c4.select_slider("Circle radius r", RADII, key=f"{P}radius")
    d = st.columns(4)
    v = (d[0].number_input("Tangent v: v₁", key=f"{P}vx", step=0.1, format="%.3f"),
         d[1].number_input("Tangent v: v₂", key=f"{P}vy", step=0.1, format="%.3f"))  # fmt: skip
    u = (d[2].number_input("Covector u: u₁", key=f"{P}ux", step=0.1, format="%.3f"),
         d[3].number_input("Covector u: u₂", key=f"{P}uy", step=0.1, format="%.3f"))  # fmt: skip
    # Two components: the covector u has one number per component, and the output plane
    # can be drawn only for two.
    vector = vector_function(text, XY, components=2, key=f"{P}f", default=DEFAULTS[f"{P}f"])
    tangent, cotangent = (float(v[0]), float(v[1])), (float(u[0]), float(u[1]))
    result = cached.push_and_pull(vector.text, point, tangent, cotangent)
    circle = cached.circle_image(vector.text, point, float(radius))
    st.latex(rf"f(x, y) = {vector.latex}")
    charts.show(for_screen(push_pull_figure(result, circle)), key=f"{P}figure")
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
