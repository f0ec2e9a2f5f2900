"""The Step-by-step page's link in a real browser (issue 23): the section picker and every
section's controls are bound to the URL, so a change is written to the link under its old
name and a reload shows the same view; a section left and come back to shows what was typed
in it; an old link (a section, a switch and a mode by their old codes) opens the same view."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_browser import LOAD_TIMEOUT, _settle

pytestmark = pytest.mark.browser

STEPS, CHECK, GRAPH = "Rules, step by step", "Check your answer", "Computational graph"
REVERSE = "Reverse (adjoints)"


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


def _open(page: Page, app_url: str) -> None:
    page.goto(app_url)
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav).to_be_visible(timeout=LOAD_TIMEOUT)
    nav.get_by_role("link", name="Step by step").click()
    expect(page.get_by_text("1. product rule")).to_be_visible(timeout=LOAD_TIMEOUT)
    _settle(page)


def _section(page: Page, name: str) -> None:
    page.get_by_role("radio", name=name, exact=True).click()
    expect(page.get_by_role("radio", name=name, exact=True)).to_be_checked(timeout=LOAD_TIMEOUT)
    _settle(page)


def _enter(page: Page, role: str, label: str, value: str) -> None:
    box = page.get_by_role(role, name=label, exact=True)
    box.fill(value)
    box.press("Enter")
    _settle(page)


def _reload(page: Page) -> None:
    page.reload()
    expect(page.get_by_role("heading", name="Step by step")).to_be_visible(timeout=LOAD_TIMEOUT)
    _settle(page)


def test_a_change_is_in_the_link_and_a_reload_shows_it(page: Page, app_url, artifacts):
    page.set_viewport_size({"width": 1400, "height": 1800})
    _open(page, app_url)
    assert _query(page.url) == {}  # the first view: every value at its default
    _enter(page, "textbox", "f(x) =", "tanh(x)^3")
    expect(page.get_by_text("1. power rule + chain rule")).to_be_visible(timeout=LOAD_TIMEOUT)
    page.get_by_text("One step at a time", exact=True).click()  # the toggle, by its label
    expect(page.get_by_text("0 of 3 steps shown.")).to_be_visible(timeout=LOAD_TIMEOUT)
    _wait_for_link(page, t_rf="tanh(x)^3", t_rs="true")

    _section(page, GRAPH)
    _enter(page, "spinbutton", "Point x₀", "2")
    page.get_by_test_id("stRadio").get_by_text(REVERSE, exact=True).click()
    expect(page.get_by_text("Press Step to begin at the output")).to_be_visible(
        timeout=LOAD_TIMEOUT
    )
    _wait_for_link(page, t_s=GRAPH, t_gx="2", t_gm=REVERSE)
    assert "t_rf" not in _query(page.url)  # the hidden section's values leave the link
    link = page.url

    _reload(page)
    assert page.url == link
    expect(page.get_by_role("radio", name=GRAPH, exact=True)).to_be_checked(timeout=LOAD_TIMEOUT)
    expect(page.get_by_role("spinbutton", name="Point x₀", exact=True)).to_have_value("2.000")
    expect(page.get_by_role("radio", name=REVERSE, exact=True)).to_be_checked()
    expect(page.get_by_text("Press Step to begin at the output")).to_be_visible()
    page.get_by_role("button", name="Show all").click()  # f′(2) of sin² x + x² = sin 4 + 4
    expect(page.get_by_text(re.compile(r"f′\(x₀\) = 3\.2431975"))).to_be_visible(
        timeout=LOAD_TIMEOUT
    )
    page.screenshot(path=str(artifacts / "links-teaching-reload.png"), full_page=True)

    page.goto(f"{app_url}/teaching?t_rf=tanh(x)%5E3&t_rs=true")  # the steps' own link
    expect(page.get_by_text("0 of 3 steps shown.")).to_be_visible(timeout=LOAD_TIMEOUT)
    _settle(page)
    expect(page.get_by_role("textbox", name="f(x) =", exact=True)).to_have_value("tanh(x)^3")
    expect(page.get_by_role("switch", name="One step at a time")).to_be_checked()
    assert "Traceback" not in page.locator("body").inner_text()


def test_a_section_left_and_come_back_to_shows_what_was_typed(page: Page, app_url):
    page.set_viewport_size({"width": 1400, "height": 1800})
    _open(page, app_url)
    _section(page, CHECK)
    _enter(page, "textbox", "f(x) =", "x^3")
    _enter(page, "spinbutton", "Order n", "2")
    _enter(page, "textbox", "Your f″(x) =", "6x")
    expect(page.get_by_text("Correct: SymPy simplifies f″ − your answer to 0")).to_be_visible(
        timeout=LOAD_TIMEOUT
    )
    _wait_for_link(page, t_s=CHECK, t_cf="x^3", t_cn="2", t_ca="6x")

    _section(page, GRAPH)
    expect(page.get_by_text("Press Step to begin")).to_be_visible(timeout=LOAD_TIMEOUT)
    assert "t_ca" not in _query(page.url)

    _section(page, CHECK)
    expect(page.get_by_role("textbox", name="f(x) =", exact=True)).to_have_value("x^3")
    expect(page.get_by_role("spinbutton", name="Order n", exact=True)).to_have_value("2")
    expect(page.get_by_role("textbox", name="Your f″(x) =", exact=True)).to_have_value("6x")
    expect(page.get_by_text("Correct: SymPy simplifies f″ − your answer to 0")).to_be_visible(
        timeout=LOAD_TIMEOUT
    )
    _wait_for_link(page, t_s=CHECK, t_cf="x^3", t_cn="2", t_ca="6x")  # back in the link


def test_an_old_link_opens_the_same_view(page: Page, app_url):
    # As the app wrote it before the controls were bound: codes, and the switch as 1.
    page.goto(f"{app_url}/teaching?t_s=graph&t_gx=2&t_gm=reverse")
    expect(page.get_by_role("radio", name=GRAPH, exact=True)).to_be_checked(timeout=LOAD_TIMEOUT)
    expect(page.get_by_text("Press Step to begin at the output")).to_be_visible(
        timeout=LOAD_TIMEOUT
    )
    expect(page.get_by_role("radio", name=REVERSE, exact=True)).to_be_checked()
    _wait_for_link(page, t_s=GRAPH, t_gx="2", t_gm=REVERSE)  # in today's format

    page.goto(f"{app_url}/teaching?t_rf=tanh(x)%5E3&t_rs=1")
    expect(page.get_by_text("0 of 3 steps shown.")).to_be_visible(timeout=LOAD_TIMEOUT)
    expect(page.get_by_role("switch", name="One step at a time")).to_be_checked()
    _wait_for_link(page, t_rf="tanh(x)^3", t_rs="true")
