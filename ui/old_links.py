"""Links written before the widgets were bound to the URL, read as today's widgets write them.

Every control of a page is bound to the URL by Streamlit itself (`bind="query-params"`:
the widget's key is the URL name, the widget is set from the link, a change rewrites it).
Links shared before that wrote some values in formats Streamlit does not read: a switch as
`1`/`0` (Streamlit writes `true`/`false`), a range as `-2,3` (Streamlit repeats the name:
`range=-2&range=3`), a list as `ad,fd`, an option by a short code (`v_s=g`) where
Streamlit writes the option as the page shows it. A page names the values it wrote so, each
with a converter, and `upgrade` rewrites a link's old values in today's format before any
widget is drawn, then runs the page again from the rewritten link:

    old_links.upgrade({"tan": old_links.SWITCH, "range": old_links.PAIR})

A converter gets the link's text and gives today's text (or list of texts, for a name
repeated), or None where the text is already today's (or not one it knows: the widget
then ignores it, as Streamlit ignores any invalid value).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import streamlit as st
from streamlit.errors import StreamlitAPIException

Convert = Callable[[str], "str | list[str] | None"]


def upgrade(converters: Mapping[str, Convert]) -> None:
    """Rewrite the old values of the page's link in today's formats, then rerun the page.

    Call it at the top of a page, before its widgets. A link with nothing old costs one
    look at each name; a rewritten one costs one more run of the page, once.
    """
    query = {name: st.query_params.get_all(name) for name in st.query_params}
    rewritten = dict(query)
    for name, convert in converters.items():
        values = query.get(name)
        if values is None or len(values) != 1:
            continue  # absent, or repeated: today's format of a list
        new = convert(values[0])
        if new is not None:
            rewritten[name] = [new] if isinstance(new, str) else list(new)
    if rewritten == query:
        return
    try:
        st.query_params.from_dict(rewritten)
    except StreamlitAPIException:
        # A name is bound already: the page has run in this session, so this is not a
        # link being opened (a person typed the old text into a box); leave it.
        return
    st.rerun()  # the next run reads the widgets' values from the rewritten link


def _switch(text: str) -> str | None:
    return {"1": "true", "0": "false"}.get(text)


def _pair(text: str) -> list[str] | None:
    parts = text.split(",")
    return parts if len(parts) == 2 and all(parts) else None


SWITCH: Convert = _switch  # an on/off switch written 1/0
PAIR: Convert = _pair  # a slider's range written "a,b"


def codes(labels: Mapping[str, str]) -> Convert:
    """An option written by its code (`labels`: code -> the option as the page shows it)."""
    return lambda text: labels.get(text)


def listed(labels: Mapping[str, str] | None = None) -> Convert:
    """A list written "a,b" (by codes, with `labels`: code -> the option as shown)."""

    def convert(text: str) -> list[str] | None:
        items = [item for item in text.split(",") if item]
        if labels is not None:
            if not all(item in labels for item in items):
                return None
            return [labels[item] for item in items]
        return items if "," in text else None

    return convert


def number_option(options: Sequence[float], shown: Callable[[float], str]) -> Convert:
    """A number one of `options` (a select slider's), written as a number, where the
    slider shows (and Streamlit writes) it as `shown(option)` ("5e-3" for 0.005)."""
    texts = {shown(option) for option in options}

    def convert(text: str) -> str | None:
        if text in texts:
            return None
        try:
            value = float(text)
        except ValueError:
            return None
        matches = [option for option in options if option == value]
        return shown(matches[0]) if matches else None

    return convert
