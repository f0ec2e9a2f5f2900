"""The descent page's view in its link (AppTest): restore, follow the controls and a clicked
start point, ignore bad values."""

from __future__ import annotations

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.descent.test_descent_page import _paths
from tests.page_links import click, no_exception, open_link

DEFAULT_METHODS = ["gd", "momentum", "adam", "newton", "BFGS", "Nelder-Mead"]

# Every field of the link, each away from its default.
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
    assert at.selectbox(key="descent_surface").value == "bowl"
    assert at.select_slider(key="descent_kappa").value == 100
    assert at.number_input(key="descent_x0").value == 0.5
    assert at.number_input(key="descent_y0").value == -0.25
    assert at.multiselect(key="descent_methods").value == ["gd", "adam", "CG"]
    assert at.select_slider(key="descent_gd_rate").value == 3e-3
    assert at.select_slider(key="descent_m_rate").value == 1e-4
    assert at.slider(key="descent_momentum").value == 0.5
    assert at.select_slider(key="descent_adam_rate").value == 0.1
    assert at.slider(key="descent_max_iter").value == 200
    assert at.toggle(key="descent_exact").value is False

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


def test_a_link_to_a_typed_surface():
    at = _open({"g_s": "custom", "g_f": "x^2 + 3y^2 + x*y"})
    assert at.selectbox(key="descent_surface").value == "your own f(x, y)"
    assert at.text_input(key="descent_custom").value == "x^2 + 3y^2 + x*y"
    assert set(_paths(at)) == set(DEFAULT_METHODS)
    assert dict(at.query_params) == {"g_s": "custom", "g_f": "x^2 + 3y^2 + x*y"}
    at = _open({"g_s": "custom", "g_f": "x^2 + z"})  # a bad f is the view too: its error
    assert any("replace z" in e.value for e in at.error)
    assert at.query_params["g_f"] == "x^2 + z"


def test_the_link_follows_the_controls_and_a_copied_one_reopens_the_same_view():
    at = _open({})
    assert dict(at.query_params) == {}  # the default view has a bare link
    at.selectbox(key="descent_surface").set_value("bowl").run()
    at.select_slider(key="descent_kappa").set_value(30).run()
    at.multiselect(key="descent_methods").set_value(["gd", "nesterov", "rmsprop", "BFGS"]).run()
    at.select_slider(key="descent_gd_rate").set_value(1e-2).run()
    at.select_slider(key="descent_m_rate").set_value(3e-4).run()
    at.slider(key="descent_momentum").set_value(0.8).run()
    at.select_slider(key="descent_adam_rate").set_value(0.3).run()
    at.slider(key="descent_max_iter").set_value(300).run()
    at.toggle(key="descent_exact").set_value(False).run()
    at.number_input(key="descent_x0").set_value(1.5).run()
    at.number_input(key="descent_y0").set_value(0.7).run()
    no_exception(at)
    assert dict(at.query_params) == {
        "g_s": "bowl", "g_k": "30", "g_x": "1.5", "g_y": "0.7", "g_m": "gd,nesterov,rmsprop,BFGS",
        "g_gd": "0.01", "g_mr": "0.0003", "g_mb": "0.8", "g_ar": "0.3", "g_n": "300",
        "g_exact": "0",
    }  # fmt: skip

    again = _open(dict(at.query_params))
    assert _contour(again) == _contour(at)
    assert again.dataframe[0].value.equals(at.dataframe[0].value)

    # A new surface starts at its own start point: the start leaves the link, and so does
    # κ, which only the bowl uses.
    at.selectbox(key="descent_surface").set_value("himmelblau").run()
    assert "g_x" not in at.query_params
    assert "g_k" not in at.query_params
    assert at.query_params["g_s"] == "himmelblau"


def test_a_clicked_start_point_lands_in_the_link():
    at = _open({"g_s": "rosenbrock"})
    assert dict(at.query_params) == {}  # rosenbrock is the default surface
    at.button(key="descent_animation_reset").click().run()
    assert any("Iteration **0**" in m.value for m in at.markdown)
    click(at, 0.1234, -0.5678)  # a new start: its run is shown finished
    assert any(re.search(r"Iteration \*\*(\d+)\*\* of \1\b", m.value) for m in at.markdown)
    assert (at.number_input(key="descent_x0").value, at.number_input(key="descent_y0").value) == (
        0.123, -0.568
    )  # fmt: skip
    assert _start(at) == (0.123, -0.568)
    assert dict(at.query_params) == {"g_x": "0.123", "g_y": "-0.568"}
    assert _start(_open(dict(at.query_params))) == (0.123, -0.568)


@pytest.mark.parametrize(
    "query",
    [
        {"g_s": "Bowl", "g_k": "7", "g_x": "nan", "g_y": "inf", "g_m": "gd,gd", "g_gd": "0.002",
         "g_mr": "1", "g_mb": "0.555", "g_ar": "-0.1", "g_n": "5001", "g_exact": "yes"},
        {"g_s": "your own f(x, y)", "g_k": "1e999", "g_x": "", "g_y": "1,2", "g_m": "gd,sgd",
         "g_gd": "x", "g_mb": "1", "g_n": "9", "g_exact": "true", "g_f": "x^2", "other": "1"},
    ],
)  # fmt: skip
def test_bad_values_in_a_link_are_ignored(query):
    at = _open(query)
    assert not at.error
    assert at.selectbox(key="descent_surface").value == "rosenbrock"
    assert at.select_slider(key="descent_kappa").value == 10
    assert (at.number_input(key="descent_x0").value, at.number_input(key="descent_y0").value) == (
        -1.2, 1.0
    )  # fmt: skip
    assert at.multiselect(key="descent_methods").value == DEFAULT_METHODS
    assert at.select_slider(key="descent_gd_rate").value == 1e-3
    assert at.select_slider(key="descent_m_rate").value == 1e-3
    assert at.slider(key="descent_momentum").value == 0.9
    assert at.select_slider(key="descent_adam_rate").value == 3e-2
    assert at.slider(key="descent_max_iter").value == 1000
    assert at.toggle(key="descent_exact").value is True
    assert set(_paths(at)) == set(DEFAULT_METHODS)
    assert dict(at.query_params) == {}  # the bad values are dropped from the link
