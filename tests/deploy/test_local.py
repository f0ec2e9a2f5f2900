"""Failures are clear and early: a busy port, a replica that exits (its log named), a bad flag."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import pytest

from deploy import local


def test_a_busy_port_is_refused_before_starting(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        refused = pytest.raises(local.StartError, match=f"port {port} is already in use")
        with refused, local.serve(replicas=0, log_dir=tmp_path, port=port):
            pass


def test_a_replica_that_exits_names_its_log(tmp_path, monkeypatch):
    # Skip deploy.local's own check: deploy.serve then finds the port busy and exits
    # at once, before its warm-up.
    monkeypatch.setattr(local, "_taken", lambda _port: False)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        exits = pytest.raises(local.StartError, match=r"replica-1\.log")
        with exits as failure, local.serve(replicas=0, log_dir=tmp_path, port=port, timeout=60):
            pass
    assert "exited with" in str(failure.value)
    assert f"cannot listen on 127.0.0.1:{port}" in (tmp_path / "replica-1.log").read_text()


def test_a_bad_streamlit_flag_fails_before_the_warm_up():
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-m", "deploy.serve", "--port", str(local.free_port()),
         "--server.noSuchOption", "1"],
        cwd=local.ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert run.returncode == 2
    assert "--server.noSuchOption" in run.stderr
    assert "warm" not in run.stderr
    assert time.monotonic() - started < 30  # the warm-up alone takes longer
