"""The samples the regression page fits: simulated from a known truth, or uploaded and validated.

Simulated samples are drawn from `jax.random.key(seed)`, so a seed always gives the same
points; uploaded ones are checked, with advice on what to fix.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import jax
import numpy as np

import core.engines.autodiff  # noqa: F401  (float64 on: the simulated samples are float64)

# ---- curves y = p(x) + noise -----------------------------------------------------------------


class RegressionData(NamedTuple):
    """Samples (x, y) and, when simulated, the truth they were drawn from (else None).

    Attributes:
        truth: coefficients of the true curve, highest power first as `np.polyval`
            takes them: (α, β) for a line.
        sigma: the noise's standard deviation.
    """

    x: np.ndarray
    y: np.ndarray
    truth: np.ndarray | None = None
    sigma: float | None = None


def simulate_line(
    n: int = 50,
    alpha: float = 2.0,
    beta: float = -1.0,
    sigma: float = 1.0,
    seed: int = 0,
    x_range: tuple[float, float] = (0.0, 5.0),
) -> RegressionData:
    """y = αx + β + σε with x ~ U(x_range), ε ~ N(0, 1), from `jax.random.key(seed)`."""
    return simulate_curve((alpha, beta), n, sigma, seed, x_range)


def simulate_curve(
    truth=(0.05, -0.8, 3.0, 1.0),
    n: int = 60,
    sigma: float = 0.5,
    seed: int = 0,
    x_range: tuple[float, float] = (0.0, 10.0),
) -> RegressionData:
    """y = p(x) + σε, p = polyval(truth), x ~ U(x_range), ε ~ N(0, 1), key(seed).

    The default cubic on [0, 10] has raw powers up to 10³, the point of the
    conditioning demonstration.

    Raises:
        ValueError: for n < 2, σ < 0, a non-finite parameter or an empty x range.
    """
    truth = np.asarray(truth, dtype=np.float64)
    if int(n) != n or n < 2:
        raise ValueError(f"Simulate at least 2 points (n = {n}).")
    if not (np.isfinite(truth).all() and all(map(math.isfinite, (sigma, *x_range)))):
        raise ValueError("The coefficients, σ and the x range must be finite numbers.")
    if sigma < 0:
        raise ValueError(f"σ is a standard deviation: give σ ≥ 0, not {sigma}.")
    if not x_range[0] < x_range[1]:
        raise ValueError(f"The x range {x_range} is empty: give (low, high) with low < high.")
    key_x, key_noise = jax.random.split(jax.random.key(seed))
    x = np.asarray(jax.random.uniform(key_x, (int(n),), minval=x_range[0], maxval=x_range[1]))
    noise = np.asarray(jax.random.normal(key_noise, (int(n),)))
    return RegressionData(x, np.polyval(truth, x) + sigma * noise, truth, float(sigma))


def regression_data(x, y) -> RegressionData:
    """Uploaded samples, validated: two equal-length finite 1-D arrays, x not constant.

    Raises:
        ValueError: saying which of those fails.
    """
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if x.ndim != 1 or x.shape != y.shape:
        raise ValueError(f"x and y must be 1-D and equally long (got {x.shape} and {y.shape}).")
    if len(x) < 2 or not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise ValueError("Give at least 2 samples, all finite: remove blank or nan rows.")
    if np.ptp(x) == 0:
        raise ValueError("Every x is the same, so no slope can be fitted: vary x.")
    return RegressionData(x, y)


# ---- two classes in the plane ---------------------------------------------------------------


class ClassData(NamedTuple):
    """Points (n, 2), labels (n,) in {0, 1}, and the blob centres (2, 2) when simulated."""

    points: np.ndarray
    labels: np.ndarray
    centres: np.ndarray | None = None


def two_blobs(
    n_per_class: int = 40, separation: float = 3.0, spread: float = 1.0, seed: int = 0
) -> ClassData:
    """Two Gaussian blobs, N(±(separation/2)(1, 1)/√2, spread² I), from `jax.random.key(seed)`.

    Raises:
        ValueError: for fewer than 2 points a class, or a separation or spread that is
            negative or not finite.
    """
    if int(n_per_class) != n_per_class or n_per_class < 2:
        raise ValueError(f"Give each class at least 2 points (got {n_per_class}).")
    if not (math.isfinite(separation) and math.isfinite(spread)) or separation < 0 or spread <= 0:
        raise ValueError("The separation must be ≥ 0 and the spread > 0, both finite.")
    direction = np.array([1.0, 1.0]) / math.sqrt(2)
    centres = np.stack([-0.5 * separation * direction, 0.5 * separation * direction])
    noise = np.asarray(jax.random.normal(jax.random.key(seed), (2, int(n_per_class), 2)))
    points = (centres[:, None, :] + spread * noise).reshape(-1, 2)
    labels = np.repeat([0.0, 1.0], int(n_per_class))
    return ClassData(points, labels, centres)


def class_data(points, labels) -> ClassData:
    """Uploaded points and labels, validated.

    Raises:
        ValueError: unless points is (n, 2) and finite, and labels n values of 0 and 1
            with both classes present.
    """
    points, labels = np.asarray(points, dtype=np.float64), np.asarray(labels, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2 or labels.shape != (len(points),):
        raise ValueError(
            f"Give points as (n, 2) and n labels (got {points.shape}, {labels.shape})."
        )
    if not np.isfinite(points).all() or not np.isin(labels, (0.0, 1.0)).all():
        raise ValueError("Points must be finite and every label 0 or 1.")
    if len(np.unique(labels)) < 2:
        raise ValueError("Both classes are needed: some labels must be 0 and some 1.")
    return ClassData(points, labels)
