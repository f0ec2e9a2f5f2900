"""The Hessian-vector products section's core: the measured cost against SciPy's Rosenbrock
Hessian, the slope fit on known power laws, the cost counted in array sizes (never in
wall time), and Newton-CG from HVPs only against SciPy's own Rosenbrock derivatives."""

from __future__ import annotations

import doctest
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy.optimize import minimize, rosen, rosen_der, rosen_hess, rosen_hess_prod

from core.several_variables import hvp_cost, hvp_figures, hvp_newton
from core.several_variables.hvp_cost import (
    FIT_POINTS,
    log_log_slope,
    rosenbrock_formed,
    rosenbrock_product,
)
from core.several_variables.hvp_newton import BFGS_LIMIT, newton_cg_against_bfgs


def test_the_doctests_hold():
    assert doctest.testmod(hvp_cost).failed == 0
    assert doctest.testmod(hvp_newton).failed == 0


@pytest.mark.parametrize("power", [0.0, 1.0, 2.0, 2.5])
def test_the_slope_of_a_power_law(power):
    sizes = [10, 100, 1000, 5000]
    assert log_log_slope(sizes, [3e-6 * n**power for n in sizes]) == pytest.approx(power)


def test_a_slope_needs_two_positive_times():
    with pytest.raises(ValueError, match="at least two sizes"):
        log_log_slope([10], [1e-3])
    with pytest.raises(ValueError, match="positive, finite"):
        log_log_slope([10, 100], [0.0, 1e-3])


@pytest.mark.parametrize("n", [2, 7, 50])
def test_both_ways_equal_scipys_rosenbrock_hessian_times_v(n):
    rng = np.random.default_rng(n)
    x, v = rng.normal(size=n), rng.normal(size=n)
    want = rosen_hess(x) @ v
    scale = np.max(np.abs(want))
    for function in (rosenbrock_product, rosenbrock_formed):
        got = np.asarray(function(jnp.asarray(x), jnp.asarray(v)))
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-12 * scale)
    np.testing.assert_allclose(rosen_hess_prod(x, v), want, atol=1e-12 * scale)


def _largest_array(jaxpr) -> int:
    """The most elements of any value in a jaxpr, nested jaxprs included."""
    largest = 0
    for equation in jaxpr.eqns:
        for var in equation.outvars:
            largest = max(largest, math.prod(var.aval.shape))
        for param in equation.params.values():
            inner = getattr(param, "jaxpr", None)
            if inner is not None:
                largest = max(largest, _largest_array(getattr(inner, "jaxpr", inner)))
    return largest


def test_the_product_never_holds_an_n_by_n_array_and_forming_h_does():
    """The cost's slope, counted: memory O(n) against O(n²), whatever the machine."""
    for n in (40, 80):
        x, v = jnp.ones(n), jnp.ones(n)
        product = _largest_array(jax.make_jaxpr(rosenbrock_product)(x, v).jaxpr)
        formed = _largest_array(jax.make_jaxpr(rosenbrock_formed)(x, v).jaxpr)
        assert product <= n
        assert formed >= n * n


def test_the_measured_cost_covers_every_size_and_fits_the_largest():
    cost = hvp_cost.hvp_cost(formed_sizes=(10, 20, 40, 80), product_only_sizes=(160, 320))
    assert [p.n for p in cost.points] == [10, 20, 40, 80, 160, 320]
    assert cost.product_fit == (80, 160, 320)[-FIT_POINTS:]
    assert cost.formed_fit == (20, 40, 80)
    for point in cost.points:
        assert point.product_seconds > 0
        if point.n <= 80:
            assert point.formed_seconds > 0
            assert point.max_difference < 1e-9
        else:
            assert math.isnan(point.formed_seconds)
            assert math.isnan(point.max_difference)
    assert math.isfinite(cost.product_slope)
    assert math.isfinite(cost.formed_slope)
    figure = hvp_figures.cost_figure(cost)
    names = [trace.name for trace in figure.data]
    assert names[:2] == ["H v by forward-over-reverse (HVP)", "form H (jax.hessian), then H @ v"]
    assert f"{cost.product_slope:.2f}" in names[2]
    assert list(figure.data[1].x) == [10, 20, 40, 80]


def test_the_warm_ups_compile_every_offered_size():
    hvp_cost.warm_up()
    hvp_newton.warm_up()


def test_sizes_out_of_range_are_refused():
    with pytest.raises(ValueError, match="formed_sizes"):
        hvp_cost.hvp_cost(formed_sizes=(10,))
    with pytest.raises(ValueError, match="formed_sizes"):
        hvp_cost.hvp_cost(formed_sizes=(10, 5000))
    with pytest.raises(ValueError, match="product_only_sizes"):
        hvp_cost.hvp_cost(formed_sizes=(10, 20), product_only_sizes=(3_000_000,))


# -- Newton-CG from HVPs ------------------------------------------------------------------


@pytest.mark.parametrize("d", [2, 10, 50])
def test_newton_cg_reaches_the_minimum_with_hvps_only(d):
    result = newton_cg_against_bfgs(d)
    newton = result.newton_cg
    assert newton.converged, newton.message
    assert newton.error < 1e-7
    assert newton.hvp_calls >= newton.iterations > 0
    assert newton.gradient_calls > 0
    assert result.bfgs is not None
    assert result.bfgs.converged
    assert result.bfgs.error < 1e-5
    assert result.bfgs.hvp_calls == 0
    # SciPy's own Rosenbrock derivatives, an independent oracle, end at the same point.
    x0 = np.full(d, hvp_newton.START)
    scipy_run = minimize(
        rosen, x0, jac=rosen_der, hessp=rosen_hess_prod, method="Newton-CG",
        options={"xtol": hvp_newton.NEWTON_TOLERANCE, "maxiter": 10 * d + 200},
    )  # fmt: skip
    np.testing.assert_allclose(scipy_run.x, np.ones(d), atol=1e-7)


def test_bfgs_is_left_out_above_its_limit():
    d = next(d for d in hvp_newton.DIMENSIONS if d > BFGS_LIMIT)
    result = newton_cg_against_bfgs(d)
    assert result.bfgs is None
    assert result.newton_cg.converged
    assert result.newton_cg.error < 1e-6


@pytest.mark.parametrize("d", [1, 501, 2.0, True])
def test_a_dimension_out_of_range_is_refused(d):
    with pytest.raises(ValueError, match="number of variables d"):
        newton_cg_against_bfgs(d)
