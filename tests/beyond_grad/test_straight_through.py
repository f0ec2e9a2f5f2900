"""The straight-through estimator: the lecture's quantiser, its gradients for random w and y,
the ties it refuses, and round(x) with its two "derivatives"."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from core.beyond_grad.rule_figures import rounding_figure
from core.beyond_grad.straight_through import (
    Quantiser,
    RoundingPicture,
    quantiser,
    rounding_picture,
)

numbers = st.floats(-10, 10, allow_nan=False, allow_infinity=False)


def one_sentence(message: str) -> bool:
    return "\n" not in message and message.endswith(".") and len(message) < 200


def test_the_lecture_quantiser():
    result = quantiser((1, 2, 3), (0.1, 0.2, 0.7))
    assert isinstance(result, Quantiser)
    assert result.value == pytest.approx(3.0, rel=1e-12)
    np.testing.assert_array_equal(result.gradient, [0.0, 0.0, 0.0])
    assert result.ste_value == pytest.approx(3.0, rel=1e-12)
    np.testing.assert_allclose(result.ste_gradient, [1.0, 2.0, 3.0], rtol=1e-12)
    np.testing.assert_array_equal(result.one_hot, [0.0, 0.0, 1.0])


@given(
    st.integers(2, 6).flatmap(
        lambda n: st.tuples(
            st.lists(numbers, min_size=n, max_size=n), st.lists(numbers, min_size=n, max_size=n)
        )
    )
)
@settings(max_examples=60, deadline=None)  # fmt: skip
def test_the_estimator_passes_w_through_and_the_quantiser_nothing(pair):
    w, y = pair
    assume(y.count(max(y)) == 1)
    result = quantiser(w, y)
    winner = int(np.argmax(y))
    expected_one_hot = np.eye(len(y))[winner]
    np.testing.assert_array_equal(result.one_hot, expected_one_hot)
    np.testing.assert_array_equal(result.gradient, np.zeros(len(y)))
    np.testing.assert_allclose(result.ste_gradient, w, rtol=1e-12, atol=0)
    # The value is wᵀq(y) = w[winner]; y + (q − y) rounds by a few ulps of |y|.
    slack = 1e-14 * (1.0 + np.abs(w).sum() * (1.0 + np.abs(y).max()))
    assert result.value == pytest.approx(w[winner], abs=1e-300)
    assert result.ste_value == pytest.approx(w[winner], abs=slack)


@pytest.mark.parametrize(
    ("y", "words"),
    [
        ((0.4, 0.4, 0.2), "y1 and y2 are both 0.4"),
        ((0.2, 0.4, 0.4), "y2 and y3 are both 0.4"),
        ((0.3, 0.3, 0.3), "y1, y2, y3 are all 0.3"),
    ],
)
def test_a_tie_is_refused_and_named(y, words):
    with pytest.raises(ValueError, match=words) as error:
        quantiser((1, 2, 3), y)
    assert one_sentence(str(error.value))


@pytest.mark.parametrize(
    ("w", "y", "words"),
    [
        ((1, 2, 3), (0.1, 0.9), "same length"),
        ((1,), (0.5,), "at least 2 numbers"),
        ((1, 2, 3), ((0.1, 0.2, 0.7),), "at least 2 numbers"),
        ((1, math.nan, 3), (0.1, 0.2, 0.7), "w must hold finite numbers"),
        ((1, 2, 3), (0.1, math.inf, 0.7), "y must hold finite numbers"),
        ((1, 2, 3), "abc", "must be a list of numbers"),
    ],
)
def test_bad_quantiser_arguments(w, y, words):
    with pytest.raises(ValueError, match=words) as error:
        quantiser(w, y)
    assert one_sentence(str(error.value))


# -- round(x) -------------------------------------------------------------------------------


def test_the_rounding_picture():
    picture = rounding_picture()
    assert isinstance(picture, RoundingPicture)
    assert len(picture.xs) == 501
    assert picture.xs[0] == -2.5
    assert picture.xs[-1] == 2.5
    np.testing.assert_array_equal(picture.rounded, np.round(picture.xs))  # half to even
    assert picture.rounded[0] == -2.0
    assert picture.rounded[-1] == 2.0
    np.testing.assert_array_equal(picture.true_derivative, np.zeros(501))
    np.testing.assert_array_equal(picture.ste_derivative, np.ones(501))


@given(numbers, st.floats(0.01, 20), st.integers(2, 300))
@settings(max_examples=20, deadline=None)
def test_rounding_on_any_grid(low, width, n):
    picture = rounding_picture((low, low + width), n)
    np.testing.assert_array_equal(picture.rounded, np.round(picture.xs))
    assert (picture.true_derivative == 0).all()
    assert (picture.ste_derivative == 1).all()


@pytest.mark.parametrize(
    ("x_range", "n", "words"),
    [
        ((1.0, -1.0), 11, "low < high"),
        ((0.0, math.inf), 11, "finite"),
        ((0.0,), 11, "two numbers"),
        ((-1.0, 1.0), 1, "from 2 to"),
        ((-1.0, 1.0), 2.5, "whole number"),
        ((-1.0, 1.0), True, "whole number"),
        ((-1.0, 1.0), 20_000, "from 2 to"),
    ],
)
def test_bad_rounding_arguments(x_range, n, words):
    with pytest.raises(ValueError, match=words) as error:
        rounding_picture(x_range, n)
    assert one_sentence(str(error.value))


def test_the_rounding_figure():
    picture = rounding_picture()
    figure = rounding_figure(picture)
    stairs, true, estimated, jumps = figure.data
    assert stairs.name == "round(x)"
    assert "jax.grad" in true.name
    assert "straight-through" in estimated.name
    # The staircase is broken once per jump: no vertical risers drawn.
    assert int(np.isnan(np.asarray(stairs.y, dtype=float)).sum()) == 4
    np.testing.assert_array_equal(np.asarray(true.y, dtype=float), 0.0)
    np.testing.assert_array_equal(np.asarray(estimated.y, dtype=float), 1.0)
    # Four jumps, one step apart from −1.5: a uniform grid sent as its start and step.
    assert len(jumps.y) == 4
    assert (jumps.x0, jumps.dx) == (-1.5, 1.0)
    colours = {stairs.line.color, true.line.color, estimated.line.color}
    assert len(colours) == 3
    assert figure.layout.height == 400
    assert figure.layout.xaxis.title.text == "x"
    assert len(figure.to_json()) < 40_000


def test_a_wide_range_has_no_forest_of_jump_markers():
    figure = rounding_figure(rounding_picture((-1e6, 1e6), 101))
    assert [trace.name for trace in figure.data] == [
        "round(x)", "jax.grad(round): 0", "straight-through: 1",
    ]  # fmt: skip
