"""The regression page's view in its link (AppTest): an old link and today's open the same
view, bad values are ignored. (What the browser writes into the link, and a reload:
tests/browser/test_browser_links_regression.py.)"""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tests.page_links import no_exception, open_link

# Every field of a link as the page wrote it before its controls were bound (options by
# their codes), each away from its default.
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


# The same view as today's widgets write it: options as shown, λ = 1 as "1.0", a switch as
# true/false, the tab by its label.
TODAY = {
    "r_tab": "Polynomial", "r_n": "120", "r_alpha": "0.5",
    "r_step": "0.1", "r_stop": "ΔL/L < tol", "r_tol": "1e-10", "r_deg": "9",
    "r_rule": "Barzilai–Borwein", "r_sep": "4.5", "r_lam": "1.0", "r_anim": "gradient descent",
    "r_many": "true",
}  # fmt: skip


def test_an_old_link_with_every_field_reopens_that_view():
    at = _open(LINK)
    assert _open_tab(at) == 2  # Logistic
    assert at.slider(key="r_n").value == 80
    assert at.slider(key="r_alpha").value == pytest.approx(-1.5)
    assert at.slider(key="r_beta").value == pytest.approx(2.5)
    assert at.slider(key="r_sigma").value == pytest.approx(0.3)
    assert at.number_input(key="r_seed").value == 7
    assert at.select_slider(key="r_step").value == "0.01"
    assert at.radio(key="r_stop").value == "relative_loss"
    assert at.select_slider(key="r_tol").value == 1e-6
    assert at.slider(key="r_cap").value == 500
    assert at.slider(key="r_deg").value == 6
    assert at.slider(key="r_psigma").value == pytest.approx(0.2)
    assert at.radio(key="r_rule").value == "bb"
    assert at.slider(key="r_pcap").value == 700
    assert at.slider(key="r_per").value == 30
    assert at.slider(key="r_sep").value == 2.25
    assert at.select_slider(key="r_lam").value == 1e-2
    assert at.radio(key="r_anim").value == "gradient descent"

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
    # The link is rewritten as today's widgets write it (ui.old_links).
    assert {name: at.query_params[name] for name in ("r_tab", "r_stop", "r_rule", "r_anim")} == {
        "r_tab": "Logistic", "r_stop": "ΔL/L < tol",
        "r_rule": "Barzilai–Borwein", "r_anim": "gradient descent",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("query", "key", "value"),
    [
        ({"r_data": "quantecon"}, "r_data", "quantecon"),
        ({"r_data": "a CSV file"}, "r_data", "a CSV file"),  # asks for the file again
        ({"r_pdata": "quantecon"}, "r_pdata", "quantecon"),
        ({"r_step": "auto"}, "r_step", "auto (1/L)"),
        ({"r_lam": "1"}, "r_lam", 1.0),
        ({"r_tol": "1e-6"}, "r_tol", 1e-6),  # the old reader took any number equal to one
        ({"r_many": "1"}, "r_many", True),
    ],
)
def test_old_options_and_switches_are_read(query, key, value):
    at = _open(query)
    widgets = {w.key: w for w in (*at.radio, *at.select_slider, *at.toggle)}
    assert widgets[key].value == value


def test_a_link_as_today_s_widgets_write_it_reopens_the_view_they_show():
    at = _open({})
    assert dict(at.query_params) == {}  # the first view: a bare link
    assert _open_tab(at) == 0
    at.slider(key="r_n").set_value(120).run()
    at.slider(key="r_alpha").set_value(0.5).run()
    at.select_slider(key="r_step").set_value("0.1").run()
    at.radio(key="r_stop").set_value("relative_loss").run()
    at.select_slider(key="r_tol").set_value(1e-10).run()
    at.slider(key="r_deg").set_value(9).run()
    at.radio(key="r_rule").set_value("bb").run()
    at.slider(key="r_sep").set_value(4.5).run()
    at.select_slider(key="r_lam").set_value(1.0).run()
    at.radio(key="r_anim").set_value("gradient descent").run()
    at.toggle(key="r_many").set_value(True).run()
    at.session_state["r_tab"] = "Polynomial"  # a tab click
    at.run()
    no_exception(at)

    again = _open(TODAY)
    assert _open_tab(again) == 1
    assert dict(again.query_params) == TODAY  # nothing rewritten, nothing dropped
    # The same figures; the animation's progress is not in the link: a link opens on the
    # finished run, while `at` still shows the step Newton's run ended on.
    shown, reopened = _charts(at), _charts(again)
    boundary = next(title for title in shown if title.startswith("Decision boundary"))
    assert "gradient descent" in boundary
    assert {k: v for k, v in reopened.items() if not k.startswith("Decision boundary")} == {
        k: v for k, v in shown.items() if k != boundary
    }
    for index in range(len(at.dataframe)):  # the ten features' table too
        assert again.dataframe[index].value.equals(at.dataframe[index].value)


# Values no widget takes (out of range, not numbers, not options). Streamlit reads a number
# on a slider's range but off its grid as it is (r_alpha=0.15), where the old reader
# refused it: a hand-edited link, shown as written.
@pytest.mark.parametrize(
    "query",
    [
        {"r_tab": "Logistics", "r_n": "4", "r_beta": "nan", "r_sigma": "-1", "r_seed": "-3",
         "r_step": "0.5", "r_stop": "loss", "r_tol": "1e-7", "r_cap": "x", "r_deg": "13",
         "r_psigma": "inf", "r_rule": "", "r_pcap": "99", "r_per": "201", "r_lam": "2",
         "r_anim": "newton,gd", "r_data": "csv", "r_pdata": "cubic", "r_many": "yes"},
        {"r_tab": "", "r_alpha": "1e999", "r_tol": "-0", "r_sep": "0x10", "r_lam": "1e-3.5",
         "other": "1"},
    ],
)  # fmt: skip
def test_bad_values_in_a_link_are_ignored(query):
    at = _open(query)
    assert not at.error
    assert _open_tab(at) == 0
    assert at.slider(key="r_n").value == 50
    assert at.slider(key="r_alpha").value == 2.0
    assert at.slider(key="r_beta").value == -1.0
    assert at.slider(key="r_sigma").value == 1.0
    assert at.number_input(key="r_seed").value == 0
    assert at.select_slider(key="r_step").value == "auto (1/L)"
    assert at.radio(key="r_stop").value == "gradient"
    assert at.select_slider(key="r_tol").value == 1e-8
    assert at.slider(key="r_cap").value == 2000
    assert at.slider(key="r_deg").value == 3
    assert at.slider(key="r_psigma").value == 0.5
    assert at.radio(key="r_rule").value == "fixed"
    assert at.slider(key="r_pcap").value == 2000
    assert at.slider(key="r_per").value == 40
    assert at.slider(key="r_sep").value == 3.0
    assert at.select_slider(key="r_lam").value == 1e-3
    assert at.radio(key="r_anim").value == "newton"
    assert at.radio(key="r_data").value == "simulated"
    assert at.radio(key="r_pdata").value == "curve"
    assert at.toggle(key="r_many").value is False
    # The bad values are dropped from the link; a name no widget has is left as it is.
    assert dict(at.query_params) == {k: v for k, v in query.items() if k == "other"}
