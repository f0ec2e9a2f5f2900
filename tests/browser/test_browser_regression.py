"""The regression page in a real browser: step the logistic animation, see the boundary move."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_browser import LOAD_TIMEOUT, _settle, open_from_sidebar

pytestmark = pytest.mark.browser

# Every trace of the first chart in the visible tab panel, as text.
PANEL_CHART = (
    "() => { const panel = [...document.querySelectorAll('[role=tabpanel]')]"
    ".find(p => !p.hidden && p.offsetParent !== null);"
    " const plot = panel && panel.querySelector('.js-plotly-plot');"
    " return plot && plot._fullData ? JSON.stringify(plot._fullData.map("
    "t => [Array.from(t.x || []), Array.from(t.y || [])])) : null; }"
)


def test_stepping_the_logistic_fit_moves_the_boundary(page: Page, app_url, artifacts):
    open_from_sidebar(page, app_url, "Regression")
    page.get_by_role("tab", name="Logistic").click()
    _settle(page)
    page.get_by_role("button", name="Reset", exact=True).click()
    expect(page.get_by_text("Iteration 0 of")).to_be_visible(timeout=LOAD_TIMEOUT)
    _settle(page)
    page.wait_for_function(f"() => ({PANEL_CHART})() !== null", timeout=LOAD_TIMEOUT)
    before = page.evaluate(PANEL_CHART)
    page.get_by_role("button", name="Step", exact=True).click()
    page.wait_for_function(
        f"(before) => {{ const now = ({PANEL_CHART})(); return now !== null && now !== before; }}",
        arg=before,
        timeout=LOAD_TIMEOUT,
    )
    _settle(page)
    expect(page.get_by_text("Iteration 0 of")).to_have_count(0)
    page.set_viewport_size({"width": 1400, "height": 2200})
    _settle(page)
    page.screenshot(path=str(artifacts / "regression-logistic.png"), full_page=True)
