"""The Derivatives-of-data page in Streamlit's AppTest: every control, bad input, CSV upload."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.data.derivatives import METHODS

APP = str(Path(__file__).resolve().parents[2] / "app.py")
ROWS = b"t,position\n" + b"".join(b"%d,%d\n" % (x, x * x) for x in (3, 1, 4, 0, 2, 5, 6))


def _charts(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def _derivative_traces(at: AppTest) -> dict[str, dict]:
    chart = next(c for c in _charts(at) if c["layout"]["uirevision"] == "estimates")
    return {trace["name"]: trace for trace in chart["data"]}


def _no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


@pytest.fixture(scope="module")
def app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("views/data.py").run()
    _no_exception(at)
    return at


def test_default_view_shows_every_figure_the_table_and_the_download(app):
    assert app.title[0].value == "Derivatives of data"
    assert len(_charts(app)) == 6  # data, dy/dx, |error|, matrix D, two sweeps
    names = set(_derivative_traces(app))
    assert names == {"true f′(x)", *METHODS.values()}
    assert len(app.dataframe) == 1
    assert len(app.dataframe[0].value) == len(METHODS)
    downloads = {button.key for button in app.main.get("download_button")}
    assert "d_download" in downloads  # the derivatives; the rest: each chart's data
    assert len(downloads) == 1 + len(_charts(app))  # the sidebar's notebook button apart
    assert not app.error


def test_every_function_control_reruns_without_error(app):
    before = _derivative_traces(app)["np.gradient, edge_order=2"]["y"]
    app.select_slider(key="d_noise").set_value(0.1).run()
    _no_exception(app)
    assert _derivative_traces(app)["np.gradient, edge_order=2"]["y"] != before
    for change in (
        lambda: app.text_input(key="d_f").input("exp(-x^2)"),
        lambda: app.slider(key="d_range").set_value((-2.0, 2.0)),
        lambda: app.slider(key="d_n").set_value(60),
        lambda: app.radio(key="d_grid").set_value("random"),
        lambda: app.number_input(key="d_seed").set_value(7),
    ):
        before = _charts(app)[0]["data"]
        change().run()
        _no_exception(app)
        assert not app.error
        assert _charts(app)[0]["data"] != before  # the samples changed


def test_method_controls(app):
    app.button_group(key="d_methods").set_value(["Polynomial fit", "Smoothing spline"]).run()
    _no_exception(app)
    assert set(_derivative_traces(app)) == {"true f′(x)", "Polynomial fit", "Smoothing spline"}
    app.slider(key="d_degree").set_value(5).run()
    app.toggle(key="d_auto").set_value(False).run()
    app.slider(key="d_smooth").set_value(6.0).run()
    app.select_slider(key="d_sweep").set_value(0.01).run()
    _no_exception(app)
    captions = " ".join(caption.value for caption in app.caption)
    assert "polynomial degree 5" in captions
    assert "smoothing lam" in captions
    app.button_group(key="d_methods").set_value([]).run()
    _no_exception(app)
    assert any("at least one method" in info.value for info in app.info)
    app.button_group(key="d_methods").set_value(list(METHODS.values())).run()
    app.toggle(key="d_auto").set_value(True).run()


def test_a_bad_expression_shows_an_error_and_keeps_the_last_data(app):
    app.text_input(key="d_f").input("x^2").run()
    good = _derivative_traces(app)["true f′(x)"]["y"]
    app.text_input(key="d_f").input("sin(x").run()
    _no_exception(app)
    assert len(app.error) == 1
    assert "Cannot read this expression" in app.error[0].value
    assert _derivative_traces(app)["true f′(x)"]["y"] == good


def test_a_function_that_is_not_finite_on_the_range_is_explained(app):
    app.text_input(key="d_f").input("log(x)").run()
    app.slider(key="d_range").set_value((-1.0, 1.0)).run()
    _no_exception(app)
    assert any("not finite at x" in error.value for error in app.error)
    app.text_input(key="d_f").input("sin(2x) + x/2").run()
    _no_exception(app)
    assert not app.error


def test_a_warm_rerun_is_fast(app):
    app.run()
    started = time.perf_counter()
    app.run()
    elapsed = time.perf_counter() - started
    _no_exception(app)
    assert elapsed < 1.0, f"warm rerun took {elapsed:.3f} s"


def test_uploading_a_csv_shows_the_methods_without_errors():
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("views/data.py").run()
    at.segmented_control(key="d_src").set_value("A CSV file").run()
    _no_exception(at)
    assert any("Upload a file" in info.value for info in at.info)
    at.file_uploader(key="d_file").set_value(("data.csv", ROWS, "text/csv")).run()
    _no_exception(at)
    assert not at.error
    traces = _derivative_traces(at)
    assert "true f′(x)" not in traces
    assert set(traces) == set(METHODS.values())
    assert len(_charts(at)) == 3  # data, dy/dx and the matrix: no errors without a truth
    assert any("unknown" in info.value for info in at.info)

    at.file_uploader(key="d_file").set_value(("bad.csv", b"1,2\n2,3\n2,5\n4,4\n5,5\n", "")).run()
    _no_exception(at)
    assert len(at.error) == 1
    assert "x = 2 appears twice (rows 2 and 3)" in at.error[0].value


def _data_page(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    # Open the data page first, as a link to it does: the Explorer would write its own URL.
    at.switch_page("views/data.py").run()
    _no_exception(at)
    return at


def test_a_copied_link_reopens_the_same_view():
    at = _data_page(
        d_f="exp(-x^2)", d_range="-2,2.5", d_n="200", d_grid="random", d_noise="0.001",
        d_seed="7", d_methods="gradient2,cubic_spline", d_degree="5", d_auto="0",
        d_smooth="2.5",
    )  # fmt: skip
    assert at.text_input(key="d_f").value == "exp(-x^2)"
    assert at.slider(key="d_range").value == (-2.0, 2.5)
    assert at.slider(key="d_n").value == 200
    assert at.radio(key="d_grid").value == "random"
    assert at.select_slider(key="d_noise").value == 0.001
    assert at.number_input(key="d_seed").value == 7
    assert at.pills(key="d_methods").value == [METHODS["gradient2"], METHODS["cubic_spline"]]
    assert at.slider(key="d_degree").value == 5
    assert at.toggle(key="d_auto").value is False
    assert at.slider(key="d_smooth").value == 2.5
    assert set(_derivative_traces(at)) >= {METHODS["gradient2"], METHODS["cubic_spline"]}


def test_the_link_ignores_bad_values():
    """A hand-edited link's values the widgets cannot hold leave the defaults (Streamlit's
    rule for bound widgets; a reversed range, which Streamlit reads, is ignored by the page).
    That the link follows the controls: tests/browser/test_browser_links_data.py."""
    at = _data_page(d_n="5000", d_range="3,1", d_methods="gradient2,eval", d_noise="0.5")
    assert at.slider(key="d_n").value == 100  # beyond the slider: the default
    assert at.slider(key="d_range").value == (-3.0, 3.0)
    assert at.pills(key="d_methods").value == list(METHODS.values())
    assert at.select_slider(key="d_noise").value == 0.01
    assert not at.error
    at.slider(key="d_n").set_value(300).run()
    at.text_input(key="d_f").input("x^3").run()
    _no_exception(at)
    samples = _charts(at)[0]["data"][0]["x"]  # float64 sent as base64 bytes
    assert len(base64.b64decode(samples["bdata"])) == 300 * 8
