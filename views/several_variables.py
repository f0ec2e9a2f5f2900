"""Several variables: partial derivatives, gradients, Jacobians both ways, JVP and VJP,
Hessians and stationary points, change of variables, three variables."""

from __future__ import annotations

import streamlit as st

from ui import url_state
from ui.several_variables import change, gradient, hessians, jacobians, linear_maps, three

P = "sv_"
# URL code -> (title, section module); only the chosen section computes on a rerun.
SECTIONS = {
    "gradient": ("Gradient", gradient),
    "jacobian": ("Jacobians: forward and reverse", jacobians),
    "jvp": ("JVP and VJP", linear_maps),
    "hessian": ("Hessian and stationary points", hessians),
    "change": ("Change of variables", change),
    "three": ("Three variables", three),
}
TITLES = {code: title for code, (title, _) in SECTIONS.items()}
SECTION = url_state.Field(
    "v_s", f"{P}section", url_state.label_of(TITLES), url_state.write_label(TITLES)
)
DEFAULTS = {f"{P}section": TITLES["gradient"]}
for _, module in SECTIONS.values():
    DEFAULTS.update(module.DEFAULTS)
url_state.restore(
    "several_variables",
    [SECTION, *(field for _, module in SECTIONS.values() for field in module.FIELDS)],
    DEFAULTS,
)

st.title("Several variables")
st.caption(
    "Partial derivatives, gradients, Jacobians, Hessians: each by automatic "
    "differentiation (JAX), symbolically (SymPy) and by finite differences where they "
    "apply, with the code behind them."
)
if st.session_state.get(f"{P}section") is None:  # a second click on a section clears it
    st.session_state[f"{P}section"] = TITLES["gradient"]
title = st.segmented_control(
    "Section", list(TITLES.values()), key=f"{P}section", label_visibility="collapsed"
)
code = next(code for code, name in TITLES.items() if name == title)
module = SECTIONS[code][1]
url_state.save([SECTION, *module.FIELDS], defaults=DEFAULTS)
module.render()
