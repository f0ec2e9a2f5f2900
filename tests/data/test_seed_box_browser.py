"""The data page's Seed box shows its whole number, at a desktop, a projector and a phone width.

At columns [2, 2, 3, 1] the box was about 100 px wide at 1400 px, without its +/− buttons,
and 45 px at 800 px: a seed of ten digits was cut off (issue 21, item 12).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

LOAD_TIMEOUT = 90_000
LARGEST_SEED = "2147483647"
# The text's width in the input's own font, against the room inside its padding.
ROOM = """input => {
    const style = getComputedStyle(input);
    const context = document.createElement('canvas').getContext('2d');
    context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return [context.measureText(input.value).width, room];
}"""


@pytest.mark.parametrize("width", [1400, 1024, 800, 390])
def test_the_largest_seed_fits_its_box(page: Page, app_url, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{app_url}/data?d_seed={LARGEST_SEED}")
    box = page.get_by_test_id("stNumberInput").filter(has_text="Seed").locator("input")
    expect(box).to_have_value(LARGEST_SEED, timeout=LOAD_TIMEOUT)
    page.wait_for_function(
        "document.querySelectorAll('[data-stale=true]').length === 0", timeout=LOAD_TIMEOUT
    )
    text_width, room = box.evaluate(ROOM)
    assert text_width <= room, (width, text_width, room)
    if width == 1400:  # room for the − and + buttons too (Streamlit hides them when narrow)
        seed = page.get_by_test_id("stNumberInput").filter(has_text="Seed")
        expect(seed.get_by_test_id("stNumberInputStepUp")).to_be_visible()
