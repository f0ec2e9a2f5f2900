"""A page of sections: a segmented control picks one, and only that one computes.

Each section is a module with `DEFAULTS` (session key -> default), `FIELDS` (its URL
fields, ui.url_state.Field) and `render()`. The chosen section and its own fields are
kept in the URL, so a link reopens the same section in the same state.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import ModuleType

import streamlit as st

from ui import url_state


def render_chosen(
    page: str, prefix: str, query: str, sections: Mapping[str, tuple[str, ModuleType]]
) -> None:
    """Restore the page's state from the URL, show the section picker, render the chosen one.

    Args:
        page: the page's name (restores from the URL once per session).
        prefix: the page's session-key prefix ("sv_"): the picker's key is prefix + "section".
        query: the URL key of the chosen section ("v_s").
        sections: URL code -> (title, section module), in the picker's order; the first
            is the default.
    """
    key = f"{prefix}section"
    titles = {code: title for code, (title, _) in sections.items()}
    chosen = url_state.Field(query, key, url_state.label_of(titles), url_state.write_label(titles))
    defaults = {key: next(iter(titles.values()))}
    for _, module in sections.values():
        defaults.update(module.DEFAULTS)
    fields = [field for _, module in sections.values() for field in module.FIELDS]
    url_state.restore(page, [chosen, *fields], defaults)
    if st.session_state.get(key) is None:  # a second click on the chosen section clears it
        st.session_state[key] = defaults[key]
    # Streamlit forgets the value of a widget that a run did not draw, and a widget that
    # comes back is drawn with its own default unless its value was set in that very run.
    # So the hidden sections' values are set again on every run (kept), and the shown
    # section's on the run it comes back (sent); not on its other runs, where sending
    # them would overwrite what a person is typing.
    shown = f"{prefix}shown_section"
    for title, module in sections.values():
        if title != st.session_state[key] or st.session_state.get(shown) != title:
            for name in module.DEFAULTS:
                if name in st.session_state:
                    st.session_state[name] = st.session_state[name]
    st.session_state[shown] = st.session_state[key]
    title = st.segmented_control(
        "Section", list(titles.values()), key=key, label_visibility="collapsed"
    )
    module = next(module for name, module in sections.values() if name == title)
    url_state.save([chosen, *module.FIELDS], defaults=defaults)
    module.render()
