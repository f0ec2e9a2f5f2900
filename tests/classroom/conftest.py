"""Fixtures of the class store's tests: each store test runs on SQLite and on a real
PostgreSQL server (started once per session), with a clock the test moves."""

from __future__ import annotations

import psycopg
import pytest

from core.classroom import ClassStore, Limits
from tests.classroom.postgres import new_database, postgres_server

BACKENDS = ("sqlite", "postgresql")


class Clock:
    """A clock a test moves: seconds since the epoch, starting at a fixed time."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(scope="session")
def postgres_url():
    """The URL of a PostgreSQL server that lives as long as the test session."""
    with postgres_server() as url:
        yield url


@pytest.fixture(scope="session")
def postgres_database(postgres_url):
    """A database of the session's server for the store tests."""
    return new_database(postgres_url, "classes")


@pytest.fixture(params=BACKENDS)
def store_url(request, tmp_path):
    """An empty store's URL: a new SQLite file, or the PostgreSQL database emptied (its
    tables dropped: quicker than a new database each time)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'classes.sqlite3'}"
    url = request.getfixturevalue("postgres_database")
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("DROP SCHEMA public CASCADE")
        connection.execute("CREATE SCHEMA public")
    return url


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def make_store(store_url, clock):
    """Stores on the test's database, with the test's clock (and limits if given)."""
    stores = []

    def make(limits: Limits | None = None) -> ClassStore:
        store = ClassStore(store_url, limits=limits or Limits(), clock=clock)
        stores.append(store)
        return store

    yield make
    for store in stores:
        store.dispose()


@pytest.fixture
def store(make_store):
    return make_store()
