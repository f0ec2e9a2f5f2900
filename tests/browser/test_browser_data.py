"""The Derivatives-of-data page in a real browser: navigate, change controls, see new data."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

LOAD_TIMEOUT = 90_000  # ms: a cold server imports JAX and warms up before the first page
CHARTS = 6  # data, dy/dx, |error|, matrix D, two noise sweeps


def _settle(page: Page) -> None:
    """Wait until no element is stale (the script run has finished)."""
    page.wait_for_function(
        "document.querySelectorAll('[data-stale=true]').length === 0", timeout=LOAD_TIMEOUT
    )


# Plotly keeps binary-encoded arrays encoded in .data; _fullData holds the decoded ones.
TRACE_Y = (
    "const p = document.querySelectorAll('.js-plotly-plot')[chart];"
    " const t = p && p._fullData && p._fullData[trace];"
    " const y = t ? Array.from(t.y).slice(0, 40) : null;"
)


def _trace_y(page: Page, chart: int, trace: int) -> list[float]:
    return page.evaluate(f"([chart, trace]) => {{ {TRACE_Y} return y; }}", [chart, trace])


def _wait_for_change(page: Page, chart: int, trace: int, before: list[float]) -> None:
    page.wait_for_function(
        f"([chart, trace, before]) => {{ {TRACE_Y} return y && y.join() !== before.join(); }}",
        arg=[chart, trace, before],
        timeout=LOAD_TIMEOUT,
    )
    _settle(page)


def test_changing_the_data_redraws_the_derivatives(page: Page, app_url, artifacts):
    page.goto(app_url)
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible(timeout=LOAD_TIMEOUT)
    _settle(page)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Derivatives of data").click()
    expect(page.get_by_role("heading", name="Derivatives of data")).to_be_visible(
        timeout=LOAD_TIMEOUT
    )
    expect(page.locator(".js-plotly-plot")).to_have_count(CHARTS, timeout=LOAD_TIMEOUT)
    _settle(page)

    # Chart 1 is dy/dx: trace 0 the true derivative, trace 1 np.gradient (edge_order=1).
    truth = _trace_y(page, 1, 0)
    noisy = _trace_y(page, 1, 1)
    assert truth
    assert noisy

    # More noise (keyboard on the slider's thumb): the difference quotients change.
    noise = page.get_by_test_id("stSlider").filter(has_text="Noise σ (Gaussian)")
    noise.get_by_role("slider").focus()
    page.keyboard.press("ArrowRight")
    _wait_for_change(page, 1, 1, noisy)
    assert _trace_y(page, 1, 0) == truth  # the true derivative did not move

    # A new function: f'(x) = 3x^2 at the first sample x = -3.
    box = page.get_by_test_id("stTextInput").locator("input")
    box.fill("x^3")
    box.press("Enter")
    _wait_for_change(page, 1, 0, truth)
    assert _trace_y(page, 1, 0)[0] == pytest.approx(27.0, rel=1e-12)
    expect(page.locator(".js-plotly-plot")).to_have_count(CHARTS)
    assert "Traceback" not in page.locator("body").inner_text()
    # Streamlit scrolls inside its main block: a tall window shows the whole page at once.
    page.set_viewport_size({"width": 1400, "height": 4400})
    page.wait_for_timeout(1000)  # Plotly redraws at the new width
    page.screenshot(path=str(artifacts / "data-page.png"), full_page=True)
