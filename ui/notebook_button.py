"""The "Download as notebook" button: the page's current view as a Jupyter notebook.

app.py draws it once per page, in the sidebar, after the page has run (so the link holds
every control's value). The notebook is written only when the button is clicked:
Streamlit calls `data` on a thread of its own then, so a rerun costs one look at the
link (`core.notebooks.refusal`), not the notebook. The link's functions are parsed in the
killable parsing workers (core.engines.bounded_parse), as the pages parse them.
"""

from __future__ import annotations

import functools

import streamlit as st

from core.engines.bounded_parse import parse_bounded, parse_vector_bounded
from core.notebooks import build_notebook, has_notebook, refusal
from core.notebooks.parsers import Parsers
from ui.classroom.live import current_query, page_name

BOUNDED = Parsers(expression=parse_bounded, vector=parse_vector_bounded)


def _notebook(page: str, query: str) -> bytes:
    return build_notebook(page, query, BOUNDED).encode("utf-8")


def render(current: str) -> None:
    """The button for the page file `current` ("views/explorer.py"), in the sidebar; a
    caption instead where this view has no notebook; nothing on a page with none."""
    page = page_name(current)
    if not has_notebook(page):
        return
    query = current_query()
    why = refusal(page, query)
    with st.sidebar:
        if why:
            st.caption(f":material/description: {why}")
            return
        st.download_button(
            "Download as notebook", functools.partial(_notebook, page, query),
            file_name=f"{page}.ipynb", mime="application/x-ipynb+json",
            icon=":material/download:", on_click="ignore", key="notebook_download",
            help="This view as a Jupyter notebook: the same computations in JAX, SymPy and "
            "NumPy, runnable without the app.",
        )  # fmt: skip
