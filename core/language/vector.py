"""Vector functions: typed "[f1, f2, ...]" text -> one validated expression per component.

The text is split on the commas that stand outside every bracket (``max(a, b)`` and
``where(c, a, b)`` keep theirs; ``[x+1]`` and ``{x+1}`` group as ``(x+1)`` does), and
each component goes through `parse_expression` unchanged: the same language, the same
limits, the same messages, with positions moved into the whole text.
Nothing here evaluates anything.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import sympy

from core.errors import ExpressionError
from core.language.expression import ParsedExpression, parse_expression
from core.language.text_input import MAX_LENGTH
from core.language.tokens import CLOSERS, OPENERS

MAX_COMPONENTS = 4
# Each component keeps its own limit; the whole text may hold four full components with
# the brackets and ", " separators of the canonical text, so `.text` always parses back.
MAX_VECTOR_LENGTH = MAX_COMPONENTS * MAX_LENGTH + 2 + 2 * (MAX_COMPONENTS - 1)
EXAMPLE = "[x^2*y, 5x + sin(y)]"


@dataclass(frozen=True)
class ParsedVector:
    """A validated vector function f = (f_1, ..., f_m) of the same variables.

    Attributes:
        components: one parsed expression per component, in order.
        variables: the variables every component is a function of, as declared.
        parameters: the free single-letter names of all components together, sorted.
        text: canonical text, ``"[c1, c2]"`` of the components' canonical texts;
            parsing it gives the same components.
        sympy: the components as a SymPy column matrix (m x 1).
        latex: LaTeX of `sympy`.
    """

    components: tuple[ParsedExpression, ...]
    variables: tuple[str, ...]
    parameters: tuple[str, ...]
    text: str
    sympy: sympy.ImmutableMatrix
    latex: str

    def __len__(self) -> int:
        return len(self.components)


def parse_vector(text: str, variables: Sequence[str] = ("x", "y")) -> ParsedVector:
    """Parse a typed vector function, one expression per component.

    Args:
        text: e.g. ``"[x^2*y, 5x + sin(y)]"``; the square brackets are optional and
            the components are separated by commas, 1 to `MAX_COMPONENTS` of them.
        variables: the names every component is a function of; other single
            letters (except ``e``) become parameters.

    Returns:
        The parsed vector function.

    Raises:
        ExpressionError: with one sentence and the position in the whole `text` of
            the problem (an empty component, too many components, unbalanced brackets,
            or any error of a component's expression).

    Example:
        >>> f = parse_vector("[x^2*y, 5x + sin(y)]")
        >>> f.text, f.parameters
        ('[x**2*y, 5*x + sin(y)]', ())
    """
    if not isinstance(text, str):
        raise ExpressionError("The vector function must be text.", None)
    variables = tuple(variables)
    if not text.strip():
        raise ExpressionError(f"Type a vector function, for example {EXAMPLE}.", None)
    if len(text) > MAX_VECTOR_LENGTH:
        raise ExpressionError(
            f"The vector function is {len(text):,} characters long; "
            f"the limit is {MAX_VECTOR_LENGTH:,}.",
            MAX_VECTOR_LENGTH,
        )
    start, end = _inside_brackets(text)
    spans = _split_components(text, start, end)
    components = tuple(
        _parse_component(text, span, number, len(spans), variables)
        for number, span in enumerate(spans, start=1)
    )
    matrix = sympy.ImmutableMatrix([component.sympy for component in components])
    return ParsedVector(
        components=components,
        variables=variables,
        parameters=tuple(sorted(set().union(*(c.parameters for c in components)))),
        text="[" + ", ".join(component.text for component in components) + "]",
        sympy=matrix,
        latex=sympy.latex(matrix),
    )


def _plain(ch: str) -> str:
    # Fullwidth brackets and commas pasted from documents count as their ASCII twins,
    # as they do in the expression language (NFKC).
    return unicodedata.normalize("NFKC", ch)


def _inside_brackets(text: str) -> tuple[int, int]:
    """The span of `text` inside its optional outer [ ], as (start, end) indices.

    The outer brackets are the vector's only when they match each other: in
    `[x+1]*[x-1]` they group inside one component (brackets group as parentheses do).
    """
    first = len(text) - len(text.lstrip())
    last = len(text.rstrip()) - 1
    opens, closes = _plain(text[first]) == "[", _plain(text[last]) == "]"
    if opens and closes:
        # Unless the first '[' is closed before the end ([x+1]*[x-1]), they are the
        # vector's; an unbalanced bracket inside is then the components' error.
        partner = _partner(text, first, +1)
        return (first + 1, last) if partner in (None, last) else (0, len(text))
    if opens and _partner(text, first, +1) is None:
        raise ExpressionError(
            "This '[' is never closed: end the vector with ']' (or leave out both brackets).",
            first,
        )
    if closes and _partner(text, last, -1) is None:
        raise ExpressionError(
            "This ']' has no matching '[': start the vector with '[' (or leave out both).",
            last,
        )
    return 0, len(text)


def _partner(text: str, index: int, step: int) -> int | None:
    """The index of the bracket matching the one at `index` (scanning by `step`), or None
    when it is never closed or a bracket of another shape closes it first."""
    pending: list[str] = []
    openers, closers = (OPENERS, CLOSERS) if step > 0 else (CLOSERS, OPENERS)
    while 0 <= index < len(text):
        ch = _plain(text[index])
        if ch in openers:
            pending.append(openers[ch])
        elif ch in closers:
            if not pending or pending.pop() != ch:
                return None
            if not pending:
                return index
        index += step
    return None


def _split_components(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of each component: split on commas outside every bracket."""
    if not text[start:end].strip():
        raise ExpressionError(
            f"The vector has no components: type them inside the brackets, e.g. {EXAMPLE}.",
            start,
        )
    spans, open_parentheses, component_start = [], [], start
    for index in range(start, end):
        ch = _plain(text[index])
        if ch in OPENERS:
            open_parentheses.append(index)
        elif ch in CLOSERS:
            if not open_parentheses:
                raise ExpressionError(f"This '{ch}' has no matching '{CLOSERS[ch]}'.", index)
            opener = _plain(text[open_parentheses.pop()])
            if OPENERS[opener] != ch:
                raise ExpressionError(
                    f"This '{ch}' closes a '{opener}': close it with '{OPENERS[opener]}'.", index
                )
        elif ch == "," and not open_parentheses:
            spans.append((component_start, index))
            component_start = index + 1
    if open_parentheses:
        opener = _plain(text[open_parentheses[-1]])
        raise ExpressionError(
            f"This '{opener}' is never closed: add a '{OPENERS[opener]}'.", open_parentheses[-1]
        )
    spans.append((component_start, end))
    if len(spans) > MAX_COMPONENTS:
        raise ExpressionError(
            f"A vector function has at most {MAX_COMPONENTS} components; this one has "
            f"{len(spans)}. Remove some.",
            spans[MAX_COMPONENTS][0] - 1,  # the comma before the first one too many
        )
    for number, (first, last) in enumerate(spans, start=1):
        if not text[first:last].strip():
            raise ExpressionError(
                f"Component {number} is empty: write an expression there or remove "
                "the extra comma.",
                first,
            )
    return spans


def _parse_component(
    text: str, span: tuple[int, int], number: int, count: int, variables: tuple[str, ...]
) -> ParsedExpression:
    first, last = span
    first += len(text[first:last]) - len(text[first:last].lstrip())  # count from its first sign
    try:
        return parse_expression(text[first:last].rstrip(), variables)
    except ExpressionError as error:
        where = f"In component {number}: " if count > 1 else ""
        position = None if error.position is None else first + error.position
        raise ExpressionError(where + error.message, position) from None
