"""Open a page at a view given by its link: a lecture preset, the teacher's view a class follows.

Every control is bound to the URL (`bind="query-params"`), so a view *is* a query:
`st.switch_page(page, query_params=query)` opens it, each widget reading its value from
the link and every other at its default. Two things stand in the way, and `open_view`
goes around both with Streamlit's own page switch:

- Streamlit refuses to set a name bound to a widget of the page being run: opening a
  view of the page already shown would set its own names. It lets go of a page's
  bindings when another page starts. So a view of the page shown is opened in two steps:
  first to the hidden page `views/go.py`, whose run the router ends at once by opening
  the view (`resume`), now of a page not shown.
- A bound widget keeps its value across a page switch (Streamlit carries it over, so
  that a page left and come back to is as it was). The page's own keys are forgotten
  first (`PAGE_KEYS`), so the view's unnamed controls come back at their defaults.

`PAGE_KEYS` is also the rule that keeps pages apart in one session: every key a page
gives a widget starts with one of its own prefixes (or is one of its names), and no two
pages share one (tests/test_page_keys.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import streamlit as st

PENDING = "navigate_pending"  # (view, query) waiting for the hop through the hidden page
HOP = "views/go.py"

Query = Mapping[str, "str | Sequence[str]"]

# page -> the names and prefixes (ending "_") of its session keys: its controls' URL names
# and the page's own state. The Explorer has the short names of the oldest links.
PAGE_KEYS: dict[str, tuple[str, ...]] = {
    "views/explorer.py": (
        "f", "n", "show", "range", "x0", "scheme", "acc", "h", "panels", "tan", "taylor",
        "sec_h", "deg", "tol", "form", "p_", "explorer_",
    ),
    "views/fd_lab.py": ("lab_", "fdlab_"),
    "views/data.py": ("d_", "data_"),
    "views/kinks.py": ("k_", "kinks_"),
    "views/several_variables.py": ("v_", "sv_"),
    "views/regression.py": ("r_", "regression_"),
    "views/descent.py": ("g_", "descent_"),
    "views/beyond_grad.py": ("b_", "bg_"),
    "views/teaching.py": ("t_", "tt_"),
}  # fmt: skip


def belongs(key: str, view: str) -> bool:
    """Whether session key `key` is one of page `view`'s (see PAGE_KEYS)."""
    return any(
        key.startswith(name) if name.endswith("_") else key == name for name in PAGE_KEYS[view]
    )


def open_view(view: str, query: Query, current: str) -> None:
    """Open page `view` (its file, "views/explorer.py") at the view `query` names.

    Args:
        view: the page to open.
        query: its link's query: each name as the page writes it (a list where the name
            repeats); names it leaves out take their defaults.
        current: the page being run (its file), which may be `view` itself.
    """
    for key in [key for key in st.session_state if belongs(key, view)]:
        del st.session_state[key]
    if view == current:
        st.session_state[PENDING] = (view, dict(query))
        st.switch_page(HOP, query_params={})
    st.switch_page(view, query_params=dict(query))


def resume(current: str) -> None:
    """In the router, before the page runs: finish a two-step opening (see the module's
    docstring). Costs one look into the session state otherwise.

    Another run may come between the two steps (a fragment's poll, queued by the browser
    before the first step, reruns the page it knew): that run is on the view's own page,
    whose names are bound again, so the opening goes through the hidden page once more;
    a run of any other page (the person went elsewhere) drops it.
    """
    pending = st.session_state.pop(PENDING, None)
    if pending is None:
        return
    view, query = pending
    if current == HOP:
        st.switch_page(view, query_params=query)
    if current == view:
        st.session_state[PENDING] = pending
        st.switch_page(HOP, query_params={})
