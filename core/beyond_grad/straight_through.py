"""The straight-through estimator: a gradient through a quantiser whose derivative is 0.

Quantising soft probabilities y to the one-hot q(y) of their largest entry is a step
function: q is constant near every y with a unique largest entry, so ∂q/∂y = 0 and
f(y) = wᵀ q(y) passes no gradient back, ∂f/∂y = 0. The straight-through estimator
replaces q(y) by

    y + stop_gradient(q(y) − y),

whose value is q(y) and whose derivative is that of y, the identity: ∂f/∂y = w. In one
dimension the same trick turns round(x), a staircase with derivative 0 almost everywhere
(and none at the jumps x = k + ½), into x + stop_gradient(round(x) − x), of "derivative" 1.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from numpy.typing import ArrayLike

from core.engines import autodiff  # noqa: F401  (importing it switches JAX to float64)

MAX_POINTS = 10_001


class Quantiser(NamedTuple):
    """f(y) = wᵀ q(y) and its gradient in y, plain and by the straight-through estimator.

    `gradient` (zeros), `ste_gradient` (= w) and `one_hot` (q(y)) are float64 arrays of
    the length of y.
    """

    value: float
    gradient: np.ndarray
    ste_value: float
    ste_gradient: np.ndarray
    one_hot: np.ndarray


class RoundingPicture(NamedTuple):
    """round(x) on a grid, with its derivative by `jax.grad` (0) and by the estimator (1).

    All four are float64 arrays of the grid's length.
    """

    xs: np.ndarray
    rounded: np.ndarray
    true_derivative: np.ndarray
    ste_derivative: np.ndarray


def one_hot(y):
    """q(y): 1 at the largest entry of y, 0 elsewhere (a step function of y)."""
    return jax.nn.one_hot(jnp.argmax(y), y.shape[0], dtype=y.dtype)


def straight_through(quantise, y):
    """y + stop_gradient(quantise(y) − y): the value of quantise(y), the derivative of y."""
    return y + lax.stop_gradient(quantise(y) - y)


# Fixed functions: compiled once per shape (under 0.1 s, where the first run primitive by
# primitive costs 0.2-0.3 s), then under 1 ms a call.
@jax.jit
def _quantised(w, y):
    def plain(y):
        return jnp.dot(w, one_hot(y))

    def estimated(y):
        return jnp.dot(w, straight_through(one_hot, y))

    return jax.value_and_grad(plain)(y), jax.value_and_grad(estimated)(y), one_hot(y)


@jax.jit
def _rounding(xs):
    true_derivative = jax.vmap(jax.grad(jnp.round))(xs)
    ste_derivative = jax.vmap(jax.grad(lambda x: straight_through(jnp.round, x)))(xs)
    return jnp.round(xs), true_derivative, ste_derivative


def quantiser(w: ArrayLike = (1.0, 2.0, 3.0), y: ArrayLike = (0.1, 0.2, 0.7)) -> Quantiser:
    """f(y) = wᵀ q(y) with q(y) one-hot, and ∂f/∂y by `jax.grad`, plainly and straight-through.

    Args:
        w: the weights, n ≥ 2 finite numbers.
        y: the soft probabilities (any n finite numbers), with a unique largest entry.

    Returns:
        A `Quantiser`: the value and gradient (zero) of wᵀ q(y), the value and gradient
        (w) of wᵀ (y + stop_gradient(q(y) − y)), and q(y).

    Raises:
        ValueError: when w or y is not a list of n ≥ 2 finite numbers, their lengths
            differ, or the largest entry of y is tied (q is undefined there).

    Example:
        >>> result = quantiser()
        >>> result.value, result.gradient.tolist(), result.ste_gradient.tolist()
        (3.0, [0.0, 0.0, 0.0], [1.0, 2.0, 3.0])
    """
    w, y = _vector(w, "The weights w"), _vector(y, "The probabilities y")
    if w.shape != y.shape:
        raise ValueError(
            f"w and y must have the same length, got {w.size} weights and {y.size} probabilities."
        )
    _require_unique_largest(y)
    (value, gradient), (ste_value, ste_gradient), q = _quantised(jnp.asarray(w), jnp.asarray(y))
    return Quantiser(
        float(value), np.asarray(gradient, dtype=np.float64),
        float(ste_value), np.asarray(ste_gradient, dtype=np.float64),
        np.asarray(q, dtype=np.float64),
    )  # fmt: skip


def rounding_picture(x_range: tuple[float, float] = (-2.5, 2.5), n: int = 501) -> RoundingPicture:
    """round(x) (half to even, as `jnp.round`) and its two "derivatives" on a grid.

    Args:
        x_range: (low, high), finite with low < high.
        n: the number of grid points, 2 to 10,001.

    Returns:
        A `RoundingPicture`: the grid, round(x), `jax.grad` of round (0 everywhere: JAX
        differentiates the flat steps and ignores the jumps) and of the estimator (1).

    Raises:
        ValueError: for a range that is not two finite numbers low < high, or a bad n.

    Example:
        >>> picture = rounding_picture((-1.0, 1.0), 5)
        >>> picture.rounded.tolist(), picture.true_derivative.tolist()
        ([-1.0, -0.0, 0.0, 0.0, 1.0], [0.0, 0.0, 0.0, 0.0, 0.0])
    """
    low, high = _range(x_range)
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or not 2 <= n <= MAX_POINTS:
        raise ValueError(
            f"The number of points n must be a whole number from 2 to {MAX_POINTS:,}, got {n!r}."
        )
    xs = np.linspace(low, high, int(n))
    rounded, true_derivative, ste_derivative = _rounding(jnp.asarray(xs))
    return RoundingPicture(
        xs, np.asarray(rounded, dtype=np.float64),
        np.asarray(true_derivative, dtype=np.float64), np.asarray(ste_derivative, dtype=np.float64),
    )  # fmt: skip


def _vector(numbers: ArrayLike, label: str) -> np.ndarray:
    try:
        array = np.asarray(numbers, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{label} must be a list of numbers, got {numbers!r}.") from None
    if array.ndim != 1 or array.size < 2:
        raise ValueError(
            f"{label} must be a flat list of at least 2 numbers, got shape {array.shape}."
        )
    if not np.isfinite(array).all():
        raise ValueError(f"{label} must hold finite numbers only, got {array.tolist()}.")
    return array


def _require_unique_largest(y: np.ndarray) -> None:
    tied = np.flatnonzero(y == y.max())
    if tied.size > 1:
        names = [f"y{index + 1}" for index in tied]
        entries = " and ".join(names) if len(names) == 2 else ", ".join(names) + " are all"
        entries = f"{entries} are both" if len(names) == 2 else entries
        raise ValueError(
            f"The largest entry of y is tied ({entries} {y.max():g}), so its one-hot "
            "quantisation is undefined: make one of them larger."
        )


def _range(x_range) -> tuple[float, float]:
    try:
        low, high = (float(end) for end in x_range)
    except (TypeError, ValueError):
        raise ValueError(f"The x-range must be two numbers (low, high), got {x_range!r}.") from None
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError(f"The x-range must be finite, got ({low}, {high}).")
    if not low < high:
        raise ValueError(f"The x-range must have low < high, got ({low:g}, {high:g}).")
    return low, high
