"""Section: per-example gradients and Hessians with vmap."""

from __future__ import annotations

import streamlit as st

from core.beyond_grad.code_view import per_example_code
from ui import beyond_grad_cached as cached
from ui.beyond_grad import BOUND
from ui.widgets import code_behind, matrix_table, number

W, X0 = (1.0, 1.0, 1.0), (1.0, 2.0, 3.0)  # the first view's weights and row x₀
OLD_LINKS = {}  # numbers, written as the number inputs write them


def render() -> None:
    st.markdown(
        "`jax.grad` of a summed loss gives one gradient for the batch; "
        "`jax.vmap(jax.grad(loss), in_axes=(None, 0))` gives one per example, in one call: "
        "the weights are shared (None), the rows are mapped (0)."
    )
    c = st.columns(6)
    w = tuple(
        float(c[i].number_input(f"w{'₁₂₃'[i]}", value=W[i], key=f"b_pw{i}", step=0.5, **BOUND))
        for i in range(3)
    )
    x0 = tuple(
        float(
            c[3 + i].number_input(f"x₀{'₁₂₃'[i]}", value=X0[i], key=f"b_px{i}", step=0.5, **BOUND)
        )
        for i in range(3)
    )
    st.markdown("loss(w, x) = w·x, over the rows x₀ and x₁ = 2x₀: its gradient in w is x itself.")
    gradients = cached.per_example_gradients(w, x0)
    matrix_table(
        gradients, ["example 0: ∂loss/∂w at x₀", "example 1: at x₁ = 2x₀"], ["w₁", "w₂", "w₃"]
    )
    st.subheader("Per-example Hessians of the logistic loss")
    check = cached.logistic_hessians()
    st.markdown(
        f"For {check.count} examples of a logistic regression, the Hessians of each "
        "example's loss (vmap of jax.hessian) summed equal the batch Hessian XᵀSX, "
        "S = diag(p(1 − p)): the lecture's check."
    )
    left, right = st.columns(2)
    size = check.batch.shape[0]
    names = [f"w{i}" for i in range(size)]
    with left:
        st.markdown("**Σ per-example Hessians**")
        matrix_table(check.per_example_sum, names, names, ".8g")
    with right:
        st.markdown("**XᵀSX**")
        matrix_table(check.batch, names, names, ".8g")
    st.caption(f"max difference: {number(check.max_difference, '.1e')}")
    st.caption("The Regression page's per-example gradients are this vmap, on its own data.")
    code_behind(("JAX: per-example gradients and Hessians with vmap", per_example_code(w, x0)))
