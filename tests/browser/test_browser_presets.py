"""The picker "From the lectures" in a real browser: a pick opens the page, its link and
the lecture's number beside the app's."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_browser import LOAD_TIMEOUT, _settle

pytestmark = pytest.mark.browser


def _pick(page: Page, title: str) -> None:
    picker = page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox")
    picker.click()
    page.get_by_role("option", name=title).click()


def test_a_pick_opens_its_page_with_the_banner(page: Page, app_url, artifacts):
    page.goto(app_url)
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible(timeout=LOAD_TIMEOUT)
    _settle(page)
    page.set_viewport_size({"width": 1400, "height": 1800})

    _pick(page, "QuantEcon: least squares by Barzilai–Borwein on the lecture's data")
    expect(page.get_by_role("heading", name="Regression")).to_be_visible(timeout=LOAD_TIMEOUT)
    banner = page.get_by_test_id("stAlert").filter(has_text="From the lectures")
    expect(banner).to_contain_text("this app 0.45994443", timeout=LOAD_TIMEOUT)
    expect(banner).to_contain_text("lecture 1.0219053, this app 1.0219055")
    # the preset's link, as the page writes it (the option as shown)
    expect(page).to_have_url(re.compile(r"/regression\?r_data=QuantEcon"))
    _settle(page)
    page.screenshot(path=str(artifacts / "preset-regression.png"), full_page=True)

    # A second pick, on another page; then the page's own control ends the banner.
    _pick(page, "pycse: derivatives of √x data")
    expect(page.get_by_role("heading", name="Derivatives of data")).to_be_visible(
        timeout=LOAD_TIMEOUT
    )
    banner = page.get_by_test_id("stAlert").filter(has_text="From the lectures")
    expect(banner).to_contain_text("D[1, 2]: lecture 5, this app 5", timeout=LOAD_TIMEOUT)
    expect(page).to_have_url(re.compile(r"d_range=0\.1&d_range=1(&|$)"))
    _settle(page)
    page.screenshot(path=str(artifacts / "preset-data.png"), full_page=True)
    page.get_by_role("button", name="Close").click()
    expect(banner).to_have_count(0, timeout=LOAD_TIMEOUT)
