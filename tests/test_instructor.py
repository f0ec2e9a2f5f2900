"""The instructor view (ui/instructor.py) in AppTest: a link's hide and projector flags,
kept as the page reruns, and the sidebar panel that builds such a link."""

from __future__ import annotations

import json
import urllib.parse

from tests.page_links import no_exception, open_link
from ui.instructor import CONTROLS, hidden_selectors

EXPLORER = "views/explorer.py"


def _styles(at) -> str:
    return "\n".join(element.proto.body for element in at.get("html"))


def _query(link: str) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(link).query))


def test_a_link_hides_the_controls_it_names_and_only_those():
    at = open_link(EXPLORER, {"hide": "n,range", "n": "6"})
    styles = _styles(at)
    # a control's key is its URL name: the CSS hides those two widgets, and not f
    for selector in hidden_selectors({"n", "range"}):
        assert selector in styles
    assert ".st-key-n:" in styles
    assert ".st-key-range:" in styles
    assert ".st-key-f:" not in styles
    assert at.slider(key="n").value == 6  # hidden, with the link's value
    assert "projector" not in dict(at.query_params)


def test_a_hide_flag_names_only_what_a_css_class_can_hold():
    # the names come from a link anyone can write: nothing but a plain name reaches the CSS
    assert hidden_selectors({"n} body {display:none", "<b>", "n"}) == [
        '.st-key-n:not(:has(> [data-testid="stExpander"]))'
    ]


def test_hide_all_hides_every_control_of_the_page_and_the_flag_survives_a_change():
    at = open_link("views/descent.py", {"hide": "all,nav"})
    styles = _styles(at)
    for selector in hidden_selectors({"all"}):  # every kind of control of the main area
        assert selector in styles
    assert len(hidden_selectors({"all"})) == len(CONTROLS)
    assert 'stSidebarNav"] { display: none' in styles
    at.run()  # a rerun: the flags stay in the link
    assert dict(at.query_params)["hide"] == "all,nav"
    no_exception(at)


def test_a_hiding_link_shows_the_students_view_without_the_instructor_panel():
    at = open_link(EXPLORER, {"hide": "n"})
    assert "instructor_projector" not in [toggle.key for toggle in at.toggle]


def test_the_projector_style_from_a_link_stays_on_as_the_page_changes():
    at = open_link(EXPLORER, {"projector": "1"})
    assert "html { font-size: 20px; }" in _styles(at)
    at.slider(key="n").set_value(2).run()
    no_exception(at)
    assert dict(at.query_params)["projector"] == "1"
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
    # the teacher's own view hides nothing: only the link does
    assert "st-key-" not in _styles(at)


def test_the_projector_style_leaves_plotlys_drawing_to_the_figures():
    # CSS on Plotly's SVG (transform: scale on markers, font sizes on legends) moved every
    # marker into a corner and made legend entries overlap; the figures carry the sizes.
    at = open_link(EXPLORER, {"projector": "1"})
    styles = _styles(at)
    assert "html { font-size: 20px; }" in styles
    assert "path.point" not in styles
    assert "transform" not in styles
    assert "legendtext" not in styles
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert chart["layout"]["font"]["size"] > 12


def test_a_students_link_hides_pickers_but_not_sections():
    at = open_link(EXPLORER, {"hide": "all,nav", "tan": "1"})
    no_exception(at)
    styles = _styles(at)
    # the Examples picker is a keyed select box of the main area: hidden with the rest
    assert ':has([data-testid="stSelectbox"])' in styles
    # the section's expander is kept: hide=all names the controls' test ids, not expanders
    assert "stExpander" not in CONTROLS
    assert "lectures_pick" not in [box.key for box in at.selectbox]  # no way to other pages
    assert at.expander(key="tan").proto.expanded


def test_a_link_that_hides_one_control_keeps_the_pickers():
    at = open_link(EXPLORER, {"hide": "n"})
    assert "stSelectbox" not in _styles(at)
    assert "lectures_pick" in [box.key for box in at.selectbox]


def test_the_projector_style_draws_every_pages_tables_with_text_that_grows():
    # st.dataframe draws on a canvas at a fixed 14 px; st.table's text grows with the
    # projector's font, so in projector style the pages' tables are st.table.
    for page in ("views/fd_lab.py", "views/descent.py", "views/regression.py"):
        plain = open_link(page, {})
        assert len(plain.dataframe) >= 1, page
        assert len(plain.table) == 0, page
        projected = open_link(page, {"projector": "1"})
        no_exception(projected)
        assert len(projected.dataframe) == 0, page
        assert len(projected.table) >= 1, page
