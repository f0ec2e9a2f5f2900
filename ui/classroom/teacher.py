"""The Class page for its teacher: the code to project, the students, asking, ending.

The live answers are drawn by ui.classroom.dashboard; the view students follow is
pushed from every page (ui.classroom.live).
"""

from __future__ import annotations

import contextlib

import segno
import streamlit as st

import core
from ui import instructor
from ui.classroom import dashboard, membership
from ui.classroom.membership import Member

ANONYMISE = "class_anonymise"


def render(joined: Member) -> None:
    """The teacher's Class page."""
    code_column, qr_column = st.columns([3, 2])
    with code_column:
        st.markdown("Students open the join link (or scan the code) and type a nickname, or "
                    "open this app's **Class** page and type the code:")  # fmt: skip
        st.markdown(
            f"<div style='font-size:4.5rem;font-weight:700;letter-spacing:0.35em' "
            f"aria-label='Class code {' '.join(joined.code)}'>{joined.code}</div>",
            unsafe_allow_html=True,
        )
        st.code(membership.join_link(joined.code), language=None)
        with st.expander("Your control link (keep it to yourself)", icon=":material/key:"):
            st.caption("Opens this class as its teacher on another device, or after a reload.")
            st.code(membership.control_link(joined.code, joined.teacher_key), language=None)
    qr_column.html(_qr(membership.join_link(joined.code)))
    _students(joined)
    st.divider()
    dashboard.ask_form(joined)
    dashboard.live(joined)
    st.divider()
    _end(joined)


def _qr(link: str) -> str:
    """The join link as a QR code large enough to scan from the back of a room."""
    svg = segno.make(link, error="m").svg_inline(scale=10, border=2, dark="#1F1F1F")
    return f"<div role='img' aria-label='QR code of the join link'>{svg}</div>"


@st.fragment(run_every=3.0)
def _students(joined: Member) -> None:
    try:
        students = core.class_students(membership.store(), joined.code, joined.teacher_key)
    except core.ClassError as error:
        st.error(str(error), icon=":material/error:")
        return
    following = sum(student.following for student in students)
    st.subheader(f"{len(students)} students · {following} follow you")
    anonymise = st.toggle(
        "Anonymise names", key=ANONYMISE, value=instructor.projector_on(),
        help="Shows Student 1, 2, … instead of nicknames (on by default in projector style).",
    )  # fmt: skip
    if students:
        names = [
            (f"Student {student.number}" if anonymise else student.nickname)
            + ("" if student.following else " (exploring)")
            for student in students
        ]
        st.caption(" · ".join(names))


def _end(joined: Member) -> None:
    store, code, key = membership.store(), joined.code, joined.teacher_key
    try:
        core.export_csv(store, code, key)  # an ended class says so here, not in a download
    except core.ClassError as error:
        st.error(str(error), icon=":material/error:")
        return
    left, right = st.columns(2)
    # The CSV is made when the button is clicked: the answers come in while only the
    # dashboard's fragment reruns, so bytes made at the page's last full run miss them.
    left.download_button(
        "Download answers (CSV)", lambda: core.export_csv(store, code, key),
        file_name=f"class-{code}.csv", mime="text/csv",
        icon=":material/download:", key="class_export",
        help="Every question and answer: nickname, answer, verdict, slip, time.",
    )  # fmt: skip
    ends = "Students are told the class has ended; its answers are deleted."
    if right.button("End the class", key="class_end", icon=":material/logout:", help=ends):
        with contextlib.suppress(core.ClassError):  # ended already
            core.end_class(membership.store(), joined.code, joined.teacher_key)
        membership.set_member(None)
        st.rerun()
