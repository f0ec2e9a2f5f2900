"""How a notebook reads the functions its link holds: by the app's parser, never by eval.

`core.view_notebook` parses with `core.parse_expression` and `core.parse_vector`. A
server passes its own bounded, cached parsers instead (`ui.cached.parse`, which runs the
parser in a killable worker): building SymPy's form of a hostile text can take minutes,
and a page has already parsed the same text through them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from core.language.expression import ParsedExpression, parse_expression
from core.language.vector import ParsedVector, parse_vector


class Parsers(NamedTuple):
    """The two parsers a notebook needs: (text, variables) -> the parsed function.

    Both raise `core.ExpressionError` (a ValueError) with a sentence for a bad text.
    """

    expression: Callable[[str, Sequence[str]], ParsedExpression] = parse_expression
    vector: Callable[[str, Sequence[str]], ParsedVector] = parse_vector


DEFAULT_PARSERS = Parsers()
