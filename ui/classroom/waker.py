"""Wake this server's students when their class changes: one read per class, not a poll each.

A student's screen learns of the teacher's new view, pause or question by the class's
version (one row of the store, core.view_version). Polled by every student from a
fragment every second, that cost a rerun per student per second (a websocket message, a
script run: about 5 ms of server CPU each, a quarter of a core for 60 students) and made
a follow wait half a second on average before it even began.

Instead, each server process keeps the sessions of the students it serves, class by
class, and one thread reads each class's version every WATCH seconds (a class is one row:
two classes on a replica are two reads, whatever the number of students). When a class's
version is not the one a student's session last acted on, the thread asks Streamlit to
rerun that session, as Streamlit itself reruns a session whose source file changed
(`AppSession.request_rerun` with the session's last client state: its page and its
link). The rerun is an ordinary run of the app, which reads the class and follows
(ui.classroom.live.before_page). A following student whose page shows another view than
the class's is rerun on the hidden page views/go.py instead, which opens the class's view
at once: following a new view of the page shown would otherwise take three runs (the
page, the hop through views/go.py that Streamlit's bound links need, the page again;
ui.navigate), and a class's thirty students queue for one replica's GIL.

The class itself stays in the store every replica reaches: what a process keeps here is
only which of *its own* websocket sessions to wake, which no other replica could do.
Where Streamlit's runtime is not there (AppTest) or does not offer what this needs, the
students poll as before (`available()` is False and ui.classroom.live polls every second).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from urllib.parse import parse_qsl

import streamlit as st
from streamlit import runtime
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.util import calc_hash

import core

WATCH = 0.25  # seconds between two reads of each watched class's version
AGAIN = 5.0  # seconds after which a woken session still behind is woken again
HOP_HASH = calc_hash("go")  # Streamlit names a page by its url path's hash: views/go.py
ENDED = -1  # the version of a class that ended (its students' next run says so)

_LOGGER = logging.getLogger(__name__)


class Waker:
    """The students' sessions of this process, by class, and the thread that wakes them.

    `watch` is called on every run of a student's session (cheap: a dictionary write
    under a lock); the thread starts with the first student and reads only the classes
    that have students here.
    """

    def __init__(self, store: core.ClassStore, find=None, every: float | None = WATCH) -> None:
        """`find(session_id)` gives a session (Streamlit's AppSession) or None once it is
        gone; the thread reads every `every` seconds (None: no thread, `check` is called
        by hand — the tests)."""
        self._store = store
        self._find = find or _app_session
        self._every = every
        self._lock = threading.Lock()
        # class code -> session id -> the version that session last acted on
        self._classes: dict[str, dict[str, int]] = {}
        # session id -> the view (page, query) a following student shows
        self._views: dict[str, tuple[str, str]] = {}
        # session id -> the version it was woken for though it had seen it (a stray)
        self._strayed: dict[str, int] = {}
        # session id -> the version it was woken for, and when
        self._woken: dict[str, tuple[int, float]] = {}
        self._thread: threading.Thread | None = None
        self._closed = threading.Event()

    def watch(
        self, code: str, session_id: str, seen: int, view: tuple[str, str] | None = None
    ) -> None:
        """Session `session_id`, a student of class `code`, has acted on version `seen`
        and shows `view` (page, query) if it follows the teacher (None if not)."""
        with self._lock:
            strayed = self._strayed.get(session_id)  # kept: once per version
            self._forget(session_id)
            if strayed is not None:
                self._strayed[session_id] = strayed
            self._classes.setdefault(code, {})[session_id] = seen
            if view is not None:
                self._views[session_id] = view
            if self._thread is None and self._every is not None:
                self._thread = threading.Thread(target=self._loop, name="class-waker", daemon=True)
                self._thread.start()

    def close(self) -> None:
        """Stop the thread (at the end of its round)."""
        self._closed.set()

    def forget(self, session_id: str) -> None:
        """Session `session_id` is no longer a student here (left, or its class ended)."""
        with self._lock:
            self._forget(session_id)

    def watched(self) -> dict[str, dict[str, int]]:
        """A copy of what is watched (class code -> session id -> version), for tests."""
        with self._lock:
            return {code: dict(sessions) for code, sessions in self._classes.items()}

    def _forget(self, session_id: str) -> None:
        self._woken.pop(session_id, None)
        self._views.pop(session_id, None)
        self._strayed.pop(session_id, None)
        for code in [code for code, sessions in self._classes.items() if session_id in sessions]:
            del self._classes[code][session_id]
            if not self._classes[code]:
                del self._classes[code]

    def _loop(self) -> None:
        while not self._closed.wait(self._every):
            try:
                self.check()
            except Exception:  # a bad read must not end the thread: the next one retries
                _LOGGER.exception("The class waker could not read the store")

    def check(self) -> None:
        """One round: read each watched class's version and wake whoever has not seen it."""
        with self._lock:
            codes = list(self._classes)
        for code in codes:
            try:
                view = core.class_view(self._store, code)
            except core.ClassError:
                view = None
            version = ENDED if view is None else view.version
            with self._lock:
                sessions = self._classes.get(code, {})
                now = time.monotonic()
                behind = [
                    sid
                    for sid, seen in sessions.items()
                    if (seen != version or self._stray(sid, version, view))
                    and not self._waking(sid, version, now)
                ]
                for session_id in behind:
                    self._woken[session_id] = (version, now)
                hops = {sid for sid in behind if _elsewhere(self._views.get(sid), view)}
                if version == ENDED:  # its students' runs say so and leave it
                    self._classes.pop(code, None)
            for session_id in behind:
                self._wake(session_id, version, session_id in hops)

    def _stray(self, session_id: str, version: int, view) -> bool:
        """A follower that has seen this version but shows another view: its browser's
        widget states from before the follow, sent with a fragment's poll queued behind
        the follow, put the old values back. Woken once per version (a view that cannot
        be matched exactly must not wake it forever)."""
        if self._strayed.get(session_id) == version:
            return False
        if not _elsewhere(self._views.get(session_id), view):
            return False
        self._strayed[session_id] = version
        return True

    def _waking(self, session_id: str, version: int, now: float) -> bool:
        """Whether the session was woken for this version less than AGAIN s ago (woken
        longer ago and still behind, its run was cut short: it is woken again)."""
        woken = self._woken.get(session_id)
        return woken is not None and woken[0] == version and now - woken[1] < AGAIN

    def _wake(self, session_id: str, version: int, hop: bool) -> None:
        """Rerun a session as its page and link stand, on the server's event loop (where
        Streamlit handles a browser's reruns, so the two cannot cross)."""
        session = self._find(session_id)
        if session is None:  # the tab was closed
            self.forget(session_id)
            return
        loop = _event_loop()
        if loop is None:
            self._rerun(session_id, version, session, hop)
        else:
            loop.call_soon_threadsafe(self._rerun, session_id, version, session, hop)

    def _rerun(self, session_id: str, version: int, session, hop: bool) -> None:
        # The page and link of the session's last finished run, as Streamlit reruns a
        # session whose source file changed. A run going on now is not interrupted (it
        # may be the student's own click, with a newer link): the next round tries again.
        state = getattr(session, "_client_state", None)
        running = getattr(session, "_scriptrunner", None) is not None
        if running or state is None or not state.page_script_hash:
            with self._lock:
                if self._woken.get(session_id, (None,))[0] == version:
                    del self._woken[session_id]
            return
        if hop:  # straight to the hop page, which opens the class's view
            state = _on_page(state, HOP_HASH)
        session.request_rerun(state)


@st.cache_resource(show_spinner=False)
def waker(_store: core.ClassStore) -> Waker:
    """This process's one Waker (shared by every session)."""
    return Waker(_store)


def available() -> bool:
    """Whether sessions can be woken here: a Streamlit server is running this app."""
    return runtime.exists() and hasattr(runtime.get_instance(), "get_app_session")


def _elsewhere(shown: tuple[str, str] | None, view) -> bool:
    """Whether a following student showing `shown` must open the class's `view` (a
    core.ClassView; None once the class ended): not while paused (the pause card shows
    on the page as it is) or before the teacher's first view."""
    if shown is None or view is None or view.paused or not view.page:
        return False
    page, query = shown
    return page != view.page or sorted(parse_qsl(query)) != sorted(parse_qsl(view.query))


def _on_page(state, page_hash: str):
    """A copy of a client state (Streamlit's ClientState) on another page, with an empty
    link."""
    moved = ClientState()
    moved.CopyFrom(state)
    moved.page_script_hash, moved.query_string = page_hash, ""
    return moved


def _app_session(session_id: str):
    return runtime.get_instance().get_app_session(session_id) if runtime.exists() else None


def _event_loop():
    """The server's event loop, where Streamlit handles a browser's messages (None
    without a server)."""
    if not runtime.exists():
        return None
    with contextlib.suppress(Exception):
        return runtime.get_instance()._get_async_objs().eventloop
    return None
