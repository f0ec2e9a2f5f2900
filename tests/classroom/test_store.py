"""The live-class store on SQLite and on a real PostgreSQL server (issue 24): start, join,
follow, pause, the teacher key, bounds, bursts, expiry and deletion."""

from __future__ import annotations

import dataclasses

import pytest
import sqlalchemy as sa

import core
from core.classroom import ClassError, ClassStore, Limits, schema
from core.classroom.store import ENVIRONMENT_VARIABLE, default_url, engine_url

WRONG_KEY = r"Only the teacher can do this: open the class from the teacher's own control link"
ENDED = r"There is no running class with the code \w{6}: .* the class may have ended\."


def rows(store, table) -> list:
    with store.read() as connection:
        return connection.execute(sa.select(table)).all()


def test_a_class_starts_with_a_code_and_a_secret_key(store):
    keys = core.start_class(store, "  Calculus   1 ")
    assert isinstance(keys, core.ClassKeys)
    assert len(keys.code) == 6
    assert not set(keys.code) & set("0O1IL")
    view = core.class_view(store, keys.code.lower())
    assert (view.page, view.query, view.version, view.paused) == ("", "", 0, False)
    assert view.title == "Calculus 1"
    # the key is stored hashed: no column of any row holds it
    assert all(keys.teacher_key not in str(row) for row in rows(store, schema.classes))


def test_codes_of_running_classes_differ(store):
    codes = {core.start_class(store).code for _ in range(30)}
    assert len(codes) == 30


def test_the_view_is_pushed_with_an_increasing_version(store):
    keys = core.start_class(store)
    first = core.push_view(store, keys.code, keys.teacher_key, "explorer", "?f=sin(x)&n=2")
    second = core.push_view(store, keys.code, keys.teacher_key, "fd_lab", "h=0.1", paused=True)
    assert second > first >= 1
    view = core.class_view(store, keys.code)
    assert (view.page, view.query, view.version, view.paused) == ("fd_lab", "h=0.1", second, True)
    assert core.view_version(store, keys.code.lower()) == second
    third = core.push_view(store, keys.code, keys.teacher_key, "fd_lab", "h=0.1")
    assert third > second
    assert not core.class_view(store, keys.code).paused


@pytest.mark.parametrize(  # not "page": pytest-playwright would take it for a browser tab
    ("view", "query"),
    [("../etc", ""), ("Explorer Page", ""), ("x" * 65, ""), ("explorer", "q" * 4001), (None, "")],
)
def test_what_is_not_a_page_view_is_refused(store, view, query):
    keys = core.start_class(store)
    with pytest.raises(ClassError, match=r"\.$"):
        core.push_view(store, keys.code, keys.teacher_key, view, query)
    assert core.class_view(store, keys.code).version == 0


def test_every_teacher_action_needs_the_teacher_key(store):
    keys = core.start_class(store)
    other = core.start_class(store)
    student = core.join_class(store, keys.code, "Ana")
    question = core.ask(store, keys.code, keys.teacher_key, "x^2")
    near = _one_character_off(keys.teacher_key)
    for wrong in ("", "not-the-key", near, other.teacher_key, student):
        actions = [
            lambda k=wrong: core.push_view(store, keys.code, k, "explorer", ""),
            lambda k=wrong: core.push_view(store, keys.code, k, "explorer", "", paused=True),
            lambda k=wrong: core.ask(store, keys.code, k, "x^3"),
            lambda k=wrong: core.class_results(store, keys.code, k, question),
            lambda k=wrong: core.export_rows(store, keys.code, k),
            lambda k=wrong: core.export_csv(store, keys.code, k),
            lambda k=wrong: core.end_class(store, keys.code, k),
            lambda k=wrong: core.end_question(store, keys.code, k),
            lambda k=wrong: core.class_students(store, keys.code, k),
            lambda k=wrong: core.class_questions(store, keys.code, k),
        ]
        for action in actions:
            with pytest.raises(ClassError, match=WRONG_KEY):
                action()
    # nothing changed: the view, the question, the class
    view = core.class_view(store, keys.code)
    assert (view.version, view.page, view.question_id) == (1, "", question)
    assert core.current_question(store, keys.code).expression == "x**2"


def test_students_join_are_listed_and_follow_or_explore(store):
    keys = core.start_class(store)
    ana = core.join_class(store, keys.code, "Ana")
    core.join_class(store, keys.code.lower(), "Zoé")
    assert ana != core.join_class(store, keys.code, "Bob")
    core.set_following(store, keys.code, ana, False)
    listed = core.class_students(store, keys.code, keys.teacher_key)
    assert [(s.nickname, s.number, s.following) for s in listed] == [
        ("Ana", 1, False),
        ("Zoé", 2, True),
        ("Bob", 3, True),
    ]
    core.set_following(store, keys.code, ana, True)
    assert all(s.following for s in core.class_students(store, keys.code, keys.teacher_key))
    with pytest.raises(ClassError, match=r"You are not in this class .* join again"):
        core.set_following(store, keys.code, "not-a-student", False)


def test_a_nickname_is_taken_once_per_class(store):
    keys = core.start_class(store)
    other = core.start_class(store)
    core.join_class(store, keys.code, "Zoé")
    with pytest.raises(ClassError, match=r"already called “ZOÉ”: choose another nickname"):
        core.join_class(store, keys.code, "ZOÉ")
    core.join_class(store, other.code, "Zoé")  # another class: free


@pytest.mark.parametrize("nickname", ["", "a" * 25, "<b>", "Robert'); DROP TABLE x;--"])
def test_bad_nicknames_take_no_seat(store, nickname):
    keys = core.start_class(store)
    with pytest.raises(ClassError, match=r"nickname"):
        core.join_class(store, keys.code, nickname)
    assert rows(store, schema.students) == []


def test_a_full_class_says_so(make_store):
    store = make_store(Limits(max_students=5))
    keys = core.start_class(store)
    for n in range(5):
        core.join_class(store, keys.code, f"Student {n}")
    with pytest.raises(ClassError, match=r"This class is full \(5 students\): ask your teacher"):
        core.join_class(store, keys.code, "Late")
    assert len(rows(store, schema.students)) == 5


def test_a_class_holds_300_students(store, clock):
    assert store.limits.max_students >= 300
    keys = core.start_class(store)
    for n in range(300):
        clock.advance(0.2)  # a real class joins over a minute, within the join burst
        core.join_class(store, keys.code, f"s{n}")
    assert len(core.class_students(store, keys.code, keys.teacher_key)) == 300


def test_a_burst_of_joins_is_refused_with_a_sentence(make_store, clock):
    store = make_store(Limits(joins_per_window=3, join_window_s=10.0))
    keys = core.start_class(store)
    for n in range(3):
        core.join_class(store, keys.code, f"s{n}")
    with pytest.raises(ClassError, match=r"Many students are joining right now: wait a few"):
        core.join_class(store, keys.code, "s3")
    clock.advance(10.0)
    core.join_class(store, keys.code, "s3")


def test_unknown_codes_get_a_sentence(store):
    with pytest.raises(ClassError, match=ENDED):
        core.class_view(store, "ABCDEF")
    with pytest.raises(ClassError, match=ENDED):
        core.join_class(store, "ABCDEF", "Ana")
    with pytest.raises(ClassError, match=ENDED):
        core.view_version(store, "ABCDEF")
    with pytest.raises(ClassError, match=r"6 letters and digits"):
        core.view_version(store, "ABC")


def count_rows(store) -> int:
    return sum(len(rows(store, table)) for table in schema.CLASS_TABLES)


def test_ending_a_class_deletes_all_its_rows(store):
    keys = core.start_class(store)
    other = core.start_class(store)
    student = core.join_class(store, keys.code, "Ana")
    core.join_class(store, other.code, "Bob")
    core.ask(store, keys.code, keys.teacher_key, "x^2")
    core.push_view(store, keys.code, keys.teacher_key, "explorer", "f=x")
    core.end_class(store, keys.code, keys.teacher_key)
    for action in (
        lambda: core.class_view(store, keys.code),
        lambda: core.view_version(store, keys.code),
        lambda: core.join_class(store, keys.code, "Zoé"),
        lambda: core.current_question(store, keys.code),
        lambda: core.set_following(store, keys.code, student, False),
        lambda: core.push_view(store, keys.code, keys.teacher_key, "explorer", ""),
        lambda: core.end_class(store, keys.code, keys.teacher_key),
    ):
        with pytest.raises(ClassError, match=ENDED):
            action()
    with store.read() as connection:
        for table in schema.CLASS_TABLES:
            left = connection.execute(sa.select(table.c.code).where(table.c.code == keys.code))
            assert left.all() == [], table.name
    assert core.class_view(store, other.code).version == 0  # the other class is untouched


def test_a_class_idle_for_12_hours_ends_and_is_purged(store, clock):
    keys = core.start_class(store)
    core.join_class(store, keys.code, "Ana")
    clock.advance(11.9 * 3600)
    core.push_view(store, keys.code, keys.teacher_key, "explorer", "")  # active again
    clock.advance(11.9 * 3600)
    assert core.view_version(store, keys.code) == 1
    clock.advance(0.2 * 3600)  # 12.1 h idle
    with pytest.raises(ClassError, match=ENDED):
        core.view_version(store, keys.code)
    with pytest.raises(ClassError, match=ENDED):
        core.class_view(store, keys.code)
    assert count_rows(store) == 0  # the first look at it deleted it


def test_starting_a_class_purges_the_expired_ones(store, clock):
    keys = core.start_class(store)
    core.join_class(store, keys.code, "Ana")
    clock.advance(12.5 * 3600)
    fresh = core.start_class(store)
    with store.read() as connection:
        codes = set(connection.execute(sa.select(schema.classes.c.code)).scalars())
    assert codes == {fresh.code}
    assert rows(store, schema.students) == []


def test_a_write_to_an_expired_class_deletes_it(store, clock):
    keys = core.start_class(store)
    core.join_class(store, keys.code, "Ana")
    clock.advance(13 * 3600)
    with pytest.raises(ClassError, match=ENDED):
        core.join_class(store, keys.code, "Bob")
    assert count_rows(store) == 0


def test_purge_expired_deletes_only_idle_classes(store, clock):
    old = core.start_class(store)
    clock.advance(6 * 3600)
    new = core.start_class(store)
    clock.advance(6.5 * 3600)
    assert core.purge_expired(store) == 1
    core.class_view(store, new.code)
    with pytest.raises(ClassError, match=ENDED):
        core.class_view(store, old.code)


def test_the_current_question_and_its_closing_bump_the_version(store):
    keys = core.start_class(store)
    assert core.current_question(store, keys.code) is None
    first = core.ask(store, keys.code, keys.teacher_key, "sin(x)", 2)
    version = core.view_version(store, keys.code)
    question = core.current_question(store, keys.code)
    assert (question.id, question.expression, question.order, question.closed) == (
        first,
        "sin(x)",
        2,
        False,
    )
    second = core.ask(store, keys.code, keys.teacher_key, "x^3")
    assert core.view_version(store, keys.code) > version
    assert core.class_view(store, keys.code).question_id == second
    listed = core.class_questions(store, keys.code, keys.teacher_key)
    assert [(q.number, q.id, q.closed) for q in listed] == [(1, first, True), (2, second, False)]
    core.end_question(store, keys.code, keys.teacher_key)
    assert core.current_question(store, keys.code) is None
    assert core.class_view(store, keys.code).question_id is None


@pytest.mark.parametrize(
    ("expression", "order", "error"),
    [
        ("x^2", 0, ClassError),
        ("x^2", 11, ClassError),
        ("x^2", True, ClassError),
        ("x" * 201, 1, ClassError),
        ("sin(x", 1, core.ExpressionError),
        ("__import__('os')", 1, core.ExpressionError),
    ],
)
def test_a_bad_question_is_refused(store, expression, order, error):
    keys = core.start_class(store)
    with pytest.raises(error, match=r"\.|\)"):
        core.ask(store, keys.code, keys.teacher_key, expression, order)
    assert core.current_question(store, keys.code) is None


def test_a_long_title_is_refused(store):
    with pytest.raises(ClassError, match=r"Shorten the class title to 120 characters\."):
        core.start_class(store, "t" * 121)


def test_the_store_url_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, str(tmp_path / "mine.sqlite3"))
    assert default_url() == str(tmp_path / "mine.sqlite3")
    store = core.class_store()
    try:
        assert store.dialect == "sqlite"
        assert (tmp_path / "mine.sqlite3").exists()
        assert core.class_store() is store  # one pool per URL in a process
    finally:
        store.dispose()
    monkeypatch.delenv(ENVIRONMENT_VARIABLE)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    cached = tmp_path / "cache" / "derivative-explorer" / "classes.sqlite3"
    assert default_url() == f"sqlite:///{cached}"


def test_store_urls_are_sqlite_files_or_postgresql():
    assert engine_url("postgresql://u@h:5432/d").drivername == "postgresql+psycopg"
    assert engine_url("/tmp/x.sqlite3").get_backend_name() == "sqlite"
    with pytest.raises(ClassError, match=r"SQLite or PostgreSQL, not mysql"):
        engine_url("mysql://u@h/d")
    with pytest.raises(ClassError, match=r"a SQLite file that every process shares"):
        engine_url("sqlite://")


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    store = ClassStore(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    try:
        with store.read() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    finally:
        store.dispose()


def test_limits_keep_a_class_of_at_least_300():
    assert Limits().max_students >= 300
    assert dataclasses.replace(Limits(), max_students=3).max_students == 3


def _one_character_off(key: str) -> str:
    """The key with its last character changed (to "A", or "B" where it is an "A")."""
    return key[:-1] + ("B" if key.endswith("A") else "A")
