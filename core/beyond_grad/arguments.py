"""Checking what the Beyond grad page passes in: numbers and small square matrices.

Each check raises a ValueError of one sentence naming the argument, which the page
shows as it is.
"""

from __future__ import annotations

import numpy as np

from core.validation.arguments import finite_number

__all__ = ["MAX_MATRIX_SIZE", "finite_number", "square_matrix"]

MAX_MATRIX_SIZE = 6  # the Jacobian of A ↦ A⁻¹ has n⁴ entries, and a snippet prints A


def square_matrix(values, name: str) -> np.ndarray:
    """`values` as a finite float64 n × n matrix, 1 <= n <= MAX_MATRIX_SIZE, or a ValueError."""
    try:
        matrix = np.array(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a square matrix of numbers; got {values!r}.") from None
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or not matrix.size:
        raise ValueError(f"{name} must be a square matrix (n × n); got shape {matrix.shape}.")
    if matrix.shape[0] > MAX_MATRIX_SIZE:
        raise ValueError(
            f"{name} may be at most {MAX_MATRIX_SIZE} × {MAX_MATRIX_SIZE}; got {matrix.shape}."
        )
    if not np.isfinite(matrix).all():
        raise ValueError(f"{name} must hold finite numbers; got {matrix.tolist()}.")
    return matrix
