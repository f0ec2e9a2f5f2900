"""Every page link a first visitor may open, run once in the server's process before it serves.

A student opening the teacher's link starts a new session; whatever that page computes
the first time (its `st.cache_data` results, JAX's compiles at the page's shapes, SciPy's
and Plotly's lazy imports, the SymPy jobs) would come out of that student's wait: 4-9 s
for Several variables, Regression, Descent and the Kinks page, measured through the
browser (benchmarks/first_visit.py). The warm launcher (deploy.serve) therefore runs each
link once with Streamlit's in-process `AppTest` before it opens its port: every page at
its defaults, and every lecture preset's link. The caches are process-global, so the
server's sessions find the results (see deploy.serve's docstring).

The pages are found, not listed: every file in views/ is a page of the router, so a new
page is warmed without anyone remembering to add it here.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NamedTuple

from core.teaching.presets import PRESETS

ROOT = Path(__file__).resolve().parents[1]
SYMBOLIC_WAIT_S = 60.0  # the most to wait for the SymPy jobs the pages started
# Pages whose charts hold SymPy's curves (ui.charts.draw keeps them per data): run again
# once SymPy's jobs are done, so a first visitor finds the charts as they will be drawn.
DRAWN_WITH_SYMPY = ("views/explorer.py",)


class Link(NamedTuple):
    """A page link: the view (relative to app.py) and its query."""

    name: str
    view: str
    query: tuple[tuple[str, str], ...] = ()


def page_views(root: Path = ROOT) -> list[str]:
    """Every page's view file, relative to the app ("views/explorer.py", ...)."""
    return sorted(f"views/{path.name}" for path in (root / "views").glob("*.py"))


def warm_links(root: Path = ROOT) -> list[Link]:
    """Every page at its defaults, then every lecture preset's link."""
    pages = [Link(Path(view).stem, view) for view in page_views(root)]
    presets = [
        Link(f"preset {preset.key}", preset.view, tuple(dict(preset.query).items()))
        for preset in PRESETS
    ]
    return pages + presets


def run_link(app: Path, link: Link):
    """Run `link` once in a new AppTest session, as a browser opening it would."""
    from streamlit.testing.v1 import AppTest

    run = AppTest.from_file(str(app), default_timeout=300)
    for key, value in link.query:
        run.query_params[key] = value
    return run.switch_page(link.view).run()


def _wait_for_symbolic_jobs(timeout: float) -> None:
    """Let the SymPy jobs the pages queued finish, so their results are kept too."""
    from ui.symbolic_jobs import symbolic_queue

    deadline = time.monotonic() + timeout
    queue = symbolic_queue()
    while time.monotonic() < deadline:
        stats = queue.stats()
        if not stats["waiting"] and not stats["running"]:
            return
        time.sleep(0.1)


def warm_pages(
    app: Path, links: Iterable[Link] | None = None, log: Callable[[str], None] = print
) -> dict[str, float]:
    """Run every link once (warm_links by default); return the seconds each took.

    A link that raises is logged, not fatal: the server still starts and the page will
    show (and log) the same error.
    """
    seconds = {}
    links = warm_links() if links is None else list(links)
    for link in links:
        started = time.perf_counter()
        try:
            run = run_link(app, link)
        except Exception as error:  # a page's failure must not stop the server starting
            log(f"warming {link.name} failed: {error!r}")
            continue
        seconds[link.name] = time.perf_counter() - started
        if run.exception:
            log(f"{link.name} raised while warming: {run.exception[0].message}")
    _wait_for_symbolic_jobs(SYMBOLIC_WAIT_S)
    for link in links:
        if link.name in seconds and link.view in DRAWN_WITH_SYMPY:
            with contextlib.suppress(Exception):
                run_link(app, link)
    slowest = sorted(seconds.items(), key=lambda item: -item[1])[:3]
    log(
        f"{len(seconds)} page links warmed in {sum(seconds.values()):.1f} s (slowest: "
        + ", ".join(f"{name} {time_s:.1f} s" for name, time_s in slowest)
        + ")"
    )
    return seconds
