"""A straight line fitted by least squares: loss and gradient, closed form, loss surface.

The loss of a line y ≈ αx + β over n samples is the mean squared residual

    L(α, β) = (1/n) Σᵢ (α xᵢ + β − yᵢ)²,   ∇L = (2/n) Σᵢ rᵢ (xᵢ, 1),   rᵢ = α xᵢ + β − yᵢ,

a quadratic with constant Hessian H = (2/n) VᵀV, V = [x, 1]. `fit_line` compares the
closed-form answer with fixed-step and Barzilai–Borwein descent towards it.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from core.regression.gradient_descent import DescentResult, StoppingRule, gradient_descent
from core.regression.samples import RegressionData


def mse_loss(params: jax.Array, x: jax.Array, y: jax.Array) -> jax.Array:
    """L(α, β) = mean((αx + β − y)²)."""
    return jnp.mean((params[0] * x + params[1] - y) ** 2)


def analytic_gradient(params, x, y) -> np.ndarray:
    """∇L = (2/n) Σ rᵢ (xᵢ, 1) with rᵢ = αxᵢ + β − yᵢ: the hand-derived gradient."""
    residual = params[0] * x + params[1] - y
    return np.array([2 * np.mean(residual * x), 2 * np.mean(residual)])


_mse_value_and_grad = jax.value_and_grad(mse_loss)


def closed_form(x, y) -> np.ndarray:
    """(α̂, β̂) minimising L, from `np.linalg.lstsq` on V = [x, 1]."""
    return np.linalg.lstsq(np.column_stack([x, np.ones_like(x)]), y, rcond=None)[0]


def hessian_bound(design: np.ndarray) -> float:
    """λ_max of the least-squares Hessian (2/n) DᵀD: steps below 2/λ_max are stable."""
    return float(2 * np.linalg.norm(design, 2) ** 2 / len(design))


class LinearFits(NamedTuple):
    """The closed-form line and the two descents towards it."""

    data: RegressionData
    closed_form: np.ndarray
    closed_form_loss: float
    fixed: DescentResult
    bb: DescentResult
    lipschitz: float


def fit_line(
    data: RegressionData,
    step_size: float | None = None,
    tol: float = 1e-8,
    max_iterations: int = 2000,
    stopping: StoppingRule = "gradient",
    start: tuple[float, float] = (0.0, 0.0),
) -> LinearFits:
    """Fit y ≈ αx + β by lstsq, fixed-step descent and Barzilai–Borwein descent.

    Args:
        data: the samples.
        step_size: the fixed step (and BB's first); None takes 1/L, L = λ_max(H).
        tol, max_iterations, stopping: see `gradient_descent`.
        start: (α₀, β₀).
    """
    best = closed_form(data.x, data.y)
    lipschitz = hessian_bound(np.column_stack([data.x, np.ones_like(data.x)]))
    step_size = 1 / lipschitz if step_size is None else step_size
    run = functools.partial(
        gradient_descent,
        _mse_value_and_grad,
        np.asarray(start, dtype=np.float64),
        (data.x, data.y),
        step_size=step_size,
        tol=tol,
        stopping=stopping,
        max_iterations=max_iterations,
        reference=best,
        lipschitz=lipschitz,
    )
    best_loss = float(np.mean((best[0] * data.x + best[1] - data.y) ** 2))
    return LinearFits(data, best, best_loss, run(rule="fixed"), run(rule="bb"), lipschitz)


class LossGrid(NamedTuple):
    """L(α, β) on a grid: losses[i, j] = L(alphas[j], betas[i]) (Plotly's contour order)."""

    alphas: np.ndarray
    betas: np.ndarray
    losses: np.ndarray


def loss_grid(
    x, y, alpha_range: tuple[float, float], beta_range: tuple[float, float], n: int = 80
) -> LossGrid:
    """The loss on an n × n grid, from the sample moments: O(n² + len(x)), not O(n² len(x)).

    L(α, β) = α² m_xx + 2αβ m_x + β² − 2α m_xy − 2β m_y + m_yy, with m the sample means.
    """
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    alphas = np.linspace(*alpha_range, n)
    betas = np.linspace(*beta_range, n)
    a, b = np.meshgrid(alphas, betas)
    m_x, m_y, m_xx, m_xy, m_yy = (np.mean(v) for v in (x, y, x * x, x * y, y * y))
    losses = a * a * m_xx + 2 * a * b * m_x + b * b - 2 * a * m_xy - 2 * b * m_y + m_yy
    return LossGrid(alphas, betas, np.maximum(losses, 0.0))  # rounding must not go below 0


def contour_ranges(fits: LinearFits, pad: float = 0.15) -> tuple[tuple, tuple]:
    """α and β ranges that hold the closed form and both paths (a diverged path is cut)."""
    best = fits.closed_form
    reach = 4 * max(np.linalg.norm(fits.fixed.path[0] - best), 1.0)
    points = np.vstack([fits.fixed.path, fits.bb.path, best[None]])
    points = points[np.linalg.norm(points - best, axis=1) <= reach]
    low, high = points.min(axis=0), points.max(axis=0)
    span = np.maximum(high - low, 1e-3)
    low, high = low - pad * span, high + pad * span
    return (float(low[0]), float(high[0])), (float(low[1]), float(high[1]))
