"""A running class around every page: the teacher's view pushed, the students' screens following.

app.py calls, on every run: `before_page(current)` (a student's pause card, following the
teacher, the question asked), then `sidebar(current)` (the compact control, and a
student's poll, which compares with the version before_page read), and after the page
`after_page(current)` (the teacher's view, pushed when it changed).

A student learns of a change by one cheap read: the class view's version (one row by its
primary key). Under a Streamlit server, one thread per process reads it for every class
it has students of and reruns the sessions that have not seen it (ui.classroom.waker);
each student's fragment then only checks every SAFETY_POLL seconds, in case. Elsewhere
(AppTest) the fragment reads it every POLL seconds. Only when the version changed does
the whole page run again and act on it. Following opens the teacher's page at the teacher's
link (ui.navigate.open_view): every control is bound to the link, so the link is the view.
"""

from __future__ import annotations

import contextlib
import urllib.parse
from pathlib import Path

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

import core
from ui import instructor, navigate
from ui.classroom import membership, question_card, waker
from ui.classroom.membership import Member

POLL = 1.0  # seconds between a student's version checks where no waker runs
SAFETY_POLL = 10.0  # the same where the waker wakes students (ui.classroom.waker)
FOLLOW = "class_follow"  # the teacher's "Students follow me" switch
PAUSE = "class_pause"  # the teacher's "Eyes on me" switch
PUSHED = "class_pushed"  # (page, query, paused) the teacher pushed last
READ = "class_read_version"  # the class's version this run read (seen once shown)
CLASS_VIEW = "views/classroom.py"
NOT_FOLLOWED = (CLASS_VIEW, navigate.HOP)  # pages a class does not follow the teacher to
NOT_A_VIEW = {*instructor.KEPT, membership.CODE, membership.KEY}  # names outside a view


def page_name(view: str) -> str:
    """The name a class knows a page by: its file's stem ("explorer", "fd_lab")."""
    return Path(view).stem


def current_query() -> str:
    """The current view's link query: every name but the instructor's and the class's."""
    pairs = [
        (name, value)
        for name in st.query_params
        if name not in NOT_A_VIEW
        for value in st.query_params.get_all(name)
    ]
    return urllib.parse.urlencode(pairs)


def sidebar(current: str) -> None:
    """The compact control of a running class, in the sidebar (nothing outside a class)."""
    joined = membership.member()
    if joined is None:
        return
    with st.sidebar.container(border=True):
        if joined.is_teacher:
            _teacher_control(joined, current)
        else:
            _student_control(joined)
            (_safety_poll if waker.available() else _poll)(joined.code)


def _teacher_control(joined: Member, current: str) -> None:
    st.markdown(f"**Class {joined.code}** · you teach")
    st.toggle("Students follow me", key=FOLLOW, value=True,
              help="Every page and view you show opens on their screens.")  # fmt: skip
    st.toggle("Eyes on me (pause)", key=PAUSE, value=False, on_change=_push_pause,
              args=(joined, current),
              help="Students see a pause card until you resume.")  # fmt: skip
    st.page_link(CLASS_VIEW, label="Class dashboard", icon=":material/groups:")


def _student_control(joined: Member) -> None:
    st.markdown(f"**Class {joined.code}** · {joined.nickname}")
    if joined.following:
        st.caption("Your screen follows the teacher's.")
        st.button("Explore on my own", key="class_explore", icon=":material/explore:",
                  on_click=_set_following, args=(joined, False))  # fmt: skip
    else:
        st.caption("You explore on your own.")
        st.button("Rejoin the teacher", key="class_rejoin", icon=":material/group:",
                  type="primary", on_click=_set_following, args=(joined, True))  # fmt: skip


def _set_following(joined: Member, following: bool) -> None:
    with contextlib.suppress(core.ClassError):  # ended: the next run says so
        core.set_following(membership.store(), joined.code, joined.student_id, following)
    membership.set_member(joined._replace(following=following))
    st.session_state.pop(membership.SEEN, None)  # rejoining: open the teacher's view now


def _check(code: str) -> None:
    """A student's check for a new view, pause or question: one row read (in the
    fragment's own runs; the page's run reads the class itself)."""
    ctx = get_script_run_ctx()
    if ctx is None or not ctx.fragment_ids_this_run:
        return
    seen = st.session_state.get(membership.SEEN)
    try:
        version = core.view_version(membership.store(), code)
    except core.ClassError:
        version = -1  # ended: the page's next run says so
    if version != seen:
        st.rerun(scope="app")


_poll = st.fragment(_check, run_every=POLL)
_safety_poll = st.fragment(_check, run_every=SAFETY_POLL)


def before_page(current: str) -> bool:
    """A student's class, before the page: the class ended, the pause card, the teacher's
    view to follow, the question asked. Call it before `sidebar` (whose poll compares
    with the version read here); may open another page.

    Returns:
        Whether to run the page (not while the class is paused).
    """
    joined = membership.member()
    if joined is None or joined.is_teacher:
        return True
    try:
        view = core.class_view(membership.store(), joined.code)
    except core.ClassError as error:
        membership.set_member(None)
        st.warning(str(error), icon=":material/door_open:")
        return True
    seen = st.session_state.get(membership.SEEN)
    st.session_state[READ] = view.version  # seen once the run has shown it (after_page)
    if view.paused:
        _pause_card()
        return False
    # On the hop page without a view to open, the waker sent a follower here to open the
    # class's view in one step (ui.classroom.waker).
    hopped = current == navigate.HOP and navigate.PENDING not in st.session_state
    if joined.following and view.page and (seen != view.version or hopped):
        _follow(view, current)
    question_card.show(joined)
    return True


def _follow(view: core.ClassView, current: str) -> None:
    target = f"views/{view.page}.py"
    if target == current and view.query == current_query():
        return  # already there
    query = {
        name: values[0] if len(values) == 1 else values
        for name, values in urllib.parse.parse_qs(view.query, keep_blank_values=True).items()
    }
    navigate.open_view(target, query, current)


def _pause_card() -> None:
    with st.container(border=True):
        st.markdown("## :material/visibility: Eyes on your teacher")
        st.caption("The class is paused; your screen comes back when your teacher resumes.")


def after_page(current: str) -> None:
    """A student's run, done: the class's version it read is seen (a run cut short, by a
    page switch or otherwise, leaves it unseen, so the student is woken again).
    The teacher's view, pushed to the class when it changed (with "Students follow me")."""
    joined = membership.member()
    if joined is not None and not joined.is_teacher:
        _seen(joined, current)
        return
    if joined is None or current in NOT_FOLLOWED:
        return
    if not st.session_state.get(FOLLOW, True):
        return
    _push(joined, page_name(current), current_query(), bool(st.session_state.get(PAUSE)))


def _seen(joined: Member, current: str) -> None:
    """Mark the version this run read as seen, and tell this process's waker so."""
    if READ not in st.session_state:
        return
    st.session_state[membership.SEEN] = seen = st.session_state.pop(READ)
    if waker.available():
        ctx = get_script_run_ctx()
        shown = (page_name(current), current_query()) if joined.following else None
        waker.waker(membership.store()).watch(joined.code, ctx.session_id, seen, shown)


def _push_pause(joined: Member, current: str) -> None:
    pushed = st.session_state.get(PUSHED)
    page, query = (pushed[0], pushed[1]) if pushed else ("", "")
    if current not in NOT_FOLLOWED:
        page, query = page_name(current), current_query()
    _push(joined, page, query, bool(st.session_state.get(PAUSE)))


def _push(joined: Member, page: str, query: str, paused: bool) -> None:
    view = (page, query, paused)
    if st.session_state.get(PUSHED) == view:
        return  # nothing changed: no write
    try:
        core.push_view(membership.store(), joined.code, joined.teacher_key, page, query, paused)
    except core.ClassError as error:
        st.sidebar.error(str(error), icon=":material/error:")
        return
    st.session_state[PUSHED] = view
