"""Widgets shared by pages."""

from __future__ import annotations

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
