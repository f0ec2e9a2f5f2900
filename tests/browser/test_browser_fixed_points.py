"""Beyond grad's Fixed points section in a real browser: open it, change a, see z* move."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_browser import LOAD_TIMEOUT, _settle, open_from_sidebar
from tests.browser.test_browser_beyond_grad import _first_table, _number_input, _section

pytestmark = pytest.mark.browser


def test_changing_a_moves_the_fixed_point(page: Page, app_url, artifacts):
    page.set_viewport_size({"width": 1400, "height": 1800})
    open_from_sidebar(page, app_url, "Beyond grad")
    _section(page, "Fixed points")
    table = _first_table(page)
    expect(table).to_contain_text("0.739085133215161", timeout=LOAD_TIMEOUT)  # z = cos z
    expect(page.get_by_test_id("stPlotlyChart")).to_have_count(2, timeout=LOAD_TIMEOUT)
    _number_input(page, "a", "2")  # z = 2 cos z: z* = 1.02986652932226, dz*/da = 0.18970
    page.wait_for_url(re.compile(r"b_fa=2"), timeout=LOAD_TIMEOUT)
    _settle(page)
    expect(table).to_contain_text("1.02986652932226", timeout=LOAD_TIMEOUT)
    expect(table).to_contain_text("0.1897000372", timeout=LOAD_TIMEOUT)
    assert "Traceback" not in page.locator("body").inner_text()
    page.screenshot(path=str(artifacts / "beyond-grad-fixed-points.png"), full_page=True)
