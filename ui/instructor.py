"""The instructor view: a link that hides controls, and a projector style.

Like TensorFlow Playground's hide flags, a link can name the controls its page does not
show, so a class sees the idea and not the knobs:

    ?hide=all            every control of the page and its example pickers; the open
                         sections stay, with their charts and their buttons (Play,
                         Step, Shrink h)
    ?hide=n,range        only these: the page's own URL names for its controls
    ?hide=nav            the sidebar's list of pages and the lectures picker, and the
                         sidebar starts closed (combine: hide=all,nav)
    ?projector=1         larger text, thicker lines, bigger markers: readable from the
                         back of a room

Hidden controls keep the link's values: only their drawing is hidden, by CSS on the
`st-key-<key>` class Streamlit gives every keyed widget (a control's key is its URL name:
Streamlit binds it to the link), so hiding costs no server time and no page changes. A
section (an expander keyed by its URL name, such as the Explorer's `tan`) is content, not
a control: it stays. The flags are not widgets' values: Streamlit keeps them in the URL
while the page reruns, and drops them at the next page the sidebar opens.

The projector style enlarges the page's text by CSS, and its charts through the figures
themselves (core.figures.projector.for_projector, applied by ui.charts.show): Plotly
positions markers with its own transform and lays legends out from the font size it
knows, so CSS on Plotly's SVG moved every marker into a corner and made legend entries
overlap.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterable, Mapping

import streamlit as st

HIDE, PROJECTOR = "hide", "projector"
KEPT = (HIDE, PROJECTOR)  # the flags: not values of a page's view
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
# The widgets a page's controls are made of, by Streamlit's test ids: `hide=all` hides
# each of them that has a key (every control and picker of a page has one).
CONTROLS = (
    "stTextInput", "stTextArea", "stNumberInput", "stSelectbox", "stMultiSelect",
    "stSlider", "stRadio", "stCheckbox", "stButtonGroup", "stFileUploader",
)  # fmt: skip
_NAME = re.compile(r"[A-Za-z0-9_-]{1,40}")  # a URL name as a CSS class can hold it
# A keyed expander is a section, not a control: its key's class is on the wrapper whose
# child is the expander; hiding it would hide its charts and buttons too.
_NOT_A_SECTION = ':not(:has(> [data-testid="stExpander"]))'
_NOT_A_SECTION_BELOW = ':not(:has([data-testid="stExpander"]))'


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
    """Set the projector style and the hiding flags from the link; call once per run,
    before the page. The projector style, once on, stays on for the session's pages."""
    if PROJECTOR_KEY not in st.session_state:
        st.session_state[PROJECTOR_KEY] = st.query_params.get(PROJECTOR) == "1"
    _keep_projector_flag()
    if projector_on():
        st.html(PROJECTOR_CSS)
    names = hidden_names()
    if NAV in names:
        st.html(NAV_CSS)
    selectors = hidden_selectors(names)
    if selectors:
        st.html(f"<style>{', '.join(selectors)} {{ display: none !important; }}</style>")


def _keep_projector_flag() -> None:
    """Keep `projector=1` in the link while the style is on (it is not a widget's value:
    the sidebar's switch is not drawn on a student's link)."""
    if projector_on() and st.query_params.get(PROJECTOR) != "1":
        st.query_params[PROJECTOR] = "1"
    elif not projector_on() and PROJECTOR in st.query_params:
        del st.query_params[PROJECTOR]


def hidden_selectors(names: set[str]) -> list[str]:
    """CSS selectors of the controls `names` hides: a control by its URL name (its widget's
    key: Streamlit binds each control to the URL under its key), or every control of the
    page's main area for `all` (its inputs, sliders, pickers and switches; buttons, charts
    and sections stay)."""
    keys = sorted(name for name in names - {EVERY_CONTROL, NAV} if _NAME.fullmatch(name))
    selectors = [f".st-key-{key}{_NOT_A_SECTION}" for key in keys]
    if EVERY_CONTROL in names:
        # A widget's test id sits a level or two below its keyed element container (a
        # slider's is inside a wrapper); a keyed expander's container holds controls too,
        # and is a section: it stays.
        selectors += [
            f'[data-testid="stMain"] .stElementContainer[class*="st-key-"]{_NOT_A_SECTION_BELOW}'
            f':has([data-testid="{kind}"])'
            for kind in CONTROLS
        ]
    return selectors


def link(
    url_path: str, query: Mapping[str, list[str]], hide: Iterable[str], projector: bool
) -> str:
    """The page's link with its current state (each name's values: a range or a list
    repeats its name) and the chosen flags (a relative link when the browser's address is
    not known)."""
    pairs = {key: values for key, values in query.items() if key not in KEPT}
    hidden = [name for name in HIDE_CHOICES if name in set(hide)]
    if hidden:
        pairs[HIDE] = [",".join(hidden)]
    if projector:
        pairs[PROJECTOR] = ["1"]
    base = (st.context.url or "").rstrip("/")
    address = f"{base}/{url_path}" if url_path else (base or "/")
    return f"{address}?{urllib.parse.urlencode(pairs, doseq=True, safe=',')}" if pairs else address


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
        query = {name: st.query_params.get_all(name) for name in st.query_params}
        st.code(link(url_path, query, hide, projector_on()), language=None)
