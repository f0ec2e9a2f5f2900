"""The Beyond grad page's link in a real browser (issue 23): the section picker and every
section's controls are bound to the URL, so a change is written to the link under its old
name and a reload shows the same view; a section left and come back to shows what was typed
in it; an old link (a section by its code) opens the same view."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_browser import LOAD_TIMEOUT, _settle, open_from_sidebar

pytestmark = pytest.mark.browser

IMPLICIT = "Implicit differentiation"
ZERO = re.compile(r"^0(\.0+)?$")


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


def _wait_for_link(page: Page, **values: str) -> None:
    """Wait until the URL holds each name once, with its value (numbers compared as numbers)."""

    def same(got: list[str] | None, want: str) -> bool:
        if got is None or len(got) != 1:
            return False
        try:
            return float(got[0]) == float(want)
        except ValueError:
            return got[0] == want

    page.wait_for_url(
        lambda url: all(same(_query(url).get(name), want) for name, want in values.items()),
        timeout=LOAD_TIMEOUT,
    )


def _section(page: Page, name: str) -> None:
    page.get_by_role("radio", name=name, exact=True).click()
    expect(page.get_by_role("radio", name=name, exact=True)).to_be_checked(timeout=LOAD_TIMEOUT)
    _settle(page)


def _enter(page: Page, role: str, label: str, value: str) -> None:
    box = page.get_by_role(role, name=label, exact=True)
    box.fill(value)
    box.press("Enter")
    _settle(page)


def _first_table(page: Page):
    return page.get_by_test_id("stTable").first


def _reload(page: Page) -> None:
    page.reload()
    expect(page.get_by_role("heading", name="Beyond grad")).to_be_visible(timeout=LOAD_TIMEOUT)
    expect(_first_table(page)).to_be_visible(timeout=LOAD_TIMEOUT)
    _settle(page)


def test_a_change_is_in_the_link_and_a_reload_shows_it(page: Page, app_url, artifacts):
    page.set_viewport_size({"width": 1400, "height": 1800})
    open_from_sidebar(page, app_url, "Beyond grad")
    assert _query(page.url) == {}  # the first view: every value at its default
    _section(page, IMPLICIT)
    _enter(page, "spinbutton", "a", "1")  # x³ − x − 2 = 0 at 1.5214: dx/da = −0.5924469933
    expect(_first_table(page)).to_contain_text("-0.5924469933", timeout=LOAD_TIMEOUT)
    _enter(page, "spinbutton", "A₂₂", "4")  # A = [[2, 1], [1, 4]]: A⁻¹₁₁ = 4/7
    expect(page.get_by_text("0.5714285714").first).to_be_visible(timeout=LOAD_TIMEOUT)
    _wait_for_link(page, b_s=IMPLICIT, b_ia="1", b_iA3="4")
    assert "b_if" not in _query(page.url)  # F at its default is left out
    link = page.url

    _reload(page)
    assert page.url == link
    expect(page.get_by_role("radio", name=IMPLICIT, exact=True)).to_be_checked(timeout=LOAD_TIMEOUT)
    expect(page.get_by_role("spinbutton", name="a", exact=True)).to_have_value("1.000")
    expect(page.get_by_role("spinbutton", name="A₂₂", exact=True)).to_have_value("4.00")
    expect(_first_table(page)).to_contain_text("-0.5924469933")  # drawn from a = 1
    expect(page.get_by_text("0.5714285714").first).to_be_visible()  # and from A₂₂ = 4
    assert "Traceback" not in page.locator("body").inner_text()
    page.screenshot(path=str(artifacts / "links-beyond-grad-reload.png"), full_page=True)


def test_a_section_left_and_come_back_to_shows_what_was_typed(page: Page, app_url):
    page.set_viewport_size({"width": 1400, "height": 1800})
    open_from_sidebar(page, app_url, "Beyond grad")
    _section(page, IMPLICIT)
    _enter(page, "textbox", "F(x, a) =", "x^2 - a")  # root √2 at a = 2: dx/da = 1/(2√2)
    expect(_first_table(page)).to_contain_text("0.3535533906", timeout=LOAD_TIMEOUT)
    _wait_for_link(page, b_s=IMPLICIT, b_if="x^2 - a")

    _section(page, "has_aux")
    _enter(page, "spinbutton", "x", "5")
    expect(_first_table(page)).to_contain_text("28", timeout=LOAD_TIMEOUT)
    _wait_for_link(page, b_s="has_aux", b_ax="5")
    assert "b_if" not in _query(page.url)  # a hidden section's values leave the link

    _section(page, IMPLICIT)
    expect(page.get_by_role("textbox", name="F(x, a) =", exact=True)).to_have_value("x^2 - a")
    expect(_first_table(page)).to_contain_text("0.3535533906", timeout=LOAD_TIMEOUT)
    _wait_for_link(page, b_s=IMPLICIT, b_if="x^2 - a")  # and come back with it
    assert "b_ax" not in _query(page.url)

    _section(page, "has_aux")
    expect(page.get_by_role("spinbutton", name="x", exact=True)).to_have_value("5.000")
    expect(_first_table(page)).to_contain_text("28")


def test_an_old_link_opens_the_same_view(page: Page, app_url):
    # As the app wrote it before the controls were bound: the section by its code.
    page.goto(f"{app_url}/beyond_grad?b_s=stop&b_sr=0&b_st0=0.2")
    expect(page.get_by_role("heading", name="Beyond grad")).to_be_visible(timeout=LOAD_TIMEOUT)
    expect(page.get_by_role("radio", name="stop_gradient", exact=True)).to_be_checked(
        timeout=LOAD_TIMEOUT
    )
    _settle(page)
    shown = "aria-valuetext"  # the slider's value as it shows it ("0", "0.20", ...)
    expect(page.get_by_role("slider", name="reward r")).to_have_attribute(shown, ZERO)
    expect(page.get_by_role("slider", name="θ₁")).to_have_attribute(shown, re.compile(r"^0\.20*$"))
    # δ = r + θ·s − θ·s_prev = 0 + (0.4 − 0.1) − (0.2 − 0.2) = 0.3; the update is −δ·s_prev
    expect(_first_table(page)).to_contain_text("-0.6", timeout=LOAD_TIMEOUT)
    _wait_for_link(page, b_s="stop_gradient", b_st0="0.2", b_sr="0")  # in today's format
