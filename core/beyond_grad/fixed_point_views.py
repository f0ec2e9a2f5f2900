"""What a page shows next to `core.fixed_point`: the iterates, and dz*/da two more ways.

The plain iteration z ← f(a, z) and Anderson acceleration are shown by their iterates.
Besides the implicit function theorem, dz*/da can be had by differentiating *through* K
iterations of the plain iteration (`jax.grad` of z_K(a)): the derivatives
d_{k+1} = ∂f/∂a + ∂f/∂z · d_k tend to (∂f/∂a)/(1 − ∂f/∂z) like |∂f/∂z|^K, so only where
the plain iteration contracts, and each K costs K evaluations of f and their adjoints.
A central difference (z*(a + h) − z*(a − h)) / 2h of solved fixed points agrees with the
theorem to about |z*'''| h² + 10⁻¹⁶/h, smallest near h = ∛ε · max(1, |a|).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from core.beyond_grad.fixed_point import (
    FixedPointProblem,
    fixed_point_problem,
    jax_map,
    locate,
    map_function,
    solve_problem,
)
from core.beyond_grad.fixed_point_methods import GROWTH_LIMIT, MEMORY, anderson_run
from core.language.expression import ParsedExpression

FD_STEP = float(np.cbrt(np.finfo(np.float64).eps))  # h = ∛ε · max(1, |a|)
MAX_STEPS = 500  # iterates of the plain iteration, and unrolled iterations, at most
STEPS = 40


class FixedPointReport(NamedTuple):
    """z*(a) and dz*/da three ways, with the iterates that lead to z*.

    Attributes:
        point: z*, by Anderson acceleration (or Newton's method where Anderson fails).
        derivative: dz*/da = (∂f/∂a)/(1 − ∂f/∂z), the implicit function theorem.
        by_unknown, by_parameter: ∂f/∂z and ∂f/∂a at (a, z*), by JAX.
        method: "anderson" or "newton".
        plain: the plain iteration's iterates z₀ ... (at most `steps` + 1, finite).
        anderson: Anderson's iterates z₀ ... (at most MAX_ANDERSON_ITERATIONS + 1).
        unrolled: dz_k/da for k = 0 ... `steps`, by `jax.jacfwd` through the plain
            iteration (d₀ = 0: z₀ does not depend on a).
        finite_difference: (z*(a + h) − z*(a − h)) / 2h.
        fd_step: h.
    """

    point: float
    derivative: float
    by_unknown: float
    by_parameter: float
    method: str
    plain: np.ndarray
    anderson: np.ndarray
    unrolled: np.ndarray
    finite_difference: float
    fd_step: float


def fixed_point_report(
    equation: ParsedExpression,
    unknown: str,
    parameter: str,
    value: float,
    start: float,
    params: Mapping[str, float] | None = None,
    steps: int = STEPS,
) -> FixedPointReport:
    """Everything a page shows for z = f(a, z): the arguments of `core.fixed_point`, and
    `steps` (1 to MAX_STEPS) for the plain iteration and the unrolled derivatives.

    Raises:
        ValueError: as `core.fixed_point`, or a bad `steps`.
    """
    steps = _steps(steps)
    problem = fixed_point_problem(equation, unknown, parameter, value, start, params)
    solution = solve_problem(problem)
    difference, step = _finite_difference(problem, solution.point)
    return FixedPointReport(
        solution.point, solution.derivative, solution.by_unknown, solution.by_parameter,
        solution.method, _plain(problem, steps), solution.anderson.points,
        _unrolled(problem, steps), difference, step,
    )  # fmt: skip


def plain_iterates(
    equation: ParsedExpression,
    unknown: str,
    parameter: str,
    value: float,
    start: float,
    params: Mapping[str, float] | None = None,
    steps: int = STEPS,
) -> np.ndarray:
    """z₀ = start, z_{k+1} = f(a, z_k) for k < `steps` (1 to MAX_STEPS): finite floats,
    fewer when f is undefined at the last one or the next would pass GROWTH_LIMIT."""
    problem = fixed_point_problem(equation, unknown, parameter, value, start, params)
    return _plain(problem, _steps(steps))


def anderson_iterates(
    equation: ParsedExpression,
    unknown: str,
    parameter: str,
    value: float,
    start: float,
    params: Mapping[str, float] | None = None,
    memory: int = MEMORY,
) -> np.ndarray:
    """The iterates of Anderson acceleration with memory m (1 to 5) from `start`, as
    `core.fixed_point` runs it: at most MAX_ANDERSON_ITERATIONS + 1 finite numbers."""
    problem = fixed_point_problem(equation, unknown, parameter, value, start, params)
    return anderson_run(map_function(problem), problem.start, memory, problem.unknown).points


def unrolled_derivative(
    equation: ParsedExpression,
    unknown: str,
    parameter: str,
    value: float,
    start: float,
    params: Mapping[str, float] | None = None,
    iterations: int = STEPS,
) -> float:
    """dz_K/da by `jax.grad` through K = `iterations` (1 to MAX_STEPS) plain iterations
    z ← f(a, z) from `start` (a `lax.fori_loop`, compiled once per call, ~0.1 s).

    Tends to dz*/da as K grows where the plain iteration converges; nan where an iterate
    leaves f's domain, inf or huge where the iteration runs away.
    """
    problem = fixed_point_problem(equation, unknown, parameter, value, start, params)
    function, iterations = jax_map(problem), _steps(iterations, "The number of iterations")

    def last_iterate(a):
        first = lax.full_like(a, problem.start)
        return lax.fori_loop(0, iterations, lambda _, z: function(z, a), first)

    return float(jax.grad(last_iterate)(jnp.asarray(problem.value, jnp.float64)))


def unrolled_derivatives(
    equation: ParsedExpression,
    unknown: str,
    parameter: str,
    value: float,
    start: float,
    params: Mapping[str, float] | None = None,
    iterations: int = STEPS,
) -> np.ndarray:
    """dz_k/da for every k = 0 ... K (K = `iterations`, 1 to MAX_STEPS) in one pass:
    `jax.jacfwd` of the stacked iterates of a `lax.scan`. Entry K equals
    `unrolled_derivative`'s; nan or huge as there."""
    problem = fixed_point_problem(equation, unknown, parameter, value, start, params)
    return _unrolled(problem, _steps(iterations, "The number of iterations"))


def finite_difference(
    equation: ParsedExpression,
    unknown: str,
    parameter: str,
    value: float,
    start: float,
    params: Mapping[str, float] | None = None,
) -> tuple[float, float]:
    """(z*(a + h) − z*(a − h)) / 2h with h = ∛ε · max(1, |a|), and h; both fixed points
    are solved from z*(a) (found from `start`) so that they lie on its branch.

    Raises:
        ValueError: as `core.fixed_point`, at a, a + h or a − h.
    """
    problem = fixed_point_problem(equation, unknown, parameter, value, start, params)
    return _finite_difference(problem, locate(problem)[0])


def _finite_difference(problem: FixedPointProblem, point: float) -> tuple[float, float]:
    step = FD_STEP * max(1.0, abs(problem.value))
    plus = locate(problem, problem.value + step, point)[0]
    minus = locate(problem, problem.value - step, point)[0]
    return (plus - minus) / (2 * step), step


def _plain(problem: FixedPointProblem, steps: int) -> np.ndarray:
    function, points = map_function(problem), [problem.start]
    for _ in range(steps):
        image = function(points[-1])
        if not (math.isfinite(image) and abs(image) <= GROWTH_LIMIT):
            break
        points.append(image)
    return np.array(points, np.float64)


def _unrolled(problem: FixedPointProblem, iterations: int) -> np.ndarray:
    function = jax_map(problem)

    def iterates(a):
        def step(z, _):
            image = function(z, a)
            return image, image

        first = lax.full_like(a, problem.start)
        _, later = lax.scan(step, first, length=iterations)
        return jnp.concatenate([first[None], later])

    return np.asarray(jax.jacfwd(iterates)(jnp.asarray(problem.value, jnp.float64)), np.float64)


def _steps(steps, label: str = "The number of steps") -> int:
    if (
        isinstance(steps, bool)
        or not isinstance(steps, int | np.integer)
        or not 1 <= steps <= MAX_STEPS
    ):
        raise ValueError(f"{label} must be a whole number from 1 to {MAX_STEPS}, got {steps!r}.")
    return int(steps)
