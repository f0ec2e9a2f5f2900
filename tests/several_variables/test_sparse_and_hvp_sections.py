"""The Sparse Jacobians and Hessian-vector products sections in AppTest: opened from their
links, their numbers against closed forms, bad input as a sentence, links that reopen them."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tests.page_links import choose_section, errors, no_exception, open_link, open_page, table

VIEW = "views/several_variables.py"
SPARSE, HVP = "Sparse Jacobians", "Hessian-vector products"


def _charts(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def _array(values) -> np.ndarray:
    """A trace array, plain or binary-encoded by Plotly ({"dtype", "bdata", "shape"})."""
    if isinstance(values, dict):
        array = np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
        shape = values.get("shape")
        return array.reshape([int(s) for s in str(shape).split(",")]) if shape else array
    return np.asarray(values, dtype=float)


def _decompressed(at: AppTest) -> np.ndarray:
    """The decompressed J block of the compression figure (the third chart)."""
    return _array(_charts(at)[2]["data"][1]["z"])


def _numbers(at: AppTest) -> dict[str, str]:
    return table(at, 0)["value"].to_dict()


def _passes(at: AppTest) -> list[int]:
    return [int(v) for v in table(at, 1)["passes: coloured"]]


# -- sparse Jacobians ---------------------------------------------------------------------


def test_the_sparse_section_opens_from_its_link_with_three_passes():
    at = open_link(VIEW, {"v_s": SPARSE, "v_sres": "1d", "v_sn": "100"})
    numbers = _numbers(at)
    assert numbers["colours = JVPs (passes)"] == "3"
    assert numbers["columns of one colour share no row"] == "yes"
    assert float(numbers["max |J (coloured) − jax.jacfwd(F)|"]) < 1e-12
    assert numbers["nonzeros of J (the pattern)"].startswith("298 of 10000")
    assert len(_charts(at)) == 4  # pattern, colouring, compression, timing
    timings = table(at, 1)
    assert list(timings.index) == [10, 30, 100]  # the sizes up to the chosen n
    assert [int(v) for v in timings["passes: jacfwd"]] == [10, 30, 100]
    assert _passes(at) == [3, 3, 3]
    h = 1 / 101  # Bratu at u = 0: J = D2 + h² I
    np.testing.assert_allclose(np.diag(_decompressed(at))[:5], -2 + h**2, rtol=1e-14)
    assert any("measured on this server" in c.value.lower() for c in at.caption)


def test_the_2d_grid_needs_five_passes_whatever_n():
    at = open_link(VIEW, {"v_s": "sparse", "v_sres": "2d", "v_sn2": "400"})
    numbers = _numbers(at)
    assert numbers["colours = JVPs (passes)"] == "5"
    assert numbers["unknowns n"] == "400 (20 × 20 grid)"
    assert list(table(at, 1).index) == [9, 25, 100, 400]
    assert _passes(at) == [5, 5, 5, 5]
    assert at.button_group(key="v_sres").value == "2d"


def test_choosing_the_2d_grid_in_the_section():
    at = choose_section(open_page(VIEW), "v_s", SPARSE)
    assert at.select_slider(key="v_sn").value == 1000
    assert any("only the top-left 100 × 100 block" in c.value.lower() for c in at.caption)
    at.button_group(key="v_sres").set_value("2d").run()
    no_exception(at)
    assert at.select_slider(key="v_sn2").value == 900
    assert _numbers(at)["colours = JVPs (passes)"] == "5"


def test_a_typed_g_changes_the_diagonal():
    at = choose_section(open_page(VIEW), "v_s", SPARSE)
    at.select_slider(key="v_sn").set_value(30).run()
    at.text_input(key="v_sg").set_value("-3 e^u").run()
    no_exception(at)
    assert not errors(at)
    h = 1 / 31  # J_ii = -2 - h² g'(0) = -2 + 3h²
    matrix = _decompressed(at)
    np.testing.assert_allclose(np.diag(matrix), -2 + 3 * h**2, rtol=1e-14)
    np.testing.assert_allclose(np.diag(matrix, k=1), 1.0, rtol=1e-14)
    assert any("3 e^{u}" in latex.value for latex in at.latex)


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("exp(x)", "x is not one of them"),  # a second variable
        ("u v", "v is not one of them"),
        ("λ e^u", "not part of the expression language"),
        ("sin(", "Cannot read this expression"),
        ("[u, u^2]", "vector function of 2 components"),
    ],
)
def test_a_bad_g_gets_a_sentence_and_keeps_the_last_good(typed, said):
    at = open_link(VIEW, {"v_s": SPARSE, "v_sn": "30"})
    at.text_input(key="v_sg").set_value(typed).run()
    no_exception(at)
    (error,) = errors(at)
    assert said in error
    assert any("Still showing the last function that worked" in c.value for c in at.caption)
    assert _numbers(at)["colours = JVPs (passes)"] == "3"
    assert len(_charts(at)) == 4


def test_a_link_with_the_sparse_values_reopens_them():
    query = {"v_s": SPARSE, "v_sres": "2d", "v_sg": "u^3", "v_sn2": "25"}
    at = open_link(VIEW, query)
    assert at.button_group(key="v_s").value == SPARSE
    assert at.button_group(key="v_sres").value == "2d"
    assert at.text_input(key="v_sg").value == "u^3"
    assert at.select_slider(key="v_sn2").value == 25
    matrix = _decompressed(at)  # g'(0) = 0: the bare five-point stencil
    np.testing.assert_allclose(np.diag(matrix), -4.0, rtol=0, atol=1e-15)
    assert matrix.shape == (25, 25)


# -- Hessian-vector products --------------------------------------------------------------


def _column(at: AppTest, name: str, index: int = 0) -> list[float]:
    return [float(v.replace("−", "-")) for v in table(at, index)[name]]


def test_the_hvp_section_opens_on_the_extended_rosenbrock():
    at = open_link(VIEW, {"v_s": HVP})
    assert not errors(at)
    for column in ("H v (forward-over-reverse)", "H formed (core.hessian), then H @ v"):
        np.testing.assert_allclose(_column(at, column), [402, 202, -200], rtol=1e-12)
    assert len(_charts(at)) == 1  # the cost
    cost = table(at, 2)
    assert len(cost) == 9
    assert list(cost["form H, then H v (ms)"])[-1] == "—"  # H is not formed at n = 10⁶
    assert any("Fitted slopes on log-log axes" in c.value for c in at.caption)
    newton = table(at, 3)
    assert list(newton.index) == ["Newton-CG", "BFGS"]
    assert list(newton["converged"]) == ["yes", "yes"]
    assert int(newton.loc["Newton-CG", "HVP calls"]) > 0
    assert int(newton.loc["BFGS", "HVP calls"]) == 0
    assert float(newton.loc["Newton-CG", "max |x − 1| at the end"]) < 1e-7


def test_a_link_with_the_hvp_values_reopens_them():
    query = {"v_s": HVP, "v_hvf": "x y z", "v_hvx": "1", "v_hvy": "2", "v_hvz": "3",
             "v_hvvx": "1", "v_hvvy": "0", "v_hvvz": "0", "v_hvd": "10"}  # fmt: skip
    at = open_link(VIEW, query)
    assert at.text_input(key="v_hvf").value == "x y z"
    assert [at.number_input(key=f"v_hv{k}").value for k in ("x", "y", "z")] == [1, 2, 3]
    assert at.select_slider(key="v_hvd").value == 10
    # H e₁ is H's first column: (0, z, y)
    np.testing.assert_allclose(_column(at, "H v (forward-over-reverse)"), [0, 3, 2])
    np.testing.assert_allclose(_column(at, "H formed (core.hessian), then H @ v"), [0, 3, 2])


def test_a_bad_f_or_a_point_outside_its_domain_is_a_sentence():
    at = open_link(VIEW, {"v_s": HVP, "v_hvd": "2"})
    at.text_input(key="v_hvf").set_value("x + w").run()
    no_exception(at)
    (error,) = errors(at)
    assert "w is not one of them" in error
    np.testing.assert_allclose(_column(at, "H v (forward-over-reverse)"), [402, 202, -200])
    at.text_input(key="v_hvf").set_value("log(x) + y z").run()
    at.number_input(key="v_hvx").set_value(-1.0).run()
    no_exception(at)
    (error,) = errors(at)
    assert "not defined" in error


def test_bfgs_is_left_out_above_its_limit_and_an_example_types_f():
    at = open_link(VIEW, {"v_s": HVP, "v_hvd": "200"})
    assert list(table(at, 3).index) == ["Newton-CG"]
    assert any("BFGS is run up to d = 100" in c.value for c in at.caption)
    at.selectbox(key="v_hvexample").set_value("x y z").run()
    no_exception(at)
    assert at.text_input(key="v_hvf").value == "x y z"
