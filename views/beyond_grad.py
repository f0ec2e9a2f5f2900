"""Beyond grad: custom derivative rules, stop_gradient, the straight-through estimator,
implicit differentiation, has_aux, per-example gradients, expression swell, and fixed
points."""

from __future__ import annotations

import streamlit as st

from ui.beyond_grad import (
    custom_rules,
    fixed_points,
    has_aux,
    implicit,
    per_example,
    stop_gradient,
    straight_through,
    swell,
)
from ui.sections import render_chosen

st.title("Beyond grad")
st.caption(
    "Where plain jax.grad stops being enough: rules you write yourself, gradients you "
    "stop or fake, derivatives of a solver's answer, and why AD is not symbolic algebra."
)
render_chosen(
    "b_s",
    {
        "custom": ("Custom JVP rules", custom_rules),
        "stop": ("stop_gradient", stop_gradient),
        "ste": ("Straight-through estimator", straight_through),
        "implicit": ("Implicit differentiation", implicit),
        "aux": ("has_aux", has_aux),
        "per_example": ("Per-example gradients", per_example),
        "swell": ("Why AD is not symbolic", swell),
        "fixed": ("Fixed points", fixed_points),
    },
)
