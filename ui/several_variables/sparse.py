"""Section: a sparse Jacobian from 3 or 5 JVPs by colouring its columns, against dense ones."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.figures.plotting import for_screen
from core.several_variables.sparse_comparison import SIZES
from core.several_variables.sparse_figures import (
    colouring_figure,
    compression_figure,
    pattern_figure,
    timing_figure,
)
from ui import charts
from ui import several_variables_cached as cached
from ui.several_variables.inputs import SECTION_WIDGET, function_input, scalar_function

P = "v_s"  # the URL names: v_sres (1d or 2d), v_sg (g of u), v_sn (1-D n), v_sn2 (2-D n = m²)
DEFAULT_G = "-e^u"  # Bratu's problem u'' + λ e^u = 0 with λ = 1
DEFAULT_N = {"1d": 1000, "2d": 900}
SIZE_KEYS = {"1d": f"{P}n", "2d": f"{P}n2"}
SIZE_LABELS = {"1d": "Unknowns n", "2d": "Unknowns n = m × m (grid side m)"}
RESIDUAL_LATEX = {
    "1d": r"F_i(u) = u_{i-1} - 2u_i + u_{i+1} - h^2\, g(u_i),\quad h = \tfrac{1}{n+1},"
    r"\ u_0 = u_{n+1} = 0",
    "2d": r"F_{ij}(u) = u_{i-1,j} + u_{i+1,j} + u_{i,j-1} + u_{i,j+1} - 4u_{ij} - h^2\, g(u_{ij}),"
    r"\quad h = \tfrac{1}{m+1}",
}
OLD_LINKS = {}  # no link was written before this section


def render() -> None:
    st.markdown(
        "A differential equation discretised on n points gives n equations F(u) = 0 in n "
        "unknowns, and Newton's method needs their n × n Jacobian. Each equation touches only "
        "its neighbours, so J has 3 (1-D) or 5 (2-D) nonzeros per row. The pattern is read "
        "from F's jaxpr (not written by hand), its columns are coloured so that columns of "
        "one colour share no row, and one JVP per colour gives every nonzero."
    )
    c1, c2, c3 = st.columns([1, 2, 2])
    residual = c1.segmented_control(
        "Grid", list(SIZES), default="1d", key=f"{P}res", required=True, **SECTION_WIDGET,
        help="1d: u″ = g(u) on (0, 1), the three-point stencil; 2d: Δu = g(u) on the unit "
        "square, the five-point stencil",
    )  # fmt: skip
    text = function_input(
        c2, "g(u) =", f"{P}g", DEFAULT_G,
        "A function of u only, applied to every unknown: -e^u is Bratu's problem with λ = 1; "
        "try -3 e^u, u^3, sin(u)",
    )  # fmt: skip
    n = c3.select_slider(
        SIZE_LABELS[residual], SIZES[residual], value=DEFAULT_N[residual],
        key=SIZE_KEYS[residual], **SECTION_WIDGET,
    )  # fmt: skip
    g = scalar_function(text, cached.U, key=f"{P}g", default=DEFAULT_G)
    st.latex(rf"{RESIDUAL_LATEX[residual]},\qquad g(u) = {g.latex}")
    try:
        view = cached.sparse_view(residual, g.text, int(n))
    except ValueError as error:
        st.error(str(error), icon=":material/error:")
        return
    _numbers(view)
    _pictures(view)
    _timings(residual, g.text, int(n))
    st.markdown(
        "**Why simulations do it this way.** A simulation with a million unknowns has a "
        "Jacobian of 10¹² entries, too many to store or to fill by a million JVPs, yet each "
        "equation touches only a few neighbours. So implicit solvers (PETSc, SUNDIALS, "
        "SciML's sparse AD) detect the pattern once, colour it, and get every nonzero from a "
        "handful of directional derivatives, however fine the grid."
    )


def _numbers(view) -> None:
    m = round(view.n**0.5)
    side = f" ({m} × {m} grid)" if view.residual == "2d" else ""
    share = 100 * view.nonzeros / view.n**2
    st.markdown(
        f"**{view.n_passes} JVPs instead of {view.n}**: {view.n_passes} colours for "
        f"n = {view.n}{side} unknowns, max |J (coloured) − jax.jacfwd| = "
        f"**{view.max_difference:.1e}**."
    )
    rows = [
        ("unknowns n", f"{view.n}{side}"),
        ("nonzeros of J (the pattern)", f"{view.nonzeros} of {view.n**2} ({share:.2g} %)"),
        ("colours = JVPs (passes)", str(view.n_passes)),
        ("fewest possible (most nonzeros in a row)", str(view.fewest_possible)),
        ("columns of one colour share no row", "yes" if view.valid else "NO"),
        ("max |J (coloured) − jax.jacfwd(F)|", f"{view.max_difference:.1e}"),
    ]
    st.table(pd.DataFrame(rows, columns=["", "value"]).set_index(""))


def _pictures(view) -> None:
    block = (
        f"The whole {view.n} × {view.n} matrix."
        if view.block == view.n
        else f"Only the top-left {view.block} × {view.block} block of the {view.n} × {view.n} "
        "matrix is drawn; the rest repeats it."
    )
    left, right = st.columns(2)
    with left:
        st.markdown("**Sparsity pattern**, detected from F's jaxpr")
        charts.show(for_screen(pattern_figure(view)), key=f"{P}_pattern")
    with right:
        st.markdown("**Column colouring**: no row holds two cells of one colour")
        charts.show(for_screen(colouring_figure(view)), key=f"{P}_colouring")
    st.caption(block)
    st.markdown(
        f"**Compressed Jacobian** B = J S ({view.n} × {view.n_passes}: column c is the JVP "
        "whose seed is 1 on every column of colour c) and **J decompressed** from it: "
        "J_ij = B[i, colour(j)] wherever the pattern has (i, j)."
    )
    charts.show(for_screen(compression_figure(view)), key=f"{P}_compression")
    st.caption(f"{block} Blank cells are structural zeros.")


def _timings(residual: str, g_text: str, n: int) -> None:
    st.subheader("Time and passes against n")
    timings = cached.sparse_timings(residual, g_text, n)
    table = pd.DataFrame(
        [
            {"n": t.n, "passes: jacfwd": t.n, "passes: jacrev": t.n,
             "passes: coloured": t.colours,
             "jacfwd (ms)": f"{1e3 * t.dense_forward_seconds:.3g}",
             "jacrev (ms)": f"{1e3 * t.dense_reverse_seconds:.3g}",
             "coloured (ms)": f"{1e3 * t.coloured_seconds:.3g}",
             "pattern + colouring (ms, once)": f"{1e3 * t.setup_seconds:.3g}"}
            for t in timings
        ]
    ).set_index("n")  # fmt: skip
    st.table(table)
    charts.show(timing_figure(timings), key=f"{P}_timing")
    st.caption(
        "Measured on this server, each size once for this g (shared by everyone who asks "
        "for it), the sizes up to the chosen n: choose a larger n to measure more. Times are "
        "the median of the second and later calls (the first compiles JAX's primitives). "
        "jacfwd and jacrev batch their n passes with vmap into one sweep over n × n arrays, "
        "so small n is decided by the fixed cost of a call, large n by the n² work; the "
        "coloured passes stay 3 or 5. Detecting the pattern and colouring is paid once per "
        "problem, not per Jacobian."
    )
