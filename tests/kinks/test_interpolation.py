"""Derivatives of interpolants (`core.kinks.interpolation`): secant slopes, orders, figures."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import plotly.graph_objects as go
import pytest

from core import parse_expression
from core.kinks.interpolation import MAX_KNOTS, interpolation_view
from core.kinks.interpolation_figures import derivative_figure, values_figure

COS_2X = parse_expression("cos(2x)")


def loglog_slope(spacings, errors) -> float:
    slope, _ = np.polyfit(np.log(spacings), np.log(errors), 1)
    return float(slope)


def test_knots_and_curves_have_the_promised_shapes_and_values():
    view = interpolation_view(COS_2X, 20, (0.0, 3.0), points=400)
    assert view.knots_x.shape == view.knots_y.shape == (20,)
    assert view.xs.shape == (400,)
    for row in (view.linear, view.linear_derivative, view.spline, view.spline_derivative,
                view.true, view.true_derivative):  # fmt: skip
        assert row.shape == (400,)
        assert row.dtype == np.float64
    np.testing.assert_allclose(view.knots_y, np.cos(2 * view.knots_x), rtol=0, atol=1e-15)
    np.testing.assert_allclose(view.true, np.cos(2 * view.xs), rtol=0, atol=1e-15)
    np.testing.assert_allclose(view.true_derivative, -2 * np.sin(2 * view.xs), atol=1e-13)
    np.testing.assert_allclose(view.linear, np.interp(view.xs, view.knots_x, view.knots_y))
    # Both interpolants pass through the data.
    at_knots = np.isin(view.xs, view.knots_x)
    assert at_knots.sum() >= 2
    np.testing.assert_allclose(view.spline[at_knots], np.cos(2 * view.xs[at_knots]), atol=1e-14)


@pytest.mark.parametrize("knots", [2, 5, 20, 63, MAX_KNOTS])
def test_linear_derivative_is_the_secant_slope_between_knots(knots):
    view = interpolation_view(COS_2X, knots, (-1.0, 2.5), points=1001)
    secants = np.diff(view.knots_y) / np.diff(view.knots_x)
    interval = np.searchsorted(view.knots_x, view.xs, side="right") - 1
    inside = ~np.isin(view.xs, view.knots_x)  # strictly between two knots
    assert inside.sum() > 500
    np.testing.assert_allclose(
        view.linear_derivative[inside], secants[interval[inside]], rtol=1e-12, atol=1e-12
    )
    # Piecewise constant: one value per interval.
    for i in np.unique(interval[inside]):
        values = view.linear_derivative[inside & (interval == i)]
        assert np.ptp(values) <= 1e-12 * max(1.0, np.abs(values).max())


def test_linear_derivative_is_plain_grad_of_jnp_interp():
    # The view pads its knots so that changing their number does not recompile; the
    # result must be what the one-line program in the module's docstring computes.
    view = interpolation_view(COS_2X, 17, (0.0, 3.0), points=300)
    kx, ky = jnp.asarray(view.knots_x), jnp.asarray(view.knots_y)
    expected = jax.vmap(jax.grad(lambda t: jnp.interp(t, kx, ky)))(jnp.asarray(view.xs))
    # Equal but for rounding at the last knot, where the padded segment's slope is
    # the last secant recomputed.
    np.testing.assert_allclose(view.linear_derivative, np.asarray(expected), rtol=1e-14, atol=0)


def test_linear_derivative_jumps_at_the_knots():
    view = interpolation_view(COS_2X, 8, (0.0, 3.0), points=800)
    jumps = np.abs(np.diff(view.linear_derivative))
    # With 7 intervals there are 6 interior knots, hence 6 jumps, and nothing else moves.
    assert (jumps > 1e-9).sum() == 6


def test_spline_derivative_converges_at_third_order():
    spacings, errors = [], []
    for knots in (10, 20, 40, 80, 160):
        view = interpolation_view(COS_2X, knots, (0.0, 3.0), points=2000)
        spacings.append(view.spacing)
        errors.append(view.spline_derivative_error)
    assert loglog_slope(spacings, errors) > 2.5


def test_linear_derivative_converges_at_first_order():
    spacings, errors = [], []
    for knots in (10, 20, 40, 80, 160):
        view = interpolation_view(COS_2X, knots, (0.0, 3.0), points=2000)
        spacings.append(view.spacing)
        errors.append(view.linear_derivative_error)
    assert abs(loglog_slope(spacings, errors) - 1.0) < 0.3


def test_spline_beats_linear_and_errors_are_max_differences():
    view = interpolation_view(COS_2X, 20, (0.0, 3.0))
    assert view.spline_derivative_error < view.linear_derivative_error / 10
    assert view.linear_derivative_error == pytest.approx(
        np.max(np.abs(view.linear_derivative - view.true_derivative))
    )


def test_parameters_and_constants():
    view = interpolation_view(parse_expression("a*x"), 3, (0.0, 1.0), params={"a": 2.0})
    np.testing.assert_allclose(view.linear_derivative, 2.0)
    constant = interpolation_view(parse_expression("5"), 4, (0.0, 1.0), points=50)
    np.testing.assert_array_equal(constant.true, np.full(50, 5.0))
    np.testing.assert_array_equal(constant.linear_derivative, np.zeros(50))
    assert constant.spline_derivative_error == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"knots": 1}, ValueError, "between 2 and 200"),
        ({"knots": 201}, ValueError, "between 2 and 200"),
        ({"knots": 2.5}, TypeError, "whole number"),
        ({"knots": True}, TypeError, "whole number"),
        ({"x_range": (1.0, 1.0)}, ValueError, "start < end"),
        ({"x_range": (0.0, np.inf)}, ValueError, "finite"),
        ({"x_range": (0.0,)}, ValueError, "two numbers"),
        ({"points": 1}, ValueError, "points"),
    ],
)
def test_bad_arguments_say_what_to_do(kwargs, error, match):
    arguments = {"knots": 10, "x_range": (0.0, 1.0), **kwargs}
    with pytest.raises(error, match=match):
        interpolation_view(COS_2X, **arguments)


def test_a_function_undefined_at_a_knot_is_refused():
    with pytest.raises(ValueError, match=r"not finite at the knot x = 0"):
        interpolation_view(parse_expression("1/x"), 3, (-1.0, 1.0))


def test_unknown_parameter_is_refused():
    with pytest.raises(ValueError, match="not a parameter"):
        interpolation_view(COS_2X, 5, (0.0, 1.0), params={"b": 1.0})


def test_figures_draw_every_curve_and_steps_for_the_linear_derivative():
    view = interpolation_view(COS_2X, 12, (0.0, 3.0), points=200)
    values, derivatives = values_figure(view), derivative_figure(view)
    assert isinstance(values, go.Figure)
    assert isinstance(derivatives, go.Figure)
    by_name = {trace.name: trace for trace in derivatives.data}
    assert set(by_name) == {
        "f′ (autodiff of f)", "linear interpolant′ (grad + vmap)", "cubic spline′", "knots",
    }  # fmt: skip
    assert by_name["linear interpolant′ (grad + vmap)"].line.shape == "hv"
    np.testing.assert_array_equal(by_name["knots"].x, view.knots_x)
    knots = next(trace for trace in values.data if trace.name == "knots")
    np.testing.assert_array_equal(knots.y, view.knots_y)
    assert len(values.data) == 4
    assert derivatives.layout.xaxis.title.text == "x"
