"""The instructor view in a real browser: a link that hides the controls it names, and the
projector style's larger text and thicker lines, as a class sees them."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_browser import LOAD_TIMEOUT, _open, _settle

pytestmark = pytest.mark.browser


def _line_width(page: Page) -> float:
    width = page.locator(".js-plotly-plot .scatterlayer path.js-line").first.evaluate(
        "path => getComputedStyle(path).strokeWidth"
    )
    return float(width.removesuffix("px"))


def test_a_projector_link_that_hides_two_controls(page: Page, app_url, artifacts):
    page.set_viewport_size({"width": 1400, "height": 1000})
    _open(page, f"{app_url}/?n=3&hide=n,range&projector=1")
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible(timeout=LOAD_TIMEOUT)
    _settle(page)
    expect(page.get_by_role("slider", name="Highest order")).to_be_hidden()
    expect(page.get_by_text("x-range", exact=True)).to_be_hidden()
    # what the link does not name stays
    expect(page.get_by_role("textbox", name="f(x) =")).to_be_visible()
    expect(page.get_by_text("Instructor view")).to_have_count(0)  # the students' view
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "20px"
    assert _line_width(page) >= 4
    page.screenshot(path=str(artifacts / "instructor-projector.png"))


def test_the_panel_turns_the_projector_style_on_and_off(page: Page, app_url):
    page.set_viewport_size({"width": 1400, "height": 1000})
    _open(page, app_url)
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible(timeout=LOAD_TIMEOUT)
    _settle(page)
    thin = _line_width(page)
    assert thin < 4
    page.get_by_text("Instructor view").click()
    page.get_by_text("Projector style").click()
    page.wait_for_url("**projector=1**", timeout=LOAD_TIMEOUT)
    _settle(page)
    assert _line_width(page) >= 4
    expect(page.get_by_role("slider", name="Highest order")).to_be_visible()  # nothing hidden
    link = page.get_by_test_id("stSidebar").get_by_test_id("stCode").inner_text()
    assert "projector=1" in link
    assert link.startswith("http")
