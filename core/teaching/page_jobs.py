"""What the Step-by-step page asks the SymPy queue for: the steps in LaTeX, and the
verdict on a student's answer, each as one small record with its error as a sentence.

These run in the server's SymPy job queue (`core.engines.symbolic_queue`), never in a
page's run: their SymPy work goes to killable workers (`run_in_worker`) under a time
budget. A result cut short by the server's state (busy, a worker lost) is marked
`transient`, so the queue does not keep it and the next request tries again.
"""

from __future__ import annotations

from typing import NamedTuple

from core.engines.symbolic import run_in_worker
from core.errors import BudgetExceeded, ExpressionError
from core.language.expression import ParsedExpression
from core.teaching.answer_check import AnswerCheck, check_answer
from core.teaching.step_latex import StepShown, write_steps
from core.teaching.steps import derivative_steps


class StepsShown(NamedTuple):
    """The steps of d/dx f, ready to draw.

    Attributes:
        steps: each rule's step, outermost first; the last is "simplify" (empty when
            `message` says why there are none).
        derivative: LaTeX of f′, the last step's result (None without steps).
        message: why there are no steps (a budget or a limit ran out), or None.
        transient: True when the server's state, not f, stopped the work.
    """

    steps: tuple[StepShown, ...]
    derivative: str | None
    message: str | None = None
    transient: bool = False


class CheckShown(NamedTuple):
    """The verdict on an answer (`check`), or the sentence saying why there is none."""

    check: AnswerCheck | None
    message: str | None = None
    transient: bool = False


def shown_steps(parsed: ParsedExpression, variable: str = "x") -> StepsShown:
    """The steps of d/d`variable` of `parsed` and their LaTeX, both from the SymPy worker.

    Example:
        >>> from core import parse_expression
        >>> [step.rule for step in shown_steps(parse_expression("x^2*sin(x)")).steps]
        ['product rule', 'power rule', 'trigonometric rule', 'simplify']
    """
    try:
        steps = derivative_steps(parsed, variable)
        shown, derivative = run_in_worker(write_steps, (steps,), what="Writing the steps in LaTeX")
    except BudgetExceeded as error:
        return StepsShown((), None, error.message, error.transient)
    return StepsShown(shown, derivative)


def checked_answer(parsed: ParsedExpression, answer: str, order: int) -> CheckShown:
    """`core.check_answer`, with its refusals as sentences (an answer that uses a name f
    does not have, a budget run out)."""
    try:
        return CheckShown(check_answer(parsed, answer, order))
    except ExpressionError as error:
        return CheckShown(None, error.message)
    except BudgetExceeded as error:
        return CheckShown(None, error.message, error.transient)
