"""A shared link to a page, as the first request a fresh server ever gets.

The pages once lived in a folder named `pages/`, which turns on Streamlit's old
page-folder mode until some run reaches `st.navigation`: a deep link opened first ran the
page without `app.py` (no page config, no warm-up, file names in the sidebar) for every
session after it. This test needs its own server, so that nobody opened the root first.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_browser import LOAD_TIMEOUT, _settle
from tests.conftest import streamlit_server

pytestmark = pytest.mark.browser

TITLES = [
    "Explorer",
    "Finite-differences lab",
    "Derivatives of data",
    "Kinks and programs",
    "Several variables",
    "Regression",
    "Descent trajectories",
    "Beyond grad",
    "Step by step",
    "Class",
]


@pytest.fixture(scope="module")
def fresh_url(artifacts):
    # Plain `streamlit run`: the warm launcher's own first run reaches st.navigation
    # before the port opens, which would hide the trap.
    with streamlit_server(artifacts / "deep-link-server.log") as url:
        yield url


def test_a_deep_link_on_a_fresh_server_runs_the_router_and_its_view(page: Page, fresh_url):
    page.goto(f"{fresh_url}/descent?g_s=himmelblau&g_x=-1&g_y=1.5")
    expect(page.get_by_role("heading", name="Descent trajectories")).to_be_visible(
        timeout=LOAD_TIMEOUT
    )
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible(timeout=LOAD_TIMEOUT)
    _settle(page)
    nav = page.get_by_test_id("stSidebarNav")
    links = [text.split("\n")[-1].strip() for text in nav.get_by_role("link").all_inner_texts()]
    assert links == TITLES  # app.py's navigation, not the folder's file names
    # the router's sidebar caption, and the view the link asked for
    expect(page.get_by_text("JAX runs on")).to_be_visible()
    assert page.get_by_label("Start x").input_value() == "-1.000"
    assert page.get_by_label("Start y").input_value() == "1.500"
