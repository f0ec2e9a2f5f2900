"""The Computational graph section in a real browser: step through the forward sweep, see
the table grow and the figure move its highlight, show all, read f′(x₀) beside jax.grad's;
then the reverse sweep from a typed f."""

from __future__ import annotations

import math
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_browser import LOAD_TIMEOUT, _settle

pytestmark = pytest.mark.browser

WAITING = "…"
# The node traces carry their node indices; the legend's and the edges' traces share names.
CURRENT_NODES = (
    "() => { const p = document.querySelector('[data-testid=stPlotlyChart] .js-plotly-plot');"
    " if (!p || !p._fullData) return null;"
    " const t = p._fullData.find(d => d.name === 'this step' && d.mode === 'markers+text');"
    " return t ? Array.from(t.customdata) : []; }"
)


def _open_section(page: Page, app_url: str) -> None:
    page.goto(app_url)
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav).to_be_visible(timeout=LOAD_TIMEOUT)
    nav.get_by_role("link", name="Step by step").click()
    expect(page.get_by_role("heading", name="Step by step")).to_be_visible(timeout=LOAD_TIMEOUT)
    _settle(page)
    page.get_by_role("radio", name="Computational graph", exact=True).click()
    expect(page.get_by_text("Press Step to begin")).to_be_visible(timeout=LOAD_TIMEOUT)
    expect(page.get_by_test_id("stPlotlyChart")).to_be_visible(timeout=LOAD_TIMEOUT)
    _settle(page)


def _button(page: Page, name: str):
    return (
        page.get_by_test_id("stButton").filter(has_text=re.compile(rf"{name}$")).locator("button")
    )


def _filled_rows(page: Page) -> int:
    """Rows of the trace table whose last cell (the tangent or adjoint) is filled in."""
    cells = page.get_by_test_id("stTable").first.locator("tbody tr td:last-child")
    return sum(1 for text in cells.all_inner_texts() if text.strip() != WAITING)


def _step(page: Page, number: int, total: int) -> None:
    _button(page, "Step").click()
    expect(page.get_by_text(f"Step {number} of {total}:")).to_be_visible(timeout=LOAD_TIMEOUT)
    _settle(page)


def test_stepping_through_both_sweeps(page: Page, app_url, artifacts):
    page.set_viewport_size({"width": 1400, "height": 2000})
    _open_section(page, app_url)
    assert _filled_rows(page) == 0
    assert page.evaluate(CURRENT_NODES) == []
    for number in (1, 2, 3):
        _step(page, number, 5)
        assert _filled_rows(page) == number
        page.wait_for_function(f"() => ({CURRENT_NODES})()?.[0] === {number - 1}")
    table = page.get_by_test_id("stTable").first
    expect(table).to_contain_text("v̇₁ = cos(v₀)·v̇₀")
    expect(table).to_contain_text("v̇₂ = v₁·v̇₁ + v₁·v̇₁")
    page.screenshot(path=str(artifacts / "graph-forward-step-3.png"), full_page=True)

    _button(page, "Show all").click()
    verdict = page.get_by_test_id("stAlert").filter(has_text="equal to jax.grad's")
    expect(verdict).to_be_visible(timeout=LOAD_TIMEOUT)
    _settle(page)
    assert _filled_rows(page) == 5
    value = float(re.search(r"f′\(x₀\) = ([-\d.]+)", verdict.inner_text()).group(1))
    assert value == pytest.approx(2 * math.sin(1.5) * math.cos(1.5) + 3, rel=1e-9)

    # st.radio's input lies under its label: click the label, as a person does
    page.get_by_test_id("stRadio").get_by_text("Reverse (adjoints)", exact=True).click()
    expect(page.get_by_text("Press Step to begin at the output")).to_be_visible(
        timeout=LOAD_TIMEOUT
    )
    _settle(page)
    assert _filled_rows(page) == 0  # a new mode starts again
    page.wait_for_url(  # the mode as the radio shows it
        lambda url: parse_qs(urlsplit(url).query).get("t_gm") == ["Reverse (adjoints)"],
        timeout=LOAD_TIMEOUT,
    )
    for number in (1, 2, 3, 4):
        _step(page, number, 5)
    expect(page.get_by_text("all 2 uses of v₁ have sent their share")).to_be_visible()
    assert page.evaluate(CURRENT_NODES) == [1]  # v₁ = sin(v₀), used twice
    assert _filled_rows(page) == 4
    assert "Traceback" not in page.locator("body").inner_text()
    page.screenshot(path=str(artifacts / "graph-reverse-step-4.png"), full_page=True)


def _in_viewport(page: Page, locator) -> bool:
    """Whether the element's box lies wholly inside the window's visible area."""
    box = locator.bounding_box()
    height = page.evaluate("() => window.innerHeight")
    width = page.evaluate("() => window.innerWidth")
    return (
        box is not None
        and box["y"] >= 0
        and box["y"] + box["height"] <= height
        and box["x"] >= 0
        and box["x"] + box["width"] <= width
    )


def test_on_a_phone_step_and_the_graph_stay_in_view_together(page: Page, app_url, artifacts):
    """Issue 21 (item 13): at 390 px each Step meant scrolling to the graph and back."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{app_url}/teaching?t_s=graph")  # the page's link (the phone hides the sidebar)
    expect(page.get_by_text("Press Step to begin")).to_be_visible(timeout=LOAD_TIMEOUT)
    expect(page.get_by_test_id("stPlotlyChart")).to_be_visible(timeout=LOAD_TIMEOUT)
    _settle(page)
    step = _button(page, "Step")
    graph = page.get_by_test_id("stPlotlyChart").first
    # scroll as a person does, until the buttons are near the top of the screen
    page.mouse.move(195, 400)
    page.mouse.wheel(0, step.bounding_box()["y"] - 80)
    page.wait_for_function("() => true")
    _settle(page)
    # the buttons share one row (four stacked rows pushed the graph off the screen)
    # (measured in one frame: a wheel scroll may still be moving between three measurements)
    tops = page.evaluate(
        "() => [...document.querySelectorAll('[data-testid=stButton] button')]"
        ".filter(b => /^(Back|Step|Reset)$/.test(b.innerText.replace(/^\\S+\\s+/, '').trim()))"
        ".map(b => Math.round(b.getBoundingClientRect().top))"
    )
    assert len(tops) == 3, tops
    assert len(set(tops)) == 1, tops
    for number in (1, 2, 3):
        _step(page, number, 5)
        assert _in_viewport(page, step), f"after step {number} the Step button is off screen"
        assert _in_viewport(page, graph), f"after step {number} the graph is off screen"
    page.screenshot(path=str(artifacts / "graph-phone-step-3.png"))
