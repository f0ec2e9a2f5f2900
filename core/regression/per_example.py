"""Per-example gradients of the logistic loss: `vmap(grad)` over the data, and their check.

The gradient of a mean is the mean of the gradients, ∇L(w) = (1/n) Σᵢ ∇ℓᵢ(w); `vmap`
computes every ∇ℓᵢ in one call, which shows which examples pull hardest on w.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from core.regression.logistic import DEFAULT_LAM, cross_entropy, nll_gradient
from core.regression.samples import ClassData


def per_example_loss(weights: jax.Array, point: jax.Array, label: jax.Array, lam=DEFAULT_LAM):
    """ℓ(w; p, y) = −y log σ(z) − (1 − y) log σ(−z) + (λ/2)‖w‖², z = w₀ + w₁p₁ + w₂p₂."""
    z = weights[0] + weights[1:] @ point
    return cross_entropy(z, label) + 0.5 * lam * weights @ weights


_per_example_gradients = jax.jit(jax.vmap(jax.grad(per_example_loss), in_axes=(None, 0, 0, None)))


def per_example_gradients(weights, points, labels, lam: float = DEFAULT_LAM) -> np.ndarray:
    """∇ℓᵢ(w) for every example, (n, 3): `vmap(grad(per_example_loss))` over the data."""
    return np.asarray(_per_example_gradients(jnp.asarray(weights), points, labels, lam))


class PerExampleTable(NamedTuple):
    """Per-example gradients at some weights for a few points, and the check on all of them.

    Attributes:
        indices: which examples (the largest gradients first).
        points, labels, probabilities: those examples, and σ(z) for each.
        gradients: (m, 3) ∇ℓᵢ(w) for them.
        mean_gradient: the mean of ∇ℓᵢ over every example.
        full_gradient: ∇L(w) from `jax.grad` of the whole loss: equal to mean_gradient.
    """

    indices: np.ndarray
    points: np.ndarray
    labels: np.ndarray
    probabilities: np.ndarray
    gradients: np.ndarray
    mean_gradient: np.ndarray
    full_gradient: np.ndarray


def per_example_table(
    data: ClassData, weights, lam: float = DEFAULT_LAM, count: int = 5
) -> PerExampleTable:
    """The `count` examples that pull hardest on w, by ‖∇ℓᵢ(w)‖."""
    weights = np.asarray(weights, dtype=np.float64)
    gradients = per_example_gradients(weights, data.points, data.labels, lam)
    order = np.argsort(-np.linalg.norm(gradients, axis=1), kind="stable")[: max(int(count), 0)]
    z = weights[0] + data.points[order] @ weights[1:]
    return PerExampleTable(
        order, data.points[order], data.labels[order], 1 / (1 + np.exp(-z)), gradients[order],
        gradients.mean(axis=0), np.asarray(nll_gradient(weights, data.points, data.labels, lam)),
    )  # fmt: skip
