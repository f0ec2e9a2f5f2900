"""Bounds on the size of exact constants.

SymPy evaluates a power of two exact numbers at once (`9^9^9`), and one huge power
holds the interpreter for minutes: `check_constant_size` estimates each power in floats
before SymPy sees the tree. Products and sums of powers that pass it are cheap to
compute but can still have thousands of digits (`10^300 * 10^300 * ...`), which SymPy
then prints in full and Python refuses to print beyond 4,300: `check_exact_numbers`
bounds the numbers SymPy has built.
"""

from __future__ import annotations

import math

import sympy

from core.errors import ExpressionError
from core.language.tree import (
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

MAX_CONSTANT_DIGITS = 300
MAX_CONSTANT_EXPONENT = 10_000
_MATH = {"log10": math.log10, "log2": math.log2, "abs": abs, "asin": math.asin,
         "acos": math.acos, "atan": math.atan, "asinh": math.asinh, "acosh": math.acosh,
         "atanh": math.atanh, "sinh": math.sinh, "cosh": math.cosh, "tanh": math.tanh,
         "exp": math.exp, "log": math.log, "sqrt": math.sqrt, "sin": math.sin,
         "cos": math.cos, "tan": math.tan, "cot": lambda v: 1 / math.tan(v),
         "sec": lambda v: 1 / math.cos(v), "csc": lambda v: 1 / math.sin(v),
         "floor": math.floor, "ceil": math.ceil,
         "sign": lambda v: float((v > 0) - (v < 0)), "sech": lambda v: 1 / math.cosh(v),
         "csch": lambda v: 1 / math.sinh(v), "coth": lambda v: 1 / math.tanh(v),
         "asech": lambda v: math.acosh(1 / v), "acsch": lambda v: math.asinh(1 / v),
         "acoth": lambda v: math.atanh(1 / v), "asec": lambda v: math.acos(1 / v),
         "acsc": lambda v: math.asin(1 / v), "acot": lambda v: math.atan(1 / v)}  # fmt: skip


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


_LARGEST_EXACT = 10**MAX_CONSTANT_DIGITS


def check_exact_numbers(expr: sympy.Expr) -> None:
    """Reject an exact integer or fraction in `expr` beyond 10^300 (numerator or denominator).

    Raises:
        ExpressionError: naming the size, with no position (the number may come from
            several places in the text, e.g. 10^200 * 10^200).
    """
    for number in expr.atoms(sympy.Rational):
        largest = max(abs(number.p), number.q)
        if largest > _LARGEST_EXACT:
            digits = largest.bit_length() * math.log10(2)
            raise ExpressionError(
                f"A constant in this expression is about 10^{digits:,.0f}: too large to "
                f"compute exactly. Constants must stay below 10^{MAX_CONSTANT_DIGITS}.",
                None,
            )
