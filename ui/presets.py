"""The sidebar picker "From the lectures", and the banner on the page it opens.

app.py calls `picker()` in its sidebar and runs the page inside `with banner(page):`.
Picking a preset opens its page at the preset's link (ui.navigate.open_view): each control
the link names takes the link's value, the page's other controls their defaults. Above
the page, the preset's sentence and the lecture's numbers beside the app's stay until the
page or one of the preset's values changes, or the note is closed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import streamlit as st

from core.teaching.preset_checks import AppNumber
from core.teaching.presets import PRESET_BY_KEY, Preset
from ui import navigate

PICKER = "lectures_pick"
PENDING = "lectures_pending"  # a pick waiting for its page switch
ACTIVE = "lectures_active"  # the preset whose banner is shown
ACTIVE_PAGE = "lectures_active_page"  # url_path of the page it opened
ACTIVE_QUERY = "lectures_active_query"  # the preset's names as the opened page wrote them


def picker(current: str) -> None:
    """The select box; after a pick, open the preset's page set up (call it in the sidebar,
    before the page runs; `current` is the file of the page being run)."""
    st.selectbox(
        "From the lectures",
        list(PRESET_BY_KEY),
        index=None,
        format_func=lambda key: PRESET_BY_KEY[key].title,
        placeholder="Reproduce a lecture example…",
        key=PICKER,
        on_change=_picked,
        help="Opens the page that shows the example, set up, with the lecture's number "
        "beside the app's.",
    )
    key = st.session_state.pop(PENDING, None)
    if key is not None:
        preset = PRESET_BY_KEY[key]
        st.session_state[ACTIVE] = key
        st.session_state.pop(ACTIVE_PAGE, None)
        st.session_state.pop(ACTIVE_QUERY, None)
        navigate.open_view(preset.view, preset.query, current)


def _picked() -> None:
    st.session_state[PENDING] = st.session_state[PICKER]
    st.session_state[PICKER] = None  # back to the placeholder: the same preset can be picked again


@contextlib.contextmanager
def banner(page) -> Iterator[None]:
    """Run the page inside this: above it, the active preset's sentence and numbers, while
    `page` (the router's current page) is the one the preset opened and the link the page
    has just written still holds the preset's values.

    The banner is drawn after the page has run, into a slot above it, because only then is
    the link up to date with what was changed on this run. A page that stops early
    (st.stop, a rerun) shows no banner on that run.
    """
    slot = st.container()
    yield
    key = st.session_state.get(ACTIVE)
    if key is None:
        return
    preset = PRESET_BY_KEY[key]
    # The first run the page finishes after the switch is on the preset's page: remember
    # which one it is, and the values of the controls the preset set (a control's key is
    # its link's name).
    opened = st.session_state.setdefault(ACTIVE_PAGE, page.url_path)
    held = st.session_state.setdefault(ACTIVE_QUERY, _preset_values(preset))
    if page.url_path != opened or _preset_values(preset) != held:
        _close()
        return
    numbers = {number.label: number for number in app_numbers(key)}
    with slot, st.container(border=True):
        st.info(
            f"**From the lectures: {preset.title}** — {preset.lecture}.\n\n{preset.notice}\n\n"
            + "\n".join(f"- {_line(p, numbers.get(p.label))}" for p in preset.published),
            icon=":material/school:",
        )
        st.button(
            "Close this note", key="lectures_close", icon=":material/close:", on_click=_close,
            help="The page keeps its settings.",
        )  # fmt: skip


def _line(published, number: AppNumber | None) -> str:
    app = number.text if number is not None else "—"
    return f"{published.label}: lecture **{published.text}**, this app **{app}**"


def _preset_values(preset: Preset) -> dict[str, object]:
    return {name: st.session_state.get(name) for name in preset.query}


def _close() -> None:
    for key in (ACTIVE, ACTIVE_PAGE, ACTIVE_QUERY):
        st.session_state.pop(key, None)


@st.cache_data(max_entries=32, show_spinner="Computing the app's numbers…")
def app_numbers(key: str) -> tuple[AppNumber, ...]:
    """The preset's numbers as its page computes them (shared across sessions)."""
    return PRESET_BY_KEY[key].compute()
