"""The descent page in AppTest with a typed f: typos keep the view (issue 21, item 4), the
window and step sizes are fitted to f (item 5), the iteration cap is one line and Step
is one iteration (item 10)."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tests.descent.test_descent_page import _paths
from tests.page_links import no_exception, open_link, open_page

VIEW = "views/descent.py"
DEFAULT_METHODS = ["gd", "momentum", "adam", "newton", "BFGS", "Nelder-Mead"]


def _custom(at: AppTest) -> AppTest:
    at.selectbox(key="g_s").set_value("your own f(x, y)").run()
    no_exception(at)
    return at


def _type(at: AppTest, text: str) -> None:
    at.text_input(key="g_f").set_value(text).run()
    no_exception(at)


def _values(values) -> np.ndarray:
    """A trace array, plain or binary-encoded ({"dtype", "bdata"}) by Plotly."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
    return np.asarray(values, dtype=float)


def _axes(at: AppTest) -> tuple[np.ndarray, np.ndarray]:
    """The contour grid's x and y: the window drawn."""
    traces = json.loads(at.get("plotly_chart")[0].proto.spec)["data"]
    contour = next(t for t in traces if t["type"] == "contour")
    return _values(contour["x"]), _values(contour["y"])


def test_typos_keep_the_optimizers_and_their_paths():
    at = _custom(open_page(VIEW))
    at.slider(key="g_n").set_value(300).run()
    for typo in ("2x+", "sin("):
        _type(at, typo)
        assert at.error
        assert any("Still showing" in c.value for c in at.caption)
        assert at.multiselect(key="g_m").value == DEFAULT_METHODS
        assert set(_paths(at)) == set(DEFAULT_METHODS)
        assert at.slider(key="g_n").value == 300
    _type(at, "(x-1)^2+(y+2)^2")
    assert not at.error
    assert at.multiselect(key="g_m").value == DEFAULT_METHODS
    assert set(_paths(at)) == set(DEFAULT_METHODS)  # not "Chart of 0 series"
    assert at.slider(key="g_n").value == 300


def test_a_typed_bowl_gets_its_own_window_and_steps():
    at = _custom(open_page(VIEW))
    _type(at, "(x-1)^2+(y+2)^2")
    xs, ys = _axes(at)
    assert min(xs) < 1 < max(xs)
    assert min(ys) < -2 < max(ys)  # Rosenbrock's y in [-1, 3] left the minimum off the chart
    assert at.select_slider(key="g_gd").value == 0.5  # 1/L, L = 2
    assert any("Fitted to this f" in c.value and "1/L" in c.value for c in at.caption)
    table = at.dataframe[0].value.set_index("optimizer")
    assert table.loc["gd", "converged"] == "yes"
    assert float(table.loc["gd", "distance to minimum"]) < 1e-6
    # Fitted steps off: the person's own step is used, and kept.
    at.toggle(key="g_fit").set_value(False).run()
    at.select_slider(key="g_gd").set_value(3e-3).run()
    no_exception(at)
    assert at.select_slider(key="g_gd").value == 3e-3
    # Off, the fitted steps became the person's own: the server put them in the link (the
    # browser then writes each change: tests/browser/test_browser_links_descent.py).
    assert at.query_params["g_mr"] == "0.5"


def test_a_link_to_a_typed_f_gets_the_fitted_steps():
    at = open_link(VIEW, {"g_s": "custom", "g_f": "(x-1)^2+(y+2)^2"})
    assert at.select_slider(key="g_gd").value == 0.5
    assert "g_gd" not in at.query_params  # fitted steps follow f, not the link


def test_the_default_view_has_no_row_of_iteration_cap_notices():
    at = open_page(VIEW)
    assert not any("iteration cap" in w.value for w in at.warning)
    (line,) = [i.value for i in at.info if "iteration cap" in i.value]
    assert "gd" in line


@pytest.mark.parametrize("steps", [1, 3])
def test_step_moves_one_iteration(steps):
    at = open_page(VIEW)
    at.button(key="descent_animation_reset").click().run()
    for _ in range(steps):
        at.button(key="descent_animation_stepper").click().run()
    no_exception(at)
    assert max(_paths(at).values()) == 1 + steps
    assert any(f"Iteration **{steps}**" in m.value for m in at.markdown)


def test_play_advances_by_the_chosen_speed():
    at = open_page(VIEW)
    at.button(key="descent_animation_reset").click().run()
    at.select_slider(key="descent_animation_speed").set_value(5).run()
    at.button(key="descent_animation_play").click().run()
    no_exception(at)
    # The click's run starts the timer (the page reruns); each frame then adds 5.
    assert at.button(key="descent_animation_play").label == "Pause"
    assert any("Iteration **5**" in m.value or "Iteration **0**" in m.value for m in at.markdown)
    at.button(key="descent_animation_play").click().run()  # Pause
    assert at.button(key="descent_animation_play").label == "Play"
