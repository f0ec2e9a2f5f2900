"""Section: the straight-through estimator: a gradient through a step that has none."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.beyond_grad.code_view import straight_through_code
from core.beyond_grad.rule_figures import rounding_figure
from ui import beyond_grad_cached as cached
from ui import charts
from ui.beyond_grad import BOUND
from ui.widgets import code_behind, number

W = (1.0, 2.0, 3.0)
Y = (0.1, 0.2, 0.7)  # the first view's soft probabilities
OLD_LINKS = {}  # numbers, written as the sliders write them


def _vector(values) -> str:
    return "[" + ", ".join(number(v, ".6g") for v in values) + "]"


def render() -> None:
    st.markdown(
        "Quantising soft probabilities y to a one-hot q(y) has derivative 0 almost "
        "everywhere, so no gradient reaches y. The straight-through estimator uses "
        "y + stop_gradient(q(y) − y): its value is q(y), its gradient that of y."
    )
    c = st.columns(3)
    y = tuple(
        float(c[i].slider(f"y{'₁₂₃'[i]}", 0.0, 1.0, Y[i], step=0.05, key=f"b_ty{i}", **BOUND))
        for i in range(3)
    )
    st.markdown(f"w = {W}; f(y) = wᵀ q(y)")
    try:
        result = cached.quantiser(W, y)
    except ValueError as error:  # a tie in argmax
        st.error(str(error), icon=":material/error:")
        return
    st.table(
        pd.DataFrame(
            [
                {"": "q(y) = one-hot of argmax", "value": number(result.value, ".6g"),
                 "gradient ∂f/∂y": _vector(result.gradient), "q": _vector(result.one_hot)},
                {"": "straight-through: y + stop_gradient(q(y) − y)",
                 "value": number(result.ste_value, ".6g"),
                 "gradient ∂f/∂y": _vector(result.ste_gradient), "q": _vector(result.one_hot)},
            ]
        ).set_index("")
    )  # fmt: skip
    charts.show(rounding_figure(cached.rounding()), key="b_t_rounding")
    st.caption(
        "The same in one dimension: round(x) is a staircase whose true derivative is 0 "
        "(undefined at the jumps); the straight-through estimator pretends it is 1."
    )
    code_behind(("JAX: the straight-through estimator", straight_through_code(W, y)))
