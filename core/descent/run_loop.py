"""The hand-written optimizers' driver: one compiled `lax.while_loop` per method.

A step function from `core.descent.algorithms` runs inside a jitted while loop that
writes the path into fixed (capacity, d) buffers and stops on a small gradient, the
iteration cap, divergence (|f| beyond DIVERGENCE_BOUND, or not finite) or a start
where f is undefined. It is compiled once per expression, method and buffer size (a
bounded LRU; settings and parameters are arguments, so changing them recompiles
nothing), and its outcome becomes a `Trajectory` with a message in plain words.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from core.descent.algorithms import ALGORITHMS, Objective, evaluate
from core.descent.messages import (
    DIVERGENCE_BOUND,
    bad_start_message,
    capped_message,
    converged_message,
    diverged_message,
    step_size_advice,
    unbounded_message,
)
from core.descent.objective import CACHE_SIZE, Source, jax_derivatives, jax_value
from core.descent.trajectory import Trajectory

MAX_ITERATIONS = 10_000
_CAPACITIES = (101, 1001, MAX_ITERATIONS + 1)  # path buffers: few sizes, few compilations
_RUNNING, _CONVERGED, _CAPPED, _DIVERGED, _UNBOUNDED, _BAD_START = range(6)
_FIXED_STEP = ("gd", "momentum", "nesterov")  # methods whose step is the learning rate


@functools.lru_cache(maxsize=CACHE_SIZE)
def _compiled_run(source: Source, method: str, capacity: int) -> Callable:
    """The whole descent as one jitted `lax.while_loop` writing into (capacity, d) buffers."""
    value = jax_value(source)
    algorithm = ALGORITHMS[method]

    def run(x0, settings, parameters, max_iter, tol):
        def f(x):
            return value(x, parameters)

        objective = Objective(f, jax.value_and_grad(f), jax.hessian(f))
        start = evaluate(objective, x0, jnp.zeros(3, dtype=jnp.int64))
        points = jnp.full((capacity, x0.shape[0]), jnp.nan).at[0].set(x0)
        values = jnp.full((capacity,), jnp.nan).at[0].set(start.value)
        finite = jnp.isfinite(start.value) & jnp.all(jnp.isfinite(start.gradient))
        status = jnp.select(
            [~finite, jnp.linalg.norm(start.gradient) < tol, max_iter <= 0],
            [_BAD_START, _CONVERGED, _CAPPED],
            _RUNNING,
        )

        def body(carry):
            k, iterate, state, points, values, _, _ = carry
            new, state = algorithm.step(iterate, state, objective, settings)
            k = k + 1
            finite = (
                jnp.isfinite(new.value)
                & jnp.all(jnp.isfinite(new.gradient))
                & jnp.all(jnp.isfinite(new.x))
            )
            status = jnp.select(
                [~finite, new.value > DIVERGENCE_BOUND, new.value < -DIVERGENCE_BOUND,
                 jnp.linalg.norm(new.gradient) < tol, k >= max_iter],
                [_DIVERGED, _DIVERGED, _UNBOUNDED, _CONVERGED, _CAPPED],
                _RUNNING,
            )  # fmt: skip
            points, values = points.at[k].set(new.x), values.at[k].set(new.value)
            return k, new, state, points, values, status, finite

        carry = (
            jnp.asarray(0, dtype=jnp.int64),
            start,
            algorithm.init(start, settings),
            points,
            values,
            status,
            finite,
        )
        k, last, _, points, values, status, finite = lax.while_loop(
            lambda carry: carry[5] == _RUNNING, body, carry
        )
        # A non-finite last iterate is left off the path (but its evaluations counted).
        count = jnp.where(finite | (k == 0), k + 1, k)
        return points, values, count, k, status, last.counts, jnp.linalg.norm(last.gradient)

    return jax.jit(run)


def run_algorithm(
    source: Source,
    parameter_values: np.ndarray,
    x0: np.ndarray,
    method: str,
    settings: Mapping[str, float],
    tol: float,
    max_iter: int,
) -> Trajectory:
    """Run a hand-written method (a key of ALGORITHMS) from x0, on checked arguments.

    Args:
        source: the objective (see `core.descent.objective`).
        parameter_values: the expression's parameters, in order.
        x0: the start, float64 of shape (d,).
        method: a key of ALGORITHMS.
        settings: the method's settings, complete and validated (floats).
        tol: stop when |∇f| < tol.
        max_iter: at most this many steps (1 to MAX_ITERATIONS).

    Returns:
        The trajectory; its nfev, njev, nhev are every evaluation made.
    """
    capacity = next(size for size in _CAPACITIES if size > max_iter)
    run = _compiled_run(source, method, capacity)
    outputs = run(
        x0,
        {name: np.float64(v) for name, v in settings.items()},
        parameter_values,
        np.int64(max_iter),
        np.float64(tol),
    )
    points, values, count, steps, status, counts, gradient_norm = jax.device_get(outputs)
    count, steps, status = int(count), int(steps), int(status)
    if status == _DIVERGED and method in _FIXED_STEP:
        # For a fixed step, the curvature at the start says which step would be stable.
        hessian = np.asarray(jax_derivatives(source)[2](x0, parameter_values))
        message = step_size_advice(steps, settings["learning_rate"], hessian)
    else:
        outcome = _Outcome(status, steps, float(gradient_norm), float(values[0]))
        message = _message(method, settings, outcome, tol, max_iter)
    nfev, njev, nhev = (int(c) for c in counts)
    return Trajectory(
        np.array(points[:count]),
        np.array(values[:count]),
        steps,
        nfev,
        njev,
        nhev,
        status == _CONVERGED,
        message,
    )


class _Outcome(NamedTuple):
    status: int
    steps: int
    gradient_norm: float
    start_value: float


def _message(method, settings, outcome: _Outcome, tol: float, max_iter: int) -> str:
    if outcome.status == _BAD_START:
        return bad_start_message(outcome.start_value, outcome.gradient_norm)
    if outcome.status == _CONVERGED:
        return converged_message(outcome.steps, outcome.gradient_norm, tol)
    if outcome.status == _CAPPED:
        return capped_message(max_iter, outcome.gradient_norm, tol)
    if outcome.status == _UNBOUNDED:
        return unbounded_message(outcome.steps)
    return diverged_message(method, outcome.steps, settings)
