"""Widgets shared by pages."""

from __future__ import annotations

import math

import streamlit as st

from core import ExpressionError


def expression_error(text: str, error: ExpressionError) -> None:
    """Show a parse error with a caret under the position it names."""
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
