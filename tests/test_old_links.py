"""Links shared before the widgets were bound to the URL open the same view today.

`tests/links/old_links.json` holds links the app wrote before (captured from it through
AppTest, one or more per page and section): each names values in the old formats (a
switch as 1/0, a range as "a,b", a list as "a,b", an option by its code). Each link is
opened as a browser opens it, and every widget it names (the widget's key is its URL
name) must show the link's value.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from tests.page_links import open_link

LINKS = json.loads((Path(__file__).parent / "links" / "old_links.json").read_text())
# The sections' codes in old links -> the title today's picker shows and writes.
SECTION_CODES = {"v_s", "b_s", "t_s"}
# A value of a closed section (the Explorer's expanders): old links wrote it anyway; the
# view shows it only once its section is opened.
CLOSED_WITH = {"sec_h": "tan", "deg": "taylor", "tol": "taylor"}
# Bound tabs (st.tabs(key=...)): AppTest shows no value for them; the rewritten link names
# the tab as shown, which old links named by its code in lower case.
TABS = {"r_tab"}


def _widgets(at) -> dict[str, object]:
    """Every keyed widget drawn, by key (the URL name of a bound one)."""
    found = {}

    def walk(node):
        key = getattr(node, "key", None)
        if key is not None and (hasattr(node, "value") or type(node).__name__ == "Expander"):
            found[key] = node
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return found


def _same(shown, text: str) -> bool:
    """Whether a widget's value is what the old link's text meant."""
    if isinstance(shown, bool):
        return shown == (text == "1") and text in ("0", "1")
    if isinstance(shown, (list, tuple)):
        parts = text.split(",")
        return len(parts) == len(shown) and all(map(_same, shown, parts))
    if isinstance(shown, (int, float)):
        return math.isclose(float(shown), float(text), rel_tol=1e-9, abs_tol=1e-12)
    return str(shown) == text


def _written(widget) -> list[str]:
    """The widget's value as Streamlit writes it into a link: options as shown, a switch as
    true/false, a list or range by repeating the name, 5.0 as "5"."""
    value = widget.value
    if isinstance(value, bool):
        return ["true" if value else "false"]
    items = list(value) if isinstance(value, (list, tuple)) else [value]
    shown = getattr(widget, "format_func", None)
    if shown is not None:
        items = [shown(item) for item in items]
    return [
        str(int(item)) if isinstance(item, float) and item.is_integer() else str(item)
        for item in items
    ]


def _label(link) -> str:
    page = link["view"].removeprefix("views/").removesuffix(".py")
    names = "-".join(f"{k}" for k in sorted(link["query"]) if k not in SECTION_CODES)[:40]
    section = next((link["query"][k] for k in SECTION_CODES if k in link["query"]), "")
    return f"{page}-{section}-{names}"


def wrong_values(at, query: dict[str, str]) -> dict[str, str]:
    """The names of `query` (a link opened in `at`) whose widget does not show the link's
    value: {name: what is wrong}."""
    widgets = _widgets(at)
    wrong = {}
    for name, text in query.items():
        if name in SECTION_CODES:
            continue  # checked by the section's own widgets being drawn
        widget = widgets.get(name)
        if widget is None and query.get(CLOSED_WITH.get(name, "")) == "0":
            continue  # in a section the link keeps closed
        if name in TABS:
            if str(at.query_params.get(name, "")).lower() != text:
                wrong[name] = f"the link names tab {at.query_params.get(name)!r}, not {text!r}"
            continue
        if widget is None:
            wrong[name] = "no widget with this key is drawn"
        elif type(widget).__name__ == "Expander":  # a section: open or closed
            if widget.proto.expanded != (text == "1"):
                wrong[name] = f"open: {widget.proto.expanded}, the link says {text!r}"
        elif not _same(widget.value, text):
            # An option the old link named by its code: the link was rewritten in today's
            # format (ui.old_links), and the widget must show what the rewritten link says.
            today = at.query_params.get(name)
            today = today if isinstance(today, list) else [today]
            if today == [text] or _written(widget) != today:
                wrong[name] = f"shows {widget.value!r}, the link says {text!r} (today {today})"
    return wrong


@pytest.mark.parametrize("link", LINKS, ids=[_label(link) for link in LINKS])
def test_an_old_link_opens_the_same_view(link):
    # a link in an old format runs its page twice (ui.old_links): the Regression page's
    # first runs compute its three tabs
    at = open_link(link["view"], link["query"], timeout=300)
    assert wrong_values(at, link["query"]) == {}
