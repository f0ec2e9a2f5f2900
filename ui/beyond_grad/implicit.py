"""Section: implicit differentiation of a root, and of a matrix inverse."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from core.beyond_grad.code_typed import implicit_code
from core.beyond_grad.code_view import inverse_code
from core.beyond_grad.figures import root_figure
from core.language.text_input import MAX_LENGTH
from ui import beyond_grad_cached as cached
from ui import charts
from ui.beyond_grad import BOUND
from ui.several_variables.inputs import scalar_function
from ui.widgets import code_behind, matrix_table, number

NAMES = ("x", "a")
F = "a x^3 - x - 2"  # the lecture's F, at a = 2, bracketed by [1, 2]
A0, DA0 = (2.0, 1.0, 1.0, 3.0), (1.0, 0.0, 0.0, 0.0)  # the first view's A and ∂A, by rows
OLD_LINKS = {}  # F as typed, and numbers: written as the widgets write them


def render() -> None:
    st.markdown(
        "A root x*(a) of F(x, a) = 0 found by a solver has no formula to differentiate. "
        "Differentiating F(x*(a), a) = 0 gives the implicit function theorem: "
        "dx*/da = −(∂F/∂a) / (∂F/∂x) at the root, with both partials by JAX."
    )
    c = st.columns([3, 1, 1, 1])
    text = c[0].text_input(
        "F(x, a) =", F, MAX_LENGTH, key="b_if",
        help="e.g. a x^3 - x - 2, x^2 - a, cos(x) - a x", **BOUND,
    )  # fmt: skip
    box = {"step": 0.1, "format": "%.3f", **BOUND}
    a = c[1].number_input("a", value=2.0, key="b_ia", **box)
    low = c[2].number_input("bracket: x from", value=1.0, key="b_ilow", **box)
    high = c[3].number_input("bracket: x to", value=2.0, key="b_ihigh", **box)
    # after a typo, the last F that worked (the lecture's at first): never None
    parsed = scalar_function(text, NAMES, key="b_if", default=F)
    bracket = (float(low), float(high))
    try:
        report = cached.root_report(parsed.text, float(a), bracket)
        curve = cached.root_curve(parsed.text, float(a), bracket)
    except ValueError as error:
        st.error(str(error), icon=":material/error:")
    else:
        _root(report, curve)
        code_behind(("JAX and SciPy: the root by brentq, its derivative by the theorem",
                     implicit_code(parsed, "x", "a", float(a), bracket)))  # fmt: skip
    _inverse()


def _root(report, curve) -> None:
    left, right = st.columns([2, 3])
    rows = [
        ("root x*(a) (scipy brentq)", report.root, ""),
        ("dx*/da: implicit function theorem", report.implicit,
         "−(∂F/∂a)/(∂F/∂x), exact up to rounding"),
        ("dx*/da: central difference of roots", report.finite_difference,
         f"step {report.fd_step:.1e} in a; error ~ step²"),
        ("dx*/da: AD through the bisection", report.through_bisection,
         f"jax.grad through {report.bisection_iterations} unrolled bisection steps: "
         "each iterate is a midpoint of constants, so the answer says nothing"),
        ("∂F/∂x at the root (JAX)", report.dF_dx, ""),
        ("∂F/∂a at the root (JAX)", report.dF_da, ""),
    ]  # fmt: skip
    left.table(
        pd.DataFrame(
            [
                {"": name, "value": number(value, ".15g" if i == 0 else ".10g"), "how": how}
                for i, (name, value, how) in enumerate(rows)
            ]
        ).set_index("")
    )
    with right:
        charts.show(root_figure(curve, report), key="b_i_root")
    st.caption(
        "For the lecture's F = a x³ − x − 2 at a = 2 this is −0.2213991627 in float64; the "
        "lecture's float32 printout reads −0.22139914."
    )


def _inverse() -> None:
    st.subheader("The same idea for a matrix inverse")
    st.markdown(
        "Differentiating A A⁻¹ = I gives ∂(A⁻¹) = −A⁻¹ (∂A) A⁻¹: no need to differentiate "
        "through the solver that inverted A. Checked against jax.jacfwd(jnp.linalg.inv)."
    )
    c = st.columns(8)
    entries = [(f"A{'₁₂'[k // 2]}{'₁₂'[k % 2]}", f"b_iA{k}", A0[k]) for k in range(4)] + [
        (f"∂A{'₁₂'[k // 2]}{'₁₂'[k % 2]}", f"b_idA{k}", DA0[k]) for k in range(4)
    ]
    values = [
        float(c[i].number_input(label, value=value, key=key, step=0.1, format="%.2f", **BOUND))
        for i, (label, key, value) in enumerate(entries)
    ]
    A, dA = tuple(values[:4]), tuple(values[4:])
    try:
        result = cached.inverse_derivative(A, dA)
    except ValueError as error:
        st.error(str(error), icon=":material/error:")
        return
    columns = st.columns(3)
    for column, (title, matrix) in zip(
        columns,
        [("A⁻¹", result.inverse), ("−A⁻¹ (∂A) A⁻¹", result.formula),
         ("jax.jacfwd(jnp.linalg.inv)(A) · ∂A", result.by_jacfwd)],
        strict=True,
    ):  # fmt: skip
        with column:
            st.markdown(f"**{title}**")
            matrix_table(np.asarray(matrix), ["row 1", "row 2"], ["col 1", "col 2"])
    st.caption(f"max |formula − jacfwd| = {result.max_difference:.1e}")
    code_behind(("JAX: the derivative of the inverse two ways",
                 inverse_code(np.reshape(A, (2, 2)), np.reshape(dA, (2, 2)))))  # fmt: skip
