"""The lab's regions, step range and rounding floor (issue 21, item 9).

The shading is one formula's (the one chosen), and says which; each formula's best step
sits at its own model boundary; in float16 the h axis holds data across its width and the
floor every formula hits is named as the derivative's own rounding.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from core import parse_expression
from core.fd_lab.error_curves import at_rounding, best_step, error_against_step, steps_for
from core.fd_lab.figures import error_figure, x_range

APP = str(Path(__file__).resolve().parents[2] / "app.py")
FUNCTIONS = [("sin(x)", 0.7), ("exp(x)", 0.3), ("x^3+cos(x)", 1.2), ("1/(1+x^2)", 0.4)]


def _boundary(figure) -> float:
    """log10 h at the shaded boundary (the shapes are in paper coordinates)."""
    low, high = figure.layout.xaxis.range
    return low + figure.layout.shapes[0].x1 * (high - low)


@pytest.mark.parametrize(("text", "x0"), FUNCTIONS)
@pytest.mark.parametrize("precision", ["float64", "float32", "float16"])
@pytest.mark.parametrize("order", [1, 2])
def test_each_formulas_best_step_sits_at_its_own_boundary(text, x0, precision, order):
    sweep = error_against_step(parse_expression(text), x0, order, precision=precision)
    for curve in sweep.curves:
        if curve.key == "complex":
            continue  # no subtraction, no round-off region
        figure = error_figure(sweep, reference=curve.key)
        assert _boundary(figure) == pytest.approx(np.log10(curve.model_h), abs=1e-9)
        # within a decade of its own boundary (a lucky step in the noise does not count)
        assert abs(np.log10(curve.best_h) - np.log10(curve.model_h)) <= 1.0, curve.key


def test_forwards_best_step_is_in_the_round_off_band_of_central_but_not_of_its_own():
    sweep = error_against_step(parse_expression("sin(x)"), 0.7, 1)
    forward = next(curve for curve in sweep.curves if curve.key == "forward")
    central = error_figure(sweep, reference="central")
    own = error_figure(sweep, reference="forward")
    assert np.log10(forward.best_h) < _boundary(central) - 1
    assert abs(np.log10(forward.best_h) - _boundary(own)) <= 1
    # The shading says whose it is.
    assert all("central (p=2)" in note.text for note in central.layout.annotations)
    assert all("forward (p=1)" in note.text for note in own.layout.annotations)


def test_a_single_lucky_step_in_the_noise_is_not_the_best_step():
    # round-off noise with one lucky step (index 3), then a valley around index 12
    error = np.array([1e-3] * 8 + [1e-4, 5e-5, 3e-5, 2e-5, 1e-5, 2e-5, 3e-5, 5e-5, 1e-4, 1e-3])
    error[3] = 1e-12
    assert best_step(error) == 12  # where the neighbourhood is best, not the spike
    assert best_step(np.full(4, np.nan)) is None


def test_the_steps_start_where_the_precision_still_resolves_them():
    assert steps_for("float64")[0] == pytest.approx(1e-16)
    assert steps_for("float32")[0] == pytest.approx(1e-9)
    assert steps_for("float16")[0] == pytest.approx(1e-6)
    assert all(steps[-1] == pytest.approx(1.0) for steps in map(steps_for, ("float16", "float32")))


@pytest.mark.parametrize("precision", ["float64", "float32", "float16"])
def test_the_h_axis_holds_data_across_most_of_its_width(precision):
    sweep = error_against_step(parse_expression("sin(x)"), 0.7, 1, precision=precision)
    low, high = error_figure(sweep).layout.xaxis.range
    assert (low, high) == x_range(sweep)
    defined = [np.log10(sweep.steps[np.isfinite(curve.error)]).min() for curve in sweep.curves]
    # The first defined step is at the left edge, not three-quarters of the way along.
    assert (min(defined) - low) / (high - low) < 0.1


def test_float16s_floor_is_the_derivative_rounded_to_float16():
    sweep = error_against_step(parse_expression("sin(x)"), 0.7, 1, precision="float16")
    rounding = abs(float(np.float16(np.cos(0.7))) - np.cos(0.7))
    assert sweep.rounding == pytest.approx(rounding, rel=1e-12)
    # A floor no step gets under: the answer is a float16 number.
    for curve in sweep.curves:
        assert np.nanmin(curve.error) >= rounding * (1 - 1e-9)
    flagged = [curve.key for curve in sweep.curves if at_rounding(sweep, curve.best_error)]
    assert "central6" in flagged
    assert "forward" not in flagged  # 1e-2: its own truncation and round-off
    names = [trace.name for trace in error_figure(sweep).data]
    assert "f′(x₀) rounded to float16" in names
    double = error_against_step(parse_expression("sin(x)"), 0.7, 1)
    assert not any(at_rounding(double, curve.best_error) for curve in double.curves)
    assert "f′(x₀) rounded to float64" not in [trace.name for trace in error_figure(double).data]


def test_the_page_shades_the_chosen_formula_and_names_float16s_floor():
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("views/fd_lab.py").run()
    assert not at.exception
    assert at.selectbox(key="lab_shade").value == "central"
    at.selectbox(key="lab_shade").set_value("forward").run()
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert all("forward (p=1)" in note["text"] for note in figure["layout"]["annotations"])
    assert any("Shaded for **forward (p=1)**" in caption.value for caption in at.caption)
    at.radio(key="lab_prec").set_value("float16").run()
    assert not at.exception
    assert any("itself rounded to float16" in info.value for info in at.info)
    table = at.dataframe[0].value
    assert table["best error"].str.contains("= f′ rounded").sum() >= 1
    # Taking the shaded formula off the chart shades one that is drawn.
    at.multiselect(key="lab_fm").set_value(["central4", "richardson"]).run()
    assert not at.exception
    assert at.selectbox(key="lab_shade").value == "central4"
