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

from ui import cached, navigate, notebook_button, pages, phone, presets  # noqa: E402  (after set_page_config: importing core loads JAX)
from ui.classroom import live  # noqa: E402
from ui.widgets import scrolling_latex  # noqa: E402

scrolling_latex()

device = cached.warm_up()

PAGES = pages.pages()  # page file -> its page
page = st.navigation(list(PAGES.values()))
current = next(file for file, each in PAGES.items() if each.url_path == page.url_path)
navigate.resume(current)  # a view opened on its own page passes through views/go.py
with st.sidebar:
    st.caption(
        "Derivatives three ways: automatic differentiation (JAX), symbolic (SymPy) and "
        f"finite differences (NumPy). JAX runs on **{device}**."
    )
    if not instructor.locks_view():  # a student's link: no way to other pages
        presets.picker(current)
instructor.apply()
shown = live.before_page(current)  # a student: the pause card, the teacher's view, the question
live.sidebar(current)  # a running class: its compact control, a student's poll
phone.apply(page.url_path)
if shown:  # not while a class is paused
    with presets.banner(page):  # the lecture preset's note, above the page
        page.run()
    notebook_button.render(current)  # the view as a notebook, in the sidebar
instructor.panel(page.url_path)
live.after_page(current)  # the teacher: the view students follow
