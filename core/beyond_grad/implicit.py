"""Implicit differentiation of a root: how the solution x*(a) of F(x, a) = 0 moves with a.

The root is found numerically (SciPy's `brentq`, a bracketing method), so there is no
formula to differentiate, and differentiating *through* the iterations of the solver
gives nonsense. The implicit function theorem needs only the two partials at the root:
differentiating F(x*(a), a) = 0 in a gives ∂F/∂x · dx*/da + ∂F/∂a = 0, so

    dx*/da = −(∂F/∂a) / (∂F/∂x)    at (x*(a), a),

valid wherever ∂F/∂x ≠ 0 (a simple root). Both partials come from JAX in float64.

`root_problem` checks the arguments once; `solve`, `partials_at_root` and `jax_residual`
reuse the checked problem (core.beyond_grad.root_comparison compares the theorem's answer
with a finite difference of roots and with grad through a bisection).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from scipy import optimize

from core.beyond_grad.arguments import finite_number, other_values
from core.engines import autodiff  # noqa: F401  (importing it switches JAX to float64)
from core.language.expression import REFERENCE, ParsedExpression

# brentq stops when the bracket is narrower than XTOL + RTOL |x|: a root to ~1e-15
# relative, so a finite difference of roots can check the derivative.
XTOL = 1e-14
RTOL = 4 * np.finfo(np.float64).eps
MAX_ITERATIONS = 200
JUMP_RATIO = 1e-6  # |F(root)| above this share of |F| at the bracket's ends: not a root


class RootDerivative(NamedTuple):
    """The root x*(a) of F(x, a) = 0 and its derivative dx*/da (a tuple of two floats)."""

    root: float
    derivative: float


class RootPartials(NamedTuple):
    """The root, dx*/da, and the two partials of F at the root that the theorem uses.

    Attributes:
        root: x* with F(x*, a) = 0.
        derivative: dx*/da = −(∂F/∂a)/(∂F/∂x).
        by_unknown: ∂F/∂x at (x*, a), by JAX.
        by_parameter: ∂F/∂a at (x*, a), by JAX.
    """

    root: float
    derivative: float
    by_unknown: float
    by_parameter: float


class RootProblem(NamedTuple):
    """A validated problem F(x, a) = 0: what to solve for, at which a, in which bracket.

    Attributes:
        equation: F.
        unknown, parameter: the names of x and a.
        value: the value of a.
        low, high: the bracket, low < high.
        names: every name of F (variables, then parameters).
        fixed: the values of F's other names (neither x nor a).
    """

    equation: ParsedExpression
    unknown: str
    parameter: str
    value: float
    low: float
    high: float
    names: tuple[str, ...]
    fixed: dict[str, float]


class _Undefined(Exception):
    """F is not a finite number at a point the root finder asked for."""

    def __init__(self, x: float) -> None:
        super().__init__(x)
        self.x = x


def root_derivative(
    equation: ParsedExpression,
    unknown: str,
    parameter: str,
    value: float,
    bracket: tuple[float, float],
    params: Mapping[str, float] | None = None,
) -> RootDerivative:
    """The root of F(x, a) = 0 in a bracket, and dx*/da by the implicit function theorem.

    Args:
        equation: F, the left-hand side of F = 0 (type ``a*x^3 - x - 2``, not ``... = 0``).
        unknown: the name solved for, x: one of F's variables or parameters.
        parameter: the name differentiated against, a: one of F's variables or
            parameters (a free single letter), other than `unknown`.
        value: the value of the parameter a.
        bracket: (low, high), low < high, with F(low) and F(high) of opposite signs.
        params: values of F's other names (variables or parameters); missing ones are 1.0.

    Returns:
        (root, derivative) as a `RootDerivative`: x* with F(x*, a) = 0 and
        dx*/da = −(∂F/∂a)/(∂F/∂x) at (x*, a).

    Raises:
        ValueError: when a name is not in F, the bracket has no sign change or F is
            undefined inside it, or ∂F/∂x = 0 at the root (the theorem does not apply).

    Example:
        >>> from core import parse_expression
        >>> F = parse_expression("a*x^3 - x - 2")
        >>> root, slope = root_derivative(F, "x", "a", 2.0, (1.0, 2.0))
        >>> round(root, 8), round(slope, 8)
        (1.16537304, -0.22139916)
    """
    result = root_partials(equation, unknown, parameter, value, bracket, params)
    return RootDerivative(result.root, result.derivative)


def root_partials(
    equation: ParsedExpression,
    unknown: str,
    parameter: str,
    value: float,
    bracket: tuple[float, float],
    params: Mapping[str, float] | None = None,
) -> RootPartials:
    """Like `root_derivative`, with ∂F/∂x and ∂F/∂a at the root as well (same arguments
    and errors)."""
    return partials_at_root(root_problem(equation, unknown, parameter, value, bracket, params))


def partials_at_root(problem: RootProblem) -> RootPartials:
    """`root_partials` of a problem already checked by `root_problem`."""
    unknown, parameter = problem.unknown, problem.parameter
    root = solve(problem)
    values = {**problem.fixed, parameter: problem.value, unknown: root}
    by_x, by_parameter = _partials(problem.equation, problem.names, values, unknown, parameter)
    if by_x == 0.0 or not math.isfinite(by_x):
        raise ValueError(
            f"∂F/∂{unknown} = {by_x:g} at the root {unknown} = {root:.10g}: the implicit "
            f"function theorem needs it nonzero (a simple root), so d{unknown}/d{parameter} "
            "is not defined there. Try another bracket or parameter value."
        )
    return RootPartials(root, -by_parameter / by_x, by_x, by_parameter)


def root_problem(
    equation: ParsedExpression,
    unknown: str,
    parameter: str,
    value: float,
    bracket: tuple[float, float],
    params: Mapping[str, float] | None = None,
) -> RootProblem:
    """The arguments of `root_derivative`, checked: a `RootProblem` (same errors)."""
    if not isinstance(equation, ParsedExpression):
        raise TypeError(
            f"The equation must be a parsed expression (parse_expression), "
            f"got {type(equation).__name__}."
        )
    names = _names(equation, unknown, parameter)
    value = finite_number(value, f"The value of {parameter}")
    low, high = _bracket(bracket)
    fixed = other_values(equation, names, unknown, parameter, params, "F")
    return RootProblem(equation, unknown, parameter, value, low, high, names, fixed)


def solve(problem: RootProblem, value: float | None = None) -> float:
    """The root of F(x, a) = 0 in the problem's bracket, by brentq, at a = `value`
    (default: the problem's value).

    Raises:
        ValueError: no sign change at the bracket's ends, F undefined in the bracket,
            or a sign change without a root (a jump or a pole).
    """
    value = problem.value if value is None else float(value)
    equation, unknown = problem.equation, problem.unknown
    fixed = {**problem.fixed, problem.parameter: value}

    def residual(x: float) -> float:
        with np.errstate(all="ignore"):
            result = float(equation.numpy({**fixed, unknown: x}))
        if not math.isfinite(result):
            raise _Undefined(x)
        return result

    return _solve(equation, residual, unknown, problem.parameter, value, problem.low, problem.high)


def jax_residual(problem: RootProblem):
    """F as a JAX-traceable function of (x, a), the problem's other names fixed; built
    from `lax` primitives, so nothing is compiled per equation."""
    equation, unknown, parameter = problem.equation, problem.unknown, problem.parameter
    others = {name: problem.fixed[name] for name in problem.names if name in problem.fixed}

    def function(x, a):
        env = {name: lax.full_like(x, number) for name, number in others.items()}
        env.update({REFERENCE: x, unknown: x, parameter: a})
        return equation.jax(env)

    return function


def _names(equation: ParsedExpression, unknown: str, parameter: str) -> tuple[str, ...]:
    names = equation.variables + equation.parameters
    for role, name in (("unknown", unknown), ("parameter", parameter)):
        if name not in names:
            raise ValueError(
                f"The {role} {name!r} is not a name in F = {equation.text}; "
                f"its names are: {', '.join(names) or 'none'}."
            )
    if unknown == parameter:
        raise ValueError(f"The unknown and the parameter must differ (both are {unknown!r}).")
    if equation.symbols[unknown] not in equation.sympy.free_symbols:
        raise ValueError(
            f"F = {equation.text} does not depend on {unknown}: there is no root to find."
        )
    return names


def _bracket(bracket) -> tuple[float, float]:
    try:
        low, high = bracket
    except (TypeError, ValueError):
        raise ValueError(f"The bracket must be two numbers (low, high), got {bracket!r}.") from None
    low, high = (
        finite_number(low, "The bracket's low end"),
        finite_number(high, "The bracket's high end"),
    )
    if not low < high:
        raise ValueError(f"The bracket must have low < high, got ({low:g}, {high:g}).")
    return low, high


def _solve(equation, residual, unknown, parameter, value, low, high) -> float:
    at = f"{parameter} = {value:g}"
    try:
        f_low, f_high = residual(low), residual(high)
        if f_low == 0.0:
            return low
        if f_high == 0.0:
            return high
        if np.sign(f_low) == np.sign(f_high):
            raise ValueError(
                f"F = {equation.text} has the same sign at both ends of the bracket "
                f"[{low:g}, {high:g}] at {at} (F = {f_low:.6g} and {f_high:.6g}): choose a "
                f"bracket where F changes sign, so that it holds a root."
            )
        root, result = optimize.brentq(
            residual, low, high, xtol=XTOL, rtol=RTOL, maxiter=MAX_ITERATIONS,
            full_output=True, disp=False,
        )  # fmt: skip
        at_root = residual(root)
    except _Undefined as undefined:
        raise ValueError(
            f"F = {equation.text} is undefined at {unknown} = {undefined.x:.6g} ({at}), "
            "in the bracket: choose a bracket where F is defined."
        ) from None
    if not result.converged:
        raise ValueError(
            f"brentq did not find the root in [{low:g}, {high:g}] within {MAX_ITERATIONS} "
            f"steps ({result.flag}); narrow the bracket."
        )
    # A continuous F is ~|F'| * 1e-14 at brentq's answer; across a jump or a pole the
    # bracket shrinks onto the discontinuity and F stays as large as at the ends.
    if abs(at_root) > JUMP_RATIO * max(abs(f_low), abs(f_high)):
        raise ValueError(
            f"F = {equation.text} changes sign in [{low:g}, {high:g}] without passing through "
            f"zero: it jumps or has a pole near {unknown} = {root:.6g} ({at}). Choose a bracket "
            "where F is continuous."
        )
    return float(root)


def _partials(equation, names, values, unknown, parameter) -> tuple[float, float]:
    """(∂F/∂unknown, ∂F/∂parameter) at `values`, by one reverse sweep of JAX."""

    def function(x, a):
        env = {name: lax.full_like(x, values[name]) for name in names}
        env.update({REFERENCE: x, unknown: x, parameter: a})
        return equation.jax(env)

    point = (jnp.asarray(values[unknown], jnp.float64), jnp.asarray(values[parameter], jnp.float64))
    by_x, by_parameter = jax.grad(function, argnums=(0, 1))(*point)
    return float(by_x), float(by_parameter)
