"""The descent page in a real browser: reset the animation, step it, see the paths grow."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.test_browser import LOAD_TIMEOUT, _settle, open_from_sidebar

pytestmark = pytest.mark.browser

# Points drawn of the first optimizer's path (trace 2: after the contours and click grid).
PATH_LENGTH = (
    "() => { const plot = document.querySelector('.js-plotly-plot');"
    " return plot && plot._fullData && plot._fullData[2] ? plot._fullData[2].x.length : -1; }"
)


def test_step_grows_the_optimizer_paths(page: Page, app_url, artifacts):
    open_from_sidebar(page, app_url, "Descent trajectories")
    _settle(page)
    page.get_by_role("button", name="Reset", exact=True).click()
    page.wait_for_function(f"() => ({PATH_LENGTH})() === 1", timeout=LOAD_TIMEOUT)
    page.get_by_role("button", name="Step", exact=True).click()
    page.wait_for_function(f"() => ({PATH_LENGTH})() > 1", timeout=LOAD_TIMEOUT)
    _settle(page)
    assert "Traceback" not in page.locator("body").inner_text()
    page.set_viewport_size({"width": 1400, "height": 2200})
    page.get_by_role("button", name="Play", exact=True).click()
    page.wait_for_timeout(1500)
    _settle(page)
    page.screenshot(path=str(artifacts / "descent.png"), full_page=True)
