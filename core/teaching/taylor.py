"""Taylor polynomials of a typed f(x) at x0, from Taylor-mode automatic differentiation.

    T_n(x) = sum_{k=0..n} c_k (x − x0)^k,    c_k = f^(k)(x0) / k!

Taylor mode (`jax.experimental.jet`, via `core.engines.autodiff.derivatives_at`)
propagates the truncated series of x0 + t through every primitive of f, so all the
derivatives f(x0), f'(x0), ..., f^(n)(x0) come from one pass, exact to rounding, with
no symbolic algebra and no step size.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from core.engines.autodiff import derivatives_at
from core.language.expression import ParsedExpression
from core.validation.arguments import finite_number

MAX_DEGREE = 16  # the highest order `derivatives_at` propagates


def taylor_polynomial(
    parsed: ParsedExpression,
    x0: float,
    degree: int,
    params: Mapping[str, float] | None = None,
) -> np.ndarray:
    """Coefficients c_0..c_degree of the Taylor polynomial sum c_k (x − x0)^k of f at x0.

    Args:
        parsed: f, an expression of one variable.
        x0: the centre of the expansion.
        degree: n, from 0 to `MAX_DEGREE`.
        params: values of the parameters; missing ones are 1.0.

    Returns:
        float64 array of shape (degree + 1,): c_k = f^(k)(x0)/k!. Where a derivative is
        undefined at x0 (sqrt at 0) its coefficient is inf or nan.

    Raises:
        ValueError: for a function of several variables, a bad degree or x0, or an
            unknown parameter.

    Example:
        >>> from core import parse_expression
        >>> taylor_polynomial(parse_expression("x^3 + 2x^2 - 3x + 1"), 1.0, 4).round(12).tolist()
        [1.0, 4.0, 5.0, 1.0, 0.0]
    """
    if not isinstance(parsed, ParsedExpression):
        raise TypeError(
            f"taylor_polynomial needs a parsed expression (parse_expression), "
            f"got {type(parsed).__name__}."
        )
    if len(parsed.variables) != 1:
        raise ValueError(
            f"A Taylor polynomial here is of a function of one variable; {parsed.text} is a "
            f"function of {', '.join(parsed.variables) or 'no variables'}."
        )
    if isinstance(degree, bool) or not isinstance(degree, int | np.integer):
        raise ValueError(f"The degree must be a whole number, got {degree!r}.")
    if not 0 <= degree <= MAX_DEGREE:
        raise ValueError(f"The degree must be between 0 and {MAX_DEGREE}, got {degree}.")
    x0 = finite_number(x0, "x0")
    derivatives = derivatives_at(parsed, x0, int(degree), params)
    factorials = np.array([math.factorial(k) for k in range(int(degree) + 1)], dtype=np.float64)
    return derivatives / factorials


def taylor_values(coefficients, x0: float, xs) -> np.ndarray:
    """T_n at the points `xs`: sum c_k (x − x0)^k by Horner's rule, in float64.

    Example:
        >>> taylor_values([1.0, 1.0, 0.5], 0.0, [0.0, 2.0]).tolist()
        [1.0, 5.0]
    """
    coefficients = np.asarray(coefficients, dtype=np.float64)
    if coefficients.ndim != 1 or coefficients.size == 0:
        raise ValueError("The coefficients must be a non-empty 1-D sequence c_0, c_1, ...")
    shifted = np.asarray(xs, dtype=np.float64) - float(x0)
    result = np.full_like(shifted, coefficients[-1])
    for coefficient in coefficients[-2::-1]:
        result = result * shifted + coefficient
    return result
