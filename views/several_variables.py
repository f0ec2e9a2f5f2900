"""Several variables: partial derivatives, gradients, Jacobians both ways, JVP and VJP,
Hessians and stationary points, change of variables, three variables, sparse Jacobians
by colouring, Hessian-vector products."""

from __future__ import annotations

import streamlit as st

from ui.sections import render_chosen
from ui.several_variables import (
    change,
    gradient,
    hessians,
    hvp,
    jacobians,
    linear_maps,
    sparse,
    three,
)

st.title("Several variables")
st.caption(
    "Partial derivatives, gradients, Jacobians, Hessians: each by automatic "
    "differentiation (JAX), symbolically (SymPy) and by finite differences where they "
    "apply, with the code behind them."
)
# The code old links named a section by -> (title, section module); only the chosen
# section computes on a rerun. Its URL name v_s is the picker's key.
render_chosen(
    "v_s",
    {
        "gradient": ("Gradient", gradient),
        "jacobian": ("Jacobians: forward and reverse", jacobians),
        "jvp": ("JVP and VJP", linear_maps),
        "hessian": ("Hessian and stationary points", hessians),
        "change": ("Change of variables", change),
        "three": ("Three variables", three),
        "sparse": ("Sparse Jacobians", sparse),
        "hvp": ("Hessian-vector products", hvp),
    },
)
