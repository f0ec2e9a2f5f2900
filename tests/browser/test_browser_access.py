"""Charts everyone can read, in a real browser: every chart has its text alternative and its
data beside it, the Explorer works from the keyboard alone, and it fits a phone's width.

The keyboard path uses only `page.keyboard` (Tab, typing, Enter, arrow keys): no clicks, no
`fill`, no `focus()`. A control the Tab key cannot reach is reported by name.
"""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.test_browser import LOAD_TIMEOUT, _settle
from tests.browser.test_browser_deep_link import TITLES

pytestmark = pytest.mark.browser

SHOTS = Path("/work/tools_tmp/shots")  # where the lead looks at the phone screenshot
PHONE = {"width": 390, "height": 844}  # an iPhone 12-14 in CSS pixels
NO_CHART_BY_DEFAULT = {"Step by step", "Class"}  # charts come with an exercise, a class
MAX_TABS = 80  # presses to walk once around the Explorer's controls (about 60 today)
OVERFLOW_SLACK = 2  # px: rounding of fractional widths

# Each chart and the small "Chart description and data" toggle that follows it in its
# column: the description and the download button are inside it, out of sight until opened.
CHART_NEIGHBOURS = """() => Array.from(document.querySelectorAll('[data-testid=stPlotlyChart]'))
  .map(chart => {
    const box = chart.closest('[data-testid=stElementContainer]');
    const next = box && box.nextElementSibling;
    const toggle = next && next.querySelector('[data-testid=stExpander]');
    const c = toggle && toggle.querySelector('[data-testid=stCaptionContainer]');
    const d = toggle && toggle.querySelector('[data-testid=stDownloadButton] button');
    return {toggle: toggle ? toggle.querySelector('summary').textContent : null,
            toggleHeight: toggle ? toggle.getBoundingClientRect().height : null,
            caption: c ? c.textContent : null, download: d ? d.textContent : null,
            captionShown: c ? c.checkVisibility() : null,
            name: chart.getAttribute('aria-label'),
            key: Array.from(box ? box.classList : []).find(c => c.startsWith('st-key-')) || ''};
  })"""

# What has the keyboard focus, named as a person would read it.
FOCUSED = """() => { const e = document.activeElement;
  if (!e || e === document.body) return null;
  return (e.getAttribute('aria-label') || e.innerText || e.tagName).trim().slice(0, 60); }"""

# Controls in the main area a keyboard user must be able to reach: one per toolbar (its
# buttons are reached with the arrow keys once the toolbar has the focus).
CONTROLS = """() => {
  const main = document.querySelector('[data-testid=stMain]');
  const selector = ['input', 'textarea', 'select', 'button', 'a[href]', 'summary',
    '[role=slider]', '[tabindex]'].map(s => s + ':not([tabindex="-1"])').join(', ');
  const seen = new Set(), names = [];
  for (const e of main.querySelectorAll(selector)) {
    if (e.disabled || e.closest('[data-testid=stPlotlyChart]')) continue;
    if (!e.checkVisibility({visibilityProperty: true})) continue;  // in a closed expander
    if (e.closest('[data-testid=stDataFrame]')) continue;  // the grid has its own keys
    const toolbar = e.closest('[role=toolbar], [role=radiogroup]');
    const owner = toolbar || e;
    if (seen.has(owner)) continue;
    seen.add(owner);
    owner.setAttribute('data-access-id', String(names.length));
    names.push((owner.getAttribute('aria-label') || e.getAttribute('aria-label')
                || e.innerText || e.tagName).trim().slice(0, 60));
  }
  return names; }"""

# Which of those controls (by data-access-id) holds the focus now.
FOCUSED_CONTROL = """() => { const e = document.activeElement;
  const owner = e && e.closest('[data-access-id]');
  return owner ? Number(owner.getAttribute('data-access-id')) : null; }"""


def _open_page(page: Page, app_url: str, title: str) -> None:
    """Open the app, follow the sidebar link `title`, wait for its first chart (on a page
    that draws one at once) and until its run has finished."""
    page.goto(app_url)
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav).to_be_visible(timeout=LOAD_TIMEOUT)
    if title != TITLES[0]:
        nav.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", name=title).first).to_be_visible(timeout=LOAD_TIMEOUT)
    if title not in NO_CHART_BY_DEFAULT:
        chart = page.get_by_test_id("stPlotlyChart").first
        expect(chart).to_be_visible(timeout=LOAD_TIMEOUT)
    _settle(page)


def _open_explorer(page: Page, app_url: str) -> None:
    page.goto(app_url)
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible(timeout=LOAD_TIMEOUT)
    expect(page.locator(".katex-mathml annotation").first).to_be_attached(timeout=LOAD_TIMEOUT)
    _settle(page)


def _wait_for_latex(page: Page, piece: str) -> None:
    page.wait_for_function(
        "(piece) => Array.from(document.querySelectorAll('.katex-mathml annotation'))"
        ".some(a => a.textContent.includes(piece))",
        arg=piece,
        timeout=LOAD_TIMEOUT,
    )


def _tab_to(page: Page, name: str, limit: int = MAX_TABS) -> int:
    """Press Tab until the control named `name` has the focus; return how many presses."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED) == name:
            return presses
    pytest.fail(f"{limit} presses of Tab never reached {name!r}.")


# -- (a) every chart has its words and its data --------------------------------------------


@pytest.mark.parametrize("title", TITLES)
def test_every_chart_has_a_text_alternative_and_a_csv_download(page: Page, app_url, title):
    page.set_viewport_size({"width": 1400, "height": 1000})
    _open_page(page, app_url, title)
    # A new page's elements arrive one by one and none is stale: wait for the captions too.
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(f"() => ({CHART_NEIGHBOURS})().every(c => c.caption && c.download)",
                               timeout=20_000)  # fmt: skip
    charts = page.evaluate(CHART_NEIGHBOURS)
    missing = [
        chart
        for chart in charts
        if not (chart["caption"] or "").startswith("Chart: ")
        or "Download the data (CSV)" not in (chart["download"] or "")  # after its icon
        or not chart["name"]
    ]
    assert not missing, f"{title}: charts without a description, a CSV button or a name: {missing}"
    for chart in charts:
        assert "Chart of" in chart["caption"]  # generated from the data, not a fixed label
        assert len(chart["caption"]) <= len("Chart: ") + 600
        # The words are the chart's accessible name, and no paragraph under the chart:
        # a small toggle, the description behind it.
        assert chart["name"] == chart["caption"].removeprefix("Chart: ")
        assert "Chart description and data" in chart["toggle"]
        assert chart["toggleHeight"] < 60
        assert not chart["captionShown"]


def test_the_csv_download_holds_the_charts_data(page: Page, app_url, tmp_path):
    _open_page(page, app_url, "Finite-differences lab")
    page.get_by_text("Chart description and data").first.click()
    button = page.get_by_test_id("stDownloadButton").filter(has_text="Download the data (CSV)")
    with page.expect_download(timeout=LOAD_TIMEOUT) as event:
        button.first.click()
    path = tmp_path / event.value.suggested_filename
    event.value.save_as(path)
    lines = path.read_text().splitlines()
    assert path.name.endswith(".csv")
    assert lines[0] == "trace,x,y"
    assert len(lines) > 100  # every formula's error at every step h


# -- (b) the Explorer from the keyboard alone ----------------------------------------------


def test_the_explorer_works_from_the_keyboard_alone(page: Page, app_url, artifacts):
    _open_explorer(page, app_url)
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED) == "Skip to main content"  # the first stop of the page
    presses = _tab_to(page, "f(x) =")
    assert presses < 30  # past the sidebar's links, straight to the function
    page.keyboard.press("Control+A")
    page.keyboard.type("x^3 + cos(x)")
    page.keyboard.press("Enter")
    _wait_for_latex(page, "3 x^{2}")
    _settle(page)

    _tab_to(page, "Highest order", limit=5)
    order = page.get_by_role("slider", name="Highest order")
    before = int(order.input_value())
    page.keyboard.press("ArrowRight")
    expect(order).to_have_value(str(before + 1), timeout=LOAD_TIMEOUT)
    _wait_for_latex(page, f"f^{{({before + 1})}}")  # one more derivative, written out
    # The chart may follow the LaTeX by half a second: wait for its new order's traces.
    page.wait_for_function(
        "(groups) => { const p = document.querySelector('.js-plotly-plot');"
        " return p && p._fullData && new Set(p._fullData.map(t => t.legendgroup)).size"
        " === groups; }",
        arg=before + 2,  # f and every order up to the new highest one
        timeout=LOAD_TIMEOUT,
    )
    _settle(page)
    page.screenshot(path=str(artifacts / "explorer-keyboard.png"), full_page=True)


def test_every_explorer_control_is_reached_by_tab(page: Page, app_url):
    _open_explorer(page, app_url)
    names = page.evaluate(CONTROLS)
    reached = set()
    for _ in range(len(names) + MAX_TABS):
        page.keyboard.press("Tab")
        control = page.evaluate(FOCUSED_CONTROL)
        if control is not None:
            reached.add(control)
    unreachable = [name for index, name in enumerate(names) if index not in reached]
    assert not unreachable, f"Tab never reaches: {unreachable}"
    assert any("Chart description and data" in name for name in names), (
        names
    )  # the charts' words and data are behind a control like any other


# -- (c) a phone -----------------------------------------------------------------------------


def test_the_explorer_fits_a_phone(page: Page, app_url, tmp_path):
    page.set_viewport_size(PHONE)
    _open_explorer(page, app_url)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + OVERFLOW_SLACK, f"the page is {width} px wide"
    chart = page.get_by_test_id("stPlotlyChart").first
    chart.scroll_into_view_if_needed()
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= PHONE["width"] + OVERFLOW_SLACK
    field = page.get_by_role("textbox", name="f(x) =")
    field.scroll_into_view_if_needed()
    field.fill("x^3 + cos(x)")
    field.press("Enter")
    _wait_for_latex(page, "3 x^{2}")
    _settle(page)
    # The app scrolls inside its main block, so a full-page shot shows one screen: grow the
    # window to the content's height (the width, and so the layout, stays a phone's).
    tall = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": PHONE["width"], "height": min(int(tall) + 50, 8000)})
    _settle(page)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"] + 2
    shot = tmp_path / "explorer_390.png"
    page.screenshot(path=str(shot), full_page=True)
    if SHOTS.parent.is_dir():  # the lead's folder, where there is one
        SHOTS.mkdir(exist_ok=True)
        shutil.copy(shot, SHOTS / "explorer_390.png")
