"""The kinks page in a real browser: type a non-smooth function, read the answers."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_browser import (
    FIRST_TRACE_Y,
    LOAD_TIMEOUT,
    _first_trace_y,
    _settle,
    open_from_sidebar,
)

pytestmark = pytest.mark.browser


def test_typing_relu_updates_the_kink_panel(page: Page, app_url, artifacts):
    open_from_sidebar(page, app_url, "Kinks and programs")
    _settle(page)
    page.wait_for_function(f"() => {{ {FIRST_TRACE_Y} return y && y.length > 0; }}")
    before = _first_trace_y(page)
    box = page.get_by_test_id("stTextInput").first.locator("input")
    box.fill("max(x, 0)")
    box.press("Enter")
    page.wait_for_function(
        f"(before) => {{ {FIRST_TRACE_Y} return y && y.slice(0, 50).join() !== before.join(); }}",
        arg=before,
        timeout=LOAD_TIMEOUT,
    )
    _settle(page)
    expect(page.get_by_text("Heaviside step takes the value 1/2").first).to_be_visible()
    assert "Traceback" not in page.locator("body").inner_text()
    page.set_viewport_size({"width": 1400, "height": 2600})
    _settle(page)
    page.screenshot(path=str(artifacts / "kinks-relu.png"), full_page=True)
