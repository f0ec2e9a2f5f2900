"""The descent page's view in its link (AppTest): links (today's and those written before the
widgets were bound) reopen the view, a clicked start point reaches the link, bad values are
ignored. That a change in the browser is written to the link: tests/browser/
test_browser_links_descent.py (AppTest has no browser to write it)."""

from __future__ import annotations

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from core.descent.surfaces import SURFACE_NAMES, surface
from tests.descent.test_descent_page import _paths
from tests.page_links import click, no_exception, open_link

DEFAULT_METHODS = ["gd", "momentum", "adam", "newton", "BFGS", "Nelder-Mead"]
CUSTOM = "your own f(x, y)"

# Every field of the link, each away from its default, as links wrote them before the
# widgets were bound: the optimizers as "a,b", switches as 1/0.
LINK = {
    "g_s": "bowl", "g_k": "100", "g_x": "0.5", "g_y": "-0.25", "g_m": "gd,adam,CG",
    "g_gd": "0.003", "g_mr": "0.0001", "g_mb": "0.5", "g_ar": "0.1", "g_n": "200",
    "g_exact": "0",
}  # fmt: skip


def _open(query: dict[str, str]) -> AppTest:
    return open_link("views/descent.py", query)


def _contour(at: AppTest) -> list[dict]:
    return json.loads(at.get("plotly_chart")[0].proto.spec)["data"]


def _start(at: AppTest) -> tuple[float, float]:
    start = next(trace for trace in _contour(at) if trace["name"] == "start")
    return start["x"][0], start["y"][0]


def test_a_link_with_every_field_reopens_that_view():
    at = _open(LINK)
    assert at.selectbox(key="g_s").value == "bowl"
    assert at.select_slider(key="g_k").value == 100
    assert at.number_input(key="g_x").value == 0.5
    assert at.number_input(key="g_y").value == -0.25
    assert at.multiselect(key="g_m").value == ["gd", "adam", "CG"]
    assert at.select_slider(key="g_gd").value == 3e-3
    assert at.select_slider(key="g_mr").value == 1e-4
    assert at.slider(key="g_mb").value == 0.5
    assert at.select_slider(key="g_ar").value == 0.1
    assert at.slider(key="g_n").value == 200
    assert at.toggle(key="g_exact").value is False

    # What the page computed from them, not only the widgets.
    assert any("x^2 + 100.0*y^2" in m.value for m in at.markdown)  # the bowl with κ = 100
    assert _start(at) == (0.5, -0.25)
    paths = _paths(at)
    assert set(paths) == {"gd", "adam", "CG"}
    assert max(paths.values()) <= 201  # start + at most 200 steps
    assert any("iteration cap (200 steps)" in i.value for i in at.info)
    # Without the exact gradient CG differences f: the same counts as its differenced twin.
    table = at.dataframe[0].value.set_index("optimizer")
    twins = at.dataframe[1].value.set_index("method")
    assert table.loc["CG", "nfev"] == twins.loc["CG (finite differences)", "nfev"]


@pytest.mark.parametrize("code", ["custom", CUSTOM])
def test_a_link_to_a_typed_surface(code):
    """Old links named the typed surface "custom"; the picker now writes its option."""
    at = _open({"g_s": code, "g_f": "x^2 + 3y^2 + x*y"})
    assert at.selectbox(key="g_s").value == CUSTOM
    assert at.text_input(key="g_f").value == "x^2 + 3y^2 + x*y"
    assert set(_paths(at)) == set(DEFAULT_METHODS)
    assert dict(at.query_params) == {"g_s": CUSTOM, "g_f": "x^2 + 3y^2 + x*y"}
    at = _open({"g_s": code, "g_f": "x^2 + z"})  # a bad f is the view too: its error
    assert any("replace z" in e.value for e in at.error)
    assert at.query_params["g_f"] == "x^2 + z"


def test_todays_link_and_the_controls_give_the_same_view():
    """The link a browser writes after these changes (a list repeats its name, a switch is
    true/false) opens the view the controls made."""
    at = _open({})
    at.selectbox(key="g_s").set_value("bowl").run()
    at.select_slider(key="g_k").set_value(30).run()
    at.multiselect(key="g_m").set_value(["gd", "nesterov", "rmsprop", "BFGS"]).run()
    at.select_slider(key="g_gd").set_value(1e-2).run()
    at.select_slider(key="g_mr").set_value(3e-4).run()
    at.slider(key="g_mb").set_value(0.8).run()
    at.select_slider(key="g_ar").set_value(0.3).run()
    at.slider(key="g_n").set_value(300).run()
    at.toggle(key="g_exact").set_value(False).run()
    at.number_input(key="g_x").set_value(1.5).run()
    at.number_input(key="g_y").set_value(0.7).run()
    no_exception(at)
    link = {
        "g_s": "bowl", "g_k": "30", "g_x": "1.5", "g_y": "0.7",
        "g_m": ["gd", "nesterov", "rmsprop", "BFGS"], "g_gd": "0.01", "g_mr": "0.0003",
        "g_mb": "0.8", "g_ar": "0.3", "g_n": "300", "g_exact": "false",
    }  # fmt: skip
    again = _open(link)
    assert _contour(again) == _contour(at)
    assert again.dataframe[0].value.equals(at.dataframe[0].value)


@pytest.mark.parametrize("name", ["himmelblau", "bowl", CUSTOM])
def test_a_new_surface_starts_at_its_own_start(name):
    at = _open({"g_x": "0.5", "g_y": "-0.25"})
    at.selectbox(key="g_s").set_value(name).run()
    no_exception(at)
    start = surface("rosenbrock" if name == CUSTOM else name).start
    assert (at.number_input(key="g_x").value, at.number_input(key="g_y").value) == start
    assert _start(at) == start
    assert "g_x" not in at.query_params  # the surface's own start: not in the link


@pytest.mark.parametrize("name", SURFACE_NAMES)
def test_a_link_naming_only_the_surface_opens_at_its_start(name):
    at = _open({"g_s": name})
    start = surface(name).start
    assert (at.number_input(key="g_x").value, at.number_input(key="g_y").value) == start
    assert _start(at) == start


def test_a_clicked_start_point_lands_in_the_link():
    at = _open({"g_s": "rosenbrock"})
    assert dict(at.query_params) == {}  # rosenbrock is the default surface
    at.button(key="descent_animation_reset").click().run()
    assert any("Iteration **0**" in m.value for m in at.markdown)
    click(at, 0.1234, -0.5678)  # a new start: its run is shown finished
    assert any(re.search(r"Iteration \*\*(\d+)\*\* of \1\b", m.value) for m in at.markdown)
    assert (at.number_input(key="g_x").value, at.number_input(key="g_y").value) == (
        0.123, -0.568
    )  # fmt: skip
    assert _start(at) == (0.123, -0.568)
    assert dict(at.query_params) == {"g_x": "0.123", "g_y": "-0.568"}  # set by the server
    assert _start(_open(dict(at.query_params))) == (0.123, -0.568)


@pytest.mark.parametrize(
    "query",
    [
        {"g_s": "Bowl", "g_k": "7", "g_x": "nan", "g_y": "inf", "g_m": "sgd", "g_gd": "0.002",
         "g_mr": "1", "g_mb": "-0.1", "g_ar": "-0.1", "g_n": "5001", "g_exact": "yes"},
        {"g_s": "Custom", "g_k": "1e999", "g_x": "", "g_y": "1,2", "g_m": "sgd,adagrad",
         "g_gd": "x", "g_mb": "1", "g_n": "9", "g_exact": "1.0", "g_f": "x^2"},
    ],
)  # fmt: skip
def test_bad_values_in_a_link_are_ignored(query):
    at = _open(query)
    assert not at.error
    assert at.selectbox(key="g_s").value == "rosenbrock"
    assert at.select_slider(key="g_k").value == 10
    assert (at.number_input(key="g_x").value, at.number_input(key="g_y").value) == (
        -1.2, 1.0
    )  # fmt: skip
    assert at.multiselect(key="g_m").value == DEFAULT_METHODS
    assert at.select_slider(key="g_gd").value == 1e-3
    assert at.select_slider(key="g_mr").value == 1e-3
    assert at.slider(key="g_mb").value == 0.9
    assert at.select_slider(key="g_ar").value == 3e-2
    assert at.slider(key="g_n").value == 1000
    assert at.toggle(key="g_exact").value is True
    assert set(_paths(at)) == set(DEFAULT_METHODS)
    # The bad values are dropped from the link. Left as they are: names of controls this
    # view does not draw (f off a typed surface) or does not bind (κ off the bowl).
    assert set(at.query_params) <= {"g_k", "g_f"}


def test_a_list_keeps_its_known_optimizers_and_other_names_stay():
    """Streamlit keeps the known options of a list and drops the rest (the link is
    corrected); it leaves alone the names no widget of the page is bound to."""
    at = _open({"g_m": "gd,sgd,adam", "other": "1"})
    assert at.multiselect(key="g_m").value == ["gd", "adam"]
    assert set(_paths(at)) == {"gd", "adam"}
    assert dict(at.query_params) == {"g_m": ["gd", "adam"], "other": "1"}
