"""Judge each distinct answer to a question once, and keep the verdict with the question.

The first student to send an answer (by its canonical text: `2x` and `2*x` are one) pays
for `core.check_answer` and the slip search; the verdict, the slip's name and the
answer's values at the sample points are stored as a *form* of the question, and every
later copy of that answer only reads the row. So 60 students sending 5 different answers
cost 5 checks, and `core.classroom.results` groups the forms without SymPy.

The check and the slip search import JAX and SymPy's worker pool: only a new form does,
never a student whose answer is already known.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from core.classroom import schema
from core.classroom.store import ClassStore
from core.language.expression import ParsedExpression, parse_expression
from core.teaching import equality


class Form(NamedTuple):
    """A stored form: the row's id and everything `AnswerCheck` needs."""

    id: int
    text: str
    latex: str
    correct: bool
    slip: str | None
    message: str
    worst_point: float | None
    difference: float | None
    points: int
    proven: bool | None

    def check(self):
        """This form's verdict as `core.check_answer` gave it (with the class's slip)."""
        from core.teaching.answer_check import AnswerCheck

        return AnswerCheck(
            self.correct,
            self.worst_point,
            self.difference,
            self.message,
            self.points,
            self.proven,
            self.slip,
        )


FORM_COLUMNS = [getattr(schema.forms.c, name) for name in Form._fields]


def find_form(connection: Connection, question_id: str, text: str) -> Form | None:
    """The stored form of this canonical answer text, or None."""
    table = schema.forms
    row = connection.execute(
        sa.select(*FORM_COLUMNS).where(table.c.question_id == question_id, table.c.text == text)
    ).one_or_none()
    return None if row is None else Form(*row)


def judge_form(
    store: ClassStore, code: str, question, typed: ParsedExpression, answer: str
) -> Form:
    """The form of `typed` for `question`: read, or judged and stored (once, even when two
    processes judge it at the same time: the second insert does nothing)."""
    with store.read() as connection:
        form = find_form(connection, question.id, typed.text)
    if form is not None:
        return form
    values = judge(question, typed, answer)
    insert = store.insert(schema.forms).values(
        code=code, question_id=question.id, text=typed.text, latex=typed.latex, **values
    )
    with store.write() as connection:
        connection.execute(insert.on_conflict_do_nothing(index_elements=["question_id", "text"]))
        return find_form(connection, question.id, typed.text)


def judge(question, typed: ParsedExpression, answer: str) -> dict:
    """The columns of a new form: `core.check_answer`'s verdict on `answer`, the slip the
    class's dashboard names (`core.classroom.more_slips`), the values to group by."""
    from core.classroom.more_slips import class_slip
    from core.engines.symbolic import run_in_worker
    from core.errors import BudgetExceeded
    from core.teaching.answer_check import check_answer

    parsed = parse_expression(question.expression)
    check = check_answer(parsed, answer, question.order)
    slip, message = check.slip, check.message
    if not check.correct:
        try:
            # parameters take 1.0 for the numbers, as check_answer's default
            numbers = {parsed.symbols[name]: 1.0 for name in parsed.parameters}
            variable = parsed.symbols[parsed.variables[0]]
            found = run_in_worker(
                class_slip,
                (parsed.sympy, typed.sympy, variable, question.order, numbers, check.slip),
                what="Looking for a known slip",
            )
        except BudgetExceeded:
            found = None
        if found is not None and found.name != check.slip:
            slip, message = found.name, _with_slip(check.message, found)
    return {
        "correct": check.correct,
        "slip": slip,
        "message": message,
        "worst_point": check.worst_point,
        "difference": check.difference,
        "points": check.points,
        "proven": check.proven,
        "samples": sample_values(typed).tobytes(),
    }


def _with_slip(message: str, slip) -> str:
    """check_answer's message, its slip sentence replaced by the class's sharper one."""
    tail = message[message.find("Your answer") :] if "Your answer" in message else ""
    return (
        f"Not quite: this looks like a known slip, {slip.name}: {slip.explanation} {tail}".strip()
    )


def sample_values(typed: ParsedExpression) -> np.ndarray:
    """The answer's values at check_answer's sample points (parameters 1.0; nan where it is
    undefined): two answers with the same values are one group."""
    xs = equality.sample_points()
    env = {typed.variables[0]: xs, **dict.fromkeys(typed.parameters, 1.0)}
    with np.errstate(all="ignore"):
        values = np.asarray(typed.numpy(env), dtype=np.complex128)
    real = np.where(np.abs(values.imag) <= 1e-12 * np.abs(values.real), values.real, np.nan)
    return np.ascontiguousarray(np.broadcast_to(real, xs.shape), dtype=np.float64)
