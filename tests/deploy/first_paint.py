"""Measure the first visitor's first paint after the health check passes (run by hand).

    .venv/bin/python -m tests.deploy.first_paint [--runs 3] [-- extra deploy.serve flags]
    .venv/bin/python -m tests.deploy.first_paint --cluster 2     # through nginx
    .venv/bin/python -m tests.deploy.first_paint --launcher streamlit   # plain streamlit run

Each run starts a fresh server: `python -m deploy.serve` on a free port (polling
`/_stcore/health` every 0.1 s), or with `--cluster N` the replicas and nginx of
`deploy.local.serve(N)` (which returns once nginx's health check passes). The moment it is
healthy, an already-launched Chromium opens the Explorer in a fresh context (no cookie, no
cache). It prints seconds from healthy to the first chart on screen, and to the page
settled (LaTeX shown, nothing stale), with the machine's load average.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from deploy.local import free_port, one_process, serve
from tests.conftest import CHROMIUM, CHROMIUM_FLAGS

SETTLED = "document.querySelectorAll('[data-stale=true]').length === 0"
TIMEOUT = 120_000  # ms


def _command(launcher: str, port: int, extra: list[str]) -> list[str]:
    if launcher == "streamlit":
        flags = ["--server.headless", "true", "--server.port", str(port), "--server.address",
                 "127.0.0.1", "--server.fileWatcherType", "none", "--browser.gatherUsageStats",
                 "false"]  # fmt: skip
        return [sys.executable, "-m", "streamlit", "run", "app.py", *flags]
    return [sys.executable, "-m", "deploy.serve", "--port", str(port), *extra]


@contextlib.contextmanager
def _one_server(launcher: str, extra: list[str], log: Path) -> Iterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with one_process(_command(launcher, port, extra), url, log):
        yield url


@contextlib.contextmanager
def _cluster(replicas: int, logs: Path) -> Iterator[str]:
    with serve(replicas=replicas, log_dir=logs, timeout=300) as cluster:
        yield cluster.url


def _visit(browser, url: str) -> dict[str, float]:
    context = browser.new_context()
    page = context.new_page()
    opened = time.monotonic()
    page.goto(url)
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible(timeout=TIMEOUT)
    chart = time.monotonic()
    expect(page.locator(".katex-mathml annotation").first).to_be_attached(timeout=TIMEOUT)
    page.wait_for_function(SETTLED, timeout=TIMEOUT)
    settled = time.monotonic()
    context.close()
    return {"health_to_chart": chart - opened, "health_to_settled": settled - opened}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--launcher", choices=["deploy", "streamlit"], default="deploy")
    parser.add_argument("--cluster", type=int, default=0, help="replicas behind nginx")
    args, extra = parser.parse_known_args()
    extra = [flag for flag in extra if flag != "--"]
    logs = Path(tempfile.mkdtemp(prefix="first-paint-"))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        for run in range(args.runs):
            started = time.monotonic()
            if args.cluster:
                server = _cluster(args.cluster, logs / f"run-{run}")
            else:
                server = _one_server(args.launcher, extra, logs / f"server-{run}.log")
            with server as url:
                to_health = time.monotonic() - started
                load = os.getloadavg()[0]
                times = _visit(browser, url)
            print(f"run {run}: start_to_health {to_health:.1f} s, "
                  + ", ".join(f"{k} {v:.2f} s" for k, v in times.items())
                  + f" (load {load:.1f})", flush=True)  # fmt: skip
        browser.close()
    print(f"server logs in {logs}")


if __name__ == "__main__":
    main()
