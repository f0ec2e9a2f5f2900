"""Symbolic derivatives by SymPy, under a hard time and memory budget.

SymPy's expressions can swell without bound (the 8th derivative of a 60-character
expression took 4.6 s here), and one big-integer operation can hold the interpreter
for a minute, so Python signals or threads cannot stop it. Every step therefore runs
in a worker process that is killed when its budget runs out (pebble).
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Mapping
from concurrent.futures import CancelledError as FutureCancelled
from concurrent.futures import TimeoutError as FutureTimeout
from contextvars import ContextVar
from typing import NamedTuple

import numpy as np
import sympy
from pebble import ProcessExpired, ProcessPool

from core.engines import symbolic_worker
from core.engines.domain import mask_rows
from core.engines.worker_processes import WorkerContext
from core.errors import BudgetExceeded
from core.language.expression import ParsedExpression

BUDGET_SECONDS = 2.0  # CPU seconds of SymPy per request
WALL_SECONDS = 10.0  # the most a request may take on the clock, however busy the server
MEMORY_BYTES = 2 * 1024**3
WORKERS = 2

_pool: ProcessPool | None = None
_pool_lock = threading.Lock()


class SymbolicResult(NamedTuple):
    """Derivatives 0..n as far as the budget allowed.

    Attributes:
        derivatives: [f, f', ...] as SymPy expressions (possibly fewer than asked).
        latex: LaTeX of each, shortened when huge.
        values: array (len(derivatives), len(xs)) of their values, or None.
        message: why the list stops early, or None when complete.
        transient: True when what stopped it was the server (busy, a worker died, the
            request cancelled), so the same request later may well complete.
    """

    derivatives: tuple[sympy.Expr, ...]
    latex: tuple[str, ...]
    values: np.ndarray | None
    message: str | None
    transient: bool = False  # cut short by the server's state, not the expression's size


def _new_pool() -> ProcessPool:
    # forkserver, not fork: forking a process that runs JAX's threads can deadlock.
    # Preloading the worker module makes each new worker start warm.
    context = WorkerContext()
    context.set_forkserver_preload(["core.engines.symbolic_worker"])
    return ProcessPool(
        max_workers=WORKERS,
        initializer=symbolic_worker.start_worker,
        initargs=(MEMORY_BYTES,),
        context=context,
    )


def _get_pool() -> ProcessPool:
    global _pool
    with _pool_lock:
        if _pool is None or not _pool.active:
            _pool = _new_pool()
        return _pool


def warm_up() -> None:
    """Start the worker pool now (about 4 s), not on a user's first request."""
    _get_pool().schedule(symbolic_worker.ping).result(timeout=60)


# -- what happened to a request ------------------------------------------------------------


class _Failure(NamedTuple):
    """Why a worker returned no result.

    Attributes:
        kind: "time" (its CPU-time budget ran out), "busy" (still unfinished after
            WALL_SECONDS: its worker was starved of the cores), "memory" (MemoryError at
            the memory cap), "died" (the worker process ended: killed from outside or
            crashed), "cancelled" (nobody wants the result any more) or "error" (SymPy
            raised).
        detail: for "died", how it ended ("killed by SIGKILL", "exit code 3").
    """

    kind: str
    detail: str = ""


# Kinds that say nothing about the expression, only about the server at that moment: a
# result cut short by one of them is worth computing again later.
TRANSIENT = frozenset({"busy", "died", "cancelled"})


def how_it_ended(exitcode: int | None) -> str:
    """How a worker process ended, from its exit code: "killed by SIGKILL", "exit code 1"."""
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"killed by {name}"
    return f"exit code {exitcode}"


class _WorkerFailed(Exception):
    """A request that came back without a result; `.failure` says why."""

    def __init__(self, failure: _Failure) -> None:
        super().__init__(failure.kind)
        self.failure = failure


# Set by the job queue (core.engines.symbolic_queue) in the thread running a job: called
# with each worker request's future, so that cancelling the job cancels the request.
current_job: ContextVar = ContextVar("current_symbolic_job", default=None)


def _run(function, args: tuple, budget: float, wall: float) -> tuple[object, float]:
    """`function(*args)` in a worker under `budget` CPU seconds and `wall` seconds.

    Returns:
        (what `function` returned, the CPU seconds it used); what it raises is raised.

    Raises:
        _WorkerFailed: out of CPU time or wall time, out of memory, cancelled, or its
            process ended.
    """
    future = _get_pool().schedule(
        symbolic_worker.within_cpu_budget, args=(budget, function, args), timeout=wall
    )
    job = current_job.get()
    if job is not None:
        job.track(future)
    try:
        return future.result()
    except FutureTimeout:
        raise _WorkerFailed(_Failure("busy")) from None
    except FutureCancelled:
        raise _WorkerFailed(_Failure("cancelled")) from None
    except MemoryError:  # raised in the worker at its address-space cap; it lives on
        raise _WorkerFailed(_Failure("memory")) from None
    except ProcessExpired as error:  # the process itself ended mid-request
        if error.exitcode == -signal.SIGXCPU:  # the kernel's CPU-time limit
            raise _WorkerFailed(_Failure("time")) from None
        raise _WorkerFailed(_Failure("died", how_it_ended(error.exitcode))) from None


def _wall_seconds(budget: float) -> float:
    return max(WALL_SECONDS, 3 * budget)


def _memory_cap() -> str:
    return f"{MEMORY_BYTES / 1024**3:g} GiB"


def run_in_worker(function, args: tuple = (), budget: float | None = None, what: str = "This"):
    """`function(*args)` in a killable SymPy worker, under the time and memory budget.

    For any SymPy work whose cost cannot be bounded up front (simplify, solve, diff of a
    large tree). `function` must be a module-level function of a module that imports
    neither Streamlit nor JAX (the worker imports it by name).

    Raises:
        BudgetExceeded: when the budget (CPU seconds, default BUDGET_SECONDS), the wall
            clock (WALL_SECONDS, or three budgets if longer) or the memory
            cap runs out, or the worker died; the message names `what` and the cause.
    """
    budget = BUDGET_SECONDS if budget is None else budget
    try:
        return _run(function, args, budget, _wall_seconds(budget))[0]
    except _WorkerFailed as error:
        failure = error.failure
    cause = {
        "time": f"needed more than its budget of {budget:g} s of computing time.",
        "busy": f"could not finish within {_wall_seconds(budget):g} s: the server is busy.",
        "cancelled": "was cancelled.",
        "memory": f"needed more than the worker's memory cap ({_memory_cap()}).",
        "died": (
            f"stopped: its worker process ended unexpectedly ({failure.detail}; "
            "killed from outside or crashed)."
        ),
    }[failure.kind]
    raise BudgetExceeded(f"{what} {cause}", transient=failure.kind in TRANSIENT)


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def symbolic_report(
    parsed: ParsedExpression,
    max_order: int,
    xs=None,
    params: Mapping[str, float] | None = None,
    budget: float | None = None,
) -> SymbolicResult:
    """Derivatives 0..max_order of `parsed` by SymPy, with LaTeX and values at `xs`.

    Stops early, with a message the page can show, when the total `budget` (seconds)
    or the worker's memory cap runs out; never raises for that. The budget defaults
    to BUDGET_SECONDS, read at call time.
    """
    budget = BUDGET_SECONDS if budget is None else budget
    spent = _Spent(budget)
    symbols = [parsed.symbols[name] for name in parsed.variables + parsed.parameters]
    values = None
    if xs is not None:
        params = dict(params or {})
        values = [np.asarray(xs, dtype=np.float64)] + [
            float(params.get(name, 1.0)) for name in parsed.parameters
        ]
    variable = parsed.symbols[parsed.variables[0]]
    derivatives, latex, rows = [], [], []
    expr = parsed.sympy
    for order in range(max_order + 1):
        try:
            expr, text, row = _derivative_step(expr, variable, order, symbols, values, spent)
        except _WorkerFailed as error:
            message = _budget_message(order, error.failure)
            transient = error.failure.kind in TRANSIENT
            return SymbolicResult(
                tuple(derivatives), tuple(latex), _stack(rows), message, transient
            )
        derivatives.append(expr)
        latex.append(text)
        rows.append(row)
    return SymbolicResult(tuple(derivatives), tuple(latex), _stack(rows), None)


class _Spent:
    """What a report has used of its CPU budget, and its wall-clock deadline.

    The budget counts from when the report starts running, in the worker's computing
    time: time spent waiting (in a queue, or for a core on a busy server) is not the
    expression's fault.
    """

    def __init__(self, budget: float) -> None:
        self.budget = budget
        self.cpu = 0.0
        self.deadline = time.monotonic() + _wall_seconds(budget)

    def run(self, function, args: tuple):
        cpu_left = self.budget - self.cpu
        if cpu_left <= 0:
            raise _WorkerFailed(_Failure("time"))
        wall_left = self.deadline - time.monotonic()
        if wall_left <= 0:
            raise _WorkerFailed(_Failure("busy"))
        value, used = _run(function, args, cpu_left, wall_left)
        self.cpu += used
        return value


def _derivative_step(expr, variable, order: int, symbols, values, spent: _Spent):
    """Order `order` from order - 1 in a worker, with what is left of the budget.

    Raises:
        _WorkerFailed: no time left, killed, out of memory, or SymPy raised ("error").
    """
    args = (expr, variable, order > 0, symbols, values)
    try:
        return spent.run(symbolic_worker.derivative_step, args)
    except _WorkerFailed:
        raise
    except Exception:  # anything SymPy raises in the worker ends the list politely
        raise _WorkerFailed(_Failure("error")) from None


def _stack(rows: list) -> np.ndarray | None:
    """The values' rows as one array, nan in every row where f's own value is nan."""
    if not rows or rows[0] is None:
        return None
    return mask_rows(np.stack(rows))


def _budget_message(order: int, failure: _Failure) -> str:
    what = "function" if order == 0 else f"{ordinal(order)} derivative"
    sentence = {
        "time": f"The {what} is too large to compute symbolically within the time budget",
        "busy": (
            f"The {what} is not computed yet: the server was too busy to finish it within "
            f"{WALL_SECONDS:g} s; it is tried again on the next change"
        ),
        "cancelled": f"The {what} was not computed: the request was replaced by a newer one",
        "memory": (
            f"The {what} is too large to compute symbolically within the memory budget "
            f"(SymPy needed more than the worker's {_memory_cap()} cap)"
        ),
        "died": (
            f"The {what} was not computed: its SymPy worker process stopped mid-request "
            f"({failure.detail}: killed from outside, e.g. by the system when memory ran "
            "short, or crashed)"
        ),
        "error": f"The {what} is beyond what SymPy can compute here",
    }[failure.kind]
    return f"{sentence} — AD and finite differences are still shown."


def symbolic_derivatives(parsed: ParsedExpression, max_order: int) -> list[sympy.Expr]:
    """[f, f', ..., f^(max_order)] by SymPy, keeping parameters as symbols.

    Raises:
        BudgetExceeded: when the time or memory budget runs out; `.partial` holds the
            derivatives computed before that and `.order` the first one missing.
    """
    if not 0 <= max_order <= 10:
        raise ValueError(f"max_order must be between 0 and 10, got {max_order}.")
    result = symbolic_report(parsed, max_order)
    if result.message is not None:
        raise BudgetExceeded(result.message, len(result.derivatives), result.derivatives)
    return list(result.derivatives)
