"""The allow-list of functions and constants, each with its SymPy, NumPy and JAX form.

JAX forms are single `lax` primitives or short compositions of them (tan = sin/cos,
sqrt = pow(x, 0.5)), so that Taylor-mode AD (`jax.experimental.jet`) meets only
primitives; the rules jet lacks or gets wrong (asin, acos, atan, tanh, pow) are
added by `core.engines.taylor_rules`, which the language does not import.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import sympy


def _jax_table() -> dict[str, Callable]:
    # Only `lax` primitives: jet compiles a jitted `jnp` function anew for each
    # derivative order it meets it at (0.3-0.7 s each), while primitives run eagerly
    # from a cache shared by every expression (measured in benchmarks/).
    from jax import lax

    def one(x):
        return lax.full_like(x, 1.0)

    def sqrt(x):
        # jet's own sqrt rule raises a tracer to the power 0.5 through a jitted
        # jnp function, which recompiles for every order; pow is a primitive rule.
        return lax.pow(x, lax.full_like(x, 0.5))

    def log_of(x, base):
        return lax.div(lax.log(x), lax.full_like(x, float(np.log(base))))

    return {
        "sin": lax.sin,
        "cos": lax.cos,
        "tan": lambda x: lax.div(lax.sin(x), lax.cos(x)),
        "cot": lambda x: lax.div(lax.cos(x), lax.sin(x)),
        "sec": lambda x: lax.div(one(x), lax.cos(x)),
        "csc": lambda x: lax.div(one(x), lax.sin(x)),
        "asin": lax.asin,
        "acos": lax.acos,
        "atan": lax.atan,
        "sinh": lax.sinh,
        "cosh": lax.cosh,
        "tanh": lax.tanh,
        "asinh": lax.asinh,
        "acosh": lax.acosh,
        "atanh": lax.atanh,
        # The reciprocal hyperbolic functions and their inverses, through the primitives
        # above: the inverses' Taylor rules (core.engines.taylor_rules) then apply to them.
        "sech": lambda x: lax.div(one(x), lax.cosh(x)),
        "csch": lambda x: lax.div(one(x), lax.sinh(x)),
        "coth": lambda x: lax.div(lax.cosh(x), lax.sinh(x)),
        "asech": lambda x: lax.acosh(lax.div(one(x), x)),
        "acsch": lambda x: lax.asinh(lax.div(one(x), x)),
        "acoth": lambda x: lax.atanh(lax.div(one(x), x)),
        # The inverse secant, cosecant and cotangent by their definitions (DOMAINS):
        # acos, asin and atan have Taylor rules, so these need none of their own.
        "asec": lambda x: lax.acos(lax.div(one(x), x)),
        "acsc": lambda x: lax.asin(lax.div(one(x), x)),
        "acot": lambda x: lax.atan(lax.div(one(x), x)),
        "exp": lax.exp,
        "log": lax.log,
        "log10": lambda x: log_of(x, 10.0),
        "log2": lambda x: log_of(x, 2.0),
        "sqrt": sqrt,
        "abs": lax.abs,
        "floor": lax.floor,
        "ceil": lax.ceil,
        "sign": lax.sign,
    }


_SYMPY = {
    "sin": (sympy.sin, np.sin, "sine"),
    "cos": (sympy.cos, np.cos, "cosine"),
    "tan": (sympy.tan, np.tan, "tangent"),
    "cot": (sympy.cot, lambda x: 1 / np.tan(x), "cotangent"),
    "sec": (sympy.sec, lambda x: 1 / np.cos(x), "secant"),
    "csc": (sympy.csc, lambda x: 1 / np.sin(x), "cosecant"),
    "asin": (sympy.asin, np.arcsin, "inverse sine"),
    "acos": (sympy.acos, np.arccos, "inverse cosine"),
    "atan": (sympy.atan, np.arctan, "inverse tangent"),
    "sinh": (sympy.sinh, np.sinh, "hyperbolic sine"),
    "cosh": (sympy.cosh, np.cosh, "hyperbolic cosine"),
    "tanh": (sympy.tanh, np.tanh, "hyperbolic tangent"),
    "asinh": (sympy.asinh, np.arcsinh, "inverse hyperbolic sine"),
    "acosh": (sympy.acosh, np.arccosh, "inverse hyperbolic cosine"),
    "atanh": (sympy.atanh, np.arctanh, "inverse hyperbolic tangent"),
    "sech": (sympy.sech, lambda x: 1 / np.cosh(x), "hyperbolic secant"),
    "csch": (sympy.csch, lambda x: 1 / np.sinh(x), "hyperbolic cosecant"),
    "coth": (sympy.coth, lambda x: np.cosh(x) / np.sinh(x), "hyperbolic cotangent"),
    "asech": (sympy.asech, lambda x: np.arccosh(1 / x), "inverse hyperbolic secant"),
    "acsch": (sympy.acsch, lambda x: np.arcsinh(1 / x), "inverse hyperbolic cosecant"),
    "acoth": (sympy.acoth, lambda x: np.arctanh(1 / x), "inverse hyperbolic cotangent"),
    "asec": (sympy.asec, lambda x: np.arccos(1 / x), "inverse secant"),
    "acsc": (sympy.acsc, lambda x: np.arcsin(1 / x), "inverse cosecant"),
    "acot": (sympy.acot, lambda x: np.arctan(1 / x), "inverse cotangent"),
    "exp": (sympy.exp, np.exp, "exponential"),
    "log": (sympy.log, np.log, "natural logarithm"),
    "log10": (lambda x: sympy.log(x, 10), np.log10, "base-10 logarithm"),
    "log2": (lambda x: sympy.log(x, 2), np.log2, "base-2 logarithm"),
    "sqrt": (sympy.sqrt, np.sqrt, "square root"),
    "abs": (sympy.Abs, np.abs, "absolute value"),
    "floor": (sympy.floor, np.floor, "largest integer ≤ x"),
    "ceil": (sympy.ceiling, np.ceil, "smallest integer ≥ x"),
    "sign": (sympy.sign, np.sign, "sign: −1, 0 or 1"),
}

ALIASES = {
    "ln": "log",
    "lg": "log10",  # ISO 80000-2: lg = log10, lb = log2
    "lb": "log2",
    "arcsin": "asin",
    "arccos": "acos",
    "arctan": "atan",
    "arcsec": "asec",
    "arccsc": "acsc",
    "arccot": "acot",
    "arccosec": "acsc",
    "cosec": "csc",
    "ctg": "cot",
    "tg": "tan",
    "arsinh": "asinh",
    "arcsinh": "asinh",
    "arcosh": "acosh",
    "arccosh": "acosh",
    "artanh": "atanh",
    "arctanh": "atanh",
    **{f"{pre}{name}": f"a{name}" for pre in ("ar", "arc") for name in ("sech", "csch", "coth")},
    "ceiling": "ceil",
    "sgn": "sign",
}

CONSTANTS = {"pi": (sympy.pi, np.pi), "e": (sympy.E, np.e)}
# Names the parser rewrites into other nodes rather than calling: cbrt(u) is u^(1/3)
# (`core.language.function_calls`).
REWRITTEN = ("cbrt",)
# Where the inverse functions without a single agreed range are defined, as SymPy,
# Wolfram|Alpha and most calculators define them (README, "What you can type"):
DOMAINS = {
    "asec": "asec(x) = acos(1/x) for |x| >= 1, with values in [0, pi] except pi/2",
    "acsc": "acsc(x) = asin(1/x) for |x| >= 1, with values in [-pi/2, pi/2] except 0",
    # Some textbooks take acot's values in (0, pi) (pi/2 - atan(x)) instead: the two
    # agree for x > 0 and differ by pi for x < 0, and have the same derivative
    # -1/(1 + x^2) everywhere but x = 0, where atan(1/x) jumps.
    "acot": "acot(x) = atan(1/x) for x != 0, with values in (-pi/2, pi/2] except 0",
    "acoth": "acoth(x) = atanh(1/x) for |x| > 1",
    "coth": "coth(x) = cosh(x)/sinh(x) for x != 0 (a pole at 0)",
}

FUNCTION_NAMES = tuple(_SYMPY)
# (Without REWRITTEN: the programs' checker suggests these, and programs call functions.)
KNOWN_NAMES = (*FUNCTION_NAMES, *ALIASES, *CONSTANTS, "max", "min", "where")

_jax_cache: dict[str, Callable] = {}


def canonical_function_name(name: str) -> str | None:
    """The canonical name of an allowed function (`ln` -> `log`), or None."""
    name = ALIASES.get(name, name)
    return name if name in _SYMPY else None


def sympy_function(name: str) -> Callable:
    return _SYMPY[name][0]


def numpy_function(name: str) -> Callable:
    return _SYMPY[name][1]


def jax_function(name: str) -> Callable:
    # Imported lazily: the parser and SymPy workers must not pay for importing JAX.
    if not _jax_cache:
        _jax_cache.update(_jax_table())
    return _jax_cache[name]


def describe(name: str) -> str:
    return _SYMPY[name][2]
