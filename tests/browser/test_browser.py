"""The Explorer in a real browser (Playwright driving Debian's Chromium), as a person uses it."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

LOAD_TIMEOUT = 90_000  # ms: a cold server imports JAX and warms up before the first page


def _settle(page: Page) -> None:
    """Wait until no element is stale (the script run has finished)."""
    page.wait_for_function(
        "document.querySelectorAll('[data-stale=true]').length === 0", timeout=LOAD_TIMEOUT
    )


def _readable_forms_shown(page: Page) -> None:
    """Wait until the readable forms of the derivatives replace SymPy's raw ones (a job of
    its own, after the derivatives: ui.explorer_symbolic)."""
    expect(page.get_by_text("shown as computed meanwhile")).to_have_count(0, timeout=LOAD_TIMEOUT)
    _settle(page)


# Plotly keeps binary-encoded arrays encoded in .data; _fullData holds the decoded ones.
FIRST_TRACE_Y = (
    "const p = document.querySelector('.js-plotly-plot');"
    " const y = p && p._fullData && p._fullData[0] ? Array.from(p._fullData[0].y) : null;"
)


def _first_trace_y(page: Page) -> list[float]:
    return page.evaluate(f"() => {{ {FIRST_TRACE_Y} return y && y.slice(0, 50); }}")


def _latex_sources(page: Page) -> list[str]:
    return page.locator(".katex-mathml annotation").all_text_contents()


def _open(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible(timeout=LOAD_TIMEOUT)
    expect(page.locator(".katex-mathml annotation").first).to_be_attached(timeout=LOAD_TIMEOUT)
    _settle(page)


def open_from_sidebar(page: Page, app_url: str, link: str) -> None:
    """Open the app, follow a sidebar link, and wait for that page's title and a chart.

    Each page's title is its link's text; waiting for it first means the chart found
    next is the new page's, not the home page's still on screen.
    """
    page.goto(app_url)
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav).to_be_visible(timeout=LOAD_TIMEOUT)
    nav.get_by_role("link", name=link).click()
    expect(page.get_by_role("heading", name=link)).to_be_visible(timeout=LOAD_TIMEOUT)
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible(timeout=LOAD_TIMEOUT)
    _settle(page)


def _type_expression(page: Page, text: str) -> None:
    box = page.get_by_test_id("stTextInput").locator("input")
    box.fill(text)
    box.press("Enter")


def test_typing_a_function_updates_latex_and_chart(page: Page, app_url, artifacts):
    _open(page, app_url)
    before = _first_trace_y(page)
    assert before
    _type_expression(page, "x^3 + cos(x)")
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.katex-mathml annotation'))"
        ".some(a => a.textContent.includes('3 x^{2}'))",
        timeout=LOAD_TIMEOUT,
    )
    page.wait_for_function(
        f"(before) => {{ {FIRST_TRACE_Y} return y && y.slice(0, 50).join() !== before.join(); }}",
        arg=before,
        timeout=LOAD_TIMEOUT,
    )
    _settle(page)
    # what was typed stays in the box (no run sends the link's old f back over it), and
    # is the link's f
    expect(page.get_by_test_id("stTextInput").locator("input")).to_have_value("x^3 + cos(x)")
    page.wait_for_url(
        lambda url: parse_qs(urlsplit(url).query).get("f") == ["x^3 + cos(x)"],
        timeout=LOAD_TIMEOUT,
    )
    assert any("3 x^{2} - \\sin" in source for source in _latex_sources(page))
    after = _first_trace_y(page)
    x = -4.0  # the first grid point of the default range: f(x) = x^3 + cos(x)
    # curves reach the browser in float32: 7 significant digits
    assert after[0] == pytest.approx(x**3 + __import__("math").cos(x), rel=1e-6)
    page.screenshot(path=str(artifacts / "explorer-typed.png"), full_page=True)


def test_hostile_input_shows_a_readable_error_and_no_traceback(page: Page, app_url, artifacts):
    _open(page, app_url)
    _type_expression(page, "__import__('os').system('id')")
    alert = page.get_by_test_id("stAlert").filter(has_text="Cannot read this expression")
    expect(alert).to_be_visible(timeout=LOAD_TIMEOUT)
    expect(alert).to_contain_text("Strings are not allowed")
    _settle(page)
    body = page.locator("body").inner_text()
    assert "Traceback" not in body
    assert "uid=" not in body  # `id` never ran
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible()  # last good plot stays
    page.screenshot(path=str(artifacts / "explorer-error.png"), full_page=True)


def test_a_copied_link_reopens_the_same_view(page: Page, app_url, artifacts):
    _open(page, app_url)
    _type_expression(page, "tanh(x)*x")
    page.wait_for_url(re.compile(r"f=tanh"), timeout=LOAD_TIMEOUT)
    page.wait_for_function(
        # f′'s formula, not only the reading of f shown under the box as it is typed
        "() => Array.from(document.querySelectorAll('.katex-mathml annotation'))"
        ".some(a => a.textContent.includes(\"f'(x)\") && a.textContent.includes('tanh'))",
        timeout=LOAD_TIMEOUT,
    )
    _settle(page)
    _readable_forms_shown(page)
    link = page.url
    latex = _latex_sources(page)
    data = _first_trace_y(page)

    second = page.context.new_page()
    _open(second, link)
    expect(second.get_by_test_id("stTextInput").locator("input")).to_have_value("tanh(x)*x")
    second.wait_for_function(
        # f′'s formula, not only the reading of f shown under the box as it is typed
        "() => Array.from(document.querySelectorAll('.katex-mathml annotation'))"
        ".some(a => a.textContent.includes(\"f'(x)\") && a.textContent.includes('tanh'))",
        timeout=LOAD_TIMEOUT,
    )
    _settle(second)
    _readable_forms_shown(second)
    assert _latex_sources(second) == latex
    assert _first_trace_y(second) == data
    second.screenshot(path=str(artifacts / "explorer-shared-link.png"), full_page=True)


def test_every_method_formula_and_panel_is_whole_on_screen(page: Page, app_url, artifacts):
    """The default example: each order in its own panel, nothing cut off at the right."""
    _open(page, app_url)
    expect(page.locator(".katex-display")).to_have_count(5, timeout=LOAD_TIMEOUT)
    _settle(page)
    methods = (
        page.get_by_test_id("stMainBlockContainer")
        .get_by_test_id("stButtonGroup")
        .filter(has_text="AD (JAX)")
    )
    box = methods.bounding_box()
    for name in ("AD (JAX)", "Symbolic (SymPy)", "Finite differences"):
        pill = methods.get_by_role("button", name=name)
        expect(pill).to_be_visible()
        pill_box = pill.bounding_box()
        assert pill_box["x"] + pill_box["width"] <= box["x"] + box["width"] + 1, name
        assert pill.evaluate("b => b.scrollWidth <= b.clientWidth"), name
    displays = page.evaluate(
        "() => Array.from(document.querySelectorAll('.katex-display')).map("
        "d => [d.scrollWidth, d.clientWidth, getComputedStyle(d).overflowX])"
    )
    for scroll_width, width, overflow in displays:
        assert overflow == "auto"  # a formula wider than its column scrolls
        assert scroll_width <= width + 4  # and the default example's are wrapped to fit
    axes = page.evaluate(
        "() => { const p = document.querySelector('.js-plotly-plot');"
        " return ['yaxis', 'yaxis2', 'yaxis3', 'yaxis4', 'yaxis5'].map("
        "k => p._fullLayout[k] && p._fullLayout[k].range[1] - p._fullLayout[k].range[0]); }"
    )
    assert all(axes)
    assert axes[4] > 50 * axes[0]  # f⁗ on its own scale, f still readable on its own
    page.screenshot(path=str(artifacts / "explorer-panels.png"), full_page=True)
