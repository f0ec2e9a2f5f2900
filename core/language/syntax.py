"""The recursive-descent parser: tokens -> one validated expression tree.

The grammar (loosest binding first)::

    sum     := product (("+" | "-") product)*
    product := unary (("*" | "/") unary | <implicit> power)*
    unary   := ("-" | "+") unary | power
    power   := primary ("^" unary)?            # right-associative: 2^-x, x^y^z
    primary := number | name | call | log_b argument | group | "|" sum "|"
    group   := "(" sum ")" | "[" sum "]" | "{" sum "}"
    call    := name ("^" exponent)? argument    # sin^2 x = sin(x)^2; sin^-1 x = asin(x)
    argument:= group | bare                     # sin(x), sin x: `core.language.function_calls`
    exponent:= number | "-" number | "(" "-"? number ")" | "{" "-"? number "}"
    log_b   := "log_" (digits | letter) | "log_" "{" (number | name) "}"

Names written together (`xe^x`, `sinx`, `pix`) are split into their pieces first
(`core.language.glued_names`).

Nothing here evaluates anything: the result is a tree of `core.language.tree` nodes.
The tokens come from `core.language.tokens`, the canonical text from
`core.language.printer`, and constant powers are bounded by
`core.language.constant_size` as they are met.
"""

from __future__ import annotations

import difflib
import keyword

from core.errors import ExpressionError
from core.language import functions
from core.language.constant_size import check_constant_size
from core.language.function_calls import FunctionCalls
from core.language.glued_names import expand_glued
from core.language.tokens import CLOSERS, OPENERS, Token, number_value
from core.language.tree import (
    COMPARISONS,
    MULTI_ARGUMENT,
    Binary,
    Call,
    Constant,
    Negate,
    Node,
    Number,
    Symbol,
    depth,
)

MAX_DEPTH = 60
MAX_CHAIN = 150  # the tree's height: x·x·…·x typed out is a chain as long as the text


class Parser(FunctionCalls):
    """Recursive-descent parser over a token list; see the module docstring."""

    def __init__(
        self, tokens: list[Token], variables: tuple[str, ...], max_depth: int = MAX_DEPTH
    ) -> None:
        self.tokens = expand_glued(tokens, variables)
        self.variables = variables
        self.max_depth = max_depth
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

    def close(self, open_token: Token, never_closed: str) -> None:
        """Consume the bracket closing `open_token`, or say what is wrong with it."""
        closer = OPENERS[open_token.text]
        token = self.current
        if token.kind == "op" and token.text in CLOSERS and token.text != closer:
            raise ExpressionError(
                f"This '{token.text}' closes a '{open_token.text}': close it with '{closer}'.",
                token.position,
            )
        self.expect(closer, f"{never_closed}: add a '{closer}'.")

    def ahead(self, count: int) -> list[str]:
        """The next `count` tokens as operator text or kind ("number", "name", "end")."""
        return [
            token.text if token.kind == "op" else token.kind
            for token in self.tokens[self.index : self.index + count]
        ]

    def enter(self) -> None:
        self.depth += 1
        if self.depth > self.max_depth:
            raise ExpressionError(
                f"The expression is nested more than {self.max_depth} levels deep; simplify it.",
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
            if token.text in CLOSERS:
                raise ExpressionError(
                    f"This '{token.text}' has no matching '{CLOSERS[token.text]}'.",
                    token.position,
                )
            if token.text == ",":
                raise ExpressionError(
                    "Commas only separate function arguments; functions here take one.",
                    token.position,
                )
            raise ExpressionError(f"Unexpected '{token.text}'.", token.position)
        if depth(node) > MAX_CHAIN:
            raise ExpressionError(
                f"The expression chains more than {MAX_CHAIN} operations one after another; "
                "write a repeated factor as a power (x^5 for xxxxx) or shorten it.",
                None,
            )
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
        if token.kind == "op" and token.text in OPENERS:
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
                if self.two_numbers(node):
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
            return Number(number_value(token))
        if token.kind == "name":
            return self.name()
        if token.kind == "op" and token.text in OPENERS:
            self.advance()
            if self.current.text == OPENERS[token.text]:
                kind = "parentheses" if token.text == "(" else "brackets"
                raise ExpressionError(f"Empty {kind}: put an expression inside.", token.position)
            saved_bars, self.open_bars = self.open_bars, 0
            node = self.sum()
            self.open_bars = saved_bars
            self.reject_comparison()
            self.close(token, f"A '{token.text}' is never closed")
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
        if token.text in CLOSERS:
            raise ExpressionError(f"Unexpected '{token.text}': something is missing before it.",
                                  token.position)  # fmt: skip
        raise ExpressionError(f"Unexpected '{token.text}'.", token.position)

    def name(self) -> Node:
        token = self.advance()
        name = token.text
        if name in MULTI_ARGUMENT:
            return self.multi_call(name)
        if name.startswith("log_"):
            return self.logarithm(token)
        function = functions.canonical_function_name(name)
        if function is None and name in functions.REWRITTEN:
            function = name
        if function is not None:
            return self.call(function, token)
        if name in self.variables:
            return Symbol(name)
        if name in functions.CONSTANTS:
            return Constant(name)
        if len(name) == 1 and name.isalpha():
            return Symbol(name)  # a free parameter
        raise ExpressionError(_unknown_name_message(name), token.position)


def _ends_with_number(node: Node) -> bool:
    while isinstance(node, Binary):
        node = node.right
    return isinstance(node, Number)


def _unknown_name_message(name: str) -> str:
    if keyword.iskeyword(name) or name in ("print", "eval", "exec", "import", "__import__"):
        return f"'{name}' is Python, not mathematics: only maths expressions are allowed."
    if name.startswith("_"):
        return f"Names starting with '_' are not allowed ('{name}')."
    known = (*functions.KNOWN_NAMES, *functions.REWRITTEN)
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    if name.isalpha() and len(name) <= 3:
        product = " For a product write it with '*', e.g. a*x."
    elif not name.isalpha():
        product = " For a power write x^2; for a product x*2."
    else:
        product = ""
    return f"Unknown name '{name}'.{hint}{product}"
