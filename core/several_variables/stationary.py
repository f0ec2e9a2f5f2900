"""Stationary points of f(x, y) in a box: Newton's method on ∇f = 0 from a grid of starts.

Newton's method on the gradient, p ← p − H(p)⁻¹ ∇f(p) (a solve of H s = ∇f, never an
inverse), runs from a grid of starts over a box, all starts at once. It converges
quadratically to any stationary point with an invertible Hessian, whatever its kind, so
it finds maxima and saddles as well as minima; a start that meets a singular Hessian,
leaves the box or does not settle is counted as lost, which is not an error. Each point
found is classified by the second-derivative test (core.several_variables.second_derivative_test).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.extend.core import jaxpr_as_fun

from core.language.expression import ParsedExpression, parse_expression
from core.several_variables.arguments import value_range, whole_number
from core.several_variables.point_function import as_jax_function, require_function
from core.several_variables.second_derivative_test import (
    KINDS,
    ZERO_TOLERANCE,
    eigenvalues_and_kind,
    hessian_report,
)

EXAMPLES = {
    "paraboloid x² + y²": "x^2 + y^2",
    "Rosenbrock": "(1 - x)^2 + 100(y - x^2)^2",
    "saddle x² − y²": "x^2 - y^2",
    "Himmelblau": "(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
    "degenerate x⁴ + y⁴": "x^4 + y^4",
    "monkey saddle x³ − 3xy²": "x^3 - 3x*y^2",
}
MAX_STARTS = 15  # starts per side: at most 225 Newton runs at once
MAX_ITERATIONS = 100
GRADIENT_TOLERANCE = 1e-9  # converged: |∇f| <= this * the typical |∇f| over the starts
STEP_TOLERANCE = 1e-9  # ... and the Newton step <= this * the box's diagonal
MERGE_TOLERANCE = 1e-5  # points closer than this * the diagonal are one point
MARGIN = 0.1  # points are kept within the box enlarged by this fraction of each side
LEASH = 1.0  # an iterate more than this many box widths outside the box is lost
_SINGULAR = 1e-13  # |det H| below this * (|h11 h22| + |h12 h21|): numerically singular


class StationaryPoint(NamedTuple):
    """A point where ∇f = 0, found by Newton's method; `starts` of the grid ended here."""

    point: np.ndarray
    value: float
    gradient_norm: float
    eigenvalues: np.ndarray
    kind: str
    starts: int


class StationarySearch(NamedTuple):
    """The stationary points found in a box, sorted by kind (as KINDS) and then value.

    Attributes:
        points: the distinct points found.
        starts: how many starts were tried (starts per side squared).
        diverged: starts that left the box, met a singular or undefined Hessian, or
            did not converge within the iterations.
        iterations: Newton iterations run (all starts step together).
    """

    points: list[StationaryPoint]
    starts: int
    diverged: int
    iterations: int


def stationary_points(
    parsed: ParsedExpression,
    x_range: Sequence[float],
    y_range: Sequence[float],
    params: Mapping[str, float] | None = None,
    starts: int = 7,
    max_iter: int = 40,
) -> StationarySearch:
    """Stationary points of f(x, y) in a box, by Newton's method on ∇f from a grid of starts.

    All starts step together: one batched evaluation of f, ∇f and H per iteration, a
    batched solve of H s = ∇f, and the search stops once every start has converged or
    is lost. A start converges when |∇f| and the Newton step are both tiny (relative to
    the typical gradient over the starts and to the box); points within the box
    enlarged by MARGIN are kept, and those closer than MERGE_TOLERANCE of the box's
    diagonal are one point.

    Args:
        parsed: an expression of two variables.
        x_range, y_range: the box, (low, high) each.
        params: values of the parameters; missing ones are 1.0.
        starts: starts per side of the grid (2 to MAX_STARTS): starts² runs.
        max_iter: the most Newton iterations (1 to MAX_ITERATIONS).

    Returns:
        The points found, sorted by kind and value, and how many starts were lost.

    Raises:
        ValueError: for a function that is not of two variables, a bad box, starts or
            max_iter, or a bad parameter.

    Example:
        >>> from core import parse_expression
        >>> search = stationary_points(parse_expression("x^2 - y^2", ("x", "y")), (-1, 1), (-1, 1))
        >>> [(p.kind, p.point.tolist()) for p in search.points]
        [('saddle', [0.0, 0.0])]
    """
    require_function(parsed, "stationary_points", ParsedExpression)
    if len(parsed.variables) != 2:
        names = ", ".join(parsed.variables)
        raise ValueError(
            f"The search for stationary points needs a function of two variables; f is a "
            f"function of {len(parsed.variables)} ({names})."
        )
    box = np.array([value_range(x_range, "x_range"), value_range(y_range, "y_range")])
    starts = whole_number(starts, "starts", 2, MAX_STARTS)
    max_iter = whole_number(max_iter, "max_iter", 1, MAX_ITERATIONS)
    xs, ys = np.linspace(*box[0], starts), np.linspace(*box[1], starts)
    grid = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
    derivatives = _batched_derivatives(parsed, params, grid)
    with np.errstate(all="ignore"):  # huge or undefined values only lose their starts
        run = _newton(derivatives, grid, box, max_iter)
        points = _distinct_points(run, box)
    found = sum(p.starts for p in points)
    return StationarySearch(points, len(grid), len(grid) - found, run.iterations)


def warm_up(starts: int = 7) -> None:
    """Search EXAMPLES once (and one expression of sin, cos, exp and log) with starts² starts.

    JAX compiles each primitive for each shape (and exponent) the first time it runs
    eagerly: 0.2-0.4 s for a student's first search. A server that calls this at
    start-up (about 2 s) spares the page's examples that cost.
    """
    for text in (*EXAMPLES.values(), "sin(x)*cos(y) + exp(-x^2) - log(1 + y^2)"):
        parsed = parse_expression(text, ("x", "y"))
        stationary_points(parsed, (-2.0, 2.0), (-2.0, 2.0), starts=starts, max_iter=2)
        hessian_report(parsed, [0.5, 0.5])


# -- Newton's method, all starts at once -------------------------------------------------


class _Run(NamedTuple):
    points: np.ndarray  # (n, 2) where each start ended
    converged: np.ndarray  # (n,) bool
    values: np.ndarray  # f, |∇f| and H where each start ended
    gradient_norms: np.ndarray
    hessians: np.ndarray  # (n, 2, 2)
    iterations: int


def _batched_derivatives(
    parsed: ParsedExpression, params: Mapping[str, float] | None, grid: np.ndarray
) -> Callable:
    """(f, ∇f, H) at n points at once, traced once and then evaluated without compiling.

    ∇f by reverse mode, H by forward mode over it, both under one `jax.vmap`. Running
    the transformed function directly re-traces the vmap, jacfwd and grad each call
    (14 ms an iteration for Himmelblau here); its jaxpr, traced once (about 10 ms),
    evaluates the same primitives eagerly in about 2 ms an iteration, with nothing
    compiled per expression.
    """
    f = as_jax_function(parsed, params)
    value_and_gradient = jax.value_and_grad(f)

    def gradient_with_aux(p):
        value, grad = value_and_gradient(p)
        return grad, (value, grad)

    def derivatives(p):
        matrix, (value, grad) = jax.jacfwd(gradient_with_aux, has_aux=True)(p)
        return value, grad, matrix

    traced = jax.make_jaxpr(jax.vmap(derivatives))(jnp.asarray(grid))
    evaluate = jaxpr_as_fun(traced)
    return lambda points: [np.asarray(a, dtype=np.float64) for a in evaluate(points)]


def _newton(derivatives: Callable, grid: np.ndarray, box: np.ndarray, max_iter: int) -> _Run:
    n = len(grid)
    points = grid.copy()
    active, converged = np.ones(n, dtype=bool), np.zeros(n, dtype=bool)
    values, norms, hessians = np.full(n, np.nan), np.full(n, np.nan), np.full((n, 2, 2), np.nan)
    width = box[:, 1] - box[:, 0]
    leash_low, leash_high = box[:, 0] - LEASH * width, box[:, 1] + LEASH * width
    step_tolerance = STEP_TOLERANCE * float(np.hypot(*width))
    gradient_tolerance = None
    iterations = 0
    while iterations < max_iter and active.any():
        iterations += 1
        value, grad, matrix = derivatives(jnp.asarray(points))
        norm = np.linalg.norm(grad, axis=1)
        if gradient_tolerance is None:  # the scale of f's slopes in the box
            gradient_tolerance = GRADIENT_TOLERANCE * _typical(norm)
        values[active], norms[active], hessians[active] = (
            value[active],
            norm[active],
            matrix[active],
        )
        defined = np.isfinite(value) & np.isfinite(norm) & np.isfinite(matrix).all(axis=(1, 2))
        flat = norm <= gradient_tolerance
        solvable = defined & ~_singular(matrix)
        step = _solve(matrix, grad, active & solvable)
        small = np.linalg.norm(step, axis=1) <= step_tolerance
        # Converged: a flat point whose Newton step is tiny, or a flat point with a
        # singular Hessian (a degenerate point met exactly, as x⁴ + y⁴ at a start 0).
        done = active & defined & flat & (small | ~solvable)
        converged |= done
        active &= ~done & solvable
        points[active] -= step[active]
        inside = np.isfinite(points).all(axis=1)
        inside &= ((points >= leash_low) & (points <= leash_high)).all(axis=1)
        active &= inside
    return _Run(points, converged, values, norms, hessians, iterations)


def _singular(matrices: np.ndarray) -> np.ndarray:
    a, b, c, d = matrices[:, 0, 0], matrices[:, 0, 1], matrices[:, 1, 0], matrices[:, 1, 1]
    with np.errstate(invalid="ignore", over="ignore"):
        det = a * d - b * c
        size = np.abs(a * d) + np.abs(b * c)
        return ~np.isfinite(det) | (np.abs(det) <= _SINGULAR * size)


def _solve(matrices: np.ndarray, vectors: np.ndarray, which: np.ndarray) -> np.ndarray:
    """The Newton steps H⁻¹∇f where `which`, by a batched LU solve; zero elsewhere."""
    steps = np.zeros_like(vectors)
    if which.any():
        steps[which] = np.linalg.solve(matrices[which], vectors[which][..., None])[..., 0]
    return steps


def _typical(values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    return float(np.median(finite)) if finite.size else 0.0


def _distinct_points(run: _Run, box: np.ndarray) -> list[StationaryPoint]:
    width = box[:, 1] - box[:, 0]
    low, high = box[:, 0] - MARGIN * width, box[:, 1] + MARGIN * width
    kept = run.converged & ((run.points >= low) & (run.points <= high)).all(axis=1)
    merge_distance = MERGE_TOLERANCE * float(np.hypot(*width))
    groups: list[list[int]] = []
    for index in sorted(np.flatnonzero(kept), key=lambda i: run.gradient_norms[i]):
        for group in groups:
            if np.linalg.norm(run.points[index] - run.points[group[0]]) <= merge_distance:
                group.append(index)
                break
        else:
            groups.append([int(index)])
    points = []
    for group in groups:
        best = group[0]  # the flattest of the starts that ended here
        # judged as hessian_report judges a point
        eigenvalues, kind = eigenvalues_and_kind(run.hessians[best], ZERO_TOLERANCE)
        points.append(
            StationaryPoint(
                run.points[best].copy(), float(run.values[best]),
                float(run.gradient_norms[best]), eigenvalues, kind, len(group),
            )
        )  # fmt: skip
    points.sort(key=lambda p: (KINDS.index(p.kind), p.value, *p.point))
    return points
