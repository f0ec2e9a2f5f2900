"""The descent page in AppTest: surfaces, optimizers, settings, the animation, bad input."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pytest
from scipy import optimize
from streamlit.testing.v1 import AppTest

from core.descent.surfaces import SURFACE_NAMES

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture(scope="module")
def descent() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("views/descent.py").run()
    _ok(at)
    return at


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _length(values) -> int:
    """Points in a trace array, plain or binary-encoded ({"dtype", "bdata"}) by Plotly."""
    if isinstance(values, dict):
        return len(base64.b64decode(values["bdata"])) // np.dtype(values["dtype"]).itemsize
    return len(values)


def _paths(at: AppTest) -> dict[str, int]:
    """Optimizer name -> points drawn on the contour plot."""
    traces = json.loads(at.get("plotly_chart")[0].proto.spec)["data"]
    return {t["name"]: _length(t["x"]) for t in traces if t.get("mode") == "lines+markers"}


def test_default_view_draws_every_chosen_optimizer(descent):
    assert set(_paths(descent)) == {"gd", "momentum", "adam", "newton", "BFGS", "Nelder-Mead"}
    assert descent.dataframe[0].value.shape[0] == 6
    assert descent.dataframe[1].value.shape[0] == 2  # BFGS both ways (Nelder-Mead has no gradient)
    table = descent.dataframe[0].value
    assert list(table.columns[:5]) == ["optimizer", "nit", "nfev", "njev", "nhev"]


def test_scipy_rows_show_scipys_own_counts(descent):
    descent.selectbox(key="g_s").set_value("rosenbrock").run()
    compared = descent.dataframe[1].value.set_index("method")
    # SciPy run here directly on a NumPy Rosenbrock (the numbers a notebook prints).
    start = np.array([-1.2, 1.0])
    differenced = optimize.minimize(optimize.rosen, start, method="BFGS")
    exact = optimize.minimize(optimize.rosen, start, method="BFGS", jac=optimize.rosen_der)
    row = compared.loc["BFGS (finite differences)"]
    assert (row["nit"], row["nfev"], row["njev"]) == (differenced.nit, differenced.nfev,
                                                      differenced.njev)  # fmt: skip
    row = compared.loc["BFGS (JAX gradient)"]
    assert (row["nit"], row["nfev"], row["njev"]) == (exact.nit, exact.nfev, exact.njev)
    assert any("2 more values of f per gradient (one per coordinate" in c.value
               for c in descent.caption)  # fmt: skip


@pytest.mark.parametrize("name", SURFACE_NAMES)
def test_every_surface_runs(descent, name):
    descent.selectbox(key="g_s").set_value(name).run()
    _ok(descent)
    assert _paths(descent)


def test_animation_reset_and_step_grow_the_paths(descent):
    descent.selectbox(key="g_s").set_value("rosenbrock").run()
    descent.button(key="descent_animation_reset").click().run()
    assert set(_paths(descent).values()) == {1}
    descent.button(key="descent_animation_stepper").click().run()
    _ok(descent)
    assert max(_paths(descent).values()) > 1


def test_settings_and_start_point(descent):
    descent.multiselect(key="g_m").set_value(
        ["gd", "bb", "nesterov", "rmsprop", "CG", "L-BFGS-B", "Newton-CG", "trust-ncg", "dogleg"]
    ).run()
    _ok(descent)
    descent.select_slider(key="g_gd").set_value(0.5).run()
    _ok(descent)
    assert any("Diverged" in w.value for w in descent.warning)
    descent.select_slider(key="g_mr").set_value(1e-4).run()
    descent.slider(key="g_mb").set_value(0.5).run()
    descent.select_slider(key="g_ar").set_value(0.1).run()
    descent.slider(key="g_n").set_value(200).run()
    descent.toggle(key="g_exact").set_value(False).run()
    _ok(descent)
    descent.number_input(key="g_x").set_value(0.5).run()
    descent.number_input(key="g_y").set_value(-0.5).run()
    _ok(descent)
    contour = json.loads(descent.get("plotly_chart")[0].proto.spec)["data"]
    start = next(t for t in contour if t["name"] == "start")
    assert (start["x"], start["y"]) == ([0.5], [-0.5])


def test_bowl_condition_number_and_custom_surface(descent):
    descent.selectbox(key="g_s").set_value("bowl").run()
    descent.select_slider(key="g_k").set_value(100).run()
    _ok(descent)
    descent.selectbox(key="g_s").set_value("your own f(x, y)").run()
    descent.text_input(key="g_f").input("x^2 + 2y^2 + x*y").run()
    _ok(descent)
    assert _paths(descent)
    descent.text_input(key="g_f").input("x^2 + z").run()
    _ok(descent)
    assert any("replace z" in e.value for e in descent.error)
    descent.text_input(key="g_f").input("log(x) + y^2").run()
    _ok(descent)
