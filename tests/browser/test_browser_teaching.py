"""The Step-by-step page's rules and answer check in a real browser: type f, read the steps'
LaTeX, type a derivative, read the verdict."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_browser import LOAD_TIMEOUT, _latex_sources, _settle

pytestmark = pytest.mark.browser


def _open(page: Page, app_url: str) -> None:
    """The page from the sidebar; its first section (the steps) has LaTeX but no chart."""
    page.goto(app_url)
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav).to_be_visible(timeout=LOAD_TIMEOUT)
    nav.get_by_role("link", name="Step by step").click()
    expect(page.get_by_role("heading", name="Step by step")).to_be_visible(timeout=LOAD_TIMEOUT)
    expect(page.get_by_text("1. product rule")).to_be_visible(timeout=LOAD_TIMEOUT)
    _settle(page)


def _type(page: Page, label: str, text: str) -> None:
    box = page.get_by_role("textbox", name=label, exact=True)
    box.fill(text)
    box.press("Enter")


def _wait_for_latex(page: Page, part: str) -> None:
    page.wait_for_function(
        "(part) => Array.from(document.querySelectorAll('.katex-mathml annotation'))"
        ".some(a => a.textContent.includes(part))",
        arg=part,
        timeout=LOAD_TIMEOUT,
    )


# The answer check's chart: the marked gap, and the widest gap between its two curves.
GAPS = (
    "() => { const p = document.querySelector('[data-testid=stPlotlyChart] .js-plotly-plot');"
    " const d = p._fullData; const [f, a] = d;"
    " const mark = d.find(t => t.name.startsWith('largest'));"
    " let widest = 0; for (let i = 0; i < f.y.length; i++) {"
    " const g = Math.abs(f.y[i] - a.y[i]); if (g > widest) widest = g; }"
    " return {marked: Math.abs(mark.y[1] - mark.y[0]), widest: widest}; }"
)


def test_the_steps_of_a_typed_function_and_a_checked_answer(page: Page, app_url, artifacts):
    page.set_viewport_size({"width": 1400, "height": 1800})
    _open(page, app_url)
    _type(page, "f(x) =", "ln(cos(x))")
    expect(page.get_by_text("1. logarithm rule + chain rule")).to_be_visible(timeout=LOAD_TIMEOUT)
    expect(page.get_by_text("2. trigonometric rule")).to_be_visible()
    _wait_for_latex(page, r"\frac{d}{dx} \cos{\left(x \right)} = - \sin{\left(x \right)}")
    _settle(page)
    sources = _latex_sources(page)
    assert any(r"\frac{d}{dx} \log{\left(\cos{\left(x \right)} \right)} =" in s for s in sources)
    assert any(s.startswith("f'(x) =") for s in sources)
    page.screenshot(path=str(artifacts / "teaching-steps.png"), full_page=True)

    page.get_by_role("radio", name="Check your answer", exact=True).click()
    expect(page.get_by_text("Correct: SymPy simplifies f′ − your answer to 0")).to_be_visible(
        timeout=LOAD_TIMEOUT
    )  # the default: sin(2x) for sin(x)^2
    _type(page, "f(x) =", "x^2*sin(x)")
    _type(page, "Your f′(x) =", "2x·cos(x)")  # the product rule forgotten
    verdict = page.get_by_text("Not quite: this looks like a known slip, product rule written")
    expect(verdict).to_be_visible(timeout=LOAD_TIMEOUT)
    expect(page.get_by_text("Known slip: product rule written as f′g′")).to_be_visible()
    expect(page.get_by_test_id("stPlotlyChart")).to_be_visible()
    _settle(page)
    # the number said is the gap drawn: the marked segment, and the widest gap of the curves
    said = float(re.search(r"by up to ([\d.]+)", verdict.inner_text()).group(1))
    drawn = page.evaluate(GAPS)
    assert drawn["marked"] == pytest.approx(said, rel=1e-3)
    assert drawn["widest"] == pytest.approx(said, rel=1e-3)
    _type(page, "Your f′(x) =", "2x sin(x) + x² cos(x)")
    expect(page.get_by_text("Correct: SymPy simplifies f′ − your answer to 0")).to_be_visible(
        timeout=LOAD_TIMEOUT
    )
    _settle(page)
    assert "t_ca=" in page.url  # the answer is in the link
    assert "Traceback" not in page.locator("body").inner_text()
    page.screenshot(path=str(artifacts / "teaching-check.png"), full_page=True)
