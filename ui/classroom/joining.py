"""The Class page outside a class: start one (a teacher) or join one (a student)."""

from __future__ import annotations

import streamlit as st

import core
from core.classroom import Burst
from ui.classroom import membership
from ui.classroom.membership import Member

JOINS, JOIN_WINDOW = 5, 30.0  # a session's tries to join: five in any 30 seconds


def render() -> None:
    """Two cards: start a class, join one (the code filled in from a join link)."""
    teach, join = st.columns(2)
    with teach.container(border=True):
        st.markdown("#### :material/co_present: Teach")
        st.caption("Start a class: students join with a code; their screens follow yours.")
        title = st.text_input("Title (optional)", key="class_title", max_chars=80)
        if st.button("Start a class", key="class_start", type="primary",
                     icon=":material/play_arrow:"):  # fmt: skip
            try:
                keys = core.start_class(membership.store(), title)
            except core.ClassError as error:
                st.error(str(error), icon=":material/error:")
            else:
                membership.set_member(Member(code=keys.code, teacher_key=keys.teacher_key))
                st.rerun()
    with join.container(border=True):
        st.markdown("#### :material/group_add: Join")
        code = st.text_input(
            "Class code", value=st.query_params.get(membership.CODE, ""), key="class_code",
            max_chars=12, placeholder="e.g. KXW7TQ",
        )  # fmt: skip
        nickname = st.text_input("Your nickname", key="class_nickname", max_chars=24,
                                 placeholder="what the class sees")  # fmt: skip
        if st.button("Join", key="class_join", type="primary", icon=":material/login:"):
            try:
                _joins().check("join")  # a burst from one session: a sentence, not a crash
                student = core.join_class(membership.store(), code, nickname)
            except core.ClassError as error:
                st.error(str(error), icon=":material/error:")
            else:
                membership.set_member(
                    Member(code=code.strip().upper(), student_id=student, nickname=nickname.strip())
                )
                st.rerun()


def _joins() -> Burst:
    """This session's recent tries to join (at most JOINS in JOIN_WINDOW seconds)."""
    return st.session_state.setdefault("class_join_burst", Burst(JOINS, JOIN_WINDOW))


def student(joined: Member) -> None:
    """The Class page for a student in a class."""
    st.success(f"You are in class **{joined.code}** as **{joined.nickname}**.",
               icon=":material/groups:")  # fmt: skip
    st.caption(
        "Your screen follows your teacher's, unless you explore on your own (the sidebar). "
        "Questions appear at the top of every page."
    )
    if st.button("Leave the class", key="class_leave", icon=":material/logout:"):
        membership.set_member(None)
        st.rerun()
