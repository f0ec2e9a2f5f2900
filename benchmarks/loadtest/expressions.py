"""Deterministic pools of expressions a class might type, and huge ones a neighbour might.

Every expression returned parses (`core.parse_expression` does not raise), and no two
have the same canonical text, so each one is new work for the server: its caches key
on the canonical text.
"""

from __future__ import annotations

import random

from core import ExpressionError, parse_expression
from core.language.text_input import MAX_LENGTH

_OUTER = (
    "sin({u})",
    "cos({u})",
    "exp({u})",
    "tanh({u})",
    "atan({u})",
    "log(1 + ({u})^2)",
    "sqrt(1 + ({u})^2)",
    "({u})^{n}",
    "1/(1 + ({u})^2)",
)
_INNER = (
    "{a}x",
    "x^2 + {b}",
    "{a}x - {b}",
    "x^{n}",
    "sin(x)",
    "cos({a}x)",
    "{a}x^3 - x",
    "x/{k}",
    "-x^2/{k}",
)
_POLY_TERMS = ("{a}x^3", "{a}x^2", "{a}x", "{b}")
_HUGE_FACTORS = (
    "sin(cos(exp({c}*x) + {b}))",
    "exp(sin({c}*x + {b}))/({b} + x^2)",
    "cos(tanh({c}*x) + {b})",
    "atan(sin({c}*x)*{b})",
    "log(2 + sin({c}*x))",
    "sqrt(1 + cos({c}*x)^2)",
)


def _numbers(rng: random.Random) -> dict[str, str]:
    return {
        "a": str(rng.choice([2, 3, 4, 5, 0.5, 1.5, 2.5, 0.3])),
        "b": str(rng.randint(1, 9)),
        "c": f"{rng.uniform(0.1, 2.0):.2f}",
        "n": str(rng.randint(2, 5)),
        "k": str(rng.randint(2, 8)),
    }


def _atom(rng: random.Random) -> str:
    outer, inner = rng.choice(_OUTER), rng.choice(_INNER)
    numbers = _numbers(rng)
    return outer.format(u=inner.format(**numbers), **numbers)


def _polynomial(rng: random.Random) -> str:
    terms = rng.sample(_POLY_TERMS, rng.randint(2, 4))
    return " + ".join(term.format(**_numbers(rng)) for term in terms)


def _candidate(rng: random.Random) -> str:
    shape = rng.random()
    if shape < 0.25:
        return _atom(rng)
    if shape < 0.45:
        return f"{_atom(rng)} + {_atom(rng)}"
    if shape < 0.65:
        return f"{_atom(rng)}*{_atom(rng)}"
    if shape < 0.8:
        return f"{_polynomial(rng)}"
    if shape < 0.9:
        return f"({_polynomial(rng)})*{_atom(rng)}"
    return f"{_atom(rng)} - {_numbers(rng)['b']}*{_atom(rng)}"


def _distinct(count: int, rng: random.Random, make, exclude: set[str]) -> list[str]:
    found: list[str] = []
    canonical = set(exclude)
    attempts = 0
    while len(found) < count:
        attempts += 1
        if attempts > 50 * count + 100:
            raise RuntimeError(f"could only make {len(found)} of {count} expressions")
        text = make(rng)
        try:
            parsed = parse_expression(text)
        except ExpressionError:
            continue
        if parsed.text in canonical or parsed.parameters:
            continue
        canonical.add(parsed.text)
        found.append(text)
    return found


def expressions(count: int, seed: int = 0) -> list[str]:
    """`count` distinct valid expressions of x, the same list for the same seed."""
    return _distinct(count, random.Random(f"expressions-{seed}"), _candidate, set())


def _huge(rng: random.Random) -> str:
    factors: list[str] = []
    while True:
        factor = rng.choice(_HUGE_FACTORS).format(**_numbers(rng))
        if len("*".join([*factors, factor])) > MAX_LENGTH - 70:
            return "*".join(factors)
        factors.append(factor)


def huge_expressions(count: int, seed: int = 0) -> list[str]:
    """`count` distinct long products of compositions, each just under the length limit.

    Their derivatives of order 10 swell to millions of terms in SymPy and cost JAX a
    long trace and compile: the most a person can ask of the server with one text box.
    """
    return _distinct(count, random.Random(f"huge-{seed}"), _huge, set())
