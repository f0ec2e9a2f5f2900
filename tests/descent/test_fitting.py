"""A typed surface's window and step sizes, fitted to f (core.descent.fitting)."""

from __future__ import annotations

import numpy as np
import pytest

from core import parse_expression
from core.descent.fitting import fit_view
from core.descent.optimizers import minimize_path

RATES = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 0.5)  # the page's offered steps
START = (-1.2, 1.0)  # the page's start for a typed f


def _xy(text: str):
    return parse_expression(text, ("x", "y"))


def _inside(point, fit) -> bool:
    return fit.x_range[0] < point[0] < fit.x_range[1] and fit.y_range[0] < point[1] < fit.y_range[1]


def test_the_issues_bowl_is_drawn_around_its_minimum_and_gradient_descent_converges():
    f = _xy("(x-1)^2+(y+2)^2")
    fit = fit_view(f, START, RATES)
    np.testing.assert_allclose(fit.minimum, (1.0, -2.0), atol=1e-6)
    assert _inside(fit.minimum, fit)
    assert _inside(START, fit)
    # Rosenbrock's window, x in [-2, 2] and y in [-1, 3], left the minimum off the chart.
    assert fit.y_range[0] < -2.0
    assert fit.curvature == pytest.approx(2.0)
    assert fit.learning_rate <= 1 / fit.curvature
    path = minimize_path(f, START, "gd", learning_rate=fit.learning_rate, max_iter=1000)
    assert path.converged
    assert "minimum at (1, -2)" in fit.sentence
    assert "1/L" in fit.sentence


@pytest.mark.parametrize(
    "text",
    ["(1 - x)^2 + 100*(y - x^2)^2", "100(x-10)^2 + (y-5)^2", "(x - 1)^2 + 3(y + x^2/2)^2"],
)
def test_the_fitted_step_is_below_one_over_the_largest_curvature(text):
    f = _xy(text)
    fit = fit_view(f, START, RATES)
    assert fit.minimum is not None
    assert _inside(fit.minimum, fit)
    assert _inside(START, fit)
    assert fit.learning_rate <= 1 / fit.curvature < 3.4 * fit.learning_rate  # the next offer
    assert fit.adaptive_rate in RATES
    path = minimize_path(f, START, "gd", learning_rate=fit.learning_rate, max_iter=2000)
    assert np.all(np.isfinite(path.values))  # stable: it never ran away
    assert path.values[-1] < path.values[0]


def test_a_surface_without_a_minimum_is_shown_around_the_start():
    fit = fit_view(_xy("x^2 - y^2"), START, RATES)
    assert fit.minimum is None
    assert fit.minimum_value is None
    assert _inside(START, fit)
    np.testing.assert_allclose([sum(fit.x_range) / 2, sum(fit.y_range) / 2], START, atol=1e-9)
    assert "no minimum" in fit.sentence


def test_the_window_is_a_square():
    fit = fit_view(_xy("100(x-10)^2 + (y-5)^2"), START, RATES)
    assert fit.x_range[1] - fit.x_range[0] == pytest.approx(fit.y_range[1] - fit.y_range[0])


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="two variables"):
        fit_view(parse_expression("x^2"), (0.0,), RATES)
    with pytest.raises(ValueError, match="at least one"):
        fit_view(_xy("x^2 + y^2"), START, ())
