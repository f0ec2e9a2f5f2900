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


def _run(projector: bool = False) -> AppTest:
    app = AppTest.from_function(_page, default_timeout=60)
    app.session_state["instructor_projector"] = projector
    return app.run()


def test_the_chart_is_thinned_named_and_followed_by_its_description_and_its_data():
    app = _run()
    assert not app.exception
    (chart,) = app.get("plotly_chart")
    spec = json.loads(chart.proto.spec)
    assert spec["data"][0]["x0"] == 0.0  # through for_screen: a uniform grid as x0 and dx
    # The chart's accessible name is the whole description, not a pointer to a caption.
    assert chart.proto.alt.startswith("Chart of 1 series. f_1* (line, 101 points)")
    assert "y from 0 (at x = 1) to 1 (at x = 0)" in chart.proto.alt
    # Under the chart, one small toggle instead of a paragraph: the words and the data in it.
    assert [type(child).__name__ for child in app.main.children.values()] == [
        "UnknownElement",  # the chart
        "Expander",
    ]
    (description,) = app.expander
    assert description.label == "Chart description and data"
    assert description.proto.type == description.proto.COMPACT  # a small toggle, no box
    (caption,) = description.caption
    # Markdown's own characters are escaped, so a name like f_1* reads as written.
    assert caption.value.startswith("Chart: Chart of 1 series. f\\_1\\* (line, 101 points)")
    (button,) = description.get("download_button")
    assert button.proto.label == "Download the data (CSV)"
    assert button.proto.ignore_rerun  # on_click="ignore": a download does not rerun the page
    assert button.proto.deferred_file_id  # the CSV is built only when it is asked for
    assert app.session_state["t_returned"] == "PlotlyState"  # on_select still returns a state


def test_the_projector_style_draws_the_figure_larger_and_describes_the_same_data():
    plain, projected = (json.loads(_run(on).get("plotly_chart")[0].proto.spec) for on in (0, 1))
    line = lambda spec: spec["data"][0].get("line", {}).get("width", 2)  # noqa: E731
    assert line(projected) > line(plain)
    assert projected["layout"]["font"]["size"] > plain["layout"].get("font", {}).get("size", 12)
    assert projected["data"][0]["y"] == plain["data"][0]["y"]  # the same points, same places


def _drawn_page():
    import numpy as np
    import plotly.graph_objects as go
    import streamlit as st

    from ui.charts import draw, show

    def parabola(xs, shift, *, name):
        st.session_state["t_builds"] = st.session_state.get("t_builds", 0) + 1
        return go.Figure(go.Scatter(x=xs, y=(xs - shift) ** 2, name=name, mode="lines"))

    xs = np.linspace(0.0, 2.0, 2001)
    shift = st.session_state.get("t_shift", 1.0)
    draw(parabola, xs, shift, name="f_1*", key="t_drawn", points=100)
    show(parabola(xs, shift, name="f_1*"), key="t_shown", points=100)


def test_a_drawn_chart_is_sent_as_shown_and_built_once_for_the_same_arguments():
    app = AppTest.from_function(_drawn_page, default_timeout=60).run()
    assert not app.exception
    drawn, shown = app.get("plotly_chart")
    # draw sends what show sends for the same figure: data, layout and accessible name.
    assert json.loads(drawn.proto.spec) == json.loads(shown.proto.spec)
    assert drawn.proto.alt == shown.proto.alt
    builds = app.session_state["t_builds"]  # 1 for show, 1 for draw (unless kept from before)
    app.run()
    assert app.session_state["t_builds"] == builds + 1  # show built again; draw did not
    app.session_state["t_shift"] = 0.5
    app.run()
    assert app.session_state["t_builds"] == builds + 3  # new arguments: both build
    drawn, shown = app.get("plotly_chart")
    assert json.loads(drawn.proto.spec) == json.loads(shown.proto.spec)
    assert "y from 0 (at x = 0.5)" in drawn.proto.alt
    (description, _) = app.expander
    (button,) = description.get("download_button")
    assert button.proto.deferred_file_id  # its data still downloads


def test_a_drawn_chart_in_the_projector_style_is_prepared_apart():
    def spec(projector: bool) -> dict:
        app = AppTest.from_function(_drawn_page, default_timeout=60)
        app.session_state["instructor_projector"] = projector
        drawn, shown = app.run().get("plotly_chart")
        assert json.loads(drawn.proto.spec) == json.loads(shown.proto.spec)
        return json.loads(drawn.proto.spec)

    plain, projected = spec(False), spec(True)
    assert projected["layout"]["font"]["size"] > plain["layout"].get("font", {}).get("size", 12)
