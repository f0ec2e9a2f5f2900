"""Section: the Jacobian of a typed vector function, by forward and by reverse mode."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from core.several_variables.code_view import jacobian_code
from ui import several_variables_cached as cached
from ui import symbolic_jobs
from ui.several_variables.inputs import (
    SECTION_WIDGET,
    XY,
    function_input,
    point_inputs,
    vector_function,
)
from ui.widgets import code_behind, example_picker, matrix_table

P = "v_j"  # the URL names: v_jf, v_jx, v_jy, v_jtime (time the typed f)
EXAMPLES = {
    "[x^2*y, 5x + sin(y)]": "pycse's example: J(0.5, 0.5) = [[0.5, 0.25], [5, 0.87758]]",
    "[x^2 + y^2, x*y]": "the lecture's map of the plane",
    "[x cos(y), x sin(y), x]": "a cone in ℝ³ (tall: 3 outputs, 2 inputs)",
    "x^2 y + exp(y)": "one function: J is ∇f as a row",
}
DEFAULT_F = "[x^2*y, 5x + sin(y)]"
DEFAULT_POINT = (0.5, 0.5)
OLD_LINKS = {}  # every value is written as old links wrote it


def render() -> None:
    c1, c2, c3, c4 = st.columns([3, 2, 1, 1])
    text = function_input(
        c1, "f(x, y) = [f₁, f₂, …]", f"{P}f", DEFAULT_F,
        "1 to 4 components, e.g. [x^2*y, 5x + sin(y)]", vector=True,
    )  # fmt: skip
    example_picker(c2, EXAMPLES, P)
    point = point_inputs((c3, c4), P, DEFAULT_POINT)
    vector = vector_function(text, XY, key=f"{P}f", default=DEFAULT_F)
    forward, reverse = cached.jacobians(vector.text, point)
    job = cached.symbolic_jacobian_job(vector, point)
    drawn = job.done  # read once: a job done later is polled, not lost
    exact = job.value() if drawn else None
    st.latex(rf"f(x, y) = {vector.latex}")
    rows = [f"∂f{_sub(i + 1)}" for i in range(len(vector))]
    columns = ["/∂x", "/∂y"]
    left, middle, right = st.columns(3)
    with left:
        st.markdown(f"**jax.jacfwd** — {len(vector.variables)} JVPs, one per column")
        matrix_table(forward, rows, columns)
    with middle:
        st.markdown(f"**jax.jacrev** — {len(vector)} VJPs, one per row")
        matrix_table(reverse, rows, columns)
    with right:
        st.markdown("**exact** (SymPy)")
        matrix_table(None if exact is None else exact.values, rows, columns)
    _agreement(forward, reverse, exact)
    symbolic_jobs.when_pending([] if drawn else [job])
    _why_both(vector)
    code_behind(("JAX: jacfwd and jacrev, and the sweeps each needs",
                 jacobian_code(vector, point)))  # fmt: skip


def _sub(n: int) -> str:
    return "₀₁₂₃₄₅₆₇₈₉"[n]


def _agreement(forward: np.ndarray, reverse: np.ndarray, exact) -> None:
    sentence = f"max |jacfwd − jacrev| = {np.max(np.abs(forward - reverse)):.1e}"
    if exact is not None and exact.values is not None:
        with np.errstate(invalid="ignore"):
            gap = np.nanmax(np.abs(forward - exact.values))
        sentence += f"; max |AD − exact| = {gap:.1e}"
    st.caption(f"{sentence}: the same matrix, up to rounding.")
    if exact is not None and exact.message:
        st.info(exact.message, icon=":material/hourglass_disabled:")
    if exact is not None and exact.latex:
        body = r" \\ ".join(" & ".join(row) for row in exact.latex)
        st.latex(rf"J(x, y) = \begin{{bmatrix}} {body} \end{{bmatrix}}")


def _why_both(vector) -> None:
    st.subheader("Why both exist: tall and wide Jacobians")
    st.markdown(
        "Forward mode pushes one tangent vector through f per **column** of J (a JVP); "
        "reverse mode pulls one covector back per **row** (a VJP). So a *tall* J (few "
        "inputs, many outputs) is cheaper forward and a *wide* J (many inputs, few outputs — "
        "a loss of many parameters) is cheaper in reverse. Below, f is made tall and "
        "wide, and timed."
    )
    example = cached.parse_vector(DEFAULT_F, XY)
    mine = vector.text != example.text and st.toggle(
        "Time your f (about 0.3 s of the server's time; the table below is the example's "
        "until then)", key=f"{P}time", **SECTION_WIDGET,
    )  # fmt: skip
    timed = vector if mine else example
    if timed is example:
        # In backticks: the canonical text's `*` would otherwise turn into italics.
        st.caption(f"Timed: the example f(x, y) = [x²y, 5x + sin y] (`{DEFAULT_F}`).")
    timings = cached.mode_timings(timed.text)
    table = pd.DataFrame(
        [
            {"example": t.label, "inputs d": t.inputs, "outputs m": t.outputs,
             "JVPs (forward)": t.jvps, "VJPs (reverse)": t.vjps,
             "forward (ms)": f"{1e3 * t.forward_seconds:.2f}",
             "reverse (ms)": f"{1e3 * t.reverse_seconds:.2f}",
             "faster": t.verdict,
             "|J_fwd − J_rev|": f"{t.max_difference:.1e}"}
            for t in timings
        ]
    ).set_index("example")  # fmt: skip
    st.table(table)
    st.caption(
        "Each J is built sweep by sweep, at (x, y) = (0.5, 0.5): forward mode pushes the d "
        "basis vectors through one linearisation, reverse mode pulls the m basis covectors "
        "back through one VJP, so the time follows the sweep counts. Times: the median of "
        "3 to 5 runs on this server when this f was first typed (shared by everyone who "
        "types it); they vary with the machine, the ratio much less. A mode is called "
        "faster only when every one of its runs beat every run of the other; otherwise "
        "the difference is within the noise of the measurement. jax.jacfwd and "
        "jax.jacrev batch their sweeps with vmap, which hides the counts until jit compiles them."
    )
