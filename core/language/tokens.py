"""The tokenizer: normalised ASCII text -> numbers, names and operators, with positions.

Number tokens are read here too (`number_value`), so that the bound on the size of
integer literals holds wherever a number is read.
"""

from __future__ import annotations

import math
import re
from typing import NamedTuple

from core.errors import ExpressionError

MAX_INTEGER_DIGITS = 30
# Brackets of every shape group, as books print them: (x+1), [x+1], {x+1} (e^{2x}).
OPENERS = {"(": ")", "[": "]", "{": "}"}
CLOSERS = {closer: opener for opener, closer in OPENERS.items()}


class Token(NamedTuple):
    kind: str  # "number", "name", "op", "end"
    text: str
    position: int  # index in the normalised text

    def touches(self, previous: Token) -> bool:
        """Whether this token was written right after `previous`, with no space (xy, 2x)."""
        return previous.kind != "end" and previous.position + len(previous.text) == self.position


_TOKEN = re.compile(
    r"(?P<space>\s+)"
    r"|(?P<number>(\d[\d_]*\.?\d*|\.\d+)([eE][+-]?\d+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<op>\*\*|<=|>=|==|!=|[-+*/^(),|<>{}\[\]])"
)

_FORBIDDEN = {
    "'": "Strings are not allowed: remove the quotes.",
    '"': "Strings are not allowed: remove the quotes.",
    ".": "Attribute access ('.') is not allowed; write numbers as 0.5, not .x.",
    "=": "Assignments and comparisons (=, ==) are not allowed: type only the right-hand side.",
    "!": "Factorials and '!' are not supported.",
    "#": "Comments ('#') are not allowed.",
    ";": "Only one expression is allowed: remove the ';'.",
    ":": "':' is not allowed (no lambdas, slices or statements).",
    "\n": "Only one expression on one line is allowed.",
    "@": "'@' is not allowed.",
    "%": "'%' is not supported.",
    "&": "'&' is not supported.",
    "~": "'~' is not supported.",
    "\\": "'\\' is not allowed.",
    "`": "'`' is not allowed.",
    "$": "'$' is not allowed.",
    "?": "'?' is not allowed.",
}


def tokenize(text: str) -> list[Token]:
    """Split normalised ASCII text into tokens, ending with an "end" token.

    Raises:
        ExpressionError: at the first character that starts no token.
    """
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            ch = text[position]
            message = _FORBIDDEN.get(ch, f"The character '{ch}' is not allowed here.")
            raise ExpressionError(message, position)
        kind = match.lastgroup
        if kind != "space":
            token_text = match.group()
            if kind == "op" and token_text == "**":
                token_text = "^"
            tokens.append(Token(kind, token_text, position))
        position = match.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


def number_value(token: Token) -> int | float:
    """The value of a number token: an int for digits only, else a float.

    Raises:
        ExpressionError: for an integer of more than MAX_INTEGER_DIGITS digits or a
            float beyond double precision.
    """
    text = token.text.replace("_", "")
    if re.fullmatch(r"\d+", text):
        if len(text.lstrip("0")) > MAX_INTEGER_DIGITS:
            raise ExpressionError(
                f"Integers may have at most {MAX_INTEGER_DIGITS} digits.", token.position
            )
        return int(text)
    value = float(text)
    if not math.isfinite(value):
        raise ExpressionError("This number is too large for double precision.", token.position)
    return value
