"""Questions, answers and the dashboard on SQLite and PostgreSQL (issue 24): answers judged
as `core.check_answer` judges them, the last one counted, grouped by equivalence with the
slip named, bounded, and exported."""

from __future__ import annotations

import csv
import io

import pytest

import core
from core.classroom import ClassError, Limits, judging
from core.teaching import answer_check, slips


@pytest.fixture
def lesson(store):
    """A class with nine students and the question "differentiate sin(x²)"."""
    keys = core.start_class(store)
    names = ["Ana", "Bob", "Chloé", "Dan", "Eve", "-Fay", "Gus", "Hui", "Ida"]
    students = {name: core.join_class(store, keys.code, name) for name in names}
    question = core.ask(store, keys.code, keys.teacher_key, "sin(x^2)")
    return store, keys, students, question


ANSWERS = {  # nickname -> answer; Ida does not answer
    "Ana": "2x cos(x^2)",
    "Bob": "2*x*cos(x**2)",  # the same canonical text as Ana's
    "Chloé": "cos(x²)·2x",  # equivalent, another text
    "Dan": "cos(x^2)",  # chain rule
    "Eve": "cos(x^2)",
    "-Fay": "cos(x x)",  # the chain-rule slip, written otherwise
    "Gus": "-2x cos(x^2)",  # sign
    "Hui": "x",  # no known slip
}


def submit_all(store, keys, students, question):
    return {
        name: core.submit_answer(store, keys.code, students[name], question, answer)
        for name, answer in ANSWERS.items()
    }


def test_answers_are_grouped_by_equivalence_with_the_slip_named(lesson):
    store, keys, students, question = lesson
    checks = submit_all(store, keys, students, question)
    f = core.parse_expression("sin(x^2)")
    for name, answer in ANSWERS.items():  # judged as check_answer judges
        expected = core.check_answer(f, answer)
        assert checks[name].correct == expected.correct, name
        assert checks[name].slip == expected.slip, name
        assert checks[name].message == expected.message, name
    results = core.class_results(store, keys.code.lower(), keys.teacher_key, question)
    assert (results.students, results.answered, results.correct) == (9, 8, 3)
    summary = [(g.count, g.correct, g.mistake) for g in results.groups]
    assert summary == [
        (3, True, None),
        (3, False, slips.CHAIN),
        (1, False, slips.SIGN),
        (1, False, None),
    ]
    right, chain = results.groups[0], results.groups[1]
    assert right.latex == r"2 x \cos{\left(x^{2} \right)}"  # the most sent form
    assert set(right.texts) == {"2*x*cos(x**2)", judging_text("cos(x²)·2x")}
    assert set(chain.texts) == {"cos(x**2)", judging_text("cos(x x)")}


def judging_text(answer: str) -> str:
    return core.parse_expression(answer).text


def test_the_last_answer_counts_once(lesson):
    store, keys, students, question = lesson
    ana = students["Ana"]
    first = core.submit_answer(store, keys.code, ana, question, "cos(x^2)")
    assert not first.correct
    assert first.slip == slips.CHAIN
    second = core.submit_answer(store, keys.code, ana, question, "2x cos(x^2)")
    assert second.correct
    results = core.class_results(store, keys.code, keys.teacher_key, question)
    assert (results.answered, results.correct, len(results.groups)) == (1, 1, 1)
    typed, check = core.last_answer(store, keys.code, ana, question)
    assert typed == "2x cos(x^2)"
    assert check.correct
    assert core.last_answer(store, keys.code, students["Bob"], question) is None
    (row,) = core.export_rows(store, keys.code, keys.teacher_key)
    assert (row.nickname, row.answer, row.verdict) == ("Ana", "2x cos(x^2)", "correct")


def test_a_known_answer_is_not_judged_again_and_results_run_no_check(lesson, monkeypatch):
    store, keys, students, question = lesson
    core.submit_answer(store, keys.code, students["Ana"], question, "cos(x^2)")

    def no_check(*_args, **_kwargs):
        raise AssertionError("check_answer ran again")

    monkeypatch.setattr(answer_check, "check_answer", no_check)
    for name, same_text in (("Bob", "cos(x**2)"), ("Dan", "cos(x²)")):
        check = core.submit_answer(store, keys.code, students[name], question, same_text)
        assert check.slip == slips.CHAIN
        assert not check.correct
    results = core.class_results(store, keys.code, keys.teacher_key, question)
    assert results.answered == 3
    assert results.groups[0].count == 3
    new_text = "cos(x*x)"  # equivalent, but a new text: it is judged (the patch would fail)
    with pytest.raises(AssertionError, match="ran again"):
        core.submit_answer(store, keys.code, students["Eve"], question, new_text)


def test_the_class_names_the_sharper_slip(store):
    keys = core.start_class(store)
    student = core.join_class(store, keys.code, "Ana")
    question = core.ask(store, keys.code, keys.teacher_key, "ln(x^2 + 1)")
    check = core.submit_answer(store, keys.code, student, question, "1/(x^2 + 1)")
    assert check.slip == slips.LOG
    assert check.message.startswith(f"Not quite: this looks like a known slip, {slips.LOG}")
    assert "Your answer" in check.message
    (group,) = core.class_results(store, keys.code, keys.teacher_key, question).groups
    assert group.mistake == slips.LOG


@pytest.mark.parametrize(
    ("answer", "error", "sentence"),
    [
        ("", ClassError, r"Type your answer first"),
        ("   ", ClassError, r"Type your answer first"),
        ("x" * 201, ClassError, r"201 characters: shorten it to 200\."),
        ("2x cos(x^2", core.ExpressionError, r"."),
        ("__import__('os').system('true')", core.ExpressionError, r"."),
        ("2a x cos(x^2)", core.ExpressionError, r"uses a, which f does not have"),
    ],
)
def test_bad_answers_are_refused_and_not_counted(lesson, answer, error, sentence):
    store, keys, students, question = lesson
    with pytest.raises(error, match=sentence):
        core.submit_answer(store, keys.code, students["Ana"], question, answer)
    assert core.class_results(store, keys.code, keys.teacher_key, question).answered == 0


def test_answers_need_a_student_of_the_class_and_an_open_question(lesson):
    store, keys, students, question = lesson
    other = core.start_class(store)
    stranger = core.join_class(store, other.code, "Zed")
    with pytest.raises(ClassError, match=r"You are not in this class .* join again"):
        core.submit_answer(store, keys.code, stranger, question, "x")
    with pytest.raises(ClassError, match=r"not in this class: pick a question"):
        core.submit_answer(store, other.code, stranger, question, "x")
    core.end_question(store, keys.code, keys.teacher_key)
    with pytest.raises(ClassError, match=r"closed this question: your answer was not counted"):
        core.submit_answer(store, keys.code, students["Ana"], question, "x")
    assert core.class_results(store, keys.code, keys.teacher_key, question).answered == 0


def test_a_burst_of_answers_is_refused_with_a_sentence(make_store, clock):
    store = make_store(Limits(answers_per_window=3, answer_window_s=10.0))
    keys = core.start_class(store)
    ana = core.join_class(store, keys.code, "Ana")
    bob = core.join_class(store, keys.code, "Bob")
    question = core.ask(store, keys.code, keys.teacher_key, "x^2")
    for answer in ("2x", "x", "2x"):
        core.submit_answer(store, keys.code, ana, question, answer)
    with pytest.raises(ClassError, match=r"You sent 3 answers in a few seconds: wait 10 seconds"):
        core.submit_answer(store, keys.code, ana, question, "x")
    core.submit_answer(store, keys.code, bob, question, "x")  # another student is not held up
    clock.advance(10.0)
    core.submit_answer(store, keys.code, ana, question, "x")
    results = core.class_results(store, keys.code, keys.teacher_key, question)
    assert (results.answered, results.correct) == (2, 0)


def test_the_export_has_every_counted_answer_and_no_formula(lesson):
    store, keys, students, question = lesson
    submit_all(store, keys, students, question)
    second = core.ask(store, keys.code, keys.teacher_key, "x^3", 2)
    core.submit_answer(store, keys.code, students["Ida"], second, "6x")
    rows = core.export_rows(store, keys.code, keys.teacher_key)
    assert len(rows) == 9
    assert [r.question for r in rows] == [1] * 8 + [2]
    by_name = {(r.question, r.nickname): r for r in rows}
    assert by_name[1, "Dan"].slip == slips.CHAIN
    assert by_name[1, "Dan"].verdict == "wrong"
    assert by_name[1, "Ana"].verdict == "correct"
    assert by_name[2, "Ida"][1:3] == ("x**3", 2)
    assert by_name[1, "Ana"].time.endswith("+00:00")
    parsed = list(csv.reader(io.StringIO(core.export_csv(store, keys.code, keys.teacher_key))))
    assert parsed[0] == ["question", "function", "order", "nickname", "answer", "verdict",
                         "slip", "time"]  # fmt: skip
    assert len(parsed) == 10
    cells = [cell for row in parsed for cell in row]
    assert "'-Fay" in cells  # a cell a spreadsheet would run is neutralised
    assert "'-2x cos(x^2)" in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)


def test_judged_values_are_nan_where_the_answer_is_undefined():
    values = judging.sample_values(core.parse_expression("sqrt(x)"))
    xs = core.classroom.results.equality.sample_points()
    assert ((xs < 0) == (values != values)).all()
