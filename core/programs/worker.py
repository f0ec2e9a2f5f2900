"""Running a program for the page: its derivative two ways, under a hard time budget.

A program's cost is bounded statically (steps, loop sizes), but a bounded program can
still be slow: up to 100,000 eager JAX operations for every one of the grid's points.
So the page's work runs in a worker process that is killed when its wall-clock budget
runs out (pebble), as for the symbolic engine; Python signals do not work in
Streamlit's threads.

The workers come from the same forkserver as the symbolic workers
(`core.engines.worker_processes.WorkerContext`), which is one per process and preloads
only the light symbolic module; each program worker imports and warms JAX in its initializer (about
1-2 s, before it takes a task, so it does not eat into a task's budget). Call
`warm_up()` at start-up so that no user waits for it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import TimeoutError as FutureTimeout
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from pebble import ProcessExpired, ProcessPool

from core.errors import BudgetExceeded
from core.programs.interpreter import program_function
from core.programs.parser import Program, parse_program

BUDGET_SECONDS = 5.0
# Eager `jax.grad` costs 2-20 ms a point for the gallery's programs (measured here), so
# the page's point-by-point derivative uses at most this many of the grid's points.
POINTWISE_POINTS = 40
# One worker: each imports JAX (about 110 MB), and a server must fit a 2 GiB container.
WORKERS = 1
START_SECONDS = 60.0  # the most a fresh worker may take to import JAX before a task starts

_pool: ProcessPool | None = None
_pool_lock = threading.Lock()


class TransformFailures(NamedTuple):
    """What `jax.jit` and `jax.vmap` of the program as written raise ("" if nothing)."""

    jit: str
    vmap: str


class GradientTimings(NamedTuple):
    """Seconds for f': grad point by point, and jit(vmap(grad)) of the rewrite.

    `pointwise` covers `pointwise_points` points, the vectorised times
    `vectorised_points` points.
    """

    pointwise: float
    vectorised_first: float  # including tracing and compiling
    vectorised_warm: float
    pointwise_points: int
    vectorised_points: int


class ProgramReport(NamedTuple):
    """Everything the page shows about a program on a grid `xs`.

    Attributes:
        values: f(xs).
        pointwise_xs: the points (a subset of xs) where the point-by-point f' was taken.
        pointwise_gradient: f'(pointwise_xs) by `jax.grad` of the program as written.
        vectorised_gradient: f'(xs) by `jit(vmap(grad))` of the rewrite.
        timings: how long each way took.
        failures: the errors `jit` and `vmap` of the program as written raise.
    """

    values: np.ndarray
    pointwise_xs: np.ndarray
    pointwise_gradient: np.ndarray
    vectorised_gradient: np.ndarray
    timings: GradientTimings
    failures: TransformFailures


def transform_errors(program: Program, xs=(0.5, 1.5)) -> TransformFailures:
    """Run `jax.jit(f)` and `jax.vmap(f)` on the program as written; report the errors.

    Each is "TypeName: first line of JAX's message", e.g. "TracerBoolConversionError:
    Attempted boolean conversion of traced array with shape bool[].", or "" when it
    worked (a program without an if).
    """
    if not program.has_branch:
        return TransformFailures("", "")
    function = program_function(program)
    xs = jnp.asarray(xs, dtype=jnp.float64)
    return TransformFailures(_failure(jax.jit(function), xs[0]), _failure(jax.vmap(function), xs))


def _failure(transformed: Callable, argument) -> str:
    try:
        jax.block_until_ready(transformed(argument))
    except jax.errors.JAXTypeError as error:  # TracerBoolConversionError and its kin
        lines = str(error).strip().splitlines()
        return f"{type(error).__name__}: {lines[0] if lines else ''}"
    return ""


def pointwise_gradient(program: Program, xs) -> np.ndarray:
    """f'(x) by `jax.grad` of the program as written, one point at a time.

    Each call runs the Python code with a concrete x, so `if` can decide.
    """
    gradient = jax.grad(program_function(program))
    return np.array([float(gradient(float(x))) for x in np.asarray(xs, dtype=np.float64)])


def vectorised_gradient(program: Program, xs) -> np.ndarray:
    """f'(x) at every point at once: `jit(vmap(grad))` of the rewrite."""
    return np.asarray(_vectorised(program)(jnp.asarray(xs, dtype=jnp.float64)))


def _vectorised(program: Program) -> Callable:
    return jax.jit(jax.vmap(jax.grad(program_function(program, vectorised=True))))


def measure(program: Program, xs, pointwise_points: int = POINTWISE_POINTS) -> ProgramReport:
    """Compute the page's report here (no budget: see `program_report`).

    The point-by-point derivative is taken at every k-th point of `xs`, at most
    `pointwise_points` of them.
    """
    xs = np.asarray(xs, dtype=np.float64)
    pointwise_xs = xs[:: max(1, -(-len(xs) // pointwise_points))]
    start = time.perf_counter()
    pointwise = pointwise_gradient(program, pointwise_xs)
    pointwise_seconds = time.perf_counter() - start
    gradient, grid = _vectorised(program), jnp.asarray(xs)
    start = time.perf_counter()
    vectorised = np.asarray(jax.block_until_ready(gradient(grid)))
    first = time.perf_counter() - start
    start = time.perf_counter()
    jax.block_until_ready(gradient(grid))
    warm = time.perf_counter() - start
    values = np.asarray(jax.jit(program_function(program, vectorised=True))(grid))
    timings = GradientTimings(pointwise_seconds, first, warm, len(pointwise_xs), len(xs))
    failures = transform_errors(program)
    return ProgramReport(values, pointwise_xs, pointwise, vectorised, timings, failures)


def gradient_timings(program: Program, xs) -> GradientTimings:
    """Seconds for f' at every point of `xs`: point by point, vectorised (cold, warm)."""
    return measure(program, xs, pointwise_points=len(xs)).timings


def _evaluate(source: str, xs: np.ndarray) -> ProgramReport:
    # The worker parses the text again: only a string crosses the process boundary.
    return measure(parse_program(source), xs)


def _start_worker() -> None:
    """Pool initializer: import JAX and run one operation, so a task starts warm."""
    jax.block_until_ready(jax.grad(jnp.sin)(0.5))


def _ping() -> bool:
    return True


def _get_pool() -> ProcessPool:
    global _pool
    with _pool_lock:
        if _pool is None or not _pool.active:
            from core.engines.worker_processes import WorkerContext

            _pool = ProcessPool(
                max_workers=WORKERS, initializer=_start_worker, context=WorkerContext()
            )
        return _pool


def warm_up() -> None:
    """Start the program workers now (a few seconds), not on a user's first request."""
    _get_pool().schedule(_ping).result(timeout=START_SECONDS)


def program_report(program: Program, xs, budget: float | None = None) -> ProgramReport:
    """The page's report on `program` at `xs`, computed in a worker under a time budget.

    Args:
        program: a validated program.
        xs: the grid (a few hundred points).
        budget: wall-clock seconds for the work; BUDGET_SECONDS (read at call time)
            when None.

    Raises:
        BudgetExceeded: when the worker ran out of time (it is killed) or died.
    """
    budget = BUDGET_SECONDS if budget is None else budget
    xs = np.asarray(xs, dtype=np.float64)
    future = _get_pool().schedule(_evaluate, args=(program.source, xs), timeout=budget)
    try:
        return future.result(timeout=budget + START_SECONDS)
    except FutureTimeout:
        raise BudgetExceeded(
            f"This program takes longer than {budget:g} s to differentiate on "
            f"{len(xs)} points — use fewer or shorter loops."
        ) from None
    except MemoryError:
        raise BudgetExceeded("This program needs more memory than its budget allows.") from None
    except ProcessExpired as error:  # the worker itself ended: say so, not "memory"
        from core.engines.symbolic import how_it_ended

        raise BudgetExceeded(
            f"This program was not run to the end: its worker process stopped mid-request "
            f"({how_it_ended(error.exitcode)}: killed from outside, or crashed). Try again."
        ) from None
