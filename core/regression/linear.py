"""Least-squares regression fitted by gradient descent, against the closed-form answer.

The loss of a line y ≈ αx + β over n samples is the mean squared residual

    L(α, β) = (1/n) Σᵢ (α xᵢ + β − yᵢ)²,   ∇L = (2/n) Σᵢ rᵢ (xᵢ, 1),   rᵢ = α xᵢ + β − yᵢ,

a quadratic with constant Hessian H = (2/n) VᵀV, V = [x, 1]. Gradient descent
θ ← θ − t ∇L(θ) with a fixed step t contracts the error by max|1 − t λ| over the
eigenvalues λ of H: it needs t < 2/λ_max and takes about κ(H) log(1/ε) steps. The
Barzilai–Borwein step t_k = sᵀs / sᵀg with s = θ_k − θ_{k−1}, g = ∇L_k − ∇L_{k−1}
(Barzilai & Borwein 1988, "Two-point step size gradient methods") is a scalar secant
estimate of 1/λ and needs far fewer steps on the same problem.

Polynomial regression is the same loss with V the Vandermonde matrix; on raw x its
condition number grows like the powers of max|x|, which is why gradient descent
stalls there and converges once x is mapped to [−1, 1].

Every descent here runs in one compiled `lax.while_loop` over the pure
`descent_init`/`descent_step` pair, writing the iterates into fixed-size buffers.
"""

from __future__ import annotations

import functools
import math
import warnings
from typing import Literal, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

import core.engines.autodiff  # noqa: F401  (float64 on: every comparison of methods is in it)

StepRule = Literal["fixed", "bb"]
StoppingRule = Literal["gradient", "relative_loss"]
STEP_RULES = {"fixed": "fixed step", "bb": "Barzilai–Borwein step"}
STOPPING_RULES = {"gradient": "gradient norm", "relative_loss": "relative loss change"}
MAX_ITERATIONS = 100_000
# A fixed-step loss this many times the starting loss has diverged. Not applied to BB,
# whose steps are non-monotone by design and may spike by more before they recover.
DIVERGENCE_FACTOR = 1e10
_RUNNING, _CONVERGED, _DIVERGED, _CAPPED = 0, 1, 2, 3


class DescentState(NamedTuple):
    """One iterate of gradient descent and what the next step needs from the last one."""

    params: jax.Array
    loss: jax.Array
    gradient: jax.Array
    previous_params: jax.Array
    previous_gradient: jax.Array
    iteration: jax.Array


class DescentResult(NamedTuple):
    """A descent's trajectory as data.

    Attributes:
        path: (k + 1, p) iterates, the start first; every entry finite.
        losses: (k + 1,) loss at each iterate.
        gradient_norms: (k + 1,) ‖∇L‖ at each iterate.
        iterations: k, the number of steps taken.
        final_loss: losses[-1].
        distance: ‖θ_k − θ*‖ to the reference solution (nan when none was given).
        converged: whether the stopping rule was met.
        message: one sentence on how it ended, with a fix when it failed.
    """

    path: np.ndarray
    losses: np.ndarray
    gradient_norms: np.ndarray
    iterations: int
    final_loss: float
    distance: float
    converged: bool
    message: str


def descent_init(value_and_grad, params: jax.Array, data: tuple) -> DescentState:
    """The state at the start: loss and gradient at `params`, no previous step."""
    loss, gradient = value_and_grad(params, *data)
    return DescentState(params, loss, gradient, params, gradient, jnp.asarray(0))


def barzilai_borwein_step(state: DescentState, fallback: jax.Array) -> jax.Array:
    """t = sᵀs / sᵀg (BB1); `fallback` when sᵀg ≤ 0, where the secant says nothing."""
    s = state.params - state.previous_params
    g = state.gradient - state.previous_gradient
    curvature = s @ g
    positive = curvature > 0
    return jnp.where(positive, (s @ s) / jnp.where(positive, curvature, 1.0), fallback)


def descent_step(
    value_and_grad, state: DescentState, data: tuple, step_size: jax.Array, use_bb: jax.Array
) -> DescentState:
    """θ ← θ − t ∇L(θ), with t fixed or (after the first step) Barzilai–Borwein."""
    bb = barzilai_borwein_step(state, step_size)
    step = jnp.where(use_bb & (state.iteration > 0), bb, step_size)
    params = state.params - step * state.gradient
    loss, gradient = value_and_grad(params, *data)
    return DescentState(params, loss, gradient, state.params, state.gradient, state.iteration + 1)


@functools.partial(jax.jit, static_argnames=("value_and_grad", "capacity"))
def _descend(
    value_and_grad, params, data, step_size, use_bb, tol, use_loss_rule, max_iterations, capacity
):
    state = descent_init(value_and_grad, params, data)
    path = jnp.full((capacity, params.shape[0]), jnp.nan).at[0].set(params)
    losses = jnp.full(capacity, jnp.nan).at[0].set(state.loss)
    norms = jnp.full(capacity, jnp.nan).at[0].set(jnp.linalg.norm(state.gradient))
    ceiling = DIVERGENCE_FACTOR * jnp.maximum(jnp.abs(state.loss), 1e-300)
    start_status = jnp.where(
        ~jnp.isfinite(state.loss), _DIVERGED,
        jnp.where(~use_loss_rule & (norms[0] <= tol), _CONVERGED,
                  jnp.where(max_iterations == 0, _CAPPED, _RUNNING)),
    )  # fmt: skip

    def body(carry):
        state, path, losses, norms, _ = carry
        new = descent_step(value_and_grad, state, data, step_size, use_bb)
        k = new.iteration
        norm = jnp.linalg.norm(new.gradient)
        finite = jnp.isfinite(new.loss) & jnp.all(jnp.isfinite(new.params)) & jnp.isfinite(norm)
        change = jnp.abs(new.loss - state.loss) / jnp.maximum(jnp.abs(state.loss), 1e-300)
        met = jnp.where(use_loss_rule, change <= tol, norm <= tol)
        status = jnp.where(
            ~finite | (~use_bb & (new.loss > ceiling)), _DIVERGED,
            jnp.where(met, _CONVERGED, jnp.where(k >= max_iterations, _CAPPED, _RUNNING)),
        )  # fmt: skip
        # A non-finite iterate is not recorded: the path handed back stays plottable.
        path = jnp.where(finite, path.at[k].set(new.params), path)
        losses = jnp.where(finite, losses.at[k].set(new.loss), losses)
        norms = jnp.where(finite, norms.at[k].set(norm), norms)
        return new, path, losses, norms, status

    state, path, losses, norms, status = lax.while_loop(
        lambda carry: carry[-1] == _RUNNING, body, (state, path, losses, norms, start_status)
    )
    return path, losses, norms, state.iteration, status


def gradient_descent(
    value_and_grad,
    params: np.ndarray,
    data: tuple,
    *,
    step_size: float,
    rule: StepRule = "fixed",
    tol: float = 1e-8,
    stopping: StoppingRule = "gradient",
    max_iterations: int = 2000,
    reference: np.ndarray | None = None,
    lipschitz: float | None = None,
) -> DescentResult:
    """Gradient descent on a loss until the stopping rule, divergence or the cap.

    Args:
        value_and_grad: `jax.value_and_grad(loss)` of `loss(params, *data)`; a module-level
            function, since the compiled loop is cached per function.
        params: the start θ₀.
        data: the loss's other arguments (arrays).
        step_size: t for the fixed rule, and the first step of the BB rule.
        rule: "fixed" or "bb" (Barzilai–Borwein).
        tol: stop when ‖∇L‖ ≤ tol ("gradient") or |L_k − L_{k−1}| ≤ tol |L_{k−1}|
            ("relative_loss").
        max_iterations: the cap on steps.
        reference: θ* to report the final distance to.
        lipschitz: λ_max of the Hessian when known, to say which step would work.

    Returns:
        The trajectory; divergence ends it with converged False and a message, never
        an exception.

    Raises:
        ValueError: for an unknown rule, a step or tolerance that is not positive, or a
            cap outside 0..MAX_ITERATIONS.
    """
    if rule not in STEP_RULES:
        raise ValueError(f"Unknown step rule {rule!r}: choose one of {sorted(STEP_RULES)}.")
    if stopping not in STOPPING_RULES:
        raise ValueError(f"Unknown stopping rule {stopping!r}: use {sorted(STOPPING_RULES)}.")
    if not (math.isfinite(step_size) and step_size > 0):
        raise ValueError(f"The step size must be a positive number, not {step_size}.")
    if not (math.isfinite(tol) and tol > 0):
        raise ValueError(f"The tolerance must be a positive number, not {tol}.")
    if not 0 <= max_iterations <= MAX_ITERATIONS:
        raise ValueError(f"The iteration cap must be between 0 and {MAX_ITERATIONS}.")
    # Buffers come in powers of two, so a new cap rarely means a new compilation.
    capacity = max(256, 1 << int(max_iterations).bit_length())
    path, losses, norms, iterations, status = _descend(
        value_and_grad,
        jnp.asarray(params, dtype=jnp.float64),
        tuple(map(jnp.asarray, data)),
        float(step_size),
        rule == "bb",
        float(tol),
        stopping == "relative_loss",
        int(max_iterations),
        capacity,
    )
    recorded = np.isfinite(np.asarray(losses))
    count = int(np.argmin(recorded)) if not recorded.all() else capacity
    path, losses, norms = (np.asarray(a)[:count] for a in (path, losses, norms))
    status, iterations = int(status), count - 1
    distance = math.nan if reference is None else float(np.linalg.norm(path[-1] - reference))
    message = _message(
        status, iterations, losses, norms[-1], tol, stopping, step_size, rule, lipschitz
    )
    return DescentResult(
        path, losses, norms, iterations, float(losses[-1]), distance, status == _CONVERGED, message
    )


def _message(status, iterations, losses, norm, tol, stopping, step_size, rule, lipschitz) -> str:
    if status == _CONVERGED:
        measured = (
            f"relative loss change ≤ {tol:.1e}"
            if stopping == "relative_loss"
            else f"gradient norm {norm:.2e} ≤ {tol:.1e}"
        )
        return f"Converged after {iterations} iterations: {measured}."
    if status == _DIVERGED:
        if rule == "bb":
            advice = "The Barzilai–Borwein steps overflowed: scale the features."
        elif lipschitz:
            advice = (
                f"Fixed steps are stable only below 2/L = {2 / lipschitz:.3g} (L = "
                f"{lipschitz:.3g}, the largest Hessian eigenvalue): try {1 / lipschitz:.3g}."
            )
        else:
            advice = "Reduce the step size."
        return (
            f"Diverged after {iterations} iterations: the loss grew from {losses[0]:.3g} to "
            f"{losses[-1]:.3g} with step size {step_size:.3g}. {advice}"
        )
    fix = "scale the features" + (" or use the Barzilai–Borwein step" if rule == "fixed" else "")
    return (
        f"Stopped at the cap of {iterations} iterations with gradient norm {norm:.2e} "
        f"(tolerance {tol:.1e}): raise the cap or {fix}."
    )


# ---- straight lines ------------------------------------------------------------------------


class RegressionData(NamedTuple):
    """Samples (x, y) and, when simulated, the truth they were drawn from (else None).

    Attributes:
        truth: coefficients of the true curve, highest power first as `np.polyval`
            takes them: (α, β) for a line.
        sigma: the noise's standard deviation.
    """

    x: np.ndarray
    y: np.ndarray
    truth: np.ndarray | None = None
    sigma: float | None = None


def simulate_line(
    n: int = 50,
    alpha: float = 2.0,
    beta: float = -1.0,
    sigma: float = 1.0,
    seed: int = 0,
    x_range: tuple[float, float] = (0.0, 5.0),
) -> RegressionData:
    """y = αx + β + σε with x ~ U(x_range), ε ~ N(0, 1), from `jax.random.key(seed)`."""
    return simulate_curve((alpha, beta), n, sigma, seed, x_range)


def simulate_curve(
    truth=(0.05, -0.8, 3.0, 1.0),
    n: int = 60,
    sigma: float = 0.5,
    seed: int = 0,
    x_range: tuple[float, float] = (0.0, 10.0),
) -> RegressionData:
    """y = p(x) + σε, p = polyval(truth), x ~ U(x_range), ε ~ N(0, 1), key(seed).

    The default cubic on [0, 10] has raw powers up to 10³, the point of the
    conditioning demonstration.

    Raises:
        ValueError: for n < 2, σ < 0, a non-finite parameter or an empty x range.
    """
    truth = np.asarray(truth, dtype=np.float64)
    if int(n) != n or n < 2:
        raise ValueError(f"Simulate at least 2 points (n = {n}).")
    if not (np.isfinite(truth).all() and all(map(math.isfinite, (sigma, *x_range)))):
        raise ValueError("The coefficients, σ and the x range must be finite numbers.")
    if sigma < 0:
        raise ValueError(f"σ is a standard deviation: give σ ≥ 0, not {sigma}.")
    if not x_range[0] < x_range[1]:
        raise ValueError(f"The x range {x_range} is empty: give (low, high) with low < high.")
    key_x, key_noise = jax.random.split(jax.random.key(seed))
    x = np.asarray(jax.random.uniform(key_x, (int(n),), minval=x_range[0], maxval=x_range[1]))
    noise = np.asarray(jax.random.normal(key_noise, (int(n),)))
    return RegressionData(x, np.polyval(truth, x) + sigma * noise, truth, float(sigma))


def regression_data(x, y) -> RegressionData:
    """Uploaded samples, validated: two equal-length finite 1-D arrays, x not constant.

    Raises:
        ValueError: saying which of those fails.
    """
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if x.ndim != 1 or x.shape != y.shape:
        raise ValueError(f"x and y must be 1-D and equally long (got {x.shape} and {y.shape}).")
    if len(x) < 2 or not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise ValueError("Give at least 2 samples, all finite: remove blank or nan rows.")
    if np.ptp(x) == 0:
        raise ValueError("Every x is the same, so no slope can be fitted: vary x.")
    return RegressionData(x, y)


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


# ---- polynomials ---------------------------------------------------------------------------


def polynomial_loss(coefficients: jax.Array, u: jax.Array, y: jax.Array) -> jax.Array:
    """L(c) = mean((polyval(c, u) − y)²), c highest power first as in `jnp.polyval`."""
    return jnp.mean((jnp.polyval(coefficients, u) - y) ** 2)


_polynomial_value_and_grad = jax.value_and_grad(polynomial_loss)


def scale_to_unit(x, low: float, high: float) -> np.ndarray:
    """u = (2x − low − high) / (high − low): maps [low, high] onto [−1, 1]."""
    return (2 * np.asarray(x) - low - high) / (high - low)


class Conditioning(NamedTuple):
    """Condition numbers of the Vandermonde matrix V and the normal matrix VᵀV = cond(V)²."""

    raw_vandermonde: float
    scaled_vandermonde: float
    raw_normal: float
    scaled_normal: float


def conditioning(x, degree: int) -> Conditioning:
    """κ(V) on raw x and on x scaled to [−1, 1]; κ(VᵀV) = κ(V)², squared exactly here
    rather than computed from VᵀV, whose own rounding caps it near 1/ε ≈ 1e16."""
    x = np.asarray(x, dtype=np.float64)
    raw = float(np.linalg.cond(np.vander(x, degree + 1)))
    scaled = float(np.linalg.cond(np.vander(scale_to_unit(x, x.min(), x.max()), degree + 1)))
    return Conditioning(raw, scaled, raw**2, scaled**2)


def polyfit_reference(u, y, degree: int) -> tuple[np.ndarray, str | None]:
    """`np.polyfit(u, y, degree)` and its RankWarning's text (None when it gave none)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", np.exceptions.RankWarning)
        coefficients = np.polyfit(u, y, degree)
    ranks = [str(w.message) for w in caught if issubclass(w.category, np.exceptions.RankWarning)]
    return coefficients, (ranks[0] if ranks else None)


class PolynomialFit(NamedTuple):
    """Descent on one set of features (raw x or scaled u) against polyfit on the same.

    Attributes:
        features: "raw" or "scaled".
        descent: the trajectory; its distance is to `reference`.
        coefficients: the descent's last iterate, in that feature's basis.
        reference: `np.polyfit` on the same features; reference_loss its loss.
        reference_warning: polyfit's RankWarning text, or None.
        step_size: the step used, 1/L.
        curve: the descent's polynomial on the comparison's curve_x.
    """

    features: str
    descent: DescentResult
    coefficients: np.ndarray
    reference: np.ndarray
    reference_loss: float
    reference_warning: str | None
    step_size: float
    curve: np.ndarray


class PolynomialComparison(NamedTuple):
    """Raw against scaled features for one degree, with curves on `curve_x` for plotting."""

    data: RegressionData
    degree: int
    conditioning: Conditioning
    curve_x: np.ndarray
    reference_curve: np.ndarray
    raw: PolynomialFit
    scaled: PolynomialFit


def compare_polynomial(
    data: RegressionData,
    degree: int = 3,
    rule: StepRule = "fixed",
    tol: float = 1e-8,
    max_iterations: int = 2000,
    points: int = 200,
) -> PolynomialComparison:
    """Fit a degree-k polynomial by descent on raw x and on x scaled to [−1, 1].

    Each descent starts at c = 0 with the step 1/L, L = λ_max((2/n) VᵀV), the largest
    step that is safe on that basis; it is the tiny L⁻¹ of raw powers of x that makes the
    raw descent crawl along the directions of small curvature.

    Raises:
        ValueError: for a degree outside 0..n − 1.
    """
    x, y = data.x, data.y
    if int(degree) != degree or not 0 <= degree < len(x):
        raise ValueError(f"The degree must be a whole number from 0 to n − 1 = {len(x) - 1}.")
    low, high = float(x.min()), float(x.max())
    curve_x = np.linspace(low, high, points)

    def fit(features: str, u: np.ndarray, curve_u: np.ndarray) -> PolynomialFit:
        reference, warning = polyfit_reference(u, y, degree)
        lipschitz = hessian_bound(np.vander(u, degree + 1))
        descent = gradient_descent(
            _polynomial_value_and_grad,
            np.zeros(degree + 1),
            (u, y),
            step_size=1 / lipschitz,
            rule=rule,
            tol=tol,
            max_iterations=max_iterations,
            reference=reference,
            lipschitz=lipschitz,
        )
        coefficients = descent.path[-1]
        return PolynomialFit(
            features,
            descent,
            coefficients,
            reference,
            float(np.mean((np.polyval(reference, u) - y) ** 2)),
            warning,
            1 / lipschitz,
            np.polyval(coefficients, curve_u),
        )

    scaled = fit("scaled", scale_to_unit(x, low, high), scale_to_unit(curve_x, low, high))
    return PolynomialComparison(
        data,
        int(degree),
        conditioning(x, degree),
        curve_x,
        np.polyval(scaled.reference, scale_to_unit(curve_x, low, high)),
        fit("raw", x, curve_x),
        scaled,
    )
