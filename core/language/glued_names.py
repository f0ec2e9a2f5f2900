"""Names written together: `xe^x`, `pix`, `sinx`, `2xsin2x` read as the pieces they glue.

The tokenizer reads a run of letters as one name. When that name is not a known one,
it may be several written without spaces, as books and students do: `xe` is x·e,
`pix` (from `πx`) is pi·x, `sinx` is sin x, `sin2x` is sin 2x, `xy` on a page of x and
y is x·y. `split_glued` finds the pieces (the fewest; functions, constants and the
page's variables before single letters), and a split is kept only when it is
plausible, so that a typo still gets its "Did you mean ...?" (`core.language.syntax`):

- at least one piece is a variable of the page, a constant (e, pi) or a function:
  `abc` stays one unknown name (no piece of it is known);
- no one-letter parameter comes right after a function: `sinn(x)` is a typo of sin,
  not sin(n·x);
- no two one-letter parameters in a row: `arcsek` is a typo, not a·r·c·s·e·k (`ax`,
  `kx`, `xe` are read; `abx` is not);
- digits only right after a function (`sin2x`, `log10x`): `x2` stays unknown, since
  x·2 and x² are both plausible;
- Python's names (`exec`, `lambda`) and names with `_` are never split.

Each piece becomes its own token at its own position, so the parser sees `x e ^ x`
and a caret points inside the typed name.
"""

from __future__ import annotations

import itertools
import keyword
import re

from core.language import functions
from core.language.tokens import Token
from core.language.tree import MULTI_ARGUMENT

_NEVER_SPLIT = frozenset({"print", "eval", "exec", "import", "open", "input", "lambda"})
_FUNCTION_NAMES = frozenset(
    name
    for name in (*functions.FUNCTION_NAMES, *functions.ALIASES, *functions.REWRITTEN)
    if name.isalpha()
) | frozenset({"log10", "log2"})
_LONGEST = max(map(len, _FUNCTION_NAMES))
_DIGITS = re.compile(r"\d+")


def is_known(name: str, variables: tuple[str, ...]) -> bool:
    """Whether `name` is read whole: a function, constant, variable or one letter."""
    return (
        functions.canonical_function_name(name) is not None
        or name in functions.REWRITTEN
        or name in functions.CONSTANTS
        or name in MULTI_ARGUMENT
        or name in variables
        or (len(name) == 1 and name.isalpha())
    )


def split_glued(name: str, variables: tuple[str, ...]) -> list[tuple[str, str]] | None:
    """The pieces of a glued name as (kind, text), kind "name" or "number"; None if none.

    Example:
        >>> split_glued("xe", ("x",))
        [('name', 'x'), ('name', 'e')]
        >>> split_glued("sinn", ("x",)) is None
        True
    """
    if is_known(name, variables) or "_" in name or keyword.iskeyword(name) or name in _NEVER_SPLIT:
        return None
    # best[i]: the fewest pieces reading name[:i], as a list (None: no reading).
    best: list[list[tuple[str, str]] | None] = [None] * (len(name) + 1)
    best[0] = []
    for end in range(1, len(name) + 1):
        for start in range(max(0, end - _LONGEST), end):
            before = best[start]
            if before is None:
                continue
            piece = _piece(name[start:end], before, variables)
            if piece is None:
                continue
            candidate = [*before, piece]
            if best[end] is None or len(candidate) < len(best[end]):
                best[end] = candidate
    pieces = best[len(name)]
    if pieces is None or not any(_is_anchor(text, variables) for _, text in pieces):
        return None
    parameters = [kind == "name" and not _is_anchor(text, variables) for kind, text in pieces]
    if any(first and second for first, second in itertools.pairwise(parameters)):
        return None  # arcsek is a typo, not a*r*c*s*e*k
    return pieces


def _piece(text: str, before: list[tuple[str, str]], variables) -> tuple[str, str] | None:
    after_function = bool(before) and before[-1][1] in _FUNCTION_NAMES
    if _DIGITS.fullmatch(text):
        return ("number", text) if after_function else None
    if text in _FUNCTION_NAMES or text in functions.CONSTANTS or text in variables:
        return ("name", text)
    if len(text) == 1 and text.isalpha() and not after_function:
        return ("name", text)  # a one-letter parameter
    return None


def _is_anchor(text: str, variables: tuple[str, ...]) -> bool:
    return text in variables or text in functions.CONSTANTS or text in _FUNCTION_NAMES


def expand_glued(tokens: list[Token], variables: tuple[str, ...]) -> list[Token]:
    """The tokens with every plausibly glued name split into its pieces (see module)."""
    expanded: list[Token] = []
    for token in tokens:
        if token.kind != "name":
            expanded.append(token)
            continue
        head, rest = _log_base_prefix(token.text)
        pieces = split_glued(rest, variables) if rest else None
        if head and rest and pieces is None and _is_anchor(rest, variables):
            pieces = [("name", rest)]  # log_2x; but log_ab stays one (unknown) name
        if pieces is None:
            expanded.append(token)
            continue
        offset = token.position
        if head:
            expanded.append(Token("name", head, offset))
            offset += len(head)
        for kind, text in pieces:
            expanded.append(Token(kind, text, offset))
            offset += len(text)
    return expanded


def _log_base_prefix(name: str) -> tuple[str, str]:
    """("log_2", "x") for log_2x; ("", name) when the name is not a log_b glued to more."""
    match = re.fullmatch(r"(log_(?:\d+|[A-Za-z]))([A-Za-z]\w*)", name)
    if match is None or "_" in match[2]:
        return "", name
    return match[1], match[2]
