"""The regression page's link in a real browser (issue 23): the open tab and every tab's
controls are bound to the URL, so a change is written to the link under its old name, and
a reload shows the same view (the tab open, the values, the charts drawn from them), as does
a visit to another page and back; an old link (a tab, an option and a switch by their old
codes) opens the same view."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_browser import LOAD_TIMEOUT, _settle, open_from_sidebar

pytestmark = pytest.mark.browser

LINEAR, POLYNOMIAL, LOGISTIC = (
    "Linear",
    "Polynomial",
    "Logistic",
)
# The title and the traces (name, number of points) of the `index`-th chart in the open tab.
PANEL_CHART = (
    "(index) => { const panel = [...document.querySelectorAll('[role=tabpanel]')]"
    ".find(p => !p.hidden && p.offsetParent !== null);"
    " const plot = panel && panel.querySelectorAll('.js-plotly-plot')[index];"
    " if (!plot || !plot._fullData) return null;"
    " return {title: (plot._fullLayout.title || {}).text || '',"
    " traces: plot._fullData.map(t => [t.name, Array.from(t.x || []).length])}; }"
)


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


def _wait_for_link(page: Page, **values: str) -> None:
    """Wait until the URL holds each name once, with its value."""
    page.wait_for_url(
        lambda url: all(_query(url).get(name) == [want] for name, want in values.items()),
        timeout=LOAD_TIMEOUT,
    )


def _chart(page: Page, index: int, title: str = "") -> dict:
    """The `index`-th chart of the open tab, once drawn with `title` in its title."""
    page.wait_for_function(
        f"([index, title]) => {{ const chart = ({PANEL_CHART})(index);"
        " return chart !== null && chart.title.includes(title); }",
        arg=[index, title],
        timeout=LOAD_TIMEOUT,
    )
    return page.evaluate(PANEL_CHART, index)


def _points(chart: dict, name: str) -> int:
    return next(count for trace, count in chart["traces"] if trace == name)


def _open_tab(page: Page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    _settle(page)
    expect(page.get_by_role("tab", name=name)).to_have_attribute("aria-selected", "true")


def _step_slider(page: Page, label: str) -> None:
    """One step right on the slider `label` of the open tab, by the keyboard."""
    slider = page.get_by_role("tabpanel").get_by_role("slider", name=label).filter(visible=True)
    slider.focus()
    slider.press("ArrowRight")
    _settle(page)


def _choose(page: Page, group: str, option: str) -> None:
    """Click `option` of the radio group `group` in the open tab (its label: the input
    itself is covered by it)."""
    radios = page.get_by_role("radiogroup", name=group).filter(visible=True)
    radios.get_by_text(option, exact=True).click()
    _settle(page)


def _reload(page: Page) -> None:
    page.reload()
    expect(page.get_by_role("heading", name="Regression")).to_be_visible(timeout=LOAD_TIMEOUT)
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_attached(timeout=LOAD_TIMEOUT)
    _settle(page)


def test_two_tabs_values_survive_a_reload(page: Page, app_url, artifacts):
    page.set_viewport_size({"width": 1400, "height": 1800})
    open_from_sidebar(page, app_url, "Regression")
    assert _query(page.url) == {}  # the first view: every value at its default
    # Linear: one more sample, and the relative-loss stopping rule.
    _step_slider(page, "Samples n")  # 50 -> 51
    _choose(page, "Stop when", "ΔL/L < tol")
    _wait_for_link(page, r_n="51", r_stop="ΔL/L < tol")
    # Polynomial: degree 4 by Barzilai–Borwein; the linear tab's values stay in the link.
    _open_tab(page, "Polynomial")
    _step_slider(page, "Degree k")  # 3 -> 4
    _choose(page, "Step rule", "Barzilai–Borwein")
    _wait_for_link(
        page, r_tab=POLYNOMIAL, r_deg="4", r_rule="Barzilai–Borwein", r_n="51",
        r_stop="ΔL/L < tol",
    )  # fmt: skip
    link = page.url

    _reload(page)
    assert page.url == link
    expect(page.get_by_role("tab", name="Polynomial")).to_have_attribute("aria-selected", "true")
    panel = page.get_by_role("tabpanel").filter(visible=True)
    expect(panel.get_by_role("slider", name="Degree k")).to_have_attribute("aria-valuetext", "4")
    expect(panel.get_by_role("radio", name="Barzilai–Borwein")).to_be_checked()
    _chart(page, 0, "Degree 4 polynomial")
    page.screenshot(path=str(artifacts / "links-regression-polynomial.png"), full_page=True)

    _open_tab(page, "Linear")
    panel = page.get_by_role("tabpanel").filter(visible=True)
    expect(panel.get_by_role("slider", name="Samples n")).to_have_attribute("aria-valuetext", "51")
    expect(panel.get_by_role("radio", name="ΔL/L < tol")).to_be_checked()
    assert (
        _points(_chart(page, 0, "Fitted lines"), "data") == 51
    )  # the fitted line's data: n samples
    # The default tab is left out of the link; the other values stay.
    _wait_for_link(page, r_n="51", r_deg="4")
    assert "r_tab" not in _query(page.url)

    # Another page and back by the sidebar: the fit set up is still there.
    nav = page.get_by_test_id("stSidebarNav")
    nav.get_by_role("link", name="Descent trajectories").click()
    expect(page.get_by_role("heading", name="Descent trajectories")).to_be_visible(
        timeout=LOAD_TIMEOUT
    )
    _settle(page)
    nav.get_by_role("link", name="Regression").click()
    expect(page.get_by_role("heading", name="Regression")).to_be_visible(timeout=LOAD_TIMEOUT)
    _settle(page)
    panel = page.get_by_role("tabpanel").filter(visible=True)
    expect(panel.get_by_role("slider", name="Samples n")).to_have_attribute("aria-valuetext", "51")
    _wait_for_link(page, r_n="51", r_deg="4", r_rule="Barzilai–Borwein")


def test_an_old_link_opens_the_same_view(page: Page, app_url):
    # As the app wrote it before the controls were bound: codes, 1/0, λ = 1 as "1".
    page.goto(f"{app_url}/regression?r_tab=logistic&r_anim=gd&r_lam=1&r_per=30&r_many=1")
    # The page rewrites the link in today's format and runs again from it; a reload reads
    # that link as it is.
    _wait_for_link(
        page, r_tab=LOGISTIC, r_anim="gradient descent", r_lam="1.0", r_per="30", r_many="true"
    )
    expect(page.get_by_role("heading", name="Regression")).to_be_visible(timeout=LOAD_TIMEOUT)
    _settle(page)
    expect(page.get_by_role("tab", name="Logistic")).to_have_attribute("aria-selected", "true")
    panel = page.get_by_role("tabpanel").filter(visible=True)
    expect(panel.get_by_role("radio", name="gradient descent")).to_be_checked(timeout=LOAD_TIMEOUT)
    expect(panel.get_by_role("slider", name="Points per class")).to_have_attribute(
        "aria-valuetext", "30"
    )
    expect(panel.get_by_role("slider", name="L2 penalty λ")).to_have_attribute(
        "aria-valuetext", "1.0"
    )
    chart = _chart(page, 0, "Decision boundary")
    assert "gradient descent" in chart["title"]
    assert _points(chart, "class 0") == 30
    _open_tab(page, "Linear")
    expect(page.get_by_text("Relative difference to pinv", exact=False)).to_be_visible(
        timeout=LOAD_TIMEOUT
    )
