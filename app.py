"""Derivative Explorer: the router. Run with `make run` (or `streamlit run app.py`)."""

import os

# One BLAS thread: SciPy's optimizers call BLAS on 2x2 problems, where OpenBLAS's worker
# threads only fight JAX's for the cores (the trajectory set took 420 ms instead of 140).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import streamlit as st

from ui import instructor  # Streamlit only: the link's flags decide the sidebar's state

st.set_page_config(
    page_title="Derivative Explorer", page_icon=":material/functions:", layout="wide",
    initial_sidebar_state=instructor.sidebar_state(),  # a student's link starts it closed
)  # fmt: skip

from ui import cached, phone, presets  # noqa: E402  (after set_page_config: importing core loads JAX)
from ui.widgets import scrolling_latex  # noqa: E402

scrolling_latex()

device = cached.warm_up()

page = st.navigation(
    [
        st.Page("views/explorer.py", title="Explorer", icon=":material/show_chart:", default=True),
        st.Page("views/fd_lab.py", title="Finite-differences lab", icon=":material/science:"),
        st.Page("views/data.py", title="Derivatives of data", icon=":material/scatter_plot:"),
        # A short title: a long one is cut in the sidebar when its page is selected.
        st.Page("views/kinks.py", title="Kinks and programs", icon=":material/route:"),
        st.Page("views/several_variables.py", title="Several variables", icon=":material/grid_on:"),
        st.Page("views/regression.py", title="Regression", icon=":material/trending_up:"),
        st.Page("views/descent.py", title="Descent trajectories", icon=":material/moving:"),
        st.Page("views/beyond_grad.py", title="Beyond grad", icon=":material/alt_route:"),
        st.Page("views/teaching.py", title="Step by step", icon=":material/school:"),
    ]
)
with st.sidebar:
    st.caption(
        "Derivatives three ways: automatic differentiation (JAX), symbolic (SymPy) and "
        f"finite differences (NumPy). JAX runs on **{device}**."
    )
    if not instructor.locks_view():  # a student's link: no way to other pages
        presets.picker()
instructor.apply()
phone.apply(page.url_path)
with presets.banner(page):  # the lecture preset's note, above the page
    page.run()
instructor.panel(page.url_path)
