"""Widgets shared by the Several variables sections: typed functions, tables, code."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from core import ExpressionError
from core.language.text_input import MAX_LENGTH
from core.language.vector import MAX_VECTOR_LENGTH
from ui import several_variables_cached as cached
from ui.cached import parse
from ui.reading import show_reading
from ui.widgets import expression_error

XY = cached.XY
# Every value of a section is bound to the URL under its key (the name old links used) and
# kept while the section is not shown, for as long as the person stays on the page. Not
# "session": a page switch and back opens the page as its link says, as the sidebar's other
# pages do, and a section's values in the link are those of the section shown.
SECTION_WIDGET = {"bind": "query-params", "persist_state": "page"}


def _names(variables: Sequence[str]) -> str:
    *head, last = variables
    return f"{', '.join(head)} and {last}" if head else last


def scalar_function(text: str, variables: Sequence[str] = XY, *, key: str, default: str):
    """The typed f as one expression of `variables`; after a typo, the last one that worked.

    A bad f (a typo, a vector function where one function is needed, a name that is not
    one of the section's variables) gets its sentence, and the section goes on with the
    last f that worked in it (its `default` at first), as the Explorer does: every other
    widget stays drawn, so none of them loses its value however many typos come.

    Args:
        key: the section's text input key; the last good f is kept under key + "_last_good".
        default: the section's default f, used before any f has worked.
    """
    parsed = _scalar_or_none(text, variables)
    return _keep_last_good(parsed, text, key, default, lambda good: parse(good, tuple(variables)))


def _scalar_or_none(text: str, variables: Sequence[str]):
    try:
        parsed = parse(text, tuple(variables))
    except ExpressionError as error:
        if ("," in text or "[" in text) and (count := _components(text, variables)) > 1:
            st.error(
                f"This section needs one function f({', '.join(variables)}), but this is a "
                f"vector function of {count} components. Type one of them here"
                + (
                    "; vector functions go in the Jacobians, JVP and VJP or Change of "
                    "variables sections."
                    if tuple(variables) == XY
                    else "."
                ),
                icon=":material/error:",
            )
        else:
            expression_error(text, error)
        return None
    return parsed if _only(parsed, variables) else None


def _keep_last_good(parsed, text: str, key: str, default: str, reparse):
    """`parsed` (of `text`), remembered as the last good f; or, for None, the last good
    one (a note says which, as it was typed), so the section never goes blank."""
    remembered = f"{key}_last_good"
    if parsed is not None:
        st.session_state[remembered] = text
        show_reading(parsed)
        return parsed
    good = st.session_state.get(remembered, default)
    st.caption(f"Still showing the last function that worked: `{good}`")
    return reparse(good)


def vector_function(
    text: str,
    variables: Sequence[str],
    components: int | None = None,
    *,
    key: str,
    default: str,
):
    """The typed vector function of `variables`; after a bad one, the last that worked.

    Args:
        components: the number of components the section needs (None: any, 1 to 4).
        key: the section's text input key (see `scalar_function`).
        default: the section's default map, used before any has worked.
    """
    vector = _vector_or_none(text, variables, components)
    return _keep_last_good(
        vector, text, key, default, lambda good: cached.parse_vector(good, tuple(variables))
    )


def _vector_or_none(text: str, variables: Sequence[str], components: int | None):
    try:
        vector = cached.parse_vector(text, tuple(variables))
    except ExpressionError as error:
        expression_error(text, error)
        return None
    if not _only(vector, variables):
        return None
    if components is not None and len(vector) != components:
        have = "one function" if len(vector) == 1 else f"{len(vector)} components"
        st.error(
            f"This section needs a map with {components} components, one per output "
            f"coordinate, as [x^2 + y^2, x*y]; this has {have}.",
            icon=":material/error:",
        )
        return None
    return vector


def _components(text: str, variables: Sequence[str]) -> int:
    try:
        return len(cached.parse_vector(text, tuple(variables)))
    except ExpressionError:
        return 0


def _only(parsed, variables: Sequence[str]) -> bool:
    """Whether `parsed` uses no names but `variables` (says why not otherwise)."""
    if not parsed.parameters:
        return True
    extra = ", ".join(parsed.parameters)
    where = (
        " The Three variables section takes functions of x, y and z."
        if tuple(variables) == XY and "z" in parsed.parameters
        else ""
    )
    st.error(
        f"Here f is a function of {_names(variables)} only, and {extra} "
        f"{'is' if len(parsed.parameters) == 1 else 'are'} not one of them: replace "
        f"{'it' if len(parsed.parameters) == 1 else 'them'} by a number.{where}",
        icon=":material/error:",
    )
    return False


def function_input(column, label: str, key: str, default: str, help: str, vector: bool = False):
    """A section's typed function, bound to the URL under `key` (its old link name).

    A link may hold any text; the parser refuses one longer than its limit with a sentence,
    and `max_chars` keeps a person from typing past it (a vector: four full components).
    """
    return column.text_input(
        label, value=default, key=key, help=help,
        max_chars=MAX_VECTOR_LENGTH if vector else MAX_LENGTH, **SECTION_WIDGET,
    )  # fmt: skip


def point_inputs(
    columns, prefix: str, point: Sequence[float], names: Sequence[str] = XY
) -> tuple[float, ...]:
    """The point's coordinates: an input "Point x" keyed prefix + "x" per name, one a column,
    bound to the URL under its key, starting at `point`."""
    return tuple(
        float(coordinate_input(column, f"Point {name}", f"{prefix}{name}", value, "%.3f"))
        for column, name, value in zip(columns, names, point, strict=True)
    )


def coordinate_input(column, label: str, key: str, value: float, shown: str = "%.3f") -> float:
    """A number input of a section, bound to the URL under `key` (its old link name)."""
    return column.number_input(
        label, value=float(value), key=key, step=0.1, format=shown, **SECTION_WIDGET
    )


def point_from_click(key: str, x_key: str, y_key: str) -> None:
    """on_select callback: move the point where the plot `key` was clicked."""
    points = st.session_state[key].selection.points
    if points:
        st.session_state[x_key] = round(float(points[0]["x"]), 3)
        st.session_state[y_key] = round(float(points[0]["y"]), 3)
