"""Regression by descent (`core.regression`: lines, polynomials, logistic) and its figures."""

from __future__ import annotations

import jax
import numpy as np
import plotly.graph_objects as go
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.regression.figures import (
    line_fit_figure,
    logistic_figure,
    logistic_loss_figure,
    loss_history_figure,
    loss_path_figure,
    per_example_table_figure,
    polynomial_figure,
    polynomial_loss_figure,
)
from core.regression.gradient_descent import gradient_descent
from core.regression.line_fit import (
    analytic_gradient,
    closed_form,
    contour_ranges,
    fit_line,
    loss_grid,
    mse_loss,
)
from core.regression.logistic import (
    compare_logistic,
    decision_boundary,
    fit_bfgs,
    fit_newton,
    negative_log_likelihood,
    nll_gradient,
    nll_hessian,
)
from core.regression.per_example import per_example_gradients, per_example_table
from core.regression.polynomial import compare_polynomial, conditioning, polyfit_reference
from core.regression.samples import (
    class_data,
    regression_data,
    simulate_curve,
    simulate_line,
    two_blobs,
)

LINE = simulate_line()
BLOBS = two_blobs()
SEPARABLE = two_blobs(separation=10.0, spread=0.5)


# ---- straight lines ------------------------------------------------------------------------


def test_simulated_line_is_float64_and_follows_its_parameters():
    data = simulate_line(n=2000, alpha=-1.5, beta=4.0, sigma=0.0, seed=3)
    assert data.x.dtype == data.y.dtype == np.float64
    np.testing.assert_allclose(data.y, -1.5 * data.x + 4.0, rtol=0, atol=1e-12)
    assert data.x.min() >= 0.0
    assert data.x.max() <= 5.0


@pytest.mark.parametrize("seed", [0, 7])
def test_same_seed_same_data_and_fits(seed):
    first, second = simulate_line(seed=seed), simulate_line(seed=seed)
    np.testing.assert_array_equal(first.x, second.x)
    np.testing.assert_array_equal(first.y, second.y)
    assert not np.array_equal(first.y, simulate_line(seed=seed + 1).y)
    np.testing.assert_array_equal(fit_line(first).bb.path, fit_line(second).bb.path)
    np.testing.assert_array_equal(two_blobs(seed=seed).points, two_blobs(seed=seed).points)


@pytest.mark.parametrize("rule", ["fixed", "bb"])
def test_descent_reaches_the_closed_form_answer(rule):
    fits = fit_line(LINE, tol=1e-10, max_iterations=5000)
    result = fits.fixed if rule == "fixed" else fits.bb
    assert result.converged, result.message
    assert result.distance < 1e-6
    np.testing.assert_allclose(result.path[-1], np.polyfit(LINE.x, LINE.y, 1), atol=1e-6)
    assert result.path.shape == (result.iterations + 1, 2)
    assert result.losses.shape == result.gradient_norms.shape == (result.iterations + 1,)
    assert result.final_loss == result.losses[-1]
    assert result.final_loss == pytest.approx(fits.closed_form_loss, rel=1e-12)


def test_barzilai_borwein_needs_far_fewer_iterations_than_a_fixed_step():
    fits = fit_line(LINE, tol=1e-10, max_iterations=5000)
    assert fits.fixed.converged
    assert fits.bb.converged
    assert fits.bb.iterations * 20 < fits.fixed.iterations


def test_relative_loss_rule_also_stops_near_the_answer():
    fits = fit_line(LINE, tol=1e-15, stopping="relative_loss", max_iterations=5000)
    assert fits.fixed.converged
    assert "relative loss change" in fits.fixed.message
    assert fits.fixed.distance < 1e-5


def test_a_huge_step_diverges_into_a_message_and_a_finite_partial_path():
    fits = fit_line(LINE, step_size=1e3)
    result = fits.fixed
    assert not result.converged
    assert "Diverged" in result.message
    assert "try" in result.message
    assert 1 <= result.iterations < 20
    assert np.isfinite(result.path).all()
    assert np.isfinite(result.losses).all()
    assert result.losses[-1] > result.losses[0]


def test_cap_reached_is_reported_not_raised():
    result = fit_line(LINE, max_iterations=5).fixed
    assert not result.converged
    assert result.iterations == 5
    assert "cap" in result.message


def test_overflow_is_a_divergence_too():
    # Steps so large that the second iterate overflows: it is left out of the path.
    result = fit_line(LINE, step_size=1e200).fixed
    assert not result.converged
    assert "Diverged" in result.message
    assert np.isfinite(result.path).all()


@given(st.floats(-5, 5), st.floats(-5, 5))
@settings(max_examples=25, deadline=None)
def test_jax_gradient_equals_the_analytic_gradient(alpha, beta):
    params = np.array([alpha, beta])
    ad = np.asarray(jax.grad(mse_loss)(params, LINE.x, LINE.y))
    np.testing.assert_allclose(
        ad, analytic_gradient(params, LINE.x, LINE.y), rtol=1e-12, atol=1e-12
    )


def test_gradient_vanishes_at_the_closed_form_solution():
    best = closed_form(LINE.x, LINE.y)
    assert np.linalg.norm(analytic_gradient(best, LINE.x, LINE.y)) < 1e-12


def test_loss_grid_equals_the_loss_at_every_node():
    grid = loss_grid(LINE.x, LINE.y, (0.0, 3.0), (-2.0, 1.0), 7)
    assert grid.losses.shape == (7, 7)
    for i, beta in enumerate(grid.betas):
        for j, alpha in enumerate(grid.alphas):
            direct = float(mse_loss(np.array([alpha, beta]), LINE.x, LINE.y))
            assert grid.losses[i, j] == pytest.approx(direct, rel=1e-12)


def test_contour_ranges_hold_the_paths_and_the_solution():
    fits = fit_line(LINE)
    (a_low, a_high), (b_low, b_high) = contour_ranges(fits)
    for path in (fits.fixed.path, fits.bb.path, fits.closed_form[None]):
        assert (a_low <= path[:, 0]).all()
        assert (path[:, 0] <= a_high).all()
        assert (b_low <= path[:, 1]).all()
        assert (path[:, 1] <= b_high).all()


@pytest.mark.parametrize(
    ("x", "y", "fragment"),
    [([1, 2], [1, 2, 3], "equally long"), ([1, np.nan], [1, 2], "finite"),
     ([2, 2, 2], [1, 2, 3], "same"), ([1], [1], "at least 2")],
)  # fmt: skip
def test_uploaded_samples_are_validated_with_advice(x, y, fragment):
    with pytest.raises(ValueError, match=fragment):
        regression_data(x, y)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [({"step_size": -1.0}, "step size"), ({"tol": 0.0}, "tolerance"),
     ({"rule": "newton"}, "step rule"), ({"stopping": "never"}, "stopping rule"),
     ({"max_iterations": -1}, "cap")],
)  # fmt: skip
def test_descent_arguments_are_validated(kwargs, fragment):
    from core.regression.line_fit import _mse_value_and_grad

    options = {"step_size": 0.1, **kwargs}
    with pytest.raises(ValueError, match=fragment):
        gradient_descent(_mse_value_and_grad, np.zeros(2), (LINE.x, LINE.y), **options)


# ---- polynomials ---------------------------------------------------------------------------


@pytest.mark.parametrize("degree", [2, 3, 5, 8])
def test_scaling_x_to_the_unit_interval_shrinks_the_condition_number(degree):
    numbers = conditioning(simulate_curve().x, degree)
    assert numbers.scaled_vandermonde * 10 < numbers.raw_vandermonde
    assert numbers.raw_normal == pytest.approx(numbers.raw_vandermonde**2)
    assert numbers.scaled_normal < 1e-2 * numbers.raw_normal


def test_descent_on_scaled_features_reaches_polyfit_while_raw_features_stall():
    comparison = compare_polynomial(simulate_curve(), degree=3, tol=1e-10, max_iterations=4000)
    scaled, raw = comparison.scaled, comparison.raw
    assert scaled.descent.converged, scaled.descent.message
    assert scaled.descent.distance < 1e-6
    np.testing.assert_allclose(scaled.curve, comparison.reference_curve, atol=1e-6)
    assert not raw.descent.converged
    assert "cap" in raw.descent.message
    assert raw.descent.final_loss > 10 * raw.reference_loss  # far from the least-squares fit


def test_polynomial_curves_are_on_the_plotting_grid():
    comparison = compare_polynomial(simulate_curve(), degree=2, points=50)
    assert comparison.curve_x.shape == comparison.reference_curve.shape == (50,)
    assert comparison.raw.curve.shape == comparison.scaled.curve.shape == (50,)


def test_rank_warning_is_reported_as_data():
    # Degree 9 through 10 points, two of them equal: polyfit's matrix is rank deficient.
    x = np.array([0.0, 0.0, 1, 2, 3, 4, 5, 6, 7, 8])
    _, warning = polyfit_reference(x, np.sin(x), 9)
    assert warning is not None
    assert "poorly conditioned" in warning
    assert polyfit_reference(np.arange(5.0), np.arange(5.0), 1)[1] is None


def test_degree_is_validated():
    with pytest.raises(ValueError, match="degree"):
        compare_polynomial(simulate_curve(n=5), degree=5)


# ---- logistic regression -------------------------------------------------------------------


@pytest.mark.parametrize("data", [BLOBS, SEPARABLE], ids=["overlapping", "separable"])
def test_newton_converges_fast_and_matches_scipy_bfgs(data):
    newton, bfgs = fit_newton(data), fit_bfgs(data)
    assert newton.converged, newton.message
    assert newton.iterations < 20
    np.testing.assert_allclose(newton.weights[-1], bfgs.weights, atol=1e-5)
    assert newton.weights.shape == (newton.iterations + 1, 3)
    assert np.all(np.diff(newton.losses) <= 0)  # the line search only accepts decreases


def test_separable_data_needs_the_ridge_and_it_keeps_the_hessian_positive_definite():
    weights = fit_newton(SEPARABLE).weights[-1]
    eigenvalues = np.linalg.eigvalsh(np.asarray(nll_hessian(weights, *SEPARABLE[:2], 1e-3)))
    assert eigenvalues.min() >= 1e-3 * (1 - 1e-9)


def test_nll_gradient_equals_central_differences():
    weights, h = np.array([0.3, -0.7, 1.1]), 1e-6
    args = (BLOBS.points, BLOBS.labels, 1e-3)
    steps = h * np.eye(3)
    numeric = [
        (negative_log_likelihood(weights + e, *args) - negative_log_likelihood(weights - e, *args))
        / (2 * h)
        for e in steps
    ]
    np.testing.assert_allclose(nll_gradient(weights, *args), numeric, rtol=1e-7, atol=1e-9)


def test_nll_is_finite_for_huge_logits():
    weights = np.array([0.0, 1e4, 1e4])  # log σ(−z) would be log(0) written naively
    assert np.isfinite(float(negative_log_likelihood(weights, BLOBS.points, BLOBS.labels)))
    assert np.isfinite(np.asarray(nll_gradient(weights, BLOBS.points, BLOBS.labels))).all()


def test_per_example_gradients_average_to_the_full_gradient():
    weights = np.array([0.2, 1.0, -0.5])
    per_example = per_example_gradients(weights, BLOBS.points, BLOBS.labels)
    assert per_example.shape == (len(BLOBS.points), 3)
    full = np.asarray(nll_gradient(weights, BLOBS.points, BLOBS.labels))
    np.testing.assert_allclose(per_example.mean(axis=0), full, rtol=1e-12, atol=1e-15)
    table = per_example_table(BLOBS, weights, count=4)
    assert table.gradients.shape == (4, 3)
    assert table.points.shape == (4, 2)
    np.testing.assert_allclose(table.mean_gradient, table.full_gradient, atol=1e-15)
    norms = np.linalg.norm(table.gradients, axis=1)
    assert np.all(np.diff(norms) <= 0)
    assert norms[0] == np.linalg.norm(per_example, axis=1).max()


def test_gradient_descent_on_logistic_loss_approaches_bfgs():
    comparison = compare_logistic(BLOBS)
    assert comparison.gradient_descent.converged, comparison.gradient_descent.message
    assert comparison.gradient_descent.distance < 1e-5
    assert comparison.newton.distance < 1e-6


def test_decision_boundary_is_where_the_probability_is_one_half():
    weights = np.array([0.5, 2.0, -1.0])
    boundary = decision_boundary(weights, (-3.0, 3.0, -2.0, 2.0))
    np.testing.assert_allclose(weights[0] + weights[1] * boundary.x + weights[2] * boundary.y, 0,
                               atol=1e-12)  # fmt: skip
    assert len(decision_boundary(np.array([1.0, 0.0, 0.0]), (0, 1, 0, 1)).x) == 0
    fit = fit_newton(BLOBS)
    assert len(fit.boundary_at(0).x) == 0  # w = 0 classifies nothing
    np.testing.assert_array_equal(fit.boundary_at(10_000).x, fit.boundary_at(fit.iterations).x)


@pytest.mark.parametrize(
    ("points", "labels", "fragment"),
    [(np.zeros((3, 3)), [0, 1, 0], r"\(n, 2\)"), (np.zeros((3, 2)), [0, 1, 2], "0 or 1"),
     (np.zeros((3, 2)), [1, 1, 1], "Both classes")],
)  # fmt: skip
def test_class_data_is_validated(points, labels, fragment):
    with pytest.raises(ValueError, match=fragment):
        class_data(points, labels)


# ---- figures -------------------------------------------------------------------------------


def test_linear_figures_carry_their_traces():
    fits = fit_line(LINE)
    lines = line_fit_figure(fits)
    assert isinstance(lines, go.Figure)
    assert [t.name for t in lines.data][:2] == ["data", "truth"]
    assert len(lines.data) == 5
    history = loss_history_figure(fits)
    assert history.layout.yaxis.type == "log"
    assert len(history.data) == 2
    assert (np.asarray(history.data[0].y) > 0).all()
    grid = loss_grid(LINE.x, LINE.y, *contour_ranges(fits), 40)
    path = loss_path_figure(fits, grid)
    assert path.data[0].type == "contour"
    np.testing.assert_allclose(path.data[1].x, fits.fixed.path[:, 0])
    assert path.data[-1].marker.symbol == "star"
    assert list(path.layout.xaxis.range) == [grid.alphas[0], grid.alphas[-1]]


def test_loss_axes_read_as_powers_of_ten():
    # Plotly's default SI prefixes (1µ, 1n, 1f) are not how a mathematician reads 10⁻⁶.
    fits = fit_line(LINE, max_iterations=20)
    figures = [
        loss_history_figure(fits),
        polynomial_loss_figure(compare_polynomial(simulate_curve(), degree=2, max_iterations=20)),
        logistic_loss_figure(compare_logistic(BLOBS, max_iterations=20)),
    ]
    for figure in figures:
        assert figure.layout.yaxis.type == "log"
        assert figure.layout.yaxis.exponentformat == "power"
    # A short history marks each iteration; the polynomial comparison draws lines only.
    assert figures[0].data[0].mode == "lines+markers"
    assert figures[1].data[0].mode == "lines"


def test_polynomial_and_logistic_figures_carry_their_traces():
    comparison = compare_polynomial(simulate_curve(), degree=3)
    assert len(polynomial_figure(comparison).data) == 5
    assert polynomial_loss_figure(comparison).layout.yaxis.type == "log"
    logistic = compare_logistic(BLOBS)
    figure = logistic_figure(logistic, iteration=2)
    assert [t.name for t in figure.data][:2] == ["class 0", "class 1"]
    np.testing.assert_allclose(figure.data[-1].x, logistic.newton.boundary_at(2).x)
    assert list(figure.layout.xaxis.range) == list(logistic.newton.box[:2])
    assert len(logistic_loss_figure(logistic).data) == 2
    table = per_example_table_figure(per_example_table(BLOBS, logistic.newton.weights[-1]))
    assert table.data[0].type == "table"
    assert len(table.data[0].cells.values) == 7
    with pytest.raises(ValueError, match="method"):
        logistic_figure(logistic, 0, method="adam")
