"""Shared fixtures: the app server for browser tests, and Chromium's launch settings."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from deploy.local import free_port, healthy

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Drive Debian's Chromium (Playwright's own download cannot be installed here).

    A missing Chromium fails the browser tests: a skipped browser test did not run.
    """
    if shutil.which(CHROMIUM) is None:
        pytest.fail(f"{CHROMIUM} is missing: run `make chromium` (apt-get install chromium).")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@contextlib.contextmanager
def streamlit_server(log_path: Path):
    """`streamlit run app.py` on a free local port (as Community Cloud runs it: no warm
    launcher); yields its URL once healthy, and stops it afterwards."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = log_path.open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while not healthy(url):
            if server.poll() is not None:
                pytest.fail(f"The app server exited with {server.returncode}; see {log_path}.")
            if time.monotonic() > deadline:
                pytest.fail("The app server did not become healthy within 90 s.")
            time.sleep(0.3)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


@pytest.fixture(scope="session")
def app_url(artifacts):
    """Serve the app on a free local port for the session; stop it afterwards."""
    with streamlit_server(artifacts / "server.log") as url:
        yield url


@pytest.fixture(scope="module")
def generous_symbolic_budget():
    """A SymPy budget of 30 s for page tests that check what the page shows.

    The 2 s budget protects a server; it is not what these tests check (the budget's own
    tests set it to 0 or run against it on purpose). On a loaded test machine SymPy can
    need more than 2 s for the default example, and the page then rightly shows fewer
    formulas: that is a slow machine, not a defect.

    Pages draw without SymPy's results and fill them in when ready; here they wait for
    them (up to 60 s), so that one run shows the whole page.
    """
    from core.engines import symbolic
    from ui import symbolic_jobs

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(symbolic, "BUDGET_SECONDS", 30.0)
        patch.setattr(symbolic_jobs, "WAIT_FOR_SYMBOLIC", 60.0)
        yield
