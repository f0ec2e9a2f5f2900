"""`ui.charts.show`: a chart, its sentence and its data download, as the pages draw them."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest


def _page():
    import numpy as np
    import plotly.graph_objects as go
    import streamlit as st

    from ui.charts import show

    xs = np.linspace(0.0, 2.0, 2001)
    figure = go.Figure(go.Scatter(x=xs, y=(xs - 1) ** 2, name="f_1*", mode="lines"))
    state = show(figure, key="t_chart", points=100, on_select="rerun")
    st.session_state["t_returned"] = type(state).__name__


def _run() -> AppTest:
    return AppTest.from_function(_page, default_timeout=60).run()


def test_the_chart_is_thinned_named_and_followed_by_its_sentence_and_its_data():
    app = _run()
    assert not app.exception
    (chart,) = app.get("plotly_chart")
    spec = json.loads(chart.proto.spec)
    assert spec["data"][0]["x0"] == 0.0  # through for_screen: a uniform grid as x0 and dx
    assert chart.proto.alt.startswith("Chart of 1 series.")
    (caption,) = app.caption
    # Markdown's own characters are escaped, so a name like f_1* reads as written.
    assert caption.value.startswith("Chart: Chart of 1 series. f\\_1\\* (line, 101 points)")
    assert "y from 0 (at x = 1) to 1 (at x = 0)" in caption.value
    (button,) = app.get("download_button")
    assert button.proto.label == "Download the data (CSV)"
    assert button.proto.ignore_rerun  # on_click="ignore": a download does not rerun the page
    assert button.proto.deferred_file_id  # the CSV is built only when it is asked for
    assert app.session_state["t_returned"] == "PlotlyState"  # on_select still returns a state
