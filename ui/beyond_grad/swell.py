"""Section: why AD is not symbolic: the size of SymPy's derivatives against JAX's jaxpr."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.beyond_grad.code_typed import swell_code
from core.beyond_grad.figures import swell_figure
from core.beyond_grad.swell import DEFAULT_FUNCTION
from core.language.text_input import MAX_LENGTH
from ui import beyond_grad_cached as cached
from ui import charts, symbolic_jobs
from ui.beyond_grad import BOUND
from ui.several_variables.inputs import scalar_function
from ui.widgets import code_behind

OLD_LINKS = {}  # f as typed, the order as a number: as the widgets write them


def render() -> None:
    st.markdown(
        "Symbolic differentiation writes each derivative out as a formula tree, and the "
        "trees grow with every order (expression swell); common-subexpression elimination "
        "(cse) shares the repeated parts and removes most of it. AD never writes a formula: "
        "JAX traces a program (a jaxpr) that evaluates the derivative. How big that program "
        "is depends on how it is asked for: nested jax.grad re-differentiates the whole "
        "program each order and swells fastest of all, while Taylor mode (jet, what the "
        "Explorer uses) carries all orders in one pass and grows only polynomially."
    )
    c = st.columns([3, 2])
    text = c[0].text_input(
        "f(x) =", DEFAULT_FUNCTION, MAX_LENGTH, key="b_wf",
        help="e.g. sin(x) exp(−x²/2), x^x, tan(x)", **BOUND,
    )  # fmt: skip
    order = c[1].slider("Highest order", 1, 8, 8, key="b_wn", **BOUND)
    parsed = scalar_function(text, ("x",), key="b_wf", default=DEFAULT_FUNCTION)
    job = cached.swell_job(parsed, int(order))
    if not job.done:
        symbolic_jobs.when_pending([job])
        return
    swell = job.value()
    if swell.message:
        st.info(swell.message, icon=":material/hourglass_disabled:")
    charts.show(swell_figure(swell), key="b_w_figure")
    st.table(
        pd.DataFrame(
            [
                {"": "f" if row.order == 0 else f"order {row.order}",
                 "SymPy: count_ops": "—" if row.sympy_ops is None else f"{row.sympy_ops:,}",
                 "SymPy with cse": "—" if row.sympy_cse_ops is None else f"{row.sympy_cse_ops:,}",
                 "JAX nested grad: jaxpr equations":
                     "—" if row.jaxpr_equations is None else f"{row.jaxpr_equations:,}",
                 "JAX Taylor mode: jaxpr equations": f"{row.taylor_equations:,}"}
                for row in swell.rows
            ]
        ).set_index("")
    )  # fmt: skip
    st.caption(
        "Sizes: SymPy's count_ops of the k-th derivative (with cse: of the shared pieces "
        "and the reduced formula together); JAX's number of jaxpr equations, counting "
        "those inside sub-programs. Nested grad is traced only while it stays under "
        "a few hundred equations (—: not traced, it would take seconds)."
    )
    code_behind(("SymPy and JAX: the sizes, measured", swell_code(parsed, int(order))))
