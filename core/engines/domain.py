"""One rule for every engine: where f itself is undefined, so is every derivative of f.

A derivative is a limit of (f(x0 + h) − f(x0)) / h; where f(x0) is not a real number
(log of a negative number, sqrt(−1), asin(2), (−8)^(1/3) as a real power) there is
nothing to take the limit of. Local rules still give numbers there — log's rule
u′/u gives −1 at x = −1 — so every engine applies this rule to what it returns:
Taylor-mode AD (`core.engines.autodiff`), finite differences
(`core.engines.finite_differences`), SymPy's values (`core.engines.symbolic`), the
derivatives of several variables and the Explorer's tables and figures.

Only nan counts as "not defined": where f is ±inf (a pole such as 1/x at 0, or
overflow) the derivatives stay as they are, and where f is finite they are never
touched (sqrt′(0) = inf and |x|'s kink keep what each engine gives).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def outside_domain(values: ArrayLike) -> np.ndarray:
    """True where f's values are not a real number (nan): outside f's real domain."""
    return np.isnan(np.asarray(values, dtype=np.float64))


def mask_rows(rows: ArrayLike) -> np.ndarray:
    """Rows 0..n of derivatives (row 0 = f) with every row nan wherever f is nan.

    Args:
        rows: shape (n + 1, ...) float64, row k the k-th derivative at the same points.

    Returns:
        A float64 array of the same shape (a copy only when something changed).

    Example:
        >>> mask_rows([[np.nan, 1.0], [-1.0, 2.0]]).tolist()
        [[nan, 1.0], [nan, 2.0]]
    """
    rows = np.asarray(rows, dtype=np.float64)
    if rows.ndim == 0 or rows.shape[0] < 2:
        return rows
    undefined = outside_domain(rows[0])
    if not undefined.any():
        return rows
    rows = rows.copy()
    rows[1:, undefined] = np.nan
    return rows


def mask_by_value(value: ArrayLike, derivative: ArrayLike) -> np.ndarray:
    """A derivative that is nan wherever the value it belongs to is nan.

    `value` has the leading shape of `derivative`: a scalar f(p) with its gradient (d,)
    or Hessian (d, d); the components f_i(p), shape (m,), with the Jacobian's rows (m, d)
    or with (J v)_i, shape (m,); a grid of values with its derivatives on that grid.

    Example:
        >>> mask_by_value([1.0, np.nan], [[1.0, 2.0], [3.0, 4.0]]).tolist()
        [[1.0, 2.0], [nan, nan]]
    """
    derivative = np.array(derivative, dtype=np.float64)
    undefined = outside_domain(value)
    if not undefined.any():
        return derivative
    trailing = derivative.ndim - undefined.ndim
    if trailing < 0:
        raise ValueError(
            f"The derivative (shape {derivative.shape}) must have the value's shape "
            f"{undefined.shape} as its leading dimensions."
        )
    undefined = undefined.reshape(undefined.shape + (1,) * trailing)
    return np.where(np.broadcast_to(undefined, derivative.shape), np.nan, derivative)
