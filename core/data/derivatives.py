"""Derivatives of sampled data five ways: np.gradient, a derivative matrix, fits, splines.

Every method takes the samples (x, y) with x strictly increasing, possibly
non-uniform, and returns dy/dx at the same x. They differ in what they assume about
the data: difference quotients assume nothing and so amplify noise like 1/h; fits and
splines assume a smooth curve and trade bias for less noise.
"""

from __future__ import annotations

import csv
import io
from typing import NamedTuple

import numpy as np
import scipy.sparse
from numpy.polynomial import Polynomial
from scipy.interpolate import CubicSpline, make_smoothing_spline

from core.data.samples import Samples
from core.engines.finite_differences import fornberg_weights

METHODS = {
    "gradient1": "np.gradient, edge_order=1",
    "gradient2": "np.gradient, edge_order=2",
    "fd_matrix": "Derivative matrix D",
    "polynomial": "Polynomial fit",
    "cubic_spline": "Cubic spline",
    "smoothing_spline": "Smoothing spline",
}
MAX_DEGREE = 30
MAX_SMOOTHNESS = 10.0
FALLBACK_SMOOTHNESS = 5.0  # used when GCV cannot choose (an ill-posed fit)


class Settings(NamedTuple):
    """Knobs of the methods that have any.

    Attributes:
        degree: degree of the global polynomial fit (capped at n - 1).
        smoothness: smoothing spline's smoothness from 0 (pass through every point) to
            MAX_SMOOTHNESS (close to a straight line); None chooses it by generalized
            cross-validation (GCV).
    """

    degree: int = 12
    smoothness: float | None = None


DEFAULT_SETTINGS = Settings()


class Estimates(NamedTuple):
    """Each chosen method's dy/dx at the samples, and the truth when known.

    Attributes:
        x, y: the samples.
        true_derivative: f'(x), or None for uploaded data.
        derivatives: method key (see METHODS) -> dy/dx at x.
        notes: remarks about how a method ran (a capped degree, GCV's choice).
    """

    x: np.ndarray
    y: np.ndarray
    true_derivative: np.ndarray | None
    derivatives: dict[str, np.ndarray]
    notes: tuple[str, ...]


class EdgeRow(NamedTuple):
    """|error| at the first and last samples against the typical error inside."""

    method: str
    first: float
    last: float
    median_interior: float

    @property
    def ratio(self) -> float:
        """The worse end's error in units of the median interior error."""
        return max(self.first, self.last) / max(self.median_interior, 1e-300)


def derivative_matrix(x: np.ndarray) -> scipy.sparse.csr_array:
    """The n x n matrix D with D @ y ~ dy/dx: three-point Fornberg weights in each row.

    Row i holds the weights of the stencil x[i-1], x[i], x[i+1] (exact for quadratics,
    error O(h^2) even on a non-uniform grid); the first and last rows use the one-sided
    stencils x[0..2] and x[n-3..n-1]. This is exactly what `np.gradient(y, x,
    edge_order=2)` computes, written as a matrix.
    """
    x = np.asarray(x, dtype=np.float64)
    n = len(x)
    if n < 3:
        raise ValueError(f"A three-point derivative matrix needs 3 or more points, got {n}.")
    rows, columns, values = [], [], []
    for i in range(n):
        start = min(max(i - 1, 0), n - 3)
        offsets = [float(x[j] - x[i]) for j in range(start, start + 3)]
        rows += [i, i, i]
        columns += [start, start + 1, start + 2]
        values += fornberg_weights(1, offsets)
    return scipy.sparse.csr_array((values, (rows, columns)), shape=(n, n))


def matrix_corner(x: np.ndarray, size: int = 6) -> np.ndarray:
    """The top-left size x size block of `derivative_matrix(x)`, as a dense array.

    Rows below `size` only involve the first size + 1 points, so the block is built
    from the first size + 2 points, however long x is.
    """
    size = min(size, len(x))
    return derivative_matrix(x[: min(len(x), size + 2)]).toarray()[:size, :size]


def smoothing_lambda(x: np.ndarray, smoothness: float) -> float:
    """The penalty lam of `make_smoothing_spline` for a smoothness from 0 to 10.

    The spline minimises sum (y_i - f(x_i))^2 + lam * integral f''^2. With mean spacing
    h the sum is about (1/h) * integral (y - f)^2, so wiggles shorter than about
    2*pi*L with L = (lam * h)^(1/4) are smoothed away. Smoothness s sets that length
    scale on a log scale from tiny (s near 0) to the whole x-range (s = 10), so it
    means the same on every range and sample count.
    """
    if smoothness <= 0:
        return 0.0
    span = float(x[-1] - x[0])
    spacing = span / (len(x) - 1)
    length = span * 10 ** ((smoothness - MAX_SMOOTHNESS) / 3)
    return length**4 / spacing


def _polynomial(x, y, degree):
    degree = min(degree, len(x) - 1)
    # full=True reports the rank instead of warning (RankWarning) when it is deficient.
    fit, (_, rank, _, _) = Polynomial.fit(x, y, degree, full=True)
    note = f"polynomial degree {degree}" + (
        f" is ill-conditioned here (rank {rank}): fewer terms would do as well"
        if rank < degree + 1
        else ""
    )
    # Polynomial.deriv() is numpy.polyder's modern form, in a scaled, stable basis.
    return fit.deriv()(x), note


def _smoothing_spline(x, y, smoothness):
    if smoothness is not None:
        lam = smoothing_lambda(x, smoothness)
        return make_smoothing_spline(x, y, lam=lam).derivative()(x), f"smoothing lam = {lam:.3g}"
    try:
        spline = make_smoothing_spline(x, y)
    except (ValueError, np.linalg.LinAlgError):
        lam = smoothing_lambda(x, FALLBACK_SMOOTHNESS)
        spline = make_smoothing_spline(x, y, lam=lam)
        return spline.derivative()(x), (
            f"GCV could not choose a smoothing for these data; used smoothness "
            f"{FALLBACK_SMOOTHNESS:g} (lam = {lam:.3g})"
        )
    return spline.derivative()(x), "smoothing chosen by GCV"


def estimate(
    method: str,
    x: np.ndarray,
    y: np.ndarray,
    settings: Settings = DEFAULT_SETTINGS,
    matrix: scipy.sparse.csr_array | None = None,
) -> tuple[np.ndarray, str]:
    """dy/dx at x by one method.

    Args:
        method: a key of METHODS.
        x: strictly increasing positions; y: values there.
        settings: degree and smoothness for the methods that use them.
        matrix: `derivative_matrix(x)` if already built (sweeps reuse it).

    Returns:
        The derivative at x, and a note on how the method ran ("" if none).
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if method == "gradient1":
        return np.gradient(y, x, edge_order=1), ""
    if method == "gradient2":
        return np.gradient(y, x, edge_order=2), ""
    if method == "fd_matrix":
        return (derivative_matrix(x) if matrix is None else matrix) @ y, ""
    if method == "polynomial":
        return _polynomial(x, y, settings.degree)
    if method == "cubic_spline":
        return CubicSpline(x, y)(x, 1), ""
    if method == "smoothing_spline":
        return _smoothing_spline(x, y, settings.smoothness)
    raise ValueError(f"Unknown method {method!r}; choose from {', '.join(METHODS)}.")


def estimate_all(samples: Samples, methods, settings: Settings = DEFAULT_SETTINGS) -> Estimates:
    """Every method in `methods` (keys of METHODS, in that order) on the samples."""
    derivatives, notes = {}, []
    for method in methods:
        values, note = estimate(method, samples.x, samples.y, settings)
        derivatives[method] = values
        if note:
            notes.append(f"{METHODS[method]}: {note}.")
    return Estimates(samples.x, samples.y, samples.true_derivative, derivatives, tuple(notes))


def rms_error(values: np.ndarray, truth: np.ndarray) -> float:
    """Root-mean-square of values - truth over every sample, the ends included."""
    return float(np.sqrt(np.mean((np.asarray(values) - np.asarray(truth)) ** 2)))


def edge_errors(estimates: Estimates) -> list[EdgeRow]:
    """|error| at the first and last samples and the median |error| of the others."""
    if estimates.true_derivative is None:
        return []
    rows = []
    for method, values in estimates.derivatives.items():
        error = np.abs(values - estimates.true_derivative)
        rows.append(
            EdgeRow(
                METHODS[method], float(error[0]), float(error[-1]), float(np.median(error[1:-1]))
            )
        )
    return rows


def derivatives_csv(estimates: Estimates) -> str:
    """CSV text: x, y, the true derivative when known, then one column per method."""
    columns = {"x": estimates.x, "y": estimates.y}
    if estimates.true_derivative is not None:
        columns["true_derivative"] = estimates.true_derivative
    columns.update(estimates.derivatives)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(zip(*(map(repr, map(float, c)) for c in columns.values()), strict=True))
    return buffer.getvalue()


class DataView(NamedTuple):
    """Everything the page shows about one data set, computed in one call.

    Attributes:
        samples: the data.
        estimates: each method's dy/dx.
        edges: per-method error at the ends against the interior (empty if no truth).
        matrix_corner: top-left 6 x 6 block of the derivative matrix D of these x.
        csv: the download: x, y, the true derivative if known, one column per method.
    """

    samples: Samples
    estimates: Estimates
    edges: list[EdgeRow]
    matrix_corner: np.ndarray
    csv: str


def data_view(samples: Samples, methods, settings: Settings = DEFAULT_SETTINGS) -> DataView:
    """Run the chosen methods on the samples and gather what the page shows."""
    estimates = estimate_all(samples, methods, settings)
    return DataView(
        samples, estimates, edge_errors(estimates), matrix_corner(samples.x),
        derivatives_csv(estimates),
    )  # fmt: skip
