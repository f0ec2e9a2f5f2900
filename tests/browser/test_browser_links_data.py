"""The Derivatives-of-data page's link in a real browser: each control writes its value
into the URL (Streamlit's `bind="query-params"`), a reload shows the same view, the
function's values survive a look at a CSV file, and an old link is read and rewritten."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from core.data.derivatives import METHODS
from tests.browser.test_browser import LOAD_TIMEOUT, _settle
from tests.browser.test_browser_links_fd_lab import (
    _control,
    _query,
    _type,
    _wait_for_query,
    press_until_written,
)

pytestmark = pytest.mark.browser
COLD_START = 3 * LOAD_TIMEOUT  # the first page of a server warms JAX and SymPy up first

TITLE = "Derivatives of data"
# The dy/dx chart's traces (decoded by Plotly) and the samples' count and first x.
DRAWN = """() => {
    const estimates = document.querySelector('.st-key-d_chart_estimates .js-plotly-plot');
    const samples = document.querySelector('.st-key-d_chart_samples .js-plotly-plot');
    if (!estimates || !estimates._fullData || !samples || !samples._fullData) return null;
    const x = Array.from(samples._fullData[0].x);
    return {traces: estimates._fullData.map(t => t.name), n: x.length, first: x[0],
            last: x[x.length - 1]};
}"""


def _drawn(page: Page) -> dict:
    page.wait_for_function(f"() => ({DRAWN})() !== null", timeout=LOAD_TIMEOUT)
    return page.evaluate(DRAWN)


def _press(page: Page, key: str, arrow: str, times: int = 1) -> None:
    """Move slider `key`'s (first) thumb by the keyboard, as a person can."""
    _control(page, key).get_by_role("slider").first.focus()
    for _ in range(times):
        page.keyboard.press(arrow)


def _shows_the_changed_function_controls(page: Page) -> None:
    expect(_control(page, "d_f").locator("input")).to_have_value("x^3", timeout=LOAD_TIMEOUT)
    thumbs = _control(page, "d_range").get_by_test_id("stSliderThumbValue")
    expect(thumbs).to_have_text(["-2.90", "3.00"])
    expect(_control(page, "d_n").get_by_test_id("stSliderThumbValue")).to_have_text("110")
    expect(_control(page, "d_grid").get_by_role("radio", name="Random")).to_be_checked()
    expect(_control(page, "d_noise").get_by_test_id("stSliderThumbValue")).to_have_text("0.03")
    expect(_control(page, "d_seed").locator("input")).to_have_value("7")


def test_each_control_is_in_the_link_and_a_reload_shows_the_same_view(page: Page, app_url):
    page.goto(f"{app_url}/data")
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible(timeout=COLD_START)
    _drawn(page)
    _settle(page)

    _type(page, "d_f", "x^3")
    _wait_for_query(page, "d_f", ["x^3"])
    _press(page, "d_range", "ArrowRight")
    _wait_for_query(page, "d_range", ["-2.9", "3"])  # a range repeats its name
    _press(page, "d_n", "ArrowRight")
    _wait_for_query(page, "d_n", ["110"])
    _control(page, "d_grid").get_by_text("Random", exact=True).click()
    _wait_for_query(page, "d_grid", ["Random"])  # the option as shown
    _press(page, "d_noise", "ArrowRight")
    _wait_for_query(page, "d_noise", ["0.03"])
    _type(page, "d_seed", "7")
    _wait_for_query(page, "d_seed", ["7"])
    _control(page, "d_methods").get_by_role("button", name="Derivative matrix D").click()
    chosen = [label for key, label in METHODS.items() if key != "fd_matrix"]
    _wait_for_query(page, "d_methods", chosen)
    _press(page, "d_degree", "ArrowLeft")
    _wait_for_query(page, "d_degree", ["11"])
    _control(page, "d_auto").get_by_text("Smoothing spline: automatic smoothness").click()
    _wait_for_query(page, "d_auto", ["false"])
    press_until_written(page, "d_smooth", "ArrowRight")  # enabled by the switch's run
    _wait_for_query(page, "d_smooth", ["4.5"])
    _press(page, "d_sweep", "ArrowRight")
    _wait_for_query(page, "d_sweep", ["0.003"])

    before = _drawn(page)
    assert before["traces"] == ["true f′(x)", *chosen]
    assert before["n"] == 110
    assert (before["first"], before["last"]) == pytest.approx((-2.9, 3.0))  # the range
    query = _query(page)

    page.reload()
    _shows_the_changed_function_controls(page)
    expect(_control(page, "d_degree").get_by_test_id("stSliderThumbValue")).to_have_text("11")
    expect(_control(page, "d_auto").locator("input")).not_to_be_checked()
    expect(_control(page, "d_smooth").get_by_test_id("stSliderThumbValue")).to_have_text("4.50")
    expect(_control(page, "d_sweep").get_by_test_id("stSliderThumbValue")).to_have_text("0.003")
    _settle(page)
    assert _drawn(page) == before  # the methods chosen: their traces, D's left out
    assert _query(page) == query

    # A look at a CSV file and back: the function's values are as they were typed.
    _control(page, "d_src").get_by_text("A CSV file", exact=True).click()
    _wait_for_query(page, "d_src", ["A CSV file"])
    expect(page.get_by_text("Upload a file to differentiate it.")).to_be_visible()
    assert _query(page)["d_f"] == ["x^3"]  # kept while not drawn (persist_state="session")
    _control(page, "d_src").get_by_text("A function", exact=True).click()
    _shows_the_changed_function_controls(page)
    _wait_for_query(page, "d_f", ["x^3"])
    assert _drawn(page) == before
    assert _query(page) == query


def test_an_old_link_is_read_and_rewritten_as_todays(page: Page, app_url):
    """A link the page wrote before the binding (a range "a,b", the grid and the methods by
    their codes, the switch as 0) opens the same view; its link is then today's."""
    page.goto(
        f"{app_url}/data?d_f=exp(-x%5E2)&d_range=-2,2.5&d_n=200&d_grid=random&d_noise=0.001"
        "&d_seed=7&d_methods=gradient2,cubic_spline&d_degree=5&d_auto=0&d_smooth=2.5"
    )
    expect(_control(page, "d_f").locator("input")).to_have_value("exp(-x^2)", timeout=LOAD_TIMEOUT)
    _wait_for_query(page, "d_methods", [METHODS["gradient2"], METHODS["cubic_spline"]])
    assert _query(page) == {
        "d_f": ["exp(-x^2)"], "d_range": ["-2", "2.5"], "d_n": ["200"], "d_grid": ["Random"],
        "d_noise": ["0.001"], "d_seed": ["7"],
        "d_methods": [METHODS["gradient2"], METHODS["cubic_spline"]],
        "d_degree": ["5"], "d_auto": ["false"], "d_smooth": ["2.5"],
    }  # fmt: skip
    expect(_control(page, "d_auto").locator("input")).not_to_be_checked()
    drawn = _drawn(page)
    assert drawn["traces"] == ["true f′(x)", METHODS["gradient2"], METHODS["cubic_spline"]]
    assert drawn["n"] == 200
    assert -2.0 <= drawn["first"] < drawn["last"] <= 2.5
    assert parse_qs(urlsplit(page.url).query)["d_grid"] == ["Random"]
