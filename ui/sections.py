"""A page of sections: a segmented control picks one, and only that one computes.

Each section is a module with `render()`, whose widgets are bound to the URL
(`bind="query-params"`, the key being the URL name) and keep their values while the
section is not shown (`persist_state="page"`); and `OLD_LINKS`: the converters of the
values its links wrote before (ui.old_links). The picker is bound too: a link names the
section shown and that section's values, and no other section's.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import ModuleType

import streamlit as st

from ui import old_links


def render_chosen(query: str, sections: Mapping[str, tuple[str, ModuleType]]) -> None:
    """Read an old link's values, show the section picker, render the chosen section.

    Args:
        query: the picker's key and URL name ("v_s").
        sections: the code old links named a section by -> (title, section module), in the
            picker's order; the first is the default. Today's links name it by its title.
    """
    titles = {code: title for code, (title, _) in sections.items()}
    converters = {query: old_links.codes(titles)}
    for _, module in sections.values():
        converters.update(module.OLD_LINKS)
    old_links.upgrade(converters)
    title = st.segmented_control(
        "Section", list(titles.values()), default=next(iter(titles.values())), key=query,
        required=True, bind="query-params", label_visibility="collapsed",
    )  # fmt: skip
    module = next(module for name, module in sections.values() if name == title)
    module.render()
