"""'Read as …' under a text box: the expression as the parser read it, in LaTeX.

Textbook notation has reading rules (`sin x cos x` is sin(x)·cos(x), `sin x^2` is
sin(x²), `e^2x` is e²·x; README, "What you can type"); showing the reading right under
the box makes an unexpected one visible at once, before any result is looked at.
"""

from __future__ import annotations

import streamlit as st

from core.language.expression import ParsedExpression
from core.language.vector import ParsedVector


def reading_latex(parsed: ParsedExpression | ParsedVector) -> str:
    """The caption's Markdown: "Read as $…$" with the parsed expression's LaTeX."""
    return f":material/visibility: Read as ${parsed.latex}$"


def show_reading(parsed: ParsedExpression | ParsedVector, where=st) -> None:
    """Show how `parsed` was read, as a caption under its text box (`where`: a column)."""
    where.caption(reading_latex(parsed))
