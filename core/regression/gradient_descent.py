"""Gradient descent with a fixed or Barzilai–Borwein step, run in one compiled loop.

Gradient descent θ ← θ − t ∇L(θ) with a fixed step t on a quadratic loss with Hessian H
contracts the error by max|1 − t λ| over the eigenvalues λ of H: it needs t < 2/λ_max
and takes about κ(H) log(1/ε) steps. The Barzilai–Borwein step t_k = sᵀs / sᵀg with
s = θ_k − θ_{k−1}, g = ∇L_k − ∇L_{k−1} (Barzilai & Borwein 1988, "Two-point step size
gradient methods") is a scalar secant estimate of 1/λ and needs far fewer steps on the
same problem.

The algorithm is the pure `descent_init`/`descent_step` pair over `DescentState`;
`gradient_descent` runs it in one `lax.while_loop`, writing the iterates into
fixed-size buffers, and hands the trajectory back as data.
"""

from __future__ import annotations

import functools
import math
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
