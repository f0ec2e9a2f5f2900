"""dx*/da for a root of F(x, a) = 0 three ways: the implicit function theorem, a finite
difference of roots, and `jax.grad` through the solver's own iterations.

The theorem gives dx*/da = −(∂F/∂a)/(∂F/∂x) at the root from two partials. A central
difference (x*(a + h) − x*(a − h)) / 2h of brentq's roots agrees with it to about
|x*''| h² + 10⁻¹⁴/h, smallest near h = ∛ε·max(1, |a|) ≈ 6·10⁻⁶. Differentiating *through*
a bisection gives 0: its iterate is the midpoint of two numbers that depend on a only
through the sign tests `F(mid, a) > 0`, whose derivative is 0, so the gradient of the
answer, correct to 15 digits as a root, is exactly 0 as a derivative.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from core.beyond_grad.implicit import (
    JUMP_RATIO,
    RTOL,
    XTOL,
    RootPartials,
    RootProblem,
    jax_residual,
    partials_at_root,
    root_problem,
    solve,
)
from core.language.expression import ParsedExpression

FD_STEP = float(np.cbrt(np.finfo(np.float64).eps))  # h = ∛ε · max(1, |a|)
MAX_BISECTION_ITERATIONS = 60  # each costs about 1 ms under eager jax.grad
CURVE_ITERATIONS = 60  # the bracket / 2⁶⁰: roots of the curve to rounding
MAX_CURVE_POINTS = 2001


class RootReport(NamedTuple):
    """The root x*(a) of F(x, a) = 0 and dx*/da three ways.

    Attributes:
        root: x*, by brentq.
        implicit: dx*/da = −(∂F/∂a)/(∂F/∂x), the implicit function theorem.
        dF_dx, dF_da: the partials ∂F/∂x and ∂F/∂a at (x*, a), by JAX.
        through_bisection: `jax.grad` of an unrolled bisection's answer with respect to a:
            0, however accurate the root.
        bisection_iterations: how many halvings the bisection ran (fixed in advance).
        finite_difference: (x*(a + h) − x*(a − h)) / 2h of brentq's roots; nan when a ± h
            moves the root out of the bracket.
        fd_step: h.
    """

    root: float
    implicit: float
    dF_dx: float
    dF_da: float
    through_bisection: float
    bisection_iterations: int
    finite_difference: float
    fd_step: float


class RootCurve(NamedTuple):
    """x*(a) on a grid of parameter values around the chosen one.

    Attributes:
        values: the grid of a, from value − span to value + span.
        roots: x*(a) there; nan where the bracket holds no root (no sign change, F
            undefined, or a jump instead of a root).
        derivative: dx*/da at the chosen a, by the implicit function theorem.
        root: x* at the chosen a.
        value: the chosen a.
    """

    values: np.ndarray
    roots: np.ndarray
    derivative: float
    root: float
    value: float


def root_report(
    equation: ParsedExpression,
    unknown: str,
    parameter: str,
    value: float,
    bracket: tuple[float, float],
    params: Mapping[str, float] | None = None,
) -> RootReport:
    """The root of F(x, a) = 0 in a bracket and dx*/da by the theorem, by a finite
    difference of roots and by `jax.grad` through a bisection.

    Args: as `core.root_derivative`.

    Returns:
        A `RootReport`.

    Raises:
        ValueError: as `core.root_derivative`: a name not in F, a bracket without a sign
            change, F undefined in the bracket, a bad number, or ∂F/∂x = 0 at the root;
            also ∂F/∂x zero within the root's rounding error (a multiple root, where
            `root_derivative` returns a huge number; see `require_simple_root`).

    Example:
        >>> from core import parse_expression
        >>> report = root_report(parse_expression("a*x^3 - x - 2"), "x", "a", 2.0, (1, 2))
        >>> round(report.implicit, 8), report.through_bisection
        (-0.22139916, 0.0)
    """
    problem = root_problem(equation, unknown, parameter, value, bracket, params)
    partials = partials_at_root(problem)
    require_simple_root(problem, partials)
    through, iterations = gradient_through_bisection(problem)
    difference, step = finite_difference_of_roots(problem)
    return RootReport(
        partials.root, partials.derivative, partials.by_unknown, partials.by_parameter,
        through, iterations, difference, step,
    )  # fmt: skip


def require_simple_root(problem: RootProblem, partials: RootPartials) -> None:
    """Raise when ∂F/∂x at the root is zero within what the root's own error can change it by.

    brentq's root is within δ = 2 (XTOL + RTOL |x*|) of the true one, which moves ∂F/∂x by
    about |∂²F/∂x²| δ. At a simple root that is ~10⁻¹⁴ of ∂F/∂x; at a root of multiplicity
    m ≥ 3 it is at least as large as ∂F/∂x itself, which is then rounding, and
    −(∂F/∂a)/(∂F/∂x) a huge number (10²⁸ for x³ − a at a = 0) instead of an error.

    Raises:
        ValueError: ∂F/∂x is zero within that error (not a simple root).
    """
    unknown, root = problem.unknown, partials.root
    function = jax_residual(problem)
    point = (jnp.asarray(root, jnp.float64), jnp.asarray(problem.value, jnp.float64))
    curvature = abs(float(jax.grad(jax.grad(function))(*point)))
    spread = 2 * (XTOL + RTOL * abs(root))
    if abs(partials.by_unknown) <= curvature * spread:
        raise ValueError(
            f"∂F/∂{unknown} = {partials.by_unknown:.3g} at the root {unknown} = {root:.10g} is "
            f"zero within the root's rounding error, so the root is not simple and the "
            f"implicit function theorem does not apply: d{unknown}/d{problem.parameter} is "
            "not defined there; try another bracket or parameter value."
        )


def bisection_iterations(low: float, high: float) -> int:
    """Halvings that shrink [low, high] to brentq's tolerance, at most MAX_BISECTION_ITERATIONS."""
    tolerance = XTOL + RTOL * max(abs(low), abs(high))
    needed = math.ceil(math.log2((high - low) / tolerance))
    return int(min(max(needed, 1), MAX_BISECTION_ITERATIONS))


def gradient_through_bisection(problem: RootProblem) -> tuple[float, int]:
    """d/da of an unrolled bisection's answer, by `jax.grad`, and its iteration count.

    The loop is a Python loop of `lax` primitives run eagerly (no compilation per
    equation): the sign tests keep the interval holding the root; the answer's only
    dependence on a is through them, so the gradient is 0.
    """
    function = jax_residual(problem)
    iterations = bisection_iterations(problem.low, problem.high)

    def bisection(a):
        low, high = lax.full_like(a, problem.low), lax.full_like(a, problem.high)
        half = lax.full_like(a, 0.5)
        sign_at_low = lax.sign(function(low, a))
        for _ in range(iterations):
            middle = lax.mul(lax.add(low, high), half)
            same = lax.eq(lax.sign(function(middle, a)), sign_at_low)
            low, high = lax.select(same, middle, low), lax.select(same, high, middle)
        return lax.mul(lax.add(low, high), half)

    with np.errstate(all="ignore"):
        gradient = jax.grad(bisection)(jnp.asarray(problem.value, jnp.float64))
    return float(gradient), iterations


def finite_difference_of_roots(problem: RootProblem) -> tuple[float, float]:
    """(x*(a + h) − x*(a − h)) / 2h of brentq's roots, and h = ∛ε·max(1, |a|).

    Returns nan for the difference when a ± h leaves no root in the bracket.
    """
    step = FD_STEP * max(1.0, abs(problem.value))
    try:
        plus = solve(problem, problem.value + step)
        minus = solve(problem, problem.value - step)
    except ValueError:
        return math.nan, step
    return (plus - minus) / (2 * step), step


def root_curve(
    equation: ParsedExpression,
    unknown: str,
    parameter: str,
    value: float,
    bracket: tuple[float, float],
    params: Mapping[str, float] | None = None,
    span: float = 1.0,
    n: int = 81,
) -> RootCurve:
    """x*(a) for n values of a in [value − span, value + span], and dx*/da at `value`.

    The roots come from one vectorised bisection over the whole grid (NumPy, about 60
    evaluations of F on n points); where the bracket holds several roots, each a may
    find a different one.

    Raises:
        ValueError: as `root_report` (at the chosen a), or a bad span or n.

    Example:
        >>> from core import parse_expression
        >>> curve = root_curve(parse_expression("x^2 - a"), "x", "a", 4.0, (0, 3), span=1, n=3)
        >>> curve.roots.round(6).tolist(), curve.derivative
        ([1.732051, 2.0, 2.236068], 0.25)
    """
    problem = root_problem(equation, unknown, parameter, value, bracket, params)
    span = _positive(span, "The span")
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or not 3 <= n <= MAX_CURVE_POINTS:
        raise ValueError(f"n must be a whole number from 3 to {MAX_CURVE_POINTS}, got {n!r}.")
    partials = partials_at_root(problem)
    require_simple_root(problem, partials)
    values = np.linspace(problem.value - span, problem.value + span, int(n))
    roots = roots_on_grid(problem, values)
    return RootCurve(values, roots, partials.derivative, partials.root, problem.value)


def roots_on_grid(problem: RootProblem, values: np.ndarray) -> np.ndarray:
    """A root of F(x, a) = 0 in the bracket for every a in `values`, nan where there is none."""
    equation, unknown, parameter = problem.equation, problem.unknown, problem.parameter
    values = np.asarray(values, dtype=np.float64)

    def residual(x: np.ndarray) -> np.ndarray:
        result = equation.numpy({**problem.fixed, parameter: values, unknown: x})
        return np.broadcast_to(np.asarray(result, dtype=np.float64), values.shape)

    with np.errstate(all="ignore"):
        low, high = np.full_like(values, problem.low), np.full_like(values, problem.high)
        at_low, at_high = residual(low), residual(high)
        found = np.isfinite(at_low) & np.isfinite(at_high) & (np.sign(at_low) != np.sign(at_high))
        sign_at_low = np.sign(at_low)
        for _ in range(CURVE_ITERATIONS):
            middle = 0.5 * (low + high)
            at_middle = residual(middle)
            found &= np.isfinite(at_middle)
            same = np.sign(at_middle) == sign_at_low
            low, high = np.where(same, middle, low), np.where(same, high, middle)
        roots = 0.5 * (low + high)
        # across a jump or a pole the interval closes on the discontinuity, not on a zero
        found &= np.abs(residual(roots)) <= JUMP_RATIO * np.maximum(abs(at_low), abs(at_high))
    return np.where(found, roots, np.nan)


def _positive(number, label: str) -> float:
    try:
        number = float(number)
    except (TypeError, ValueError):
        raise ValueError(f"{label} must be a number, got {number!r}.") from None
    if not (math.isfinite(number) and number > 0):
        raise ValueError(f"{label} must be a positive finite number, got {number:g}.")
    return number
