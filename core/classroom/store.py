"""The class store: one database every replica reaches, through SQLAlchemy Core.

`class_store(None)` opens the embedded default, a SQLite file that every process on one
machine shares (WAL mode, so readers never wait for a writer, and a busy timeout, so
writers queue instead of failing). Its path or URL comes from the environment variable
DERIVATIVE_EXPLORER_CLASS_STORE (a `sqlite:///PATH` or `postgresql://USER@HOST:PORT/DB`
URL, or a plain file path); unset, it is `classes.sqlite3` in the user's cache folder.
A `postgresql://` URL (psycopg 3) serves replicas on several machines. Both run the same
statements: the few that differ (UPSERT) are built by `insert_for`.

Writes go through `ClassStore.write()`: on SQLite it opens the transaction with `BEGIN
IMMEDIATE` (the write lock first, so two read-then-write transactions never deadlock);
on PostgreSQL the class row is locked with `SELECT ... FOR UPDATE` (`lock_class`).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from core.classroom import schema
from core.classroom.codes import key_matches, normalise_code
from core.classroom.errors import ClassError
from core.classroom.limits import DEFAULT_LIMITS, Limits

ENVIRONMENT_VARIABLE = "DERIVATIVE_EXPLORER_CLASS_STORE"
BUSY_TIMEOUT_MS = 15_000  # a writer waits this long for SQLite's lock before failing
FILE_NAME = "classes.sqlite3"

_SHARED: dict[str, ClassStore] = {}
_SHARED_LOCK = threading.Lock()


def default_url() -> str:
    """The store's URL: the environment variable's value, else a SQLite file in the user's
    cache folder (or the temporary folder where there is no writable home)."""
    configured = os.environ.get(ENVIRONMENT_VARIABLE, "").strip()
    if configured:
        return configured
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    folder = Path(cache) / "derivative-explorer"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        folder = Path(tempfile.gettempdir()) / "derivative-explorer"
        folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / FILE_NAME}"


def engine_url(url: str) -> sa.URL:
    """The SQLAlchemy URL for a store URL: PostgreSQL through psycopg 3; a bare path is a
    SQLite file."""
    if "://" not in url:
        url = f"sqlite:///{Path(url).expanduser().resolve()}"
    parsed = sa.make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise ClassError(
            f"The class store must be SQLite or PostgreSQL, not {parsed.get_backend_name()}: "
            f"set {ENVIRONMENT_VARIABLE} to a sqlite:/// or postgresql:// URL."
        )
    if parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:"):
        raise ClassError(
            "The class store must be a SQLite file that every process shares, not memory: "
            f"give {ENVIRONMENT_VARIABLE} a file path."
        )
    return parsed


class ClassStore:
    """A connection pool to the class store, with its limits and clock.

    Args:
        url: a store URL (see the module's docstring); None for `default_url()`.
        limits: the bounds of a class (tests pass smaller ones).
        clock: seconds since the epoch; tests pass a clock they move.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        limits: Limits = DEFAULT_LIMITS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.url = url or default_url()
        self.limits = limits
        self.clock = clock
        self.engine = _make_engine(engine_url(self.url))
        self.dialect = self.engine.dialect.name
        self._create_tables()

    def __repr__(self) -> str:
        return f"ClassStore({self.engine.url.render_as_string(hide_password=True)!r})"

    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        """A transaction that only reads (SQLite: a snapshot; nobody waits for it)."""
        with _purge_on_expiry(self), self.engine.connect() as connection, connection.begin():
            yield connection

    @contextlib.contextmanager
    def write(self) -> Iterator[Connection]:
        """A transaction that writes: committed at the end, rolled back on an error."""
        with _purge_on_expiry(self), self.engine.connect() as connection:
            connection = connection.execution_options(sqlite_begin="IMMEDIATE")
            with connection.begin():
                yield connection

    def insert(self, table: sa.Table):
        """An INSERT that takes `on_conflict_do_update/nothing` on either database."""
        return (postgresql.insert if self.dialect == "postgresql" else sqlite.insert)(table)

    def dispose(self) -> None:
        """Close the pool's connections (tests; a process that ends does it anyway)."""
        self.engine.dispose()

    def _create_tables(self) -> None:
        with self.write() as connection:
            if self.dialect == "postgresql":
                # Replicas starting together would race on CREATE TABLE: one at a time.
                connection.execute(sa.text("SELECT pg_advisory_xact_lock(2024053101)"))
            schema.metadata.create_all(connection, checkfirst=True)


class ClassExpired(ClassError):
    """A class found idle past its limit: the transaction that found it ends, then every
    expired class is deleted (in a transaction of its own, so the refusal cannot undo it)."""


@contextlib.contextmanager
def _purge_on_expiry(store: ClassStore) -> Iterator[None]:
    try:
        yield
    except ClassExpired:
        purge_expired(store)
        raise


def _make_engine(url: sa.URL) -> Engine:
    if url.get_backend_name() == "postgresql":
        return sa.create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)
    Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        # pysqlite's own BEGIN handling is off; `_begin` below emits the BEGIN we want.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        # WAL's recommended level: a commit survives any process's crash without an fsync
        # each (only a power cut could lose the last commits); FULL tripled an answer's cost.
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(connection):
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


def class_store(url: str | None = None) -> ClassStore:
    """The store at `url` (None: the embedded default), one per URL in each process.

    Args:
        url: None for the embedded SQLite file (or DERIVATIVE_EXPLORER_CLASS_STORE);
            "sqlite:///PATH"; "postgresql://USER@HOST:PORT/DB" for replicas on several
            machines.

    Returns:
        A ClassStore every live-class function takes as its first argument.
    """
    key = url or default_url()
    with _SHARED_LOCK:
        store = _SHARED.get(key)
        if store is None:
            store = _SHARED[key] = ClassStore(key)
        return store


# --- looking a class up -------------------------------------------------------------------


def ended_message(code: str) -> str:
    return (
        f"There is no running class with the code {code}: check the code your teacher shows; "
        "the class may have ended."
    )


def find_class(store: ClassStore, connection: Connection, code: object, *, lock: bool = False):
    """The class row for a typed code, or ClassError when there is none (or it is idle past
    its limit: it is deleted once the transaction ends). `lock`: hold the row (PostgreSQL's
    FOR UPDATE; SQLite's write transactions already hold the whole file)."""
    code = normalise_code(code)
    query = sa.select(schema.classes).where(schema.classes.c.code == code)
    if lock:
        query = query.with_for_update()
    row = connection.execute(query).one_or_none()
    if row is None:
        raise ClassError(ended_message(code))
    if store.clock() - row.active_at > store.limits.idle_s:
        raise ClassExpired(ended_message(code))  # the store's transaction purges it
    return row


def check_teacher(row, teacher_key: object) -> None:
    """ClassError unless `teacher_key` is this class's key."""
    if not key_matches(teacher_key, row.key_hash):
        raise ClassError(
            "Only the teacher can do this: open the class from the teacher's own control link "
            "(the one with the teacher key)."
        )


def touch(store: ClassStore, connection: Connection, code: str, **values) -> None:
    """Mark the class active now (and set `values` on its row)."""
    connection.execute(
        sa.update(schema.classes)
        .where(schema.classes.c.code == code)
        .values(active_at=store.clock(), **values)
    )


def delete_classes(connection: Connection, codes: list[str]) -> None:
    """Delete every row of these classes, children first."""
    if not codes:
        return
    for table in schema.CLASS_TABLES:
        connection.execute(sa.delete(table).where(table.c.code.in_(codes)))


def purge_expired(store: ClassStore) -> int:
    """Delete every class idle for longer than the limit (12 h), with all its rows.

    Returns:
        How many classes were deleted.
    """
    cutoff = store.clock() - store.limits.idle_s
    with store.write() as connection:
        codes = list(
            connection.execute(
                sa.select(schema.classes.c.code).where(schema.classes.c.active_at < cutoff)
            ).scalars()
        )
        delete_classes(connection, codes)
    return len(codes)
