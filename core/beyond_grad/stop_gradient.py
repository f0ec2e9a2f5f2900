"""`jax.lax.stop_gradient` in the lecture's TD(0) update (JAX's "Stopping gradients").

A linear value function v(s) = θ·s is moved towards the target r + v(s) of the next
state. The TD(0) update Δθ = δ · s_prev, with the TD error δ = r + v(s) − v(s_prev), is
not the gradient of any loss; it is the negative gradient of the pseudo-loss

    L(θ) = ½ (stop_gradient(r + θ·s) − θ·s_prev)²,   ∂L/∂θ = −δ · s_prev   (semi-gradient),

where stop_gradient holds the target fixed: it is the identity going forward and a
constant going back. Without it the target moves with θ as well and

    ∂/∂θ ½ (r + θ·s − θ·s_prev)² = δ · (s − s_prev)   (the full, "residual" gradient).
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from numpy.typing import ArrayLike

from core.engines import autodiff  # noqa: F401  (importing it switches JAX to float64)
from core.validation.arguments import finite_number

STATE_SIZE = 3  # the lecture's θ, s_prev and s have three entries


class TDUpdate(NamedTuple):
    """The pseudo-loss's gradient with stop_gradient and without, and the TD quantities.

    `semi_gradient` and `full_gradient` are float64 arrays of shape (3,); `td_error` is
    δ = target − value_prev, `value_prev` = θ·s_prev and `target` = r + θ·s.
    """

    semi_gradient: np.ndarray
    full_gradient: np.ndarray
    td_error: float
    value_prev: float
    target: float


def value(theta, state):
    """The linear value function v(s) = θ·s."""
    return jnp.dot(theta, state)


def semi_gradient_loss(theta, s_prev, r, s):
    """½ (stop_gradient(r + v(s)) − v(s_prev))²: the target is a constant to `jax.grad`."""
    target = lax.stop_gradient(r + value(theta, s))
    return 0.5 * (target - value(theta, s_prev)) ** 2


def full_loss(theta, s_prev, r, s):
    """½ (r + v(s) − v(s_prev))²: the same loss with the target differentiated too."""
    return 0.5 * (r + value(theta, s) - value(theta, s_prev)) ** 2


# Fixed functions of fixed shapes: compiled once (under 0.1 s, where the first run primitive
# by primitive costs about 0.3 s), then under 1 ms a call.
@jax.jit
def _gradients(theta, s_prev, r, s):
    return jax.grad(semi_gradient_loss)(theta, s_prev, r, s), jax.grad(full_loss)(
        theta, s_prev, r, s
    )


def td_update(theta: ArrayLike, s_prev: ArrayLike, r: float, s: ArrayLike) -> TDUpdate:
    """The gradient in θ of the TD(0) pseudo-loss, with stop_gradient and without.

    Args:
        theta: θ, three numbers.
        s_prev: the state left, three numbers.
        r: the reward received.
        s: the state reached, three numbers.

    Returns:
        A `TDUpdate`: the semi-gradient −δ·s_prev (gradient descent on it is the TD
        update θ ← θ + α δ s_prev), the full gradient δ·(s − s_prev), δ, v(s_prev) and
        the target r + v(s).

    Raises:
        ValueError: when θ, s_prev or s is not three finite numbers, or r is not finite.

    Example:
        >>> update = td_update((0.1, -0.1, 0.0), (1.0, 2.0, -1.0), 1.0, (2.0, 1.0, 0.0))
        >>> np.round(update.semi_gradient, 12).tolist()
        [-1.2, -2.4, 1.2]
        >>> np.round(update.full_gradient, 12).tolist()
        [1.2, -1.2, 1.2]
    """
    theta, s_prev, s = _state(theta, "θ"), _state(s_prev, "s_prev"), _state(s, "s")
    r = finite_number(r, "The reward r")
    semi, full = _gradients(jnp.asarray(theta), jnp.asarray(s_prev), jnp.asarray(r), jnp.asarray(s))
    semi, full = np.asarray(semi, dtype=np.float64), np.asarray(full, dtype=np.float64)
    value_prev, target = float(theta @ s_prev), float(r + theta @ s)
    return TDUpdate(semi, full, target - value_prev, value_prev, target)


def _state(numbers: ArrayLike, name: str) -> np.ndarray:
    try:
        array = np.asarray(numbers, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be {STATE_SIZE} numbers, got {numbers!r}.") from None
    if array.shape != (STATE_SIZE,):
        raise ValueError(f"{name} must be {STATE_SIZE} numbers, got shape {array.shape}.")
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must hold finite numbers only, got {array.tolist()}.")
    return array
