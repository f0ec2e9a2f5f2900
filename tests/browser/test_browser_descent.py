"""The descent page in a real browser: reset the animation, step it, see the paths grow; a
start point clicked on the contour plot travels in a copied link."""

from __future__ import annotations

import json
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


def _path_length_is(page: Page, length: int) -> None:
    page.wait_for_function(f"() => ({PATH_LENGTH})() === {length}", timeout=LOAD_TIMEOUT)
    _settle(page)


def _button(page: Page, name: str):
    """An animation button by its key (its accessible name also holds its keyboard key, and
    Streamlit keeps a hidden copy of a button with a shortcut)."""
    return page.locator(f".st-key-descent_animation_{name} button:visible")


def test_step_is_one_iteration_and_keys_play_and_step(page: Page, app_url, artifacts):
    """Issue 21, item 10: Step moved 16 iterations unexplained; P and N work as keys."""
    open_from_sidebar(page, app_url, "Descent trajectories")
    _settle(page)
    # The default view: one line for the runs the iteration cap stopped, not a notice each.
    expect(page.get_by_text("Stopped at the iteration cap")).to_have_count(1, timeout=LOAD_TIMEOUT)
    _button(page, "reset").click()
    _path_length_is(page, 1)
    _button(page, "stepper").click()
    _path_length_is(page, 2)  # the start and one iteration
    expect(page.get_by_text("Iteration 1 of", exact=False)).to_be_visible()
    _settle(page)
    page.locator("body").press("n")  # the key N: one more iteration
    _path_length_is(page, 3)
    _settle(page)
    assert "Traceback" not in page.locator("body").inner_text()
    page.set_viewport_size({"width": 1400, "height": 2200})
    page.locator("body").press("p")  # the key P: play
    expect(_button(page, "play")).to_contain_text("Pause", timeout=LOAD_TIMEOUT)
    page.wait_for_function(f"() => ({PATH_LENGTH})() > 3", timeout=LOAD_TIMEOUT)
    _button(page, "play").click()
    expect(_button(page, "play")).to_contain_text("Play", timeout=LOAD_TIMEOUT)
    # Frames the browser had already asked for may still land on a loaded machine (a
    # clean-clone run saw 150 more iterations): wait until the path stops, then hold it.
    paused, previous = page.evaluate(PATH_LENGTH), -2
    for _ in range(30):
        if paused == previous:
            break
        page.wait_for_timeout(1000)
        _settle(page)
        previous, paused = paused, page.evaluate(PATH_LENGTH)
    assert paused == previous, "the animation did not stop within 30 s of Pause"
    page.wait_for_timeout(1500)  # two frames' time: a paused animation stays where it is
    _settle(page)
    assert page.evaluate(PATH_LENGTH) == paused
    page.screenshot(path=str(artifacts / "descent.png"), full_page=True)


def test_typos_then_a_valid_f_keep_the_optimizers(page: Page, app_url, artifacts):
    """Issue 21, items 4 and 5: after two typos a valid f had an empty Optimizers box and
    "Chart of 0 series"; a typed bowl was drawn in Rosenbrock's window."""
    page.set_viewport_size({"width": 1400, "height": 1800})
    open_from_sidebar(page, app_url, "Descent trajectories")
    _settle(page)
    page.locator(".st-key-g_s").get_by_test_id("stSelectbox").click()
    page.get_by_role("option", name="your own f(x, y)").click()
    _settle(page)
    box = page.get_by_role("textbox", name="f(x, y) =", exact=True)
    for typo in ("2x+", "sin("):
        box.fill(typo)
        box.press("Enter")
        expect(page.get_by_text("Cannot read this expression")).to_be_visible(timeout=LOAD_TIMEOUT)
        _settle(page)
        expect(page.get_by_text("Still showing the last function that worked")).to_be_visible()
    box.fill("(x-1)^2+(y+2)^2")
    box.press("Enter")
    expect(page.get_by_text("minimum at (1, -2)", exact=False)).to_be_visible(timeout=LOAD_TIMEOUT)
    _settle(page)
    # The chart follows the text: wait until its window holds the minimum (1, -2).
    page.wait_for_function(
        f"() => {{ const t = JSON.parse(({CONTOUR})()); return Math.min(...t[0][2]) < -2; }}",
        timeout=LOAD_TIMEOUT,
    )
    chips = page.get_by_test_id("stMultiSelect").first.inner_text()
    for method in ("gd", "momentum", "adam", "newton", "BFGS", "Nelder-Mead"):
        assert method in chips
    traces = page.evaluate(CONTOUR)
    names = [name for name, _, _ in json.loads(traces)]
    assert {"gd", "momentum", "adam", "newton", "BFGS", "Nelder-Mead"} <= set(names)
    contour_y = json.loads(traces)[0][2]
    assert min(contour_y) < -2 < max(contour_y)  # the minimum (1, -2) is on the chart
    assert "Chart of 0 series" not in page.locator("body").inner_text()
    page.screenshot(path=str(artifacts / "descent-typed-f.png"), full_page=True)


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
