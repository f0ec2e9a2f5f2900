"""The Explorer's tangent, secant and Taylor sections in a real browser: open them, change
x₀, shrink h and watch the secant slope approach f′(x₀), pick a degree and read the radius."""

from __future__ import annotations

import math
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_browser import LOAD_TIMEOUT, _open, _settle

pytestmark = pytest.mark.browser

SECANT = re.compile(r"\(f\(x₀\+h\) − f\(x₀\)\)/h = (\S+) at h = (\S+), f′\(x₀\) = (\S+) \(AD\)")
RADIUS = re.compile(r"\|f − T(\S+)\| < (\S+) for \|x − x₀\| < r = ([0-9][0-9.e+-]*[0-9])")


def _secant(page: Page) -> tuple[float, str, float]:
    """The secant slope, h and f′(x₀), as the sentence under the charts shows them."""
    text = _sentence(page).inner_text()
    slope, h, derivative = SECANT.search(text).groups()
    return float(slope), h, float(derivative)


def _sentence(page: Page):
    """The sentence under the secant charts (the legend repeats its numbers)."""
    return page.get_by_test_id("stMarkdownContainer").filter(has_text=SECANT)


def _click_chart(page: Page, chart, across: float) -> None:
    """Click `chart` at `across` of its width, once Plotly hovers a point there.

    A chart below the fold is drawn when scrolled to, and a click before its hover
    handlers exist selects nothing: hover until it reports a point, then click.
    """
    chart.scroll_into_view_if_needed()
    area = chart.locator(".nsewdrag").first
    expect(area).to_be_visible(timeout=LOAD_TIMEOUT)
    plot = chart.locator(".js-plotly-plot").element_handle()
    for attempt in range(100):
        box = area.bounding_box()
        x, y = box["x"] + across * box["width"], box["y"] + 0.5 * box["height"]
        page.mouse.move(x, y + attempt % 2)  # a move, even by a pixel, hovers again
        if plot.evaluate("p => (p._hoverdata || []).length > 0"):
            break
        page.wait_for_timeout(200)
    page.mouse.click(x, y)


def _radius_text(page: Page) -> str:
    return page.get_by_test_id("stMarkdownContainer").filter(has_text=RADIUS).inner_text()


def _wait_for_h(page: Page, h: str) -> None:
    expect(_sentence(page)).to_contain_text(f"at h = {h},", timeout=LOAD_TIMEOUT)
    _settle(page)


def test_shrinking_h_brings_the_secant_slope_to_f_prime(page: Page, app_url, artifacts):
    page.set_viewport_size({"width": 1400, "height": 2400})
    _open(page, f"{app_url}/?f=exp(x)")
    page.get_by_text("Tangent and secant at x₀").click()  # computed only once opened
    expect(_sentence(page)).to_be_visible(timeout=LOAD_TIMEOUT)
    _settle(page)
    x0 = page.get_by_role("spinbutton", name="Point x₀")
    x0.fill("1")
    x0.press("Enter")
    expect(_sentence(page)).to_contain_text("f′(x₀) = 2.718281828", timeout=LOAD_TIMEOUT)
    _settle(page)
    distances = []
    for h in ("1", "0.5", "0.2", "0.1", "0.05"):
        _wait_for_h(page, h)
        slope, shown_h, derivative = _secant(page)
        assert shown_h == h
        assert derivative == pytest.approx(math.e, rel=1e-9)
        assert slope == pytest.approx((math.exp(1 + float(h)) - math.e) / float(h), rel=1e-8)
        distances.append(slope - derivative)
        page.get_by_role("button", name="Shrink h").click()
    assert distances == sorted(distances, reverse=True)  # each step closer to f′(x₀)
    _wait_for_h(page, "0.02")
    page.wait_for_url(re.compile(r"sec_h=0\.02"), timeout=LOAD_TIMEOUT)  # the link keeps h
    # The slider moves h too: one step back up.
    page.get_by_role("slider", name="Secant step h").press("ArrowRight")
    _wait_for_h(page, "0.05")
    assert "Traceback" not in page.locator("body").inner_text()
    page.screenshot(path=str(artifacts / "explorer-tangent-secant.png"), full_page=True)


def test_a_click_on_the_tangent_chart_moves_x0(page: Page, app_url):
    page.set_viewport_size({"width": 1400, "height": 2400})
    _open(page, f"{app_url}/?f=x^2&x0=-2&tan=1")
    expect(_sentence(page)).to_contain_text("f′(x₀) = -4 (AD)", timeout=LOAD_TIMEOUT)
    _settle(page)
    _click_chart(page, page.get_by_test_id("stPlotlyChart").nth(2), 0.75)
    page.wait_for_url(re.compile(r"x0=[0-9]"), timeout=LOAD_TIMEOUT)  # x₀ > 0 now
    box = page.get_by_role("spinbutton", name="Point x₀")
    # The link changes in the run; the box only when that run's widgets reach the browser.
    expect(box).not_to_have_value("-2.000", timeout=LOAD_TIMEOUT)
    _settle(page)
    moved = float(box.input_value())
    assert 1.0 < moved < 3.0  # three quarters across [−4, 4]
    expect(_sentence(page)).to_contain_text(f"f′(x₀) = {2 * moved:g} (AD)", timeout=LOAD_TIMEOUT)


def test_picking_a_degree_shows_the_taylor_radius(page: Page, app_url, artifacts):
    page.set_viewport_size({"width": 1400, "height": 2400})
    _open(page, f"{app_url}/?f=exp(x)&x0=0")
    page.get_by_text("Taylor polynomial at x₀").click()
    expect(page.get_by_test_id("stMarkdownContainer").filter(has_text=RADIUS)).to_be_visible(
        timeout=LOAD_TIMEOUT
    )
    _settle(page)
    degree, tolerance, radius = RADIUS.search(_radius_text(page)).groups()
    # e^r − T₄(r) = 1e-3 at r = 0.6400368 (mpmath, tests/explorer/test_tangents.py)
    assert (degree, tolerance, radius) == ("₄", "1e-3", "0.64")
    slider = page.get_by_role("slider", name="Degree n of Tₙ")
    for _ in range(4):
        slider.press("ArrowRight")
    expect(page.get_by_test_id("stMarkdownContainer").filter(has_text=RADIUS)).to_contain_text(
        "|f − T₈| < 1e-3", timeout=LOAD_TIMEOUT
    )
    _settle(page)
    radius_8 = float(RADIUS.search(_radius_text(page)).group(3))
    assert radius_8 > 0.64  # a higher degree stays close for longer
    page.wait_for_url(re.compile(r"deg=8"), timeout=LOAD_TIMEOUT)
    expect(page.locator(".katex-mathml annotation").filter(has_text="T_{8}(x)")).to_have_count(1)
    page.screenshot(path=str(artifacts / "explorer-taylor.png"), full_page=True)
