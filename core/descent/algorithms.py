"""The lesson's optimizers, each a pure `init`/`step` pair over a NamedTuple state.

Written in the manner of jax.example_libraries.optimizers and optax: gradient descent,
Barzilai–Borwein, heavy-ball momentum, Nesterov and a damped Newton method; Adam and
RMSProp are optax's own. A step takes the current `Iterate` (x with f and ∇f there)
and returns the next one, evaluated, so the driver (`core.descent.run_loop`) can
stop on the new gradient without evaluating anything twice. Every evaluation a step
makes is added to `Iterate.counts`, which become the trajectory's nfev, njev, nhev.

Example:
    >>> import jax.numpy as jnp
    >>> f = lambda x: jnp.sum(x**2)
    >>> objective = Objective(f, jax.value_and_grad(f), jax.hessian(f))
    >>> start = evaluate(objective, jnp.array([1.0, -2.0]), jnp.zeros(3, dtype=int))
    >>> new, _ = gradient_descent_step(start, EmptyState(), objective, {"learning_rate": 0.25})
    >>> new.x.tolist(), new.counts.tolist()
    ([0.5, -1.0], [2, 2, 0])
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import NamedTuple

import jax
import jax.numpy as jnp
import optax
from jax import lax


class Objective(NamedTuple):
    """The JAX functions a step may call (each call is counted in `Iterate.counts`)."""

    value: Callable[[jax.Array], jax.Array]
    value_and_grad: Callable[[jax.Array], tuple[jax.Array, jax.Array]]
    hessian: Callable[[jax.Array], jax.Array]


class Iterate(NamedTuple):
    """A point of the path with f and ∇f there, and the evaluations made so far."""

    x: jax.Array
    value: jax.Array
    gradient: jax.Array
    counts: jax.Array  # int (3,): calls of f, ∇f and ∇²f so far


def evaluate(objective: Objective, x: jax.Array, counts: jax.Array) -> Iterate:
    """f and ∇f at x (one evaluation of each, counted)."""
    value, gradient = objective.value_and_grad(x)
    return Iterate(x, value, gradient, counts + jnp.array([1, 1, 0]))


class Algorithm(NamedTuple):
    """init(iterate, settings) -> state; step(iterate, state, objective, settings)."""

    init: Callable
    step: Callable
    defaults: Mapping[str, float]


class EmptyState(NamedTuple):
    """The state of a method that needs none beyond the iterate."""


def _stateless(_iterate, _settings) -> EmptyState:
    return EmptyState()


def gradient_descent_step(iterate, state, objective, settings):
    """x ← x − η ∇f(x), with a fixed step η (stable on a quadratic when η < 2/L)."""
    x = iterate.x - settings["learning_rate"] * iterate.gradient
    return evaluate(objective, x, iterate.counts), state


class BarzilaiBorweinState(NamedTuple):
    previous_x: jax.Array
    previous_gradient: jax.Array
    has_previous: jax.Array


def barzilai_borwein_init(iterate, _settings) -> BarzilaiBorweinState:
    return BarzilaiBorweinState(iterate.x, iterate.gradient, jnp.asarray(False))


def barzilai_borwein_step(iterate, state, objective, settings):
    """x ← x − α ∇f(x) with α = sᵀs / sᵀy, s = Δx, y = Δ∇f (Barzilai & Borwein, 1988).

    α is the step that fits the last two gradients with a multiple of the identity (a
    secant equation). The first step, and any step where sᵀy ≤ 0 (negative curvature
    along s), uses the fixed `learning_rate` instead. No line search: f need not
    decrease at every step, which is the method's character.
    """
    s = iterate.x - state.previous_x
    y = iterate.gradient - state.previous_gradient
    curvature = jnp.dot(s, y)
    usable = state.has_previous & (curvature > 0)
    step = jnp.where(usable, jnp.dot(s, s) / jnp.where(usable, curvature, 1.0), 0.0)
    step = jnp.where(usable, step, settings["learning_rate"])
    new = evaluate(objective, iterate.x - step * iterate.gradient, iterate.counts)
    return new, BarzilaiBorweinState(iterate.x, iterate.gradient, jnp.asarray(True))


class MomentumState(NamedTuple):
    velocity: jax.Array


def momentum_init(iterate, _settings) -> MomentumState:
    return MomentumState(jnp.zeros_like(iterate.x))


def momentum_step(iterate, state, objective, settings):
    """Heavy ball (Polyak, 1964): v ← μv − η∇f(x); x ← x + v."""
    velocity = settings["momentum"] * state.velocity - settings["learning_rate"] * iterate.gradient
    return evaluate(objective, iterate.x + velocity, iterate.counts), MomentumState(velocity)


def nesterov_step(iterate, state, objective, settings):
    """Nesterov momentum: v ← μv − η∇f(x); x ← x + μv − η∇f(x).

    The form of Sutskever et al. (2013), also optax's `sgd(nesterov=True)`: the stored
    x is the look-ahead point x̃ + μv of the textbook form, so each step needs one
    gradient, at the point recorded on the path.
    """
    gradient_step = settings["learning_rate"] * iterate.gradient
    velocity = settings["momentum"] * state.velocity - gradient_step
    x = iterate.x + settings["momentum"] * velocity - gradient_step
    return evaluate(objective, x, iterate.counts), MomentumState(velocity)


def _optax_algorithm(make: Callable[[Mapping], optax.GradientTransformation], defaults):
    """An optax transformation as an init/step pair (its state is optax's own)."""

    def init(iterate, settings):
        return make(settings).init(iterate.x)

    def step(iterate, state, objective, settings):
        updates, state = make(settings).update(iterate.gradient, state, iterate.x)
        x = optax.apply_updates(iterate.x, updates)
        return evaluate(objective, x, iterate.counts), state

    return Algorithm(init, step, defaults)


def _armijo_step(objective, iterate, direction, counts):
    """Largest t in 1, 1/2, 1/4, ... (30 tries) with f(x + td) ≤ f(x) + 1e-4 t ∇fᵀd."""
    slope = jnp.dot(iterate.gradient, direction)

    def too_long(carry):
        t, trial, tries = carry
        return (tries < 30) & ~(trial <= iterate.value + 1e-4 * t * slope)

    def halve(carry):
        t, _, tries = carry
        return t / 2, objective.value(iterate.x + t / 2 * direction), tries + 1

    first = (jnp.asarray(1.0), objective.value(iterate.x + direction), jnp.asarray(1))
    t, _, tries = lax.while_loop(too_long, halve, first)
    return t, counts + jnp.array([1, 0, 0]) * tries


def newton_step(iterate, state, objective, settings):
    """x ← x + t d, with (H + σI) d = −∇f solved (never inverted).

    σ = 0 where the Hessian H is positive definite beyond `damping` (then d is the
    exact Newton step); otherwise σ = damping − λ_min(H) lifts the smallest eigenvalue
    to `damping` so d is a descent direction (Nocedal & Wright, 2006, §3.4). With
    `line_search` on, t comes from Armijo backtracking; off, t = 1.
    """
    hessian = objective.hessian(iterate.x)
    counts = iterate.counts + jnp.array([0, 0, 1])
    lowest = jnp.linalg.eigvalsh(hessian)[0]
    damping = settings["damping"]
    shift = jnp.where(lowest > damping, 0.0, damping - lowest)
    identity = jnp.eye(iterate.x.shape[0], dtype=hessian.dtype)
    direction = jnp.linalg.solve(hessian + shift * identity, -iterate.gradient)
    t, searched = _armijo_step(objective, iterate, direction, counts)
    use_search = settings["line_search"] > 0
    t, counts = jnp.where(use_search, t, 1.0), jnp.where(use_search, searched, counts)
    return evaluate(objective, iterate.x + t * direction, counts), state


_STEP_DEFAULTS = {"learning_rate": 1e-3, "momentum": 0.9}
ALGORITHMS: dict[str, Algorithm] = {
    "gd": Algorithm(_stateless, gradient_descent_step, {"learning_rate": 1e-3}),
    "bb": Algorithm(barzilai_borwein_init, barzilai_borwein_step, {"learning_rate": 1e-3}),
    "momentum": Algorithm(momentum_init, momentum_step, _STEP_DEFAULTS),
    "nesterov": Algorithm(momentum_init, nesterov_step, _STEP_DEFAULTS),
    "adam": _optax_algorithm(
        lambda s: optax.adam(s["learning_rate"], b1=s["b1"], b2=s["b2"], eps=s["eps"]),
        {"learning_rate": 1e-2, "b1": 0.9, "b2": 0.999, "eps": 1e-8},
    ),
    "rmsprop": _optax_algorithm(
        lambda s: optax.rmsprop(s["learning_rate"], decay=s["decay"], eps=s["eps"]),
        {"learning_rate": 1e-2, "decay": 0.9, "eps": 1e-8},
    ),
    "newton": Algorithm(_stateless, newton_step, {"damping": 1e-6, "line_search": 1.0}),
}
FRACTIONS = ("momentum", "b1", "b2", "decay")  # settings in [0, 1)
SWITCHES = ("line_search",)  # settings read as on (nonzero) or off (0)
