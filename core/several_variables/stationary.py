"""Hessians and stationary points: what the eigenvalues of ∇²f say, and Newton on ∇f = 0.

Near a point p, f(p + h) = f(p) + ∇f(p)·h + ½ hᵀ H h + O(|h|³), with H = ∇²f(p)
symmetric and eigenvalues λ_1 ≤ ... ≤ λ_d. Where ∇f(p) = 0 the quadratic term decides:
all λ > 0, a minimum; all λ < 0, a maximum; both signs, a saddle (f rises along one
eigenvector and falls along another); some λ = 0 and the rest of one sign, degenerate:
the second derivatives cannot decide (x⁴ + y⁴ and the monkey saddle x³ − 3xy² both
have H = 0 at the origin).

Stationary points are found by Newton's method on the gradient,
p ← p − H(p)⁻¹ ∇f(p) (a solve of H s = ∇f, never an inverse), from a grid of starts
over a box, all starts at once. It converges quadratically to any stationary point
with an invertible Hessian, whatever its kind, so it finds maxima and saddles as well
as minima; a start that meets a singular Hessian, leaves the box or does not settle
is counted as lost, which is not an error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.extend.core import jaxpr_as_fun
from numpy.typing import ArrayLike

from core.language.expression import ParsedExpression, parse_expression
from core.several_variables.derivatives import hessian
from core.several_variables.point_function import as_jax_function, require_function

KINDS = ("minimum", "maximum", "saddle", "degenerate")
EXAMPLES = {
    "paraboloid x² + y²": "x^2 + y^2",
    "Rosenbrock": "(1 - x)^2 + 100(y - x^2)^2",
    "saddle x² − y²": "x^2 - y^2",
    "Himmelblau": "(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
    "degenerate x⁴ + y⁴": "x^4 + y^4",
    "monkey saddle x³ − 3xy²": "x^3 - 3x*y^2",
}
ZERO_TOLERANCE = 1e-6  # |λ| <= this * max(1, max |λ|) counts as a zero eigenvalue
MAX_STARTS = 15  # starts per side: at most 225 Newton runs at once
MAX_ITERATIONS = 100
GRADIENT_TOLERANCE = 1e-9  # converged: |∇f| <= this * the typical |∇f| over the starts
STEP_TOLERANCE = 1e-9  # ... and the Newton step <= this * the box's diagonal
MERGE_TOLERANCE = 1e-5  # points closer than this * the diagonal are one point
MARGIN = 0.1  # points are kept within the box enlarged by this fraction of each side
LEASH = 1.0  # an iterate more than this many box widths outside the box is lost
_SINGULAR = 1e-13  # |det H| below this * (|h11 h22| + |h12 h21|): numerically singular


class HessianReport(NamedTuple):
    """The Hessian at a point and what its eigenvalues say.

    Attributes:
        hessian: H_ij = ∂²f/∂x_i∂x_j by AD, shape (d, d).
        eigenvalues: of (H + Hᵀ)/2, ascending.
        kind: one of KINDS.
        sentence: what the eigenvalues say, for a student.
    """

    hessian: np.ndarray
    eigenvalues: np.ndarray
    kind: str
    sentence: str


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


def hessian_report(
    parsed: ParsedExpression,
    point: ArrayLike,
    params: Mapping[str, float] | None = None,
    tolerance: float = ZERO_TOLERANCE,
) -> HessianReport:
    """The Hessian of f at a point, its eigenvalues, and what they say.

    Args:
        parsed: an expression of the variables (x_1, ..., x_d).
        point: p, d numbers ordered as `parsed.variables`.
        params: values of the parameters; missing ones are 1.0.
        tolerance: an eigenvalue with |λ| <= tolerance * max(1, max |λ|) counts as zero.

    Returns:
        The report; its kind says what the point would be if ∇f(p) = 0.

    Raises:
        ValueError: for a vector function, a point of the wrong length, a bad
            parameter, or a point where f or its second derivatives are not defined.

    Example:
        >>> from core import parse_expression
        >>> report = hessian_report(parse_expression("x^2 - y^2", ("x", "y")), [0, 0])
        >>> report.kind, report.eigenvalues.tolist()
        ('saddle', [-2.0, 2.0])
    """
    matrix = hessian(parsed, point, params)  # validates f, the point and the parameters
    p = np.asarray(point, dtype=np.float64).reshape(-1)
    value = float(as_jax_function(parsed, params)(jnp.asarray(p)))
    where = "(" + ", ".join(_number(x) for x in p) + ")"
    if not np.isfinite(value):
        raise ValueError(f"f is not defined at {where}: choose a point inside its domain.")
    if not np.isfinite(matrix).all():
        raise ValueError(
            f"The second derivatives of f are not defined at {where}: "
            "choose a point where f is smooth."
        )
    eigenvalues = np.linalg.eigvalsh(0.5 * (matrix + matrix.T))
    zero = _zero_level(eigenvalues, tolerance)
    kind = classify(eigenvalues, zero)
    return HessianReport(matrix, eigenvalues, kind, _sentence(kind, eigenvalues, zero))


def classify(eigenvalues: np.ndarray, zero: float) -> str:
    """The kind of a stationary point from its Hessian's eigenvalues; |λ| <= zero is 0.

    Both signs make a saddle even when another eigenvalue is zero: f rises along one
    direction and falls along another, so the point is no extremum.
    """
    negative, positive = eigenvalues < -zero, eigenvalues > zero
    if negative.any() and positive.any():
        return "saddle"
    if positive.all():
        return "minimum"
    if negative.all():
        return "maximum"
    return "degenerate"


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
    box = np.array([_range(x_range, "x_range"), _range(y_range, "y_range")])
    starts = _count(starts, "starts", 2, MAX_STARTS)
    max_iter = _count(max_iter, "max_iter", 1, MAX_ITERATIONS)
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
        matrix = run.hessians[best]
        eigenvalues = np.linalg.eigvalsh(0.5 * (matrix + matrix.T))
        zero = _zero_level(eigenvalues, ZERO_TOLERANCE)  # as hessian_report judges it
        points.append(
            StationaryPoint(
                run.points[best].copy(), float(run.values[best]),
                float(run.gradient_norms[best]), eigenvalues, classify(eigenvalues, zero),
                len(group),
            )
        )  # fmt: skip
    points.sort(key=lambda p: (KINDS.index(p.kind), p.value, *p.point))
    return points


# -- sentences and validation -------------------------------------------------------------


def _zero_level(eigenvalues: np.ndarray, tolerance: float) -> float:
    return tolerance * max(1.0, float(np.abs(eigenvalues).max(initial=0.0)))


def _sentence(kind: str, eigenvalues: np.ndarray, zero: float) -> str:
    d = len(eigenvalues)
    shown = ", ".join("0" if abs(x) <= zero else _number(x) for x in eigenvalues)
    if d == 1:
        every, stationary, second = "The eigenvalue is", "f′ = 0", "derivative"
    else:
        every = "Both eigenvalues are" if d == 2 else f"All {d} eigenvalues are"
        stationary, second = "∇f = 0", "derivatives"
    if kind in ("minimum", "maximum"):
        sign, way = ("positive", "up") if kind == "minimum" else ("negative", "down")
        return (
            f"{every} {sign} ({shown}): f curves {way} in every direction — "
            f"a {kind} if {stationary} here."
        )
    if kind == "saddle":
        signs = (
            "One eigenvalue is negative and one positive"
            if d == 2
            else "The eigenvalues have both signs"
        )
        return (
            f"{signs} ({shown}): f curves down along one direction and up along another — "
            f"a saddle if {stationary} here."
        )
    zeros = int(np.sum(np.abs(eigenvalues) <= zero))
    which = (
        every if zeros == d else "One eigenvalue is" if zeros == 1 else f"{zeros} eigenvalues are"
    )
    return f"{which} zero ({shown}): the second {second} cannot decide; look at higher orders."


def _number(x: float) -> str:
    return f"{float(x) + 0.0:.4g}"  # + 0.0 turns -0.0 into 0.0


def _range(values, name: str) -> tuple[float, float]:
    try:
        low, high = (float(v) for v in values)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be two numbers (low, high); got {values!r}.") from None
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ValueError(f"{name} must be two finite numbers with low < high; got ({low}, {high}).")
    return low, high


def _count(value, name: str, low: int, high: int) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | np.integer)
        or not low <= value <= high
    ):
        raise ValueError(f"{name} must be a whole number from {low} to {high}; got {value!r}.")
    return int(value)
