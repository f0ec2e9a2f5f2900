"""The descent page's link in a real browser: the surface, a start point clicked on the
contour plot and the settings write their values into the URL (Streamlit's
`bind="query-params"`), and a reload shows the same view."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_browser import LOAD_TIMEOUT, _settle
from tests.browser.test_browser_descent import CONTOUR
from tests.browser.test_browser_links_kinks import _wait_for_query

pytestmark = pytest.mark.browser

TITLE = "Descent trajectories"


def _query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def _control(page: Page, key: str):
    return page.locator(f".st-key-{key}")


def _open(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible(timeout=LOAD_TIMEOUT)
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible(timeout=LOAD_TIMEOUT)
    _settle(page)
    page.wait_for_function(f"() => ({CONTOUR})() !== null", timeout=LOAD_TIMEOUT)


def _redrawn(page: Page, before: str) -> None:
    """Wait until the contour plot's traces differ from `before` (the URL changes before
    the run that draws the new paths)."""
    page.wait_for_function(
        f"(before) => ({CONTOUR})() !== before", arg=before, timeout=LOAD_TIMEOUT
    )
    _settle(page)


def _start(page: Page) -> tuple[str, str]:
    return (page.get_by_label("Start x").input_value(), page.get_by_label("Start y").input_value())


def test_surface_click_and_settings_are_in_the_link_and_a_reload_shows_them(page: Page, app_url):
    page.set_viewport_size({"width": 1400, "height": 1600})
    _open(page, f"{app_url}/descent")
    assert _query(page) == {}

    # A new surface: in the link, and it starts at its own start (not in the link).
    _control(page, "g_s").click()
    page.get_by_role("option", name="himmelblau", exact=True).click()
    _wait_for_query(page, "g_s", ["himmelblau"])
    expect(page.get_by_label("Start x")).to_have_value("0.000", timeout=LOAD_TIMEOUT)
    assert "g_x" not in _query(page)
    # Wait for the new surface's chart (its start at (0, 0)) before clicking on it.
    page.wait_for_function(
        f"() => JSON.parse(({CONTOUR})()).some(t => t[0] === 'start' && t[1][0] === 0"
        " && t[2][0] === 0)",
        timeout=LOAD_TIMEOUT,
    )
    _settle(page)

    # A click on the contour plot: the start point, set by the server, reaches the link.
    plot_area = page.locator(".js-plotly-plot").first.locator(".nsewdrag").first
    box = plot_area.bounding_box()
    page.mouse.click(box["x"] + 0.7 * box["width"], box["y"] + 0.3 * box["height"])
    page.wait_for_function(
        "() => new URLSearchParams(location.search).has('g_x')", timeout=LOAD_TIMEOUT
    )
    _settle(page)
    clicked = _start(page)
    assert clicked != ("0.000", "0.000")
    assert _query(page)["g_x"] == [f"{float(clicked[0]):g}"]

    # The settings: the iteration cap, the exact gradient off, one optimizer less.
    page.get_by_text("Settings", exact=True).click()
    _control(page, "g_n").get_by_role("slider").focus()
    page.keyboard.press("ArrowLeft")
    _wait_for_query(page, "g_n", ["999"])
    _control(page, "g_exact").locator("label").first.click()
    _wait_for_query(page, "g_exact", ["false"])
    _control(page, "g_m").locator("input").click()
    page.keyboard.press("Backspace")  # the last chip: Nelder-Mead
    page.keyboard.press("Escape")
    _wait_for_query(page, "g_m", ["gd", "momentum", "adam", "newton", "BFGS"])
    page.wait_for_function(
        f"() => !JSON.parse(({CONTOUR})()).some(t => t[0] === 'Nelder-Mead')",
        timeout=LOAD_TIMEOUT,
    )
    _settle(page)
    link, contour = page.url, page.evaluate(CONTOUR)

    page.reload()
    _open(page, link)
    assert _start(page) == clicked
    expect(page.get_by_text("Four minima of equal height")).to_be_visible()  # himmelblau's note
    assert page.evaluate(CONTOUR) == contour  # the same paths from the same start
    assert page.url == link
    assert "Traceback" not in page.locator("body").inner_text()


def test_a_typed_f_with_its_own_steps_is_in_the_link(page: Page, app_url):
    page.set_viewport_size({"width": 1400, "height": 1600})
    _open(page, f"{app_url}/descent")
    _control(page, "g_s").click()
    page.get_by_role("option", name="your own f(x, y)", exact=True).click()
    _wait_for_query(page, "g_s", ["your own f(x, y)"])
    box = _control(page, "g_f").locator("input")
    box.fill("(x-1)^2+(y+2)^2")
    box.press("Enter")
    _wait_for_query(page, "g_f", ["(x-1)^2+(y+2)^2"])
    assert "g_gd" not in _query(page)  # fitted steps follow f, not the link
    page.get_by_text("Settings", exact=True).click()
    _control(page, "g_fit").locator("label").first.click()
    _wait_for_query(page, "g_fit", ["false"])
    _wait_for_query(page, "g_gd", ["0.5"])  # the fitted step became the person's own
    fitted = page.evaluate(CONTOUR)
    _control(page, "g_gd").get_by_role("slider").focus()
    page.keyboard.press("ArrowLeft")
    _wait_for_query(page, "g_gd", ["0.3"])
    _redrawn(page, fitted)  # gradient descent's path with the step 0.3
    link, contour = page.url, page.evaluate(CONTOUR)

    page.reload()
    _open(page, link)
    page.get_by_text("Settings", exact=True).click()
    expect(_control(page, "g_gd").get_by_test_id("stSliderThumbValue")).to_have_text("0.3")
    expect(_control(page, "g_f").locator("input")).to_have_value("(x-1)^2+(y+2)^2")
    assert page.evaluate(CONTOUR) == contour
    assert page.url == link
