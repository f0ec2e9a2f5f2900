"""The finite-differences lab in AppTest: every control once, bad input, the figure's data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture(scope="module")
def lab() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("views/fd_lab.py").run()
    assert not at.exception
    return at


def _error_curves(at: AppTest) -> list[dict]:
    return json.loads(at.get("plotly_chart")[0].proto.spec)["data"]


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def test_the_lab_shows_error_curves_table_and_stencil(lab):
    names = [trace["name"] for trace in _error_curves(lab)]
    assert "central (p=2)" in names
    assert "complex step (1st derivative)" in names
    assert len(lab.get("plotly_chart")) == 2
    assert len(lab.dataframe) == 2
    assert any(r"\frac{1}{h}" in latex.value for latex in lab.latex)


def test_every_control_changes_something_without_errors(lab):
    before = _error_curves(lab)[0]["y"]
    lab.radio(key="lab_prec").set_value("float32").run()
    _ok(lab)
    assert _error_curves(lab)[0]["y"] != before
    lab.radio(key="lab_prec").set_value("float16").run()
    _ok(lab)
    lab.radio(key="lab_prec").set_value("float64").run()
    lab.selectbox(key="lab_n").set_value(3).run()
    _ok(lab)
    assert "complex step (1st derivative)" not in [t["name"] for t in _error_curves(lab)]
    lab.number_input(key="lab_x0").set_value(1.3).run()
    lab.text_input(key="lab_f").input("exp(x)*cos(x)").run()
    lab.multiselect(key="lab_fm").set_value(["central", "richardson"]).run()
    _ok(lab)
    assert [t["name"] for t in _error_curves(lab) if t.get("showlegend", True)] == [
        "central (p=2)",
        "Richardson of central (p=4)",
    ]
    estimate = lab.metric[0].value
    lab.select_slider(key="lab_h").set_value("1e-3").run()
    assert lab.metric[0].value != estimate
    lab.radio(key="lab_scheme").set_value("forward").run()
    lab.selectbox(key="lab_sn").set_value(2).run()
    lab.text_input(key="lab_off").input("-1, 0, 1").run()
    _ok(lab)
    assert any(r"f''(x)" in latex.value for latex in lab.latex)


def test_bad_offsets_and_bad_expressions_give_messages(lab):
    lab.text_input(key="lab_off").input("0, 1, 1").run()
    _ok(lab)
    assert any("only once" in e.value for e in lab.error)
    lab.text_input(key="lab_off").input("-2, -1, 0, 1, 2").run()
    lab.text_input(key="lab_f").input("sin(x").run()
    _ok(lab)
    assert any("never closed" in e.value for e in lab.error)
    lab.text_input(key="lab_f").input("a*sin(x)").run()
    _ok(lab)
    assert any("parameters" in e.value for e in lab.error)
    lab.text_input(key="lab_f").input("sin(x)").run()
    _ok(lab)
    assert not lab.error
