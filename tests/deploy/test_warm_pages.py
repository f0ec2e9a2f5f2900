"""The warm launcher warms every page link (deploy.warm_pages), so a first visit by link is quick.

A page is warm when a new session opening its link computes nothing: every cached
function it calls is a hit (Streamlit's own cache metrics, as /_stcore/metrics serves
them). Slow first visits by link were issue 21's item 14 (4-9 s for Several variables,
Regression, Descent, Kinks).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.runtime.caching.cache_metrics import get_cache_metrics

from core.teaching.presets import PRESETS
from deploy import serve, warm_pages
from deploy.warm_pages import Link, run_link, warm_links
from ui import navigate, pages

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"


def _misses() -> dict[str, int]:
    stats = get_cache_metrics().get_stats(["cache_lookups"]).get("cache_lookups", [])
    return {
        stat.labels["cache"]: int(stat.value) for stat in stats if stat.labels["result"] == "miss"
    }


def test_the_links_are_every_page_of_the_router_and_every_lecture_preset():
    # the router's pages (ui.pages), and the hidden page a view passes through (ui.navigate.HOP)
    router = {file for file, *_ in pages.TABLE} | {navigate.HOP}
    links = warm_links()
    assert {link.view for link in links if not link.query} == router
    assert len(router) == 11
    preset_links = {(link.view, link.query) for link in links if link.name.startswith("preset")}
    assert preset_links == {(p.view, tuple(dict(p.query).items())) for p in PRESETS}


def test_the_launcher_warms_every_link_after_the_default_page(monkeypatch):
    calls = []
    monkeypatch.setattr("ui.cached.warm_up", lambda: calls.append("warm_up") or "cpu")
    monkeypatch.setattr(serve, "_run_default_page", lambda app: calls.append(("default", app)))
    monkeypatch.setattr(
        warm_pages, "warm_pages", lambda app, **_: calls.append(("pages", app)) or {}
    )
    serve.warm(APP, background_timeout=0)
    assert calls == ["warm_up", ("default", APP), ("pages", APP)]
    calls.clear()
    serve.warm(APP, page=False, background_timeout=0)
    assert calls == ["warm_up"]


def test_a_link_that_raises_is_logged_and_the_others_still_warm(monkeypatch):
    def fake(_app, link):
        if link.name == "bad":
            raise RuntimeError("boom")
        return type("Run", (), {"exception": []})()

    monkeypatch.setattr(warm_pages, "run_link", fake)
    monkeypatch.setattr(warm_pages, "_wait_for_symbolic_jobs", lambda _timeout: None)
    lines = []
    seconds = warm_pages.warm_pages(
        APP, [Link("bad", "views/kinks.py"), Link("good", "views/data.py")], lines.append
    )
    assert list(seconds) == ["good"]
    assert any("warming bad failed" in line for line in lines)


@pytest.fixture(scope="module")
def warmed():
    """The whole warm-up of the launcher, in this process: cached.warm_up, every link."""
    from ui import cached

    cached.warm_up()
    return warm_pages.warm_pages(APP, log=lambda _line: None)


@pytest.mark.parametrize("link", warm_links(), ids=lambda link: link.name)
def test_a_new_session_opening_a_warmed_link_computes_nothing(warmed, link):
    assert link.name in warmed
    before = _misses()
    run = run_link(APP, link)
    assert not run.exception, [e.message for e in run.exception]
    new = {name: count - before.get(name, 0) for name, count in _misses().items()}
    assert not {name: count for name, count in new.items() if count}, (
        f"{link.name}: the first visit computed what the warm-up did not"
    )
