"""Time a student's first visit to each page link on a freshly started, warm server.

    .venv/bin/python -m benchmarks.first_visit [--links all|pages|presets] [--json FILE]
        [--baseline] [-- extra deploy.serve flags]

Starts the warm launcher (`python -m deploy.serve`, as `make run` does) on a free port and
waits for `/_stcore/health` (which answers only once the launcher's warm-up is done). Then,
for each link, in a new Chromium context (no cookie: a new Streamlit session, as a
student opening the teacher's link), it opens the link and waits until the page has
settled: its charts drawn (every `stPlotlyChart` holds a Plotly plot), nothing stale, no
skeleton, no running script, for a quiet second. It prints the seconds from opening the
link to settled, per link, as a markdown table, with the warm-up's own time and the CPU
seconds the server spent during each visit (load-independent: a warm page only looks up).

`--baseline` starts the launcher as it was before it warmed every page link (the
default page only), for a before/after table on the same machine and load.

Each link is visited once per server: a second visit would find the first one's results
in the server's caches and say nothing about a first visit. The links are every page at
its defaults and every lecture preset's link (core.teaching.presets).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

from playwright.sync_api import sync_playwright

from core.teaching.presets import PRESETS
from deploy.local import free_port, one_process

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
# page name -> its link path (st.navigation's url_path: the view file's name)
PAGES = {
    "Explorer": "",
    "Finite-differences lab": "fd_lab",
    "Derivatives of data": "data",
    "Kinks and programs": "kinks",
    "Several variables": "several_variables",
    "Regression": "regression",
    "Descent trajectories": "descent",
    "Beyond grad": "beyond_grad",
    "Step by step": "teaching",
}
TIMEOUT_S = 120.0
QUIET_S = 1.0  # nothing running for this long: settled
BASELINE = (
    "import deploy.warm_pages as w; w.warm_pages = lambda *a, **k: {}; "
    "from deploy.serve import main; main()"
)
TARGET_S = 2.0  # issue 21: a student opening the teacher's link waits at most this
BUSY = """() => {
    const count = selector => document.querySelectorAll(selector).length;
    const charts = document.querySelectorAll('[data-testid="stPlotlyChart"]');
    const undrawn = Array.from(charts).filter(
        chart => !chart.querySelector('.js-plotly-plot .main-svg')).length;
    return count('[data-stale="true"]') + count('[data-testid="stSkeleton"]')
        + count('[data-testid="stStatusWidget"]') + undrawn
        + (document.querySelector('[data-testid="stMain"]') ? 0 : 1);
}"""


def links(which: str) -> list[tuple[str, str]]:
    """(name, path with query) of every link to visit."""
    pages = list(PAGES.items())
    presets = []
    for preset in PRESETS:
        path = Path(preset.view).stem
        path = "" if path == "explorer" else path
        presets.append((f"preset: {preset.key}", f"{path}?{urlencode(dict(preset.query))}"))
    return {"pages": pages, "presets": presets, "all": pages + presets}[which]


@contextlib.contextmanager
def warm_server(extra: list[str], log: Path, baseline: bool) -> Iterator[tuple[str, float, int]]:
    """`python -m deploy.serve` on a free port; yields (its URL, seconds until healthy, pid).

    With `baseline`, the launcher as it was before it warmed every page link (the default
    page only): the same code with deploy.warm_pages.warm_pages made a no-op.
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    launcher = ["-m", "deploy.serve"] if not baseline else ["-c", BASELINE]
    started = time.monotonic()
    command = [sys.executable, *launcher, "--port", str(port), *extra]
    with one_process(command, url, log, timeout=TIMEOUT_S * 5) as server:
        yield url, time.monotonic() - started, server.pid


def server_cpu(pid: int) -> float:
    """CPU seconds the server process has used (all its threads; Linux /proc).

    Unlike the wall time it barely depends on what else the machine runs: it says
    whether the server computed for the visit (a cold page) or only looked up (a warm one).
    """
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def visit(browser, url: str) -> float:
    """Seconds from opening `url` in a new session to the page settled (nan: never)."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    try:
        opened = time.monotonic()
        page.goto(url)
        quiet_since = None
        while time.monotonic() - opened < TIMEOUT_S:
            if page.evaluate(BUSY) == 0:
                quiet_since = quiet_since or time.monotonic()
                if time.monotonic() - quiet_since >= QUIET_S:
                    return quiet_since - opened
            else:
                quiet_since = None
            time.sleep(0.05)
        return float("nan")
    finally:
        context.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.first_visit")
    parser.add_argument("--links", choices=("all", "pages", "presets"), default="all")
    parser.add_argument("--json", type=Path, help="also write the numbers to this file")
    parser.add_argument(
        "--baseline", action="store_true",
        help="the launcher without the page-link warm-up (the default page only), to compare",
    )  # fmt: skip
    args, extra = parser.parse_known_args(argv)
    extra = [flag for flag in extra if flag != "--"]
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        log = Path(scratch) / "server.log"
        with (
            warm_server(extra, log, args.baseline) as (url, warm_s, pid),
            sync_playwright() as playwright,
        ):
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            for name, path in links(args.links):
                cpu = server_cpu(pid)
                seconds = visit(browser, f"{url}/{path}")
                cpu = server_cpu(pid) - cpu
                rows.append({"link": name, "path": f"/{path}", "seconds": seconds, "cpu": cpu})
                print(f"{name}: {seconds:.2f} s", file=sys.stderr, flush=True)
            browser.close()
    which = "baseline launcher (default page only)" if args.baseline else "warm launcher"
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"{which}: healthy {warm_s:.1f} s after start; load average {load}.")
    print()
    print("| link | first visit (s) | ≤ 2 s | server CPU during it (s) |")
    print("|---|---:|:---:|---:|")
    for row in rows:
        ok = "yes" if row["seconds"] <= TARGET_S else "**no**"
        print(
            f"| {row['link']} (`{row['path']}`) | {row['seconds']:.2f} | {ok} | {row['cpu']:.2f} |"
        )
    if args.json:
        args.json.write_text(json.dumps({"warm_s": warm_s, "visits": rows}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
