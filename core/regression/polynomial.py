"""Polynomial regression by descent, on raw x and on x scaled to [−1, 1], and its conditioning.

Polynomial regression is the least-squares loss of a line with V the Vandermonde
matrix; on raw x its condition number grows like the powers of max|x|, which is why
gradient descent stalls there and converges once x is mapped to [−1, 1].
"""

from __future__ import annotations

import warnings
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from core.regression.gradient_descent import DescentResult, StepRule, gradient_descent
from core.regression.line_fit import hessian_bound
from core.regression.samples import RegressionData


def polynomial_loss(coefficients: jax.Array, u: jax.Array, y: jax.Array) -> jax.Array:
    """L(c) = mean((polyval(c, u) − y)²), c highest power first as in `jnp.polyval`."""
    return jnp.mean((jnp.polyval(coefficients, u) - y) ** 2)


_polynomial_value_and_grad = jax.value_and_grad(polynomial_loss)


def scale_to_unit(x, low: float, high: float) -> np.ndarray:
    """u = (2x − low − high) / (high − low): maps [low, high] onto [−1, 1]."""
    return (2 * np.asarray(x) - low - high) / (high - low)


class Conditioning(NamedTuple):
    """Condition numbers of the Vandermonde matrix V and the normal matrix VᵀV = cond(V)²."""

    raw_vandermonde: float
    scaled_vandermonde: float
    raw_normal: float
    scaled_normal: float


def conditioning(x, degree: int) -> Conditioning:
    """κ(V) on raw x and on x scaled to [−1, 1]; κ(VᵀV) = κ(V)², squared exactly here
    rather than computed from VᵀV, whose own rounding caps it near 1/ε ≈ 1e16."""
    x = np.asarray(x, dtype=np.float64)
    raw = float(np.linalg.cond(np.vander(x, degree + 1)))
    scaled = float(np.linalg.cond(np.vander(scale_to_unit(x, x.min(), x.max()), degree + 1)))
    return Conditioning(raw, scaled, raw**2, scaled**2)


def polyfit_reference(u, y, degree: int) -> tuple[np.ndarray, str | None]:
    """`np.polyfit(u, y, degree)` and its RankWarning's text (None when it gave none)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", np.exceptions.RankWarning)
        coefficients = np.polyfit(u, y, degree)
    ranks = [str(w.message) for w in caught if issubclass(w.category, np.exceptions.RankWarning)]
    return coefficients, (ranks[0] if ranks else None)


class PolynomialFit(NamedTuple):
    """Descent on one set of features (raw x or scaled u) against polyfit on the same.

    Attributes:
        features: "raw" or "scaled".
        descent: the trajectory; its distance is to `reference`.
        coefficients: the descent's last iterate, in that feature's basis.
        reference: `np.polyfit` on the same features; reference_loss its loss.
        reference_warning: polyfit's RankWarning text, or None.
        step_size: the step used, 1/L.
        curve: the descent's polynomial on the comparison's curve_x.
    """

    features: str
    descent: DescentResult
    coefficients: np.ndarray
    reference: np.ndarray
    reference_loss: float
    reference_warning: str | None
    step_size: float
    curve: np.ndarray


class PolynomialComparison(NamedTuple):
    """Raw against scaled features for one degree, with curves on `curve_x` for plotting."""

    data: RegressionData
    degree: int
    conditioning: Conditioning
    curve_x: np.ndarray
    reference_curve: np.ndarray
    raw: PolynomialFit
    scaled: PolynomialFit


def compare_polynomial(
    data: RegressionData,
    degree: int = 3,
    rule: StepRule = "fixed",
    tol: float = 1e-8,
    max_iterations: int = 2000,
    points: int = 200,
) -> PolynomialComparison:
    """Fit a degree-k polynomial by descent on raw x and on x scaled to [−1, 1].

    Each descent starts at c = 0 with the step 1/L, L = λ_max((2/n) VᵀV), the largest
    step that is safe on that basis; it is the tiny L⁻¹ of raw powers of x that makes the
    raw descent crawl along the directions of small curvature.

    Raises:
        ValueError: for a degree outside 0..n − 1.
    """
    x, y = data.x, data.y
    if int(degree) != degree or not 0 <= degree < len(x):
        raise ValueError(f"The degree must be a whole number from 0 to n − 1 = {len(x) - 1}.")
    low, high = float(x.min()), float(x.max())
    curve_x = np.linspace(low, high, points)

    def fit(features: str, u: np.ndarray, curve_u: np.ndarray) -> PolynomialFit:
        reference, warning = polyfit_reference(u, y, degree)
        lipschitz = hessian_bound(np.vander(u, degree + 1))
        descent = gradient_descent(
            _polynomial_value_and_grad,
            np.zeros(degree + 1),
            (u, y),
            step_size=1 / lipschitz,
            rule=rule,
            tol=tol,
            max_iterations=max_iterations,
            reference=reference,
            lipschitz=lipschitz,
        )
        coefficients = descent.path[-1]
        return PolynomialFit(
            features,
            descent,
            coefficients,
            reference,
            float(np.mean((np.polyval(reference, u) - y) ** 2)),
            warning,
            1 / lipschitz,
            np.polyval(coefficients, curve_u),
        )

    scaled = fit("scaled", scale_to_unit(x, low, high), scale_to_unit(curve_x, low, high))
    return PolynomialComparison(
        data,
        int(degree),
        conditioning(x, degree),
        curve_x,
        np.polyval(scaled.reference, scale_to_unit(curve_x, low, high)),
        fit("raw", x, curve_x),
        scaled,
    )
