"""The instructor view in a real browser: a link that hides the controls it names, and the
projector style's larger text and thicker lines, as a class sees them."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_browser import LOAD_TIMEOUT, _open, _readable_forms_shown, _settle

pytestmark = pytest.mark.browser


def _line_width(page: Page) -> float:
    width = page.locator(".js-plotly-plot .scatterlayer path.js-line").first.evaluate(
        "path => getComputedStyle(path).strokeWidth"
    )
    return float(width.removesuffix("px"))


def test_a_projector_link_that_hides_two_controls(page: Page, app_url, artifacts):
    page.set_viewport_size({"width": 1400, "height": 1000})
    _open(page, f"{app_url}/?n=3&hide=n,range&projector=1")
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible(timeout=LOAD_TIMEOUT)
    _settle(page)
    expect(page.get_by_role("slider", name="Highest order")).to_be_hidden()
    expect(page.get_by_text("x-range", exact=True)).to_be_hidden()
    # what the link does not name stays
    expect(page.get_by_role("textbox", name="f(x) =")).to_be_visible()
    expect(page.get_by_text("Instructor view")).to_have_count(0)  # the students' view
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "20px"
    assert _line_width(page) >= 4
    page.screenshot(path=str(artifacts / "instructor-projector.png"))


def test_the_panel_turns_the_projector_style_on_and_off(page: Page, app_url):
    page.set_viewport_size({"width": 1400, "height": 1000})
    _open(page, app_url)
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible(timeout=LOAD_TIMEOUT)
    _settle(page)
    thin = _line_width(page)
    assert thin < 4
    page.get_by_text("Instructor view").click()
    page.get_by_text("Projector style").click()
    page.wait_for_url("**projector=1**", timeout=LOAD_TIMEOUT)
    _settle(page)
    assert _line_width(page) >= 4
    expect(page.get_by_role("slider", name="Highest order")).to_be_visible()  # nothing hidden
    link = page.get_by_test_id("stSidebar").get_by_test_id("stCode").inner_text()
    assert "projector=1" in link
    assert link.startswith("http")


# -- the projector style acts through the figures, not through CSS on Plotly's SVG ----------

# The main chart's markers: how many, at how many distinct places (Plotly puts each with
# its own `transform` attribute), and any CSS transform that scales one.
MARKERS = """() => { const plot = document.querySelector('.js-plotly-plot');
  const points = Array.from(plot.querySelectorAll('.scatterlayer path.point'));
  const scaled = points.filter(p => { const m = getComputedStyle(p).transform;
    return m !== 'none' && !/^matrix\\(1, 0, 0, 1,/.test(m); }).length;
  const sizes = plot._fullData.map(t => (t.marker && +t.marker.size) || 0);
  return {count: points.length, scaled, size: Math.max(...sizes),
          places: new Set(points.map(p => p.getAttribute('transform'))).size}; }"""

# Every pair of legend texts of every chart that overlap on screen.
LEGEND_OVERLAPS = """() => Array.from(document.querySelectorAll('.js-plotly-plot'))
  .flatMap(plot => {
  const boxes = Array.from(plot.querySelectorAll('.legend .legendtext, .legend .legendgrouptitle'))
    .map(t => t.getBoundingClientRect()).filter(b => b.width > 0);
  const out = [];
  boxes.forEach((a, i) => boxes.slice(i + 1).forEach(b => {
    if (a.left < b.right - 1 && b.left < a.right - 1
        && a.top < b.bottom - 1 && b.top < a.bottom - 1)
      out.push([Math.round(a.left), Math.round(a.top), Math.round(b.left), Math.round(b.top)]);
  }));
  return out; })"""

# Formulas wider than their box (KaTeX's aligned blocks overflow by a pixel or two).
CUT_FORMULAS = """() => Array.from(document.querySelectorAll('.katex-display'))
  .filter(k => k.scrollWidth > k.clientWidth + 3)
  .map(k => k.querySelector('annotation').textContent.slice(0, 40))"""


def _explorer_markers(page: Page, url: str) -> dict:
    page.set_viewport_size({"width": 1400, "height": 1000})
    _open(page, url)
    page.wait_for_function(f"() => ({MARKERS})().count > 0", timeout=LOAD_TIMEOUT)
    # SymPy's curves widen the y-range when they fill in, and move every marker: compare
    # the two pages once both have them.
    _sympy_filled_in(page)
    return page.evaluate(MARKERS)


def _sympy_filled_in(page: Page) -> None:
    """Wait until SymPy's results are drawn: each one reruns the page when it comes."""
    pending = re.compile(r"^Symbolic: (queued|computing)")  # ui.symbolic_jobs.job_status
    expect(page.get_by_text(pending)).to_have_count(0, timeout=LOAD_TIMEOUT)
    _readable_forms_shown(page)


def test_projector_markers_stay_where_plotly_puts_them(page: Page, app_url, context):
    plain = _explorer_markers(page, f"{app_url}/?n=3")
    projected = _explorer_markers(context.new_page(), f"{app_url}/?n=3&projector=1")
    assert plain["count"] > 50
    assert projected["count"] == plain["count"]
    # In the old style a CSS scale() replaced Plotly's translate(): 189 places became 3.
    assert projected["places"] == plain["places"]
    assert projected["scaled"] == 0
    assert projected["size"] > plain["size"]  # bigger markers, drawn by Plotly itself


def test_projector_legends_do_not_overlap_and_formulas_are_whole(page: Page, app_url, artifacts):
    page.set_viewport_size({"width": 1400, "height": 1000})
    _open(page, f"{app_url}/?n=10&projector=1&taylor=1&deg=8")
    expect(page.locator(".katex-mathml annotation").filter(has_text="T_{8}")).to_have_count(
        1, timeout=LOAD_TIMEOUT
    )
    _sympy_filled_in(page)  # the values table is redrawn when SymPy's values come
    assert page.evaluate(LEGEND_OVERLAPS) == []
    assert page.evaluate(CUT_FORMULAS) == []
    # The values table is HTML text that grows with the page (the data grid does not), as
    # large as the text around it (Streamlit draws tables a size smaller: 17.5 px here).
    cell = page.get_by_test_id("stTable").first.locator("td").first
    expect(cell).to_be_visible(timeout=LOAD_TIMEOUT)  # a late SymPy rerun may redraw it
    assert float(cell.evaluate("c => getComputedStyle(c).fontSize").removesuffix("px")) >= 20
    page.screenshot(path=str(artifacts / "instructor-projector-explorer.png"), full_page=True)


# -- a student's link hides controls, keeps sections, locks the view -------------------------


def test_a_students_link_keeps_the_open_section_and_hides_controls_and_pickers(
    page: Page, app_url, artifacts
):
    page.set_viewport_size({"width": 1400, "height": 1000})
    _open(page, f"{app_url}/?tan=1&hide=all,nav")
    tangent = page.locator(".st-key-explorer_tangent_chart")
    expect(tangent.locator(".js-plotly-plot")).to_be_visible(timeout=LOAD_TIMEOUT)
    expect(page.get_by_role("button", name="Shrink h")).to_be_visible()
    expect(page.get_by_role("slider", name="Secant step h")).to_be_hidden()
    expect(page.get_by_role("textbox", name="f(x) =")).to_be_hidden()
    expect(page.get_by_role("combobox", name="Examples")).to_be_hidden()
    expect(page.get_by_role("combobox", name="From the lectures")).to_have_count(0)
    expect(page.get_by_test_id("stSidebar")).to_have_attribute("data-collapsed", "true")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=stSidebar]').getBoundingClientRect().right < 5"
    )
    page.screenshot(path=str(artifacts / "instructor-student-link.png"))
