"""The instructor view: a link that hides controls, and a projector style.

Like TensorFlow Playground's hide flags, a link can name the controls its page does not
show, so a class sees the idea and not the knobs:

    ?hide=all            every control of the page (its URL fields) and its example
                         pickers; the open sections stay, with their charts and their
                         buttons (Play, Step, Shrink h)
    ?hide=n,range        only these: the page's own URL names for its controls
    ?hide=nav            the sidebar's list of pages and the lectures picker, and the
                         sidebar starts closed (combine: hide=all,nav)
    ?projector=1         larger text, thicker lines, bigger markers: readable from the
                         back of a room

Hidden controls keep the link's values: only their drawing is hidden, by CSS on the
`st-key-<session key>` class Streamlit gives every keyed widget, so hiding costs no
server time and no page changes. A section (an expander keyed by its URL field, such as
the Explorer's `tan`) is content, not a control: it stays. The flags are kept in the URL
as the page rewrites its state (ui.url_state.save) and end at the next page the sidebar
opens.

The projector style enlarges the page's text by CSS, and its charts through the figures
themselves (core.figures.projector.for_projector, applied by ui.charts.show): Plotly positions
markers with its own transform and lays legends out from the font size it knows, so CSS
on Plotly's SVG moved every marker into a corner and made legend entries overlap.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterable

import streamlit as st

HIDE, PROJECTOR = "hide", "projector"
KEPT = (HIDE, PROJECTOR)  # the flags every page keeps in its URL
EVERY_CONTROL, NAV = "all", "nav"
PROJECTOR_KEY = "instructor_projector"
HIDE_KEY = "instructor_hide"
HIDE_CHOICES = {"all": "this page's controls", "nav": "the list of pages"}

# Text only: charts get their sizes from core.figures.projector.for_projector (see above). KaTeX
# grows with the root font (20 px instead of 16). A formula in a column is broken into lines
# of core.explorer.latex_layout.LINE_WIDTH characters for the plain style's size, so there it
# keeps that size (20 px, as 1.21 x 16 px): larger, its lines ran off the column's edge.
PROJECTOR_CSS = """
<style>
html { font-size: 20px; }
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li,
[data-testid="stCaptionContainer"], [data-testid="stWidgetLabel"] p { font-size: 1.15rem; }
h1 { font-size: 2.6rem !important; }
[data-testid="stColumn"] .katex-display > .katex { font-size: 1em; }
[data-testid="stTable"] th, [data-testid="stTable"] td { font-size: 1.1rem; }
</style>
"""
NAV_CSS = '<style>[data-testid="stSidebarNav"] { display: none; }</style>'
# Pickers that change what the page shows without being one of its URL fields: found by
# their label (the accessible name of their input), the same on every page.
PICKER_LABELS = ("Examples", "Gallery")
# A keyed expander is a section, not a control: its key's class is on the wrapper whose
# child is the expander; hiding it would hide its charts and buttons too.
_NOT_A_SECTION = ':not(:has(> [data-testid="stExpander"]))'


def hidden_names() -> set[str]:
    """The control names the link hides (`hide=a,b`), as given."""
    return {name.strip() for name in st.query_params.get(HIDE, "").split(",") if name.strip()}


def projector_on() -> bool:
    return bool(st.session_state.get(PROJECTOR_KEY))


def locks_view() -> bool:
    """Whether the link hides the page's controls or its list of pages: a student's view,
    where the sidebar's lectures picker (which opens other pages) is not drawn."""
    return bool(hidden_names() & {EVERY_CONTROL, NAV})


def sidebar_state() -> str:
    """The page config's initial_sidebar_state: "collapsed" for a link that hides the list
    of pages (a student has nothing to do there), else Streamlit's "auto"."""
    return "collapsed" if NAV in hidden_names() else "auto"


def table(rows, **dataframe_kwargs) -> None:
    """A table of values: st.dataframe, or in the projector style st.table, whose HTML text
    grows with the page's font (the data grid draws on a canvas at a fixed 14 px)."""
    if projector_on():
        st.table(rows, hide_index=dataframe_kwargs.get("hide_index"))
    else:
        st.dataframe(rows, **dataframe_kwargs)


def apply() -> None:
    """Set the projector style and the page-list flag from the link; call once per run,
    before the page. The projector style, once on, stays on for the session's pages."""
    if PROJECTOR_KEY not in st.session_state:
        st.session_state[PROJECTOR_KEY] = st.query_params.get(PROJECTOR) == "1"
    if projector_on():
        st.html(PROJECTOR_CSS)
    if NAV in hidden_names():
        st.html(NAV_CSS)


def hide_controls(fields: Iterable) -> None:
    """Hide the widgets of `fields` (ui.url_state.Field) that the link names, or all of
    them for `hide=all`: ui.url_state.save calls it with the page's fields."""
    names = hidden_names()
    if not names:
        return
    keys = [field.session for field in fields if EVERY_CONTROL in names or field.query in names]
    selectors = [f".st-key-{key}{_NOT_A_SECTION}" for key in keys]
    if EVERY_CONTROL in names:
        selectors += [
            f'[data-testid="stElementContainer"]:has(input[role="combobox"][aria-label="{label}"])'
            for label in PICKER_LABELS
        ]
    if selectors:
        st.html(f"<style>{', '.join(selectors)} {{ display: none !important; }}</style>")


def kept_flags() -> dict[str, str]:
    """The instructor flags in the current URL, for a page rewriting its query."""
    flags = {key: st.query_params[key] for key in KEPT if key in st.query_params}
    if projector_on():
        flags[PROJECTOR] = "1"
    else:
        flags.pop(PROJECTOR, None)
    return flags


def link(url_path: str, query: dict[str, str], hide: Iterable[str], projector: bool) -> str:
    """The page's link with its current state and the chosen flags (a relative link
    when the browser's address is not known)."""
    pairs = {key: value for key, value in query.items() if key not in KEPT}
    hidden = [name for name in HIDE_CHOICES if name in set(hide)]
    if hidden:
        pairs[HIDE] = ",".join(hidden)
    if projector:
        pairs[PROJECTOR] = "1"
    base = (st.context.url or "").rstrip("/")
    address = f"{base}/{url_path}" if url_path else (base or "/")
    return f"{address}?{urllib.parse.urlencode(pairs, safe=',')}" if pairs else address


def panel(url_path: str) -> None:
    """The sidebar's "Instructor view": the projector switch and a link that hides controls.
    A link that already hides something does not show it (the students' view)."""
    if hidden_names():
        return
    with st.sidebar.expander("Instructor view", icon=":material/co_present:"):
        st.toggle(
            "Projector style",
            key=PROJECTOR_KEY,
            help="Larger text, thicker lines and bigger markers, for a room",
        )
        hide = st.pills(
            "The link hides",
            list(HIDE_CHOICES),
            format_func=HIDE_CHOICES.get,
            selection_mode="multi",
            key=HIDE_KEY,
        )
        st.caption(
            "A link to this page as it is now: your students see the same view, "
            "without what you hide (Play and Step buttons stay). "
            "Name single controls with hide=name1,name2 (the names in the link)."
        )
        st.code(link(url_path, dict(st.query_params), hide, projector_on()), language=None)
