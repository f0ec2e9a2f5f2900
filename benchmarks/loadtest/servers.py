"""The servers under test: started on 127.0.0.1 by `deploy.local.serve` (nginx in front
of N warm replicas, sticky by the `de_route` cookie; `replicas=0` is one bare server),
warmed up, and stopped here.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from deploy.local import serve as deploy_serve

START_TIMEOUT_S = 180.0


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
    with deploy_serve(replicas=replicas, log_dir=log_dir) as served:
        cluster = Cluster(served.url, tuple(served.replica_urls), tuple(served.pids))
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
