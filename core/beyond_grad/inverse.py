"""The derivative of a matrix inverse, ∂(A⁻¹) = −A⁻¹ (∂A) A⁻¹, against `jax.jacfwd(inv)`.

Differentiating A A⁻¹ = I gives (∂A) A⁻¹ + A ∂(A⁻¹) = 0, so moving A in the direction
dA moves its inverse by −A⁻¹ dA A⁻¹. JAX finds the same without the formula:
`jax.jacfwd(jnp.linalg.inv)(A)` is the n × n × n × n tensor J[i, j, k, l] = ∂(A⁻¹)ᵢⱼ/∂Aₖₗ,
and contracting it with dA, Σₖₗ J[i, j, k, l] dAₖₗ, is the same n × n matrix.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from numpy.typing import ArrayLike

from core.beyond_grad.arguments import MAX_MATRIX_SIZE, square_matrix
from core.engines import autodiff  # noqa: F401  (importing it switches JAX to float64)

MAX_SIZE = MAX_MATRIX_SIZE
MAX_CONDITION = 1e12  # beyond this A is singular to working precision


# A fixed function, compiled once per size n (about 0.1 s); eagerly, each primitive of the
# LU solve and its tangent would be compiled on first use (about 1 s).
_inverse_jacobian = jax.jit(jax.jacfwd(jnp.linalg.inv))


class InverseDerivative(NamedTuple):
    """A⁻¹ and its derivative in the direction dA, by the formula and by JAX.

    Attributes:
        inverse: A⁻¹, (n, n).
        formula: −A⁻¹ dA A⁻¹, (n, n).
        by_jacfwd: `jax.jacfwd(jnp.linalg.inv)(A)` contracted with dA, (n, n).
        max_difference: the largest |formula − by_jacfwd| entry.
    """

    inverse: np.ndarray
    formula: np.ndarray
    by_jacfwd: np.ndarray
    max_difference: float


def inverse_derivative(A: ArrayLike, dA: ArrayLike) -> InverseDerivative:
    """The derivative of A ↦ A⁻¹ at A in the direction dA, two ways.

    Args:
        A: a square invertible matrix, n × n with 1 ≤ n ≤ MAX_SIZE.
        dA: the direction, the same shape as A.

    Returns:
        An `InverseDerivative`.

    Raises:
        ValueError: for a matrix that is not square, numbers that are not finite, a dA of
            another shape, a singular A, or a derivative beyond float64's range.

    Example:
        >>> result = inverse_derivative([[2.0, 1.0], [1.0, 3.0]], [[1.0, 0.0], [0.0, 0.0]])
        >>> (result.formula * 25).round(12).tolist(), result.max_difference < 1e-15
        ([[-9.0, 3.0], [3.0, -1.0]], True)
    """
    A = square_matrix(A, "A")
    dA = square_matrix(dA, "dA")
    if dA.shape != A.shape:
        raise ValueError(f"dA must have the shape of A, {A.shape}; got {dA.shape}.")
    condition = np.linalg.cond(A)
    if not condition < MAX_CONDITION:
        raise ValueError(
            f"A is singular (det A = {np.linalg.det(A):.3g}, condition number "
            f"{condition:.3g}), so it has no inverse to differentiate: choose an A with "
            "linearly independent rows."
        )
    with np.errstate(over="ignore", invalid="ignore"):
        inverse = np.linalg.inv(A)
        formula = -inverse @ dA @ inverse
    if not np.isfinite(formula).all():
        raise ValueError(
            f"A⁻¹ is so large (up to {np.abs(inverse).max():.3g}) that −A⁻¹ dA A⁻¹ overflows "
            "float64: scale A up, or dA down."
        )
    jacobian = np.asarray(_inverse_jacobian(jnp.asarray(A)), dtype=np.float64)
    by_jacfwd = np.einsum("ijkl,kl->ij", jacobian, dA)
    return InverseDerivative(
        inverse, formula, by_jacfwd, float(np.max(np.abs(formula - by_jacfwd)))
    )
