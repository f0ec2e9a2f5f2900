"""The kinks page's link in a real browser: each tab's inputs write their values into the
URL (Streamlit's `bind="query-params"`), a reload shows the same view, and the view
survives a visit to another page (`persist_state="session"`)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from core.programs.gallery import GALLERY
from tests.browser.test_browser import LOAD_TIMEOUT, _settle

pytestmark = pytest.mark.browser

TITLE = "Kinks and programs"
BRANCH = next(g for g in GALLERY if "if" in g.source)  # the gallery's branching program


def _query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def _wait_for_query(page: Page, name: str, values: list[str]) -> None:
    """Wait until the URL names `values` for `name` (the browser writes it after the run)."""
    try:
        page.wait_for_function(
            "([name, values]) => JSON.stringify(new URLSearchParams(location.search)"
            ".getAll(name)) === JSON.stringify(values)",
            arg=[name, values],
            timeout=LOAD_TIMEOUT,
        )
    except PlaywrightTimeoutError:
        pytest.fail(f"The link names {name}={_query(page).get(name)}, not {values}")
    _settle(page)


def _control(page: Page, key: str):
    return page.locator(f".st-key-{key}")


def _type(page: Page, key: str, text: str) -> None:
    box = _control(page, key).locator("input")
    box.fill(text)
    box.press("Enter")


def _open(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible(timeout=LOAD_TIMEOUT)
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible(timeout=LOAD_TIMEOUT)
    _settle(page)


def _shows_the_changed_view(page: Page, artifacts=None) -> None:
    """The changed inputs, and what the page drew from them."""
    expect(_control(page, "k_f").locator("input")).to_have_value("max(x, 0)", timeout=LOAD_TIMEOUT)
    expect(_control(page, "k_x0").locator("input")).to_have_value("0.500")
    # ReLU's slope at 0.5, in the line each method gets under the table
    expect(page.get_by_text("SymPy — 1.", exact=False).first).to_be_attached()
    page.get_by_role("tab", name="Interpolation").click()
    expect(_control(page, "k_interp").locator("input")).to_have_value("sin(x)")
    expect(_control(page, "k_knots").get_by_test_id("stSliderThumbValue")).to_have_text("21")
    page.get_by_role("tab", name="Programs").click()
    if artifacts is not None:
        page.screenshot(path=str(artifacts / "kinks-link-programs.png"), full_page=True)
    expect(_control(page, "k_prog").locator("textarea")).to_have_value(BRANCH.source)
    low, high = (f"{end:.2f}" for end in BRANCH.x_range)
    expect(_control(page, "k_prange").get_by_test_id("stSliderThumbValue")).to_have_text(
        [low, high]
    )
    page.get_by_role("tab", name="Kinks").click()


def test_each_tabs_inputs_are_in_the_link_and_a_reload_shows_the_same_view(
    page: Page, app_url, artifacts
):
    page.set_viewport_size({"width": 1400, "height": 1600})
    _open(page, f"{app_url}/kinks")
    assert _query(page) == {}  # the first view: a bare link

    _type(page, "k_f", "max(x, 0)")
    _wait_for_query(page, "k_f", ["max(x, 0)"])
    _type(page, "k_x0", "0.5")
    _wait_for_query(page, "k_x0", ["0.5"])
    page.get_by_role("tab", name="Interpolation").click()
    _type(page, "k_interp", "sin(x)")
    _wait_for_query(page, "k_interp", ["sin(x)"])
    _control(page, "k_knots").get_by_role("slider").focus()
    page.keyboard.press("ArrowRight")
    _wait_for_query(page, "k_knots", ["21"])
    page.get_by_role("tab", name="Programs").click()
    # The gallery sets the program and its x-range through the session state: the link follows.
    _control(page, "kinks_program_example").click()
    page.get_by_role("option", name=BRANCH.title).click()
    _wait_for_query(page, "k_prog", [BRANCH.source])
    _wait_for_query(page, "k_prange", [f"{end:g}" for end in BRANCH.x_range])
    page.get_by_role("tab", name="Kinks").click()
    _shows_the_changed_view(page, artifacts)
    link = page.url

    page.reload()
    _open(page, link)
    _shows_the_changed_view(page)
    assert page.url == link

    # Another page and back (the sidebar's link, a bare URL): the view and its link come back.
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Explorer").click()
    expect(page.get_by_role("heading", name="Explorer")).to_be_visible(timeout=LOAD_TIMEOUT)
    _settle(page)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible(timeout=LOAD_TIMEOUT)
    _settle(page)
    _shows_the_changed_view(page)
    _wait_for_query(page, "k_f", ["max(x, 0)"])
    assert "Traceback" not in page.locator("body").inner_text()
