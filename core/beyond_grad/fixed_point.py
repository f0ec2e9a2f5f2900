"""A fixed point z* = f(a, z*) and how it moves with a, by the implicit function theorem.

The fixed point is found by Anderson acceleration of the plain iteration z ← f(a, z),
with Newton's method on z − f(a, z) as the fallback. Differentiating z*(a) = f(a, z*(a))
in a gives dz*/da = ∂f/∂a + ∂f/∂z · dz*/da, so

    dz*/da = (∂f/∂a) / (1 − ∂f/∂z)    at (a, z*),

valid wherever ∂f/∂z ≠ 1 (a simple fixed point). Both partials come from JAX in float64;
nothing is differentiated through the solver's iterations.

In one unknown, Anderson acceleration with memory m replaces the step to f(z_k) by the
combination of the last m + 1 iterates whose residual g = f(z) − z extrapolates to 0; with
m = 1 that is the secant method on g. It therefore also finds fixed points that the plain
iteration runs away from (|∂f/∂z| > 1 there): z = 2z + 1 is solved in two steps.
Anderson's answer is then checked by Newton's method, whose step measures the error in z
itself (`locate`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from core.beyond_grad.arguments import finite_number, other_values
from core.beyond_grad.fixed_point_methods import Run, anderson_run, newton_run
from core.engines import autodiff  # noqa: F401  (importing it switches JAX to float64)
from core.language.expression import REFERENCE, ParsedExpression

FLAT = 1e-6  # ∂f/∂z this close to 1 at the closest iterate: |f − z| is at a smallest value
SIMPLE_RATIO = 16.0  # (1 − ∂f/∂z)² ≤ this · |∂²f/∂z²| · |f − z|: not simple (_require_simple)


class FixedPoint(NamedTuple):
    """The fixed point z* = f(a, z*) and its derivative dz*/da (a tuple of two floats)."""

    point: float
    derivative: float


class FixedPointProblem(NamedTuple):
    """A validated problem z = f(a, z): what to solve for, at which a, from where.

    Attributes:
        equation: f.
        unknown, parameter: the names of z and a.
        value: the value of a.
        start: the first iterate z₀.
        names: every name of f (variables, then parameters).
        fixed: the values of f's other names (neither z nor a).
    """

    equation: ParsedExpression
    unknown: str
    parameter: str
    value: float
    start: float
    names: tuple[str, ...]
    fixed: dict[str, float]


class FixedPointSolution(NamedTuple):
    """z*, dz*/da, the partials the theorem uses, and how z* was found.

    Attributes:
        point: z* with z* = f(a, z*).
        derivative: dz*/da = (∂f/∂a)/(1 − ∂f/∂z).
        by_unknown: ∂f/∂z at (a, z*), by JAX.
        by_parameter: ∂f/∂a at (a, z*), by JAX.
        method: "anderson" or "newton" (Newton only when Anderson did not converge).
        anderson: Anderson's run from the start.
        newton: Newton's run: from the start when Anderson failed, else its polish of
            Anderson's answer (usually one step).
    """

    point: float
    derivative: float
    by_unknown: float
    by_parameter: float
    method: str
    anderson: Run
    newton: Run


def fixed_point(
    equation: ParsedExpression,
    unknown: str,
    parameter: str,
    value: float,
    start: float,
    params: Mapping[str, float] | None = None,
) -> FixedPoint:
    """The fixed point z* = f(a, z*) reached from `start`, and dz*/da by the implicit
    function theorem.

    Args:
        equation: f, the right-hand side of z = f(a, z) (type ``a*cos(z)``, not ``z = ...``).
        unknown: the name solved for, z: one of f's variables or parameters.
        parameter: the name differentiated against, a: one of f's variables or parameters,
            other than `unknown`.
        value: the value of a.
        start: the first iterate z₀.
        params: values of f's other names (variables or parameters); missing ones are 1.0.

    Returns:
        (point, derivative) as a `FixedPoint`: z* = f(a, z*) and
        dz*/da = (∂f/∂a)/(1 − ∂f/∂z) at (a, z*).

    Raises:
        ValueError: a name not in f, the same name twice, a number that is not finite;
            neither Anderson acceleration nor Newton's method reached a fixed point (the
            sentence says how each stopped and, where it can tell, why); or
            1 − ∂f/∂z = 0 at z* (the theorem does not apply).

    Example:
        >>> from core import parse_expression
        >>> point, slope = fixed_point(parse_expression("a*cos(z)", ("z",)), "z", "a", 1.0, 0.0)
        >>> round(point, 10), round(slope, 10)
        (0.7390851332, 0.4416107917)
    """
    solution = solve_fixed_point(equation, unknown, parameter, value, start, params)
    return FixedPoint(solution.point, solution.derivative)


def solve_fixed_point(
    equation: ParsedExpression,
    unknown: str,
    parameter: str,
    value: float,
    start: float,
    params: Mapping[str, float] | None = None,
) -> FixedPointSolution:
    """Like `fixed_point`, with the partials and both runs (same arguments and errors)."""
    return solve_problem(fixed_point_problem(equation, unknown, parameter, value, start, params))


def solve_problem(problem: FixedPointProblem) -> FixedPointSolution:
    """`solve_fixed_point` of a problem already checked (`fixed_point_problem`)."""
    parameter, unknown = problem.parameter, problem.unknown
    point, method, anderson, newton = locate(problem)
    by_z, by_a, second = _partials(problem, point)
    _require_simple(problem, point, by_z, second)
    if not math.isfinite(by_a):
        raise ValueError(
            f"∂f/∂{parameter} is not finite at the fixed point {unknown} = {point:.10g} "
            f"({parameter} = {problem.value:g}), so d{unknown}/d{parameter} is not defined there."
        )
    return FixedPointSolution(point, by_a / (1.0 - by_z), by_z, by_a, method, anderson, newton)


def fixed_point_problem(
    equation: ParsedExpression,
    unknown: str,
    parameter: str,
    value: float,
    start: float,
    params: Mapping[str, float] | None = None,
) -> FixedPointProblem:
    """The arguments of `fixed_point`, checked: a `FixedPointProblem` (same errors)."""
    if not isinstance(equation, ParsedExpression):
        raise TypeError(
            f"The equation must be a parsed expression (parse_expression), "
            f"got {type(equation).__name__}."
        )
    names = equation.variables + equation.parameters
    for name in (unknown, parameter):
        if name not in names:
            raise ValueError(
                f"{name!r} does not appear in f = {equation.text}; its names are: "
                f"{', '.join(names) or 'none'}."
            )
    if unknown == parameter:
        raise ValueError(f"The unknown and the parameter must differ (both are {unknown!r}).")
    value = finite_number(value, f"The value of {parameter}")
    start = finite_number(start, f"The start {unknown}₀")
    fixed = other_values(equation, names, unknown, parameter, params, "f")
    return FixedPointProblem(equation, unknown, parameter, value, start, names, fixed)


def map_function(problem: FixedPointProblem, value: float | None = None) -> Callable:
    """z ↦ f(a, z) as a float function (NumPy), at a = `value` (default: the problem's);
    nan where f is undefined, without a warning."""
    values = {**problem.fixed, problem.parameter: problem.value if value is None else value}
    equation, unknown = problem.equation, problem.unknown

    def function(z: float) -> float:
        with np.errstate(all="ignore"):
            return float(equation.numpy({**values, unknown: z}))

    return function


def jax_map(problem: FixedPointProblem) -> Callable:
    """f as a JAX-traceable function of (z, a), the problem's other names fixed; built
    from `lax` primitives, so nothing is compiled per equation."""
    equation, unknown, parameter, fixed = (
        problem.equation, problem.unknown, problem.parameter, problem.fixed,
    )  # fmt: skip

    def function(z, a):
        env = {name: lax.full_like(z, number) for name, number in fixed.items()}
        env.update({REFERENCE: z, unknown: z, parameter: a})
        return equation.jax(env)

    return function


def slope_function(problem: FixedPointProblem, value: float | None = None) -> Callable:
    """z ↦ ∂f/∂z at (a, z) as a float function (`jax.grad`, eager: nothing is compiled),
    at a = `value` (default: the problem's)."""
    by_z = jax.grad(jax_map(problem))
    at_value = jnp.asarray(problem.value if value is None else value, jnp.float64)

    def slope(z: float) -> float:
        return float(by_z(jnp.asarray(z, jnp.float64), at_value))

    return slope


def locate(
    problem: FixedPointProblem, value: float | None = None, start: float | None = None
) -> tuple[float, str, Run, Run]:
    """z* at a = `value` from `start` (defaults: the problem's): (z*, method, Anderson's
    run, Newton's run).

    Anderson first, then Newton from Anderson's answer: Anderson's test |f(z) − z| small
    leaves z off by about |f(z) − z|/|1 − ∂f/∂z|, large where ∂f/∂z is near 1, and can
    accept a point far out where f(z) − z merely flattens; Newton's step size measures
    the error in z itself (usually one step). When either fails, Newton from the start.

    Raises:
        ValueError: no fixed point found; the sentence says how each method stopped.
    """
    value = problem.value if value is None else float(value)
    start = problem.start if start is None else float(start)
    name, function = problem.unknown, map_function(problem, value)
    slope = slope_function(problem, value)
    anderson = anderson_run(function, start, name=name)
    if anderson.converged:
        polish = newton_run(function, slope, float(anderson.points[-1]), name)
        if polish.converged:
            return float(polish.points[-1]), "anderson", anderson, polish
        anderson = anderson._replace(
            converged=False,
            reason=(
                f"came to {name} = {anderson.points[-1]:.6g} where |f({name}) − {name}| = "
                f"{abs(anderson.residuals[-1]):.3g} is small, yet Newton's method from there "
                f"{polish.reason}"
            ),
        )
    newton = newton_run(function, slope, start, name)
    if newton.converged:
        return float(newton.points[-1]), "newton", anderson, newton
    raise ValueError(_failure(problem, value, start, anderson, newton))


def _partials(problem: FixedPointProblem, point: float) -> tuple[float, float, float]:
    """(∂f/∂z, ∂f/∂a, ∂²f/∂z²) at (a, z*), by JAX."""
    function = jax_map(problem)
    z, a = jnp.asarray(point, jnp.float64), jnp.asarray(problem.value, jnp.float64)
    with np.errstate(all="ignore"):
        by_z, by_a = jax.grad(function, argnums=(0, 1))(z, a)
        second = jax.grad(jax.grad(function))(z, a)
    return float(by_z), float(by_a), float(second)


def _require_simple(problem: FixedPointProblem, point: float, by_z: float, second: float) -> None:
    """Raise when 1 − ∂f/∂z is 0 at z*, or 0 within what z*'s own error can change it by.

    Near a double fixed point g = f − z ≈ g''δ²/2 and g' ≈ g''δ at a distance δ, so
    g'² ≈ 2|g''||g|; at a simple one g'² ≫ |g''||g|. The residual |g| is at least the
    rounding of f and z, so a double fixed point found to rounding is caught too.
    """
    unknown, parameter = problem.unknown, problem.parameter
    slope = 1.0 - by_z
    if not math.isfinite(slope):
        raise ValueError(
            f"∂f/∂{unknown} is not finite at the fixed point {unknown} = {point:.10g} "
            f"({parameter} = {problem.value:g}), so d{unknown}/d{parameter} is not defined there."
        )
    image = map_function(problem)(point)
    noise = 8 * np.finfo(np.float64).eps * max(1.0, abs(point), abs(image))
    residual = max(abs(image - point), noise)
    near_zero = math.isfinite(second) and slope**2 <= SIMPLE_RATIO * abs(second) * residual
    if slope == 0.0 or near_zero:
        raise ValueError(
            f"1 − ∂f/∂{unknown} = {slope:.3g} at the fixed point {unknown} = {point:.10g} "
            f"({parameter} = {problem.value:g}) is zero within rounding: the fixed point is "
            f"not simple, so the implicit function theorem does not give d{unknown}/d{parameter} "
            f"there. Try another value of {parameter}."
        )


def _failure(
    problem: FixedPointProblem, value: float, start: float, anderson: Run, newton: Run
) -> str:
    """The sentence for no fixed point: how each method stopped and, where it can tell, why."""
    name, parameter = problem.unknown, problem.parameter
    sentence = (
        f"No fixed point {name} = f({name}) of f = {problem.equation.text} was found from "
        f"{name} = {start:g} at {parameter} = {value:g}: Anderson acceleration "
        f"{anderson.reason}, and Newton's method on {name} − f({name}) {newton.reason}."
    )
    residuals = np.concatenate([anderson.residuals, newton.residuals])
    if residuals.size and (np.all(residuals > 0) or np.all(residuals < 0)):
        sign = "positive" if residuals[0] > 0 else "negative"
        sentence += (
            f" f({name}) − {name} was {sign} at every iterate and never below "
            f"{np.min(np.abs(residuals)):.3g} in size: there may be no fixed point in reach."
        )
    points = [run.points[: run.residuals.size] for run in (anderson, newton)]
    if residuals.size:
        closest = float(np.concatenate(points)[np.argmin(np.abs(residuals))])
        by_z = slope_function(problem, value)(closest)
        if not math.isfinite(by_z):
            pass
        elif abs(1 - by_z) <= FLAT * max(1.0, abs(by_z)):
            sentence += (
                f" ∂f/∂{name} = {by_z:.6g} at the closest iterate {name} = {closest:.6g}: "
                f"f({name}) − {name} is flat there, a smallest |f({name}) − {name}| rather than a "
                "zero."
            )
        elif abs(by_z) >= 1:
            sentence += (
                f" |∂f/∂{name}| = {abs(by_z):.3g} ≥ 1 at the closest iterate {name} = "
                f"{closest:.6g}: the plain iteration does not contract there, so it moves away "
                "from a fixed point near it."
            )
    return sentence + f" Try another start or another value of {parameter}."
