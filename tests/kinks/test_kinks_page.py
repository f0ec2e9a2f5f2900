"""The kinks, programs and interpolation page in AppTest: every control once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.kinks.kink_report import KINK_EXAMPLES

APP = str(Path(__file__).resolve().parents[2] / "app.py")
# What the page shows is checked, not how fast SymPy is on a loaded machine.
pytestmark = pytest.mark.usefixtures("generous_symbolic_budget")


@pytest.fixture(scope="module")
def kinks() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("views/kinks.py").run()
    _ok(at)
    return at


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _table(at: AppTest) -> dict[str, str]:
    rows = at.dataframe[0].value
    return dict(zip(rows["method"], rows["f′(x₀)"], strict=True))


def _chart(at: AppTest, index: int) -> dict:
    return json.loads(at.get("plotly_chart")[index].proto.spec)


def test_kink_panel_shows_every_method_with_hand_computed_values(kinks):
    table = _table(kinks)  # |x| at 0
    assert table["slope from the left"] == "-1"
    assert table["slope from the right"] == "1"
    assert table["SymPy"] == "0"
    assert table["JAX forward mode (jvp/jet)"] == "1"


@pytest.mark.parametrize("example", KINK_EXAMPLES, ids=[e.label for e in KINK_EXAMPLES])
def test_each_kink_example_loads(kinks, example):
    kinks.selectbox(key="kinks_example").set_value(example.label).run()
    _ok(kinks)
    assert kinks.text_input(key="kinks_expr").value == example.text
    assert len(_table(kinks)) == 6


def test_typing_a_function_and_moving_the_point(kinks):
    kinks.text_input(key="kinks_expr").input("max(x, 0)").run()
    kinks.number_input(key="kinks_x0").set_value(0.0).run()
    _ok(kinks)
    assert _table(kinks)["SymPy"] == "0.5"
    kinks.number_input(key="kinks_x0").set_value(0.5).run()
    assert _table(kinks)["JAX reverse mode (grad)"] == "1"


def test_bad_expression_shows_an_error_and_the_hood_tab_explains(kinks):
    kinks.text_input(key="kinks_expr").input("where(x, 1, 2)").run()
    _ok(kinks)
    assert any("comparison" in e.value for e in kinks.error)
    assert any("valid function" in i.value for i in kinks.info)
    kinks.text_input(key="kinks_expr").input("x*x + sin(x)").run()
    _ok(kinks)
    assert any("primitive operations" in m.value for m in kinks.markdown)


def test_where_trap_is_shown(kinks):
    codes = [code.value for code in kinks.code]
    assert any("# → nan" in code and "# → 0.0" in code for code in codes)


def test_interpolation_controls(kinks):
    before = _chart(kinks, 3)["data"][1]["y"]
    kinks.slider(key="kinks_knots").set_value(8).run()
    _ok(kinks)
    assert _chart(kinks, 3)["data"][1]["y"] != before
    kinks.text_input(key="kinks_interp_expr").input("exp(x)").run()
    kinks.slider(key="kinks_interp_range").set_value((-1.0, 1.0)).run()
    _ok(kinks)
    kinks.text_input(key="kinks_interp_expr").input("sqrt(x)").run()
    _ok(kinks)
    assert any("knot" in e.value for e in kinks.error)


def test_gotchas_show_real_errors(kinks):
    errors = [e.value for e in kinks.error]
    assert any("TypeError: grad requires real- or complex-valued inputs" in e for e in errors)
    assert any("Gradient only defined for scalar-output functions" in e for e in errors)


def test_programs_tab_gallery_errors_and_rewrite(kinks):
    from core.programs.gallery import GALLERY

    branch = next(g for g in GALLERY if "if" in g.source)
    kinks.selectbox(key="kinks_program_example").set_value(branch.title).run()
    _ok(kinks)
    codes = [code.value for code in kinks.code]
    assert any("TracerBoolConversionError" in code for code in codes)
    assert any("jnp.where" in code for code in codes)
    names = [trace["name"] for chart in kinks.get("plotly_chart") for trace in _spec(chart)]
    assert "f′: grad point by point" in names
    kinks.text_area(key="kinks_program").input("while True:\n    x = x + 1\nreturn x").run()
    _ok(kinks)
    assert any("Line 1" in e.value and "while" in e.value for e in kinks.error)
    kinks.slider(key="kinks_program_range").set_value((-1.0, 1.0)).run()
    kinks.text_area(key="kinks_program").input(GALLERY[0].source).run()
    _ok(kinks)


def _spec(chart) -> list[dict]:
    return json.loads(chart.proto.spec)["data"]


def test_a_copied_link_reopens_every_tabs_inputs():
    at = AppTest.from_file(APP, default_timeout=120)
    program = "y = x\nfor i in range(3):\n    y = y * x\nreturn y"
    query = {"k_f": "max(x, 0)", "k_x0": "0.25", "k_interp": "sin(x)", "k_knots": "12",
             "k_irange": "-1,2.5", "k_prog": program, "k_prange": "-2,2"}  # fmt: skip
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page("views/kinks.py").run()  # a link opens this page first
    _ok(at)
    assert at.text_input(key="kinks_expr").value == "max(x, 0)"
    assert at.number_input(key="kinks_x0").value == 0.25
    assert at.text_input(key="kinks_interp_expr").value == "sin(x)"
    assert at.slider(key="kinks_knots").value == 12
    assert at.slider(key="kinks_interp_range").value == (-1.0, 2.5)
    assert at.text_area(key="kinks_program").value == program
    assert at.slider(key="kinks_program_range").value == (-2.0, 2.0)
    at.slider(key="kinks_knots").set_value(30).run()
    _ok(at)
    assert at.query_params["k_knots"] == "30"
    assert at.query_params["k_f"] == "max(x, 0)"
