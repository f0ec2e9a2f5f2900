"""The two solvers behind `core.fixed_point`, on plain float functions: Anderson
acceleration of z ← f(z), and Newton's method on g(z) = f(z) − z.

Anderson acceleration (type II, Walker & Ni 2011) keeps the last m + 1 iterates z_i and
residuals g_i = f(z_i) − z_i, and steps to the combination whose residuals extrapolate to
0. In one unknown the least-squares problem is a single equation, solved by its
least-norm γ; with m = 1 the step is the secant step on g. Newton's method takes
z ← z − g/g′ with g′ = ∂f/∂z − 1 given by the caller (JAX in `core.fixed_point`).

Every loop is bounded: at most MAX_ANDERSON_ITERATIONS and MAX_NEWTON_ITERATIONS steps,
each Newton step halved at most MAX_HALVINGS times.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

TOLERANCE = 1e-12  # |f(z) − z| (Anderson) or Newton's step below this times max(1, |z|)
MEMORY = 2  # on our examples m = 2 took 6-11 iterations, m = 1 up to 23 (a = 5 in a·cos z)
MAX_MEMORY = 5
MAX_ANDERSON_ITERATIONS = 100
NO_PROGRESS_ITERATIONS = 25  # Anderson stops when |f(z) − z| has not shrunk for this long
MAX_NEWTON_ITERATIONS = 50
MAX_HALVINGS = 40  # Newton's step is halved until |f(z) − z| shrinks, at most this often
GROWTH_LIMIT = 1e100  # an iterate beyond this has run away


class Run(NamedTuple):
    """One method's iterates: where it went and why it stopped.

    Attributes:
        points: the iterates z₀, z₁, ... (finite); the last one is the answer when converged.
        residuals: f(z) − z at the points where it was computed: every point, except the
            last when f is undefined there or Newton's final step was taken without it.
        converged: Anderson: |f(z) − z| ≤ TOLERANCE · max(1, |z|) at the last point;
            Newton: its last step was that small (or |f(z) − z| was, where no step helps).
        reason: why it stopped, a phrase ("made no progress in 25 iterations"); "" when
            converged.
    """

    points: np.ndarray
    residuals: np.ndarray
    converged: bool
    reason: str


def anderson_run(
    function: Callable[[float], float], start: float, memory: int = MEMORY, name: str = "z"
) -> Run:
    """Anderson acceleration with memory m of z ← f(z) from `start`.

    With the last m differences ΔZ, ΔG of iterates and residuals, γ minimises
    |g_k − ΔG γ| and z_{k+1} = z_k + g_k − (ΔZ + ΔG) γ. Safeguards: a plain step, which
    restarts the memory, when ΔG is 0 or the extrapolation lands where f is undefined; a
    stop after NO_PROGRESS_ITERATIONS without a smaller |g|, beyond GROWTH_LIMIT, or
    after MAX_ANDERSON_ITERATIONS.

    Args:
        function: f, a float function; nan or inf where f is undefined.
        start: z₀.
        memory: m, from 1 to MAX_MEMORY.
        name: the unknown's name, for the stopping reason.

    Returns:
        A `Run`.
    """
    if isinstance(memory, bool) or not isinstance(memory, int) or not 1 <= memory <= MAX_MEMORY:
        raise ValueError(
            f"The memory must be a whole number from 1 to {MAX_MEMORY}, got {memory!r}."
        )
    points, residuals, history = [start], [], 0  # history: differences usable since a restart
    image = function(start)
    best, best_at = math.inf, 0
    for k in range(MAX_ANDERSON_ITERATIONS + 1):
        z = points[-1]
        if not math.isfinite(image):
            return _run(points, residuals, f"stopped where f is undefined ({_at(name, z)})")
        residuals.append(image - z)
        if abs(residuals[-1]) <= TOLERANCE * max(1.0, abs(z)):
            return _run(points, residuals, "")
        if abs(residuals[-1]) < best:
            best, best_at = abs(residuals[-1]), k
        elif k - best_at >= NO_PROGRESS_ITERATIONS:
            reason = f"made no progress in {NO_PROGRESS_ITERATIONS} iterations"
            return _run(points, residuals, reason)
        if k == MAX_ANDERSON_ITERATIONS:
            break
        step = _anderson_step(points, residuals, min(memory, history))
        candidate = image if step is None else z + step
        image_there = function(candidate)
        if step is not None and not math.isfinite(image_there):
            # the extrapolation left f's domain: take the plain step instead
            candidate, image_there = image, function(image)
        # a plain step restarts the memory: only the difference it makes is kept
        history = 1 if candidate == image else history + 1
        if not abs(candidate) <= GROWTH_LIMIT:
            return _run(points, residuals, f"ran away (|{name}| passed {GROWTH_LIMIT:.0e})")
        points.append(candidate)
        image = image_there
    return _run(points, residuals, f"did not converge in {MAX_ANDERSON_ITERATIONS} iterations")


def newton_run(
    function: Callable[[float], float],
    slope: Callable[[float], float],
    start: float,
    name: str = "z",
) -> Run:
    """Newton's method on g(z) = f(z) − z from `start`: z ← z − g/(∂f/∂z − 1).

    The step is halved until |g| shrinks (at most MAX_HALVINGS times). Converged when
    the step is below TOLERANCE · max(1, |z|) (the step is taken), when g = 0, or when no
    part of the step shrinks |g| and |g| is already below that (rounding decides there).

    Args:
        function: f, a float function; nan or inf where f is undefined.
        slope: ∂f/∂z, a float function.
        start: z₀.
        name: the unknown's name, for the stopping reason.

    Returns:
        A `Run`.
    """
    points, residuals, z = [start], [], start
    image = function(start)
    for _ in range(MAX_NEWTON_ITERATIONS):
        if not math.isfinite(image):
            return _run(points, residuals, f"stopped where f is undefined ({_at(name, z)})")
        residual = image - z
        residuals.append(residual)
        if residual == 0.0:
            return _run(points, residuals, "")
        derivative, scale = slope(z) - 1.0, TOLERANCE * max(1.0, abs(z))
        if derivative == 0.0 or not math.isfinite(derivative):
            # with |g| already at the tolerance, z is the answer (rounding decides there)
            where = f"1 − ∂f/∂{name} = 0" if derivative == 0.0 else f"∂f/∂{name} is not finite"
            reason = f"stopped where {where} ({_at(name, z)})"
            return _run(points, residuals, "" if abs(residual) <= scale else reason)
        step = -residual / derivative
        if abs(step) <= scale:
            points.append(z + step)
            return _run(points, residuals, "")
        for _ in range(MAX_HALVINGS):
            image = function(z + step)
            if math.isfinite(image) and abs(image - (z + step)) < abs(residual):
                break
            step /= 2
        else:
            stalled = (
                f"stalled ({_at(name, z)}): no part of its step makes "
                f"|f({name}) − {name}| = {abs(residual):.3g} smaller"
            )
            return _run(points, residuals, "" if abs(residual) <= scale else stalled)
        z += step
        if not abs(z) <= GROWTH_LIMIT:
            return _run(points, residuals, f"ran away (|{name}| passed {GROWTH_LIMIT:.0e})")
        points.append(z)
    return _run(points, residuals, f"did not converge in {MAX_NEWTON_ITERATIONS} iterations")


def _anderson_step(points, residuals, memory: int) -> float | None:
    """z_{k+1} − z_k of Anderson's update over the last `memory` differences; None for a
    plain step (no memory yet, or residual differences of 0)."""
    if memory == 0:
        return None
    with np.errstate(over="ignore", invalid="ignore"):  # huge iterates: a plain step
        differences_z = np.diff(points[-memory - 1 :])
        differences_g = np.diff(residuals[-memory - 1 :])
        norm = float(differences_g @ differences_g)
        if norm == 0.0 or not math.isfinite(norm):
            return None
        gamma = differences_g * residuals[-1] / norm  # the least-norm γ of the 1 × m system
        step = residuals[-1] - float((differences_z + differences_g) @ gamma)
    return step if math.isfinite(step) else None


def _run(points, residuals, reason: str) -> Run:
    return Run(np.array(points, np.float64), np.array(residuals, np.float64), not reason, reason)


def _at(name: str, z: float) -> str:
    return f"at {name} = {z:.6g}"
