"""The regression page's view in its link (AppTest): restore, follow the controls, bad values."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tests.page_links import no_exception, open_link

# Every field of the link, each away from its default.
LINK = {
    "r_tab": "logistic", "r_n": "80", "r_alpha": "-1.5", "r_beta": "2.5", "r_sigma": "0.3",
    "r_seed": "7", "r_step": "0.01", "r_stop": "relative_loss", "r_tol": "1e-06",
    "r_cap": "500", "r_deg": "6", "r_psigma": "0.2", "r_rule": "bb", "r_pcap": "700",
    "r_per": "30", "r_sep": "2.25", "r_lam": "0.01", "r_anim": "gd",
}  # fmt: skip


def _open(query: dict[str, str]) -> AppTest:
    return open_link("views/regression.py", query)


def _values(values) -> np.ndarray:
    """A trace array, plain or binary-encoded ({"dtype", "bdata"}) by Plotly."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
    return np.asarray(values, dtype=float)


def _charts(at: AppTest) -> dict[str, list[dict]]:
    """Each chart's traces by its title (the per-example table has none)."""
    charts = {}
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        title = spec["layout"].get("title", {}).get("text", "")
        charts.setdefault(title, spec["data"])
    return charts


def _trace(traces: list[dict], name: str) -> dict:
    return next(trace for trace in traces if trace["name"] == name)


def _open_tab(at: AppTest) -> int:
    return at.get("tab_container")[0].proto.tab_container.default_tab_index


def test_a_link_with_every_field_reopens_that_view():
    at = _open(LINK)
    assert _open_tab(at) == 2  # Logistic
    assert at.slider(key="regression_n").value == 80
    assert at.slider(key="regression_alpha").value == pytest.approx(-1.5)
    assert at.slider(key="regression_beta").value == pytest.approx(2.5)
    assert at.slider(key="regression_sigma").value == pytest.approx(0.3)
    assert at.number_input(key="regression_seed").value == 7
    assert at.select_slider(key="regression_step").value == "0.01"
    assert at.radio(key="regression_stopping").value == "relative_loss"
    assert at.select_slider(key="regression_tol").value == 1e-6
    assert at.slider(key="regression_cap").value == 500
    assert at.slider(key="regression_degree").value == 6
    assert at.slider(key="regression_poly_sigma").value == pytest.approx(0.2)
    assert at.radio(key="regression_rule").value == "bb"
    assert at.slider(key="regression_poly_cap").value == 700
    assert at.slider(key="regression_per_class").value == 30
    assert at.slider(key="regression_separation").value == 2.25
    assert at.select_slider(key="regression_lam").value == 1e-2
    assert at.radio(key="regression_method").value == "gradient descent"

    # What the page computed from them, not only the widgets.
    charts = _charts(at)
    lines = charts["Fitted lines"]
    assert len(_values(_trace(lines, "data")["x"])) == 80
    truth = _trace(lines, "truth")
    x, y = _values(truth["x"]), _values(truth["y"])
    assert (y[1] - y[0]) / (x[1] - x[0]) == pytest.approx(-1.5)  # the slope α of the link
    assert y[0] - (-1.5) * x[0] == pytest.approx(2.5)  # and its intercept β
    assert "Degree 6 polynomial" in charts
    boundary = next(title for title in charts if title.startswith("Decision boundary"))
    assert "gradient descent" in boundary
    assert len(_values(_trace(charts[boundary], "class 0")["x"])) == 30
    rows = at.dataframe[0].value.set_index("method")
    assert rows.loc["fixed step", "iterations"] <= 500


def test_the_default_view_has_a_bare_link_and_a_copied_one_reopens_the_same_view():
    at = _open({})
    assert dict(at.query_params) == {}
    assert _open_tab(at) == 0
    at.slider(key="regression_n").set_value(120).run()
    at.slider(key="regression_alpha").set_value(0.5).run()
    at.select_slider(key="regression_step").set_value("0.1").run()
    at.select_slider(key="regression_tol").set_value(1e-10).run()
    at.slider(key="regression_degree").set_value(9).run()
    at.radio(key="regression_rule").set_value("bb").run()
    at.slider(key="regression_separation").set_value(4.5).run()
    at.select_slider(key="regression_lam").set_value(1.0).run()
    at.radio(key="regression_method").set_value("gradient descent").run()
    at.session_state["regression_tab"] = ":material/ssid_chart: Polynomial"  # a tab click
    at.run()
    no_exception(at)
    assert dict(at.query_params) == {
        "r_tab": "polynomial", "r_n": "120", "r_alpha": "0.5", "r_step": "0.1",
        "r_tol": "1e-10", "r_deg": "9", "r_rule": "bb", "r_sep": "4.5", "r_lam": "1",
        "r_anim": "gd",
    }  # fmt: skip

    again = _open(dict(at.query_params))
    assert _open_tab(again) == 1
    # The same figures; the animation's progress is not in the link: a link opens on the
    # finished run, while `at` still shows the step Newton's run ended on.
    shown, reopened = _charts(at), _charts(again)
    boundary = next(title for title in shown if title.startswith("Decision boundary"))
    assert "gradient descent" in boundary
    assert {k: v for k, v in reopened.items() if not k.startswith("Decision boundary")} == {
        k: v for k, v in shown.items() if k != boundary
    }
    assert again.dataframe[0].value.equals(at.dataframe[0].value)

    at.slider(key="regression_n").set_value(50).run()  # back to its default: out of the link
    assert "r_n" not in at.query_params


@pytest.mark.parametrize(
    "query",
    [
        {"r_tab": "Logistic", "r_n": "4", "r_alpha": "0.15", "r_beta": "nan", "r_sigma": "-1",
         "r_seed": "1.5", "r_step": "0.5", "r_stop": "loss", "r_tol": "1e-7", "r_cap": "x",
         "r_deg": "13", "r_psigma": "inf", "r_rule": "", "r_pcap": "99", "r_per": "201",
         "r_sep": "1.1", "r_lam": "2", "r_anim": "newton,gd"},
        {"r_tab": "", "r_n": "1e2", "r_alpha": "1e999", "r_step": "auto (1/L)", "r_tol": "-0",
         "r_sep": "0x10", "r_lam": "1e-3.5", "r_anim": "gradient descent", "other": "1"},
    ],
)  # fmt: skip
def test_bad_values_in_a_link_are_ignored(query):
    at = _open(query)
    assert not at.error
    assert _open_tab(at) == 0
    assert at.slider(key="regression_n").value == 50
    assert at.slider(key="regression_alpha").value == 2.0
    assert at.slider(key="regression_beta").value == -1.0
    assert at.slider(key="regression_sigma").value == 1.0
    assert at.number_input(key="regression_seed").value == 0
    assert at.select_slider(key="regression_step").value == "auto (1/L)"
    assert at.radio(key="regression_stopping").value == "gradient"
    assert at.select_slider(key="regression_tol").value == 1e-8
    assert at.slider(key="regression_cap").value == 2000
    assert at.slider(key="regression_degree").value == 3
    assert at.slider(key="regression_poly_sigma").value == 0.5
    assert at.radio(key="regression_rule").value == "fixed"
    assert at.slider(key="regression_poly_cap").value == 2000
    assert at.slider(key="regression_per_class").value == 40
    assert at.slider(key="regression_separation").value == 3.0
    assert at.select_slider(key="regression_lam").value == 1e-3
    assert at.radio(key="regression_method").value == "newton"
    assert dict(at.query_params) == {}  # the bad values are dropped from the link
