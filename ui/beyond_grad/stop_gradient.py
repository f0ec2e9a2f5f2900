"""Section: stop_gradient, in the lecture's TD(0) update."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.beyond_grad.code_view import stop_gradient_code
from core.beyond_grad.rule_figures import td_figure
from ui import beyond_grad_cached as cached
from ui import charts
from ui.beyond_grad import BOUND
from ui.widgets import code_behind, number

S_PREV, S = (1.0, 2.0, -1.0), (2.0, 1.0, 0.0)
THETA = (0.1, -0.1, 0.0)  # the first view's θ, and its reward 1
OLD_LINKS = {}  # numbers, written as the sliders write them


def render() -> None:
    st.markdown(
        "`jax.lax.stop_gradient(t)` is t going forward and a constant going back: the "
        "gradient does not flow through it. In TD(0) learning the target r + v(s) is held "
        "fixed while v(s_prev) moves towards it, with v(s) = θ·s and the pseudo-loss "
        "L(θ) = ½ (stop_gradient(r + θ·s) − θ·s_prev)²."
    )
    c = st.columns(4)
    theta = tuple(
        float(c[i].slider(f"θ{'₁₂₃'[i]}", -2.0, 2.0, THETA[i], step=0.1, key=f"b_st{i}", **BOUND))
        for i in range(3)
    )
    r = float(c[3].slider("reward r", -2.0, 2.0, 1.0, step=0.1, key="b_sr", **BOUND))
    st.markdown(f"s_prev = {S_PREV}, s = {S}")
    update = cached.td_update(theta, S_PREV, r, S)
    left, right = st.columns([2, 3])
    with left:
        st.markdown(
            f"v(s_prev) = θ·s_prev = {number(update.value_prev, '.6g')}, target r + θ·s = "
            f"{number(update.target, '.6g')}, TD error = {number(update.td_error, '.6g')}"
        )
        st.table(
            pd.DataFrame(
                {"with stop_gradient (TD update)": [number(v, ".6g") for v in update.semi_gradient],
                 "without (full gradient)": [number(v, ".6g") for v in update.full_gradient]},
                index=["∂L/∂θ₁", "∂L/∂θ₂", "∂L/∂θ₃"],
            )
        )  # fmt: skip
        st.caption(
            "With stop_gradient only v(s_prev) is differentiated: −δ·s_prev. Without it "
            "the target moves too, and the update is δ·(s − s_prev)."
        )
    with right:
        charts.show(td_figure(update), key="b_s_figure")
    code_behind(
        ("JAX: the TD(0) update with stop_gradient", stop_gradient_code(theta, S_PREV, r, S))
    )
