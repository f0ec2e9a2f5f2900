"""The Explorer's tangent, secant and Taylor sections in AppTest: controls, steps, URL, clicks."""

from __future__ import annotations

import itertools
import json
import math

import pytest

from tests.page_links import click, no_exception, open_link
from ui.explorer_tangent import short

VIEW = "views/explorer.py"
# What the page shows is checked, not how fast SymPy is on a loaded machine.
pytestmark = pytest.mark.usefixtures("generous_symbolic_budget")


def _charts(at) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def _sentence(at, start: str) -> str:
    return next(m.value for m in at.markdown if m.value.startswith(start))


def _number_after(text: str, label: str) -> float:
    rest = text.split(label, 1)[1].lstrip("* =")
    return float(rest.split()[0].rstrip(",.*").replace("−", "-"))


@pytest.fixture(scope="module")
def tangent():
    return open_link(VIEW, {"f": "exp(x)", "x0": "0.5", "tan": "1"})


def test_closed_sections_add_nothing_and_cost_nothing():
    at = open_link(VIEW, {"f": "exp(x)"})
    assert len(_charts(at)) == 2  # the Explorer's own two
    assert not [m for m in at.markdown if m.value.startswith("**Secant")]
    assert not at.expander(key="tan").proto.expanded
    assert not at.expander(key="taylor").proto.expanded
    assert "tan" not in at.query_params  # closed is the default: the link leaves it out


def test_the_secant_slope_and_f_prime_are_shown(tangent):
    assert len(_charts(tangent)) == 4  # f with tangent and secant, slope against h
    sentence = _sentence(tangent, "**Secant slope**")
    assert _number_after(sentence, "**f′(x₀)**") == pytest.approx(math.exp(0.5), rel=1e-9)
    slope = _number_after(sentence, "(f(x₀+h) − f(x₀))/h =")
    assert slope == pytest.approx(math.exp(1.5) - math.exp(0.5), rel=1e-9)  # h = 1
    assert "≈ h·f″(x₀)/2" in sentence
    names = [trace["name"] for trace in _charts(tangent)[2]["data"]]
    assert names[0] == "f"
    assert names[1].startswith("tangent")
    assert names[2].startswith("secant")


def test_shrink_h_steps_the_secant_slope_towards_f_prime(tangent):
    tangent.button(key="explorer_reset_h").click().run()
    derivative = math.exp(0.5)
    errors = []
    for expected in (1.0, 0.5, 0.2, 0.1, 0.05):
        assert tangent.select_slider(key="sec_h").value == expected
        # the step set by a button is written to the link as the slider shows it (the
        # starting h = 1 is the default, left out)
        assert tangent.query_params.get("sec_h") == (None if expected == 1 else short(expected))
        slope = _number_after(_sentence(tangent, "**Secant slope**"), "/h =")
        assert slope == pytest.approx((math.exp(0.5 + expected) - derivative) / expected, rel=1e-9)
        errors.append(slope - derivative)
        tangent.button(key="explorer_shrink_h").click().run()
        no_exception(tangent)
    assert all(later < earlier for earlier, later in itertools.pairwise(errors))
    # the table grows by a row per step, its last column tends to f″(x0)/2
    table = tangent.table[-1].value
    assert list(table.index) == ["1", "0.5", "0.2", "0.1", "0.05", "0.02"]
    assert float(table["(slope − f′(x₀)) / h"].iloc[-1]) == pytest.approx(derivative / 2, rel=0.01)


def test_shrink_h_stops_at_the_smallest_step_and_reset_returns(tangent):
    tangent.select_slider(key="sec_h").set_value(1e-11).run()
    tangent.button(key="explorer_shrink_h").click().run()
    assert tangent.select_slider(key="sec_h").value == 1e-12
    assert tangent.button(key="explorer_shrink_h").disabled
    tangent.button(key="explorer_reset_h").click().run()
    assert tangent.select_slider(key="sec_h").value == 1.0


def test_a_click_on_the_chart_moves_x0():
    at = open_link(VIEW, {"f": "x^2", "x0": "0.5", "tan": "1"})
    click(at, 1.25, 1.5625, chart=2)
    assert at.number_input(key="x0").value == 1.25
    assert at.query_params["x0"] == "1.25"
    assert _number_after(_sentence(at, "**Secant slope**"), "**f′(x₀)**") == pytest.approx(2.5)
    assert any("Values at x₀ = 1.25" in m.value for m in at.markdown)


def test_the_taylor_radius_of_exp_matches_its_closed_form():
    at = open_link(VIEW, {"f": "exp(x)", "x0": "0", "taylor": "1"})
    assert len(_charts(at)) == 3
    # e^r − T₄(r) = 1e-3 at r = 0.6400368 (mpmath; tests/explorer/test_tangents.py)
    assert "**|f − T₄| < 1e-3 for |x − x₀| < r = 0.64**" in [
        m.value.rstrip(".") for m in at.markdown
    ]
    assert "T_{4}(x) = 1 + x + 0.5 x^{2} + 0.16667 x^{3} + 0.041667 x^{4}" in at.latex[-1].value
    at.slider(key="deg").set_value(8).run()
    at.selectbox(key="tol").set_value(1e-6).run()
    no_exception(at)
    assert any(m.value.startswith("**|f − T₈| < 1e-6 for |x − x₀| < r = ") for m in at.markdown)
    assert (at.slider(key="deg").value, at.selectbox(key="tol").value) == (8, 1e-6)
    band = _charts(at)[2]["layout"]["shapes"][0]
    assert -band["x0"] == pytest.approx(band["x1"])


def test_a_link_reopens_both_sections_as_they_were():
    at = open_link(VIEW, {"f": "sin(x)", "x0": "1", "tan": "1", "taylor": "1", "sec_h": "0.01",
                          "deg": "6", "tol": "1e-06"})  # fmt: skip
    assert at.select_slider(key="sec_h").value == 0.01
    assert at.slider(key="deg").value == 6
    assert at.selectbox(key="tol").value == 1e-6
    assert len(_charts(at)) == 5


def test_bad_link_values_fall_back_to_the_defaults():
    at = open_link(VIEW, {"f": "sin(x)", "tan": "1", "taylor": "yes", "sec_h": "0.3"})
    assert at.select_slider(key="sec_h").value == 1.0
    assert not at.expander(key="taylor").proto.expanded
    at = open_link(VIEW, {"f": "sin(x)", "taylor": "true", "deg": "99", "tol": "0"})
    assert at.slider(key="deg").value == 4
    assert at.selectbox(key="tol").value == 1e-3


def test_where_f_has_no_taylor_polynomial_it_says_so():
    at = open_link(VIEW, {"f": "sqrt(x)", "x0": "0", "range": "0,4", "taylor": "1", "tan": "1"})
    assert any("no Taylor polynomial of degree 4" in w.value for w in at.warning)
    sentence = _sentence(at, "**Secant slope**")
    assert "not twice differentiable" in sentence


def test_a_secant_leaving_the_domain_asks_for_a_smaller_h():
    at = open_link(VIEW, {"f": "sqrt(1 - x)", "x0": "0.5", "tan": "1"})
    assert any("is undefined" in m.value and "shrink h" in m.value for m in at.markdown)
    at.button(key="explorer_shrink_h").click().run()
    assert _sentence(at, "**Secant slope**")
