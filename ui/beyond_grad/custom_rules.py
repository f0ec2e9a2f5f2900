"""Section: custom JVP rules: the lecture's hand-written rule, and why one writes one."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from core.beyond_grad.code_view import custom_jvp_code, softplus_code
from core.beyond_grad.rule_figures import softplus_figure
from ui import beyond_grad_cached as cached
from ui import charts, url_state
from ui.widgets import code_behind, number

P = "bg_c_"
DTYPES = ["float64", "float32"]
DEFAULTS = {f"{P}x": 2.0, f"{P}y": 3.0, f"{P}dx": 1.0, f"{P}dy": 0.0, f"{P}dtype": "float64"}
FIELDS = [
    *(
        url_state.Field(f"b_c{name}", f"{P}{name}", url_state.finite, url_state.write_number)
        for name in ("x", "y", "dx", "dy")
    ),
    url_state.Field("b_ct", f"{P}dtype", url_state.one_of(DTYPES)),
]


def render() -> None:
    st.markdown(
        "`jax.custom_jvp` replaces the derivative JAX would derive with one you write. "
        "Below, the lecture's f(x, y) = sin(x)·y with its rule ∂f = cos(x)·y·ẋ + sin(x)·ẏ."
    )
    c = st.columns(4)
    x = c[0].number_input("x", key=f"{P}x", step=0.1, format="%.3f")
    y = c[1].number_input("y", key=f"{P}y", step=0.1, format="%.3f")
    dx = c[2].number_input("tangent ẋ", key=f"{P}dx", step=0.1, format="%.3f")
    dy = c[3].number_input("tangent ẏ", key=f"{P}dy", step=0.1, format="%.3f")
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
    dtype = st.radio("Precision", DTYPES, key=f"{P}dtype", horizontal=True)
    comparison = cached.softplus(dtype)
    charts.show(softplus_figure(comparison), key=f"{P}softplus")
    st.caption(
        f"In {dtype}, the naive gradient is nan from x ≈ {comparison.breaks_at:.4g} on "
        "(where eˣ overflows); the custom rule's gradient equals the sigmoid everywhere."
    )
    code_behind(("JAX: softplus naive and with a stable custom rule", softplus_code(dtype)))
