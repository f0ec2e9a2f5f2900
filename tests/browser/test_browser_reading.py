"""Textbook notation in a real browser: the Explorer reads `sin x cos x` and says how."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_browser import LOAD_TIMEOUT, _open, _settle, _type_expression

pytestmark = pytest.mark.browser

HAS_LATEX = (
    "(needles) => Array.from(document.querySelectorAll('.katex-mathml annotation'))"
    ".some(a => needles.every(n => a.textContent.includes(n)))"
)


def test_sin_x_cos_x_shows_its_reading_and_its_derivative(page: Page, app_url, artifacts):
    _open(page, app_url)
    _type_expression(page, "sin x cos x")
    # The reading, under the box: a caption "Read as sin(x) cos(x)" in KaTeX.
    reading = page.get_by_test_id("stCaptionContainer").filter(has_text="Read as")
    expect(reading.locator(".katex-mathml annotation")).to_have_text(
        r"\sin{\left(x \right)} \cos{\left(x \right)}", timeout=LOAD_TIMEOUT
    )
    # The derivative, from SymPy: cos²(x) − sin²(x).
    page.wait_for_function(
        HAS_LATEX, arg=[r"\sin^{2}{\left(x \right)}", r"\cos^{2}{\left(x \right)}"],
        timeout=LOAD_TIMEOUT,
    )  # fmt: skip
    _settle(page)
    page.screenshot(path=str(artifacts / "reading_sin_x_cos_x.png"), full_page=True)
