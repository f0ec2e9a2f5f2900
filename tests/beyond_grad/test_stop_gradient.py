"""The TD(0) pseudo-loss with and without `stop_gradient`: the lecture's update, the closed
forms −δ·s_prev and δ·(s − s_prev) for random θ, s and r, and the bar figure."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.beyond_grad.rule_figures import td_figure
from core.beyond_grad.stop_gradient import TDUpdate, full_loss, semi_gradient_loss, td_update

LECTURE = {"theta": (0.1, -0.1, 0.0), "s_prev": (1.0, 2.0, -1.0), "r": 1.0, "s": (2.0, 1.0, 0.0)}
numbers = st.floats(-10, 10, allow_nan=False, allow_infinity=False)
triples = st.tuples(numbers, numbers, numbers)


def test_the_lecture_update():
    update = td_update(**LECTURE)
    assert isinstance(update, TDUpdate)
    # The lecture prints the semi-gradient [-1.2, -2.4, 1.2].
    np.testing.assert_allclose(update.semi_gradient, [-1.2, -2.4, 1.2], rtol=1e-12)
    assert update.value_prev == pytest.approx(-0.1, rel=1e-12)  # 0.1·1 − 0.1·2 + 0
    assert update.target == pytest.approx(1.1, rel=1e-12)  # 1 + 0.1·2 − 0.1·1
    assert update.td_error == pytest.approx(1.2, rel=1e-12)


def test_the_lecture_full_gradient_differs():
    update = td_update(**LECTURE)
    # δ·(s − s_prev) = 1.2·(1, −1, 1)
    np.testing.assert_allclose(update.full_gradient, [1.2, -1.2, 1.2], rtol=1e-12)
    assert np.abs(update.full_gradient - update.semi_gradient).max() > 1.0


@given(triples, triples, numbers, triples)
@settings(max_examples=60, deadline=None)
def test_the_closed_forms(theta, s_prev, r, s):
    update = td_update(theta, s_prev, r, s)
    theta, s_prev, s = np.array(theta), np.array(s_prev), np.array(s)
    value_prev, target = theta @ s_prev, r + theta @ s
    delta = target - value_prev
    # Sums of products of numbers up to 10: errors are a few ulps of the largest term.
    scale = 1.0 + abs(r) + np.abs(theta) @ (np.abs(s_prev) + np.abs(s))
    tolerance = 1e-13 * scale * (1.0 + np.abs(s_prev) + np.abs(s)).max()
    assert update.value_prev == pytest.approx(value_prev, abs=1e-13 * scale)
    assert update.target == pytest.approx(target, abs=1e-13 * scale)
    assert update.td_error == pytest.approx(delta, abs=1e-13 * scale)
    np.testing.assert_allclose(update.semi_gradient, -delta * s_prev, rtol=0, atol=tolerance)
    np.testing.assert_allclose(update.full_gradient, delta * (s - s_prev), rtol=0, atol=tolerance)


@given(triples, triples, numbers, triples)
@settings(max_examples=30, deadline=None)
def test_stop_gradient_changes_the_gradient_not_the_loss(theta, s_prev, r, s):
    arguments = (np.array(theta), np.array(s_prev), r, np.array(s))
    semi, full = float(semi_gradient_loss(*arguments)), float(full_loss(*arguments))
    assert semi == pytest.approx(full, rel=1e-12, abs=1e-300)


def test_a_small_td_step_moves_v_prev_towards_the_frozen_target():
    update = td_update(**LECTURE)
    step = 0.01
    theta = np.array(LECTURE["theta"]) - step * update.semi_gradient
    moved = theta @ np.array(LECTURE["s_prev"])
    assert abs(update.target - moved) < abs(update.td_error)


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"theta": (0.1, -0.1)}, "θ must be 3 numbers"),
        ({"s_prev": [[1.0, 2.0, -1.0]]}, "s_prev must be 3 numbers"),
        ({"s": (2.0, math.nan, 0.0)}, "s must hold finite numbers"),
        ({"s": ("a", 1.0, 0.0)}, "s must be 3 numbers"),
        ({"r": math.inf}, "reward r must be finite"),
        ({"r": "one"}, "reward r must be a number"),
    ],
)
def test_bad_arguments(changes, words):
    with pytest.raises(ValueError, match=words) as error:
        td_update(**{**LECTURE, **changes})
    message = str(error.value)
    assert "\n" not in message
    assert message.endswith(".")


def test_the_figure():
    update = td_update(**LECTURE)
    figure = td_figure(update)
    assert [trace.type for trace in figure.data] == ["bar", "bar"]
    semi, full = figure.data
    assert "stop_gradient" in semi.name
    assert "full" in full.name
    assert list(semi.x) == ["∂L/∂θ₁", "∂L/∂θ₂", "∂L/∂θ₃"]
    np.testing.assert_allclose(np.asarray(semi.y, dtype=float), update.semi_gradient, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(full.y, dtype=float), update.full_gradient, rtol=1e-6)
    assert semi.marker.color != full.marker.color
    assert figure.layout.barmode == "group"
    assert figure.layout.height == 400
    assert figure.layout.xaxis.title.text
    assert figure.layout.yaxis.title.text
    low, high = figure.layout.yaxis.range
    assert low < -2.4
    assert high > 2.4


def test_the_figure_of_a_zero_update():
    update = td_update((0.0, 0.0, 0.0), (1.0, 2.0, -1.0), 0.0, (2.0, 1.0, 0.0))
    figure = td_figure(update)
    assert np.all(np.asarray(figure.data[0].y, dtype=float) == 0)
    low, high = figure.layout.yaxis.range
    assert low < 0 < high
