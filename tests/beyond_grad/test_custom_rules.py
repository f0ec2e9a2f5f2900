"""The lecture's `jax.custom_jvp` (closed forms, the float32 printout) and softplus's gradient:
naive against a custom rule, with SciPy's and mpmath's sigmoid as oracles."""

from __future__ import annotations

import math

import jax
import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.beyond_grad.custom_rules import (
    CustomJvp,
    SoftplusComparison,
    default_grid,
    lecture_custom_jvp,
    lecture_function,
    overflow_threshold,
    softplus_gradients,
    stable_softplus,
)
from core.beyond_grad.rule_figures import softplus_figure

# -log(smallest normal float): beyond it 1/(1 + eˣ) is subnormal, flushed to 0 on most CPUs.
NORMAL_LIMIT = {"float64": -math.log(np.finfo(np.float64).tiny),
                "float32": -math.log(float(np.finfo(np.float32).tiny))}  # fmt: skip


def mpmath_sigmoid(x: float) -> float:
    with mpmath.workdps(40):
        return float(1 / (1 + mpmath.exp(-mpmath.mpf(x))))


def one_sentence(message: str) -> bool:
    return "\n" not in message and message.endswith(".") and len(message) < 200


# -- the lecture's rule -----------------------------------------------------------------


def test_the_lecture_float32_printout():
    result = lecture_custom_jvp()
    assert isinstance(result, CustomJvp)
    # The lecture prints 2.7278922 and -1.2484405: 8 digits, within a float32 step.
    assert result.value_float32 == pytest.approx(2.7278922, rel=1e-7)
    assert result.tangent_float32 == pytest.approx(-1.2484405, rel=1e-7)
    for number in (result.value_float32, result.tangent_float32):
        assert float(np.float32(number)) == number  # a float32, not a rounded float64


def test_the_lecture_in_float64_against_the_closed_forms():
    result = lecture_custom_jvp(2.0, 3.0, (1.0, 0.0))
    assert result.value == pytest.approx(math.sin(2) * 3, rel=1e-12)
    assert result.tangent == pytest.approx(math.cos(2) * 3, rel=1e-12)
    assert result.primal == (2.0, 3.0)
    assert result.direction == (1.0, 0.0)
    # float64 is not the float32 printout: the two differ in the 8th digit.
    assert abs(result.value - result.value_float32) > 1e-9


@given(
    st.floats(-10, 10), st.floats(-10, 10),
    st.tuples(st.floats(-5, 5), st.floats(-5, 5)),
)  # fmt: skip
@settings(max_examples=40, deadline=None)
def test_the_rule_is_the_derivative(x, y, direction):
    dx, dy = direction
    result = lecture_custom_jvp(x, y, direction)
    want = math.cos(x) * dx * y + math.sin(x) * dy
    scale = abs(math.cos(x) * dx * y) + abs(math.sin(x) * dy)
    assert result.value == pytest.approx(math.sin(x) * y, rel=1e-12, abs=1e-300)
    assert result.tangent == pytest.approx(want, rel=1e-12, abs=1e-13 * scale + 1e-300)
    assert result.tangent_float32 == pytest.approx(want, rel=1e-5, abs=1e-5 * scale + 1e-30)


def test_grad_transposes_the_rule():
    by_x, by_y = jax.grad(lecture_function, argnums=(0, 1))(2.0, 3.0)
    assert float(by_x) == pytest.approx(3 * math.cos(2), rel=1e-12)
    assert float(by_y) == pytest.approx(math.sin(2), rel=1e-12)


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        ((math.nan, 3.0, (1.0, 0.0)), "x must be finite"),
        ((2.0, "three", (1.0, 0.0)), "y must be a number"),
        ((2.0, 3.0, (1.0, 0.0, 0.0)), "two numbers"),
        ((2.0, 3.0, (1.0, math.inf)), "second entry must be finite"),
    ],
)
def test_bad_lecture_arguments(arguments, words):
    with pytest.raises(ValueError, match=words) as error:
        lecture_custom_jvp(*arguments)
    assert one_sentence(str(error.value))


# -- softplus: where the naive gradient breaks -------------------------------------------


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_the_naive_gradient_breaks_where_exp_overflows(dtype):
    comparison = softplus_gradients(dtype)
    assert isinstance(comparison, SoftplusComparison)
    assert comparison.dtype == dtype
    xs, naive = comparison.xs, comparison.naive
    threshold = math.log(float(np.finfo(np.dtype(dtype)).max))
    assert overflow_threshold(dtype) == pytest.approx(threshold, rel=1e-12)
    assert threshold == pytest.approx({"float64": 709.78, "float32": 88.72}[dtype], abs=0.01)
    index = int(np.searchsorted(xs, comparison.breaks_at))
    step = xs[index] - xs[index - 1]
    assert abs(comparison.breaks_at - threshold) <= step
    assert np.isfinite(naive[:index]).all()
    assert not np.isfinite(naive[index:]).any()  # nan from the break on
    assert xs[-1] >= 1.05 * threshold  # the default grid shows the break and beyond


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_the_naive_gradient_is_right_while_its_numbers_are_normal(dtype):
    comparison = softplus_gradients(dtype)
    safe = comparison.xs < NORMAL_LIMIT[dtype] - 1.0
    rtol = 1e-12 if dtype == "float64" else 1e-5
    np.testing.assert_allclose(comparison.naive[safe], comparison.exact[safe], rtol=rtol)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_the_custom_rule_is_exact_everywhere(dtype):
    comparison = softplus_gradients(dtype)
    rtol = 1e-12 if dtype == "float64" else 1e-6
    assert np.isfinite(comparison.custom).all()
    np.testing.assert_allclose(comparison.custom, comparison.exact, rtol=rtol)
    assert comparison.exact[-1] == 1.0  # far beyond the break, σ(x) = 1 to the last bit


def test_the_custom_rule_against_mpmath_far_beyond_the_break():
    xs = [-300.0, -30.0, -1.0, 0.0, 0.5, 5.0, 40.0, 709.0, 720.0, 1000.0, 1e6]
    comparison = softplus_gradients("float64", xs)
    want = np.array([mpmath_sigmoid(x) for x in xs])
    np.testing.assert_allclose(comparison.custom, want, rtol=1e-12)
    np.testing.assert_allclose(comparison.exact, want, rtol=1e-12)
    assert comparison.breaks_at == 720.0
    assert np.isnan(comparison.naive[-3:]).all()


def test_float32_breaks_two_orders_of_magnitude_sooner():
    comparison = softplus_gradients("float32", [0.0, 50.0, 88.0, 89.0, 100.0, 1000.0])
    assert comparison.breaks_at == 89.0
    np.testing.assert_allclose(comparison.custom, [0.5, 1.0, 1.0, 1.0, 1.0, 1.0], rtol=1e-6)


def test_a_grid_that_never_breaks():
    comparison = softplus_gradients("float64", np.linspace(-5, 5, 11))
    assert math.isnan(comparison.breaks_at)
    np.testing.assert_allclose(comparison.naive, comparison.exact, rtol=1e-12)


def test_the_stable_value_matches_mpmath():
    xs = np.array([-50.0, -1.0, 0.0, 3.0, 800.0])
    with mpmath.workdps(40):
        want = [float(mpmath.log1p(mpmath.exp(mpmath.mpf(x)))) for x in xs]
    np.testing.assert_allclose(np.asarray(stable_softplus(xs)), want, rtol=1e-12)


def test_the_default_grid_is_fine_near_the_break():
    grid = default_grid("float64")
    near = grid[np.abs(grid - overflow_threshold("float64")) < 1.0]
    assert np.diff(near).max() <= 0.021
    assert (np.diff(grid) > 0).all()


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        (("float16", None), "'float32' or 'float64'"),
        (("float64", [[0.0, 1.0]]), "flat list"),
        (("float64", [1.0]), "flat list"),
        (("float64", [0.0, math.nan]), "finite"),
        (("float64", [1.0, 0.0]), "increasing"),
        (("float64", ["a", "b"]), "must be numbers"),
    ],
)
def test_bad_softplus_arguments(arguments, words):
    with pytest.raises(ValueError, match=words) as error:
        softplus_gradients(*arguments)
    assert one_sentence(str(error.value))


# -- the figure -----------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_the_softplus_figure(dtype):
    comparison = softplus_gradients(dtype)
    figure = softplus_figure(comparison)
    names = [trace.name for trace in figure.data]
    assert len(names) == 3
    assert any("naive" in name for name in names)
    assert any("custom" in name for name in names)
    assert any("exact" in name for name in names)
    naive, custom = (np.asarray(trace.y, dtype=np.float64) for trace in figure.data[:2])
    assert np.isnan(naive[-1])
    assert np.isfinite(custom).all()
    np.testing.assert_allclose(custom, comparison.custom, rtol=1e-6)
    (line,) = figure.layout.shapes
    assert line.x0 == line.x1 == comparison.breaks_at
    (note,) = figure.layout.annotations
    assert note.text.startswith(f"naive gradient = nan from x ≈ {comparison.breaks_at:.4g}")
    assert figure.layout.height == 400
    assert figure.layout.xaxis.title.text == "x"
    assert figure.layout.yaxis.title.text
    assert len(figure.to_json()) < 60_000  # float32 numbers and a grid sent as start + step


def test_the_figure_without_a_break():
    figure = softplus_figure(softplus_gradients("float64", np.linspace(-5, 5, 11)))
    assert not figure.layout.shapes
    assert not figure.layout.annotations
