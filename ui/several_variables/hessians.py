"""Section: the Hessian, what its eigenvalues say, and stationary points found by Newton."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from core.figures.plotting import for_screen
from core.several_variables.code_hessians_and_areas import hessian_code
from core.several_variables.gradient_figures import gradient_figure
from ui import charts, symbolic_jobs
from ui import several_variables_cached as cached
from ui.several_variables.inputs import (
    SECTION_WIDGET,
    XY,
    function_input,
    point_from_click,
    point_inputs,
    scalar_function,
)
from ui.widgets import code_behind, example_picker, matrix_table, number

P = "v_h"  # the URL names: v_hf, v_hx, v_hy, v_hr (the search box's R)
DEFAULT_F = "(x^2 + y - 11)^2 + (x + y^2 - 7)^2"
OLD_LINKS = {}  # every value is written as old links wrote it
EXAMPLES = {
    "(x^2 + y - 11)^2 + (x + y^2 - 7)^2": "Himmelblau: 4 minima, a maximum, 4 saddles",
    "x^2 + y^2": "a bowl: H = 2I everywhere",
    "(1 - x)^2 + 100(y - x^2)^2": "Rosenbrock: H(1, 1) = [[802, −400], [−400, 200]]",
    "x^2 - y^2": "a saddle: eigenvalues of both signs",
    "x^3 - 3x y^2": "a monkey saddle: H = 0 at the origin, degenerate",
    "sin(x) cos(y)": "an egg box of minima, maxima and saddles",
}
RANGES = [1, 2, 3, 4, 5, 6, 8, 10]


def _move() -> None:
    point_from_click(f"{P}_contour", f"{P}x", f"{P}y")


def render() -> None:
    c1, c2, c3, c4, c5 = st.columns([3, 2, 1, 1, 2])
    text = function_input(c1, "f(x, y) =", f"{P}f", DEFAULT_F, "e.g. x^2 - y^2, x^4 + y^4")
    example_picker(c2, EXAMPLES, P)
    point = point_inputs((c3, c4), P, (3.0, 2.0))
    half = c5.select_slider(
        "Search box: x, y ∈ [−R, R]", RANGES, value=5, key=f"{P}r", **SECTION_WIDGET
    )
    parsed = scalar_function(text, key=f"{P}f", default=DEFAULT_F)
    box = (-float(half), float(half))
    search = cached.stationary_points(parsed.text, box, box)
    field = cached.gradient_field(parsed.text, box, box)
    marks = [(float(s.point[0]), float(s.point[1]), s.kind) for s in search.points]
    left, right = st.columns([1, 1])
    try:
        report = cached.hessian_report(parsed.text, point)
    except ValueError as error:
        report = None
        right.error(str(error), icon=":material/error:")
    gradient = (
        np.full(2, np.nan) if report is None else cached.partials_at(parsed.text, XY, point).ad
    )
    with left:
        charts.show(
            for_screen(gradient_figure(field, point, gradient, marks=marks)), key=f"{P}_contour",
            on_select=_move, selection_mode="points",
        )  # fmt: skip
    left.caption("Click the plot to move the point p. Marks: stationary points, by kind.")
    if report is not None:
        with right:
            _hessian_at(parsed, point, report)
    _stationary_table(search)
    code_behind(("JAX: the Hessian, its eigenvalues, and Newton on ∇f = 0",
                 hessian_code(parsed, point, x_range=box, y_range=box)))  # fmt: skip


def _hessian_at(parsed, point: tuple, report) -> None:
    job = cached.symbolic_partials_job(parsed, point, second=True)
    drawn = job.done  # read once: a job done later is polled, not lost
    exact = job.value() if drawn else None
    names = ["∂/∂x", "∂/∂y"]
    st.markdown(f"**Hessian at p = ({point[0]:.4g}, {point[1]:.4g})** — by AD, jacfwd(jacrev(f))")
    matrix_table(report.hessian, [f"∂f{n[1:]}" for n in names], names)
    st.markdown("**symbolic** (SymPy)")
    matrix_table(None if exact is None else exact.hessian, [f"∂f{n[1:]}" for n in names], names)
    if exact is not None and exact.message:
        st.info(exact.message, icon=":material/hourglass_disabled:")
    eigenvalues = ", ".join(number(v, ".6g") for v in report.eigenvalues)
    st.markdown(f"Eigenvalues: **{eigenvalues}** — {report.kind}")
    st.info(report.sentence, icon=":material/lightbulb:")
    symbolic_jobs.when_pending([] if drawn else [job])


def _stationary_table(search) -> None:
    st.subheader("Stationary points in the box: Newton on ∇f = 0")
    lost = f"; {search.diverged} left the box, met a singular Hessian or did not converge"
    st.caption(
        f"Newton's method p ← p − H(p)⁻¹ ∇f(p) from a grid of {search.starts} starts "
        f"(at most {search.iterations} steps each){lost if search.diverged else ''}. "
        "Each point is classified by the eigenvalues of its Hessian."
    )
    if not search.points:
        st.info(
            "No stationary points found in the box: ∇f is never zero there, or Newton's "
            "method found none from these starts.",
            icon=":material/info:",
        )
        return
    st.table(
        pd.DataFrame(
            [
                {"x": f"{s.point[0]:.6f}", "y": f"{s.point[1]:.6f}", "f": number(s.value, ".8g"),
                 "kind": s.kind,
                 "eigenvalues of H": ", ".join(number(v, ".5g") for v in s.eigenvalues),
                 "|∇f|": f"{s.gradient_norm:.1e}", "starts that ended here": s.starts}
                for s in search.points
            ]
        )
    )  # fmt: skip
