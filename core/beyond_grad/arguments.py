"""Checking what the Beyond grad page passes in: numbers and small square matrices.

Each check raises a ValueError of one sentence naming the argument, which the page
shows as it is.
"""

from __future__ import annotations

import numpy as np

from core.validation.arguments import finite_number

__all__ = ["MAX_MATRIX_SIZE", "finite_number", "other_values", "square_matrix"]

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


def other_values(equation, names, unknown, parameter, params, called: str) -> dict[str, float]:
    """The values of an equation's names other than the unknown and the parameter, from
    `params` (missing ones are 1.0); `called` is how the sentences name the equation
    ("F" for a root F = 0, "f" for a fixed point z = f)."""
    given = dict(params or {})
    for role, name in (("unknown", unknown), ("parameter", parameter)):
        if name in given:
            raise ValueError(
                f"{name} is the {role}: leave it out of params "
                + ("(it is solved for)." if role == "unknown" else "(its value is `value`).")
            )
    others = [name for name in names if name not in (unknown, parameter)]
    unknown_names = sorted(set(given) - set(others))
    if unknown_names:
        raise ValueError(
            f"{', '.join(unknown_names)} not in {called} = {equation.text}; the names params "
            f"may set are: {', '.join(others) or 'none'}."
        )
    return {name: finite_number(given.get(name, 1.0), f"The value of {name}") for name in others}
