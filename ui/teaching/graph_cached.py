"""Cached sweeps and code for the Computational graph section (bounded, shared by sessions).

A graph's two sweeps cost about 3 ms a node (a `jax.jvp` and a `jax.vjp` per primitive),
so they are computed once per canonical f and x₀; stepping through them reruns only the
table and the figure.
"""

from __future__ import annotations

import streamlit as st

from core.teaching.graph import computational_graph
from core.teaching.graph_code import graph_code
from core.teaching.graph_sweeps import GraphSweeps, graph_sweeps
from ui.cached import parse


@st.cache_data(max_entries=256, show_spinner=False)  # up to about 60 kB each (60 nodes)
def sweeps(text: str, x0: float) -> GraphSweeps | str:
    """Both sweeps of f (its canonical text) at x0, or the sentence saying why there are
    none (a graph too large to follow): errors are cached too, so a rerun does not redo them."""
    try:
        return graph_sweeps(computational_graph(parse(text)), x0)
    except ValueError as error:  # ExpressionError is one too
        return getattr(error, "message", None) or str(error)


@st.cache_data(max_entries=128, show_spinner=False)
def code(text: str, x0: float) -> str:
    """The standalone JAX behind the tables, printed from the validated tree of f."""
    return graph_code(computational_graph(parse(text)), x0)
