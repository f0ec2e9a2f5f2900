"""Several variables' link in a real browser (issue 23): each section's controls are bound
to the URL, so a change is written to the link under its old name and a reload shows the
same view; a section left and come back to still shows what was typed in it; an old link
(a section and a radius by their old codes) opens the same view."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_browser import LOAD_TIMEOUT, _settle

pytestmark = pytest.mark.browser


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


def _wait_for_link(page: Page, **values: str | float) -> None:
    """Wait until the URL holds each name with its value (a number compared as one)."""

    def holds(url: str) -> bool:
        query = _query(url)
        for name, want in values.items():
            got = query.get(name)
            if got is None or len(got) != 1:
                return False
            if isinstance(want, float):
                try:
                    if float(got[0]) != want:
                        return False
                except ValueError:
                    return False
            elif got[0] != want:
                return False
        return True

    page.wait_for_url(holds, timeout=LOAD_TIMEOUT)


def _reload(page: Page) -> None:
    page.reload()
    expect(page.get_by_role("heading", name="Several variables")).to_be_visible(
        timeout=LOAD_TIMEOUT
    )
    _settle(page)


def _type(page: Page, label: str, text: str) -> None:
    box = page.get_by_role("textbox", name=label, exact=True)
    box.fill(text)
    box.press("Enter")
    _settle(page)


def _number(page: Page, label: str, value: str) -> None:
    box = page.get_by_role("spinbutton", name=label, exact=True)
    box.fill(value)
    box.press("Enter")
    _settle(page)


def _open_section(page: Page, app_url: str, title: str) -> None:
    """Open the page (by its address: the Explorer's first load is not what is tested here)
    and click section `title`."""
    page.set_viewport_size({"width": 1400, "height": 1800})
    page.goto(f"{app_url}/several_variables")
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible(timeout=LOAD_TIMEOUT)
    _settle(page)
    if title != "Gradient":
        page.get_by_role("radio", name=title).click()
        _wait_for_link(page, v_s=title)
        _settle(page)
    expect(page.get_by_role("radio", name=title)).to_be_checked(timeout=LOAD_TIMEOUT)


def _table(page: Page, index: int = 0):
    return page.get_by_test_id("stTable").nth(index)


def test_gradient_view_and_point_survive_a_reload(page: Page, app_url, artifacts):
    _open_section(page, app_url, "Gradient")
    # The radio's input is drawn under its label: a person clicks the label.
    page.get_by_test_id("stRadio").get_by_text("directional derivative", exact=True).click()
    _settle(page)
    _number(page, "Point x", "1")
    _wait_for_link(page, v_gv="directional derivative", v_gx=1.0)
    assert "v_s" not in _query(page.url)  # the default section is left out
    _reload(page)
    expect(page.get_by_role("radio", name="directional derivative")).to_be_checked(
        timeout=LOAD_TIMEOUT
    )
    expect(page.get_by_role("spinbutton", name="Point x")).to_have_value(
        "1.000", timeout=LOAD_TIMEOUT
    )
    expect(page.get_by_text("Directional derivative", exact=False).first).to_be_visible(
        timeout=LOAD_TIMEOUT
    )
    expect(_table(page)).to_contain_text("2", timeout=LOAD_TIMEOUT)  # ∂f/∂x = 2x at x = 1
    page.screenshot(path=str(artifacts / "links-several-gradient.png"), full_page=True)


def test_jacobians_typed_map_survives_a_reload(page: Page, app_url):
    _open_section(page, app_url, "Jacobians: forward and reverse")
    _type(page, "f(x, y) = [f₁, f₂, …]", "[x y, x + y, x^2]")
    _wait_for_link(page, v_s="Jacobians: forward and reverse", v_jf="[x y, x + y, x^2]")
    _reload(page)
    box = page.get_by_role("textbox", name="f(x, y) = [f₁, f₂, …]", exact=True)
    expect(box).to_have_value("[x y, x + y, x^2]", timeout=LOAD_TIMEOUT)
    expect(_table(page)).to_contain_text("∂f₃", timeout=LOAD_TIMEOUT)


def test_jvp_radius_and_tangent_survive_a_reload(page: Page, app_url):
    _open_section(page, app_url, "JVP and VJP")
    radius = page.get_by_role("slider", name="Circle radius r")
    radius.focus()
    radius.press("ArrowRight")  # 0.3 → 0.5
    _settle(page)
    _number(page, "Tangent v: v₁", "0")
    _number(page, "Tangent v: v₂", "1")
    _wait_for_link(page, v_pr="0.5", v_pvx=0.0, v_pvy=1.0)
    _reload(page)
    expect(radius).to_have_attribute("aria-valuetext", "0.5", timeout=LOAD_TIMEOUT)
    expect(page.get_by_text("a circle of radius r = 0.5", exact=False)).to_be_visible(
        timeout=LOAD_TIMEOUT
    )
    expect(page.get_by_role("spinbutton", name="Tangent v: v₂")).to_have_value(
        "1.000", timeout=LOAD_TIMEOUT
    )
    # J v = J e₂ = (∂f₁/∂y, ∂f₂/∂y) = (2y, x) = (1, 1) at (1, 0.5)
    expect(_table(page)).to_contain_text("(1, 1)", timeout=LOAD_TIMEOUT)


def test_hessian_function_and_box_survive_a_reload(page: Page, app_url):
    _open_section(page, app_url, "Hessian and stationary points")
    _type(page, "f(x, y) =", "x^2 - y^2")
    box = page.get_by_role("slider", name="Search box: x, y ∈ [−R, R]")
    box.focus()
    box.press("ArrowLeft")  # 5 → 4
    _settle(page)
    _wait_for_link(page, v_hf="x^2 - y^2", v_hr="4")
    _reload(page)
    expect(page.get_by_role("textbox", name="f(x, y) =", exact=True)).to_have_value(
        "x^2 - y^2", timeout=LOAD_TIMEOUT
    )
    expect(box).to_have_attribute("aria-valuetext", "4", timeout=LOAD_TIMEOUT)
    expect(page.get_by_text("Eigenvalues:", exact=False)).to_contain_text(
        "saddle", timeout=LOAD_TIMEOUT
    )


def test_change_of_variables_range_survives_a_reload(page: Page, app_url):
    _open_section(page, app_url, "Change of variables")
    _number(page, "u to", "2")
    _wait_for_link(page, v_s="Change of variables", v_cu1=2.0)
    _reload(page)
    expect(page.get_by_role("spinbutton", name="u to")).to_have_value(
        "2.0000", timeout=LOAD_TIMEOUT
    )
    expect(_table(page)).to_contain_text(
        "12.566370614359", timeout=LOAD_TIMEOUT
    )  # the disc of radius 2: 4π


def test_three_variables_function_survives_a_reload(page: Page, app_url):
    _open_section(page, app_url, "Three variables")
    _type(page, "f(x, y, z) =", "x y z")
    _wait_for_link(page, v_s="Three variables", v_tf="x y z")
    _reload(page)
    expect(page.get_by_role("textbox", name="f(x, y, z) =", exact=True)).to_have_value(
        "x y z", timeout=LOAD_TIMEOUT
    )
    # ∂f/∂x = yz = 6 at (1, 2, 3): the first row of the table
    expect(_table(page).locator("tbody tr").first).to_contain_text("6", timeout=LOAD_TIMEOUT)


def test_a_section_left_and_come_back_to_shows_what_was_typed(page: Page, app_url, artifacts):
    _open_section(page, app_url, "Gradient")
    _type(page, "f(x, y) =", "x y")
    _number(page, "Point y", "-1")
    _wait_for_link(page, v_gf="x y", v_gy=-1.0)
    page.get_by_role("radio", name="Three variables").click()
    _wait_for_link(page, v_s="Three variables")
    _settle(page)
    expect(page.get_by_role("textbox", name="f(x, y, z) =", exact=True)).to_be_visible(
        timeout=LOAD_TIMEOUT
    )
    # Measured here: with persist_state="page" the hidden section's values stay in the link
    # (Streamlit keeps them), so a link copied now names them too.
    page.get_by_role("radio", name="Gradient").click()
    _settle(page)
    expect(page.get_by_role("textbox", name="f(x, y) =", exact=True)).to_have_value(
        "x y", timeout=LOAD_TIMEOUT
    )
    expect(page.get_by_role("spinbutton", name="Point y")).to_have_value(
        "-1.000", timeout=LOAD_TIMEOUT
    )
    _wait_for_link(page, v_gf="x y", v_gy=-1.0)  # …and come back to the link
    # ∂f/∂x = y = −1 at (2, −1), drawn from the kept values
    expect(_table(page).locator("tbody tr").first).to_contain_text(
        re.compile(r"[−-]1"), timeout=LOAD_TIMEOUT
    )
    page.screenshot(path=str(artifacts / "links-several-come-back.png"), full_page=True)


def test_an_old_link_opens_its_section_with_its_values(page: Page, app_url):
    """Links written before issue 23: the section by its code, a radius as "1"."""
    page.set_viewport_size({"width": 1400, "height": 1800})
    page.goto(f"{app_url}/several_variables?v_s=jvp&v_pr=1&v_pvx=0&v_pvy=1")
    expect(page.get_by_role("radio", name="JVP and VJP")).to_be_checked(timeout=LOAD_TIMEOUT)
    _settle(page)
    radius = page.get_by_role("slider", name="Circle radius r")
    expect(radius).to_have_attribute("aria-valuetext", "1.0", timeout=LOAD_TIMEOUT)
    expect(_table(page)).to_contain_text("(1, 1)", timeout=LOAD_TIMEOUT)
    # rewritten as today's widgets write it
    _wait_for_link(page, v_s="JVP and VJP", v_pr="1.0")
