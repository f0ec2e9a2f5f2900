"""Section: value_and_grad with has_aux: a value, a gradient, and something carried along."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.beyond_grad.code_view import has_aux_code
from ui import beyond_grad_cached as cached
from ui.beyond_grad import BOUND
from ui.widgets import code_behind, number

OLD_LINKS = {}  # numbers, written as the number inputs write them


def render() -> None:
    st.markdown(
        "`jax.value_and_grad(f, has_aux=True)` differentiates a function that returns "
        "(value, extra): the extra (a metric, a count, an intermediate) comes back as it "
        "is and is not differentiated. The lecture's f(x, y) = x² + y returns (value, 42)."
    )
    c = st.columns(4)
    x = float(c[0].number_input("x", value=2.0, key="b_ax", step=0.1, format="%.3f", **BOUND))
    y = float(c[1].number_input("y", value=3.0, key="b_ay", step=0.1, format="%.3f", **BOUND))
    result = cached.has_aux(x, y)
    st.table(
        pd.DataFrame(
            [
                {"": "value f(x, y) = x² + y", "result": number(result.value, ".10g")},
                {"": "aux (returned as is)", "result": number(result.aux, ".10g")},
                {"": "gradient ∂f/∂x = 2x", "result": number(result.gradient, ".10g")},
            ]
        ).set_index("")
    )
    code_behind(("JAX: value_and_grad with has_aux", has_aux_code(x, y)))
