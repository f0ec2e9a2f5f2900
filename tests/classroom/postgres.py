"""A real PostgreSQL server for tests: Debian's binaries, a temporary folder, a free port.

`make test` installs Debian's `postgresql` when it is missing (`make postgresql`); a
missing server fails the tests that need it, never skips them. As root, the server runs
as the `postgres` user (it refuses to run as root). Its data lives in a temporary folder
that is deleted when the server stops; fsync is off, as it is a test server.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from deploy.local import free_port


def server_binaries() -> Path:
    """The folder of initdb and pg_ctl (on PATH, or Debian's /usr/lib/postgresql/N/bin)."""
    found = shutil.which("initdb")
    candidates = [found] if found else []
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    for candidate in candidates:
        folder = Path(candidate).resolve().parent
        if (folder / "pg_ctl").exists():
            return folder
    pytest.fail(
        "PostgreSQL's server (initdb, pg_ctl) is missing: run `make postgresql` "
        "(apt-get install postgresql)."
    )


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """Start a server; yield the URL of its `postgres` database; stop it and delete it."""
    binaries = server_binaries()
    folder = Path(tempfile.mkdtemp(prefix="class-store-pg-"))
    data = folder / "data"
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            pytest.fail("The `postgres` user is missing: reinstall Debian's postgresql.")
        os.chown(folder, user.pw_uid, user.pw_gid)
    port = free_port()
    run = {"check": True, "capture_output": True, "text": True, "cwd": folder}
    started = False
    try:
        subprocess.run(
            _as_server_user(
                [str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
                 "--no-sync", "-E", "UTF8", "--locale", "C"]
            ),
            **run,
        )  # fmt: skip
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            _as_server_user(
                [str(binaries / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w",
                 "-t", "60", "-o", options, "start"]
            ),
            **run,
        )  # fmt: skip
        started = True
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    except subprocess.CalledProcessError as error:
        log = folder / "log"
        tail = log.read_text()[-2000:] if log.exists() else ""
        pytest.fail(f"PostgreSQL did not start: {error.stderr or error.stdout}\n{tail}")
    finally:
        if started:
            subprocess.run(
                _as_server_user([str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"]),
                check=False,
                capture_output=True,
                cwd=folder,
            )
        shutil.rmtree(folder, ignore_errors=True)


def new_database(server_url: str, name: str) -> str:
    """Create an empty database on the server; return its URL."""
    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return server_url.rsplit("/", 1)[0] + f"/{name}"
