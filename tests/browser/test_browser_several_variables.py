"""The Several variables page in a real browser: type a vector function and see its Jacobian
change; click the contours and see the partial derivatives follow; a link reopens it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_browser import LOAD_TIMEOUT, _settle, open_from_sidebar

pytestmark = pytest.mark.browser


def _tables(page: Page) -> list[str]:
    return page.get_by_test_id("stTable").all_inner_texts()


def _type(page: Page, label: str, text: str) -> None:
    box = page.get_by_role("textbox", name=label, exact=True)
    box.fill(text)
    box.press("Enter")


def test_typing_a_vector_function_changes_the_jacobian(page: Page, app_url, artifacts):
    page.set_viewport_size({"width": 1400, "height": 1800})
    open_from_sidebar(page, app_url, "Several variables")
    page.get_by_role("radio", name="Jacobians: forward and reverse").click()
    expect(page.get_by_text("jax.jacfwd", exact=False).first).to_be_visible(timeout=LOAD_TIMEOUT)
    _settle(page)
    first = page.get_by_test_id("stTable").first
    expect(first).to_contain_text("0.8775825619")  # pycse's cos(0.5)
    _type(page, "f(x, y) = [f₁, f₂, …]", "[x^3 y, exp(x) + y, x - y]")
    # ∂f₁/∂x = 3x²y = 0.375 at (0.5, 0.5); ∂f₂/∂x = e^0.5
    expect(first).to_contain_text("0.375", timeout=LOAD_TIMEOUT)
    expect(first).to_contain_text("1.648721271", timeout=LOAD_TIMEOUT)
    expect(first).to_contain_text("∂f₃")
    page.wait_for_url(re.compile(r"v_jf="), timeout=LOAD_TIMEOUT)
    _settle(page)
    tables = _tables(page)
    assert tables[0] == tables[1]  # jacfwd and jacrev show the same digits
    body = page.locator("body").inner_text()
    assert "Traceback" not in body
    page.screenshot(path=str(artifacts / "several-variables-jacobian.png"), full_page=True)

    second = page.context.new_page()
    second.set_viewport_size({"width": 1400, "height": 1800})
    second.goto(page.url)
    expect(second.get_by_test_id("stTable").first).to_contain_text(
        "1.648721271", timeout=LOAD_TIMEOUT
    )
    typed = second.get_by_role("textbox", name="f(x, y) = [f₁, f₂, …]")
    expect(typed).to_have_value("[x^3 y, exp(x) + y, x - y]")


def test_a_click_on_the_contours_moves_the_point(page: Page, app_url, artifacts):
    page.set_viewport_size({"width": 1400, "height": 1600})
    open_from_sidebar(page, app_url, "Several variables")
    point_x = page.get_by_role("spinbutton", name="Point x")
    before = point_x.input_value()
    plot_area = page.locator(".js-plotly-plot").first.locator(".nsewdrag").first
    box = plot_area.bounding_box()
    page.mouse.click(box["x"] + 0.25 * box["width"], box["y"] + 0.6 * box["height"])
    page.wait_for_url(re.compile(r"v_gx="), timeout=LOAD_TIMEOUT)
    _settle(page)
    after = float(point_x.input_value())
    assert f"{after:.3f}" != before
    # ∂f/∂x of the default f = x² + y is 2x: the table follows the click
    expect(page.get_by_test_id("stTable").first).to_contain_text(f"{2 * after:g}"[:5])
    assert "Traceback" not in page.locator("body").inner_text()
    page.screenshot(path=str(artifacts / "several-variables-gradient.png"), full_page=True)


def test_typos_keep_the_point_the_angle_and_the_last_good_f(page: Page, app_url, artifacts):
    """Issue 21, item 4: `2x+`, `sin(`, then `x^2+y`: the point boxes showed 0.000 and the
    angle 0° while the page computed at (2, 3), and + jumped the point to (0.1, 0)."""
    page.set_viewport_size({"width": 1400, "height": 1600})
    open_from_sidebar(page, app_url, "Several variables")
    _settle(page)
    point_x = page.get_by_role("spinbutton", name="Point x")
    point_y = page.get_by_role("spinbutton", name="Point y")
    angle = page.get_by_role("slider", name="Direction u: angle from the x-axis (°)")
    for typo in ("2x+", "sin("):
        _type(page, "f(x, y) =", typo)
        expect(page.get_by_text("Cannot read this expression")).to_be_visible(timeout=LOAD_TIMEOUT)
        _settle(page)
        # The section stays, with the last good f at the same point.
        expect(page.get_by_text("Still showing the last function that worked")).to_be_visible()
        expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible()
        expect(point_x).to_have_value("2.000")
        expect(point_y).to_have_value("3.000")
    page.screenshot(path=str(artifacts / "several-variables-typo.png"), full_page=True)
    _type(page, "f(x, y) =", "x^2+y")
    expect(page.get_by_text("Cannot read this expression")).to_have_count(0, timeout=LOAD_TIMEOUT)
    _settle(page)
    expect(point_x).to_have_value("2.000")
    expect(point_y).to_have_value("3.000")
    expect(angle).to_have_attribute("aria-valuetext", "45")
    table = page.get_by_test_id("stTable").first
    expect(table).to_contain_text("4")  # ∂f/∂x = 2x at x = 2
    # + moves the point by its step from where it is, not from 0.
    page.get_by_test_id("stNumberInput").first.get_by_test_id("stNumberInputStepUp").click()
    expect(point_x).to_have_value("2.100", timeout=LOAD_TIMEOUT)
    expect(point_y).to_have_value("3.000")
    expect(table).to_contain_text("4.2", timeout=LOAD_TIMEOUT)
    assert "Traceback" not in page.locator("body").inner_text()
