"""The local rules of the computational graph, written out: each primitive's partial
derivatives as text, the forward rule v̇ᵢ = Σ ∂vᵢ/∂vⱼ · v̇ⱼ and the reverse contributions
v̄ⱼ += v̄ᵢ · ∂vᵢ/∂vⱼ, and why a node's value is undefined.

Only the text lives here: the numbers in the tables come from JAX (`jax.jvp` and
`jax.vjp` of each primitive, in core.teaching.graph). Branching primitives (max, min,
where) are written for the branch taken at the point, as JAX differentiates them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

DOT, BAR = "\u0307", "\u0304"  # combining dot above (tangent v̇), macron (adjoint v̄)
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SUPERSCRIPTS = {2: "²", 3: "³"}
HALF = "½"


def subscript(index: int) -> str:
    """An index as subscript digits: 12 -> '₁₂'."""
    return str(index).translate(_SUBSCRIPTS)


def tangent_of(name: str) -> str:
    """'v₁' -> 'v̇₁' (the dot goes on the letter, before the subscript)."""
    return name[0] + DOT + name[1:]


def adjoint_of(name: str) -> str:
    """'v₁' -> 'v̄₁'."""
    return name[0] + BAR + name[1:]


def power_text(base: str, exponent: float) -> str:
    """base^exponent as text: v₀², v₀^0.5, v₀^(−2)."""
    if exponent == 1:
        return base
    if exponent in _SUPERSCRIPTS:
        return base + _SUPERSCRIPTS[int(exponent)]
    text = f"{exponent:g}".replace("-", "−")
    return f"{base}^{text}" if exponent >= 0 else f"{base}^({text})"


_CALLS = {  # the derivative of each function at u, its value being w
    "sin": "cos({u})", "cos": "−sin({u})", "tan": "1/cos({u})²", "cot": "−1/sin({u})²",
    "sec": "{w}·tan({u})", "csc": "−{w}·cot({u})", "asin": "1/√(1 − {u}²)",
    "acos": "−1/√(1 − {u}²)", "atan": "1/(1 + {u}²)", "sinh": "cosh({u})",
    "cosh": "sinh({u})", "tanh": "1 − {w}²", "asinh": "1/√({u}² + 1)",
    "acosh": "1/√({u}² − 1)", "atanh": "1/(1 − {u}²)", "exp": "exp({u})", "log": "1/{u}",
    "log10": "1/({u}·ln 10)", "log2": "1/({u}·ln 2)", "sqrt": "1/(2·√{u})",
    "abs": "sign({u})", "floor": "0", "ceil": "0", "sign": "0",
    "sech": "−{w}·tanh({u})", "csch": "−{w}·coth({u})", "coth": "−1/sinh({u})²",
    "asech": "−1/({u}·√(1 − {u}²))", "acsch": "−1/(|{u}|·√(1 + {u}²))",
    "acoth": "1/(1 − {u}²)", "asec": "1/(|{u}|·√({u}² − 1))",
    "acsc": "−1/(|{u}|·√({u}² − 1))", "acot": "−1/(1 + {u}²)",
}  # fmt: skip
_COMPARE = {
    "<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b,
}  # fmt: skip


def partials(
    operation: str,
    arguments: Sequence[str],
    output: str,
    values: Sequence[float],
    detail: str = "",
) -> tuple[str, ...]:
    """∂vᵢ/∂(argument k) as text, one per argument position.

    Args:
        operation: the node's operation ("sin", "+", "×", "/", "neg", "^", "^2", "max",
            "min", "where").
        arguments: how each argument is written ("v₁", or a constant's text "(2·a)").
        output: the node's name, for rules written with its value (tanh′ = 1 − w²).
        values: the arguments' values at the point (which branch max, min and where take,
            and abs′ at 0).
        detail: a power's constant exponent ("^2": "2"); where's comparison ("<").

    Example:
        >>> partials("×", ["v₁", "v₁"], "v₂", [0.5, 0.5])
        ('v₁', 'v₁')
        >>> partials("/", ["v₁", "v₂"], "v₃", [1.0, 2.0])
        ('1/v₂', '−v₁/v₂²')
    """
    u = arguments[0]
    if operation in _CALLS:
        if operation == "abs" and values[0] == 0:
            return ("1",)  # JAX's choice at the kink
        return (_CALLS[operation].format(u=u, w=output),)
    if operation == "neg":
        return ("−1",)
    if operation == "+":
        return ("1", "1")
    if operation == "−":
        return ("1", "−1")
    if operation == "×":
        return (arguments[1], u)
    if operation == "/":
        return (f"1/{arguments[1]}", f"−{u}/{arguments[1]}²")
    if operation == "^":
        b = arguments[1]
        return (f"{b}·{u}^({b} − 1)", f"{output}·log({u})")
    if operation.startswith("^"):
        exponent = float(detail)
        if exponent == 0:
            return ("0",)
        factor = f"{exponent:g}".replace("-", "−")
        return (factor if exponent == 1 else f"{factor}·{power_text(u, exponent - 1)}",)
    if operation in ("max", "min"):
        a, b = values
        first = a > b if operation == "max" else a < b
        if a == b:
            return (HALF, HALF)  # JAX splits a tie evenly
        return ("1", "0") if first else ("0", "1")
    if operation == "where":
        taken = _COMPARE[detail](values[0], values[1])
        return ("0", "0", "1", "0") if taken else ("0", "0", "0", "1")
    raise ValueError(f"No rule is written for the operation {operation!r}.")


def _signed(partial: str) -> tuple[str, str]:
    """("−", "sin(v₀)") for "−sin(v₀)"; a compound partial in parentheses: ("", "(1/v₂)")."""
    sign = "−" if partial.startswith("−") else ""
    partial = partial.removeprefix("−")
    if any(character in partial for character in " /+"):
        partial = f"({partial})"
    return sign, partial


def _term(partial: str, factor: str) -> str:
    sign, partial = _signed(partial)
    return sign + (factor if partial == "1" else f"{partial}·{factor}")


def forward_rule(name: str, partial_texts: Sequence[str], inputs: Sequence[str | None]) -> str:
    """v̇ᵢ = Σ ∂vᵢ/∂vⱼ · v̇ⱼ over the arguments that depend on x (None: a constant).

    Example:
        >>> forward_rule("v₂", ["v₁", "v₁"], ["v₁", "v₁"])
        'v̇₂ = v₁·v̇₁ + v₁·v̇₁'
    """
    terms = [
        _term(partial, tangent_of(argument))
        for partial, argument in zip(partial_texts, inputs, strict=True)
        if argument is not None and partial != "0"
    ]
    body = " + ".join(terms).replace("+ −", "− ") if terms else "0"
    return f"{tangent_of(name)} = {body}"


def reverse_rule(name: str, partial: str, target: str) -> str:
    """v̄ⱼ += v̄ᵢ · ∂vᵢ/∂vⱼ: what node `name` sends back to its argument `target`.

    Example:
        >>> reverse_rule("v₁", "cos(v₀)", "v₀")
        'v̄₀ += v̄₁·cos(v₀)'
    """
    if partial == "0":
        return f"{adjoint_of(target)} += 0"
    sign, partial = _signed(partial)
    product = adjoint_of(name) if partial == "1" else f"{adjoint_of(name)}·{partial}"
    return f"{adjoint_of(target)} {'−' if sign else '+'}= {product}"


_DOMAINS = {
    "log": "log needs a positive number",
    "log10": "log10 needs a positive number",
    "log2": "log2 needs a positive number",
    "sqrt": "√ needs a number ≥ 0",
    "asin": "asin needs a number in [−1, 1]",
    "acos": "acos needs a number in [−1, 1]",
    "acosh": "acosh needs a number ≥ 1",
    "atanh": "atanh needs a number in (−1, 1)",
    "/": "a division by zero",
    "^": "a negative number to a power that is not a whole number, or 0 to a negative power",
    "tan": "tan has a pole there",
    "cot": "cot has a pole there",
    "sec": "sec has a pole there",
    "csc": "csc has a pole there",
}


def _shown(value: float) -> str:
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    return f"{value:.6g}".replace("-", "−")


def undefined_message(
    name: str,
    formula: str,
    operation: str,
    arguments: Sequence[tuple[str, float]],
    value: float,
    tangent: float | None = None,
    output: float = math.nan,
) -> str:
    """One sentence on a node whose value (or, given `tangent`, derivative) is not finite
    while its arguments' are.

    Args:
        arguments: (name, value) of each argument that depends on x.
        output: f(x₀), which can be finite all the same (where(1/x < 1, …) at 0).

    Example:
        >>> undefined_message("v₂", "log(v₁)", "log", [("v₁", -1.0)], float("nan"))[:60]
        'v₂ = log(v₁) is undefined (nan) at v₁ = −1: log needs a posi'
    """
    at = ", ".join(f"{argument} = {_shown(v)}" for argument, v in arguments)
    at = f" at {at}" if at else ""
    reason = _DOMAINS.get("^" if operation.startswith("^") else operation)
    because = f": {reason}" if reason else ""
    if tangent is None:
        what = "undefined (nan)" if math.isnan(value) else f"infinite ({_shown(value)})"
        if math.isfinite(output):
            return (
                f"{name} = {formula} is {what}{at}{because}. f uses it only in a comparison "
                f"or a branch not taken, so f(x₀) = {_shown(output)} is finite all the same."
            )
        return (
            f"{name} = {formula} is {what}{at}{because}. So is every node computed from it, "
            "and f′(x₀) has no meaning here, even where a local rule still gives a number."
        )
    return (
        f"{name} = {formula} = {_shown(value)}{at}, but its derivative there is "
        f"{_shown(tangent)}: f has no finite derivative at x₀."
    )
