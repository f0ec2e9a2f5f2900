"""Every function of the language, alone and composed, orders 0-10, against mpmath at 50 digits.

The oracle shares no code with the engine: each case's formula is written again here
with mpmath's own functions (`MPMATH`, from the name alone), and `mpmath.diffs`
differentiates it numerically at 50 significant digits (a finite difference with a
step of about 1e-60 evaluated at several hundred digits, so its error is far below
float64's). The engine's answer for the same typed text must match it at every point
and every order.

Tolerances are relative and grow with the order: Taylor-mode arithmetic in float64
rounds at every step of each recurrence (order k sums about k products per term,
and k terms feed the next), so the error grows roughly geometrically with the order;
a few digits are lost by order 10. `RTOL[k]` follows that growth and stands at least
30 times above the worst error measured at each order over all the cases here (order
0: 7e-15, order 6: 8e-12, order 10: 4e-10), so that another CPU's last bits cannot
fail it, while a wrong rule (nan, or tanh's 2e-5 near 0) cannot pass it. More is lost near a
singularity of an intermediate function whose terms cancel in the result: the terms
of cot(x) near its pole at pi grow like (1/distance)^k, while cot/(1 + cot^2) =
sin cos does not, and at x = 2.9 six digits were gone by order 10. That is the
conditioning of the arithmetic, not a wrong rule, so such expressions are compared
at least 0.6 away from every pole (`AWAY_FROM_POLES`). Where the true derivative
is much smaller than the terms it is computed from (a derivative passing near zero,
or exactly zero for a polynomial), the relative error says nothing; the error is then
measured against `FLOOR` times the largest derivative at that point. The cases near
zero (`NEAR_ZERO`) have no such floor: every derivative there is well conditioned
(for tanh(2e-12) each term is an accurate product), so they are held to RTOL alone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import NamedTuple

import mpmath
import numpy as np
import pytest
from jax import lax
from jax.experimental import jet

from core import parse_expression
from core.engines.autodiff import MAX_ORDER, ad_derivatives
from core.language import functions as core_functions

DIGITS = 50
# RTOL[k]: relative tolerance at order k (see the module docstring).
RTOL = tuple(2e-13 * 3.5**k for k in range(MAX_ORDER + 1))
FLOOR = 1e-9

mp = mpmath.mp

MPMATH: dict[str, Callable] = {
    "sin": mpmath.sin,
    "cos": mpmath.cos,
    "tan": mpmath.tan,
    "cot": mpmath.cot,
    "sec": mpmath.sec,
    "csc": mpmath.csc,
    "asin": mpmath.asin,
    "acos": mpmath.acos,
    "atan": mpmath.atan,
    "sinh": mpmath.sinh,
    "cosh": mpmath.cosh,
    "tanh": mpmath.tanh,
    "asinh": mpmath.asinh,
    "acosh": mpmath.acosh,
    "atanh": mpmath.atanh,
    "sech": mpmath.sech,
    "csch": mpmath.csch,
    "coth": mpmath.coth,
    "asech": mpmath.asech,
    "acsch": mpmath.acsch,
    "acoth": mpmath.acoth,
    # mpmath's asec, acsc, acot are acos, asin, atan of 1/z: the language's convention
    # (core.language.functions.DOMAINS), acot(-1) = -pi/4.
    "asec": mpmath.asec,
    "acsc": mpmath.acsc,
    "acot": mpmath.acot,
    "exp": mpmath.exp,
    "log": mpmath.log,
    "log10": lambda z: mpmath.log(z, 10),
    "log2": lambda z: mpmath.log(z, 2),
    "sqrt": mpmath.sqrt,
    "abs": mpmath.fabs,
    "floor": mpmath.floor,
    "ceil": mpmath.ceil,
    "sign": mpmath.sign,
}

# Points where each function is smooth and real (away from kinks and jumps).
GENERIC = (-2.3, -0.7, 0.4, 1.9)
POINTS: dict[str, tuple[float, ...]] = {
    **dict.fromkeys(("sin", "cos", "atan", "sinh", "cosh", "asinh", "exp", "abs"), GENERIC),
    "tanh": (*GENERIC, 8.0, 20.0),
    "tan": (-1.2, 0.3, 1.1),
    "sec": (-1.2, 0.3, 1.1),
    "cot": (-1.1, 0.3, 1.7, 2.9),
    "csc": (-1.1, 0.3, 1.7, 2.9),
    "asin": (-0.93, -0.4, 0.2, 0.77),
    "acos": (-0.93, -0.4, 0.2, 0.77),
    "atanh": (-0.93, -0.4, 0.2, 0.77),
    "acosh": (1.05, 1.6, 3.7),
    "log": (0.05, 0.7, 3.2, 41.0),
    "log10": (0.05, 0.7, 3.2, 41.0),
    "log2": (0.05, 0.7, 3.2, 41.0),
    "sqrt": (0.05, 0.7, 3.2, 41.0),
    "floor": (-1.7, 0.4, 2.3),
    "ceil": (-1.7, 0.4, 2.3),
    "sign": (-1.5, 0.5),
    **dict.fromkeys(("sech", "csch", "coth", "acsch"), GENERIC),
    "asech": (0.1, 0.4, 0.77, 0.93),
    "acoth": (-3.1, -1.4, 1.2, 2.7),
    **dict.fromkeys(("asec", "acsc"), (-3.1, -1.4, 1.2, 2.7)),
    "acot": GENERIC,
}
# An interval (centre, half-width) inside each function's smooth domain, for f(c + s sin x).
ARGUMENTS: dict[str, tuple[float, float]] = {
    **dict.fromkeys(
        ("sin", "cos", "atan", "sinh", "cosh", "tanh", "asinh", "exp", "abs"), (0.3, 1.5)
    ),
    **dict.fromkeys(("tan", "sec"), (0.1, 1.0)),
    **dict.fromkeys(("cot", "csc"), (1.5, 1.0)),
    **dict.fromkeys(("asin", "acos", "atanh"), (0.1, 0.75)),
    "acosh": (2.5, 1.2),
    **dict.fromkeys(("log", "log10", "log2", "sqrt"), (1.5, 1.2)),
    **dict.fromkeys(("floor", "ceil"), (0.5, 0.3)),
    "sign": (0.5, 0.3),
    "sech": (0.3, 1.5),
    **dict.fromkeys(("csch", "coth", "acsch"), (1.5, 1.0)),
    "asech": (0.5, 0.4),
    "acoth": (2.5, 1.2),
    **dict.fromkeys(("asec", "acsc"), (2.5, 1.2)),
    "acot": (-1.5, 1.0),
}
COMPOSED_POINTS = (-1.3, 0.4, 2.1)
# Points at least 0.6 from every pole, for expressions where a pole's large terms cancel.
AWAY_FROM_POLES = {
    **dict.fromkeys(("tan", "sec"), (-0.9, 0.3, 0.8)),
    **dict.fromkeys(("cot", "csc"), (-1.9, 1.1, 1.7, 2.3)),
}


class OracleCase(NamedTuple):
    """A typed expression, the same function written with mpmath, and where to compare."""

    text: str
    formula: Callable
    points: tuple[float, ...]
    params: Mapping[str, float] = {}
    floor: float = FLOOR


def _mpf(value: float):
    return mpmath.mpf(value)  # the binary value the engine sees, exactly


def _alone() -> list[OracleCase]:
    return [OracleCase(f"{name}(x)", MPMATH[name], POINTS[name]) for name in MPMATH]


def _inside() -> list[OracleCase]:
    """f(c + s sin x): the chain rule through every function."""
    cases = []
    for name, function in MPMATH.items():
        centre, half_width = ARGUMENTS[name]
        c, s = _mpf(centre), _mpf(half_width)
        cases.append(
            OracleCase(
                f"{name}({centre} + {half_width}*sin(x))",
                lambda z, f=function, c=c, s=s: f(c + s * mpmath.sin(z)),
                COMPOSED_POINTS,
            )
        )
    return cases


def _outside() -> list[OracleCase]:
    """f(x) e^(-x) / (1 + f(x)^2): products, quotients and powers of every function."""
    cases = []
    for name, function in MPMATH.items():
        cases.append(
            OracleCase(
                f"{name}(x)*exp(-x)/(1 + {name}(x)^2)",
                lambda z, f=function: f(z) * mpmath.exp(-z) / (1 + f(z) ** 2),
                AWAY_FROM_POLES.get(name, POINTS[name]),
            )
        )
    return cases


CHAINS = [
    OracleCase("sin(cos(x))", lambda z: mpmath.sin(mpmath.cos(z)), COMPOSED_POINTS),
    OracleCase("exp(tan(x)/3)", lambda z: mpmath.exp(mpmath.tan(z) / 3), (-1.2, 0.3, 1.1)),
    OracleCase("log(cosh(x))", lambda z: mpmath.log(mpmath.cosh(z)), COMPOSED_POINTS),
    OracleCase(
        "sqrt(1 + x^2)*atan(x)", lambda z: mpmath.sqrt(1 + z**2) * mpmath.atan(z), COMPOSED_POINTS
    ),
    OracleCase("asinh(tanh(x))", lambda z: mpmath.asinh(mpmath.tanh(z)), COMPOSED_POINTS),
    OracleCase("atanh(sin(x)/2)", lambda z: mpmath.atanh(mpmath.sin(z) / 2), COMPOSED_POINTS),
    OracleCase("acosh(2.5 + sin(x))", lambda z: mpmath.acosh(2.5 + mpmath.sin(z)), COMPOSED_POINTS),
    OracleCase(
        "sech(x)^2 + coth(2 + sin(x))*csch(x)",
        lambda z: mpmath.sech(z) ** 2 + mpmath.coth(2 + mpmath.sin(z)) * mpmath.csch(z),
        COMPOSED_POINTS,
    ),
    OracleCase(
        "asech(x/3 + 0.5) + acoth(3 + x^2)*acsch(x)",
        lambda z: mpmath.asech(z / 3 + 0.5) + mpmath.acoth(3 + z**2) * mpmath.acsch(z),
        (-1.3, 0.4),
    ),
    OracleCase("tan(sinh(x)/2)", lambda z: mpmath.tan(mpmath.sinh(z) / 2), (-1.0, 0.4, 1.1)),
    OracleCase(
        "log10(2 + cos(x)) - log2(3 + x^2)",
        lambda z: mpmath.log(2 + mpmath.cos(z), 10) - mpmath.log(3 + z**2, 2),
        COMPOSED_POINTS,
    ),
    OracleCase(
        "asin(x/3)*acos(x/4)", lambda z: mpmath.asin(z / 3) * mpmath.acos(z / 4), COMPOSED_POINTS
    ),
    OracleCase("sin(x)/x + tanh(x)/x", lambda z: (mpmath.sin(z) + mpmath.tanh(z)) / z, (-0.6, 0.4)),
    OracleCase(
        "cot(x)*csc(x) + exp(-x^2)",
        lambda z: mpmath.cot(z) * mpmath.csc(z) + mpmath.exp(-(z**2)),
        (0.4, 2.1),
    ),
    OracleCase("x^x", lambda z: z**z, (0.3, 0.7, 2.1)),
    OracleCase("(1 + x^2)^-0.5", lambda z: (1 + z**2) ** _mpf(-0.5), COMPOSED_POINTS),
    OracleCase(
        "abs(sin(x))*floor(x)", lambda z: mpmath.fabs(mpmath.sin(z)) * mpmath.floor(z), (-1.3, 2.1)
    ),
]

POWERS = [
    OracleCase("x^2.0", lambda z: z ** _mpf(2.0), (-2.0, -0.5, 1.3)),
    OracleCase("x^3.0 - x^-2.0", lambda z: z ** _mpf(3.0) - z ** _mpf(-2.0), (-1.7, -0.4, 0.9)),
    OracleCase("x^65", lambda z: z**65, (-0.9, -1.1, 0.95)),
    OracleCase("x^64", lambda z: z**64, (-0.9, 1.05)),
    OracleCase("x^-65", lambda z: z**-65, (-1.05, -0.99, 1.01)),
    OracleCase("x^1001", lambda z: z**1001, (-1.001, -0.9995)),
    OracleCase("x^100000000000000000000", lambda z: z ** (10**20), (-1.0,)),
    OracleCase("(x - 1)^66*sin(x)", lambda z: (z - 1) ** 66 * mpmath.sin(z), (-0.1, 0.2)),
    OracleCase("(sin(x) - 2)^67", lambda z: (mpmath.sin(z) - 2) ** 67, COMPOSED_POINTS),
    OracleCase("x^7", lambda z: z**7, (-1.3, 0.6)),
    OracleCase("x^(-3)", lambda z: z**-3, (-0.7, 1.4)),
    OracleCase("x^2.5", lambda z: z ** _mpf(2.5), (0.3, 2.0)),
    OracleCase("x^(1/3)", lambda z: z ** (_mpf(1.0) / 3), (0.5, 2.0)),
    OracleCase("x^m", lambda z: z**3, (-1.5, -0.2, 0.7), params={"m": 3.0}),
    OracleCase(
        "(a*x + b)^m",
        lambda z: (2 * z - 1) ** _mpf(7.5),
        (0.8, 1.6),
        params={"a": 2.0, "b": -1.0, "m": 7.5},
    ),
    OracleCase("2^x", lambda z: 2**z, GENERIC),
    OracleCase("0^x", lambda z: mpmath.mpf(0) ** z, (0.5, 2.0)),
    OracleCase("0^(x^2 + 1)", lambda z: mpmath.mpf(0) ** (z**2 + 1), (-0.5, 0.0, 1.5)),
    OracleCase("1^x + x^0", lambda _z: mpmath.mpf(2), (-0.5, 1.5)),
    OracleCase("e^x + pi^x", lambda z: mpmath.e**z + mpmath.pi**z, GENERIC),
    OracleCase("pi*x^2 - e*x", lambda z: mpmath.pi * z**2 - mpmath.e * z, GENERIC),
]

KINKS = [
    OracleCase("max(x, x^2)", lambda z: max(z, z**2), (-0.5, 0.5, 1.7)),
    OracleCase("min(sin(x), cos(x))", lambda z: min(mpmath.sin(z), mpmath.cos(z)), (0.3, 1.2)),
    OracleCase(
        "where(x < 1, exp(x), log(x))",
        lambda z: mpmath.exp(z) if z < 1 else mpmath.log(z),
        (0.3, 2.0),
    ),
    OracleCase(
        "where(x^2 >= 1, sqrt(x^2 - 1), -x^3)",
        lambda z: mpmath.sqrt(z**2 - 1) if z**2 >= 1 else -(z**3),
        (-1.5, 0.4, 2.0),
    ),
]

# Values near 0, where a formula can lose every digit (tanh as 2 logistic(2x) - 1).
NEAR_ZERO = [
    OracleCase(f"{name}(x)", MPMATH[name], (1e-12, -1e-6), floor=0.0)
    for name in ("sin", "tan", "asin", "atan", "sinh", "tanh", "asinh", "atanh")
] + [
    OracleCase("1/tanh(x)", lambda z: 1 / mpmath.tanh(z), (2e-12, 1e-6), floor=0.0),
    OracleCase("cos(x)", mpmath.cos, (1e-12, 1e-6)),
    OracleCase("cot(x) + csc(x)", lambda z: mpmath.cot(z) + mpmath.csc(z), (1e-6,), floor=0.0),
    OracleCase("sqrt(x)", mpmath.sqrt, (1e-12, 1e-6), floor=0.0),
    OracleCase("x^2.5", lambda z: z ** _mpf(2.5), (1e-6,), floor=0.0),
    OracleCase("log(x)", mpmath.log, (1e-12, 1e-6), floor=0.0),
    OracleCase("x^2.0", lambda z: z ** _mpf(2.0), (-1e-6, 1e-12)),
    OracleCase("x^5", lambda z: z**5, (1e-6,)),
    OracleCase("abs(x)", mpmath.fabs, (1e-12, -1e-6)),
]

# Typed as books print them (issue 22): functions without brackets, inverse notation,
# every spelling, cube roots, logarithms to any base; each against its mpmath formula.
TEXTBOOK = [
    OracleCase("sin x cos x", lambda z: mpmath.sin(z) * mpmath.cos(z), COMPOSED_POINTS),
    OracleCase(
        "2 sin^2 3x - x sin x",
        lambda z: 2 * mpmath.sin(3 * z) ** 2 - z * mpmath.sin(z),
        COMPOSED_POINTS,
    ),
    OracleCase("e^{2x} cos x/2", lambda z: mpmath.exp(2 * z) * mpmath.cos(z) / 2, COMPOSED_POINTS),
    OracleCase(
        "sin⁻¹ x/2 + tan^{-1}(x^2)",
        lambda z: mpmath.asin(z) / 2 + mpmath.atan(z**2),
        (-0.7, 0.2, 0.6),
    ),
    OracleCase(
        "sec^-1 x + arccsc(x^2 + 1)",
        lambda z: mpmath.asec(z) + mpmath.acsc(z**2 + 1),
        (-2.3, 1.4, 2.9),
    ),
    OracleCase("arccot x - acot(2x)", lambda z: mpmath.acot(z) - mpmath.acot(2 * z), GENERIC),
    OracleCase(
        "arsinh x + arcosh(x^2 + 1.5) + arcoth(x + 4)",
        lambda z: mpmath.asinh(z) + mpmath.acosh(z**2 + 1.5) + mpmath.acoth(z + 4),
        COMPOSED_POINTS,
    ),
    OracleCase(
        "coth x + arsech(x/4 + 0.5) + arcsch x",
        lambda z: mpmath.coth(z) + mpmath.asech(z / 4 + 0.5) + mpmath.acsch(z),
        (-1.3, 0.4, 1.1),
    ),
    OracleCase(
        "∛(x^2 + 1) + cbrt(x)", lambda z: mpmath.cbrt(z**2 + 1) + mpmath.cbrt(z), (0.4, 2.1)
    ),
    OracleCase(
        "log_2 x + log_{10}(x^2) + lg x + log(3, x) + ln|x|",
        lambda z: (
            mpmath.log(z, 2)
            + mpmath.log(z**2, 10)
            + mpmath.log(z, 10)
            + mpmath.log(z, 3)
            + mpmath.log(abs(z))
        ),
        (0.3, 2.1),
    ),
    OracleCase(
        "a^x + x^x + exp x", lambda z: 2.5**z + z**z + mpmath.exp(z), (0.3, 2.1), params={"a": 2.5}
    ),
    OracleCase(
        "xe^x + 2xe^(2x) + ex^(e-1)",
        lambda z: z * mpmath.exp(z) + 2 * z * mpmath.exp(2 * z) + mpmath.e * z ** (mpmath.e - 1),
        (0.3, 2.1),
    ),
    OracleCase(
        "√x·csc(πx + 1) + x²eˣ",
        lambda z: mpmath.sqrt(z) * mpmath.csc(mpmath.pi * z + 1) + z**2 * mpmath.exp(z),
        (0.3, 0.9),
    ),
]

CASES: list[OracleCase] = [*_alone(), *_inside(), *_outside(), *CHAINS, *POWERS, *KINKS,
                           *NEAR_ZERO, *TEXTBOOK]  # fmt: skip


def oracle(case: OracleCase, x: float) -> np.ndarray:
    """Derivatives 0..MAX_ORDER of the case's mpmath formula at x, rounded to float64."""
    with mpmath.workdps(DIGITS):
        values = list(mpmath.diffs(case.formula, _mpf(x), MAX_ORDER))
    assert all(isinstance(value, mpmath.mpf) for value in values), f"{case.text} is complex"
    return np.array([float(value) for value in values])


def relative_errors(case: OracleCase) -> np.ndarray:
    """(orders, points): |engine - oracle| / max(|oracle|, floor * largest at that point)."""
    parsed = parse_expression(case.text)
    got = ad_derivatives(parsed, np.array(case.points), MAX_ORDER, case.params)
    want = np.stack([oracle(case, x) for x in case.points], axis=1)
    scale = np.maximum(np.abs(want), case.floor * np.max(np.abs(want), axis=0))
    with np.errstate(invalid="ignore", divide="ignore"):
        errors = np.abs(got - want) / scale
    exact = got == want  # exact zeros and equal infinities
    return np.where(exact, 0.0, np.where(np.isnan(errors), np.inf, errors))


def test_every_function_has_an_oracle():
    assert set(MPMATH) == set(core_functions.FUNCTION_NAMES)
    assert set(POINTS) == set(ARGUMENTS) == set(MPMATH)


@pytest.mark.parametrize("case", CASES, ids=[f"{case.text} {case.points}" for case in CASES])
def test_derivatives_match_mpmath(case: OracleCase):
    errors = relative_errors(case)
    for order, row in enumerate(errors):
        worst = int(np.argmax(row))
        assert row[worst] <= RTOL[order], (
            f"{case.text} at x = {case.points[worst]}: order {order} is off by "
            f"{row[worst]:.3g} (relative), more than {RTOL[order]:.3g}"
        )


def _exp_log_power(primals_in, series_in, **_):
    """jet's own rule for u^y: the series of exp(y log u), nan for a zero or negative base."""
    return jet.jet2(lambda u, y: lax.exp(lax.mul(y, lax.log(u))), primals_in, series_in)


def _logistic_tanh(primals_in, series_in, **_):
    """jet's own rule for tanh: 2 logistic(2x) - 1, which loses the digits near 0."""
    (x,), (series,) = primals_in, series_in
    value, terms = jet.jet_rules[lax.logistic_p]((2 * x,), ([2 * term for term in series],))
    return 2 * value - 1, [2 * term for term in terms]


@pytest.mark.parametrize(
    ("primitive", "rule", "text"),
    [
        (lax.pow_p, _exp_log_power, "x^2.0"),
        (lax.pow_p, _exp_log_power, "x^65"),
        (lax.pow_p, _exp_log_power, "0^x"),
        (lax.tanh_p, _logistic_tanh, "1/tanh(x)"),
        (lax.tanh_p, _logistic_tanh, "tanh(x)"),
    ],
)
def test_the_oracle_rejects_the_rules_that_were_wrong(monkeypatch, primitive, rule, text):
    # The comparison above fails with jet's own rules: it would have found these bugs.
    monkeypatch.setitem(jet.jet_rules, primitive, rule)
    failures = [
        case.text
        for case in CASES
        if case.text == text and (relative_errors(case) > np.array(RTOL)[:, None]).any()
    ]
    assert failures
