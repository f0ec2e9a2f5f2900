"""The Beyond grad page in AppTest: every section's lecture numbers, computed; its errors;
its link."""

from __future__ import annotations

import math

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tests.page_links import (
    choose_section,
    open_link,
    open_page,
)
from tests.page_links import errors as _errors
from tests.page_links import shown_number as _number
from tests.page_links import table as _table

VIEW = "views/beyond_grad.py"
pytestmark = pytest.mark.usefixtures("generous_symbolic_budget")


@pytest.fixture
def page() -> AppTest:
    return open_page(VIEW)


def _section(at: AppTest, title: str) -> AppTest:
    return choose_section(at, "b_s", title)


def _vector(text: str) -> list[float]:
    return [_number(part) for part in text.strip("[]()").split(",")]


def test_the_lectures_custom_jvp_in_float32_and_float64(page):
    table = _table(page)
    assert table.loc["f(x, y)", "float32 (the lecture's printout)"] == "2.7278922"
    assert table.loc["JVP along (ẋ, ẏ)", "float32 (the lecture's printout)"] == "-1.2484405"
    assert _number(table.loc["f(x, y)", "float64"]) == pytest.approx(3 * math.sin(2), rel=1e-14)
    tangent = _number(table.loc["JVP along (ẋ, ẏ)", "float64"])
    assert tangent == pytest.approx(3 * math.cos(2), rel=1e-14)
    captions = " ".join(c.value for c in page.caption)
    assert "nan from x ≈ 709" in captions  # float64: exp overflows past log(max float)


def test_softplus_breaks_earlier_in_float32(page):
    page.radio(key="b_ct").set_value("float32").run()
    captions = " ".join(c.value for c in page.caption)
    assert "nan from x ≈ 88" in captions


def test_the_lectures_td_update_and_the_full_gradient(page):
    _section(page, "stop_gradient")
    table = _table(page)
    semi = [_number(v) for v in table["with stop_gradient (TD update)"]]
    full = [_number(v) for v in table["without (full gradient)"]]
    np.testing.assert_allclose(semi, [-1.2, -2.4, 1.2], rtol=1e-12)
    assert not np.allclose(full, semi)
    page.slider(key="b_sr").set_value(0.0).run()  # δ = 0.1 - (-0.1) = 0.2
    semi = [_number(v) for v in _table(page)["with stop_gradient (TD update)"]]
    np.testing.assert_allclose(semi, [-0.2, -0.4, 0.2], rtol=1e-12)


def test_the_straight_through_estimator(page):
    _section(page, "Straight-through estimator")
    table = _table(page).reset_index()
    assert _number(table.loc[0, "value"]) == 3
    assert _vector(table.loc[0, "gradient ∂f/∂y"]) == [0, 0, 0]
    assert _vector(table.loc[1, "gradient ∂f/∂y"]) == [1, 2, 3]


def test_a_tie_in_the_quantiser_is_one_sentence(page):
    _section(page, "Straight-through estimator")
    page.slider(key="b_ty1").set_value(0.7).run()
    (error,) = _errors(page)
    assert "tie" in error.lower()


def test_the_implicit_derivative_of_the_lectures_root(page):
    _section(page, "Implicit differentiation")
    table = _table(page)
    implicit = _number(table.loc["dx*/da: implicit function theorem", "value"])
    # The lecture prints -0.22139914 in float32; float64 gives -0.2213991627.
    assert implicit == pytest.approx(-0.22139914, abs=5e-8)
    difference = _number(table.loc["dx*/da: central difference of roots", "value"])
    assert difference == pytest.approx(implicit, rel=1e-6)
    root = _number(table.loc["root x*(a) (scipy brentq)", "value"])
    assert 2 * root**3 - root - 2 == pytest.approx(0, abs=1e-12)
    assert implicit == pytest.approx(
        -(root**3) / (3 * 2 * root**2 - 1), rel=1e-9
    )  # 10 digits shown


def test_a_bracket_without_a_sign_change(page):
    _section(page, "Implicit differentiation")
    page.number_input(key="b_ilow").set_value(1.5).run()
    page.number_input(key="b_ihigh").set_value(1.9).run()
    errors = _errors(page)
    assert len(errors) == 1
    assert "sign" in errors[0]
    assert page.table  # the inverse's tables stay


def test_the_inverse_formula_equals_jacfwd(page):
    _section(page, "Implicit differentiation")
    A = np.array([[2.0, 1.0], [1.0, 3.0]])
    dA = np.array([[1.0, 0.0], [0.0, 0.0]])
    want = -np.linalg.inv(A) @ dA @ np.linalg.inv(A)
    for index in (-2, -1):  # the formula's and jacfwd's tables
        table = _table(page, index)
        got = np.array([[_number(v) for v in table[c]] for c in table.columns]).T
        np.testing.assert_allclose(got, want, rtol=1e-9)


def test_a_singular_matrix_is_one_sentence(page):
    _section(page, "Implicit differentiation")
    page.number_input(key="b_iA3").set_value(0.5).run()  # [[2, 1], [1, 0.5]]
    (error,) = _errors(page)
    assert "singular" in error.lower()


def test_has_aux(page):
    _section(page, "has_aux")
    values = [_number(v) for v in _table(page)["result"]]
    assert values == [7, 42, 4]


def test_per_example_gradients_and_hessians(page):
    _section(page, "Per-example gradients")
    table = _table(page, 0)
    got = np.array([[_number(v) for v in table[c]] for c in table.columns]).T
    np.testing.assert_allclose(got, [[1, 2, 3], [2, 4, 6]])
    summed, batch = _table(page, 1), _table(page, 2)
    for column in summed.columns:
        np.testing.assert_allclose(
            [_number(v) for v in summed[column]], [_number(v) for v in batch[column]], rtol=1e-7
        )


def test_expression_swell(page):
    _section(page, "Why AD is not symbolic")
    table = _table(page)
    sympy_ops = [int(v.replace(",", "")) for v in table["SymPy: count_ops"]]
    assert list(table.index) == ["f", *(f"order {k}" for k in range(1, 9))]
    assert sympy_ops[8] > 10 * sympy_ops[1]
    taylor = [int(v.replace(",", "")) for v in table["JAX Taylor mode: jaxpr equations"]]
    assert taylor[8] > taylor[1]
    assert page.get("plotly_chart")


def test_a_link_reopens_the_section_and_its_state():
    at = open_link(VIEW, {"b_s": "aux", "b_ax": "5"})
    values = [_number(v) for v in _table(at)["result"]]
    assert values == [28, 42, 10]


def test_bad_values_in_a_link_fall_back_to_the_defaults():
    at = open_link(VIEW, {"b_s": "nope", "b_st0": "7", "b_sr": "nan"})
    assert at.button_group(key="b_s").value == "Custom JVP rules"
