"""Tangent, secant and Taylor polynomials of f at x0: the derivative as a limit, in pictures.

    secant slope   s(h) = (f(x0 + h) − f(x0)) / h = f′(x0) + h f″(x0)/2 + O(h²)
    tangent line   y = f(x0) + f′(x0) (x − x0)
    Taylor         T_n(x) = sum_{k<=n} c_k (x − x0)^k,  c_k = f^(k)(x0)/k!

Every derivative at x0 comes from one Taylor-mode pass (`core.teaching.taylor`): its
coefficients c_0..c_10 give f′(x0) = c_1, f″(x0) = 2 c_2 and every T_n up to degree 10.
The secant slope is a plain forward difference of f in NumPy, so its error
s(h) − f′(x0) is the finite difference's, and shrinks like h until rounding in
f(x0 + h) − f(x0) takes over (about ε|f(x0)|/h).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import NamedTuple

import numpy as np

from core.engines.autodiff import resolve_parameters
from core.explorer.derivatives import grid
from core.language.expression import ParsedExpression
from core.teaching.taylor import taylor_polynomial, taylor_values
from core.validation.arguments import finite_number

MAX_DEGREE = 10  # the Explorer's highest order
EPSILON = float(np.finfo(np.float64).eps)
# The steps of the slope-against-h curve: from rounding's territory up to a wide secant.
CURVE_STEPS = np.logspace(-12, math.log10(2.0), 281)
REFINE_ROUNDS, REFINE_POINTS = 4, 33  # the radius to 1e-6 of a grid step


class SecantView(NamedTuple):
    """The secant through x0 and x0 + h beside the tangent at x0."""

    x0: float
    h: float
    value: float  # f(x0)
    value_at_step: float  # f(x0 + h)
    slope: float  # (f(x0 + h) − f(x0)) / h
    derivative: float  # f′(x0), by AD
    second_derivative: float  # f″(x0), by AD
    steps: np.ndarray  # h of the curve, increasing
    slopes: np.ndarray  # the secant slope at each of `steps`

    @property
    def error(self) -> float:
        """Secant slope − f′(x0)."""
        return self.slope - self.derivative

    @property
    def predicted_error(self) -> float:
        """h f″(x0)/2, the leading term of the error."""
        return self.h * self.second_derivative / 2

    @property
    def errors(self) -> np.ndarray:
        """|secant slope − f′(x0)| along `steps`."""
        with np.errstate(all="ignore"):
            return np.abs(self.slopes - self.derivative)


class TaylorRadius(NamedTuple):
    """How far from x0 the remainder stays below the tolerance."""

    radius: float  # r: |f − T_n| < tol wherever |x − x0| < r (on the range checked)
    whole_range: bool  # nothing in the range breaks the tolerance: r is only a lower bound
    beyond_range: bool  # [x0 − r, x0 + r] leaves the range on a side that was not checked


class TaylorView(NamedTuple):
    """T_n of f at x0 on the page's grid, its remainder and radius."""

    x0: float
    degree: int
    tolerance: float
    coefficients: np.ndarray  # c_0..c_n
    xs: np.ndarray  # the grid
    values: np.ndarray  # f on the grid
    polynomial: np.ndarray  # T_n on the grid
    remainder: np.ndarray  # |f − T_n| on the grid: nan where either is undefined
    radius: TaylorRadius


def numpy_function(
    parsed: ParsedExpression, params: Mapping[str, float] | None = None
) -> Callable[[np.ndarray], np.ndarray]:
    """f as a float64 NumPy function of an array: nan (no warning) outside its domain.

    Raises:
        ValueError: for a function of several variables or an unknown parameter.
    """
    if len(parsed.variables) != 1:
        raise ValueError(
            f"Tangents and Taylor polynomials here are of a function of one variable; "
            f"{parsed.text} is a function of {', '.join(parsed.variables) or 'no variables'}."
        )
    values = resolve_parameters(parsed, params)
    variable = parsed.variables[0]

    def function(x) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        with np.errstate(all="ignore"):
            result = parsed.numpy({variable: x, **values})
            return np.asarray(result, dtype=np.float64) * np.ones_like(x)

    return function


def line_through(x0: float, y0: float, slope: float, xs) -> np.ndarray:
    """The line y = y0 + slope (x − x0) at `xs` (the tangent, or a secant through x0)."""
    with np.errstate(all="ignore"):  # an infinite slope (sqrt at 0) gives nan, quietly
        return y0 + slope * (np.asarray(xs, dtype=np.float64) - x0)


def secant_slopes(function: Callable, x0: float, steps) -> np.ndarray:
    """(f(x0 + h) − f(x0)) / h for each h of `steps` (nan where f is undefined)."""
    steps = np.asarray(steps, dtype=np.float64)
    if steps.size and not np.all(steps != 0):
        raise ValueError("A secant needs h ≠ 0.")
    with np.errstate(all="ignore"):
        return (function(x0 + steps) - function(np.array([x0]))) / steps


def secant_view(
    parsed: ParsedExpression,
    x0: float,
    h: float,
    params: Mapping[str, float] | None = None,
    coefficients: np.ndarray | None = None,
) -> SecantView:
    """The secant slope at step h, f′(x0) and f″(x0) by AD, and the slope along CURVE_STEPS.

    Args:
        parsed: f.
        x0: the point of tangency.
        h: the step, nonzero.
        params: the parameters' values (missing ones are 1.0).
        coefficients: f's Taylor coefficients at x0 up to degree 2 or more, if already
            computed (one Taylor-mode pass gives them all).

    Raises:
        ValueError: for h = 0 or not finite, x0 not finite, or a bad parameter.
    """
    x0, h = finite_number(x0, "x₀"), finite_number(h, "h")
    if h == 0:
        raise ValueError("The step h must be nonzero: the secant needs two points.")
    function = numpy_function(parsed, params)
    if coefficients is None or len(coefficients) < 3:
        coefficients = taylor_polynomial(parsed, x0, 2, params)
    value = float(function(np.array([x0]))[0])
    value_at_step = float(function(np.array([x0 + h]))[0])
    with np.errstate(all="ignore"):
        slope = (value_at_step - value) / h
    return SecantView(
        x0=x0, h=h, value=value, value_at_step=value_at_step, slope=float(slope),
        derivative=float(coefficients[1]), second_derivative=float(2 * coefficients[2]),
        steps=CURVE_STEPS.copy(), slopes=secant_slopes(function, x0, CURVE_STEPS),
    )  # fmt: skip


def polynomial_values(coefficients, x0: float, xs) -> np.ndarray:
    """T_n at `xs` (`taylor_values`), quietly nan where a coefficient is undefined."""
    with np.errstate(all="ignore"):
        return taylor_values(coefficients, x0, xs)


def remainder(values, polynomial) -> np.ndarray:
    """|f − T_n|: nan where either is not finite (a pole or outside the domain)."""
    values, polynomial = np.asarray(values, np.float64), np.asarray(polynomial, np.float64)
    with np.errstate(all="ignore"):
        difference = np.abs(values - polynomial)
    difference[~(np.isfinite(values) & np.isfinite(polynomial))] = np.nan
    return difference


def taylor_radius(
    function: Callable, coefficients, x0: float, tolerance: float, xs
) -> TaylorRadius:
    """The largest r with |f − T_n| < tolerance on all of [x0 − r, x0 + r] ∩ the points xs.

    A point where f or T_n is undefined or infinite (a pole, outside the domain) breaks
    the tolerance. On each side, the first grid point that breaks it is found, and the
    crossing between it and its neighbour towards x0 is narrowed on finer and finer
    sub-grids, so r is accurate to far below the grid's step (for a remainder that
    crosses once between two grid points).

    Args:
        function: f, vectorised (`numpy_function`).
        coefficients: c_0..c_n of T_n at x0.
        x0: the centre.
        tolerance: positive.
        xs: the points checked (the page's grid); x0 itself is always checked.

    Returns:
        The radius; 0 when T_n misses the tolerance at x0 itself (f undefined there).
    """
    tolerance = finite_number(tolerance, "The tolerance")
    if tolerance <= 0:
        raise ValueError(f"The tolerance must be positive, got {tolerance:g}.")
    coefficients = np.asarray(coefficients, dtype=np.float64)

    def good(points: np.ndarray) -> np.ndarray:
        error = remainder(function(points), polynomial_values(coefficients, x0, points))
        return np.isfinite(error) & (error < tolerance)

    xs = np.asarray(xs, dtype=np.float64)
    if not good(np.array([x0]))[0]:
        return TaylorRadius(0.0, whole_range=False, beyond_range=False)
    ok = good(xs)
    reaches = []  # per side: the distance where the tolerance first breaks, or None
    ends = []  # per side: how far the checked points reach
    for side in (-1.0, 1.0):
        distances = side * (xs - x0)
        on_side = distances > 0
        ends.append(float(distances[on_side].max()) if on_side.any() else 0.0)
        broken = on_side & ~ok
        if not broken.any():
            reaches.append(None)
            continue
        first_bad = float(distances[broken].min())
        before = distances[on_side & ok & (distances < first_bad)]
        last_good = float(before.max()) if before.size else 0.0
        reaches.append(_refine(good, x0, side, last_good, first_bad))
    found = [r for r in reaches if r is not None]
    if not found:
        return TaylorRadius(max(ends), whole_range=True, beyond_range=False)
    radius = min(found)
    beyond = any(r is None and radius > end for r, end in zip(reaches, ends, strict=True))
    return TaylorRadius(radius, whole_range=False, beyond_range=beyond)


def _refine(good: Callable, x0: float, side: float, last_good: float, first_bad: float) -> float:
    """Narrow [last_good, first_bad] (distances from x0) around the first broken point."""
    for _ in range(REFINE_ROUNDS):
        distances = np.linspace(last_good, first_bad, REFINE_POINTS)
        ok = good(x0 + side * distances)
        bad = np.flatnonzero(~ok[1:]) + 1  # the end first_bad is broken by construction
        index = int(bad[0]) if bad.size else REFINE_POINTS - 1
        last_good, first_bad = float(distances[index - 1]), float(distances[index])
    return last_good


def taylor_view(
    parsed: ParsedExpression,
    x0: float,
    degree: int,
    tolerance: float,
    x_range: tuple[float, float],
    params: Mapping[str, float] | None = None,
    coefficients: np.ndarray | None = None,
) -> TaylorView:
    """T_n of f at x0 over the page's grid, |f − T_n| and the radius where it is < tolerance.

    Args:
        parsed: f.
        x0: the centre.
        degree: n, 1 to MAX_DEGREE.
        tolerance: positive.
        x_range: the grid's (low, high).
        params: the parameters' values.
        coefficients: c_0..c_m (m >= degree) if already computed; only the first
            degree + 1 are used.

    Raises:
        ValueError: for a bad degree, tolerance, x0, range or parameter.
    """
    if isinstance(degree, bool) or not isinstance(degree, int | np.integer):
        raise ValueError(f"The degree must be a whole number, got {degree!r}.")
    if not 1 <= degree <= MAX_DEGREE:
        raise ValueError(f"The degree must be between 1 and {MAX_DEGREE}, got {degree}.")
    x0 = finite_number(x0, "x₀")
    if coefficients is None or len(coefficients) <= degree:
        coefficients = taylor_polynomial(parsed, x0, int(degree), params)
    coefficients = np.asarray(coefficients, dtype=np.float64)[: degree + 1]
    function = numpy_function(parsed, params)
    xs = grid(x_range)
    values = function(xs)
    polynomial = polynomial_values(coefficients, x0, xs)
    return TaylorView(
        x0=x0, degree=int(degree), tolerance=float(tolerance), coefficients=coefficients,
        xs=xs, values=values, polynomial=polynomial, remainder=remainder(values, polynomial),
        radius=taylor_radius(function, coefficients, x0, tolerance, xs),
    )  # fmt: skip


def polynomial_latex(coefficients, x0: float, spec: str = ".5g") -> str:
    """T_n as LaTeX, sum c_k (x − x0)^k, leaving out zero terms and rounding noise.

    A coefficient below 1e-14 of the largest is taken as rounding (sin's even terms
    at 0 come out as 1e-17, not 0).

    Example:
        >>> polynomial_latex([1.0, 1.0, 0.5], 0.0)
        '1 + x + 0.5 x^{2}'
    """
    coefficients = np.asarray(coefficients, dtype=np.float64)
    if not np.isfinite(coefficients).all():
        raise ValueError("A Taylor polynomial needs finite coefficients.")
    largest = float(np.max(np.abs(coefficients), initial=0.0))
    shift = f"(x {'-' if x0 > 0 else '+'} {_latex_number(abs(x0), '.6g')})"
    base = "x" if x0 == 0 else shift
    terms = []
    for k, c in enumerate(coefficients):
        if c == 0 or abs(c) < 1e-14 * largest:
            continue
        power = "" if k == 0 else base if k == 1 else f"{base}^{{{k}}}"
        size = _latex_number(abs(c), spec)
        body = size if k == 0 else (power if size == "1" else f"{size} {power}")
        terms.append(("-" if c < 0 else "+", body))
    if not terms:
        return "0"
    sign, body = terms[0]
    text = ("-" if sign == "-" else "") + body
    return text + "".join(f" {sign} {body}" for sign, body in terms[1:])


def _latex_number(value: float, spec: str) -> str:
    """1.5e-05 as 1.5 \\cdot 10^{-5}; other numbers as formatted."""
    text = format(value, spec)
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    power = f"10^{{{int(exponent)}}}"
    return power if mantissa == "1" else f"{mantissa} \\cdot {power}"
