"""The question a teacher asks, on a student's screen: the prompt, an answer box, the verdict.

Shown above whatever page the student is on, while the question is open. The answer is
typed in the app's language (read back as it is understood, as everywhere) and judged
by the store as `core.check_answer` judges (core.submit_answer); the last answer sent
counts.
"""

from __future__ import annotations

import streamlit as st

import core
from core import ExpressionError
from core.figures.plotting import order_name
from ui.cached import parse as parse_typed
from ui.classroom import membership
from ui.classroom.membership import Member
from ui.reading import show_reading

VERDICT = "class_verdict"  # (question id, AnswerCheck) of this session's last answer


def prompt_latex(question: core.Question) -> str:
    """The question as a formula: d/dx (f), or dⁿ/dxⁿ (f)."""
    power = "" if question.order == 1 else f"^{{{question.order}}}"
    return rf"\frac{{d{power}}}{{dx{power}}}\left({question.latex}\right)"


def show(joined: Member) -> None:
    """The open question's card for a student, or nothing when no question is open."""
    try:
        question = core.current_question(membership.store(), joined.code)
    except core.ClassError:
        return
    if question is None:
        return
    with st.container(border=True, key="class_question"):
        st.markdown(f"**Question {question.number} from your teacher:** differentiate")
        st.latex(prompt_latex(question))
        _answer_box(joined, question)


def _answer_box(joined: Member, question: core.Question) -> None:
    box, send = st.columns([4, 1], vertical_alignment="bottom")
    text = box.text_input(
        f"Your answer: {order_name(question.order)}(x) =", key=f"class_answer_{question.id}",
        max_chars=200, placeholder="e.g. 2x cos(x^2)",
    )  # fmt: skip
    if text.strip():
        try:
            show_reading(parse_typed(text), box)
        except ExpressionError as error:
            box.caption(f":material/error: {error}")
    if send.button("Send", key=f"class_send_{question.id}", icon=":material/send:",
                   type="primary", disabled=not text.strip()):  # fmt: skip
        try:
            check = core.submit_answer(
                membership.store(), joined.code, joined.student_id, question.id, text
            )
        except (core.ClassError, ExpressionError) as error:
            st.error(str(error), icon=":material/error:")
            return
        st.session_state[VERDICT] = (question.id, check)
    verdict = st.session_state.get(VERDICT)
    if verdict is not None and verdict[0] == question.id:
        check = verdict[1]
        if check.correct:
            st.success(check.message, icon=":material/check_circle:")
        else:
            st.error(check.message, icon=":material/cancel:")
