"""The Beyond grad page in a real browser: one interaction per section, and what a person
then sees change."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_browser import LOAD_TIMEOUT, _settle, open_from_sidebar

pytestmark = pytest.mark.browser


def _section(page: Page, name: str) -> None:
    page.get_by_role("radio", name=name, exact=True).click()
    expect(page.get_by_role("radio", name=name, exact=True)).to_be_checked(timeout=LOAD_TIMEOUT)
    _settle(page)


def _number_input(page: Page, label: str, value: str) -> None:
    box = page.get_by_role("spinbutton", name=label, exact=True)
    box.fill(value)
    box.press("Enter")


def _first_table(page: Page):
    return page.get_by_test_id("stTable").first


def test_one_interaction_per_section(page: Page, app_url, artifacts):
    page.set_viewport_size({"width": 1400, "height": 1800})
    open_from_sidebar(page, app_url, "Beyond grad")
    table = _first_table(page)
    expect(table).to_contain_text("2.7278922")  # the lecture's f(2, 3), float32
    expect(table).to_contain_text("-1.2484405")
    _number_input(page, "y", "1")  # f(2, 1) = sin 2 = 0.9092974
    expect(table).to_contain_text("0.9092974", timeout=LOAD_TIMEOUT)

    _section(page, "stop_gradient")
    expect(_first_table(page)).to_contain_text("-2.4")
    page.get_by_role("slider", name="reward r").focus()
    page.keyboard.press("ArrowLeft")  # r = 0.9: δ = 1.1, the update −1.1·s_prev
    expect(_first_table(page)).to_contain_text("-2.2", timeout=LOAD_TIMEOUT)

    _section(page, "Straight-through estimator")
    expect(_first_table(page)).to_contain_text("[1, 2, 3]")
    page.get_by_role("slider", name="y₃").focus()
    page.keyboard.press("Home")  # y₃ 0.7 → 0: y₂ is the largest now, so q(y) = e₂
    expect(_first_table(page)).to_contain_text("[0, 1, 0]", timeout=LOAD_TIMEOUT)

    _section(page, "Implicit differentiation")
    expect(_first_table(page)).to_contain_text("-0.2213991627")
    _number_input(page, "a", "1")  # x³ − x − 2 = 0: dx/da = −x³/(3x² − 1) = −0.59245 at 1.5214
    expect(_first_table(page)).to_contain_text("-0.5924469933", timeout=LOAD_TIMEOUT)

    _section(page, "has_aux")
    expect(_first_table(page)).to_contain_text("42")
    _number_input(page, "x", "5")
    expect(_first_table(page)).to_contain_text("28", timeout=LOAD_TIMEOUT)

    _section(page, "Per-example gradients")
    _number_input(page, "x₀₁", "4")  # rows (4, 2, 3) and (8, 4, 6)
    expect(_first_table(page)).to_contain_text("8", timeout=LOAD_TIMEOUT)

    _section(page, "Why AD is not symbolic")
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible(timeout=LOAD_TIMEOUT)
    page.get_by_role("slider", name="Highest order").focus()
    page.keyboard.press("Home")  # order 1: rows for f and f′ only
    page.wait_for_url(re.compile(r"b_wn=1"), timeout=LOAD_TIMEOUT)
    _settle(page)
    expect(_first_table(page).locator("tbody tr")).to_have_count(2, timeout=LOAD_TIMEOUT)
    assert "Traceback" not in page.locator("body").inner_text()
    page.screenshot(path=str(artifacts / "beyond-grad-swell.png"), full_page=True)
