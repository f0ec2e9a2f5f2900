"""Section: change of variables: a map's Jacobian determinant, and an area computed two ways."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from core.figures.plotting import for_screen
from core.several_variables.change_figures import change_figure
from core.several_variables.code_hessians_and_areas import change_of_variables_code
from core.several_variables.maps import POLAR, VARIABLES
from ui import charts
from ui import several_variables_cached as cached
from ui.several_variables.inputs import coordinate_input, function_input, vector_function
from ui.widgets import code_behind, example_picker, number

P = "v_c"  # the URL names: v_cf, v_cu0, v_cu1, v_cv0, v_cv1, v_cpu, v_cpv
OLD_LINKS = {}  # every value is written as old links wrote it
EXAMPLES = {
    POLAR: "polar coordinates (u = ρ, v = θ): the unit disc, area π",
    "[2u cos(v), u sin(v)]": "an ellipse with semi-axes 2 and 1: area 2π",
    "[u + v/2, v]": "a shear: areas kept, det J = 1",
    "[u^2 - v^2, 2u v]": "z ↦ z²: areas grow like 4|z|²",
}


def render() -> None:
    c1, c2 = st.columns([3, 2])
    text = function_input(
        c1, "(x, y) = T(u, v) = [x(u, v), y(u, v)]", f"{P}f", POLAR,
        "e.g. [u cos(v), u sin(v)]", vector=True,
    )  # fmt: skip
    example_picker(c2, EXAMPLES, P)
    d = st.columns(6)
    u_range = (coordinate_input(d[0], "u from", f"{P}u0", 0.0, "%.4f"),
               coordinate_input(d[1], "u to", f"{P}u1", 1.0, "%.4f"))  # fmt: skip
    v_range = (coordinate_input(d[2], "v from", f"{P}v0", 0.0, "%.4f"),
               coordinate_input(d[3], "v to", f"{P}v1", 2 * math.pi, "%.4f"))  # fmt: skip
    point = (coordinate_input(d[4], "Point u", f"{P}pu", 0.5),
             coordinate_input(d[5], "Point v", f"{P}pv", 1.0))  # fmt: skip
    mapping = vector_function(text, VARIABLES, components=2, key=f"{P}f", default=POLAR)
    if not (u_range[0] < u_range[1] and v_range[0] < v_range[1]):
        st.error(
            "Each range needs from < to: the (u, v) box must have an inside.",
            icon=":material/error:",
        )
        return
    u_range, v_range = tuple(map(float, u_range)), tuple(map(float, v_range))
    view = cached.change_of_variables_view(mapping.text, u_range, v_range)
    if isinstance(view, str):  # an integral that does not converge
        st.error(view, icon=":material/error:")
        return
    polar = mapping.text == cached.parse_vector(POLAR, VARIABLES).text
    st.latex(rf"T(u, v) = {mapping.latex}")
    names = {"xy_title": "(x, y) = T(u, v)"}
    if polar:
        names |= {"u_title": "u = ρ", "v_title": "v = θ", "uv_title": "(u, v) = (ρ, θ)",
                 "u_name": "ρ", "v_name": "θ"}  # fmt: skip
    figure = change_figure(view["image"], view["determinants"], **names)
    charts.show(for_screen(figure), key=f"{P}_figure")
    st.caption(
        "Left: the (u, v) box and its grid. Right: its image under T. Each small cell of "
        "area du dv becomes a curved cell of area |det J| du dv: for polar coordinates "
        "det J = ρ, so the cells near the centre are squashed."
    )
    exact = f" (for polar coordinates ρ = {point[0]:g})" if polar else ""
    determinant = cached.jacobian_determinant(mapping.text, tuple(map(float, point)))
    st.markdown(
        f"**det J at (u, v) = ({point[0]:g}, {point[1]:g})**, by AD "
        f"(det of jax.jacfwd(T)): {number(determinant)}{exact}."
    )
    _areas(view, polar, u_range, v_range)
    code_behind(("JAX and SciPy: det J by AD, the area two ways",
                 change_of_variables_code(mapping, u_range, v_range)))  # fmt: skip


def _areas(view, polar: bool, u_range, v_range) -> None:
    disc = None
    if polar and u_range[0] == 0 and v_range == (0.0, 2 * math.pi):
        disc = cached.disc_area(u_range[1])
    st.table(area_table(view, u_range, disc))


def area_table(view, u_range, disc=None) -> pd.DataFrame:
    """The areas compared, one row per way; `disc`: the disc's area in (x, y), for polar
    coordinates over a whole disc. Every column holds text: a column of numbers and dashes
    is not one Arrow type, and Streamlit would log a traceback converting it."""
    area = view["area"]
    rows = [
        {"": "∫∫ |det J| du dv (scipy dblquad)", "area": f"{area.value:.15g}",
         "error estimate": f"{area.error_estimate:.1e}", "evaluations": f"{area.evaluations:,}",
         "how": area.how},
        {"": "the image's boundary (shoelace)", "area": f"{view['boundary']:.15g}",
         "error estimate": "—", "evaluations": "—",
         "how": "signed area inside T(box's edge), by Green's theorem: equal for a one-to-one T"},
    ]  # fmt: skip
    if disc is not None:
        rows.append(
            {"": "∫∫ 1 dy dx over the disc (scipy dblquad)", "area": f"{disc.value:.15g}",
             "error estimate": f"{disc.error_estimate:.1e}", "evaluations": f"{disc.evaluations:,}",
             "how": disc.how}
        )  # fmt: skip
        rows.append(
            {"": "π r² (exact)", "area": f"{math.pi * u_range[1] ** 2:.15g}",
             "error estimate": "—", "evaluations": "—", "how": "the closed form"}
        )  # fmt: skip
    return pd.DataFrame(rows).set_index("")
