"""The rules of differentiation, one for each kind of node of the expression tree.

A rule says how d/dx of a node is built from the derivatives of its parts, e.g. the
product rule (u·v)′ = u′·v + u·v′ needs u′ and v′. `rule_for` returns the rule's name,
a sentence with its formula, the parts whose derivatives it needs and `combine`, which
builds the node's derivative from theirs. Given placeholders d/dx(part) it writes the
step a student reads; given the parts' actual derivatives, the derivative itself.

SymPy only (no JAX, no Streamlit): everything here acts on our own validated tree and on
SymPy expressions built from it, never on text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

import sympy

from core.language.expression import to_sympy
from core.language.printer import to_text
from core.language.tree import (
    Binary,
    Call,
    Constant,
    MultiCall,
    Negate,
    Node,
    Number,
    Symbol,
    names_in,
)

Combine = Callable[[Sequence[sympy.Expr]], sympy.Expr]


class Rule(NamedTuple):
    """One rule applied to one node.

    Attributes:
        name: what a student calls it, e.g. "product rule" or "power rule + chain rule".
        explanation: the rule's formula and what u, v stand for, in one sentence.
        parts: the sub-expressions whose derivatives the rule needs (may be empty).
        combine: their derivatives (in the order of `parts`) -> the node's derivative.
    """

    name: str
    explanation: str
    parts: tuple[Node, ...]
    combine: Combine


TRIGONOMETRIC = "trigonometric rule"
INVERSE_TRIGONOMETRIC = "inverse trigonometric rule"
HYPERBOLIC = "hyperbolic rule"
INVERSE_HYPERBOLIC = "inverse hyperbolic rule"
LOGARITHM = "logarithm rule"

# name -> (family, f′ as a function of the inner expression u, the formula in words)
_OUTER: dict[str, tuple[str, Callable[[sympy.Expr], sympy.Expr], str]] = {
    "sin": (TRIGONOMETRIC, sympy.cos, "sin′(u) = cos(u)"),
    "cos": (TRIGONOMETRIC, lambda u: -sympy.sin(u), "cos′(u) = −sin(u)"),
    "tan": (TRIGONOMETRIC, lambda u: sympy.sec(u) ** 2, "tan′(u) = sec²(u)"),
    "cot": (TRIGONOMETRIC, lambda u: -(sympy.csc(u) ** 2), "cot′(u) = −csc²(u)"),
    "sec": (TRIGONOMETRIC, lambda u: sympy.sec(u) * sympy.tan(u), "sec′(u) = sec(u)·tan(u)"),
    "csc": (TRIGONOMETRIC, lambda u: -sympy.csc(u) * sympy.cot(u), "csc′(u) = −csc(u)·cot(u)"),
    "asin": (INVERSE_TRIGONOMETRIC, lambda u: 1 / sympy.sqrt(1 - u**2), "asin′(u) = 1/√(1 − u²)"),
    "acos": (INVERSE_TRIGONOMETRIC, lambda u: -1 / sympy.sqrt(1 - u**2), "acos′(u) = −1/√(1 − u²)"),
    "atan": (INVERSE_TRIGONOMETRIC, lambda u: 1 / (1 + u**2), "atan′(u) = 1/(1 + u²)"),
    "sinh": (HYPERBOLIC, sympy.cosh, "sinh′(u) = cosh(u)"),
    "cosh": (HYPERBOLIC, sympy.sinh, "cosh′(u) = sinh(u)"),
    "tanh": (HYPERBOLIC, lambda u: sympy.sech(u) ** 2, "tanh′(u) = sech²(u)"),
    "asinh": (INVERSE_HYPERBOLIC, lambda u: 1 / sympy.sqrt(u**2 + 1), "asinh′(u) = 1/√(u² + 1)"),
    "acosh": (INVERSE_HYPERBOLIC, lambda u: 1 / sympy.sqrt(u**2 - 1), "acosh′(u) = 1/√(u² − 1)"),
    "atanh": (INVERSE_HYPERBOLIC, lambda u: 1 / (1 - u**2), "atanh′(u) = 1/(1 − u²)"),
    "sech": (HYPERBOLIC, lambda u: -sympy.sech(u) * sympy.tanh(u), "sech′(u) = −sech(u)·tanh(u)"),
    "csch": (HYPERBOLIC, lambda u: -sympy.csch(u) * sympy.coth(u), "csch′(u) = −csch(u)·coth(u)"),
    "coth": (HYPERBOLIC, lambda u: -(sympy.csch(u) ** 2), "coth′(u) = −csch²(u)"),
    "asech": (
        INVERSE_HYPERBOLIC,
        lambda u: -1 / (u * sympy.sqrt(1 - u**2)),
        "asech′(u) = −1/(u√(1 − u²))",
    ),
    "acsch": (
        INVERSE_HYPERBOLIC,
        lambda u: -1 / (u**2 * sympy.sqrt(1 + 1 / u**2)),
        "acsch′(u) = −1/(|u|√(1 + u²))",
    ),
    "acoth": (INVERSE_HYPERBOLIC, lambda u: 1 / (1 - u**2), "acoth′(u) = 1/(1 − u²)"),
    # SymPy's forms of the derivatives (u²√(1 − 1/u²) is |u|√(u² − 1)), so that the last
    # step is SymPy's derivative itself.
    "asec": (
        INVERSE_TRIGONOMETRIC,
        lambda u: 1 / (u**2 * sympy.sqrt(1 - 1 / u**2)),
        "asec′(u) = 1/(|u|√(u² − 1))",
    ),
    "acsc": (
        INVERSE_TRIGONOMETRIC,
        lambda u: -1 / (u**2 * sympy.sqrt(1 - 1 / u**2)),
        "acsc′(u) = −1/(|u|√(u² − 1))",
    ),
    "acot": (INVERSE_TRIGONOMETRIC, lambda u: -1 / (1 + u**2), "acot′(u) = −1/(1 + u²)"),
    "exp": ("exponential rule", sympy.exp, "exp′(u) = exp(u)"),
    "log": (LOGARITHM, lambda u: 1 / u, "log′(u) = 1/u"),
    "log10": (LOGARITHM, lambda u: 1 / (u * sympy.log(10)), "log10′(u) = 1/(u·ln 10)"),
    "log2": (LOGARITHM, lambda u: 1 / (u * sympy.log(2)), "log2′(u) = 1/(u·ln 2)"),
    "sqrt": ("square root rule", lambda u: 1 / (2 * sympy.sqrt(u)), "√u′ = 1/(2√u)"),
    "abs": ("absolute value rule", sympy.sign, "|u|′ = sign(u), undefined where u = 0"),
}

# functions that are constant between their jumps: derivative 0 away from them
_STEPS = {
    "floor": "where u is an integer",
    "ceil": "where u is an integer",
    "sign": "where u = 0",
}


def depends_on(node: Node, name: str) -> bool:
    """Whether the subtree mentions the symbol `name`."""
    return name in names_in(node)


def plain(node: Node) -> str:
    """A subtree as a student writes it: canonical text with ^ for powers."""
    return to_text(node).replace("**", "^")


def rule_for(node: Node, variable: str, symbols: Mapping[str, sympy.Symbol]) -> Rule:
    """The rule that differentiates `node` with respect to `variable`.

    Every name other than `variable` (parameters, other variables) is a constant.
    """
    if not depends_on(node, variable):
        return _constant(node, variable)
    if isinstance(node, Symbol):
        return Rule(
            "variable rule", f"d/d{variable} {variable} = 1.", (), lambda _d: sympy.Integer(1)
        )
    if isinstance(node, Negate):
        return Rule("constant multiple rule", "(−u)′ = −u′.", (node.operand,), lambda d: -d[0])
    if isinstance(node, Call):
        return _call(node, variable, symbols)
    if isinstance(node, MultiCall):
        return _piecewise(node, symbols)
    if node.operator in "+-":
        return _sum(node)
    if node.operator == "*":
        return _product(node, variable, symbols)
    if node.operator == "/":
        return _quotient(node, variable, symbols)
    return _power(node, variable, symbols)


def _constant(node: Node, variable: str) -> Rule:
    names = sorted(names_in(node))
    why = ""
    if names:
        listed = ", ".join(names)
        verb = "is" if len(names) == 1 else "are"
        why = f" ({listed} {verb} held constant: only {variable} varies)"
    return Rule(
        "constant rule",
        f"The derivative of a constant is 0{why}.",
        (),
        lambda _d: sympy.Integer(0),
    )


def _chain(family: str, inner: Node, variable: str, letter: str = "u") -> tuple[str, str]:
    """The rule's name and the chain-rule clause of its sentence, for the inner function."""
    if isinstance(inner, Symbol) and inner.name == variable:
        return family, ""
    return (
        f"{family} + chain rule",
        f", times {letter}′ (chain rule), with {letter} = {plain(inner)}",
    )


def _call(node: Call, variable: str, symbols) -> Rule:
    inner = node.argument
    if node.function in _STEPS:
        return Rule(
            "step function rule",
            f"{node.function}(u) is constant between its jumps ({_STEPS[node.function]}): "
            "its derivative is 0 away from them and undefined at them.",
            (),
            lambda _d: sympy.Integer(0),
        )
    family, outer, formula = _OUTER[node.function]
    u = to_sympy(inner, symbols)
    name, clause = _chain(family, inner, variable)
    if not clause:
        return Rule(name, f"{formula}.", (), lambda _d: outer(u))
    return Rule(name, f"{formula}{clause}.", (inner,), lambda d: outer(u) * d[0])


def _terms(node: Node, sign: int = 1) -> list[tuple[int, Node]]:
    """The terms of a chain of + and − with their signs: a − (b + c) -> +a, −b, −c."""
    if isinstance(node, Binary) and node.operator in "+-":
        right_sign = sign if node.operator == "+" else -sign
        return _terms(node.left, sign) + _terms(node.right, right_sign)
    return [(sign, node)]


def _sum(node: Binary) -> Rule:
    terms = _terms(node)
    signs = [sign for sign, _ in terms]
    name = "sum rule" if all(sign > 0 for sign in signs) else "difference rule"
    formula = "(u + v)′ = u′ + v′" if name == "sum rule" else "(u − v)′ = u′ − v′"
    return Rule(
        name,
        f"{formula}: differentiate each of the {len(terms)} terms on its own.",
        tuple(term for _, term in terms),
        lambda d: sympy.Add(
            *(sign * derivative for sign, derivative in zip(signs, d, strict=True))
        ),
    )


def _factors(node: Node) -> list[Node]:
    if isinstance(node, Binary) and node.operator == "*":
        return _factors(node.left) + _factors(node.right)
    return [node]


def _product_of(factors: Sequence[Node]) -> Node:
    node = factors[0]
    for factor in factors[1:]:
        node = Binary("*", node, factor)
    return node


def _product(node: Binary, variable: str, symbols) -> Rule:
    factors = _factors(node)
    constants = [factor for factor in factors if not depends_on(factor, variable)]
    varying = [factor for factor in factors if depends_on(factor, variable)]
    if constants:
        c = sympy.Mul(*(to_sympy(factor, symbols) for factor in constants))
        rest = _product_of(varying)
        return Rule(
            "constant multiple rule",
            f"(c·u)′ = c·u′, with the constant c = {plain(_product_of(constants))}.",
            (rest,),
            lambda d: c * d[0],
        )
    values = [to_sympy(factor, symbols) for factor in varying]
    formula = {
        2: "(u·v)′ = u′·v + u·v′",
        3: "(u·v·w)′ = u′·v·w + u·v′·w + u·v·w′",
    }.get(len(values), f"each of the {len(values)} factors' derivative times the other factors")

    def combine(d: Sequence[sympy.Expr]) -> sympy.Expr:
        return sympy.Add(
            *(sympy.Mul(*values[:i], d[i], *values[i + 1 :]) for i in range(len(values)))
        )

    return Rule("product rule", f"{formula}.", tuple(varying), combine)


def _quotient(node: Binary, variable: str, symbols) -> Rule:
    u, v = to_sympy(node.left, symbols), to_sympy(node.right, symbols)
    if not depends_on(node.right, variable):
        return Rule(
            "constant multiple rule",
            f"(u/c)′ = u′/c, with the constant c = {plain(node.right)}.",
            (node.left,),
            lambda d: d[0] / v,
        )
    if not depends_on(node.left, variable):
        return Rule(
            "quotient rule",
            f"(c/v)′ = −c·v′/v² (the quotient rule with a constant numerator c = "
            f"{plain(node.left)}).",
            (node.right,),
            lambda d: -u * d[0] / v**2,
        )
    return Rule(
        "quotient rule",
        "(u/v)′ = (u′·v − u·v′)/v².",
        (node.left, node.right),
        lambda d: (d[0] * v - u * d[1]) / v**2,
    )


def _power(node: Binary, variable: str, symbols) -> Rule:
    base, exponent = node.left, node.right
    u, n = to_sympy(base, symbols), to_sympy(exponent, symbols)
    if not depends_on(exponent, variable):
        name, clause = _chain("power rule", base, variable)
        constant = f"with the constant n = {plain(exponent)}"
        if not clause:
            sentence = f"({variable}^n)′ = n·{variable}^(n−1), {constant}."
            return Rule(name, sentence, (), lambda _d: n * u ** (n - 1))
        sentence = f"(u^n)′ = n·u^(n−1), {constant}{clause}."
        return Rule(name, sentence, (base,), lambda d: n * u ** (n - 1) * d[0])
    power = to_sympy(node, symbols)
    if isinstance(base, Number) and base.value == 0:  # ln 0 is undefined: no a^v rule
        sentence = "0^v is 0 wherever it is defined (v > 0), so its derivative is 0 there."
        return Rule("constant rule", sentence, (), lambda _d: sympy.Integer(0))
    if not depends_on(base, variable):
        name, clause = _chain("exponential rule", exponent, variable, letter="v")
        if isinstance(base, Constant) and base.name == "e":
            formula, factor = "(e^v)′ = e^v", sympy.Integer(1)
        else:
            formula = f"(a^v)′ = a^v·ln(a), with the constant a = {plain(base)}"
            factor = sympy.log(u)
        if not clause:
            return Rule(name, f"{formula}.", (), lambda _d: power * factor)
        return Rule(name, f"{formula}{clause}.", (exponent,), lambda d: power * factor * d[0])
    return Rule(
        "general power rule",
        "u^v = e^(v·ln u), so (u^v)′ = u^v·(v′·ln u + v·u′/u) (logarithmic differentiation), "
        f"with u = {plain(base)} and v = {plain(exponent)}.",
        (base, exponent),
        lambda d: power * (d[1] * sympy.log(u) + n * d[0] / u),
    )


def _piecewise(node: MultiCall, symbols) -> Rule:
    values = [to_sympy(argument, symbols) for argument in node.arguments]
    if node.function == "where":
        condition = values[0]
        sentence = (
            "The derivative of each piece on its own side of the condition "
            f"{plain(node.arguments[0])} (undefined where the pieces meet with different slopes)."
        )
        return Rule(
            "piecewise rule",
            sentence,
            node.arguments[1:],
            lambda d: sympy.Piecewise((d[0], condition), (d[1], True)),
        )
    u, v = values
    larger = node.function == "max"
    condition = u > v if larger else u < v
    word = "larger" if larger else "smaller"
    return Rule(
        "piecewise rule",
        f"{node.function}(u, v)′ = u′ where u is the {word}, v′ where v is "
        "(undefined where they cross with different slopes).",
        node.arguments,
        lambda d: sympy.Piecewise((d[0], condition), (d[1], True)),
    )
