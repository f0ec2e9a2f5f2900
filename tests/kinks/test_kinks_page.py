"""The kinks, programs and interpolation page in AppTest: every control once."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from core.kinks.kink_report import KINK_EXAMPLES
from tests.page_links import open_link

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
    assert kinks.text_input(key="k_f").value == example.text
    assert len(_table(kinks)) == 6


def test_typing_a_function_and_moving_the_point(kinks):
    kinks.text_input(key="k_f").input("max(x, 0)").run()
    kinks.number_input(key="k_x0").set_value(0.0).run()
    _ok(kinks)
    assert _table(kinks)["SymPy"] == "0.5"
    kinks.number_input(key="k_x0").set_value(0.5).run()
    assert _table(kinks)["JAX reverse mode (grad)"] == "1"


def test_bad_expression_shows_an_error_and_the_hood_tab_explains(kinks):
    kinks.text_input(key="k_f").input("where(x, 1, 2)").run()
    _ok(kinks)
    assert any("comparison" in e.value for e in kinks.error)
    assert any("valid function" in i.value for i in kinks.info)
    kinks.text_input(key="k_f").input("x*x + sin(x)").run()
    _ok(kinks)
    assert any("primitive operations" in m.value for m in kinks.markdown)


def test_where_trap_is_shown(kinks):
    codes = [code.value for code in kinks.code]
    assert any("# → nan" in code and "# → 0.0" in code for code in codes)


def test_interpolation_controls(kinks):
    before = _chart(kinks, 3)["data"][1]["y"]
    kinks.slider(key="k_knots").set_value(8).run()
    _ok(kinks)
    assert _chart(kinks, 3)["data"][1]["y"] != before
    kinks.text_input(key="k_interp").input("exp(x)").run()
    kinks.slider(key="k_irange").set_value((-1.0, 1.0)).run()
    _ok(kinks)
    kinks.text_input(key="k_interp").input("sqrt(x)").run()
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
    kinks.text_area(key="k_prog").input("while True:\n    x = x + 1\nreturn x").run()
    _ok(kinks)
    assert any("Line 1" in e.value and "while" in e.value for e in kinks.error)
    kinks.slider(key="k_prange").set_value((-1.0, 1.0)).run()
    kinks.text_area(key="k_prog").input(GALLERY[0].source).run()
    _ok(kinks)


def _spec(chart) -> list[dict]:
    return json.loads(chart.proto.spec)["data"]


def _values(values) -> np.ndarray:
    """A trace array, plain or binary-encoded ({"dtype", "bdata"}) by Plotly."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
    return np.asarray(values, dtype=float)


PROGRAM = "y = x\nfor i in range(3):\n    y = y * x\nreturn y"


@pytest.mark.parametrize(
    ("irange", "prange"),
    [(["-1", "2.5"], ["-2", "2"]), ("-1,2.5", "-2,2")],
    ids=["as-bound-widgets-write-it", "as-links-before-the-binding"],
)
def test_a_link_reopens_every_tabs_inputs(irange, prange):
    """Today a range repeats its name (k_irange=-1&k_irange=2.5); a link shared before the
    widgets were bound wrote "-1,2.5" and opens the same view."""
    query = {"k_f": "max(x, 0)", "k_x0": "0.25", "k_interp": "sin(x)", "k_knots": "12",
             "k_irange": irange, "k_prog": PROGRAM, "k_prange": prange}  # fmt: skip
    at = open_link("views/kinks.py", query)
    assert at.text_input(key="k_f").value == "max(x, 0)"
    assert at.number_input(key="k_x0").value == 0.25
    assert at.text_input(key="k_interp").value == "sin(x)"
    assert at.slider(key="k_knots").value == 12
    assert at.slider(key="k_irange").value == (-1.0, 2.5)
    assert at.text_area(key="k_prog").value == PROGRAM
    assert at.slider(key="k_prange").value == (-2.0, 2.0)
    # What the page drew from them: ReLU's SymPy slope at 0.25, the program's own x-range.
    assert _table(at)["SymPy"] == "1"
    charts = [_spec(chart) for chart in at.get("plotly_chart")]
    program = next(traces for traces in charts if "grad point by point" in str(traces))
    xs = _values(program[0]["x"])
    assert (xs[0], xs[-1]) == (-2.0, 2.0)


def test_bad_values_in_a_link_leave_the_defaults():
    query = {"k_x0": "nan?", "k_knots": "99", "k_irange": "a,3", "k_prange": "a,b",
             "k_f": "1+" * 251}  # fmt: skip
    at = open_link("views/kinks.py", query)
    assert at.number_input(key="k_x0").value == 0.0
    assert at.slider(key="k_knots").value == 20
    assert at.slider(key="k_irange").value == (0.0, 3.0)
    assert at.slider(key="k_prange").value == (-3.0, 3.0)
    assert len(at.text_input(key="k_f").value) <= 500  # the text's bound holds for a link
