"""The class's questions and answers as rows and as CSV, for the teacher's records.

A cell that a spreadsheet would read as a formula (one starting with =, +, −, @ or a
control character) is written with a leading apostrophe, as OWASP advises against CSV
injection: nicknames and answers are typed by students.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import NamedTuple

import sqlalchemy as sa

from core.classroom import schema
from core.classroom.store import ClassStore, check_teacher, find_class

HEADER = ("question", "function", "order", "nickname", "answer", "verdict", "slip", "time")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


class ExportRow(NamedTuple):
    """One student's counted answer to one question.

    Attributes:
        question: the question's number (1, 2, ...).
        function: f's canonical text.
        order: the derivative asked for.
        nickname: the student's nickname.
        answer: what they typed.
        verdict: "correct" or "wrong".
        slip: the named slip, or "".
        time: when the counted answer was sent (UTC, ISO 8601).
    """

    question: int
    function: str
    order: int
    nickname: str
    answer: str
    verdict: str
    slip: str
    time: str


def export_rows(store: ClassStore, code: str, teacher_key: str) -> list[ExportRow]:
    """Every counted answer of the class, by question then by nickname (teacher only).

    Raises:
        ClassError: unknown or ended class, or wrong teacher key.
    """
    answers, forms, questions, students = (
        schema.answers,
        schema.forms,
        schema.questions,
        schema.students,
    )
    with store.read() as connection:
        row = find_class(store, connection, code)
        check_teacher(row, teacher_key)
        rows = connection.execute(
            sa.select(
                questions.c.number,
                questions.c.expression,
                questions.c.order,
                students.c.nickname,
                answers.c.typed,
                forms.c.correct,
                forms.c.slip,
                answers.c.answered_at,
            )
            .join(questions, questions.c.id == answers.c.question_id)
            .join(students, students.c.id == answers.c.student_id)
            .join(forms, forms.c.id == answers.c.form_id)
            .where(answers.c.code == row.code)
            .order_by(questions.c.number, students.c.nickname_key)
        ).all()
    return [
        ExportRow(
            number,
            function,
            order,
            nickname,
            typed,
            "correct" if correct else "wrong",
            slip or "",
            dt.datetime.fromtimestamp(at, dt.UTC).isoformat(timespec="seconds"),
        )
        for number, function, order, nickname, typed, correct, slip, at in rows
    ]


def export_csv(store: ClassStore, code: str, teacher_key: str) -> str:
    """`export_rows` as CSV text with a header line (teacher only)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for row in export_rows(store, code, teacher_key):
        writer.writerow([_safe(cell) for cell in row])
    return buffer.getvalue()


def _safe(cell: object) -> object:
    if isinstance(cell, str) and cell.startswith(FORMULA_START):
        return "'" + cell
    return cell
