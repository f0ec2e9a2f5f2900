"""Functions with hand-written derivatives: the independent truth for the AD tests.

Every derivative here is written out by hand in NumPy (no SymPy), so a test that
compares `core.engines.autodiff` with this registry does not share a single line of code
with the engine. Between them the entries cover every function in the allow-list,
both constants, integer powers (positive and negative), fractional powers, a
variable exponent (x^x), a constant base (2^x), polynomials, a parametrised
power (a*x + b)^m, whole exponents on a negative base (x^2.0, x^65, x^m) and 0^x.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import NamedTuple

import numpy as np

Derivative = Callable[[np.ndarray], np.ndarray]


class KnownFunction(NamedTuple):
    """One expression and its derivatives.

    Attributes:
        text: what a person would type.
        domain: (lo, hi) where every listed derivative is finite and well conditioned.
        derivatives: callables for orders 0, 1, 2, ... (order 0 is the function itself);
            at least orders 0..3.
        params: parameter values to pass to the engine (and built into `derivatives`).
        rtol: relative tolerance of a comparison with these values.
    """

    text: str
    domain: tuple[float, float]
    derivatives: tuple[Derivative, ...]
    params: Mapping[str, float] = {}
    rtol: float = 1e-9

    @property
    def max_order(self) -> int:
        return len(self.derivatives) - 1

    def points(self, count: int = 37) -> np.ndarray:
        return np.linspace(self.domain[0], self.domain[1], count)


def falling_factorial(m: float, k: int) -> float:
    """m (m - 1) ... (m - k + 1)."""
    result = 1.0
    for j in range(k):
        result *= m - j
    return result


def power_rule(m: float, orders: int, scale: float = 1.0, shift: float = 0.0):
    """Derivatives 0..orders of (scale*x + shift)^m."""
    return tuple(
        (lambda x, k=k: scale**k * falling_factorial(m, k) * (scale * x + shift) ** (m - k))
        for k in range(orders + 1)
    )


def _sech(x):
    return 1 / np.cosh(x)


def _csch(x):
    return 1 / np.sinh(x)


def _coth(x):
    return np.cosh(x) / np.sinh(x)


def _sec(x):
    return 1.0 / np.cos(x)


def _csc(x):
    return 1.0 / np.sin(x)


def _cot(x):
    return np.cos(x) / np.sin(x)


def _sech(x):
    return 1.0 / np.cosh(x)


def _log_derivatives(orders: int, base: float):
    """Derivatives of log_base(x): (-1)^(k-1) (k-1)! / (x^k ln base)."""
    scale = 1.0 / math.log(base)
    rows: list[Derivative] = [lambda x: np.log(x) * scale]
    for k in range(1, orders + 1):
        rows.append(lambda x, k=k: (-1) ** (k - 1) * math.factorial(k - 1) / x**k * scale)
    return tuple(rows)


def _x_to_the_x():
    def f(x):
        return x**x

    def d1(x):
        return x**x * (np.log(x) + 1)

    def d2(x):
        u = np.log(x) + 1
        return x**x * (u**2 + 1 / x)

    def d3(x):
        u = np.log(x) + 1
        return x**x * (u**3 + 3 * u / x - 1 / x**2)

    return (f, d1, d2, d3)


def _gaussian():
    def g(x):
        return np.exp(-(x**2))

    return (
        g,
        lambda x: -2 * x * g(x),
        lambda x: (4 * x**2 - 2) * g(x),
        lambda x: (-8 * x**3 + 12 * x) * g(x),
        lambda x: (16 * x**4 - 48 * x**2 + 12) * g(x),
    )


A, B, M = 2.0, 3.0, 7.5  # parameters of the parametrised power

REGISTRY: tuple[KnownFunction, ...] = (
    KnownFunction(
        "sin(x)",
        (-5.0, 5.0),
        (np.sin, np.cos, lambda x: -np.sin(x), lambda x: -np.cos(x), np.sin),
    ),
    KnownFunction(
        "cos(x)",
        (-5.0, 5.0),
        (np.cos, lambda x: -np.sin(x), lambda x: -np.cos(x), np.sin, np.cos),
    ),
    KnownFunction(
        "tan(x)",
        (-1.2, 1.2),
        (
            np.tan,
            lambda x: _sec(x) ** 2,
            lambda x: 2 * _sec(x) ** 2 * np.tan(x),
            lambda x: 2 * _sec(x) ** 2 * (_sec(x) ** 2 + 2 * np.tan(x) ** 2),
        ),
    ),
    KnownFunction(
        "cot(x)",
        (0.3, 2.8),
        (
            _cot,
            lambda x: -(_csc(x) ** 2),
            lambda x: 2 * _csc(x) ** 2 * _cot(x),
            lambda x: -2 * _csc(x) ** 2 * (_csc(x) ** 2 + 2 * _cot(x) ** 2),
        ),
    ),
    KnownFunction(
        "sec(x)",
        (-1.2, 1.2),
        (
            _sec,
            lambda x: _sec(x) * np.tan(x),
            lambda x: _sec(x) * (np.tan(x) ** 2 + _sec(x) ** 2),
            lambda x: _sec(x) * np.tan(x) * (np.tan(x) ** 2 + 5 * _sec(x) ** 2),
        ),
    ),
    KnownFunction(
        "csc(x)",
        (0.3, 2.8),
        (
            _csc,
            lambda x: -_csc(x) * _cot(x),
            lambda x: _csc(x) * (_cot(x) ** 2 + _csc(x) ** 2),
            lambda x: -_csc(x) * _cot(x) * (_cot(x) ** 2 + 5 * _csc(x) ** 2),
        ),
    ),
    KnownFunction(
        "asin(x)",
        (-0.9, 0.9),
        (
            np.arcsin,
            lambda x: (1 - x**2) ** -0.5,
            lambda x: x * (1 - x**2) ** -1.5,
            lambda x: (1 + 2 * x**2) * (1 - x**2) ** -2.5,
        ),
    ),
    KnownFunction(
        "arccos(x)",
        (-0.9, 0.9),
        (
            np.arccos,
            lambda x: -((1 - x**2) ** -0.5),
            lambda x: -x * (1 - x**2) ** -1.5,
            lambda x: -(1 + 2 * x**2) * (1 - x**2) ** -2.5,
        ),
    ),
    KnownFunction(
        "atan(x)",
        (-3.0, 3.0),
        (
            np.arctan,
            lambda x: 1 / (1 + x**2),
            lambda x: -2 * x / (1 + x**2) ** 2,
            lambda x: (6 * x**2 - 2) / (1 + x**2) ** 3,
            lambda x: 24 * x * (1 - x**2) / (1 + x**2) ** 4,
        ),
    ),
    KnownFunction(
        "sinh(x)",
        (-3.0, 3.0),
        (np.sinh, np.cosh, np.sinh, np.cosh, np.sinh),
    ),
    KnownFunction(
        "cosh(x)",
        (-3.0, 3.0),
        (np.cosh, np.sinh, np.cosh, np.sinh, np.cosh),
    ),
    KnownFunction(
        "tanh(x)",
        (-3.0, 3.0),
        (
            np.tanh,
            lambda x: _sech(x) ** 2,
            lambda x: -2 * _sech(x) ** 2 * np.tanh(x),
            lambda x: 4 * _sech(x) ** 2 * np.tanh(x) ** 2 - 2 * _sech(x) ** 4,
        ),
    ),
    KnownFunction(
        "asinh(x)",
        (-3.0, 3.0),
        (
            np.arcsinh,
            lambda x: (1 + x**2) ** -0.5,
            lambda x: -x * (1 + x**2) ** -1.5,
            lambda x: (2 * x**2 - 1) * (1 + x**2) ** -2.5,
        ),
    ),
    KnownFunction(
        "acosh(x)",
        (1.2, 4.0),
        (
            np.arccosh,
            lambda x: (x**2 - 1) ** -0.5,
            lambda x: -x * (x**2 - 1) ** -1.5,
            lambda x: (2 * x**2 + 1) * (x**2 - 1) ** -2.5,
        ),
        rtol=1e-8,
    ),
    KnownFunction(
        "atanh(x)",
        (-0.9, 0.9),
        (
            np.arctanh,
            lambda x: 1 / (1 - x**2),
            lambda x: 2 * x / (1 - x**2) ** 2,
            lambda x: (2 + 6 * x**2) / (1 - x**2) ** 3,
        ),
    ),
    KnownFunction(
        "exp(2x)",
        (-2.0, 2.0),
        tuple((lambda x, k=k: 2.0**k * np.exp(2 * x)) for k in range(7)),
    ),
    KnownFunction("e^(-x^2)", (-2.5, 2.5), _gaussian()),
    KnownFunction(
        "2^x",
        (-3.0, 3.0),
        tuple((lambda x, k=k: math.log(2) ** k * 2.0**x) for k in range(5)),
    ),
    KnownFunction("log(x)", (0.2, 5.0), _log_derivatives(5, math.e)),
    KnownFunction("ln(x)", (0.2, 5.0), _log_derivatives(3, math.e)),
    KnownFunction("log10(x)", (0.2, 5.0), _log_derivatives(4, 10.0)),
    KnownFunction("log2(x)", (0.2, 5.0), _log_derivatives(4, 2.0)),
    KnownFunction("sqrt(x)", (0.2, 5.0), power_rule(0.5, 5)),
    KnownFunction(
        "abs(x)",
        (-3.0, -0.1),
        (np.abs, lambda x: -np.ones_like(x), np.zeros_like, np.zeros_like),
    ),
    # Piecewise-constant functions: derivative 0 between their jumps.
    KnownFunction("floor(x)", (0.1, 0.9), (np.floor, np.zeros_like, np.zeros_like)),
    KnownFunction("ceil(3x)", (0.05, 0.3), (lambda x: np.ceil(3 * x), np.zeros_like)),
    KnownFunction(
        "sign(x)*x^2", (0.1, 2.0), (lambda x: x**2, lambda x: 2 * x, lambda x: 2 + 0 * x)
    ),
    KnownFunction(
        "|x|",
        (0.1, 3.0),
        (np.abs, np.ones_like, np.zeros_like, np.zeros_like),
    ),
    KnownFunction(
        "x^3 - 2x^2 + 5x - 7",
        (-3.0, 3.0),
        (
            lambda x: x**3 - 2 * x**2 + 5 * x - 7,
            lambda x: 3 * x**2 - 4 * x + 5,
            lambda x: 6 * x - 4,
            lambda x: np.full_like(x, 6.0),
            np.zeros_like,
            np.zeros_like,
        ),
    ),
    KnownFunction("x^7", (-2.0, 2.0), power_rule(7, 7)),
    KnownFunction("x^-2", (0.3, 3.0), power_rule(-2, 5)),
    KnownFunction("x^(-3)", (-3.0, -0.3), power_rule(-3, 4)),
    KnownFunction("x^2.5", (0.1, 4.0), power_rule(2.5, 4)),
    KnownFunction("x^(1/3)", (0.2, 4.0), power_rule(1 / 3, 4)),
    KnownFunction("1/x", (0.2, 4.0), power_rule(-1, 5)),
    KnownFunction("x^x", (0.2, 3.0), _x_to_the_x()),
    # Whole exponents written as floats, above the repeated-multiplication limit, or
    # given as a parameter: right on a negative base, where exp(y log x) is nan.
    KnownFunction("x^2.0", (-3.0, -0.2), power_rule(2.0, 4)),
    KnownFunction("x^65", (-1.1, -0.5), power_rule(65, 10)),
    KnownFunction("x^-65", (-1.1, -0.9), power_rule(-65, 6), rtol=1e-8),
    KnownFunction("x^m", (-2.0, -0.2), power_rule(3.0, 5), params={"m": 3.0}),
    # 0^x is identically 0 for x > 0.
    KnownFunction("0^x", (0.2, 3.0), (np.zeros_like,) * 4),
    # The reciprocal hyperbolic functions and the inverses written through 1/x.
    KnownFunction(
        "sech(x)",
        (-2.0, 2.0),
        (
            _sech,
            lambda x: -_sech(x) * np.tanh(x),
            lambda x: _sech(x) * (2 * np.tanh(x) ** 2 - 1),
            lambda x: _sech(x) * np.tanh(x) * (5 - 6 * np.tanh(x) ** 2),
        ),
    ),
    KnownFunction(
        "csch(x)",
        (0.3, 2.8),
        (
            _csch,
            lambda x: -_csch(x) * _coth(x),
            lambda x: _csch(x) * _coth(x) ** 2 + _csch(x) ** 3,
            lambda x: -_csch(x) * _coth(x) ** 3 - 5 * _csch(x) ** 3 * _coth(x),
        ),
    ),
    KnownFunction(
        "coth(x)",
        (0.3, 2.8),
        (
            _coth,
            lambda x: -(_csch(x) ** 2),
            lambda x: 2 * _csch(x) ** 2 * _coth(x),
            lambda x: -4 * _csch(x) ** 2 * _coth(x) ** 2 - 2 * _csch(x) ** 4,
        ),
    ),
    KnownFunction(
        "acot(x)",
        (0.3, 2.8),
        (
            lambda x: np.arctan(1 / x),
            lambda x: -1 / (1 + x**2),
            lambda x: 2 * x / (1 + x**2) ** 2,
            lambda x: (2 - 6 * x**2) / (1 + x**2) ** 3,
        ),
    ),
    KnownFunction(
        "acoth(x)",
        (1.2, 3.0),
        (
            lambda x: np.arctanh(1 / x),
            lambda x: 1 / (1 - x**2),
            lambda x: 2 * x / (1 - x**2) ** 2,
            lambda x: (2 + 6 * x**2) / (1 - x**2) ** 3,
        ),
    ),
    KnownFunction(
        "asec(x)",
        (1.2, 3.0),
        (  # u = x^2 - 1
            lambda x: np.arccos(1 / x),
            lambda x: 1 / (x * np.sqrt(x**2 - 1)),
            lambda x: -1 / (x**2 * np.sqrt(x**2 - 1)) - (x**2 - 1) ** -1.5,
            lambda x: (
                2 / (x**3 * np.sqrt(x**2 - 1)) + (x**2 - 1) ** -1.5 / x + 3 * x * (x**2 - 1) ** -2.5
            ),
        ),
    ),
    KnownFunction(
        "acsc(x)",
        (1.2, 3.0),
        (  # acsc = pi/2 - asec for x > 1
            lambda x: np.arcsin(1 / x),
            lambda x: -1 / (x * np.sqrt(x**2 - 1)),
            lambda x: 1 / (x**2 * np.sqrt(x**2 - 1)) + (x**2 - 1) ** -1.5,
            lambda x: (
                -2 / (x**3 * np.sqrt(x**2 - 1))
                - (x**2 - 1) ** -1.5 / x
                - 3 * x * (x**2 - 1) ** -2.5
            ),
        ),
    ),
    KnownFunction(
        "asech(x)",
        (0.1, 0.9),
        (  # w = 1 - x^2
            lambda x: np.arccosh(1 / x),
            lambda x: -1 / (x * np.sqrt(1 - x**2)),
            lambda x: 1 / (x**2 * np.sqrt(1 - x**2)) - (1 - x**2) ** -1.5,
            lambda x: (
                -2 / (x**3 * np.sqrt(1 - x**2))
                + (1 - x**2) ** -1.5 / x
                - 3 * x * (1 - x**2) ** -2.5
            ),
        ),
    ),
    KnownFunction(
        "acsch(x)",
        (0.3, 2.8),
        (  # v = 1 + x^2
            lambda x: np.arcsinh(1 / x),
            lambda x: -1 / (x * np.sqrt(1 + x**2)),
            lambda x: 1 / (x**2 * np.sqrt(1 + x**2)) + (1 + x**2) ** -1.5,
            lambda x: (
                -2 / (x**3 * np.sqrt(1 + x**2))
                - (1 + x**2) ** -1.5 / x
                - 3 * x * (1 + x**2) ** -2.5
            ),
        ),
    ),
    KnownFunction(
        "(a*x+b)^m",
        (-1.0, 2.0),
        power_rule(M, 6, scale=A, shift=B),
        params={"a": A, "b": B, "m": M},
    ),
)
