"""The second-derivative test: the Hessian at a point, and what its eigenvalues say.

Near a point p, f(p + h) = f(p) + ∇f(p)·h + ½ hᵀ H h + O(|h|³), with H = ∇²f(p)
symmetric and eigenvalues λ_1 ≤ ... ≤ λ_d. Where ∇f(p) = 0 the quadratic term decides:
all λ > 0, a minimum; all λ < 0, a maximum; both signs, a saddle (f rises along one
eigenvector and falls along another); some λ = 0 and the rest of one sign, degenerate:
the second derivatives cannot decide (x⁴ + y⁴ and the monkey saddle x³ − 3xy² both
have H = 0 at the origin). An eigenvalue counts as zero within a tolerance relative to
the largest |λ|; core.several_variables.stationary judges the points it finds the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import jax.numpy as jnp
import numpy as np
from numpy.typing import ArrayLike

from core.language.expression import ParsedExpression
from core.several_variables.arguments import short_number
from core.several_variables.derivatives import hessian
from core.several_variables.point_function import as_jax_function

KINDS = ("minimum", "maximum", "saddle", "degenerate")
ZERO_TOLERANCE = 1e-6  # |λ| <= this * max(1, max |λ|) counts as a zero eigenvalue


class HessianReport(NamedTuple):
    """The Hessian at a point and what its eigenvalues say.

    Attributes:
        hessian: H_ij = ∂²f/∂x_i∂x_j by AD, shape (d, d).
        eigenvalues: of (H + Hᵀ)/2, ascending.
        kind: one of KINDS.
        sentence: what the eigenvalues say, for a student.
    """

    hessian: np.ndarray
    eigenvalues: np.ndarray
    kind: str
    sentence: str


def hessian_report(
    parsed: ParsedExpression,
    point: ArrayLike,
    params: Mapping[str, float] | None = None,
    tolerance: float = ZERO_TOLERANCE,
) -> HessianReport:
    """The Hessian of f at a point, its eigenvalues, and what they say.

    Args:
        parsed: an expression of the variables (x_1, ..., x_d).
        point: p, d numbers ordered as `parsed.variables`.
        params: values of the parameters; missing ones are 1.0.
        tolerance: an eigenvalue with |λ| <= tolerance * max(1, max |λ|) counts as zero.

    Returns:
        The report; its kind says what the point would be if ∇f(p) = 0.

    Raises:
        ValueError: for a vector function, a point of the wrong length, a bad
            parameter, or a point where f or its second derivatives are not defined.

    Example:
        >>> from core import parse_expression
        >>> report = hessian_report(parse_expression("x^2 - y^2", ("x", "y")), [0, 0])
        >>> report.kind, report.eigenvalues.tolist()
        ('saddle', [-2.0, 2.0])
    """
    matrix = hessian(parsed, point, params)  # validates f, the point and the parameters
    p = np.asarray(point, dtype=np.float64).reshape(-1)
    value = float(as_jax_function(parsed, params)(jnp.asarray(p)))
    where = "(" + ", ".join(short_number(x) for x in p) + ")"
    if not np.isfinite(value):
        raise ValueError(f"f is not defined at {where}: choose a point inside its domain.")
    if not np.isfinite(matrix).all():
        raise ValueError(
            f"The second derivatives of f are not defined at {where}: "
            "choose a point where f is smooth."
        )
    eigenvalues, kind = eigenvalues_and_kind(matrix, tolerance)
    zero = _zero_level(eigenvalues, tolerance)
    return HessianReport(matrix, eigenvalues, kind, _sentence(kind, eigenvalues, zero))


def classify(eigenvalues: np.ndarray, zero: float) -> str:
    """The kind of a stationary point from its Hessian's eigenvalues; |λ| <= zero is 0.

    Both signs make a saddle even when another eigenvalue is zero: f rises along one
    direction and falls along another, so the point is no extremum.
    """
    negative, positive = eigenvalues < -zero, eigenvalues > zero
    if negative.any() and positive.any():
        return "saddle"
    if positive.all():
        return "minimum"
    if negative.all():
        return "maximum"
    return "degenerate"


def eigenvalues_and_kind(
    matrix: np.ndarray, tolerance: float = ZERO_TOLERANCE
) -> tuple[np.ndarray, str]:
    """The eigenvalues of (H + Hᵀ)/2, ascending, and the kind they make (see `classify`).

    Example:
        >>> eigenvalues, kind = eigenvalues_and_kind(np.array([[2.0, 0.0], [0.0, -2.0]]))
        >>> eigenvalues.tolist(), kind
        ([-2.0, 2.0], 'saddle')
    """
    eigenvalues = np.linalg.eigvalsh(0.5 * (matrix + matrix.T))
    return eigenvalues, classify(eigenvalues, _zero_level(eigenvalues, tolerance))


def _zero_level(eigenvalues: np.ndarray, tolerance: float) -> float:
    return tolerance * max(1.0, float(np.abs(eigenvalues).max(initial=0.0)))


def _sentence(kind: str, eigenvalues: np.ndarray, zero: float) -> str:
    d = len(eigenvalues)
    shown = ", ".join("0" if abs(x) <= zero else short_number(x) for x in eigenvalues)
    if d == 1:
        every, stationary, second = "The eigenvalue is", "f′ = 0", "derivative"
    else:
        every = "Both eigenvalues are" if d == 2 else f"All {d} eigenvalues are"
        stationary, second = "∇f = 0", "derivatives"
    if kind in ("minimum", "maximum"):
        sign, way = ("positive", "up") if kind == "minimum" else ("negative", "down")
        return (
            f"{every} {sign} ({shown}): f curves {way} in every direction — "
            f"a {kind} if {stationary} here."
        )
    if kind == "saddle":
        signs = (
            "One eigenvalue is negative and one positive"
            if d == 2
            else "The eigenvalues have both signs"
        )
        return (
            f"{signs} ({shown}): f curves down along one direction and up along another — "
            f"a saddle if {stationary} here."
        )
    zeros = int(np.sum(np.abs(eigenvalues) <= zero))
    which = (
        every if zeros == d else "One eigenvalue is" if zeros == 1 else f"{zeros} eigenvalues are"
    )
    return f"{which} zero ({shown}): the second {second} cannot decide; look at higher orders."
