"""Replicas of the app behind nginx on this machine: for `make serve`, tests and benchmarks.

    python -m deploy.local --replicas 2 --port 8080 [--address 0.0.0.0]   # ctrl-C stops

Each replica is `python -m deploy.serve` (the warm launcher) on a free 127.0.0.1 port,
in its own process group; nginx (Debian's, run unprivileged-style in the foreground
from a temporary prefix) listens in front and keeps each browser session on one
replica (see the cookie affinity in deploy/nginx.conf). In Python:

    with serve(replicas=2) as cluster:
        cluster.url            # nginx: "http://127.0.0.1:PORT"
        cluster.replica_urls   # each replica, directly
        cluster.pids           # the replicas' server processes (memory, CPU)

`replicas=0` is one server without nginx (`url` is that server).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from deploy.nginx import local_config

ROOT = Path(__file__).resolve().parents[1]  # the project root: app.py, .streamlit/
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
HEALTH_TIMEOUT = 120.0  # s: each replica warms up (JAX, worker pools) before its port opens
STOP_TIMEOUT = 15.0  # s between SIGTERM and SIGKILL


@dataclass(frozen=True)
class Cluster:
    """A running cluster: nginx's base URL, each replica's URL and server process id."""

    url: str
    replica_urls: tuple[str, ...]
    pids: tuple[int, ...]


class StartError(RuntimeError):
    """A replica or nginx did not become healthy (the message names its log file)."""


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now (the OS's choice)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def healthy(url: str, timeout: float = 2.0) -> bool:
    """Whether `url`/_stcore/health answers "ok" (through nginx or from a replica)."""
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=timeout) as response:
            return response.read().strip() == b"ok"
    except OSError:
        return False


def _start(command: Sequence[str], log: Path) -> subprocess.Popen:
    with log.open("ab") as out:  # the child keeps its own descriptor
        return subprocess.Popen(
            command, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"}, start_new_session=True,
        )  # fmt: skip


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signum)


def _stop(processes: Sequence[subprocess.Popen]) -> None:
    """SIGTERM each process group, SIGKILL them after STOP_TIMEOUT (and any stragglers)."""
    for process in processes:
        _signal_group(process, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    for process in processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
    for process in processes:
        _signal_group(process, signal.SIGKILL)  # worker processes left behind, or a hang
        process.wait()


def _wait_healthy(
    targets: Sequence[tuple[str, subprocess.Popen, Path]], timeout: float, what: str
) -> None:
    """Wait until every (url, process, log) is healthy, its own process still alive."""
    waiting = list(targets)
    deadline = time.monotonic() + timeout
    while waiting:
        for target in list(waiting):
            url, process, log = target
            if process.poll() is not None:
                raise StartError(f"{what} {url} exited with {process.returncode}: see {log}")
            if healthy(url):
                waiting.remove(target)
        if waiting and time.monotonic() > deadline:
            url, _, log = waiting[0]
            raise StartError(f"{what} {url} not healthy after {timeout:g} s: see {log}")
        if waiting:
            time.sleep(0.25)
    for url, process, log in targets:  # a stale server on the port would answer for it
        if process.poll() is not None:
            raise StartError(f"{what} {url} exited with {process.returncode}: see {log}")


@contextlib.contextmanager
def one_process(
    command: Sequence[str], url: str, log: Path, timeout: float = 300.0
) -> Iterator[subprocess.Popen]:
    """Run one server `command` in its own process group until `url` is healthy; yield
    the process, and stop its whole group (SIGTERM, then SIGKILL) on exit.

    Raises:
        StartError: it exited, or was not healthy within `timeout` s (names `log`).
    """
    process = _start(command, log)
    try:
        _wait_healthy([(url, process, log)], timeout, "the server")
        yield process
    finally:
        _stop([process])


def _taken(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@contextlib.contextmanager
def serve(
    replicas: int = 2,
    log_dir: Path | None = None,
    port: int | None = None,
    *,
    address: str = "127.0.0.1",
    timeout: float = HEALTH_TIMEOUT,
) -> Iterator[Cluster]:
    """Start `replicas` warm servers behind nginx; stop them all on exit.

    Args:
        replicas: server processes behind nginx; 0: one server, no nginx.
        log_dir: where replica-N.log and nginx's logs go; if None, a new temporary folder
            (kept afterwards, to read after a failure).
        port: nginx's port (the server's when `replicas` is 0); a free one if None.
        address: where nginx (or the lone server) listens: 0.0.0.0 for every host.
        timeout: seconds each replica, then nginx, may take to become healthy.

    Raises:
        StartError: a process exited or stayed unhealthy (the message names its log).
    """
    if replicas < 0:
        raise ValueError(f"replicas must be 0 or more, not {replicas}")
    log_dir = Path(log_dir) if log_dir else Path(tempfile.mkdtemp(prefix="deploy-logs-"))
    log_dir.mkdir(parents=True, exist_ok=True)
    local = "127.0.0.1" if address in ("0.0.0.0", "::") else address
    if replicas == 0:
        ports, bind = [port or free_port()], address
    else:
        ports, bind = [free_port() for _ in range(replicas)], "127.0.0.1"
        if not Path(NGINX).is_file():
            raise StartError(f"{NGINX} is missing: run `make nginx` (apt-get install nginx)")
    nginx_port = port or free_port()
    # Now, not after the replicas' warm-up: a port in use is a mistake to report at once.
    for checked in {*ports, nginx_port} if replicas else ports:
        if _taken(checked):
            raise StartError(f"port {checked} is already in use")
    with contextlib.ExitStack() as stack:
        targets, processes = [], []
        stack.callback(_stop, processes)  # the whole list, as it is on exit
        for index, replica_port in enumerate(ports, start=1):
            log = log_dir / f"replica-{index}.log"
            command = [sys.executable, "-m", "deploy.serve",
                       "--port", str(replica_port), "--address", bind]  # fmt: skip
            process = _start(command, log)
            processes.append(process)
            host = local if replicas == 0 else "127.0.0.1"
            targets.append((f"http://{host}:{replica_port}", process, log))
        _wait_healthy(targets, timeout, "replica")
        replica_urls = tuple(url for url, _, _ in targets)
        pids = tuple(process.pid for _, process, _ in targets)
        if replicas == 0:
            yield Cluster(url=replica_urls[0], replica_urls=replica_urls, pids=pids)
            return

        run_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="deploy-nginx-")))
        run_dir.chmod(0o755)  # nginx's workers drop root (if it has it) and write temp files
        listen = f"[{address}]:{nginx_port}" if ":" in address else f"{address}:{nginx_port}"
        config = local_config(listen, ports, run_dir, log_dir)
        (run_dir / "nginx.conf").write_text(config)
        error_log = log_dir / "nginx-error.log"
        command = [NGINX, "-p", str(run_dir), "-e", str(error_log), "-c", "nginx.conf",
                   "-g", "daemon off;"]  # fmt: skip
        nginx = _start(command, log_dir / "nginx.log")
        stack.callback(_stop, [nginx])  # runs first: nginx stops before the replicas
        url = f"http://{local}:{nginx_port}"
        _wait_healthy([(url, nginx, error_log)], timeout, "nginx")
        yield Cluster(url=url, replica_urls=replica_urls, pids=pids)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m deploy.local",
        description="Serve the app from N warm replicas behind nginx until ctrl-C.",
    )
    parser.add_argument("--replicas", type=int, default=len(os.sched_getaffinity(0)),
                        help="server processes (default: one per core; 0: no nginx)")  # fmt: skip
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--address", default="127.0.0.1", help="0.0.0.0 to serve every host")
    parser.add_argument("--log-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    # SIGTERM (docker stop, kill) stops the cluster as ctrl-C does.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    print(f"starting {args.replicas} replica(s); each warms up first", flush=True)
    try:
        with serve(args.replicas, args.log_dir, args.port, address=args.address) as cluster:
            replicas = ", ".join(
                f"{url} pid {pid}"
                for url, pid in zip(cluster.replica_urls, cluster.pids, strict=True)
            )
            print(f"serving on {cluster.url} ({replicas}); ctrl-C stops", flush=True)
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        print("stopped", flush=True)
    except StartError as error:
        raise SystemExit(f"deploy.local: {error}") from None


if __name__ == "__main__":
    main()
