"""Questions and answers: the teacher asks "differentiate f (n times)", students answer.

An answer is parsed by the app's language (never evaluated), judged as
`core.check_answer` judges it (once per distinct answer, `core.classroom.judging`), and
stored with an UPSERT on (question, student): one answer per student and question, the
last one counts, and concurrent answers from any number of processes are each counted
exactly once.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import sqlalchemy as sa

from core.classroom import schema
from core.classroom.codes import new_id
from core.classroom.errors import ClassError
from core.classroom.judging import find_form, judge_form
from core.classroom.lessons import not_in_class_message
from core.classroom.limits import window_count
from core.classroom.store import ClassStore, check_teacher, find_class, touch
from core.errors import ExpressionError
from core.language.expression import ParsedExpression, parse_expression

MAX_ORDER = 10  # core.check_answer's limit (core.engines.autodiff.MAX_ORDER)


class Question(NamedTuple):
    """A question of a class.

    Attributes:
        id: its id (answers and results name it).
        number: 1, 2, ... in the order asked.
        expression: f's canonical text.
        latex: f in LaTeX.
        order: which derivative is asked for.
        asked_at: seconds since the epoch.
        closed: True once the teacher ended it (or asked the next): no more answers.
    """

    id: str
    number: int
    expression: str
    latex: str
    order: int
    asked_at: float
    closed: bool


QUESTION_COLUMNS = [getattr(schema.questions.c, name) for name in Question._fields]


def ask(store: ClassStore, code: str, teacher_key: str, expression: str, order: int = 1) -> str:
    """Ask "differentiate `expression` (`order` times)"; returns the question's id.

    The question before it is closed; students see the new one at their next poll.

    Raises:
        ClassError: unknown or ended class, wrong teacher key, an order out of 1..10, or an
            expression too long.
        ExpressionError: an expression that does not parse (with its position), or that
            is not a function of x alone and parameters.
    """
    if isinstance(order, bool) or not isinstance(order, int) or not 1 <= order <= MAX_ORDER:
        raise ClassError(f"Ask for a derivative of order 1 to {MAX_ORDER}.")
    if not isinstance(expression, str) or len(expression) > store.limits.question_length:
        raise ClassError(
            f"Shorten the question's function to {store.limits.question_length} characters."
        )
    parsed = read_typed(expression)
    question_id = new_id()
    table = schema.questions
    with store.write() as connection:
        row = find_class(store, connection, code, lock=True)
        check_teacher(row, teacher_key)
        number = connection.execute(
            sa.select(sa.func.count()).select_from(table).where(table.c.code == row.code)
        ).scalar_one()
        connection.execute(sa.update(table).where(table.c.code == row.code).values(closed=True))
        connection.execute(
            sa.insert(table).values(
                id=question_id,
                code=row.code,
                number=number + 1,
                expression=parsed.text,
                latex=parsed.latex,
                order=order,
                asked_at=store.clock(),
                closed=False,
            )
        )
        touch(store, connection, row.code, question_id=question_id, version=row.version + 1)
    return question_id


def end_question(store: ClassStore, code: str, teacher_key: str) -> None:
    """Close the current question: students see no prompt, later answers are refused.

    Raises:
        ClassError: unknown or ended class, or wrong teacher key.
    """
    with store.write() as connection:
        row = find_class(store, connection, code, lock=True)
        check_teacher(row, teacher_key)
        if row.question_id is None:
            return
        connection.execute(
            sa.update(schema.questions)
            .where(schema.questions.c.id == row.question_id)
            .values(closed=True)
        )
        touch(store, connection, row.code, question_id=None, version=row.version + 1)


def current_question(store: ClassStore, code: str) -> Question | None:
    """The question students are asked now, or None (anyone with the code may read it).

    Raises:
        ClassError: unknown or ended class.
    """
    with store.read() as connection:
        row = find_class(store, connection, code)
        if row.question_id is None:
            return None
        found = connection.execute(
            sa.select(*QUESTION_COLUMNS).where(schema.questions.c.id == row.question_id)
        ).one_or_none()
    return None if found is None else Question(*found)


def class_questions(store: ClassStore, code: str, teacher_key: str) -> list[Question]:
    """Every question of the class, first asked first (teacher only)."""
    table = schema.questions
    with store.read() as connection:
        row = find_class(store, connection, code)
        check_teacher(row, teacher_key)
        rows = connection.execute(
            sa.select(*QUESTION_COLUMNS).where(table.c.code == row.code).order_by(table.c.number)
        ).all()
    return [Question(*r) for r in rows]


def submit_answer(store: ClassStore, code: str, student_id: str, question_id: str, answer: str):
    """A student's answer: judged as `core.check_answer` judges it, stored (the last counts).

    Returns:
        The AnswerCheck (its `.slip` is the slip the teacher's dashboard names).

    Raises:
        ClassError: unknown or ended class, a student not in it, a question closed or not
            of this class, an answer too long, or too many answers in a short time.
        ExpressionError: an answer that does not parse (with its position), or that uses a
            parameter f does not have.
    """
    limits = store.limits
    if not isinstance(answer, str) or not answer.strip():
        raise ClassError("Type your answer first, then send it.")
    if len(answer) > limits.answer_length:
        raise ClassError(
            f"Your answer has {len(answer)} characters: shorten it to {limits.answer_length}."
        )
    typed = read_typed(answer)  # the language's bounds and errors, first
    with store.read() as connection:
        row = find_class(store, connection, code)
        question = question_of(connection, row.code, question_id)
        form = find_form(connection, question.id, typed.text)
    extra = sorted(set(typed.parameters) - _parameters(question.expression))
    if extra:
        raise ExpressionError(
            f"Your answer uses {extra[0]}, which f does not have: the derivative can use "
            "only x and f's parameters.",
            None,
        )
    if form is None:
        # A new answer: count it against the burst before its costly check is paid for.
        with store.write() as connection:
            _open_question(connection, row.code, question_id)
            _count_burst(store, connection, row.code, student_id)
        form = judge_form(store, row.code, question, typed, answer)
        counted = True
    else:
        counted = False  # a known answer: the burst is counted with the answer below
    upsert = store.insert(schema.answers).values(
        question_id=question.id,
        student_id=student_id,
        code=row.code,
        form_id=form.id,
        typed=answer,
        answered_at=store.clock(),
        tries=1,
    )
    upsert = upsert.on_conflict_do_update(
        index_elements=["question_id", "student_id"],
        set_={
            "form_id": upsert.excluded.form_id,
            "typed": upsert.excluded.typed,
            "answered_at": upsert.excluded.answered_at,
            "tries": schema.answers.c.tries + 1,
        },
    )
    with store.write() as connection:
        row = find_class(store, connection, code)
        _open_question(connection, row.code, question_id)  # still open (closing may race)
        if not counted:
            _count_burst(store, connection, row.code, student_id)
        connection.execute(upsert)
        touch(store, connection, row.code)
    return form.check()


def last_answer(store: ClassStore, code: str, student_id: str, question_id: str):
    """The student's counted answer to a question and its verdict, or None.

    Returns:
        (typed text, AnswerCheck), or None before they answer.
    """
    from core.classroom.judging import FORM_COLUMNS, Form

    answers, forms = schema.answers, schema.forms
    with store.read() as connection:
        row = find_class(store, connection, code)
        found = connection.execute(
            sa.select(answers.c.typed, *FORM_COLUMNS)
            .join(forms, forms.c.id == answers.c.form_id)
            .where(
                answers.c.code == row.code,
                answers.c.question_id == str(question_id),
                answers.c.student_id == str(student_id),
            )
        ).one_or_none()
    return None if found is None else (found[0], Form(*found[1:]).check())


def question_of(connection, code: str, question_id: str) -> Question:
    """The question of this class with this id, or ClassError."""
    table = schema.questions
    found = connection.execute(
        sa.select(*QUESTION_COLUMNS).where(table.c.id == str(question_id), table.c.code == code)
    ).one_or_none()
    if found is None:
        raise ClassError("This question is not in this class: pick a question of this class.")
    return Question(*found)


def _open_question(connection, code: str, question_id: str) -> Question:
    question = question_of(connection, code, question_id)
    if question.closed:
        raise ClassError(
            "Your teacher has closed this question: your answer was not counted. Wait for the "
            "next one."
        )
    return question


def _count_burst(store: ClassStore, connection, code: str, student_id: str) -> None:
    """One more answer in the student's burst window, or ClassError over the limit."""
    limits, table = store.limits, schema.students
    student = connection.execute(
        sa.select(table.c.burst_start, table.c.burst_count)
        .where(table.c.id == str(student_id), table.c.code == code)
        .with_for_update()
    ).one_or_none()
    if student is None:
        raise ClassError(not_in_class_message())
    start, count = window_count(
        student.burst_start, student.burst_count, store.clock(), limits.answer_window_s
    )
    if count > limits.answers_per_window:
        raise ClassError(
            f"You sent {limits.answers_per_window} answers in a few seconds: wait "
            f"{limits.answer_window_s:g} seconds, then send your answer again."
        )
    connection.execute(
        sa.update(table)
        .where(table.c.id == str(student_id))
        .values(burst_start=start, burst_count=count)
    )


@functools.lru_cache(maxsize=1024)
def read_typed(text: str) -> ParsedExpression:
    """Typed text parsed by the app's language in a killable worker
    (`core.engines.bounded_parse`): SymPy can take minutes to build a hostile nesting, and a
    server thread must not. Cached in each process: a class types the same answers.

    Raises:
        ExpressionError: the parser's sentence (with its position), or the budget's.
    """
    from core.engines.bounded_parse import parse_bounded

    return parse_bounded(text, ("x",))


@functools.lru_cache(maxsize=256)
def _parameters(expression: str) -> frozenset[str]:
    """f's parameters (cached: every answer to a question asks)."""
    return frozenset(parse_expression(expression, ("x",)).parameters)
