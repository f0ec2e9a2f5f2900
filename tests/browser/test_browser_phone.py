"""A phone (390 px wide) and the charts' legends, in a real browser: the sidebar closes once a
page is chosen, Plotly's toolbar does not cover a legend, and a legend is never taller than
the plot it explains."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_browser import LOAD_TIMEOUT, _open, _settle

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

# The error chart's legend and plot area, and the toolbar's box where it is drawn.
ERROR_CHART = """() => { const chart = document.querySelector('.st-key-explorer_chart_errors');
  const box = e => { const r = e && e.getBoundingClientRect();
    return r && r.width > 0 && getComputedStyle(e).display !== 'none'
      ? {left: r.left, right: r.right, top: r.top, bottom: r.bottom, height: r.height} : null; };
  const bar = chart.querySelector('.modebar-container');
  return {legend: box(chart.querySelector('.legend')), plot: box(chart.querySelector('.nsewdrag')),
          toolbar: bar && getComputedStyle(bar).display !== 'none'
            ? box(chart.querySelector('.modebar')) : null}; }"""


def _overlap(a: dict | None, b: dict | None) -> bool:
    return bool(a and b) and (
        a["left"] < b["right"] and b["left"] < a["right"]
        and a["top"] < b["bottom"] and b["top"] < a["bottom"]
    )  # fmt: skip


def test_choosing_a_page_on_a_phone_closes_the_sidebar(page: Page, app_url):
    page.set_viewport_size(PHONE)
    _open(page, app_url)
    sidebar = page.get_by_test_id("stSidebar")
    page.get_by_test_id("stExpandSidebarButton").click()
    expect(sidebar).to_have_attribute("data-collapsed", "false")
    sidebar.get_by_role("link", name="Regression").click()
    expect(page.get_by_role("heading", name="Regression").first).to_be_visible(timeout=LOAD_TIMEOUT)
    _settle(page)
    # It covered 300 of the 390 px and stayed open over the page just chosen.
    expect(sidebar).to_have_attribute("data-collapsed", "true", timeout=10_000)
    page.wait_for_function(  # once its sliding out has ended, nothing of it is on screen
        "() => document.querySelector('[data-testid=stSidebar]').getBoundingClientRect().right < 5"
    )


def test_on_a_phone_the_toolbar_does_not_cover_the_error_charts_legend(page: Page, app_url):
    page.set_viewport_size(PHONE)
    _open(page, f"{app_url}/?n=6")
    chart = page.locator(".st-key-explorer_chart_errors")
    chart.scroll_into_view_if_needed()
    expect(chart.locator(".legend")).to_be_attached(timeout=LOAD_TIMEOUT)
    box = chart.locator(".nsewdrag").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # as a tap would
    page.wait_for_timeout(500)
    shown = page.evaluate(ERROR_CHART)
    assert shown["legend"]
    assert not _overlap(shown["toolbar"], shown["legend"]), shown


@pytest.mark.parametrize("width", [1400, 390])
def test_the_order_10_error_legend_is_not_taller_than_its_plot(page: Page, app_url, width):
    page.set_viewport_size({"width": width, "height": 1000})
    _open(page, f"{app_url}/?n=10")
    chart = page.locator(".st-key-explorer_chart_errors")
    chart.scroll_into_view_if_needed()
    expect(chart.locator(".legend")).to_be_attached(timeout=LOAD_TIMEOUT)
    shown = page.evaluate(ERROR_CHART)
    assert shown["legend"]["height"] <= shown["plot"]["height"], shown
