"""The teacher's question: asking it, and the answers as they come in, grouped, slips named.

Answers are grouped by mathematical equivalence in the store (core.class_results: each
distinct answer is judged once, when it arrives), so the dashboard's refresh every
REFRESH seconds is one grouped read, whatever the size of the class.
"""

from __future__ import annotations

import contextlib

import streamlit as st

import core
from ui.classroom import membership
from ui.classroom.membership import Member
from ui.classroom.question_card import prompt_latex

REFRESH = 1.0  # seconds between the dashboard's reads (one grouped read: the teacher alone)
PROJECTED = "class_projected"  # the group shown large, by its index, or None
MAX_ORDER = 4


def ask_form(joined: Member) -> None:
    """Ask the class to differentiate a function (the Explorer's, unless another is typed)."""
    st.subheader("Ask the class")
    function, order, button = st.columns([4, 1, 1], vertical_alignment="bottom")
    text = function.text_input(
        "Differentiate f(x) =", value=st.session_state.get("f") or "sin(x^2)",
        key="class_ask_f", max_chars=500,
        help="Starts as the Explorer's function; students answer in the same notation.",
    )  # fmt: skip
    n = order.number_input("Order", 1, MAX_ORDER, 1, key="class_ask_n")
    if button.button("Ask", key="class_ask", icon=":material/quiz:", type="primary"):
        try:
            core.ask(membership.store(), joined.code, joined.teacher_key, text, int(n))
        except (core.ClassError, core.ExpressionError) as error:
            st.error(str(error), icon=":material/error:")
        else:
            st.session_state[PROJECTED] = None


@st.fragment(run_every=REFRESH)
def live(joined: Member) -> None:
    """The open question's answers, refreshed while the page is shown."""
    store = membership.store()
    try:
        question = core.current_question(store, joined.code)
        if question is None:
            st.caption("No question is open. Ask one above: students see it on any page.")
            return
        results = core.class_results(store, joined.code, joined.teacher_key, question.id)
    except core.ClassError as error:
        st.error(str(error), icon=":material/error:")
        return
    st.markdown(f"**Question {question.number}:**")
    st.latex(prompt_latex(question))
    answered, correct, students = results.answered, results.correct, results.students
    a, b, c = st.columns(3)
    a.metric("Answered", f"{answered} of {students}")
    b.metric("Correct", f"{correct}")
    c.metric("Wrong", f"{answered - correct}")
    _groups(results)
    if st.button("End the question", key="class_end_question", icon=":material/stop_circle:"):
        with contextlib.suppress(core.ClassError):
            core.end_question(store, joined.code, joined.teacher_key)
        st.session_state[PROJECTED] = None
        st.rerun(scope="fragment")


def _groups(results: core.ClassResults) -> None:
    if not results.groups:
        st.caption("No answers yet.")
        return
    projected = st.session_state.get(PROJECTED)
    if projected is not None and projected < len(results.groups):
        _projected(results.groups[projected])
    for index, group in enumerate(results.groups):
        with st.container(border=True):
            formula, count, action = st.columns([5, 2, 2], vertical_alignment="center")
            formula.latex(group.latex)
            verdict = ":green[right]" if group.correct else ":red[wrong]"
            slip = f" · **{group.mistake}**" if group.mistake else ""
            count.markdown(f"**{group.count}** × {verdict}{slip}")
            if action.button("Project", key=f"class_project_{index}",
                             icon=":material/present_to_all:"):  # fmt: skip
                st.session_state[PROJECTED] = index
                st.rerun(scope="fragment")


def _projected(group: core.AnswerGroup) -> None:
    """One group large, without names, for the class to discuss."""
    with st.container(border=True):
        what = "right" if group.correct else "wrong"
        st.markdown(f"#### {group.count} of you answered ({what})")
        st.latex(rf"\Large {group.latex}")
        if group.mistake:
            st.markdown(f"The slip: **{group.mistake}**")
        if st.button("Stop projecting", key="class_unproject"):
            st.session_state[PROJECTED] = None
            st.rerun(scope="fragment")
