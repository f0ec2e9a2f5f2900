"""Logistic regression on two classes in the plane: gradient descent, Newton and BFGS.

With weights w = (w₀, w₁, w₂), the logit of a point p = (p₁, p₂) is z = w₀ + w₁p₁ + w₂p₂
and P(class 1) = σ(z). The loss is the mean negative log-likelihood plus a small ridge,

    L(w) = (1/n) Σᵢ ℓᵢ(w),   ℓᵢ(w) = −yᵢ log σ(zᵢ) − (1 − yᵢ) log σ(−zᵢ) + (λ/2)‖w‖²,

written with `jax.nn.log_sigmoid`, which never takes log(0) (log σ(z) = −softplus(−z)).
Its gradient (1/n) Σ (σ(zᵢ) − yᵢ) xᵢ + λw and Hessian (1/n) Σ σ(zᵢ)(1 − σ(zᵢ)) xᵢxᵢᵀ + λI
come from `jax.grad` and `jax.hessian`. On separable classes the likelihood alone has no
minimiser (‖w‖ → ∞ drives it to 0) and its Hessian to singular; λ > 0 makes H ⪰ λI.

Newton's method solves H d = −∇L (never forming H⁻¹) and halves the step until the loss
falls enough (Armijo), so it takes full steps, and converges quadratically, near the
minimum.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import scipy.optimize
from jax import lax

from core.regression.gradient_descent import DescentResult, StepRule, gradient_descent
from core.regression.samples import ClassData

DEFAULT_LAM = 1e-3
ARMIJO = 1e-4  # sufficient decrease: L(w + td) ≤ L(w) + ARMIJO · t ∇Lᵀd (Nocedal & Wright 3.1)
MAX_HALVINGS = 40


def cross_entropy(z: jax.Array, labels: jax.Array) -> jax.Array:
    """−y log σ(z) − (1 − y) log σ(−z) for each logit z and label y, never taking log(0)."""
    return -(labels * jax.nn.log_sigmoid(z) + (1 - labels) * jax.nn.log_sigmoid(-z))


def negative_log_likelihood(weights, points, labels, lam=DEFAULT_LAM) -> jax.Array:
    """L(w) = mean ℓᵢ(w): the mean of `per_example_loss` (`core.regression.per_example`),
    so its gradients average to ∇L."""
    z = weights[0] + points @ weights[1:]
    return jnp.mean(cross_entropy(z, labels)) + 0.5 * lam * weights @ weights


nll_gradient = jax.jit(jax.grad(negative_log_likelihood))
nll_hessian = jax.jit(jax.hessian(negative_log_likelihood))
_nll_value = jax.jit(negative_log_likelihood)
_nll_value_and_grad = jax.value_and_grad(negative_log_likelihood)


class NewtonState(NamedTuple):
    """One Newton iterate, and the step length its line search took to reach it."""

    weights: jax.Array
    loss: jax.Array
    gradient: jax.Array
    step_length: jax.Array
    iteration: jax.Array


@jax.jit
def newton_init(weights, points, labels, lam) -> NewtonState:
    """The state at the start: loss and gradient at `weights`."""
    loss, gradient = _nll_value_and_grad(weights, points, labels, lam)
    return NewtonState(weights, loss, gradient, jnp.asarray(1.0), jnp.asarray(0))


@jax.jit
def newton_step(state: NewtonState, points, labels, lam) -> NewtonState:
    """w ← w + t d with H d = −∇L and t = 1, ½, ¼, … the first to meet Armijo's rule."""
    hessian = jax.hessian(negative_log_likelihood)(state.weights, points, labels, lam)
    direction = jnp.linalg.solve(hessian, -state.gradient)
    slope = state.gradient @ direction

    def loss_at(t):
        return negative_log_likelihood(state.weights + t * direction, points, labels, lam)

    def too_little(carry):
        t, loss, halvings = carry
        return ~(loss <= state.loss + ARMIJO * t * slope) & (halvings < MAX_HALVINGS)

    t, _, _ = lax.while_loop(
        too_little, lambda c: (c[0] / 2, loss_at(c[0] / 2), c[2] + 1), (1.0, loss_at(1.0), 0)
    )
    weights = state.weights + t * direction
    loss, gradient = _nll_value_and_grad(weights, points, labels, lam)
    return NewtonState(weights, loss, gradient, t, state.iteration + 1)


class Boundary(NamedTuple):
    """Two points of the line w₀ + w₁p₁ + w₂p₂ = 0 spanning the box (empty when w₁ = w₂ = 0)."""

    x: np.ndarray
    y: np.ndarray


def decision_boundary(weights, box: tuple[float, float, float, float]) -> Boundary:
    """The line σ(z) = ½, through the box (x_low, x_high, y_low, y_high).

    It is solved for the coordinate with the larger weight, so it stays finite when the
    line is vertical or horizontal; a plot with the box as its ranges clips it.
    """
    w0, w1, w2 = (float(w) for w in weights)
    if w1 == 0 and w2 == 0:
        return Boundary(np.empty(0), np.empty(0))
    if abs(w2) >= abs(w1):
        xs = np.array(box[:2])
        return Boundary(xs, -(w0 + w1 * xs) / w2)
    ys = np.array(box[2:])
    return Boundary(-(w0 + w2 * ys) / w1, ys)


class LogisticFit(NamedTuple):
    """An iterative fit's weights per iteration, for animating the decision boundary.

    Attributes:
        method: "newton" or "gradient descent".
        weights: (k + 1, 3) iterates (w₀, w₁, w₂), the start first.
        losses, gradient_norms: (k + 1,) per iterate.
        iterations, final_loss, converged, message: as in `DescentResult`.
        distance: ‖w_k − w_BFGS‖ (nan until compared).
        box: the data's padded bounding box, where boundaries are drawn.
    """

    method: str
    weights: np.ndarray
    losses: np.ndarray
    gradient_norms: np.ndarray
    iterations: int
    final_loss: float
    distance: float
    converged: bool
    message: str
    box: tuple[float, float, float, float]

    def boundary_at(self, iteration: int) -> Boundary:
        """The decision boundary after `iteration` steps (clamped to 0..iterations)."""
        return decision_boundary(
            self.weights[min(max(int(iteration), 0), self.iterations)], self.box
        )


def bounding_box(points: np.ndarray, pad: float = 0.1) -> tuple[float, float, float, float]:
    low, high = points.min(axis=0), points.max(axis=0)
    margin = pad * np.maximum(high - low, 1e-9)
    return (float(low[0] - margin[0]), float(high[0] + margin[0]),
            float(low[1] - margin[1]), float(high[1] + margin[1]))  # fmt: skip


def fit_newton(
    data: ClassData, lam: float = DEFAULT_LAM, tol: float = 1e-10, max_iterations: int = 50
) -> LogisticFit:
    """Newton's method with backtracking from w = 0, until ‖∇L‖ ≤ tol or the cap."""
    _check_lam(lam)
    state = newton_init(jnp.zeros(3), data.points, data.labels, lam)
    states = [jax.device_get(state)]
    while np.linalg.norm(states[-1].gradient) > tol and len(states) <= max_iterations:
        state = newton_step(state, data.points, data.labels, lam)
        fetched = jax.device_get(state)
        if not np.isfinite(fetched.weights).all():
            break  # the Hessian was singular to working precision: λ = 0 on separable data
        states.append(fetched)
    weights = np.array([s.weights for s in states])
    losses = np.array([s.loss for s in states])
    norms = np.linalg.norm([s.gradient for s in states], axis=1)
    converged = bool(norms[-1] <= tol)
    iterations = len(states) - 1
    if converged:
        message = f"Converged after {iterations} Newton steps: gradient norm {norms[-1]:.2e}."
    elif iterations < max_iterations:
        message = (f"Newton stopped after {iterations} steps: the Hessian is singular; "
                   "use a positive λ.")  # fmt: skip
    else:
        message = f"Stopped at the cap of {iterations} Newton steps (gradient {norms[-1]:.2e})."
    return LogisticFit("newton", weights, losses, norms, iterations, float(losses[-1]), math.nan,
                       converged, message, bounding_box(data.points))  # fmt: skip


def fit_gradient_descent(
    data: ClassData,
    lam: float = DEFAULT_LAM,
    step_size: float | None = None,
    rule: StepRule = "fixed",
    tol: float = 1e-8,
    max_iterations: int = 2000,
) -> LogisticFit:
    """Gradient descent from w = 0; the default step is 1/L with the curvature bound
    L = λ_max(XᵀX)/(4n) + λ (σ(1 − σ) ≤ ¼), X = [1, p₁, p₂]."""
    _check_lam(lam)
    design = np.column_stack([np.ones(len(data.points)), data.points])
    lipschitz = float(np.linalg.norm(design, 2) ** 2 / (4 * len(design)) + lam)
    result: DescentResult = gradient_descent(
        _nll_value_and_grad, np.zeros(3), (data.points, data.labels, lam),
        step_size=1 / lipschitz if step_size is None else step_size, rule=rule, tol=tol,
        max_iterations=max_iterations, lipschitz=lipschitz,
    )  # fmt: skip
    return LogisticFit("gradient descent", result.path, result.losses, result.gradient_norms,
                       result.iterations, result.final_loss, math.nan, result.converged,
                       result.message, bounding_box(data.points))  # fmt: skip


class ScipyFit(NamedTuple):
    """`scipy.optimize.minimize(method="BFGS")` with the exact gradient, as a reference."""

    weights: np.ndarray
    loss: float
    iterations: int
    success: bool
    message: str


def fit_bfgs(data: ClassData, lam: float = DEFAULT_LAM, gtol: float = 1e-10) -> ScipyFit:
    """BFGS from w = 0; a tight `gtol`, as its default 1e-5 is too loose to compare to 1e-5."""
    _check_lam(lam)
    args = (data.points, data.labels, lam)
    result = scipy.optimize.minimize(
        lambda w: float(_nll_value(w, *args)), np.zeros(3),
        jac=lambda w: np.asarray(nll_gradient(w, *args)), method="BFGS", options={"gtol": gtol},
    )  # fmt: skip
    return ScipyFit(result.x, float(result.fun), int(result.nit), bool(result.success),
                    str(result.message))  # fmt: skip


class LogisticComparison(NamedTuple):
    """Newton and gradient descent, each with its distance to the BFGS reference."""

    data: ClassData
    lam: float
    newton: LogisticFit
    gradient_descent: LogisticFit
    bfgs: ScipyFit


def compare_logistic(
    data: ClassData, lam: float = DEFAULT_LAM, rule: StepRule = "fixed", max_iterations: int = 2000
) -> LogisticComparison:
    """Fit by Newton, by gradient descent and by SciPy's BFGS, and measure the gaps."""
    bfgs = fit_bfgs(data, lam)
    newton = fit_newton(data, lam)
    descent = fit_gradient_descent(data, lam, rule=rule, max_iterations=max_iterations)
    return LogisticComparison(
        data, lam,
        newton._replace(distance=float(np.linalg.norm(newton.weights[-1] - bfgs.weights))),
        descent._replace(distance=float(np.linalg.norm(descent.weights[-1] - bfgs.weights))),
        bfgs,
    )  # fmt: skip


def _check_lam(lam: float) -> None:
    if not (math.isfinite(lam) and lam >= 0):
        raise ValueError(f"λ is a ridge weight: give a finite λ ≥ 0, not {lam}.")
