"""Two warm replicas behind nginx, driven by a real browser THROUGH nginx.

The cluster is `deploy.local.serve(replicas=2)`, started once for the module (about a
minute on two cores: each replica warms up before its port opens). The browser checks
what a class would do: open the Explorer, type, share the link, reload, open a second
browser; the HTTP checks show the affinity cookie keeps a session on one replica and
spreads sessions over both.
"""

from __future__ import annotations

import secrets
import time
import urllib.parse
import urllib.request

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from deploy.local import serve

pytestmark = pytest.mark.browser

LOAD_TIMEOUT = 120_000  # ms: generous, for a loaded two-core machine
EXPRESSION = "x^3 + cos(x)"
NEW_LATEX = "3 x^{2}"  # in f'(x) = 3 x^{2} - sin(x)
HAS_LATEX = (
    "(text) => Array.from(document.querySelectorAll('.katex-mathml annotation'))"
    ".some(a => a.textContent.includes(text))"
)
SETTLED = "() => document.querySelectorAll('[data-stale=true]').length === 0"


@pytest.fixture(scope="module")
def cluster(artifacts):
    with serve(replicas=2, log_dir=artifacts / "deploy-cluster", timeout=300) as running:
        yield running


def _get(url: str, cookie: str | None = None):
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()
        return response.headers


def _replica(upstream: str) -> str:
    """X-Upstream ("127.0.0.1:PORT") as a replica URL."""
    return f"http://{upstream}"


@pytest.mark.usefixtures("browser_name")  # grouped with the browser test: one cluster
def test_cookie_affinity(cluster):
    first = _get(f"{cluster.url}/")
    route = [c for c in first.get_all("Set-Cookie") if c.startswith("de_route=")]
    assert len(route) == 1, "the first response sets the affinity cookie"
    assert "HttpOnly" in route[0]
    assert _replica(first["X-Upstream"]) in cluster.replica_urls
    cookie = route[0].split(";")[0]
    again = [_get(f"{cluster.url}/_stcore/health", cookie) for _ in range(5)]
    assert {headers["X-Upstream"] for headers in again} == {first["X-Upstream"]}
    assert not [c for c in again[0].get_all("Set-Cookie") or [] if c.startswith("de_route=")]
    # Random cookies, as a load driver sends one per simulated session: both replicas.
    reached = {
        _replica(
            _get(f"{cluster.url}/_stcore/health", f"de_route={secrets.token_hex(8)}")["X-Upstream"]
        )
        for _ in range(40)
    }
    assert reached == set(cluster.replica_urls)


class _Handshakes:
    """The X-Upstream of every websocket handshake of a page (Chromium's DevTools)."""

    def __init__(self, context: BrowserContext, page: Page) -> None:
        self.upstreams: list[str] = []
        session = context.new_cdp_session(page)
        session.on("Network.webSocketHandshakeResponseReceived", self._received)
        session.send("Network.enable")

    def _received(self, event: dict) -> None:
        headers = {name.lower(): value for name, value in event["response"]["headers"].items()}
        self.upstreams.append(headers.get("x-upstream", "missing"))

    def wait(self, page: Page, count: int) -> list[str]:
        deadline = time.monotonic() + LOAD_TIMEOUT / 1000
        while len(self.upstreams) < count and time.monotonic() < deadline:
            page.wait_for_timeout(100)  # lets Playwright deliver the DevTools events
        assert len(self.upstreams) >= count, "no websocket handshake seen"
        return self.upstreams


def _settle(page: Page) -> None:
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible(timeout=LOAD_TIMEOUT)
    page.wait_for_function(SETTLED, timeout=LOAD_TIMEOUT)


def _expression_box(page: Page):
    return page.get_by_test_id("stTextInput").locator("input")


def _open_explorer(page: Page, url: str) -> str:
    """Open `url`, wait for the page to settle; return the replica that served the HTML."""
    response = page.goto(url)
    assert response is not None
    assert response.ok
    expect(page.get_by_role("heading", name="Derivative Explorer")).to_be_visible(
        timeout=LOAD_TIMEOUT
    )
    expect(page.locator(".katex-mathml annotation").first).to_be_attached(timeout=LOAD_TIMEOUT)
    _settle(page)
    return response.headers["x-upstream"]


def _shows_expression(page: Page) -> None:
    expect(_expression_box(page)).to_have_value(EXPRESSION, timeout=LOAD_TIMEOUT)
    page.wait_for_function(HAS_LATEX, arg=NEW_LATEX, timeout=LOAD_TIMEOUT)
    _settle(page)


def _route_cookie(context: BrowserContext) -> str:
    values = [c["value"] for c in context.cookies() if c["name"] == "de_route"]
    assert len(values) == 1
    return values[0]


@pytest.fixture
def contexts(browser, artifacts):
    """New browser contexts; on the way out, a screenshot of each page, then closed."""
    opened: list[BrowserContext] = []

    def new_context() -> BrowserContext:
        opened.append(browser.new_context())
        return opened[-1]

    yield new_context
    for index, context in enumerate(opened):
        for number, page in enumerate(context.pages):
            page.screenshot(path=artifacts / f"deploy-cluster-{index}-{number}.png")
        context.close()


def test_a_class_through_nginx(contexts, cluster):
    context = contexts()
    page = context.new_page()
    handshakes = _Handshakes(context, page)
    served_by = _open_explorer(page, cluster.url)
    assert _replica(served_by) in cluster.replica_urls
    route = _route_cookie(context)

    box = _expression_box(page)
    box.fill(EXPRESSION)
    box.press("Enter")
    page.wait_for_function(HAS_LATEX, arg=NEW_LATEX, timeout=LOAD_TIMEOUT)
    _settle(page)
    # The session's websocket went to the replica that served its page.
    assert set(handshakes.wait(page, 1)) == {served_by}

    # The Explorer keeps its state in the query string: a copied link reopens it,
    # in another browser (no cookie: maybe the other replica).
    page.wait_for_function(
        "() => new URLSearchParams(location.search).has('f')", timeout=LOAD_TIMEOUT
    )
    link = page.url
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["f"] == [EXPRESSION]
    friend = contexts()
    friend_page = friend.new_page()
    friend_handshakes = _Handshakes(friend, friend_page)
    friend_served_by = _open_explorer(friend_page, link)
    _shows_expression(friend_page)
    assert _route_cookie(friend) != route
    assert set(friend_handshakes.wait(friend_page, 1)) == {friend_served_by}

    # A reload keeps the view, the cookie and the replica (a new websocket, same place).
    page.reload()
    expect(page.get_by_role("heading", name="Derivative Explorer")).to_be_visible(
        timeout=LOAD_TIMEOUT
    )
    _shows_expression(page)
    assert _route_cookie(context) == route
    assert set(handshakes.wait(page, 2)) == {served_by}

    # A second browser with no cookie, at the plain address, gets the default view.
    other = contexts()
    other_page = other.new_page()
    _open_explorer(other_page, cluster.url)
    assert _expression_box(other_page).input_value() != EXPRESSION
