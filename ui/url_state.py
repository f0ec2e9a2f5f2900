"""Keep a page's widget state in the URL, so a copied link reopens the same view."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import NamedTuple

import streamlit as st

from ui import instructor


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
    _resend_early(page, [field.session for field in fields])


# The first runs of a page in a session: a run cut short by the next one (a rerun the
# browser sends while the first, slow on a busy server, still runs) has drawn its widgets
# with the link's values, and the browser drops what that run sent; the next run would
# then draw them as already known, and the browser would show each widget's own default
# (an empty f) while the page computes with the link's values. Setting the values again
# through the session state makes these runs send them. Later runs do not: a full rerun
# would overwrite what a person is typing.
EARLY_RUNS = 3


def _resend_early(page: str, keys: list[str]) -> None:
    runs = f"{page}_runs"
    st.session_state[runs] = st.session_state.get(runs, 0) + 1
    if st.session_state[runs] > EARLY_RUNS:
        return
    for key in keys:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


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


def save(
    fields: list[Field],
    extra: Mapping[str, str] | None = None,
    defaults: Mapping[str, object] | None = None,
) -> None:
    """Write the current widget values (and `extra` pairs) to the URL.

    With `defaults`, a value written as its default is left out: the link then names only
    what differs from the page's first view, and stays short. The instructor flags
    (ui.instructor: hide, projector) stay, and hide what they name of `fields`.
    """
    values = {}
    for field in fields:
        if field.session not in st.session_state:
            continue
        text = field.write(st.session_state[field.session])
        if field.session in (defaults or {}) and text == field.write(defaults[field.session]):
            continue
        values[field.query] = text
    values.update(extra or {})
    values.update(instructor.kept_flags())
    instructor.hide_controls(fields)
    if dict(st.query_params) != values:
        st.query_params.from_dict(values)


def update(fields: list[Field]) -> None:
    """Write `fields` into the URL and leave its other pairs as they are: for a fragment's
    own rerun, where the page's `save` does not run."""
    for field in fields:
        if field.session in st.session_state:
            text = field.write(st.session_state[field.session])
            if st.query_params.get(field.query) != text:
                st.query_params[field.query] = text


def one_of(options):
    """A reader that accepts only one of `options` (compared as text)."""

    def read(text: str):
        if text not in options:
            raise ValueError(text)
        return text

    return read


def label_of(labels: Mapping[str, object]):
    """A reader of a short code, giving its option: `labels` maps each code to its option."""

    def read(text: str):
        if text not in labels:
            raise ValueError(text)
        return labels[text]

    return read


def write_label(labels: Mapping[str, object]):
    """The writer matching `label_of`: an option as its code."""
    codes = {label: code for code, label in labels.items()}
    return lambda label: codes[label]


def number_in(options):
    """A reader of a number that must be one of `options` (a select slider's); gives the option."""

    def read(text: str):
        value = finite(text)
        for option in options:
            if option == value:
                return option
        raise ValueError(text)

    return read


def write_number(value) -> str:
    """A number as the shortest text that reads back as the same float ("2", "0.1", "1e-08")."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def finite(text: str) -> float:
    """A reader of a finite float."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def integer_between(low: int, high: int, step: int = 1):
    """A reader of an integer in [low, high] on the grid low + k * step."""

    def read(text: str) -> int:
        value = int(text)
        if not low <= value <= high or (value - low) % step:
            raise ValueError(text)
        return value

    return read


def number_between(low: float, high: float, step: float):
    """A reader of a number in [low, high] on a slider's grid low + k * step."""

    def read(text: str) -> float:
        value = finite(text)
        steps = (value - low) / step
        if not low <= value <= high or abs(steps - round(steps)) > 1e-9:
            raise ValueError(text)
        return value

    return read


def pair_between(low: float, high: float, step: float):
    """A reader of a range "a,b" with low <= a < b <= high, both on the slider's grid."""
    number = number_between(low, high, step)

    def read(text: str) -> tuple[float, float]:
        first, second = (number(part) for part in text.split(","))
        if not first < second:
            raise ValueError(text)
        return first, second

    return read


def write_pair(value) -> str:
    return f"{value[0]:g},{value[1]:g}"


def switch(text: str) -> bool:
    """A reader of an on/off switch written as 1 or 0."""
    if text not in ("0", "1"):
        raise ValueError(text)
    return text == "1"


def write_switch(value) -> str:
    return "1" if value else "0"


def subset_of(labels: Mapping[str, str]):
    """A reader of a comma-separated list of distinct keys of `labels`, giving their labels."""

    def read(text: str) -> list[str]:
        keys = [key for key in text.split(",") if key]
        if any(key not in labels for key in keys) or len(set(keys)) < len(keys):
            raise ValueError(text)
        return [labels[key] for key in keys]

    return read


def write_subset(labels: Mapping[str, str]):
    """The writer matching `subset_of`: the chosen labels as their keys."""
    keys = {label: key for key, label in labels.items()}
    return lambda chosen: ",".join(keys[label] for label in chosen)
