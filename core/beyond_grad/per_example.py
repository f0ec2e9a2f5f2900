"""Per-example derivatives with `vmap`: one gradient, or one Hessian, per data point.

`jax.vmap(jax.grad(loss), in_axes=(None, 0))(w, X)` maps the gradient over the rows of X
while sharing w: row i is ∇_w loss(w, xᵢ). The lecture's loss(w, x) = w·x has gradient x,
so the rows x₀ = (1, 2, 3) and x₁ = 2x₀ give [[1, 2, 3], [2, 4, 6]].

For the logistic loss ℓᵢ(w) = −yᵢ log σ(zᵢ) − (1 − yᵢ) log σ(−zᵢ), zᵢ = xᵢ·w, each
Hessian is ∇²ℓᵢ = pᵢ(1 − pᵢ) xᵢxᵢᵀ with pᵢ = σ(zᵢ), so `vmap(hessian)` summed over the
examples is XᵀSX, S = diag(pᵢ(1 − pᵢ)): the Hessian Newton's method uses (the labels do
not enter it).
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from numpy.typing import ArrayLike
from scipy import special

from core.engines import autodiff  # noqa: F401  (importing it switches JAX to float64)

MAX_EXAMPLES = 10_000
MAX_FEATURES = 20
SAMPLE_TRUE_WEIGHTS = (-0.5, 1.5, -1.0)  # intercept and two features
SAMPLE_WEIGHTS = (0.2, 0.8, -0.5)  # where the page evaluates the Hessians


def linear_loss(weights: jax.Array, point: jax.Array) -> jax.Array:
    """The lecture's loss(w, x) = w·x."""
    return jnp.dot(weights, point)


def lecture_per_example(w: ArrayLike = (1, 1, 1), x0: ArrayLike = (1, 2, 3)) -> np.ndarray:
    """Per-example gradients of w·x over the rows x₀ and x₁ = 2x₀, by `vmap(grad)`.

    Args:
        w: the weights, d numbers.
        x0: the first row, d numbers; the second is 2 x₀.

    Returns:
        (2, d) float64: row i is ∇_w (w·xᵢ) = xᵢ.

    Raises:
        ValueError: for w and x0 of different lengths or numbers that are not finite.

    Example:
        >>> lecture_per_example().tolist()
        [[1.0, 2.0, 3.0], [2.0, 4.0, 6.0]]
    """
    w = _array(w, "w", 1)
    x0 = _array(x0, "x0", 1)
    if w.shape != x0.shape:
        raise ValueError(f"w and x0 need the same length; got {w.size} and {x0.size}.")
    rows = jnp.stack([x0, 2 * x0])
    gradients = jax.vmap(jax.grad(linear_loss), in_axes=(None, 0))(w, rows)
    return np.asarray(gradients, dtype=np.float64)


def logistic_loss(weights: jax.Array, point: jax.Array, label: jax.Array) -> jax.Array:
    """ℓ(w; x, y) = −y log σ(z) − (1 − y) log σ(−z) = softplus(z) − y z, z = x·w.

    In `lax` primitives only, so a new number of examples compiles nothing beyond the
    primitives (see `_softplus`).
    """
    z = lax.reduce_sum(lax.mul(weights, point), (0,))
    return lax.sub(_softplus(z), lax.mul(label, z))


def _softplus(z):
    """log(1 + eᶻ), never overflowing: z + log(1 + e⁻ᶻ) for z > 0, log(1 + eᶻ) otherwise.

    Each branch sees a harmless 0 where it is not chosen (select, not max: at z = 0 `max`
    would split its derivative in halves), so its unused derivative is 0, never inf · 0;
    both branches are smooth, so the Hessian σ(z)(1 − σ(z)) is right at z = 0 too.
    """
    positive = lax.gt(z, lax.full_like(z, 0.0))
    zero = lax.full_like(z, 0.0)
    above = lax.add(z, lax.log1p(lax.exp(lax.neg(lax.select(positive, z, zero)))))
    below = lax.log1p(lax.exp(lax.select(positive, zero, z)))
    return lax.select(positive, above, below)


# One fixed function, so compiled once per data shape (about 0.2 s), where running it
# eagerly would compile each of its ~60 primitives for every new shape (2-3 s).
_per_example_hessians = jax.jit(jax.vmap(jax.hessian(logistic_loss), in_axes=(None, 0, 0)))


class HessianCheck(NamedTuple):
    """Σᵢ ∇²ℓᵢ(w) by `vmap(hessian)` against the closed form XᵀSX.

    Attributes:
        per_example_sum: (d, d) the sum of the per-example Hessians.
        batch: (d, d) XᵀSX with S = diag(pᵢ(1 − pᵢ)), pᵢ = σ(xᵢ·w).
        max_difference: the largest |per_example_sum − batch| entry.
        count: n, the number of examples summed.
    """

    per_example_sum: np.ndarray
    batch: np.ndarray
    max_difference: float
    count: int


def logistic_hessian_check(X: ArrayLike, y: ArrayLike, w: ArrayLike) -> HessianCheck:
    """Per-example Hessians of the logistic loss, by `vmap(hessian)`, summed, against XᵀSX.

    Args:
        X: (n, d) the examples, one per row (a column of ones gives an intercept).
        y: (n,) labels in [0, 1].
        w: (d,) the weights.

    Returns:
        A `HessianCheck`.

    Raises:
        ValueError: for shapes that do not fit together, labels outside [0, 1] or numbers
            that are not finite.

    Example:
        >>> check = logistic_hessian_check([[1.0, 2.0], [1.0, -1.0]], [1, 0], [0.0, 0.0])
        >>> check.batch.tolist(), check.max_difference < 1e-15
        ([[0.5, 0.25], [0.25, 1.25]], True)
    """
    X = _array(X, "X", 2)
    n, d = X.shape
    if not 1 <= n <= MAX_EXAMPLES or not 1 <= d <= MAX_FEATURES:
        raise ValueError(
            f"X must have 1 to {MAX_EXAMPLES:,} rows and 1 to {MAX_FEATURES} columns; "
            f"got {n} × {d}."
        )
    y = _array(y, "y", 1)
    w = _array(w, "w", 1)
    if y.shape != (n,) or w.shape != (d,):
        raise ValueError(
            f"For X of shape {n} × {d}, y needs {n} labels and w {d} weights; "
            f"got {y.size} and {w.size}."
        )
    if np.any((y < 0) | (y > 1)):
        raise ValueError("The labels y must lie in [0, 1] (class 0 or 1, or a probability).")
    hessians = _per_example_hessians(jnp.asarray(w), jnp.asarray(X), jnp.asarray(y))
    per_example_sum = np.asarray(hessians, dtype=np.float64).sum(axis=0)
    p = special.expit(X @ w)
    batch = X.T @ (X * (p * (1 - p))[:, None])
    return HessianCheck(
        per_example_sum, batch, float(np.max(np.abs(per_example_sum - batch))), int(n)
    )


def sample_logistic_data(n: int = 20, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A small, fixed logistic-regression example for the page: (X, y, w).

    X is (n, 3): a column of ones and two standard-normal features; y ~ Bernoulli(σ(X w*))
    with w* = SAMPLE_TRUE_WEIGHTS; w = SAMPLE_WEIGHTS, where the Hessians are taken. The
    same (n, seed) gives the same data on every machine (NumPy's PCG64).

    Raises:
        ValueError: for n outside 1..MAX_EXAMPLES.
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or not 1 <= n <= MAX_EXAMPLES:
        raise ValueError(f"n must be a whole number from 1 to {MAX_EXAMPLES:,}, got {n!r}.")
    rng = np.random.default_rng(seed)
    X = np.column_stack([np.ones(int(n)), rng.standard_normal((int(n), 2))])
    p = 1 / (1 + np.exp(-(X @ np.array(SAMPLE_TRUE_WEIGHTS))))
    y = (rng.random(int(n)) < p).astype(np.float64)
    return X, y, np.array(SAMPLE_WEIGHTS, dtype=np.float64)


def _array(values, name: str, ndim: int) -> np.ndarray:
    try:
        array = np.array(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numbers; got {values!r}.") from None
    if array.ndim != ndim or not array.size:
        shape = "a vector (one row of numbers)" if ndim == 1 else "a matrix (rows of numbers)"
        raise ValueError(f"{name} must be {shape}; got shape {array.shape}.")
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must hold finite numbers only.")
    return array
