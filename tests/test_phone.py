"""`ui.phone`: what every page does for a phone's narrow screen (AppTest; the browser test in
tests/browser/test_browser_phone.py checks what a phone shows)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _page():
    import streamlit as st

    from ui import phone

    phone.apply(st.session_state.get("t_page", ""))


def _scripts(app: AppTest) -> list[str]:
    return [html.proto.body for html in app.get("html") if "<script" in html.proto.body]


def test_the_sidebar_is_closed_only_after_a_change_of_page():
    app = AppTest.from_function(_page, default_timeout=30).run()
    assert not app.exception
    assert _scripts(app) == []  # a first visit: Streamlit already opens it closed on a phone
    styles = "".join(html.proto.body for html in app.get("html"))
    assert "@media (max-width: 640px)" in styles
    assert "modebar-container" in styles
    app.run()
    assert _scripts(app) == []  # a rerun of the same page leaves the sidebar as it is
    app.session_state["t_page"] = "regression"
    app.run()
    (script,) = _scripts(app)
    assert "stSidebarCollapseButton" in script
    assert "max-width: 768px" in script  # only where the sidebar covers the page
