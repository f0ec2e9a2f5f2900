"""The Several variables page in AppTest: every section's numbers, its errors, its link."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tests.page_links import (
    choose_section,
    click,
    no_exception,
    open_link,
    open_page,
)
from tests.page_links import errors as _errors
from tests.page_links import shown_number as _number
from tests.page_links import table as _table

VIEW = "views/several_variables.py"
pytestmark = pytest.mark.usefixtures("generous_symbolic_budget")


@pytest.fixture
def page() -> AppTest:
    return open_page(VIEW)


def _section(at: AppTest, title: str) -> AppTest:
    return choose_section(at, "v_s", title)


def _numbers(column) -> list[float]:
    return [_number(v) for v in column]


def _charts(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


# -- gradient ---------------------------------------------------------------------------


def test_the_lectures_partials_three_ways(page):
    table = _table(page)
    assert list(table.index) == ["∂f/∂x", "∂f/∂y"]
    for column in ("AD (JAX)", "symbolic (SymPy)", "finite differences"):
        np.testing.assert_allclose(_numbers(table[column]), [4.0, 1.0], rtol=1e-6)
    assert any("f(p) = 7" in m.value for m in page.markdown)
    assert len(_charts(page)) == 2  # the contours with arrows, and the tangent plane
    assert page.query_params == {} or dict(page.query_params) == {}


def test_typing_f_and_moving_the_point(page):
    page.text_input(key="v_gf").set_value("sin(x) cos(y)").run()
    page.number_input(key="v_gx").set_value(0.5).run()
    table = _table(page)
    want = [math.cos(0.5) * math.cos(3.0), -math.sin(0.5) * math.sin(3.0)]
    np.testing.assert_allclose(_numbers(table["AD (JAX)"]), want, rtol=1e-9)
    np.testing.assert_allclose(_numbers(table["symbolic (SymPy)"]), want, rtol=1e-9)
    # The link's v_gf: AppTest has no browser to write it; see test_browser_links_several_variables.


def test_a_click_on_the_contours_moves_the_point(page):
    click(page, 1.25, -0.5)
    assert page.number_input(key="v_gx").value == 1.25
    assert page.number_input(key="v_gy").value == -0.5
    np.testing.assert_allclose(_numbers(_table(page)["AD (JAX)"]), [2.5, 1.0], rtol=1e-12)


def test_the_directional_derivative_view(page):
    page.slider(key="v_ga").set_value(90).run()
    page.radio(key="v_gv").set_value("directional derivative").run()
    sentence = next(m.value for m in page.markdown if "Directional derivative" in m.value)
    assert "= 1;" in sentence or "= 1 " in sentence  # ∂f/∂y = 1 along u = (0, 1)


def test_a_vector_where_one_function_is_needed(page):
    page.text_input(key="v_gf").set_value("[x^2, y]").run()
    (error,) = _errors(page)
    assert "vector function of 2 components" in error


def test_a_third_variable_points_to_its_section(page):
    page.text_input(key="v_gf").set_value("x + y + z").run()
    (error,) = _errors(page)
    assert "z is not one of them" in error
    assert "Three variables" in error


def test_a_point_outside_the_domain_keeps_the_contours(page):
    page.text_input(key="v_gf").set_value("log(x) + y").run()
    page.number_input(key="v_gx").set_value(-1.0).run()
    (error,) = _errors(page)
    assert "not defined" in error
    assert len(_charts(page)) == 1


# -- Jacobians ----------------------------------------------------------------------------


def test_the_pycse_jacobian_forward_reverse_and_exact(page):
    _section(page, "Jacobians: forward and reverse")
    want = [[0.5, 0.25], [5.0, 0.87758256]]
    for index in range(3):
        table = _table(page, index)
        got = [_numbers(table[column]) for column in table.columns]
        np.testing.assert_allclose(np.array(got).T, want, rtol=1e-8)
    timings = _table(page, 3)
    assert len(timings) == 3
    assert list(timings["JVPs (forward)"]) == [2, 2, 100]  # f, tall, wide: d sweeps
    assert list(timings["VJPs (reverse)"]) == [2, 100, 2]  # m sweeps


def test_a_new_vector_function_changes_the_jacobian(page):
    _section(page, "Jacobians: forward and reverse")
    page.text_input(key="v_jf").set_value("[x y, x + y, x^2]").run()
    table = _table(page, 0)
    assert len(table) == 3
    np.testing.assert_allclose(_numbers(table[table.columns[0]]), [0.5, 1.0, 1.0])


def test_a_bad_vector_function_names_the_component(page):
    _section(page, "Jacobians: forward and reverse")
    page.text_input(key="v_jf").set_value("[x, , y]").run()
    (error,) = _errors(page)
    assert "Component 2 is empty" in error


# -- JVP and VJP --------------------------------------------------------------------------


def test_the_lectures_jvp_and_vjp_along_e1(page):
    _section(page, "JVP and VJP")
    table = _table(page)
    assert table.loc["J v (JVP)", "value"] == "(2, 0.5)"  # [2 x₁, x₂] at (1, 0.5)
    assert table.loc["uᵀ J (VJP)", "value"] == "(2, 1)"  # [2 x₁, 2 x₂]
    assert len(_charts(page)) == 1


def test_three_components_cannot_be_drawn_in_the_plane(page):
    _section(page, "JVP and VJP")
    page.text_input(key="v_pf").set_value("[x, y, x y]").run()
    (error,) = _errors(page)
    assert "this has 3 components" in error
    assert len(_charts(page)) == 1  # the last map that worked, still drawn


# -- Hessians -----------------------------------------------------------------------------


def test_himmelblau_has_nine_stationary_points(page):
    _section(page, "Hessian and stationary points")
    points = _table(page, 2)
    kinds = sorted(points["kind"])
    assert kinds.count("minimum") == 4
    assert kinds.count("maximum") == 1
    assert kinds.count("saddle") == 4
    hessian = _table(page, 0)  # at (3, 2): [[74, 20], [20, 34]]
    got = [_numbers(hessian[column]) for column in hessian.columns]
    np.testing.assert_allclose(np.array(got).T, [[74, 20], [20, 34]], rtol=1e-12)
    exact = _table(page, 1)
    np.testing.assert_allclose(
        np.array([_numbers(exact[c]) for c in exact.columns]).T, [[74, 20], [20, 34]]
    )


def test_rosenbrock_at_its_minimum(page):
    _section(page, "Hessian and stationary points")
    page.text_input(key="v_hf").set_value("(1 - x)^2 + 100(y - x^2)^2").run()
    page.number_input(key="v_hx").set_value(1.0).run()
    page.number_input(key="v_hy").set_value(1.0).run()
    hessian = _table(page, 0)
    got = np.array([_numbers(hessian[c]) for c in hessian.columns]).T
    np.testing.assert_allclose(got, [[802, -400], [-400, 200]], rtol=1e-12)
    assert any("minimum" in m.value for m in page.markdown)


def test_a_plane_has_a_singular_hessian_and_no_stationary_points(page):
    _section(page, "Hessian and stationary points")
    page.text_input(key="v_hf").set_value("x + y").run()
    assert any("No stationary points" in info.value for info in page.info)
    assert any("degenerate" in m.value for m in page.markdown)


# -- change of variables ------------------------------------------------------------------


def test_the_unit_disc_is_pi_both_ways(page):
    _section(page, "Change of variables")
    areas = _table(page)
    for row in areas.index:
        assert float(areas.loc[row, "area"]) == pytest.approx(math.pi, rel=1e-9), row
    assert len(areas) == 4


def test_a_map_that_blows_up_says_the_integral_does_not_converge(page):
    _section(page, "Change of variables")
    page.text_input(key="v_cf").set_value("[cos(v)/u, sin(v)/u]").run()
    (error,) = _errors(page)
    assert "does not converge" in error


def test_a_map_needs_two_components(page):
    _section(page, "Change of variables")
    page.text_input(key="v_cf").set_value("[u, v, u v]").run()
    (error,) = _errors(page)
    assert "needs a map with 2 components" in error


# -- three variables ----------------------------------------------------------------------


def test_three_variables_as_in_the_pytorch_lecture(page):
    _section(page, "Three variables")
    table = _table(page)
    for column in ("AD (JAX)", "symbolic (SymPy)", "finite differences"):
        np.testing.assert_allclose(_numbers(table[column]), [3, 8, -3], rtol=1e-6)
    sources = [code.value for code in page.code]
    assert any("backward()" in source for source in sources)
    assert any("jax.grad" in source for source in sources)


# -- the link -----------------------------------------------------------------------------


def test_a_link_reopens_the_section_and_its_state():
    at = open_link(VIEW, {"v_s": "jacobian", "v_jf": "[x*y, x + y]", "v_jx": "2", "v_jy": "3"})
    table = _table(at, 0)
    np.testing.assert_allclose(
        np.array([_numbers(table[c]) for c in table.columns]).T, [[3, 2], [1, 1]]
    )


def test_a_hand_edited_link_with_bad_values_falls_back_to_the_defaults():
    at = open_link(VIEW, {"v_s": "nonsense", "v_gx": "inf", "v_gr": "7"})
    assert at.button_group(key="v_s").value == "Gradient"
    assert at.number_input(key="v_gx").value == 2.0
    assert at.select_slider(key="v_gr").value == 4


@pytest.mark.parametrize(
    ("query", "key", "shown"),
    [
        ({"v_s": "jvp", "v_pr": "1"}, "v_pr", 1.0),  # a radius written "1" (the slider: "1.0")
        ({"v_s": "jvp", "v_pr": "0.75"}, "v_pr", 0.75),
        ({"v_gv": "slice"}, "v_gv", "directional derivative"),  # a view by its code
        ({"v_gv": "plane", "v_gr": "10"}, "v_gr", 10),
    ],
)
def test_old_links_codes_and_numbers_open_the_same_view(query, key, shown):
    """Formats the old writers (ui/url_state.py before issue 23) wrote that the bound
    widgets write otherwise: ui.old_links rewrites them before the page draws."""
    at = open_link(VIEW, query)
    assert at.get("select_slider") or at.get("radio")
    widget = next(w for kind in ("select_slider", "radio") for w in at.get(kind) if w.key == key)
    assert widget.value == shown
    assert not _errors(at)


def test_a_point_outside_the_domain_of_the_hessian_keeps_the_search(page):
    _section(page, "Hessian and stationary points")
    page.text_input(key="v_hf").set_value("log(x) + y^2").run()
    page.number_input(key="v_hx").set_value(-1.0).run()
    (error,) = _errors(page)
    assert "not defined" in error
    assert len(_charts(page)) == 1


@pytest.mark.parametrize(
    ("title", "prefix", "example"),
    [
        ("Gradient", "v_g", "sin(x) cos(y)"),
        ("Jacobians: forward and reverse", "v_j", "[x^2 + y^2, x*y]"),
        ("Hessian and stationary points", "v_h", "x^2 - y^2"),
        ("Change of variables", "v_c", "[u + v/2, v]"),
    ],
)
def test_choosing_an_example_types_it_into_f(page, title, prefix, example):
    _section(page, title)
    page.selectbox(key=f"{prefix}example").set_value(example).run()
    no_exception(page)
    assert page.text_input(key=f"{prefix}f").value == example
    assert not _errors(page)


def test_a_section_keeps_its_state_when_left_and_come_back_to(page):
    page.text_input(key="v_gf").set_value("x y").run()
    _section(page, "Three variables")
    _section(page, "Gradient")
    assert page.text_input(key="v_gf").value == "x y"
    np.testing.assert_allclose(_numbers(_table(page)["AD (JAX)"]), [3.0, 2.0])
    # Streamlit keeps it (persist_state="page") and sends it to the browser, which has
    # forgotten it, on the run the section comes back…
    assert page.text_input(key="v_gf").proto.set_value
    page.run()  # …and not on later runs: that would overwrite what a person is typing
    assert not page.text_input(key="v_gf").proto.set_value
    assert page.text_input(key="v_gf").value == "x y"


def test_a_section_opened_from_a_link_keeps_its_state_after_a_switch():
    at = open_link(VIEW, {"v_s": "three", "v_tf": "x y z"})
    _section(at, "Gradient")
    _section(at, "Three variables")
    assert at.text_input(key="v_tf").value == "x y z"
    assert at.number_input(key="v_tx").value == 1.0
    assert not _errors(at)


def test_the_timing_table_times_the_typed_f_only_when_asked(page):
    _section(page, "Jacobians: forward and reverse")
    page.text_input(key="v_jf").set_value("[x y, x + y, x^2]").run()
    timings = _table(page, 3)
    assert timings["outputs m"].iloc[0] == 2  # still the example's
    page.toggle(key="v_jtime").set_value(True).run()
    timings = _table(page, 3)
    assert timings["outputs m"].iloc[0] == 3
    assert timings["VJPs (reverse)"].iloc[0] == 3
