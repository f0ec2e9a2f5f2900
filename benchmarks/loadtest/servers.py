"""The servers under test: started here, on 127.0.0.1, and stopped here.

`deploy.local.serve` (nginx in front of N replicas, sticky by the `de_route` cookie;
`replicas=0` is one bare server) is used when it exists. Without it the benchmark
falls back to bare `streamlit run` servers of its own, one per replica, and the
sessions are spread over them round-robin (what sticky sessions do, without nginx).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 180.0
BARE_FLAGS = [
    "--server.headless",
    "true",
    "--server.address",
    "127.0.0.1",
    "--server.fileWatcherType",
    "none",
    "--browser.gatherUsageStats",
    "false",
]


@dataclasses.dataclass(frozen=True)
class Cluster:
    """What `deploy.local.serve` yields: the base URL, each replica's URL and pid."""

    url: str
    replica_urls: tuple[str, ...]
    pids: tuple[int, ...]
    launcher: str = "deploy.local"

    def session_url(self, index: int) -> str:
        """Where session number `index` connects: nginx if there is one, else round-robin."""
        if self.url not in self.replica_urls:
            return self.url
        return self.replica_urls[index % len(self.replica_urls)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.read().strip() == b"ok"
    except OSError:
        return False


@contextlib.contextmanager
def _bare_server(log_dir: Path) -> Iterator[tuple[str, int]]:
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
    command += BARE_FLAGS
    log = open(log_dir / f"server-{port}.log", "wb")  # noqa: SIM115 (closed in finally)
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _healthy(url):
            if process.poll() is not None:
                raise RuntimeError(f"the server on port {port} exited with {process.returncode}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server on port {port} was not healthy in time")
            time.sleep(0.5)
        yield url, process.pid
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


@contextlib.contextmanager
def _fallback(replicas: int, log_dir: Path) -> Iterator[Cluster]:
    with contextlib.ExitStack() as stack:
        servers = [stack.enter_context(_bare_server(log_dir)) for _ in range(max(replicas, 1))]
        urls = tuple(url for url, _ in servers)
        yield Cluster(urls[0], urls, tuple(pid for _, pid in servers), "fallback")


def have_deploy_local() -> bool:
    return (ROOT / "deploy" / "local.py").is_file()


@contextlib.contextmanager
def serve(replicas: int, log_dir: Path | None = None) -> Iterator[Cluster]:
    """Servers for one benchmark run, warmed up (each replica has drawn its page once).

    Without `log_dir` the servers' logs go to a temporary folder, removed afterwards
    unless something failed (then its path is printed, to read).
    """
    if log_dir is not None:
        log_dir.mkdir(parents=True, exist_ok=True)
        with _serve(replicas, log_dir) as cluster:
            yield cluster
        return
    folder = Path(tempfile.mkdtemp(prefix="loadtest-logs-"))
    try:
        with _serve(replicas, folder) as cluster:
            yield cluster
    except BaseException:
        print(f"server logs: {folder}", file=sys.stderr)
        raise
    shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def _serve(replicas: int, log_dir: Path) -> Iterator[Cluster]:
    if have_deploy_local():
        from deploy.local import serve as deploy_serve

        with deploy_serve(replicas=replicas, log_dir=log_dir) as served:
            cluster = Cluster(served.url, tuple(served.replica_urls), tuple(served.pids))
            asyncio.run(warm_up(cluster))
            yield cluster
    else:
        print(
            "deploy/local.py not found: bare servers of the benchmark's own, no nginx",
            file=sys.stderr,
        )
        with _fallback(replicas, log_dir) as cluster:
            asyncio.run(warm_up(cluster))
            yield cluster


async def warm_up(cluster: Cluster) -> None:
    """Open the app once on every replica, so no measurement pays for the first run."""
    from benchmarks.loadtest.session import Session

    async def one(url: str) -> None:
        session = Session(url, "warm-up", timeout_s=START_TIMEOUT_S)
        try:
            await session.open()
        finally:
            await session.close()

    await asyncio.gather(*(one(url) for url in cluster.replica_urls))
    await settle(cluster.pids)


async def settle(pids, idle_share: float = 0.1, longest_s: float = 60.0) -> float:
    """Wait until the servers use under `idle_share` of a core (background compiles,
    the previous scenario's last runs); returns the seconds waited."""
    from benchmarks.loadtest.metrics import ServerSample

    started = time.monotonic()
    last = ServerSample.take(pids)
    while time.monotonic() - started < longest_s:
        await asyncio.sleep(1.0)
        now = ServerSample.take(pids)
        if now.cpu_since(last) < idle_share:
            break
        last = now
    return time.monotonic() - started
