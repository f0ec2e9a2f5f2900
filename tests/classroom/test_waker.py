"""The waker (ui.classroom.waker): which sessions it reruns, when, and how often.

On a real store (SQLite and PostgreSQL). The sessions are stand-ins for Streamlit's
AppSession that record the reruns asked of them: what a real session does with a rerun
is Streamlit's; that following works end to end through real servers is the live-class
browser test's (tests/browser/test_browser_class.py) and the load benchmark's.
"""

from __future__ import annotations

import threading
import time

import pytest
from streamlit.proto.ClientState_pb2 import ClientState

import core
from ui.classroom.waker import AGAIN, HOP_HASH, Waker


class Session:
    """What the waker uses of a Streamlit AppSession: its last run's page and link, whether
    a run is going on, and `request_rerun`."""

    def __init__(self, page_hash: str = "explorer-hash") -> None:
        self._client_state = ClientState(page_script_hash=page_hash, query_string="f=x")
        self._scriptrunner = None
        self.reruns: list[object] = []

    def request_rerun(self, state) -> None:
        self.reruns.append(state)


@pytest.fixture
def lesson(make_store):
    store = make_store()
    keys = core.start_class(store)
    return store, keys


def _waker(store, sessions: dict[str, Session], every=None) -> Waker:
    return Waker(store, find=sessions.get, every=every)


def _push(store, keys, query: str) -> int:
    return core.push_view(store, keys.code, keys.teacher_key, "explorer", query)


def test_a_push_wakes_every_student_behind_it_once(lesson):
    store, keys = lesson
    sessions = {"a": Session(), "b": Session()}
    waker = _waker(store, sessions)
    version = core.view_version(store, keys.code)
    for sid in sessions:
        waker.watch(keys.code, sid, version)
    waker.check()
    assert [len(s.reruns) for s in sessions.values()] == [0, 0]  # nothing new
    _push(store, keys, "f=sin%28x%29")
    waker.check()
    waker.check()  # the same version again: not woken twice
    assert [len(s.reruns) for s in sessions.values()] == [1, 1]
    # the rerun keeps the session's page and link (its last run's client state)
    assert sessions["a"].reruns[0] is sessions["a"]._client_state


def test_a_session_that_has_seen_the_version_is_not_woken(lesson):
    store, keys = lesson
    sessions = {"a": Session(), "b": Session()}
    waker = _waker(store, sessions)
    new = _push(store, keys, "f=x%5E2")
    waker.watch(keys.code, "a", new)  # its own run read the new version already
    waker.watch(keys.code, "b", new - 1)
    waker.check()
    assert (len(sessions["a"].reruns), len(sessions["b"].reruns)) == (0, 1)


def test_a_running_session_is_not_interrupted_but_woken_after(lesson):
    store, keys = lesson
    session = Session()
    waker = _waker(store, {"a": session})
    waker.watch(keys.code, "a", core.view_version(store, keys.code))
    _push(store, keys, "f=x%5E3")
    session._scriptrunner = object()  # a run going on (perhaps the student's own click)
    waker.check()
    assert session.reruns == []
    session._scriptrunner = None
    waker.check()
    assert len(session.reruns) == 1


def test_a_session_with_no_finished_run_is_tried_again(lesson):
    store, keys = lesson
    session = Session(page_hash="")  # no page known yet: a rerun would open the default
    waker = _waker(store, {"a": session})
    waker.watch(keys.code, "a", -5)
    waker.check()
    assert session.reruns == []
    session._client_state.page_script_hash = "explorer-hash"
    waker.check()
    assert len(session.reruns) == 1


def test_a_closed_session_and_a_left_student_are_forgotten(lesson):
    store, keys = lesson
    sessions = {"a": Session(), "b": Session()}
    waker = _waker(store, sessions)
    for sid in ("a", "b", "gone"):
        waker.watch(keys.code, sid, -5)
    waker.forget("b")
    waker.check()
    assert waker.watched() == {keys.code: {"a": -5}}
    assert (len(sessions["a"].reruns), len(sessions["b"].reruns)) == (1, 0)


def test_an_ended_class_wakes_its_students_once_and_is_dropped(lesson):
    store, keys = lesson
    session = Session()
    waker = _waker(store, {"a": session})
    waker.watch(keys.code, "a", core.view_version(store, keys.code))
    core.end_class(store, keys.code, keys.teacher_key)
    waker.check()
    waker.check()
    assert len(session.reruns) == 1  # its run says the class ended
    assert waker.watched() == {}


def test_watching_moves_a_session_between_classes(lesson):
    store, keys = lesson
    other = core.start_class(store)
    waker = _waker(store, {"a": Session()})
    waker.watch(keys.code, "a", 0)
    waker.watch(other.code, "a", 0)
    assert waker.watched() == {other.code: {"a": 0}}


def test_the_thread_wakes_within_a_few_rounds(lesson):
    store, keys = lesson
    woken = threading.Event()

    class Waking(Session):
        def request_rerun(self, state) -> None:
            super().request_rerun(state)
            woken.set()

    session = Waking()
    waker = _waker(store, {"a": session}, every=0.05)
    try:
        waker.watch(keys.code, "a", core.view_version(store, keys.code))
        _push(store, keys, "f=tanh%28x%29")
        assert woken.wait(timeout=10), "the waker's thread never woke the student"
        time.sleep(0.3)  # a few more rounds: still once
        assert len(session.reruns) == 1
    finally:
        waker.close()


def test_a_follower_shown_another_view_is_sent_through_the_hop_page(lesson):
    store, keys = lesson
    sessions = {"follows": Session(), "there": Session(), "explores": Session()}
    waker = _waker(store, sessions)
    version = _push(store, keys, "f=sin%28x%29&n=2")
    waker.watch(keys.code, "follows", version - 1, ("explorer", "f=x%5E2"))
    waker.watch(keys.code, "there", version - 1, ("explorer", "n=2&f=sin%28x%29"))  # same view
    waker.watch(keys.code, "explores", version - 1, None)  # not following
    waker.check()
    (hop,), (there,), (explores,) = (s.reruns for s in sessions.values())
    # one step to the hidden page, which opens the class's view (ui.classroom.live)
    assert (hop.page_script_hash, hop.query_string) == (HOP_HASH, "")
    assert (there.page_script_hash, there.query_string) == ("explorer-hash", "f=x")
    assert explores is sessions["explores"]._client_state


def test_a_pause_reruns_followers_where_they_are(lesson):
    store, keys = lesson
    session = Session()
    waker = _waker(store, {"a": session})
    version = _push(store, keys, "f=sin%28x%29")
    waker.watch(keys.code, "a", version, ("explorer", "f=x"))
    core.push_view(store, keys.code, keys.teacher_key, "explorer", "f=tan%28x%29", True)
    waker.check()
    assert session.reruns[0].page_script_hash == "explorer-hash"  # the pause card, there


def test_the_hop_page_hash_is_the_one_streamlit_gives_views_go():
    from streamlit.util import calc_hash

    from ui import navigate, pages

    hop = next(options for file, *_, options in pages.TABLE if file == navigate.HOP)
    assert calc_hash(hop["url_path"]) == HOP_HASH


def test_a_session_still_behind_is_woken_again_after_a_while(lesson, monkeypatch):
    store, keys = lesson
    session = Session()
    waker = _waker(store, {"a": session})
    waker.watch(keys.code, "a", core.view_version(store, keys.code))
    _push(store, keys, "f=x%5E4")
    clock = [1000.0]
    monkeypatch.setattr("ui.classroom.waker.time.monotonic", lambda: clock[0])
    waker.check()
    clock[0] += AGAIN / 2
    waker.check()
    assert len(session.reruns) == 1  # its run may still be on its way
    clock[0] += AGAIN
    waker.check()  # its run was cut short: it never said it saw the version
    assert len(session.reruns) == 2


def test_a_follower_that_saw_the_version_but_shows_another_view_is_woken_once(lesson):
    store, keys = lesson
    session = Session()
    waker = _waker(store, {"a": session})
    version = _push(store, keys, "f=sin%28x%29")
    # Its run saw the version, but the page came out at the old function (a fragment's
    # poll queued behind the follow carried the browser's old widget states).
    waker.watch(keys.code, "a", version, ("explorer", ""))
    waker.check()
    assert [r.page_script_hash for r in session.reruns] == [HOP_HASH]  # follows again
    waker.watch(keys.code, "a", version, ("explorer", ""))  # and still does not match
    waker.check()
    assert len(session.reruns) == 1  # once per version: never a loop
    waker.watch(keys.code, "a", version, ("explorer", "f=sin%28x%29"))
    waker.check()
    assert len(session.reruns) == 1
