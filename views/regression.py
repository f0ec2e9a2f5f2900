"""Regression: linear, polynomial and logistic fits driven by JAX gradients."""

from __future__ import annotations

import streamlit as st

from ui import old_links
from ui.regression import linear, logistic, polynomial

TABS = {  # the code old links named a tab by -> its label (the link writes the label)
    "linear": "Linear",
    "polynomial": "Polynomial",
    "logistic": "Logistic",
}

old_links.upgrade(
    {"r_tab": old_links.codes(TABS), **linear.OLD_LINKS, **polynomial.OLD_LINKS,
     **logistic.OLD_LINKS}
)  # fmt: skip
st.title("Regression")
st.caption(
    "Fitting a model is minimising a loss. Here the gradient of each loss comes from "
    "`jax.grad`, and simple descent methods race the closed-form or library answer."
)
# The open tab is bound to the link. Every tab still runs, so that the link holds every
# tab's values (a control not drawn leaves the link) and a tab opens without waiting. Every
# control is drawn on every run: no persist_state is needed; the bound values come back
# after a visit to another page, as a student who set up a fit expects.
linear_tab, polynomial_tab, logistic_tab = st.tabs(
    list(TABS.values()), key="r_tab", bind="query-params"
)
with linear_tab:
    linear.render()
with polynomial_tab:
    polynomial.render()
with logistic_tab:
    logistic.render()
