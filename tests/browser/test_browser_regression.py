"""The regression page in a real browser: step the logistic animation, see the boundary move;
a copied link reopens the same tab and fit."""

from __future__ import annotations

import json
import re

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
    # Buttons with a keyboard shortcut have a hidden twin (Streamlit): click the one shown
    page.get_by_role("button", name="Reset", exact=True).filter(visible=True).click()
    expect(page.get_by_text("Iteration 0 of")).to_be_visible(timeout=LOAD_TIMEOUT)
    _settle(page)
    page.wait_for_function(f"() => ({PANEL_CHART})() !== null", timeout=LOAD_TIMEOUT)
    before = page.evaluate(PANEL_CHART)
    page.locator(".st-key-regression_logistic_stepper button:visible").click()
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


# The traces of the `index`-th chart in the visible tab panel, as text.
PANEL_CHART_AT = (
    "(index) => { const panel = [...document.querySelectorAll('[role=tabpanel]')]"
    ".find(p => !p.hidden && p.offsetParent !== null);"
    " const plot = panel && panel.querySelectorAll('.js-plotly-plot')[index];"
    " return plot && plot._fullData ? JSON.stringify(plot._fullData.map("
    "t => [t.name, Array.from(t.x || []), Array.from(t.y || [])])) : null; }"
)


def _open_link(page: Page, link: str) -> None:
    page.goto(link)
    expect(page.get_by_role("heading", name="Regression")).to_be_visible(timeout=LOAD_TIMEOUT)
    # The first chart on screen: the linked tab's, not the hidden Linear tab's.
    chart = page.locator("[data-testid=stPlotlyChart]:visible").first
    expect(chart).to_be_visible(timeout=LOAD_TIMEOUT)
    _settle(page)


def test_a_copied_link_reopens_the_same_tab_and_fit(page: Page, app_url, artifacts):
    open_from_sidebar(page, app_url, "Regression")
    page.get_by_role("tab", name="Logistic").click()
    page.wait_for_url(re.compile(r"r_tab=[^&]*Logistic"), timeout=LOAD_TIMEOUT)
    _settle(page)
    page.wait_for_function(f"() => ({PANEL_CHART_AT})(0) !== null", timeout=LOAD_TIMEOUT)
    before = page.evaluate(PANEL_CHART_AT, 0)
    separation = page.get_by_test_id("stSlider").filter(has_text="Separation")
    separation.get_by_role("slider").focus()
    page.keyboard.press("ArrowRight")  # 3.0 -> 3.25
    page.wait_for_url(re.compile(r"r_sep=3\.25"), timeout=LOAD_TIMEOUT)
    # The link changes at the press, the points when the page's run has drawn them.
    page.wait_for_function(
        f"(before) => {{ const now = ({PANEL_CHART_AT})(0);"
        " return now !== null && now !== before; }",
        arg=before,
        timeout=LOAD_TIMEOUT,
    )
    _settle(page)
    link = page.url
    # The points (chart 0's first two traces) and the loss histories (chart 1): what the link
    # must reproduce. The boundary's animation step is not in the link.
    page.wait_for_function(f"() => ({PANEL_CHART_AT})(1) !== null", timeout=LOAD_TIMEOUT)
    points = json.loads(page.evaluate(PANEL_CHART_AT, 0))[:2]
    losses = page.evaluate(PANEL_CHART_AT, 1)

    second = page.context.new_page()
    _open_link(second, link)
    expect(second.get_by_role("tab", name="Logistic")).to_have_attribute("aria-selected", "true")
    slider = second.get_by_test_id("stSlider").filter(has_text="Separation")
    expect(slider.get_by_role("slider")).to_have_value("3.25")
    second.wait_for_function(f"() => ({PANEL_CHART_AT})(1) !== null", timeout=LOAD_TIMEOUT)
    assert json.loads(second.evaluate(PANEL_CHART_AT, 0))[:2] == points
    assert second.evaluate(PANEL_CHART_AT, 1) == losses
    assert second.url == link
    second.screenshot(path=str(artifacts / "regression-shared-link.png"), full_page=True)
