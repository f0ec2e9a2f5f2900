"""Judge each distinct answer to a question once, and keep the verdict with the question.

The first student to send an answer (by its canonical text: `2x` and `2*x` are one) pays
for `core.check_answer` (its slip search included); the verdict, the slip's name and the
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
        """This form's verdict as `core.check_answer` gave it."""
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
    """The columns of a new form: `core.check_answer`'s verdict on `answer`, with the slip
    it names (`core.teaching.slips`: one search, the class's sharper names included, so
    nothing is searched again here), and the values to group by."""
    from core.teaching.answer_check import check_answer

    check = check_answer(parse_expression(question.expression), answer, question.order)
    return {
        "correct": check.correct,
        "slip": check.slip,
        "message": check.message,
        "worst_point": check.worst_point,
        "difference": check.difference,
        "points": check.points,
        "proven": check.proven,
        "samples": sample_values(typed).tobytes(),
    }


def sample_values(typed: ParsedExpression) -> np.ndarray:
    """The answer's values at check_answer's sample points (parameters 1.0; nan where it is
    undefined): two answers with the same values are one group."""
    xs = equality.sample_points()
    env = {typed.variables[0]: xs, **dict.fromkeys(typed.parameters, 1.0)}
    with np.errstate(all="ignore"):
        values = np.asarray(typed.numpy(env), dtype=np.complex128)
    real = np.where(np.abs(values.imag) <= 1e-12 * np.abs(values.real), values.real, np.nan)
    return np.ascontiguousarray(np.broadcast_to(real, xs.shape), dtype=np.float64)
