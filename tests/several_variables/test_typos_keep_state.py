"""Several variables in AppTest: a typo keeps the last good f and every other input, in
every section (issue 21, item 4), and the section's small points (item 12)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from tests.page_links import choose_section, no_exception, open_page
from tests.page_links import errors as _errors
from tests.page_links import shown_number as _number
from tests.page_links import table as _table

VIEW = "views/several_variables.py"
pytestmark = pytest.mark.usefixtures("generous_symbolic_budget")


@pytest.fixture
def page() -> AppTest:
    return open_page(VIEW)


def _type(at: AppTest, key: str, text: str) -> None:
    at.text_input(key=key).set_value(text).run()
    no_exception(at)


def _still_showing(at: AppTest) -> str:
    return next(c.value for c in at.caption if "Still showing" in c.value)


def test_the_issues_typos_keep_the_gradients_point_angle_and_numbers(page):
    for typo in ("2x+", "sin("):
        _type(page, "v_gf", typo)
        assert _errors(page), typo
        assert "x^2 + y" in _still_showing(page)
        # The section is still drawn with the last good f at the same point and angle.
        assert page.number_input(key="v_gx").value == 2.0
        assert page.number_input(key="v_gy").value == 3.0
        assert page.slider(key="v_ga").value == 45
        ad = [_number(v) for v in _table(page)["AD (JAX)"]]
        np.testing.assert_allclose(ad, [4.0, 1.0], rtol=1e-12)
        assert len(page.get("plotly_chart")) == 2
    _type(page, "v_gf", "x^2+y")
    assert not _errors(page)
    assert not any("Still showing" in c.value for c in page.caption)
    assert (page.number_input(key="v_gx").value, page.number_input(key="v_gy").value) == (
        2.0,
        3.0,
    )
    np.testing.assert_allclose([_number(v) for v in _table(page)["AD (JAX)"]], [4.0, 1.0])


def test_after_typos_the_last_good_f_is_the_one_typed_before_them(page):
    _type(page, "v_gf", "sin(x) cos(y)")
    _type(page, "v_gf", "sin(x) cos(")
    _type(page, "v_gf", "x +* y")
    assert "sin(x)" in _still_showing(page)
    want = [np.cos(2.0) * np.cos(3.0), -np.sin(2.0) * np.sin(3.0)]
    np.testing.assert_allclose([_number(v) for v in _table(page)["AD (JAX)"]], want, rtol=1e-9)


# Each section: (title, its f's key, a bad input, a check that the section is still drawn).
SECTIONS = [
    ("Jacobians: forward and reverse", "v_jf", "[x^2*y, 5x + ", lambda at: _table(at, 0)),
    ("JVP and VJP", "v_pf", "[x, y, x y]", lambda at: at.get("plotly_chart")[0]),
    ("Hessian and stationary points", "v_hf", "x^2 - y", lambda at: at.get("plotly_chart")[0]),
    ("Change of variables", "v_cf", "[u, v, u v]", lambda at: at.get("plotly_chart")[0]),
    ("Three variables", "v_tf", "x^3 + 2y^2 -", lambda at: _table(at, 0)),
]


@pytest.mark.parametrize(("title", "key", "bad", "drawn"), SECTIONS, ids=[s[0] for s in SECTIONS])
def test_every_section_keeps_its_last_good_f_through_bad_inputs(page, title, key, bad, drawn):
    choose_section(page, "v_s", title)
    before = page.text_input(key=key).value
    for text in (bad, bad + ")", bad):  # any number of bad inputs
        _type(page, key, text)
        if key == "v_hf":  # a valid f here: one bad one follows
            _type(page, key, "x^2 - y^2 +")
        assert _errors(page)
        assert _still_showing(page)
        drawn(page)
    if key != "v_hf":
        assert page.text_input(key=key).value != before  # what was typed stays in the box


def test_a_map_of_three_components_keeps_the_jvp_sections_last_map(page):
    choose_section(page, "v_s", "JVP and VJP")
    _type(page, "v_pf", "[x, y, x y]")
    (error,) = _errors(page)
    assert "needs a map with 2 components" in error
    assert "3 components" in error
    assert _table(page).loc["J v (JVP)", "value"] == "(2, 0.5)"  # the default map, still


# -- item 12 --------------------------------------------------------------------------------


def test_three_variables_typesets_sympys_formulas_instead_of_tabling_tex(page):
    choose_section(page, "v_s", "Three variables")
    page.run()  # the symbolic job finishes
    table = _table(page)
    assert not any("^{" in str(cell) for cell in table.to_numpy().ravel())
    formulas = " ".join(latex.value for latex in page.latex)
    assert r"\frac{\partial f}{\partial x} = 3 x^{2}" in formulas


def test_the_jacobians_timing_caption_shows_the_example_as_code(page):
    choose_section(page, "v_s", "Jacobians: forward and reverse")
    caption = next(c.value for c in page.caption if c.value.startswith("Timed: the example"))
    # In backticks: Markdown would read the two `*` as italics.
    assert "(`[x^2*y, 5x + sin(y)]`)" in caption
    faster = _table(page, 3)["faster"]
    assert all(v.endswith("× faster") or v == "neither: within the noise" for v in faster)


def test_the_change_of_variables_table_is_one_arrow_type_per_column(page):
    from ui.several_variables.change import area_table
    from ui.several_variables_cached import change_of_variables_view, disc_area

    choose_section(page, "v_s", "Change of variables")
    view = change_of_variables_view("[u*cos(v), u*sin(v)]", (0.0, 1.0), (0.0, 2 * np.pi))
    table = area_table(view, (0.0, 1.0), disc_area(1.0))
    pa.Table.from_pandas(table)  # a column of ints and dashes raised ArrowTypeError here
    assert list(table["evaluations"])[1] == "—"
    shown = _table(page)
    assert int(shown["evaluations"].iloc[0].replace(",", "")) > 0
