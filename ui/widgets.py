"""Widgets shared by pages."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import streamlit as st

from core import ExpressionError


def expression_error(text: str, error: ExpressionError) -> None:
    """Show a parse error with a caret under the position it names."""
    if not text.strip():  # nothing typed: a plain sentence, no caret under nothing
        st.info(error.message, icon=":material/edit:")
        return
    body = f"**Cannot read this expression.** {error.message}"
    if error.position is not None:
        caret = " " * min(error.position, len(text)) + "^"
        shown = text.replace("\n", " ")
        body += f"\n\n```text\n{shown}\n{caret}\n```"
    st.error(body, icon=":material/error:")


def number_or_dash(value: float | None, spec: str) -> str:
    """`value` formatted with `spec`, or an em dash where there is no value."""
    return "—" if value is None else format(value, spec)


def readable_number(value: float | None, spec: str) -> str:
    """`value` formatted with `spec`, written as a person reads it.

    ∞ and −∞ for infinities (sqrt′(0) = ∞), "undefined" for nan (0/0, outside the
    domain), and an em dash where there is no value at all.
    """
    if value is None:
        return "—"
    if math.isnan(value):
        return "undefined"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    return format(value, spec)


def scrolling_latex() -> None:
    """Let a long formula scroll sideways in its column instead of being cut off."""
    st.html(
        "<style>.katex-display { overflow-x: auto; overflow-y: hidden; "
        "padding: 0.2em 0 0.4em; }</style>"
    )


def number(value: float | None, spec: str = ".10g") -> str:
    return readable_number(None if value is None else float(value), spec)


def matrix_table(matrix, rows: Sequence[str], columns: Sequence[str], spec: str = ".10g"):
    """A small matrix as a table of readable numbers (st.table: every digit visible)."""
    if matrix is None:
        values = [["—"] * len(columns) for _ in rows]
    else:
        values = [[number(v, spec) for v in row] for row in np.atleast_2d(matrix)]
    st.table(pd.DataFrame(values, index=list(rows), columns=list(columns)))


def difference(a: float | None, b: float | None) -> str:
    if a is None or b is None or not (np.isfinite(a) and np.isfinite(b)):
        return "—"
    return f"{a - b:.1e}"


def code_behind(*snippets: tuple[str, str]) -> None:
    """The code behind a section: (title, source) pairs, side by side when there are two."""
    with st.expander("The code behind it", icon=":material/code:"):
        columns = st.columns(len(snippets))
        for column, (title, source) in zip(columns, snippets, strict=True):
            column.caption(title)
            column.code(source, language="python")


def example_picker(column, examples: Mapping[str, str], prefix: str) -> None:
    """A selectbox of examples (text -> what it shows) that types the chosen one into the
    section's f (the text input keyed prefix + "f")."""
    column.selectbox(
        "Examples", list(examples), index=None, placeholder="Choose an example…",
        key=f"{prefix}example", on_change=_use_example, args=(prefix,),
        format_func=lambda text: f"{text}  —  {examples[text]}",
    )  # fmt: skip


def _use_example(prefix: str) -> None:
    st.session_state[f"{prefix}f"] = st.session_state[f"{prefix}example"]
