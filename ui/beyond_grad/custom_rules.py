"""Section: custom JVP rules: the lecture's hand-written rule, and why one writes one."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from core.beyond_grad.code_view import custom_jvp_code, softplus_code
from core.beyond_grad.rule_figures import softplus_figure
from ui import beyond_grad_cached as cached
from ui import charts
from ui.beyond_grad import BOUND
from ui.widgets import code_behind, number

DTYPES = ["float64", "float32"]
OLD_LINKS = {}  # numbers and the precision were written as the widgets write them


def render() -> None:
    st.markdown(
        "`jax.custom_jvp` replaces the derivative JAX would derive with one you write. "
        "Below, the lecture's f(x, y) = sin(x)·y with its rule ∂f = cos(x)·y·ẋ + sin(x)·ẏ."
    )
    c = st.columns(4)
    x = c[0].number_input("x", value=2.0, key="b_cx", step=0.1, format="%.3f", **BOUND)
    y = c[1].number_input("y", value=3.0, key="b_cy", step=0.1, format="%.3f", **BOUND)
    dx = c[2].number_input("tangent ẋ", value=1.0, key="b_cdx", step=0.1, format="%.3f", **BOUND)
    dy = c[3].number_input("tangent ẏ", value=0.0, key="b_cdy", step=0.1, format="%.3f", **BOUND)
    result = cached.custom_jvp(float(x), float(y), (float(dx), float(dy)))
    exact_value = math.sin(x) * y
    exact_tangent = math.cos(x) * y * dx + math.sin(x) * dy
    st.table(
        pd.DataFrame(
            [
                {"": "f(x, y)",
                 "float32 (the lecture's printout)": f"{result.value_float32:.8g}",
                 "float64": number(result.value, ".16g"),
                 "closed form": number(exact_value, ".16g")},
                {"": "JVP along (ẋ, ẏ)", "float32 (the lecture's printout)":
                 f"{result.tangent_float32:.8g}", "float64": number(result.tangent, ".16g"),
                 "closed form": number(exact_tangent, ".16g")},
            ]
        ).set_index("")
    )  # fmt: skip
    code_behind(("JAX: jax.custom_jvp with a hand-written rule", custom_jvp_code(x, y, (dx, dy))))
    st.subheader("Why write a rule: log(1 + eˣ)")
    st.markdown(
        "Written naively, the derivative of softplus(x) = log(1 + eˣ) is eˣ / (1 + eˣ): for "
        "large x both overflow to ∞ and their ratio is nan, although the true derivative "
        "(the sigmoid) is just below 1. A custom rule that computes the sigmoid stably "
        "stays exact."
    )
    dtype = st.radio("Precision", DTYPES, key="b_ct", horizontal=True, **BOUND)
    comparison = cached.softplus(dtype)
    charts.show(softplus_figure(comparison), key="b_c_softplus")
    st.caption(
        f"In {dtype}, the naive gradient is nan from x ≈ {comparison.breaks_at:.4g} on "
        "(where eˣ overflows); the custom rule's gradient equals the sigmoid everywhere."
    )
    code_behind(("JAX: softplus naive and with a stable custom rule", softplus_code(dtype)))
