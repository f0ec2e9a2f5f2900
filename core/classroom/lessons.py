"""A class's life: start it, join it, push the view students follow, list them, end it.

Every teacher action needs the teacher key; a student needs only the code and, once
joined, the student id `join_class` returned. A student's poll reads one row by its
primary key (`view_version`, `class_view`).

    >>> import tempfile, core
    >>> store = core.class_store(f"sqlite:///{tempfile.mkdtemp()}/c.sqlite3")
    >>> keys = core.start_class(store, "Calculus 1")
    >>> student = core.join_class(store, keys.code.lower(), "Zoé")
    >>> core.push_view(store, keys.code, keys.teacher_key, "explorer", "f=sin(x)")
    1
    >>> core.class_view(store, keys.code).query
    'f=sin(x)'
"""

from __future__ import annotations

import re
from typing import NamedTuple

import sqlalchemy as sa

from core.classroom import schema
from core.classroom.codes import (
    clean_nickname,
    key_hash,
    new_code,
    new_id,
    new_secret,
    normalise_code,
)
from core.classroom.codes import nickname_key as key_of
from core.classroom.errors import ClassError
from core.classroom.limits import window_count
from core.classroom.store import (
    ClassStore,
    check_teacher,
    delete_classes,
    ended_message,
    find_class,
    purge_expired,
    touch,
)

PAGE_NAME = re.compile(r"[a-z0-9_\-]*")
CODE_TRIES = 20  # 8.9e8 codes: a collision is rare, twenty in a row never happens


class ClassKeys(NamedTuple):
    """What starting a class gives the teacher.

    Attributes:
        code: the 6-character code students type.
        teacher_key: the secret every teacher action needs (put it in the teacher's
            control link only, never in the students' join link).
    """

    code: str
    teacher_key: str


class ClassView(NamedTuple):
    """The view students follow.

    Attributes:
        page: the page's url path ("explorer", "fd_lab", ...; "" before the first push).
        query: the page's link query (its view), without the "?".
        version: increases with every change students must see (a view pushed, a pause,
            a question asked or closed).
        paused: "Eyes on me": students see a pause card.
        title: the class's title.
        question_id: the question students see now, or None.
    """

    page: str
    query: str
    version: int
    paused: bool
    title: str = ""
    question_id: str | None = None


class Student(NamedTuple):
    """A student as the teacher's list shows them.

    Attributes:
        nickname: as they typed it (cleaned).
        number: the order they joined in: "Student n" when the list is anonymised.
        following: whether their screen follows the teacher's.
        joined_at: seconds since the epoch.
    """

    nickname: str
    number: int
    following: bool
    joined_at: float


def start_class(store: ClassStore, title: str = "") -> ClassKeys:
    """Start a class: a new code and teacher key. Ended and idle classes are purged first.

    Raises:
        ClassError: for a title longer than the limit.
    """
    title = " ".join(str(title).split())
    if len(title) > store.limits.title_length:
        raise ClassError(f"Shorten the class title to {store.limits.title_length} characters.")
    purge_expired(store)
    key = new_secret()
    now = store.clock()
    for _ in range(CODE_TRIES):
        code = new_code()
        with store.write() as connection:
            taken = connection.execute(
                sa.select(schema.classes.c.code).where(schema.classes.c.code == code)
            ).first()
            if taken is not None:
                continue
            connection.execute(
                sa.insert(schema.classes).values(
                    code=code,
                    key_hash=key_hash(key),
                    title=title,
                    created_at=now,
                    active_at=now,
                    page="",
                    query="",
                    paused=False,
                    version=0,
                    students=0,
                    join_count=0,
                )
            )
        return ClassKeys(code, key)
    raise ClassError("Could not find a free class code: try starting the class again.")


def join_class(store: ClassStore, code: str, nickname: str) -> str:
    """Join a class with a nickname; returns the student's id (keep it: every answer needs it).

    Raises:
        ClassError: unknown or ended class, bad or taken nickname, class full, or too many
            joins at once.
    """
    limits = store.limits
    name = clean_nickname(nickname, limits.nickname_length)
    student_id = new_id()
    with store.write() as connection:
        row = find_class(store, connection, code, lock=True)
        if row.students >= limits.max_students:
            raise ClassError(
                f"This class is full ({limits.max_students} students): ask your teacher to "
                "start a second class."
            )
        now = store.clock()
        join_start, join_count = window_count(
            row.join_start, row.join_count, now, limits.join_window_s
        )
        if join_count > limits.joins_per_window:
            raise ClassError(
                "Many students are joining right now: wait a few seconds, then join again."
            )
        taken = connection.execute(
            sa.select(schema.students.c.id).where(
                schema.students.c.code == row.code,
                schema.students.c.nickname_key == key_of(name),
            )
        ).first()
        if taken is not None:
            raise ClassError(
                f"Someone in this class is already called “{name}”: choose another nickname "
                "(add an initial or a number)."
            )
        connection.execute(
            sa.insert(schema.students).values(
                id=student_id,
                code=row.code,
                nickname=name,
                nickname_key=key_of(name),
                number=row.students + 1,
                joined_at=now,
                following=True,
                burst_count=0,
            )
        )
        touch(
            store,
            connection,
            row.code,
            students=row.students + 1,
            join_start=join_start,
            join_count=join_count,
        )
    return student_id


def push_view(
    store: ClassStore, code: str, teacher_key: str, page: str, query: str, paused: bool = False
) -> int:
    """Set the view every following student sees; returns its version (increasing).

    Args:
        page: the page's url path ("explorer", "fd_lab", ...).
        query: the page's link query (its view), without the leading "?".
        paused: True shows students a pause card ("Eyes on me") until a push with False.

    Raises:
        ClassError: unknown or ended class, wrong teacher key, or a page name or query
            that is not a page's.
    """
    limits = store.limits
    page = page.strip().strip("/") if isinstance(page, str) else None
    if page is None or len(page) > limits.page_length or not PAGE_NAME.fullmatch(page):
        raise ClassError("That is not a page of this app: pick a page from the sidebar.")
    query = query.lstrip("?") if isinstance(query, str) else None
    if query is None or len(query) > limits.query_length:
        raise ClassError(
            f"This view's link is longer than {limits.query_length} characters: shorten the "
            "function or the settings, then share it again."
        )
    with store.write() as connection:
        row = find_class(store, connection, code, lock=True)
        check_teacher(row, teacher_key)
        touch(
            store,
            connection,
            row.code,
            page=page,
            query=query,
            paused=bool(paused),
            version=row.version + 1,
        )
    return row.version + 1


def class_view(store: ClassStore, code: str) -> ClassView:
    """The view students follow now (anyone with the code may read it).

    Raises:
        ClassError: unknown or ended class.
    """
    with store.read() as connection:
        row = find_class(store, connection, code)
    return ClassView(row.page, row.query, row.version, row.paused, row.title, row.question_id)


def view_version(store: ClassStore, code: str) -> int:
    """The cheap poll: the view's version alone (one row, read by its primary key).

    Raises:
        ClassError: unknown or ended class (so a student's poll learns that it ended).
    """
    code = normalise_code(code)
    table = schema.classes
    with store.read() as connection:
        row = connection.execute(
            sa.select(table.c.version, table.c.active_at).where(table.c.code == code)
        ).one_or_none()
    if row is None:
        raise ClassError(ended_message(code))
    if store.clock() - row.active_at > store.limits.idle_s:
        purge_expired(store)
        raise ClassError(ended_message(code))
    return row.version


def end_class(store: ClassStore, code: str, teacher_key: str) -> None:
    """End the class now: every row of it (students, questions, answers) is deleted.

    Raises:
        ClassError: unknown or ended class, or wrong teacher key.
    """
    with store.write() as connection:
        row = find_class(store, connection, code, lock=True)
        check_teacher(row, teacher_key)
        delete_classes(connection, [row.code])


def class_students(store: ClassStore, code: str, teacher_key: str) -> list[Student]:
    """The class's students in the order they joined (teacher only: nicknames are private).

    Raises:
        ClassError: unknown or ended class, or wrong teacher key.
    """
    table = schema.students
    with store.read() as connection:
        row = find_class(store, connection, code)
        check_teacher(row, teacher_key)
        rows = connection.execute(
            sa.select(table.c.nickname, table.c.number, table.c.following, table.c.joined_at)
            .where(table.c.code == row.code)
            .order_by(table.c.number)
        ).all()
    return [Student(*r) for r in rows]


def set_following(store: ClassStore, code: str, student_id: str, following: bool) -> None:
    """Mark a student as following the teacher (True) or exploring on their own (False).

    Raises:
        ClassError: unknown or ended class, or a student not in it.
    """
    with store.write() as connection:
        row = find_class(store, connection, code)
        result = connection.execute(
            sa.update(schema.students)
            .where(schema.students.c.id == str(student_id), schema.students.c.code == row.code)
            .values(following=bool(following))
        )
        if result.rowcount != 1:
            raise ClassError(not_in_class_message())


def not_in_class_message() -> str:
    return (
        "You are not in this class (it may have ended, or you joined another one): join again "
        "with the class code."
    )
