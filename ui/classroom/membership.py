"""Who this browser session is in a live class: nobody, its teacher, or one of its students.

The class itself lives in the store every replica reaches (core.classroom); a session
keeps only what identifies it there: the class code and the teacher key or the student's
id. A teacher who reloads opens the control link (`?code=…&key=…`), which gives the role
back; a student reopens the join link and joins again.
"""

from __future__ import annotations

import urllib.parse
from typing import NamedTuple

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

import core
from ui.classroom import waker

MEMBER = "class_member"  # the session's Member, absent outside a class
SEEN = "class_seen_version"  # the class view's version this session has acted on
CODE, KEY = "code", "key"  # the join link's and the control link's query names
CLASS_PAGE = "class"  # the Class page's url path


class Member(NamedTuple):
    """This session's place in a class.

    Attributes:
        code: the class code.
        teacher_key: the teacher's secret, or None for a student.
        student_id: the student's id, or None for the teacher.
        nickname: the student's nickname ("" for the teacher).
        following: a student's screen follows the teacher's.
    """

    code: str
    teacher_key: str | None = None
    student_id: str | None = None
    nickname: str = ""
    following: bool = True

    @property
    def is_teacher(self) -> bool:
        return self.teacher_key is not None


@st.cache_resource(show_spinner=False)
def store() -> core.ClassStore:
    """The class store every session of this process shares (its URL from the
    environment: core.class_store)."""
    return core.class_store()


def member() -> Member | None:
    return st.session_state.get(MEMBER)


def set_member(value: Member | None) -> None:
    if value is None:
        st.session_state.pop(MEMBER, None)
        st.session_state.pop(SEEN, None)
        ctx = get_script_run_ctx()
        if ctx is not None and waker.available():  # no longer woken with the class
            waker.waker(store()).forget(ctx.session_id)
    else:
        st.session_state[MEMBER] = value


def base_url() -> str:
    """The app's address as the browser knows it (without a page), or "" if unknown."""
    url = st.context.url or ""
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""


def join_link(code: str) -> str:
    """The link students open to join: the Class page with the code filled in."""
    return f"{base_url()}/{CLASS_PAGE}?{urllib.parse.urlencode({CODE: code})}"


def control_link(code: str, teacher_key: str) -> str:
    """The teacher's own link: it gives the teacher's role back (another device, a reload)."""
    return f"{base_url()}/{CLASS_PAGE}?{urllib.parse.urlencode({CODE: code, KEY: teacher_key})}"


def claim_from_link() -> None:
    """On the Class page: a control link (`?code=…&key=…`) makes this session the class's
    teacher, if the key is right; the key then leaves the address bar (it is projected)."""
    code, key = st.query_params.get(CODE), st.query_params.get(KEY)
    if not code or not key:
        return
    del st.query_params[KEY]
    try:
        core.class_students(store(), code, key)  # checks the key
    except core.ClassError as error:
        st.error(str(error), icon=":material/error:")
        return
    set_member(Member(code=code.strip().upper(), teacher_key=key))
