"""Shrink h in a real browser goes down to 1e-12, where rounding has taken over (issue 21, 9)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_browser import LOAD_TIMEOUT, _open, _settle

pytestmark = pytest.mark.browser

SECANT = re.compile(r"\(f\(x₀\+h\) − f\(x₀\)\)/h = (\S+) at h = (\S+), f′\(x₀\) = (\S+) \(AD\)")


def _sentence(page: Page):
    return page.get_by_test_id("stMarkdownContainer").filter(has_text=SECANT)


def test_shrink_h_reaches_1e_minus_12(page: Page, app_url, artifacts):
    page.set_viewport_size({"width": 1400, "height": 2400})
    _open(page, f"{app_url}/?f=exp(x)&x0=0.5&tan=1&sec_h=0.0001")
    expect(_sentence(page)).to_contain_text("at h = 1e-4,", timeout=LOAD_TIMEOUT)
    _settle(page)
    shrink = page.get_by_role("button", name="Shrink h")
    for k in range(5, 13):
        shrink.click()
        expect(_sentence(page)).to_contain_text(f"at h = 1e-{k},", timeout=LOAD_TIMEOUT)
        _settle(page)
    expect(shrink).to_be_disabled()
    page.wait_for_url(re.compile(r"sec_h=1e-12"), timeout=LOAD_TIMEOUT)
    slope, _, derivative = SECANT.search(_sentence(page).inner_text()).groups()
    # At 1e-12 rounding in f(x0 + h) − f(x0) shows: the slope is off in the 4th-6th digit.
    assert 1e-7 < abs(float(slope) - float(derivative)) < 1e-2
    page.screenshot(path=str(artifacts / "explorer-shrink-h-1e-12.png"), full_page=True)
