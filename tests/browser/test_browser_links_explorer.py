"""The Explorer's view in its link, in a real browser: every control is bound to the URL
(`bind="query-params"`, the key being the URL name), so a change is written to the link at
once, a reload shows the same view, and the tangent section keeps its h while closed."""

from __future__ import annotations

import urllib.parse

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_browser import LOAD_TIMEOUT, _open, _settle
from tests.browser.test_browser_explorer_tangent import _sentence, _wait_for_h

pytestmark = pytest.mark.browser


def _query(url: str) -> dict[str, list[str]]:
    return urllib.parse.parse_qs(urllib.parse.urlsplit(url).query, keep_blank_values=True)


def _wait_for_link(page: Page, **expected: list[str] | None) -> None:
    """Wait until the link names each value as expected (None: the name is left out)."""
    page.wait_for_url(
        lambda url: all(_query(url).get(name) == value for name, value in expected.items()),
        timeout=LOAD_TIMEOUT,
    )


def _tangent_header(page: Page):
    return page.get_by_text("Tangent and secant at x₀")


def _expect_view(page: Page) -> None:
    """The view set up below: f = x³, orders up to 2, x₀ = 1.5, secant at h = 0.2."""
    expect(page.get_by_test_id("stTextInput").locator("input")).to_have_value("x^3")
    expect(page.get_by_role("slider", name="Highest order")).to_have_value("2")
    expect(page.get_by_role("spinbutton", name="Point x₀")).to_have_value("1.500")
    # drawn from them: f′(1.5) = 6.75, the secant's slope ((1.7)³ − (1.5)³)/0.2 = 7.69
    expect(_sentence(page)).to_contain_text("/h = 7.69 at h = 0.2,", timeout=LOAD_TIMEOUT)
    expect(_sentence(page)).to_contain_text("f′(x₀) = 6.75 (AD)")
    expect(page.get_by_text("Values at x₀ = 1.5", exact=True)).to_be_visible()


def test_a_changed_view_is_in_the_link_and_a_reload_shows_it(page: Page, app_url, artifacts):
    page.set_viewport_size({"width": 1400, "height": 2400})
    _open(page, app_url)
    assert _query(page.url) == {}  # the first view: every value its default
    box = page.get_by_test_id("stTextInput").locator("input")
    box.fill("x^3")
    box.press("Enter")
    _wait_for_link(page, f=["x^3"])
    _settle(page)
    order = page.get_by_role("slider", name="Highest order")
    order.press("ArrowLeft")
    order.press("ArrowLeft")
    _wait_for_link(page, f=["x^3"], n=["2"])
    _settle(page)
    x0 = page.get_by_role("spinbutton", name="Point x₀")
    x0.fill("1.5")
    x0.press("Enter")
    _wait_for_link(page, n=["2"], x0=["1.5"])
    _settle(page)
    _tangent_header(page).click()
    expect(_sentence(page)).to_be_visible(timeout=LOAD_TIMEOUT)
    _wait_for_h(page, "1")
    for h in ("0.5", "0.2"):
        page.get_by_role("button", name="Shrink h").click()
        _wait_for_h(page, h)
    _wait_for_link(page, f=["x^3"], n=["2"], x0=["1.5"], tan=["true"], sec_h=["0.2"])
    _expect_view(page)
    link = page.url

    page.reload()
    expect(_sentence(page)).to_be_visible(timeout=LOAD_TIMEOUT)
    _settle(page)
    _expect_view(page)
    assert _query(page.url) == _query(link)
    page.screenshot(path=str(artifacts / "explorer-link-reloaded.png"), full_page=True)


def test_the_tangent_section_keeps_its_h_while_closed(page: Page, app_url):
    page.set_viewport_size({"width": 1400, "height": 2400})
    _open(page, f"{app_url}/?f=x^3&n=2&x0=1.5")
    _tangent_header(page).click()
    _wait_for_h(page, "1")
    slider = page.get_by_role("slider", name="Secant step h")
    slider.press("ArrowLeft")
    slider.press("ArrowLeft")  # 1 -> 0.5 -> 0.2
    _wait_for_h(page, "0.2")
    _wait_for_link(page, tan=["true"], sec_h=["0.2"])

    _tangent_header(page).click()  # closed: nothing of it drawn, nor in the link
    expect(_sentence(page)).to_have_count(0, timeout=LOAD_TIMEOUT)
    _wait_for_link(page, tan=None, sec_h=None, x0=["1.5"])
    _settle(page)

    _tangent_header(page).click()  # open again: the same h, back in the link
    _wait_for_h(page, "0.2")
    expect(slider).to_have_attribute("aria-valuetext", "0.2")
    _wait_for_link(page, tan=["true"], sec_h=["0.2"])
    _expect_view(page)
