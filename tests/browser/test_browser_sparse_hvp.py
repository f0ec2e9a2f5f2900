"""The Sparse Jacobians and Hessian-vector products sections in a real browser: pick the
section, change a control, and see the numbers, the charts and the link follow."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_browser import LOAD_TIMEOUT, _settle, open_from_sidebar

pytestmark = pytest.mark.browser


def _pick(page: Page, section: str) -> None:
    page.get_by_role("radio", name=section).click()
    page.wait_for_url(re.compile(r"v_s="), timeout=LOAD_TIMEOUT)


def test_the_2d_grid_needs_five_jvps(page: Page, app_url, artifacts):
    page.set_viewport_size({"width": 1400, "height": 2400})
    open_from_sidebar(page, app_url, "Several variables")
    _pick(page, "Sparse Jacobians")
    expect(page.get_by_text("3 JVPs instead of 1000")).to_be_visible(timeout=LOAD_TIMEOUT)
    _settle(page)
    charts = page.get_by_test_id("stPlotlyChart")
    expect(charts).to_have_count(4, timeout=LOAD_TIMEOUT)  # pattern, colouring, B and J, timing
    numbers = page.get_by_test_id("stTable").first
    expect(numbers).to_contain_text("2998 of 1000000")
    page.get_by_role("radio", name="2d", exact=True).click()
    expect(page.get_by_text("5 JVPs instead of 900")).to_be_visible(timeout=LOAD_TIMEOUT)
    page.wait_for_url(re.compile(r"v_sres=2d"), timeout=LOAD_TIMEOUT)
    _settle(page)
    expect(numbers).to_contain_text("900 (30 × 30 grid)")
    expect(page.get_by_test_id("stTable").nth(1)).to_contain_text("900")  # the timing table
    expect(charts).to_have_count(4)
    assert "Traceback" not in page.locator("body").inner_text()
    page.screenshot(path=str(artifacts / "several-variables-sparse.png"), full_page=True)


def test_typing_f_changes_the_hessian_vector_product(page: Page, app_url, artifacts):
    page.set_viewport_size({"width": 1400, "height": 2400})
    open_from_sidebar(page, app_url, "Several variables")
    _pick(page, "Hessian-vector products")
    product = page.get_by_test_id("stTable").first
    expect(product).to_contain_text("402", timeout=LOAD_TIMEOUT)
    expect(page.get_by_text("Newton-CG", exact=True).first).to_be_visible(timeout=LOAD_TIMEOUT)
    _settle(page)
    box = page.get_by_role("textbox", name="f(x, y, z) =", exact=True)
    box.fill("x^2 y + z^3")
    box.press("Enter")
    # H = [[2y, 2x, 0], [2x, 0, 0], [0, 0, 6z]] at (1, 1, 1), times v = (1, 1, 1): (4, 2, 6)
    expect(product).not_to_contain_text("402", timeout=LOAD_TIMEOUT)
    page.wait_for_url(re.compile(r"v_hvf="), timeout=LOAD_TIMEOUT)
    _settle(page)
    rows = product.locator("tbody tr").all_inner_texts()
    assert [row.split() for row in rows] == [["x", "4", "4"], ["y", "2", "2"], ["z", "6", "6"]]
    expect(page.get_by_test_id("stPlotlyChart")).to_have_count(1)  # the measured cost
    assert "Traceback" not in page.locator("body").inner_text()
    page.screenshot(path=str(artifacts / "several-variables-hvp.png"), full_page=True)
