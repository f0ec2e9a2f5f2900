"""Step by step: the derivative as a chain of rules, a check of a student's own answer,
and the computational graph with its forward and reverse sweeps."""

from __future__ import annotations

import streamlit as st

from ui.sections import render_chosen
from ui.teaching import check, graph, steps

st.title("Step by step")
st.caption(
    "How a derivative is worked out: by hand, one rule at a time; checked against your "
    "own answer; and as automatic differentiation does it, node by node through the "
    "computational graph."
)
render_chosen(
    "t_s",
    {
        "steps": ("Rules, step by step", steps),
        "check": ("Check your answer", check),
        "graph": ("Computational graph", graph),
    },
)
