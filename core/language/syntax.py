"""Tokenizer, recursive-descent parser and printer for the expression language.

The grammar (loosest binding first)::

    sum     := product (("+" | "-") product)*
    product := unary (("*" | "/") unary | <implicit> power)*
    unary   := ("-" | "+") unary | power
    power   := primary ("^" unary)?            # right-associative: 2^-x, x^y^z
    primary := number | name | name "(" sum ")" | name "^" number "(" sum ")"
             | "(" sum ")" | "|" sum "|"

Nothing here evaluates anything: the result is a tree of the node types below.
"""

from __future__ import annotations

import difflib
import keyword
import math
import re
from collections.abc import Mapping
from typing import NamedTuple

from core.errors import ExpressionError
from core.language import functions
from core.language.tree import (
    COMPARISONS,
    MULTI_ARGUMENT,
    Binary,
    Call,
    Compare,
    Constant,
    MultiCall,
    Negate,
    Node,
    Number,
    Symbol,
)

MAX_DEPTH = 60
MAX_INTEGER_DIGITS = 30


class Token(NamedTuple):
    kind: str  # "number", "name", "op", "end"
    text: str
    position: int  # index in the normalised text


_TOKEN = re.compile(
    r"(?P<space>\s+)"
    r"|(?P<number>(\d[\d_]*\.?\d*|\.\d+)([eE][+-]?\d+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<op>\*\*|<=|>=|==|!=|[-+*/^(),|<>])"
)

_FORBIDDEN = {
    "'": "Strings are not allowed: remove the quotes.",
    '"': "Strings are not allowed: remove the quotes.",
    ".": "Attribute access ('.') is not allowed; write numbers as 0.5, not .x.",
    "[": "Square brackets (lists, subscripts) are not allowed; use parentheses.",
    "]": "Square brackets (lists, subscripts) are not allowed; use parentheses.",
    "{": "Braces are not allowed; use parentheses.",
    "}": "Braces are not allowed; use parentheses.",
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
    """Split normalised ASCII text into tokens.

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


class Parser:
    """Recursive-descent parser over a token list; see the module docstring."""

    def __init__(self, tokens: list[Token], variables: tuple[str, ...]) -> None:
        self.tokens = tokens
        self.variables = variables
        self.index = 0
        self.depth = 0
        self.open_bars = 0

    # -- helpers -------------------------------------------------------------------
    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def expect(self, text: str, message: str) -> Token:
        if self.current.text != text or self.current.kind != "op":
            raise ExpressionError(message, self.current.position)
        return self.advance()

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(
                f"The expression is nested more than {MAX_DEPTH} levels deep; simplify it.",
                self.current.position,
            )

    # -- grammar -------------------------------------------------------------------
    def reject_comparison(self) -> None:
        token = self.current
        if token.kind == "op" and token.text in COMPARISONS:
            raise ExpressionError(
                f"Comparisons ({token.text}) are only allowed as the condition of "
                "where(condition, value_if_true, value_if_false).",
                token.position,
            )

    def parse(self) -> Node:
        if self.current.kind == "end":
            raise ExpressionError("Type an expression, for example x^2 + sin(x).", 0)
        node = self.sum()
        self.reject_comparison()
        token = self.current
        if token.kind != "end":
            if token.text == ")":
                raise ExpressionError("This ')' has no matching '('.", token.position)
            if token.text == ",":
                raise ExpressionError(
                    "Commas only separate function arguments; functions here take one.",
                    token.position,
                )
            raise ExpressionError(f"Unexpected '{token.text}'.", token.position)
        return node

    def sum(self) -> Node:
        self.enter()
        node = self.product()
        while self.current.kind == "op" and self.current.text in "+-":
            operator = self.advance().text
            node = Binary(operator, node, self.product())
        self.depth -= 1
        return node

    def starts_operand(self) -> bool:
        token = self.current
        if token.kind in ("number", "name"):
            return True
        if token.kind == "op" and token.text == "(":
            return True
        # Inside |...| a bar after an operand closes it; outside it opens a new one.
        return token.kind == "op" and token.text == "|" and self.open_bars == 0

    def product(self) -> Node:
        node = self.unary()
        while True:
            token = self.current
            if token.kind == "op" and token.text in "*/":
                self.advance()
                node = Binary(token.text, node, self.unary())
            elif self.starts_operand():
                if token.kind == "number" and _ends_with_number(node):
                    raise ExpressionError(
                        "Two numbers in a row: add an operator between them.", token.position
                    )
                node = Binary("*", node, self.power())
            else:
                return node

    def unary(self) -> Node:
        token = self.current
        if token.kind == "op" and token.text in "+-":
            self.advance()
            self.enter()
            operand = self.unary()
            self.depth -= 1
            return Negate(operand) if token.text == "-" else operand
        return self.power()

    def power(self) -> Node:
        base = self.primary()
        if self.current.kind == "op" and self.current.text == "^":
            operator = self.advance()
            self.enter()
            exponent = self.unary()
            self.depth -= 1
            node = Binary("^", base, exponent)
            check_constant_size(node, operator.position)
            return node
        return base

    def primary(self) -> Node:
        token = self.current
        if token.kind == "number":
            self.advance()
            return Number(_number_value(token))
        if token.kind == "name":
            return self.name()
        if token.kind == "op" and token.text == "(":
            self.advance()
            if self.current.text == ")":
                raise ExpressionError(
                    "Empty parentheses: put an expression inside.", token.position
                )
            saved_bars, self.open_bars = self.open_bars, 0
            node = self.sum()
            self.open_bars = saved_bars
            self.reject_comparison()
            self.expect(")", "A '(' is never closed: add a ')'.")
            return node
        if token.kind == "op" and token.text == "|":
            self.advance()
            self.open_bars += 1
            node = self.sum()
            self.open_bars -= 1
            self.expect("|", "An absolute value |...| is never closed: add a '|'.")
            return Call("abs", node)
        if token.kind == "end":
            raise ExpressionError(
                "The expression ends too early: something is missing.", token.position
            )
        raise ExpressionError(f"Unexpected '{token.text}'.", token.position)

    def name(self) -> Node:
        token = self.advance()
        name = token.text
        if name in MULTI_ARGUMENT:
            return self.multi_call(name)
        function = functions.canonical_function_name(name)
        if function is not None:
            return self.call(function, token)
        if name in self.variables:
            return Symbol(name)
        if name in functions.CONSTANTS:
            return Constant(name)
        if len(name) == 1 and name.isalpha():
            return Symbol(name)  # a free parameter
        raise ExpressionError(_unknown_name_message(name), token.position)

    def call(self, function: str, token: Token) -> Node:
        exponent = None
        ahead = [
            token.text if token.kind == "op" else token.kind
            for token in self.tokens[self.index : self.index + 5]
        ]
        if ahead[:2] == ["^", "number"]:
            # sin^2(x) means (sin(x))^2, as in textbooks.
            self.advance()
            exponent = Number(_number_value(self.advance()))
        elif ahead == ["^", "(", "number", ")", "("]:
            # sin²(x): the superscript arrives as sin^(2)(x).
            self.advance()
            self.advance()
            exponent = Number(_number_value(self.advance()))
            self.advance()
        if self.current.text != "(":
            raise ExpressionError(
                f"'{token.text}' is a function: write its argument in parentheses, "
                f"e.g. {token.text}(x).",
                self.current.position,
            )
        open_token = self.advance()
        if self.current.text == ")":
            raise ExpressionError(f"{token.text}() needs an argument.", open_token.position)
        saved_bars, self.open_bars = self.open_bars, 0
        argument = self.sum()
        self.open_bars = saved_bars
        if self.current.text == ",":
            raise ExpressionError(f"{token.text} takes one argument.", self.current.position)
        self.reject_comparison()
        self.expect(")", f"The '(' after {token.text} is never closed: add a ')'.")
        node = Call(function, argument)
        return Binary("^", node, exponent) if exponent is not None else node

    def multi_call(self, name: str) -> Node:
        usage = {
            "max": "max(a, b)",
            "min": "min(a, b)",
            "where": "where(condition, value_if_true, value_if_false), e.g. where(x < 0, -x, x)",
        }[name]
        if self.current.text != "(":
            raise ExpressionError(f"Write {usage}.", self.current.position)
        self.advance()
        saved_bars, self.open_bars = self.open_bars, 0
        arguments = []
        while True:
            if name == "where" and not arguments:
                arguments.append(self.condition())
            else:
                arguments.append(self.sum())
                self.reject_comparison()
            if self.current.text != ",":
                break
            self.advance()
        self.open_bars = saved_bars
        if len(arguments) != MULTI_ARGUMENT[name] or self.current.text != ")":
            raise ExpressionError(
                f"{name} takes {MULTI_ARGUMENT[name]} arguments: {usage}.", self.current.position
            )
        self.advance()
        return MultiCall(name, tuple(arguments))

    def condition(self) -> Node:
        left = self.sum()
        token = self.current
        if not (token.kind == "op" and token.text in COMPARISONS):
            raise ExpressionError(
                "The first argument of where is a comparison, e.g. where(x < 0, -x, x).",
                token.position,
            )
        self.advance()
        return Compare(token.text, left, self.sum())


MAX_CONSTANT_DIGITS = 300
MAX_CONSTANT_EXPONENT = 10_000
_MATH = {"log10": math.log10, "log2": math.log2, "abs": abs, "asin": math.asin,
         "acos": math.acos, "atan": math.atan, "asinh": math.asinh, "acosh": math.acosh,
         "atanh": math.atanh, "sinh": math.sinh, "cosh": math.cosh, "tanh": math.tanh,
         "exp": math.exp, "log": math.log, "sqrt": math.sqrt, "sin": math.sin,
         "cos": math.cos, "tan": math.tan, "cot": lambda v: 1 / math.tan(v),
         "sec": lambda v: 1 / math.cos(v), "csc": lambda v: 1 / math.sin(v),
         "floor": math.floor, "ceil": math.ceil,
         "sign": lambda v: float((v > 0) - (v < 0))}  # fmt: skip


def approximate(node: Node) -> float | None:
    """The approximate value of a subtree without symbols, or None if it has symbols.

    Used only to bound the size of exact constants before SymPy computes them; works
    in floats, where overflow gives inf and undefined operations nan.
    """
    if isinstance(node, Number):
        return float(node.value)
    if isinstance(node, Constant):
        return math.pi if node.name == "pi" else math.e
    if isinstance(node, Symbol | Compare | MultiCall):
        return None
    if isinstance(node, Call | Negate):
        inner = approximate(node.argument if isinstance(node, Call) else node.operand)
        if inner is None:
            return None
        if isinstance(node, Negate):
            return -inner
        try:
            return float(_MATH[node.function](inner))
        except (ValueError, OverflowError, ZeroDivisionError):
            return math.inf if node.function in ("exp", "sinh", "cosh") else math.nan
    left, right = approximate(node.left), approximate(node.right)
    if left is None or right is None:
        return None
    try:
        if node.operator == "+":
            return left + right
        if node.operator == "-":
            return left - right
        if node.operator == "*":
            return left * right
        if node.operator == "/":
            return left / right
        return math.pow(left, right)
    except (ValueError, OverflowError, ZeroDivisionError):
        return math.inf


def check_constant_size(node: Binary, position: int) -> None:
    """Reject constant powers too large to compute exactly (`9^9^9`, `(9^9)^99^99`).

    SymPy evaluates a power of two exact numbers at once, and one huge power holds
    the interpreter for minutes; this bound runs before SymPy sees the tree.

    Raises:
        ExpressionError: when the result would exceed 10^300 or the exponent 10,000.
    """
    base, exponent = approximate(node.left), approximate(node.right)
    if base is None or exponent is None or math.isnan(base) or math.isnan(exponent):
        return
    if isinstance(node.left, Number) and node.left.value in (0, 1):
        return
    if base == 0:
        digits = 0.0
    elif math.isfinite(base):
        digits = abs(exponent) * abs(math.log10(abs(base)))
    else:
        digits = math.inf
    if math.isnan(digits) or digits > MAX_CONSTANT_DIGITS:
        size = f"about 10^{digits:,.0f}" if math.isfinite(digits) else "astronomically large"
        raise ExpressionError(
            f"This power of constants is {size}: too large to compute. "
            f"Constants must stay below 10^{MAX_CONSTANT_DIGITS}.",
            position,
        )
    if abs(exponent) > MAX_CONSTANT_EXPONENT:
        raise ExpressionError(
            f"This constant exponent ({exponent:.3g}) is too large to compute exactly; "
            f"keep constant exponents below {MAX_CONSTANT_EXPONENT:,}.",
            position,
        )


def _ends_with_number(node: Node) -> bool:
    while isinstance(node, Binary):
        node = node.right
    return isinstance(node, Number)


def _number_value(token: Token) -> int | float:
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


def _unknown_name_message(name: str) -> str:
    if keyword.iskeyword(name) or name in ("print", "eval", "exec", "import", "__import__"):
        return f"'{name}' is Python, not mathematics: only maths expressions are allowed."
    if name.startswith("_"):
        return f"Names starting with '_' are not allowed ('{name}')."
    close = difflib.get_close_matches(name, functions.KNOWN_NAMES, n=1, cutoff=0.6)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    if name.isalpha() and len(name) <= 3:
        product = " For a product write it with '*', e.g. a*x."
    elif not name.isalpha():
        product = " For a power write x^2; for a product x*2."
    else:
        product = ""
    return f"Unknown name '{name}'.{hint}{product}"


# -- printing --------------------------------------------------------------------------
_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "^": 4}
_NEGATE, _ATOM = 3, 5


def precedence(node: Node) -> int:
    if isinstance(node, Binary):
        return _PRECEDENCE[node.operator]
    if isinstance(node, Negate):
        return _NEGATE
    return _ATOM


def to_text(node: Node, names: Mapping[str, str] | None = None) -> str:
    """Canonical text of a tree: explicit `*`, `**` for powers, minimal parentheses.

    `parse(to_text(tree))` gives back the same tree. With `names`, functions and
    constants are renamed (e.g. sin -> jnp.sin, pi -> jnp.pi), which turns the text
    into Python code for a library; `names["where"] == "sp.Piecewise"` writes SymPy's
    Piecewise((a, condition), (b, True)) form.
    """
    names = names or {}
    if isinstance(node, Number):
        return repr(node.value)
    if isinstance(node, Symbol):
        return node.name
    if isinstance(node, Constant):
        return names.get(node.name, node.name)
    if isinstance(node, Call):
        return f"{names.get(node.function, node.function)}({to_text(node.argument, names)})"
    if isinstance(node, MultiCall):
        arguments = [to_text(a, names) for a in node.arguments]
        if node.function == "where" and names.get("where") == "sp.Piecewise":
            return f"sp.Piecewise(({arguments[1]}, {arguments[0]}), ({arguments[2]}, True))"
        return f"{names.get(node.function, node.function)}({', '.join(arguments)})"
    if isinstance(node, Compare):
        return f"{to_text(node.left, names)} {node.operator} {to_text(node.right, names)}"
    if isinstance(node, Negate):
        return "-" + _wrap(node.operand, precedence(node.operand) < 4, names)
    op = node.operator
    level = _PRECEDENCE[op]
    if op == "^":
        left = _wrap(node.left, precedence(node.left) < _ATOM, names)
        right = _wrap(node.right, precedence(node.right) < _NEGATE, names)
        return f"{left}**{right}"
    left = _wrap(node.left, precedence(node.left) < level, names)
    right_level = precedence(node.right)
    right = _wrap(node.right, right_level <= level or isinstance(node.right, Negate), names)
    joiner = f" {op} " if level == 1 else op
    return f"{left}{joiner}{right}"


def _wrap(node: Node, parenthesise: bool, names: Mapping[str, str]) -> str:
    text = to_text(node, names)
    return f"({text})" if parenthesise else text
