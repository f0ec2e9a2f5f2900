"""Function application as books print it: sin(x), sin x, sin^2 x, sin^-1 x, log_2 x.

The binding rule for a function written without brackets (README, "What you can
type"), the one Wolfram|Alpha and the online derivative calculators follow:

- its argument is the product that follows, up to and including the first factor
  that holds a variable of the page: `sin 2x` = sin(2x), `sin 2 pi x` = sin(2πx),
  `sin x cos x` = sin(x)·cos(x), `x sin x` = x·sin(x);
- a power binds first: `sin x^2` = sin(x²), `e^(x^3 ln x)` = e^(x³·ln(x));
- `*`, `/`, `+`, `-`, `)` and another function end it: `sin x/2` = sin(x)/2,
  `ln x + 1` = ln(x) + 1, `1/ln x` = 1/ln(x), `2 sin x cos x` = 2·sin(x)·cos(x);
- after that variable, only letters glued to it continue it: `sin xy` = sin(x·y) but
  `sin x y` = sin(x)·y;
- `sin^2 x` = sin(x)^2 and `sin^-1 x` = asin(x), as with brackets.

`ParsedExpression.latex` shows the reading back, so an unexpected one is seen at once.
"""

from __future__ import annotations

import re

from core.errors import ExpressionError
from core.language import functions
from core.language.constant_size import check_constant_size
from core.language.tokens import OPENERS, Token, number_value
from core.language.tree import (
    MULTI_ARGUMENT,
    Binary,
    Call,
    Compare,
    Constant,
    MultiCall,
    Node,
    Number,
    Symbol,
    names_in,
)

# f^-1(x) in inverse-function notation: the inverse's canonical name.
INVERSES = {
    "sin": "asin", "cos": "acos", "tan": "atan", "sec": "asec", "csc": "acsc", "cot": "acot",
    "sinh": "asinh", "cosh": "acosh", "tanh": "atanh", "sech": "asech", "csch": "acsch",
    "coth": "acoth",
}  # fmt: skip
_LOG_BASE = re.compile(r"log_(?P<base>\d+|[A-Za-z])?")


class FunctionCalls:
    """The Parser's rules for calls; mixed into `core.language.syntax.Parser`."""

    # -- calls ---------------------------------------------------------------------
    def call(self, function: str, token: Token) -> Node:
        caret = self.current.position
        exponent = self.function_exponent()
        if exponent is not None and exponent < 0:
            inverse = self.inverse(function, token.text, exponent, caret)
            return Call(inverse, self.argument(token))
        argument = self.argument(token, allow_pair=function == "log" and exponent is None)
        if isinstance(argument, tuple):
            return self.two_argument_log(*argument, token)
        node = cube_root(argument) if function == "cbrt" else Call(function, argument)
        if exponent is None:
            return node
        power = Binary("^", node, Number(exponent))
        check_constant_size(power, caret)  # abs^99999999(9) is 9^99999999, as 9^99999999 is
        return power

    def function_exponent(self) -> int | float | None:
        """n in sin^n x, sin^-1(x), sin^(-1) x, sin^{-1}(x) (sin⁻¹ x arrives as
        sin^(-1) x), consumed; None, consuming nothing, when no such exponent follows."""
        shape = self.ahead(7)
        if shape[:1] != ["^"]:
            return None
        at = 1
        closer = OPENERS.get(shape[at]) if shape[at] in "({" else None
        at += closer is not None
        sign = shape[at] if shape[at] in ("-", "+") else None
        at += sign is not None
        if shape[at] != "number":
            return None
        number = self.tokens[self.index + at]
        at += 1
        if closer is not None:
            if shape[at] != closer:
                return None
            at += 1
        if sign is None and closer is None and shape[1] != "number":
            return None
        # The argument must follow: sin^(2x) is no exponent of sin, and sin^2 alone is nothing.
        following = self.tokens[self.index + at]
        if not (following.text in OPENERS or self.starts_bare(following)):
            return None
        self.index += at
        value = number_value(number)
        return -value if sign == "-" else value

    def inverse(self, function: str, typed: str, exponent: int | float, caret: int) -> str:
        """The inverse function `typed`^-1 names, or an ExpressionError saying why not."""
        written = f"{exponent:g}"
        if exponent != -1:
            raise ExpressionError(
                f"{typed}^{written}(x) is ambiguous: write {typed}(x)^{written} for a power "
                f"of {typed}(x) (and {typed}^-1(x) only for the inverse function).",
                caret,
            )
        if function in INVERSES:
            return INVERSES[function]
        raise ExpressionError(
            f"{typed}^-1 is inverse-function notation, which is read only for the "
            f"trigonometric and hyperbolic functions (sin^-1 x = arcsin x); for the "
            f"reciprocal 1/{typed}(x) write {typed}(x)^-1.",
            caret,
        )

    # -- arguments -----------------------------------------------------------------
    def argument(self, token: Token, allow_pair: bool = False) -> Node | tuple[Node, Node]:
        """The argument of the function written as `token`: bracketed, or bare."""
        typed = token.text
        if self.current.text in OPENERS and self.current.kind == "op":
            return self.bracketed_argument(typed, allow_pair)
        if self.starts_bare(self.current):
            return self.bare_argument()
        raise ExpressionError(
            f"'{typed}' is a function: give it an argument, in parentheses or after a "
            f"space, e.g. {typed}(x) or {typed} x.",
            self.current.position,
        )

    def bracketed_argument(self, typed: str, allow_pair: bool) -> Node | tuple[Node, Node]:
        open_token = self.advance()
        closer = OPENERS[open_token.text]
        if self.current.text == closer:
            raise ExpressionError(f"{typed}() needs an argument.", open_token.position)
        saved_bars, self.open_bars = self.open_bars, 0
        argument = self.sum()
        second = None
        if self.current.text == "," and allow_pair:
            self.advance()
            second = self.sum()
        self.open_bars = saved_bars
        if self.current.text == ",":
            raise ExpressionError(f"{typed} takes one argument.", self.current.position)
        self.reject_comparison()
        self.close(open_token, f"The '{open_token.text}' after {typed} is never closed")
        return argument if second is None else (argument, second)

    def starts_bare(self, token: Token) -> bool:
        """Whether `token` can start a bare argument (sin x, sin 2x, ln |x|, ln sin x)."""
        if token.kind in ("number", "name"):
            return True
        return token.kind == "op" and token.text == "|" and self.open_bars == 0

    def bare_argument(self) -> Node:
        """The argument of a function written without brackets (the module's rule)."""
        self.enter()
        node = self.power()
        holds_variable = bool(names_in(node) & set(self.variables))
        while self.continues_bare(holds_variable):
            token = self.current
            if self.two_numbers(node):
                raise ExpressionError(
                    "Two numbers in a row: add an operator between them.", token.position
                )
            factor = self.power()
            holds_variable = holds_variable or bool(names_in(factor) & set(self.variables))
            node = Binary("*", node, factor)
        self.depth -= 1
        return node

    def two_numbers(self, node: Node) -> bool:
        """Whether a number follows, unraised, a factor that ends with one: `x^2 3` is
        refused (x^2*3? x^23?), while `x^2 2^x` is x²·2^x, as printed."""
        token = self.current
        if token.kind != "number" or not _ends_with_number(node):
            return False
        return self.tokens[self.index + 1].text != "^"

    def continues_bare(self, holds_variable: bool) -> bool:
        token = self.current
        if not self.starts_operand() or self.is_function_name(token):
            return False
        if not holds_variable:
            return True
        # Past the variable, only letters glued to it: sin xy, not sin x y or sin x (1+x).
        previous = self.tokens[self.index - 1]
        return token.kind == "name" and token.touches(previous)

    def is_function_name(self, token: Token) -> bool:
        if token.kind != "name":
            return False
        name = token.text
        return (
            functions.canonical_function_name(name) is not None
            or name in functions.REWRITTEN
            or name in MULTI_ARGUMENT
            or name.startswith("log_")
        )

    # -- logarithms ----------------------------------------------------------------
    def logarithm(self, token: Token) -> Node:
        """log_b x: log2 and log10 for bases 2 and 10, log for e, else log(x)/log(b)."""
        usage = "write a logarithm's base as log_2(x), log_{10}(x) or log_b(x)"
        match = _LOG_BASE.fullmatch(token.text)
        if match is None:
            raise ExpressionError(f"Unknown name '{token.text}': {usage}.", token.position)
        if match["base"] is not None:
            base_text, base_position = match["base"], token.position + 4
        elif self.ahead(3)[0] == "{" and self.ahead(3)[2] == "}":
            self.advance()
            base_token = self.advance()
            if base_token.kind not in ("number", "name"):
                raise ExpressionError(f"Unexpected '{base_token.text}': {usage}.",
                                      base_token.position)  # fmt: skip
            self.advance()
            base_text, base_position = base_token.text, base_token.position
        else:
            raise ExpressionError(f"'log_' needs its base: {usage}.", self.current.position)
        base = self.log_base(base_text, base_position)
        typed = f"log_{base_text}" if len(base_text) == 1 else "log"
        argument = self.argument(Token("name", typed, token.position))
        return logarithm_node(argument, base)

    def log_base(self, text: str, position: int) -> Node:
        if text[0].isdigit() or text[0] == ".":
            value = number_value(Token("number", text, position))
            if value <= 0 or value == 1:
                raise ExpressionError("A logarithm's base must be positive and not 1.", position)
            return Number(value)
        if text in functions.CONSTANTS:
            return Constant(text)
        if text in self.variables or (len(text) == 1 and text.isalpha()):
            return Symbol(text)
        raise ExpressionError(
            f"'{text}' cannot be a logarithm's base: use a number or a one-letter parameter, "
            "e.g. log_2(x) or log_b(x).",
            position,
        )

    def two_argument_log(self, first: Node, second: Node, token: Token) -> Node:
        """log(b, x): read only when exactly one argument is free of the variables.

        Books and libraries disagree on the order (Wolfram's Log[b, x], SymPy's and
        Python's log(x, b)); the argument without a variable is the base either way.
        """
        variables = set(self.variables)
        first_free, second_free = not names_in(first) & variables, not names_in(second) & variables
        if first_free == second_free:
            raise ExpressionError(
                "log(a, b) is ambiguous here (books put the base first or last): write "
                "log_b(x) for the logarithm of x to base b, or log(x)/log(b).",
                token.position,
            )
        base, argument = (first, second) if first_free else (second, first)
        return logarithm_node(argument, base)

    # -- max, min, where -----------------------------------------------------------
    def multi_call(self, name: str) -> Node:
        usage = {
            "max": "max(a, b)",
            "min": "min(a, b)",
            "where": "where(condition, value_if_true, value_if_false), e.g. where(x < 0, -x, x)",
        }[name]
        if self.current.text not in OPENERS:
            raise ExpressionError(f"Write {usage}.", self.current.position)
        open_token = self.advance()
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
        if len(arguments) != MULTI_ARGUMENT[name] or self.current.text != OPENERS[open_token.text]:
            raise ExpressionError(
                f"{name} takes {MULTI_ARGUMENT[name]} arguments: {usage}.", self.current.position
            )
        self.advance()
        return MultiCall(name, tuple(arguments))

    def condition(self) -> Node:
        left = self.sum()
        token = self.current
        if not (token.kind == "op" and token.text in ("<", "<=", ">", ">=", "==", "!=")):
            raise ExpressionError(
                "The first argument of where is a comparison, e.g. where(x < 0, -x, x).",
                token.position,
            )
        self.advance()
        return Compare(token.text, left, self.sum())


def cube_root(argument: Node) -> Node:
    """cbrt(u) and ∛u: u^(1/3), real for u >= 0 as SymPy's cbrt (README)."""
    return Binary("^", argument, Binary("/", Number(1), Number(3)))


def logarithm_node(argument: Node, base: Node) -> Node:
    if base == Number(2):
        return Call("log2", argument)
    if base == Number(10):
        return Call("log10", argument)
    if base == Constant("e"):
        return Call("log", argument)
    return Binary("/", Call("log", argument), Call("log", base))


def _ends_with_number(node: Node) -> bool:
    while isinstance(node, Binary):
        node = node.right
    return isinstance(node, Number)
