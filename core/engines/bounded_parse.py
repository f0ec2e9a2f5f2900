"""Parsing typed text where SymPy cannot hold a server's thread: in a killable worker.

Parsing itself is bounded up front (length, depth, sizes), but building the SymPy
form is not: SymPy evaluates as it constructs, and a 75-character nesting of powers,
roots and hyperbolic functions kept its assumption system busy for 100 s here. A
page parses what a person typed through `parse_bounded`, which runs
`parse_expression` in a worker process of its own (never the SymPy derivative pool,
so a parse never queues behind a derivative) and kills it when its budget runs out.
Text that is already canonical (re-parsed by cached wrappers) passed this once.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import TimeoutError as FutureTimeout

from pebble import ProcessExpired, ProcessPool

from core.engines import symbolic_worker
from core.engines.symbolic import MEMORY_BYTES
from core.engines.worker_processes import WorkerContext
from core.errors import ExpressionError
from core.language.expression import ParsedExpression, parse_expression
from core.language.vector import ParsedVector, parse_vector

BUDGET_SECONDS = 1.0  # a typical parse takes 1-5 ms; SymPy's worst cases take minutes
WORKERS = 2

_pool: ProcessPool | None = None
_pool_lock = threading.Lock()


def _get_pool() -> ProcessPool:
    global _pool
    with _pool_lock:
        if _pool is None or not _pool.active:
            context = WorkerContext()  # forkserver; never runs the app's script
            context.set_forkserver_preload(["core.language.expression"])
            _pool = ProcessPool(
                max_workers=WORKERS,
                initializer=symbolic_worker.limit_memory,
                initargs=(MEMORY_BYTES,),
                context=context,
            )
        return _pool


def warm_up() -> None:
    """Start the parsing workers now (a few seconds), not on a user's first expression."""
    parse_bounded("x")


def parse_bounded(
    text: str, variables: Sequence[str] = ("x",), budget: float | None = None
) -> ParsedExpression:
    """`parse_expression(text, variables)` with a hard time and memory budget.

    Args:
        text: what the person typed.
        variables: the page's variables.
        budget: seconds the parse may run once started; BUDGET_SECONDS when None.

    Returns:
        The parsed expression, as `parse_expression` gives it.

    Raises:
        ExpressionError: the parser's own error (with its position), or one sentence
            saying SymPy could not build the expression within the budget.
    """
    if not isinstance(text, str):
        raise ExpressionError("The expression must be text.", None)
    return _parse_in_worker(parse_expression, text, variables, budget)


def parse_vector_bounded(
    text: str, variables: Sequence[str] = ("x", "y"), budget: float | None = None
) -> ParsedVector:
    """`parse_vector(text, variables)` with the same budget as `parse_bounded`.

    Raises:
        ExpressionError: as `parse_bounded`, with positions in the whole text.
    """
    if not isinstance(text, str):
        raise ExpressionError("The vector function must be text.", None)
    return _parse_in_worker(parse_vector, text, variables, budget)


def _parse_in_worker(parse, text: str, variables: Sequence[str], budget: float | None):
    budget = BUDGET_SECONDS if budget is None else budget
    future = _get_pool().schedule(parse, args=(text, tuple(variables)), timeout=budget)
    try:
        return future.result()
    except FutureTimeout:
        raise ExpressionError(
            f"SymPy could not build this expression within {budget:g} s: it nests powers and "
            "functions too deeply for symbolic algebra. Simplify it or split it up.",
            None,
        ) from None
    except (MemoryError, ProcessExpired):
        raise ExpressionError(
            "SymPy ran out of memory building this expression: simplify it.", None
        ) from None
