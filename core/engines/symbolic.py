"""Symbolic derivatives by SymPy, under a hard time and memory budget.

SymPy's expressions can swell without bound (the 8th derivative of a 60-character
expression took 4.6 s here), and one big-integer operation can hold the interpreter
for a minute, so Python signals or threads cannot stop it. Every step therefore runs
in a worker process that is killed when its budget runs out (pebble).
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import sys
import threading
import time
import types
from collections.abc import Mapping
from concurrent.futures import TimeoutError as FutureTimeout
from typing import NamedTuple

import numpy as np
import sympy
from pebble import ProcessExpired, ProcessPool

from core.engines import symbolic_worker
from core.errors import BudgetExceeded
from core.language.expression import ParsedExpression

BUDGET_SECONDS = 2.0
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
    """

    derivatives: tuple[sympy.Expr, ...]
    latex: tuple[str, ...]
    values: np.ndarray | None
    message: str | None


class _WorkerProcess(multiprocessing.context.ForkServerProcess):
    """A forkserver process that does not re-import the parent's `__main__`.

    multiprocessing re-runs the parent's main script in every new worker; under
    Streamlit that "script" is the page itself (and under AppTest the test), which
    must not run there. A worker needs only `core.engines.symbolic_worker`.
    """

    def start(self) -> None:
        main = sys.modules["__main__"]
        sys.modules["__main__"] = _BLANK_MAIN
        try:
            super().start()
        finally:
            sys.modules["__main__"] = main


class _WorkerContext(multiprocessing.context.ForkServerContext):
    Process = _WorkerProcess


_BLANK_MAIN = types.ModuleType("__main__")


def _get_pool() -> ProcessPool:
    global _pool
    with _pool_lock:
        if _pool is None or not _pool.active:
            # forkserver, not fork: forking a process that runs JAX's threads can
            # deadlock. Preloading the worker module makes each new worker start warm.
            context = _WorkerContext()
            context.set_forkserver_preload(["core.engines.symbolic_worker"])
            _pool = ProcessPool(
                max_workers=WORKERS,
                initializer=symbolic_worker.limit_memory,
                initargs=(MEMORY_BYTES,),
                context=context,
            )
        return _pool


def warm_up() -> None:
    """Start the worker pool now (about 4 s), not on a user's first request."""
    _get_pool().schedule(symbolic_worker.ping).result(timeout=60)


def run_in_worker(function, args: tuple = (), budget: float | None = None, what: str = "This"):
    """`function(*args)` in a killable SymPy worker, under the time and memory budget.

    For any SymPy work whose cost cannot be bounded up front (simplify, solve, diff of a
    large tree). `function` must be a module-level function of a module that imports
    neither Streamlit nor JAX (the worker imports it by name).

    Raises:
        BudgetExceeded: when the budget (seconds, default BUDGET_SECONDS) or the memory
            cap runs out, or the worker died; the message names `what` and the cause.
    """
    budget = BUDGET_SECONDS if budget is None else budget
    future = _get_pool().schedule(function, args=args, timeout=budget)
    try:
        return future.result()
    except FutureTimeout:
        raise BudgetExceeded(f"{what} took longer than its {budget:g} s budget.") from None
    except MemoryError:
        raise BudgetExceeded(f"{what} needed more than the worker's memory cap.") from None
    except ProcessExpired:
        raise BudgetExceeded(f"{what} stopped: its worker process ended unexpectedly.") from None


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
    deadline = time.monotonic() + budget
    pool = _get_pool()
    for order in range(max_order + 1):
        remaining = deadline - time.monotonic()
        failure = None
        if remaining <= 0:
            failure = "time"
        else:
            future = pool.schedule(
                symbolic_worker.derivative_step,
                args=(expr, variable, order > 0, symbols, values),
                timeout=remaining,
            )
            try:
                expr, text, row = future.result()
            except FutureTimeout:
                failure = "time"
            except (MemoryError, ProcessExpired):
                failure = "memory"
            except Exception:  # anything SymPy raises in the worker ends the list politely
                failure = "error"
        if failure is not None:
            return SymbolicResult(
                tuple(derivatives), tuple(latex), _stack(rows), _budget_message(order, failure)
            )
        derivatives.append(expr)
        latex.append(text)
        rows.append(row)
    return SymbolicResult(tuple(derivatives), tuple(latex), _stack(rows), None)


def _stack(rows: list) -> np.ndarray | None:
    if not rows or rows[0] is None:
        return None
    return np.stack(rows)


def _budget_message(order: int, failure: str) -> str:
    what = "function" if order == 0 else f"{ordinal(order)} derivative"
    reason = {
        "time": "too large to compute symbolically within the time budget",
        "memory": "too large to compute symbolically within the memory budget",
        "error": "beyond what SymPy can compute here",
    }[failure]
    return f"The {what} is {reason} — AD and finite differences are still shown."


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
