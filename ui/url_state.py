"""Keep a page's widget state in the URL, so a copied link reopens the same view."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import NamedTuple

import streamlit as st


class Field(NamedTuple):
    """One widget value in the URL: its query key, session key and how to read it."""

    query: str
    session: str
    read: Callable[[str], object]  # raises ValueError for a bad value
    write: Callable[[object], str] = str


def restore(page: str, fields: list[Field], defaults: Mapping[str, object]) -> None:
    """On a session's first run of `page`, copy valid URL values into session state,
    then give every widget key in `defaults` its default where it has no value yet.

    Bad values in a hand-edited link are ignored (the widget keeps its default).
    """
    _restore_from_url(page, fields)
    for key, value in defaults.items():
        st.session_state.setdefault(key, value)


def _restore_from_url(page: str, fields: list[Field]) -> None:
    flag = f"{page}_restored"
    if st.session_state.get(flag):
        return
    st.session_state[flag] = True
    for field in fields:
        if field.query in st.query_params:
            try:
                st.session_state[field.session] = field.read(st.query_params[field.query])
            except (ValueError, TypeError):
                continue


def save(fields: list[Field], extra: Mapping[str, str] | None = None) -> None:
    """Write the current widget values (and `extra` pairs) to the URL."""
    values = {
        field.query: field.write(st.session_state[field.session])
        for field in fields
        if field.session in st.session_state
    }
    values.update(extra or {})
    if dict(st.query_params) != values:
        st.query_params.from_dict(values)


def one_of(options):
    """A reader that accepts only one of `options` (compared as text)."""

    def read(text: str):
        if text not in options:
            raise ValueError(text)
        return text

    return read


def finite(text: str) -> float:
    """A reader of a finite float."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value
