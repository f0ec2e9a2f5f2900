"""The descent page in a real browser: reset the animation, step it, see the paths grow; a
start point clicked on the contour plot travels in a copied link."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

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


# Every trace of the contour plot (the first chart) as text: the paths and the start point.
CONTOUR = (
    "() => { const plot = document.querySelector('.js-plotly-plot');"
    " return plot && plot._fullData ? JSON.stringify(plot._fullData.map("
    "t => [t.name, Array.from(t.x || []), Array.from(t.y || [])])) : null; }"
)


def _open_descent(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", name="Descent trajectories")).to_be_visible(
        timeout=LOAD_TIMEOUT
    )
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible(timeout=LOAD_TIMEOUT)
    _settle(page)
    page.wait_for_function(f"() => ({CONTOUR})() !== null", timeout=LOAD_TIMEOUT)


def test_a_clicked_start_point_travels_in_a_copied_link(page: Page, app_url, artifacts):
    page.set_viewport_size({"width": 1400, "height": 1400})
    # By address, not the sidebar: the page's own link is what a person copies and shares.
    _open_descent(page, f"{app_url}/descent")
    start_x, start_y = page.get_by_label("Start x"), page.get_by_label("Start y")
    before = (start_x.input_value(), start_y.input_value())
    plot_area = page.locator(".js-plotly-plot").first.locator(".nsewdrag").first
    box = plot_area.bounding_box()
    page.mouse.click(box["x"] + 0.7 * box["width"], box["y"] + 0.3 * box["height"])
    page.wait_for_url(re.compile(r"[?&]g_[xy]="), timeout=LOAD_TIMEOUT)
    _settle(page)
    clicked = (start_x.input_value(), start_y.input_value())
    assert clicked != before
    link = page.url
    contour = page.evaluate(CONTOUR)

    second = page.context.new_page()
    second.set_viewport_size({"width": 1400, "height": 1400})
    _open_descent(second, link)
    assert (second.get_by_label("Start x").input_value(),
            second.get_by_label("Start y").input_value()) == clicked  # fmt: skip
    assert second.evaluate(CONTOUR) == contour
    assert second.url == link
    assert "Traceback" not in second.locator("body").inner_text()
    second.screenshot(path=str(artifacts / "descent-shared-link.png"), full_page=True)
