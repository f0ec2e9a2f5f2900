"""The finite-differences lab's link in a real browser: each control writes its value into
the URL (Streamlit's `bind="query-params"`), a reload shows the same view, and the view
survives a visit to another page (`persist_state="session"`)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.browser.test_browser import LOAD_TIMEOUT, _settle

pytestmark = pytest.mark.browser
COLD_START = 3 * LOAD_TIMEOUT  # the first page of a server warms JAX and SymPy up first

TITLE = "Finite-differences lab"
# The error chart's formulas (legend entries), decoded by Plotly.
NAMES = """() => { const p = document.querySelector('.st-key-lab_chart_errors .js-plotly-plot');
    return p && p._fullData ? p._fullData.filter(t => t.showlegend !== false).map(t => t.name)
                            : null; }"""


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


def _shows(page: Page, key: str, option: str) -> None:
    """Wait until select box `key` shows `option` (as text, or as its input's value)."""
    page.wait_for_function(
        """([key, option]) => { const box = document.querySelector('.st-key-' + key);
        return !!box && (box.innerText.includes(option) || Array.from(
            box.querySelectorAll('input')).some(input => input.value === option)); }""",
        arg=[key, option],
        timeout=LOAD_TIMEOUT,
    )


def _choose(page: Page, key: str, option: str) -> None:
    _settle(page)
    choice = page.get_by_role("option", name=option, exact=True)
    for _ in range(10):  # a click while a run redraws the box can leave it closed
        _control(page, key).click()
        try:
            choice.click(timeout=5000)
            return
        except PlaywrightTimeoutError:
            page.keyboard.press("Escape")
    pytest.fail(f"{key}: option {option} never showed")


def _type(page: Page, key: str, text: str) -> None:
    box = _control(page, key).locator("input")
    box.fill(text)
    box.press("Enter")


def press_until_written(page: Page, key: str, arrow: str) -> None:
    """Press `arrow` on slider `key` until the link names it: a key pressed while a run
    redraws the slider (or before the run that enables it) can be lost."""
    for _ in range(30):
        _control(page, key).get_by_role("slider").first.focus()
        page.keyboard.press(arrow)
        if key in _query(page):
            return
        page.wait_for_timeout(1000)


def _view(page: Page) -> dict:
    """What the page draws from its values: metrics, the error chart's formulas, the
    shading's caption, the stencil table's formula."""
    page.wait_for_function(f"() => ({NAMES})() !== null", timeout=LOAD_TIMEOUT)
    body = page.locator("body").inner_text()
    return {
        "metrics": page.get_by_test_id("stMetricValue").all_inner_texts(),
        "formulas": page.evaluate(NAMES),
        "shaded": [line for line in body.splitlines() if line.startswith("Shaded for")],
        "latex": page.locator(".katex-mathml annotation").all_text_contents(),
    }


def _shows_the_changed_controls(page: Page) -> None:
    expect(_control(page, "lab_f").locator("input")).to_have_value("cos(x)", timeout=LOAD_TIMEOUT)
    expect(_control(page, "lab_x0").locator("input")).to_have_value("1.200")
    _shows(page, "lab_n", "2")
    expect(_control(page, "lab_prec").get_by_role("radio", name="float32")).to_be_checked()
    _shows(page, "lab_shade", "central (p=4)")
    expect(_control(page, "lab_h").get_by_test_id("stSliderThumbValue")).to_have_text("1e-2")
    expect(_control(page, "lab_scheme").get_by_role("radio", name="forward")).to_be_checked()
    _shows(page, "lab_sn", "3")
    expect(_control(page, "lab_off").locator("input")).to_have_value("-1, 0, 1, 2")


def test_each_control_is_in_the_link_and_a_reload_shows_the_same_view(page: Page, app_url):
    page.goto(f"{app_url}/fd_lab")
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible(timeout=COLD_START)
    _view(page)
    _settle(page)

    _type(page, "lab_f", "cos(x)")
    _wait_for_query(page, "lab_f", ["cos(x)"])
    _type(page, "lab_x0", "1.2")
    _wait_for_query(page, "lab_x0", ["1.2"])
    _choose(page, "lab_n", "2")
    _wait_for_query(page, "lab_n", ["2"])
    _control(page, "lab_prec").get_by_text("float32", exact=True).click()
    _wait_for_query(page, "lab_prec", ["float32"])
    # Backspace in the formulas box takes off the last one, the complex step.
    _control(page, "lab_fm").locator("input").click()
    page.keyboard.press("Backspace")
    page.keyboard.press("Escape")
    kept = ["forward (p=1)", "backward (p=1)", "central (p=2)", "central (p=4)",
            "central (p=6)", "central (p=8)", "Richardson of central (p=4)"]  # fmt: skip
    _wait_for_query(page, "lab_fm", kept)
    _choose(page, "lab_shade", "central (p=4)")
    _wait_for_query(page, "lab_shade", ["central (p=4)"])  # the formula as the box shows it
    press_until_written(page, "lab_h", "ArrowRight")
    _wait_for_query(page, "lab_h", ["1e-2"])
    _control(page, "lab_scheme").get_by_text("forward", exact=True).click()
    _wait_for_query(page, "lab_scheme", ["forward"])
    _choose(page, "lab_sn", "3")
    _wait_for_query(page, "lab_sn", ["3"])
    _type(page, "lab_off", "-1, 0, 1, 2")
    _wait_for_query(page, "lab_off", ["-1, 0, 1, 2"])
    # The typed offsets' stencil, (-f(x - h) + 3f(x) - 3f(x + h) + f(x + 2h))/h^3, is drawn
    # by a run after the link is written: read the view once it is there.
    stencil = page.locator(".katex-mathml annotation").filter(has_text="3f(x + h)")
    expect(stencil.first).to_be_attached(timeout=LOAD_TIMEOUT)
    _settle(page)

    before = _view(page)
    assert before["formulas"][: len(kept)] == kept  # then float32's floor: no complex step
    assert before["shaded"] == ["Shaded for central (p=4): left of its optimal h round-off "
                                "dominates, right of it truncation. Another formula's best h "
                                "sits at its own boundary (the table's “optimal h (model)”): "
                                "choose it above to shade its regions."]  # fmt: skip
    assert any("f'''(x)" in latex for latex in before["latex"])  # the 3rd-order stencil
    query = _query(page)

    page.reload()
    _shows_the_changed_controls(page)
    _settle(page)
    assert _view(page) == before
    assert _query(page) == query

    # Another page and back from the sidebar: the lab is as it was left, link included.
    nav = page.get_by_test_id("stSidebarNav")
    nav.get_by_role("link", name="Explorer").click()
    expect(page.get_by_role("heading", name="Explorer").first).to_be_visible(timeout=LOAD_TIMEOUT)
    _settle(page)
    nav.get_by_role("link", name=TITLE).click()
    _shows_the_changed_controls(page)
    _wait_for_query(page, "lab_f", ["cos(x)"])
    assert _view(page) == before
    assert _query(page) == query


def test_an_old_link_names_the_shaded_formula_by_its_code(page: Page, app_url):
    """Links written before the binding named the shaded formula "central4": the page
    reads it and rewrites the link with the formula as shown."""
    page.goto(f"{app_url}/fd_lab?lab_f=exp(x)&lab_shade=central4&lab_h=1e-3")
    _shows(page, "lab_shade", "central (p=4)")
    _wait_for_query(page, "lab_shade", ["central (p=4)"])
    assert _query(page)["lab_f"] == ["exp(x)"]
    assert _query(page)["lab_h"] == ["1e-3"]
    assert any(line.startswith("Shaded for central (p=4)") for line in _view(page)["shaded"])
