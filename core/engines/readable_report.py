"""Readable forms of a function's derivatives, each simplified in a killable SymPy worker.

`core.engines.readable` chooses the form; this module runs it for derivatives 0..n under
a hard budget (CPU seconds per derivative, and in total) and falls back to the form as
computed, with a sentence saying so, for whatever the budget does not cover.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import sympy

from core.engines import readable
from core.engines.symbolic import run_in_worker, symbolic_report
from core.errors import BudgetExceeded
from core.language.expression import ParsedExpression

SECONDS_EACH = 1.0  # CPU seconds of rewriting per derivative (the worker is killed after)
SECONDS_IN_ALL = 3.0  # CPU seconds for every derivative of one request together


class ReadableDerivatives(NamedTuple):
    """LaTeX of f, f′, … in a readable form, and as SymPy computed them.

    Attributes:
        latex: per order, the readable form's LaTeX (the form as computed where no
            rewrite reads shorter, or where the budget ran out first).
        raw: per order, the LaTeX as computed.
        rewritten: per order, whether `latex` differs from `raw`.
        message: a sentence when the budget ran out before every order was simplified;
            None otherwise.
        transient: True when a busy server, not the expression, cut it short.
    """

    latex: tuple[str, ...]
    raw: tuple[str, ...]
    rewritten: tuple[bool, ...]
    message: str | None = None
    transient: bool = False


def _name(order: int) -> str:
    """f, f′, f″, f‴, f⁽⁴⁾ (the order all in superscript, as core.figures.plotting.order_name)."""
    if order <= 3:
        return ("f", "f′", "f″", "f‴")[order]
    return f"f⁽{str(order).translate(str.maketrans('0123456789', '⁰¹²³⁴⁵⁶⁷⁸⁹'))}⁾"


def readable_latex(
    derivatives: Sequence[sympy.Expr],
    raw: Sequence[str],
    seconds_each: float | None = None,
    seconds_in_all: float | None = None,
) -> ReadableDerivatives:
    """The readable form of each derivative, within the budget.

    Args:
        derivatives: f, f′, … as SymPy computed them.
        raw: their LaTeX as computed (what is shown where the budget runs out).
        seconds_each: CPU seconds for one derivative's rewrites (default SECONDS_EACH,
            read at call time); past them its worker is killed and that derivative
            keeps its form as computed.
        seconds_in_all: CPU seconds for all of them (default SECONDS_IN_ALL); orders
            not reached keep theirs.

    Returns:
        ReadableDerivatives; never raises for the budget.
    """
    seconds_each = SECONDS_EACH if seconds_each is None else seconds_each
    seconds_in_all = SECONDS_IN_ALL if seconds_in_all is None else seconds_in_all
    latex, rewritten = list(raw), [False] * len(raw)
    left = seconds_in_all
    notes: list[str] = []
    transient = False
    for order, expr in enumerate(derivatives):
        if order == 0:
            continue  # f stays as the person typed it
        if left <= 0:
            notes.append(
                f"From {_name(order)} on, the derivatives are shown as computed: simplifying "
                f"them all did not fit the budget of {seconds_in_all:g} s of computing time."
            )
            break
        budget = min(seconds_each, left)
        try:
            text, changed, used = run_in_worker(
                readable.readable_step, (expr, budget), budget=budget, what="Simplifying"
            )
        except BudgetExceeded as error:
            if error.transient:  # a busy server: the same request may well finish later
                transient = True
                notes.append(
                    f"From {_name(order)} on, the derivatives are shown as computed: the "
                    "server was too busy to simplify them; they are tried again on the next change."
                )
                break
            notes.append(
                f"{_name(order)} is shown as computed: simplifying it needed more than its "
                f"budget of {budget:g} s of computing time."
            )
            left -= budget
            continue
        latex[order], rewritten[order] = text, changed
        left -= used
    message = " ".join(notes) if notes else None
    return ReadableDerivatives(tuple(latex), tuple(raw), tuple(rewritten), message, transient)


def readable_derivatives(parsed: ParsedExpression, max_order: int) -> ReadableDerivatives:
    """f, f′, … f⁽ⁿ⁾ of `parsed` readable and as computed (the Explorer's job).

    The derivatives come from the symbolic engine (its workers keep them, so asking
    again costs little); each is then simplified under the readable budget.
    """
    result = symbolic_report(parsed, max_order)
    view = readable_latex(result.derivatives, result.latex)
    # Why the derivatives themselves stop early is the symbolic engine's message, shown
    # with the curves; a result cut short by a busy server is asked for again.
    return view._replace(transient=view.transient or result.transient)
