"""The instructor view (ui/instructor.py) in AppTest: a link's hide and projector flags,
kept as the page rewrites its URL, and the sidebar panel that builds such a link."""

from __future__ import annotations

import urllib.parse

from tests.page_links import no_exception, open_link

EXPLORER = "views/explorer.py"


def _styles(at) -> str:
    return "\n".join(element.proto.body for element in at.get("html"))


def _query(link: str) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(link).query))


def test_a_link_hides_the_controls_it_names_and_only_those():
    at = open_link(EXPLORER, {"hide": "n,range", "n": "6"})
    styles = _styles(at)
    assert ".st-key-explorer_order" in styles
    assert ".st-key-explorer_range" in styles
    assert ".st-key-explorer_expr" not in styles
    assert at.slider(key="explorer_order").value == 6  # hidden, with the link's value
    assert "projector" not in dict(at.query_params)


def test_hide_all_hides_every_control_of_the_page_and_the_flag_survives_a_change():
    at = open_link("views/descent.py", {"hide": "all,nav"})
    styles = _styles(at)
    assert ".st-key-descent_x0" in styles
    assert ".st-key-descent_y0" in styles
    assert 'stSidebarNav"] { display: none' in styles
    at.run()  # a rerun rewrites the query from the page's fields: the flags stay
    assert dict(at.query_params)["hide"] == "all,nav"
    no_exception(at)


def test_a_hiding_link_shows_the_students_view_without_the_instructor_panel():
    at = open_link(EXPLORER, {"hide": "n"})
    assert "instructor_projector" not in [toggle.key for toggle in at.toggle]


def test_the_projector_style_from_a_link_stays_on_as_the_page_changes():
    at = open_link(EXPLORER, {"projector": "1"})
    assert "html { font-size: 20px; }" in _styles(at)
    at.slider(key="explorer_order").set_value(2).run()
    no_exception(at)
    assert dict(at.query_params)["projector"] == "1"
    assert dict(at.query_params)["n"] == "2"
    assert "html { font-size: 20px; }" in _styles(at)


def test_the_panel_builds_a_link_with_the_pages_state_and_the_chosen_flags():
    at = open_link(EXPLORER, {"n": "3"})
    assert "html { font-size: 20px; }" not in _styles(at)
    at.toggle(key="instructor_projector").set_value(True).run()
    assert "html { font-size: 20px; }" in _styles(at)
    at.button_group(key="instructor_hide").set_value(["all"]).run()
    no_exception(at)
    link = at.code[-1].value
    query = _query(link)
    assert query["hide"] == "all"
    assert query["projector"] == "1"
    assert query["n"] == "3"
    assert query["f"]
    # the teacher's own view hides nothing: only the link does
    assert ".st-key-explorer_order" not in _styles(at)
