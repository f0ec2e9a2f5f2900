"""The "Download as notebook" button: the page's current view as a Jupyter notebook.

app.py draws it once per page, in the sidebar, after the page has run (so the link holds
every control's value). The notebook is written only when the button is clicked: the
button's `data` is a callable, which Streamlit calls on a thread of its own at the click
(no rerun: `on_click="ignore"`), so a rerun of the page costs one look at the link
(`core.notebooks.refusal`), never the notebook. The link's functions are parsed in the
killable parsing workers (core.engines.bounded_parse), as the pages parse them.

A view that the link alone shows to have no notebook (an uploaded CSV file) gets a caption
saying why instead of the button; so does a page that is not a view of a function (the
Class page). A view refused only while its notebook is written (a map with no fixed point
in reach) downloads a notebook of one cell that says why: a download cannot show an error.

A page that stops its run (`st.stop()`: the data page's CSV view before a file is chosen,
the FD lab on a function it cannot read) ends the script before app.py draws the button,
as it ends it before the instructor's panel: such a view shows its own sentence and no
button.

The key is the app's own, outside every page's names and prefixes (ui.navigate.PAGE_KEYS,
tests/test_page_keys.py): a page's link can never set it, and it sets nothing in a link.
"""

from __future__ import annotations

import functools

import streamlit as st

from core.engines.bounded_parse import parse_bounded, parse_vector_bounded
from core.notebooks import NOT_VIEWS, build_notebook, has_notebook, refusal
from core.notebooks.cells import Notebook, quoted
from core.notebooks.parsers import Parsers
from ui.classroom.live import current_query, page_name

KEY = "app_notebook_download"
LABEL = "Download as notebook"
URL_NAMES = {"classroom": "class"}  # a page whose file and link name differ
BOUNDED = Parsers(expression=parse_bounded, vector=parse_vector_bounded)


def notebook_bytes(page: str, query: str) -> bytes:
    """The view's notebook as UTF-8 JSON; where it cannot be written, a notebook of one
    markdown cell that says why (called at the click, on Streamlit's thread)."""
    try:
        return build_notebook(page, query, BOUNDED).encode("utf-8")
    except ValueError as error:
        book = Notebook()
        book.markdown(
            f"# No notebook for this view\n\nThe view {quoted(f'{page}?{query}')} could not be "
            f"written as a notebook: {error}"
        )
        return book.json().encode("utf-8")


def render(current: str) -> None:
    """The button for the page file `current` ("views/explorer.py"), in the sidebar; a
    caption instead where this view has no notebook; nothing on the hidden hop page."""
    page = page_name(current)
    page = URL_NAMES.get(page, page)
    if page in NOT_VIEWS:
        if page != "go":  # the hop page only passes a view on: it is never seen
            st.sidebar.caption(f":material/description: {NOT_VIEWS[page]}")
        return
    query = current_query()
    why = refusal(page, query) if has_notebook(page) else "This page has no notebook."
    with st.sidebar:
        if why:
            st.caption(f":material/description: {why}")
            return
        st.download_button(
            LABEL, functools.partial(notebook_bytes, page, query),
            file_name=f"{page}.ipynb", mime="application/x-ipynb+json",
            icon=":material/download:", on_click="ignore", key=KEY,
            help="This view as a Jupyter notebook: the same computations in JAX, SymPy and "
            "NumPy, runnable without the app.",
        )  # fmt: skip
