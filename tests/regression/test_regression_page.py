"""The regression page in AppTest: every control once, and the animation's Step."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture(scope="module")
def regression() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("views/regression.py").run()
    _ok(at)
    return at


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _traces(at: AppTest) -> list[list[dict]]:
    return [json.loads(chart.proto.spec)["data"] for chart in at.get("plotly_chart")]


def test_linear_controls_refit(regression):
    before = _traces(regression)[0]
    for key, value in (("r_n", 80), ("r_alpha", -1.5), ("r_beta", 2.0),
                       ("r_sigma", 0.5), ("r_cap", 500)):  # fmt: skip
        regression.slider(key=key).set_value(value).run()
        _ok(regression)
    regression.number_input(key="r_seed").set_value(3).run()
    regression.select_slider(key="r_tol").set_value(1e-6).run()
    regression.radio(key="r_stop").set_value("relative_loss").run()
    _ok(regression)
    assert _traces(regression)[0] != before


def test_a_diverging_step_gives_a_message_not_an_exception(regression):
    regression.select_slider(key="r_step").set_value("1").run()
    _ok(regression)
    assert any("Fixed step" in w.value for w in regression.warning)
    regression.select_slider(key="r_step").set_value("auto (1/L)").run()


def test_polynomial_controls(regression):
    regression.slider(key="r_deg").set_value(6).run()
    regression.slider(key="r_psigma").set_value(0.2).run()
    regression.radio(key="r_rule").set_value("bb").run()
    regression.slider(key="r_pcap").set_value(500).run()
    _ok(regression)
    assert any("Condition number" in m.value for m in regression.markdown)


def test_logistic_animation_steps_the_decision_boundary(regression):
    regression.slider(key="r_per").set_value(30).run()
    regression.slider(key="r_sep").set_value(2.0).run()
    regression.select_slider(key="r_lam").set_value(1e-2).run()
    regression.radio(key="r_anim").set_value("gradient descent").run()
    _ok(regression)
    regression.button(key="regression_logistic_reset").click().run()
    assert any("Iteration **0**" in m.value for m in regression.markdown)
    regression.button(key="regression_logistic_stepper").click().run()
    _ok(regression)
    assert not any("Iteration **0**" in m.value for m in regression.markdown)
    regression.radio(key="r_anim").set_value("newton").run()
    regression.button(key="regression_logistic_play").click().run()
    _ok(regression)


def test_csv_upload_fits_a_line_and_rejects_bad_files(regression):
    regression.radio(key="r_data").set_value("a CSV file").run()
    _ok(regression)
    assert any("Upload a CSV" in i.value for i in regression.info)
    rows = "\n".join(f"{x},{2 * x + 1 + (0.1 if x % 2 else -0.1)}" for x in range(20))
    regression.get("file_uploader")[0].set_value(
        ("line.csv", ("x,y\n" + rows).encode(), "text/csv")
    ).run()
    _ok(regression)
    assert any("α̂ = 2" in c.value for c in regression.caption)
    regression.get("file_uploader")[0].set_value(("bad.csv", b"x,y\n1,a\n", "text/csv")).run()
    _ok(regression)
    assert regression.error
    regression.radio(key="r_data").set_value("simulated").run()


def test_per_example_gradients_link_to_beyond_grad(regression):
    (link,) = [
        element for element in regression.get("page_link") if "Beyond grad" in element.proto.label
    ]
    assert link.proto.page == "beyond_grad"
    assert "b_s=per_example" in link.proto.query_string
