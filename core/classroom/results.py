"""The teacher's dashboard: answered, correct, and the answers grouped by equivalence.

One GROUP BY counts the answers per stored form (distinct canonical text); forms are then
merged into groups by their values at the sample points, which were stored when each was
first judged (`core.classroom.judging`): no SymPy here, only NumPy on at most a few dozen
short arrays. Every right answer is one group (they all equal f^(n)); two wrong answers
are one group when their values agree wherever both are defined, as `core.check_answer`
compares values.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import sqlalchemy as sa

from core.classroom import schema
from core.classroom.questions import question_of
from core.classroom.store import ClassStore, check_teacher, find_class
from core.teaching import equality


class AnswerGroup(NamedTuple):
    """Answers that are one function.

    Attributes:
        latex: the group's most sent form, in LaTeX.
        count: how many students' answers are in it.
        correct: whether it is the asked derivative.
        mistake: the known slip that explains it (e.g. "chain rule: the inner derivative is
            missing"), or None.
        texts: the distinct canonical texts in it, most sent first.
    """

    latex: str
    count: int
    correct: bool
    mistake: str | None
    texts: tuple[str, ...] = ()


class ClassResults(NamedTuple):
    """A question's results.

    Attributes:
        students: students in the class.
        answered: students who answered this question.
        correct: students whose (last) answer is right.
        groups: the answers grouped by equivalence, right first, then by count.
    """

    students: int
    answered: int
    correct: int
    groups: list[AnswerGroup]


class _Form(NamedTuple):
    text: str
    latex: str
    correct: bool
    slip: str | None
    samples: bytes
    count: int


def class_results(store: ClassStore, code: str, teacher_key: str, question_id: str) -> ClassResults:
    """Tally a question's answers (teacher only).

    Raises:
        ClassError: unknown or ended class, wrong teacher key, or a question not of this class.
    """
    answers, forms = schema.answers, schema.forms
    count = sa.func.count().label("count")
    with store.read() as connection:
        row = find_class(store, connection, code)
        check_teacher(row, teacher_key)
        question_of(connection, row.code, question_id)
        tally = (
            sa.select(answers.c.form_id, count)
            .where(answers.c.question_id == str(question_id))
            .group_by(answers.c.form_id)
            .subquery()
        )
        rows = connection.execute(
            sa.select(
                forms.c.text,
                forms.c.latex,
                forms.c.correct,
                forms.c.slip,
                forms.c.samples,
                tally.c.count,
            ).join(tally, tally.c.form_id == forms.c.id)
        ).all()
    found = [_Form(*r) for r in rows]
    groups = group_forms(found)
    answered = sum(form.count for form in found)
    right = sum(form.count for form in found if form.correct)
    return ClassResults(row.students, answered, right, groups)


def group_forms(found: list[_Form]) -> list[AnswerGroup]:
    """Merge forms into groups of equal functions; right groups first, then most sent."""
    xs = equality.sample_points()
    clusters: list[list[_Form]] = []
    leaders: list[np.ndarray] = []
    right: list[_Form] = []
    for form in sorted(found, key=lambda f: (-f.count, f.text)):
        if form.correct:
            right.append(form)
            continue
        values = np.frombuffer(form.samples, dtype=np.float64)
        for cluster, leader in zip(clusters, leaders, strict=True):
            if _same(leader, values, xs):
                cluster.append(form)
                break
        else:
            clusters.append([form])
            leaders.append(values)
    groups = [_group(cluster) for cluster in ([right] if right else []) + clusters]
    return sorted(groups, key=lambda g: (not g.correct, -g.count))


def _same(a: np.ndarray, b: np.ndarray, xs: np.ndarray) -> bool:
    """Equal where both are defined, defined at the same points, as check_answer compares."""
    if not np.array_equal(np.isnan(a), np.isnan(b)):
        return False
    comparison = equality.compare_values(a, b, xs)
    return comparison.decided and comparison.agree


def _group(cluster: list[_Form]) -> AnswerGroup:
    slips = [form.slip for form in cluster if form.slip]
    mistake = max(sorted(set(slips)), key=slips.count) if slips else None
    return AnswerGroup(
        latex=cluster[0].latex,
        count=sum(form.count for form in cluster),
        correct=cluster[0].correct,
        mistake=mistake,
        texts=tuple(form.text for form in cluster),
    )
