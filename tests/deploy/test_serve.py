"""The warm launcher: its health check passes only once warm, and the first visit is a hit.

Observed through the server itself: Streamlit's `/_stcore/metrics` counts each cached
function's hits and misses, so at the first `ok` from `/_stcore/health` the warm-up
must already have run (`ui.cached.warm_up` computed once), and a browser's first visit
afterwards must add hits, never misses (the page found everything warm).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect

from deploy.local import free_port, healthy
from deploy.serve import WARM_MESSAGE

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 300  # s: the warm-up on a loaded two-core machine
LOAD_TIMEOUT = 120_000  # ms
LOOKUP = re.compile(r"^cache_lookups_total\{(?P<labels>[^}]*)\} (?P<count>[\d.]+)$", re.M)


def cache_lookups(url: str) -> dict[tuple[str, str], int]:
    """{(cached function, "hit" or "miss"): count} from Streamlit's metrics endpoint."""
    with urllib.request.urlopen(f"{url}/_stcore/metrics", timeout=10) as response:
        text = response.read().decode()
    counts = {}
    for match in LOOKUP.finditer(text):
        labels = dict(re.findall(r'(\w+)="([^"]*)"', match["labels"]))
        counts[(labels["cache"], labels["result"])] = int(float(match["count"]))
    return counts


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        for children in Path(f"/proc/{parent}/task").glob("*/children"):
            with_kids = [int(child) for child in children.read_text().split()]
            found += with_kids
            todo += with_kids
    return found


@dataclass(frozen=True)
class FirstHealthy:
    """What was true the first time the health check answered."""

    url: str
    log: Path
    waited_s: float
    failed_checks: int
    log_text: str  # read just before that health check
    lookups: dict[tuple[str, str], int]  # read just after it
    worker_processes: int


@pytest.fixture(scope="module")
def first_healthy(artifacts):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = artifacts / "deploy-serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "deploy.serve", "--port", str(port)],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    started, failed = time.monotonic(), 0
    try:
        while True:
            log_text = log.read_text()
            if healthy(url, timeout=1):
                break
            failed += 1
            assert server.poll() is None, f"deploy.serve exited with {server.returncode}: {log}"
            assert time.monotonic() - started < START_TIMEOUT, f"not healthy; see {log}"
            time.sleep(0.1)
        lookups = cache_lookups(url)
        assert server.poll() is None, "the server that answered is not ours"
        yield FirstHealthy(
            url, log, time.monotonic() - started, failed, log_text, lookups,
            len(_descendants(server.pid)),
        )  # fmt: skip
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


# The same browser parameter as the browser test: pytest then keeps both next to each
# other, and the module's server is started once.
@pytest.mark.usefixtures("browser_name")
def test_health_passes_only_after_the_warm_up(first_healthy):
    # The port stayed closed through the warm-up (several seconds even on a fast machine).
    assert first_healthy.failed_checks > 10
    # Before that first `ok`, the launcher had logged the end of its warm-up ...
    assert WARM_MESSAGE in first_healthy.log_text, first_healthy.log_text
    assert "ui.cached.warm_up() done" in first_healthy.log_text
    # ... the warm-up's cached function had run exactly once, in this process ...
    assert first_healthy.lookups.get(("ui.cached.warm_up", "miss")) == 1
    # ... the default page's data was computed (some st.cache_data function missed) ...
    assert sum(count for (_, result), count in first_healthy.lookups.items() if result == "miss")
    assert first_healthy.lookups.keys() - {("ui.cached.warm_up", "miss")}
    # ... and the SymPy, parse and program worker pools were running.
    assert first_healthy.worker_processes >= 3


@pytest.mark.browser
def test_first_visit_finds_every_cache_warm(first_healthy, browser, artifacts):
    before = cache_lookups(first_healthy.url)
    context = browser.new_context()
    page = context.new_page()
    opened = time.monotonic()
    page.goto(first_healthy.url)
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible(timeout=LOAD_TIMEOUT)
    chart_s = time.monotonic() - opened
    expect(page.locator(".katex-mathml annotation").first).to_be_attached(timeout=LOAD_TIMEOUT)
    page.wait_for_function(
        "() => document.querySelectorAll('[data-stale=true]').length === 0",
        timeout=LOAD_TIMEOUT,
    )
    settled_s = time.monotonic() - opened
    context.close()
    after = cache_lookups(first_healthy.url)
    (artifacts / "deploy-first-visit.txt").write_text(
        f"start to healthy {first_healthy.waited_s:.1f} s; first visit: chart {chart_s:.2f} s, "
        f"settled {settled_s:.2f} s\n"
    )
    new_misses = {
        cache: count - before.get((cache, result), 0)
        for (cache, result), count in after.items()
        if result == "miss" and count > before.get((cache, result), 0)
    }
    assert not new_misses, f"the first visit computed what the warm-up did not: {new_misses}"
    assert after[("ui.cached.warm_up", "hit")] > before.get(("ui.cached.warm_up", "hit"), 0)


def test_a_stop_during_the_warm_up_exits_at_once(artifacts):
    """SIGTERM while warming (a pod scaled down or rolled before it was ready): the
    launcher exits within seconds, not after the warm-up and the grace period."""
    log = artifacts / "deploy-serve-stopped.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "deploy.serve", "--port", str(free_port())],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        started = time.monotonic()
        while "deploy.serve" not in log.read_text():  # the handler is set before this
            assert time.monotonic() - started < 120, log.read_text()
            assert server.poll() is None, log.read_text()
            time.sleep(0.05)
        assert WARM_MESSAGE not in log.read_text()  # still warming
        stopped = time.monotonic()
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=15) == 0
        assert time.monotonic() - stopped < 15
        assert "stopped by signal" in log.read_text()
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
