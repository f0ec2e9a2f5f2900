"""The Explorer page in Streamlit's AppTest: every example, bad input, controls, URL state."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core import parse_expression
from core.explorer.examples import EXAMPLES

APP = str(Path(__file__).resolve().parents[2] / "app.py")
# What the page shows is checked, not how fast SymPy is on a loaded machine.
pytestmark = pytest.mark.usefixtures("generous_symbolic_budget")


def _app(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def _charts(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def _no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


@pytest.fixture(scope="module")
def app() -> AppTest:
    at = _app()
    _no_exception(at)
    return at


def test_default_view_has_charts_latex_and_device(app):
    assert len(_charts(app)) == 2
    assert len(app.latex) == 5  # f and four derivatives
    assert any("computed by JAX on" in caption.value for caption in app.caption)


def test_every_method_is_a_whole_readable_option(app):
    methods = app.pills(key="show")
    assert methods.options == ["AD (JAX)", "Symbolic (SymPy)", "Finite differences"]
    assert methods.value == ["ad", "sym", "fd"]  # each method's code; the pills show its name


def test_each_order_has_its_own_panel_by_default_and_can_share_one_axis(app):
    app.text_input(key="f").input("sin(x) − 2cos(3x)e^(−x²)").run()
    app.slider(key="n").set_value(4).run()
    assert app.toggle(key="panels").value is True
    layout = _charts(app)[0]["layout"]
    ranges = [layout[f"yaxis{s}"]["range"] for s in ("", "2", "3", "4", "5")]
    # f stays within a few units, f⁗ reaches about ±400: each on its own scale
    assert ranges[0][1] - ranges[0][0] < 10
    assert ranges[4][1] - ranges[4][0] > 500
    assert {trace["yaxis"] for trace in _charts(app)[0]["data"]} == {"y", "y2", "y3", "y4", "y5"}
    app.toggle(key="panels").set_value(False).run()
    _no_exception(app)
    assert "yaxis2" not in _charts(app)[0]["layout"]
    app.toggle(key="panels").set_value(True).run()


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.label for e in EXAMPLES])
def test_each_example_loads(app, example):
    app.selectbox(key="explorer_example").set_value(example.label).run()
    _no_exception(app)
    assert app.text_input(key="f").value == example.text
    assert app.slider(key="n").value == example.max_order
    traces = _charts(app)[0]["data"]
    # AD and symbolic for every order, finite differences for orders 1..n
    assert len(traces) == 3 * (example.max_order + 1) - 1
    assert not app.error


def test_parameters_get_sliders_that_feed_the_plot(app):
    app.selectbox(key="explorer_example").set_value("(a·x + b)^m").run()
    assert {s.label for s in app.slider} >= {"a", "b", "m"}
    before = _charts(app)[0]["data"][0]["y"]
    app.slider(key="p_m").set_value(2.0).run()
    _no_exception(app)
    assert _charts(app)[0]["data"][0]["y"] != before
    # The sixth derivative stays in closed form with the parameters as symbols.
    assert any("m" in latex.value and "a^{6}" in latex.value for latex in app.latex)


def test_bad_expression_shows_an_error_and_keeps_the_last_plot(app):
    app.text_input(key="f").input("x^3 + cos(x)").run()
    good = _charts(app)[0]["data"][0]["y"]
    app.text_input(key="f").input("__import__('os').system('id')").run()
    _no_exception(app)
    assert len(app.error) == 1
    assert "Strings are not allowed" in app.error[0].value
    assert "^" in app.error[0].value  # the caret under the position
    assert _charts(app)[0]["data"][0]["y"] == good


def test_an_expression_sympy_cannot_build_in_time_is_refused_not_waited_for(app):
    # SymPy's evaluation of this nesting took 100 s in-thread; the page parses it in a
    # killable worker and says so within the parse budget.
    hostile = "--x^sqrt(--tanh(1/(cosh(tanh(cosh(cosh(sqrt(1/(x*-(e^x))))^-2)^-2))^-2)))"
    app.text_input(key="f").input("x^3 + cos(x)").run()
    good = _charts(app)[0]["data"][0]["y"]
    app.text_input(key="f").input(hostile).run(timeout=60)
    _no_exception(app)
    assert len(app.error) == 1
    assert "could not build this expression" in app.error[0].value
    assert _charts(app)[0]["data"][0]["y"] == good


def test_changing_the_order_rerenders_the_chart(app):
    app.text_input(key="f").input("tanh(x)").run()
    app.slider(key="n").set_value(4).run()
    assert len(_charts(app)[0]["data"]) == 14
    app.slider(key="n").set_value(2).run()
    _no_exception(app)
    assert len(_charts(app)[0]["data"]) == 8
    assert len(app.latex) == 3


def test_methods_can_be_turned_off(app):
    app.pills(key="show").set_value(["ad"]).run()
    _no_exception(app)
    names = [trace["name"] for trace in _charts(app)[0]["data"]]
    assert names
    assert all(name.endswith("AD") for name in names)
    assert not app.latex
    app.pills(key="show").set_value(["ad", "sym", "fd"]).run()


def test_finite_difference_controls(app):
    app.text_input(key="f").input("exp(2x)").run()
    for scheme in ("forward", "backward", "complex", "central"):
        app.selectbox(key="scheme").set_value(scheme).run()
        _no_exception(app)
    app.selectbox(key="acc").set_value(6).run()
    app.select_slider(key="h").set_value("1e-3").run()
    _no_exception(app)
    app.number_input(key="x0").set_value(1.25).run()
    app.slider(key="range").set_value((-1.0, 1.0)).run()
    _no_exception(app)
    assert "1.25" in app.markdown.values[-1] or any("1.25" in m for m in app.markdown.values)


def test_non_finite_values_are_flagged_not_fatal(app):
    app.text_input(key="f").input("log(x)").run()
    app.slider(key="range").set_value((-1.0, 1.0)).run()
    _no_exception(app)
    assert app.warning
    # Each gap has its reason: log of a negative number is outside f's domain (every
    # derivative undefined there), log(0) an infinity.
    assert "Outside f's domain" in app.warning[0].value
    assert "**Infinite**" in app.warning[0].value


def test_state_round_trips_through_the_url():
    at = _app(f="x^2*sin(x)", n="3", range="-2,3", x0="1.5", scheme="forward", acc="4", h="1e-4")
    _no_exception(at)
    assert at.text_input(key="f").value == "x^2*sin(x)"
    assert at.slider(key="n").value == 3
    assert at.slider(key="range").value == (-2.0, 3.0)
    assert at.number_input(key="x0").value == 1.5
    assert at.selectbox(key="scheme").value == "forward"
    assert at.query_params["f"] == "x^2*sin(x)"
    assert len(at.latex) == 4


def test_bad_url_values_fall_back_to_defaults():
    at = _app(n="99", range="5,1", x0="nan", scheme="rm -rf", f="9**9**9")
    _no_exception(at)
    assert at.slider(key="n").value == 4
    assert at.slider(key="range").value == (-4.0, 4.0)  # not a range low < high
    assert at.number_input(key="x0").value == 0.5
    assert at.selectbox(key="scheme").value == "central"
    assert at.error  # the hostile expression from the URL is rejected with a message


def test_the_code_behind_it_follows_the_expression(app):
    app.text_input(key="f").input("x^3 + cos(x)").run()
    codes = [code.value for code in app.code]
    assert any("jnp.cos(x)" in code and "jet.jet" in code for code in codes)
    assert any("sp.cos(x)" in code and "sp.diff" in code for code in codes)
    assert any("np.cos(x)" in code and "weights" in code for code in codes)


def test_no_symbolic_values_at_all_draws_both_charts(monkeypatch):
    """With SymPy out of budget before f itself, the chart stays AD + FD (no duplicate id)."""
    from core.engines import symbolic as core_symbolic

    monkeypatch.setattr(core_symbolic, "BUDGET_SECONDS", 0.0)
    at = _app(f="x^5 - 7x + 0.125")  # not cached by any other test
    _no_exception(at)
    assert len(_charts(at)) == 2
    assert any("The function is too large" in info.value for info in at.info)


def test_the_value_table_writes_infinity_and_undefined_readably():
    at = _app(f="sqrt(x)", n="2", range="0,4", x0="0")
    _no_exception(at)
    table = at.dataframe[0].value
    symbolic = dict(zip(table["order"], table["symbolic"], strict=True))
    assert symbolic["f"] == "0"
    assert symbolic["f′"] == "∞"  # 1 / (2 sqrt(0))
    assert symbolic["f″"] == "−∞"
    fd = dict(zip(table["order"], table["finite diff."], strict=True))
    assert fd["f′"] == "undefined"  # a central difference reaches sqrt(−h)
    assert any("∞, −∞: the value is infinite" in caption.value for caption in at.caption)


def test_readable_number():
    from ui.widgets import readable_number

    assert readable_number(None, ".3g") == "—"
    assert readable_number(float("inf"), ".3g") == "∞"
    assert readable_number(float("-inf"), ".3g") == "−∞"
    assert readable_number(float("nan"), ".3g") == "undefined"
    assert readable_number(-0.125, ".3g") == "-0.125"


def test_sympy_fills_in_after_the_first_paint_and_says_where_it_waits(monkeypatch):
    """The first run draws AD and finite differences at once; SymPy's results come later."""
    import threading

    from ui import symbolic_jobs

    monkeypatch.setattr(symbolic_jobs, "WAIT_FOR_SYMBOLIC", 0.0)
    monkeypatch.setattr(symbolic_jobs, "WAIT_FOR_POINT", 0.0)
    queue = symbolic_jobs.symbolic_queue()
    release = threading.Event()
    # Other sessions' work holds both runners, and one more job waits before ours.
    blockers = [queue.submit(f"other {k}", ("block", k), release.wait, 60) for k in range(3)]
    try:
        at = _app(f="x^5 - 2x", n="2")
        _no_exception(at)
        assert len(_charts(at)) == 2  # drawn without waiting
        assert len(at.latex) == 0
        statuses = [info.value for info in at.info]
        assert statuses == [
            "Symbolic: queued, 1 ahead — AD and finite differences are shown meanwhile."
        ]
        assert at.dataframe[0].value["symbolic"].tolist() == ["—"] * 3
    finally:
        release.set()
    for _ in range(300):  # what the page's polling fragment does, a rerun at a time
        if not [i for i in at.info if i.value.startswith("Symbolic:")] and at.latex:
            break
        threading.Event().wait(0.2)
        at.run()
    assert all(blocker.done for blocker in blockers)
    assert "f'(x) = 5 x^{4} - 2" in at.latex[1].value
    # at x0 = 0.5
    assert at.dataframe[0].value["symbolic"].tolist() == ["-0.96875", "-1.6875", "2.5"]
    traces = _charts(at)[0]["data"]
    assert [t["name"] for t in traces].count("symbolic") == 3


def test_a_result_cut_short_by_a_busy_server_is_retried_not_kept(monkeypatch):
    """On a busy server a worker may starve; that must not stick to the view."""
    from core.engines import symbolic as core_symbolic
    from core.engines import symbolic_worker
    from tests.engines.test_symbolic import sleep_instead
    from ui import symbolic_jobs

    parsed = parse_expression("x^7 - x/3")
    # A worker that gets no computing time: the wall clock runs out, not the budget.
    monkeypatch.setattr(symbolic_worker, "derivative_step", sleep_instead)
    monkeypatch.setattr(core_symbolic, "BUDGET_SECONDS", 0.2)
    monkeypatch.setattr(core_symbolic, "WALL_SECONDS", 1.0)
    busy = symbolic_jobs.symbolic_curves(parsed, 2, (-1.0, 1.0), ())
    assert busy.wait(60)
    assert busy.value().transient
    assert "the server was too busy" in busy.value().message
    # Polling the same request in this session does not spend another budget on it...
    assert symbolic_jobs.symbolic_curves(parsed, 2, (-1.0, 1.0), ()) is busy
    monkeypatch.undo()
    monkeypatch.setattr(symbolic_jobs, "WAIT_FOR_SYMBOLIC", 60.0)
    # ...but another session (or this one after any change) asks again, and gets it.
    monkeypatch.setattr(symbolic_jobs, "session_owner", lambda part: f"another session:{part}")
    complete = symbolic_jobs.symbolic_curves(parsed, 2, (-1.0, 1.0), ())
    assert complete is not busy
    assert complete.value().message is None
    assert len(complete.value().latex) == 3
