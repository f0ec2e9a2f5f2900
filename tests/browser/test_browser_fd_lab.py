"""The finite-differences lab in a real browser: switch precision, see the curves move."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.test_browser import (
    FIRST_TRACE_Y,
    LOAD_TIMEOUT,
    _first_trace_y,
    _settle,
    open_from_sidebar,
)

pytestmark = pytest.mark.browser


def test_switching_precision_moves_the_error_curves(page: Page, app_url, artifacts):
    open_from_sidebar(page, app_url, "Finite-differences lab")
    page.wait_for_function(f"() => {{ {FIRST_TRACE_Y} return y && y.length > 0; }}")
    before = _first_trace_y(page)
    page.get_by_test_id("stRadio").first.get_by_text("float32").click()
    page.wait_for_function(
        f"(before) => {{ {FIRST_TRACE_Y} return y && y.slice(0, 50).join() !== before.join(); }}",
        arg=before,
        timeout=LOAD_TIMEOUT,
    )
    _settle(page)
    assert "Machine epsilon in float32" in page.locator("body").inner_text()
    page.set_viewport_size({"width": 1400, "height": 2600})  # Streamlit scrolls inside
    _settle(page)
    page.screenshot(path=str(artifacts / "fd-lab-float32.png"), full_page=True)
